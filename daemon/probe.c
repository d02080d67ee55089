/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * Which commands, in which order, per medium (mmc-multisession.md §4.3). Counts, GET CONFIGURATION and
 * READ DISC INFORMATION included:
 *
 *   no medium                      2  (GET CONFIGURATION reports profile 0; TEST UNIT READY says why)
 *   CD-R/RW blank                  3  + READ TRACK INFORMATION FFh
 *   CD-R/RW appendable             5  + READ TOC format 2 (sessions, starts, data bits), TI FFh, TI last
 *   CD-R/RW closed                 5  + READ TOC format 2, TI last, READ CAPACITY
 *   DVD/BD sequential blank        3  + TI next
 *   DVD/BD sequential appendable   5  + TI next, TI by session (first track), TI last (saved when equal)
 *   DVD/BD sequential closed       5  + TI by session, TI last, READ CAPACITY
 *   overwritable                 ≤ 6  + READ CAPACITY, TI by session, TI last complete, TI last (shared when
 * equal) ROM, or no READ TRACK INFO     5  + READ TOC formats 0 and 1, READ CAPACITY
 */

#include <errno.h>
#include <stddef.h>

#include "macro.h"
#include "probe.h"

#define CONFIG_ALLOC     4096
#define DISC_INFO_ALLOC  34
#define TRACK_INFO_ALLOC 48
#define TOC_ALLOC        (4 + 11 * MMC_TOC_MAX_ENTRIES)

/* The drive does not know the command (05/20/00) or the field does not apply to this medium (05/24/00,
 * e.g. READ TOC on a blank disc): the fact is absent, not the probe failed. */
#define IN_SET_SOFT(r) ((r) == -EOPNOTSUPP || (r) == -EINVAL)

/* Sends one command; a UNIT ATTENTION other than a medium change (power on, mode parameters changed) is
 * retried once, as every initiator does after reading the sense. */
static int run(Transport *t, const uint8_t *cdb, size_t cdb_len, uint8_t *buf, size_t len, size_t *ret_len) {
        int r;

        r = transport_command(t, cdb, cdb_len, buf, len, ret_len, NULL);
        if (r == -ERESTART)
                r = transport_command(t, cdb, cdb_len, buf, len, ret_len, NULL);
        return r == -ERESTART ? -EIO : r;
}

static int read_config(Transport *t, MmcConfiguration *ret) {
        _cleanup_free_ uint8_t *buf = malloc(CONFIG_ALLOC);
        uint8_t cdb[MMC_CDB_MAX];
        size_t n, l;
        int r;

        if (!buf)
                return -ENOMEM;
        /* RT 00b from feature 0: every feature, current or not (the profile list must be whole). */
        l = mmc_cdb_get_configuration(cdb, 0, 0, CONFIG_ALLOC);
        r = run(t, cdb, l, buf, CONFIG_ALLOC, &n);
        if (r < 0)
                return r;
        return mmc_parse_configuration(buf, n, ret);
}

static int read_disc_info(Transport *t, MmcDiscInfo *ret) {
        uint8_t cdb[MMC_CDB_MAX], buf[DISC_INFO_ALLOC];
        size_t n, l;
        int r;

        l = mmc_cdb_read_disc_information(cdb, sizeof(buf));
        r = run(t, cdb, l, buf, sizeof(buf), &n);
        if (r < 0)
                return r;
        return mmc_parse_disc_information(buf, n, ret);
}

static int read_track(Transport *t, MmcTrackAddressType type, uint32_t number, MmcTrackInfo *ret) {
        uint8_t cdb[MMC_CDB_MAX], buf[TRACK_INFO_ALLOC];
        size_t n, l;
        int r;

        l = mmc_cdb_read_track_information(cdb, type, number, sizeof(buf));
        r = run(t, cdb, l, buf, sizeof(buf), &n);
        if (r < 0)
                return r;
        r = mmc_parse_track_information(buf, n, ret);
        if (r < 0)
                return r;
        /* A drive answering for another track than asked is no drive to trust (MMC-6 6.27.3). */
        if (type == MMC_TI_TRACK && number != 0xff && ret->track != number)
                return -EBADMSG;
        if (type == MMC_TI_SESSION && ret->session != number)
                return -EBADMSG;
        return 0;
}

