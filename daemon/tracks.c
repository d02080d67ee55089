/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * On-demand reads: the track list (GetTracks, --probe's "Tracks"), the ISO 9660 volume size for msinfo on
 * overwritable media, and INQUIRY. None of these is part of the media-change probe, whose cost must not
 * grow with the number of tracks.
 */

#include <errno.h>

#include "macro.h"
#include "probe.h"

static const char *const track_state_table[_TRACK_STATE_MAX] = {
        [TRACK_STATE_COMPLETE] = "complete",   [TRACK_STATE_INCOMPLETE] = "incomplete",
        [TRACK_STATE_INVISIBLE] = "invisible", [TRACK_STATE_RESERVED] = "reserved",
        [TRACK_STATE_DAMAGED] = "damaged",
};

const char *track_state_to_string(TrackState s) {
        return s >= 0 && s < _TRACK_STATE_MAX ? track_state_table[s] : NULL;
}

static int32_t clamp32(uint64_t v) {
        return v > INT32_MAX ? INT32_MAX : (int32_t) v;
}

static TrackState track_state_from_info(const MmcTrackInfo *ti) {
        /* MMC-6 Table 575 and the Damage/NWA_V table of 6.27.3.7 (as dvd+rw-mediainfo decodes them). */
        if (ti->damage)
                return TRACK_STATE_DAMAGED;
        if (ti->rt)
                return TRACK_STATE_RESERVED;
        if (ti->blank)
                return TRACK_STATE_INVISIBLE;
        if (ti->nwa_v)
                return TRACK_STATE_INCOMPLETE;
        return TRACK_STATE_COMPLETE;
}

/* Without READ TRACK INFORMATION: TOC format 0 has every track's start and the lead-out, so a track's
 * size runs to the next start. Sessions come from format 1 when there is just one, else they are unknown
 * per track and reported as 1 up to the last session's first track. */
static int tracks_from_toc(Transport *t, TrackEntry **ret, size_t *ret_n) {
        _cleanup_free_ MmcToc *toc = malloc(sizeof(MmcToc));
        _cleanup_free_ MmcToc *toc1 = malloc(sizeof(MmcToc));
        _cleanup_free_ TrackEntry *list = NULL;
        bool have_toc1;
        size_t n = 0;
        int r;

        if (!toc || !toc1)
                return -ENOMEM;
        r = probe_read_toc(t, 0, toc);
        if (r == -EINVAL) { /* blank */
                *ret = NULL;
                *ret_n = 0;
                return 0;
        }
        if (r < 0)
                return r;
        have_toc1 = probe_read_toc(t, 1, toc1) >= 0 && toc1->n_entries > 0;

        list = calloc(toc->n_entries, sizeof(TrackEntry));
        if (!list)
                return -ENOMEM;
        for (size_t i = 0; i + 1 < toc->n_entries; i++) {
                const MmcTocEntry *e = &toc->entries[i], *next = &toc->entries[i + 1];

                if (e->point < 1 || e->point > 99)
                        continue;
                int64_t size = (int64_t) next->lba - e->lba;

                /* A track cannot start before the program area's LBA 0 (format 0 is LBA-addressed). */
                if (e->lba < 0)
                        return -EBADMSG;
                list[n++] = (TrackEntry){
                        .session = have_toc1 && e->point >= toc1->entries[0].point ? toc1->last : 1,
                        .track = e->point,
                        .start = e->lba,
                        .size = size > 0 ? (int32_t) MIN(size, (int64_t) INT32_MAX) : 0,
                        .last_recorded = -1,
                        .is_data = mmc_track_mode_is_data(e->control),
                        .state = TRACK_STATE_COMPLETE,
                };
        }
        *ret = TAKE_PTR(list);
        *ret_n = n;
        return 0;
}

int probe_tracks(Transport *t, TrackEntry **ret, size_t *ret_n) {
        _cleanup_free_ TrackEntry *list = NULL;
        MmcDiscInfo di;
        size_t n = 0;
        int r;

        r = probe_read_disc_info(t, &di);
        if (r < 0)
                return r;
        /* A blank disc lists its invisible track too: a burner wants its start and size. */
        if (di.last_track_last_session < di.first_track || di.first_track == 0)
                goto done;

        list = calloc((size_t) di.last_track_last_session - di.first_track + 1, sizeof(TrackEntry));
        if (!list)
                return -ENOMEM;
        for (uint32_t i = di.first_track; i <= di.last_track_last_session; i++) {
                MmcTrackInfo ti;

                r = probe_read_track(t, MMC_TI_TRACK, i, &ti);
                if (r == -EOPNOTSUPP && n == 0)
                        return tracks_from_toc(t, ret, ret_n);
                if (r < 0)
                        return r;
                list[n++] = (TrackEntry){
                        .session = ti.session,
                        .track = ti.track,
                        .start = clamp32(ti.start),
                        .size = clamp32(ti.size),
                        .last_recorded = ti.lra_v ? clamp32(ti.lra) : -1,
                        .is_data = mmc_track_mode_is_data(ti.track_mode),
                        .state = track_state_from_info(&ti),
                };
        }
done:
        *ret = TAKE_PTR(list);
        *ret_n = n;
        return 0;
}

int probe_iso_volume_blocks(Transport *t, uint32_t *ret) {
        _cleanup_free_ uint8_t *buf = malloc(2048);
        uint8_t cdb[MMC_CDB_MAX];
        size_t n, l;
        uint32_t le, be;
        int r;

        if (!buf)
                return -ENOMEM;
        l = mmc_cdb_read10(cdb, 16, 1);
        r = transport_command(t, cdb, l, buf, 2048, &n, NULL);
        if (r < 0)
                return r;
        /* ECMA-119 8.4: type 1 (Primary), "CD001", version 1; Volume Space Size at 80..87 both-byte. */
        if (n < 88 || buf[0] != 1 || memcmp(buf + 1, "CD001", 5) != 0)
                return -ENOENT;
        le = (uint32_t) buf[80] | (uint32_t) buf[81] << 8 | (uint32_t) buf[82] << 16 |
             (uint32_t) buf[83] << 24;
        be = be32(buf + 84);
        if (le != be)
                return -EBADMSG;
        *ret = le;
        return 0;
}

int probe_inquiry(Transport *t, MmcInquiry *ret) {
        uint8_t cdb[MMC_CDB_MAX], buf[96];
        size_t n, l;
        int r;

        l = mmc_cdb_inquiry(cdb, sizeof(buf));
        r = transport_command(t, cdb, l, buf, sizeof(buf), &n, NULL);
        if (r < 0)
                return r;
        return mmc_parse_inquiry(buf, n, ret);
}
