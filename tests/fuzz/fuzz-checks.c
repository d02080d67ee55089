/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* design.md §2's promises about the published values, whatever the drive said. */

#include <errno.h>
#include <string.h>

#include "fuzz-checks.h"
#include "fuzz.h"

void fuzz_check_media_state(const MediaState *s) {
        int32_t start, next;
        int r;

        /* Every property has a value, so GetAll always works. */
        FUZZ_CHECK(s->media_type);
        /* "At most one of the two multisession interfaces has it true." */
        FUZZ_CHECK(!(s->seq_in_use && s->rw_in_use));
        FUZZ_CHECK(!s->seq_supported || s->seq_in_use);
        FUZZ_CHECK(!s->rw_supported || s->rw_in_use);

        if (!s->media_present) {
                /* design.md §2: every value at its sentinel. */
                FUZZ_CHECK(!s->seq_supported && !s->seq_in_use && s->seq_free_sectors == 0);
                FUZZ_CHECK(s->seq_last_written_prev == -1 && s->seq_next_writable == -1 &&
                           s->seq_start_prev == -1 && s->seq_write_unit == 0);
                FUZZ_CHECK(!s->rw_supported && !s->rw_in_use && s->rw_last_written == -1 &&
                           s->rw_total_sectors == 0 && s->rw_write_unit == 0);
                FUZZ_CHECK(strcmp(s->media_type, "") == 0 && s->session_count == 0 && s->track_count == 0);
        }
        /* "−1 when no complete session exists". */
        if (s->session_count == 0)
                FUZZ_CHECK(s->seq_start_prev == -1 && s->seq_last_written_prev == -1);
        /* LONG properties: a count of sectors is never negative. */
        FUZZ_CHECK(s->seq_free_sectors >= 0 && s->total_sectors >= 0 && s->rw_total_sectors >= 0);
        /* Addresses are LBAs of the user data area or the sentinel −1: a negative LBA from a garbage TOC
         * would read as a sentinel that is not one. */
        FUZZ_CHECK(s->seq_next_writable >= -1 && s->seq_last_written_prev >= -1 && s->seq_start_prev >= -1);

        /* GetMultisessionInfo (FORMAT.md's msinfo rule): on sequential media the published start and next
         * when supported, else an error; without an ISO volume, overwritable media have no answer. */
        r = multisession_msinfo(s, -1, &start, &next);
        if (r == 0) {
                FUZZ_CHECK(s->seq_in_use && s->seq_supported && start == s->seq_start_prev &&
                           next == s->seq_next_writable);
                /* "The strict form, for -C start,next": two addresses, never a sentinel. */
                FUZZ_CHECK(start >= 0 && next >= 0);
        } else
                FUZZ_CHECK(r == -ENOMEDIUM || r == -EROFS || r == -EMEDIUMTYPE);
}