static int read_toc(Transport *t, uint8_t format, MmcToc *ret) {
        _cleanup_free_ uint8_t *buf = malloc(TOC_ALLOC);
        uint8_t cdb[MMC_CDB_MAX];
        size_t n, l;
        int r;

        if (!buf)
                return -ENOMEM;
        /* Format 2 starts at session 1; formats 0 and 1 at track/session 0 (all). */
        l = mmc_cdb_read_toc(cdb, format, format == 2 ? 1 : 0, TOC_ALLOC);
        r = run(t, cdb, l, buf, TOC_ALLOC, &n);
        if (r < 0)
                return r;
        return mmc_parse_toc(buf, n, format, ret);
}

static int read_capacity(Transport *t, MmcCapacity *ret) {
        uint8_t cdb[MMC_CDB_MAX], buf[8];
        size_t n, l;
        int r;

        l = mmc_cdb_read_capacity(cdb);
        r = run(t, cdb, l, buf, sizeof(buf), &n);
        if (r < 0)
                return r;
        return mmc_parse_capacity(buf, n, ret);
}

/* Read-only media and drives without READ TRACK INFORMATION: the TOC says where sessions start and end. */
static int probe_from_toc(Transport *t, ProbeData *d) {
        int r;

        r = read_toc(t, 0, &d->toc);
        if (r == -EINVAL) /* blank: no TOC (05/24/00), as on real drives */
                return 0;
        if (r < 0)
                return r;
        d->have_toc = true;

        r = read_toc(t, 1, &d->toc1);
        if (r >= 0)
                d->have_toc1 = true;
        else if (!IN_SET_SOFT(r))
                return r;

        r = read_capacity(t, &d->capacity);
        if (r >= 0)
                d->have_capacity = true;
        else if (!IN_SET_SOFT(r))
                return r;
        return 0;
}

