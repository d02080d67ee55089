/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * The probe against a drive that answers anything: probe_media(), then probe_tracks(), then
 * probe_iso_volume_blocks() on one fuzzed transport (fuzz-transport.h describes the input). None of them
 * may crash, leak, hang or read outside a reply; what they return must keep design.md's promises.
 */

#include <errno.h>
#include <string.h>

#include "fuzz-checks.h"
#include "fuzz-transport.h"
#include "fuzz.h"
#include "macro.h"
#include "multisession.h"
#include "probe.h"

/* At most 8 distinct commands per attempt (a DVD whose drive refuses READ TRACK INFORMATION only for the
 * last track falls back to the TOC: 5 + 3), each sent twice after a UNIT ATTENTION, 3 attempts after a
 * medium change: a bound that does not grow with the tracks, as design.md §3 requires. */
#define PROBE_MAX_COMMANDS (3 * 8 * 2)

static void check_tracks(const TrackEntry *tracks, size_t n) {
        for (size_t i = 0; i < n; i++) {
                FUZZ_CHECK(track_state_to_string(tracks[i].state));
                FUZZ_CHECK(tracks[i].size >= 0);
                FUZZ_CHECK(tracks[i].last_recorded >= -1);
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_(transport_freep) Transport *t = fuzz_transport_new(data, size);
        _cleanup_free_ ProbeData *pd = malloc(sizeof(ProbeData));
        _cleanup_free_ TrackEntry *tracks = NULL;
        MediaState s;
        size_t n_tracks = 0;
        uint32_t iso;
        unsigned before;
        bool media_ok;
        int r;

        if (!pd)
                abort();

        before = t->n_commands;
        r = probe_media(t, pd, &s);
        FUZZ_CHECK(r <= 0);
        FUZZ_CHECK(t->n_commands - before <= PROBE_MAX_COMMANDS);
        media_ok = r == 0;
        if (media_ok)
                fuzz_check_media_state(&s);

        r = probe_tracks(t, &tracks, &n_tracks);
        FUZZ_CHECK(r <= 0);
        if (r == 0)
                check_tracks(tracks, n_tracks);
        else
                FUZZ_CHECK(!tracks);

        r = probe_iso_volume_blocks(t, &iso);
        FUZZ_CHECK(r <= 0);
        if (r == 0 && media_ok) {
                int32_t start, next;

                /* Overwritable media: 0 and the volume's end rounded up to the write unit. */
                r = multisession_msinfo(&s, iso, &start, &next);
                if (r == 0 && s.rw_in_use) {
                        int32_t unit = s.rw_write_unit > 0 ? s.rw_write_unit : 1;

                        FUZZ_CHECK(start == 0 && next >= (int64_t) MIN(iso, (uint32_t) INT32_MAX));
                        FUZZ_CHECK(next == INT32_MAX || next % unit == 0);
                }
        }
        return 0;
}