static int probe_once(Transport *t, ProbeData *d) {
        const MmcDiscInfo *di = &d->disc;
        uint32_t ncomplete, last;
        uint16_t p;
        int r;

        /* Everything but the TOC entry arrays (2 × 16 KiB that only a CD or ROM probe fills, and then
         * only n_entries of them): zeroing them each time kept a whole ProbeData resident per worker. */
        memset(d, 0, offsetof(ProbeData, toc));
        d->toc.format = d->toc.first = d->toc.last = 0;
        d->toc.n_entries = 0;
        d->have_toc1 = false;
        d->toc1.format = d->toc1.first = d->toc1.last = 0;
        d->toc1.n_entries = 0;

        r = read_config(t, &d->config);
        if (r < 0 && !IN_SET_SOFT(r))
                return r;
        /* Pre-MMC2 drives refuse GET CONFIGURATION (05/20, 05/24): go on with the disc information, as
         * cdrom_id's old-MMC path does; the profile stays unknown. */
        d->have_config = r >= 0;
        if (!d->have_config)
                d->config = (MmcConfiguration){};

        if (d->have_config && d->config.current_profile == MMC_PROFILE_NONE) {
                uint8_t cdb[MMC_CDB_MAX];
                size_t l = mmc_cdb_test_unit_ready(cdb);

                /* No current profile: an empty tray, or a disc still spinning up. Only the sense of
                 * TEST UNIT READY tells them apart. */
                r = run(t, cdb, l, NULL, 0, NULL);
                if (r == -ENOMEDIUM)
                        return 0;
                if (r < 0)
                        return r;
        }

        r = read_disc_info(t, &d->disc);
        if (r == -ENOMEDIUM)
                return 0;
        if (r < 0)
                return r;
        d->media_present = true;
        d->have_disc = true;

        p = d->have_config ? d->config.current_profile : MMC_PROFILE_NONE;
        ncomplete = disc_blank_like(p, di) ? 0 : disc_complete_sessions(di);
        last = disc_last_complete_track(di);

        if (profile_is_rom(p) || (!profile_is_sequential(p, d->config.pow_current) &&
                                  !profile_is_overwritable(p, d->config.pow_current)))
                return probe_from_toc(t, d);

        if (profile_is_overwritable(p, d->config.pow_current)) {
                /* The disc's last track carries the LRA (RandomWrite's LastWrittenAddress) and, on BD-R
                 * POW, the NWA; the last complete session gives the previous-session values. */
                r = read_capacity(t, &d->capacity);
                if (r < 0 && !IN_SET_SOFT(r))
                        return r;
                d->have_capacity = r >= 0;
                if (ncomplete > 0) {
                        r = read_track(t, MMC_TI_SESSION, ncomplete, &d->first);
                        if (r < 0 && !IN_SET_SOFT(r))
                                return r;
                        d->have_first = r >= 0;
                }
                if (d->have_first && d->first.track == last) {
                        d->last = d->first;
                        d->have_last = true;
                } else if (ncomplete > 0 && last > 0) {
                        r = read_track(t, MMC_TI_TRACK, last, &d->last);
                        if (r < 0 && !IN_SET_SOFT(r))
                                return r;
                        d->have_last = r >= 0;
                }
                if (d->have_last && d->last.track == di->last_track_last_session) {
                        d->next = d->last;
                        d->have_next = true;
                } else if (di->last_track_last_session > 0) {
                        r = read_track(t, MMC_TI_TRACK, di->last_track_last_session, &d->next);
                        if (r < 0 && !IN_SET_SOFT(r))
                                return r;
                        d->have_next = r >= 0;
                }
                return 0;
        }

        /* Sequential media. On CD the full TOC gives the session starts and every track's data bit in
         * one command; elsewhere READ TRACK INFORMATION by session number finds the first track. */
        if (ncomplete > 0 && profile_is_cd(p)) {
                r = read_toc(t, 2, &d->toc);
                if (r < 0 && !IN_SET_SOFT(r))
                        return r;
                d->have_toc = r >= 0;
        }

        if (di->disc_status <= MMC_DISC_STATUS_APPENDABLE) {
                r = read_track(t, MMC_TI_TRACK, profile_next_track(p, di), &d->next);
                if (r == -EOPNOTSUPP)
                        return d->have_toc ? 0 : probe_from_toc(t, d);
                if (r < 0 && !IN_SET_SOFT(r))
                        return r;
                d->have_next = r >= 0;
        }
        if (ncomplete == 0)
                return 0;

        /* Elsewhere — or on a CD whose drive refused the full TOC — READ TRACK INFORMATION by session
         * number names the first track of the last complete session. */
        if (!d->have_toc) {
                r = read_track(t, MMC_TI_SESSION, ncomplete, &d->first);
                if (r == -EOPNOTSUPP)
                        return probe_from_toc(t, d);
                if (r < 0 && !IN_SET_SOFT(r))
                        return r;
                d->have_first = r >= 0;
        }

        if (d->have_first && d->first.track == last) {
                d->last = d->first;
                d->have_last = true;
        } else if (last > 0) {
                r = read_track(t, MMC_TI_TRACK, last, &d->last);
                if (r == -EOPNOTSUPP)
                        return d->have_toc ? 0 : probe_from_toc(t, d);
                if (r < 0 && !IN_SET_SOFT(r))
                        return r;
                d->have_last = r >= 0;
        }

        if (di->disc_status == MMC_DISC_STATUS_COMPLETE) {
                r = read_capacity(t, &d->capacity);
                if (r < 0 && !IN_SET_SOFT(r))
                        return r;
                d->have_capacity = r >= 0;
        }
        return 0;
}

int probe_read_toc(Transport *t, uint8_t format, MmcToc *ret) {
        return read_toc(t, format, ret);
}

int probe_read_track(Transport *t, MmcTrackAddressType type, uint32_t number, MmcTrackInfo *ret) {
        return read_track(t, type, number, ret);
}

int probe_read_disc_info(Transport *t, MmcDiscInfo *ret) {
        return read_disc_info(t, ret);
}

int probe_media(Transport *t, ProbeData *data, MediaState *ret) {
        _cleanup_free_ ProbeData *own = NULL;
        int r;

        if (!data) {
                own = malloc(sizeof(ProbeData));
                if (!own)
                        return -ENOMEM;
                data = own;
        }

        /* UNIT ATTENTION 06/28/00 means the medium changed under us: everything read so far belongs to
         * the old one. Start over; a drive that keeps saying so is broken. */
        for (unsigned attempt = 0;; attempt++) {
                r = probe_once(t, data);
                if (r != -ESTALE)
                        break;
                if (attempt >= 2)
                        return -EIO;
        }
        if (r < 0)
                return r;
        return multisession_derive(data, ret);
}
