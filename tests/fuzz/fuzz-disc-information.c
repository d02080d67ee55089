/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* mmc_parse_disc_information() on arbitrary READ DISC INFORMATION data (MMC-6 6.22.3.1, Table 520). */

#include <errno.h>
#include <string.h>

#include "fuzz.h"
#include "macro.h"
#include "mmc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_free_ uint8_t *buf = fuzz_dup(data, size);
        MmcDiscInfo d, cut;
        size_t total;
        int r, r2;

        memset(&d, FUZZ_POISON_BYTE, sizeof(d));
        r = mmc_parse_disc_information(buf, size, &d);
        FUZZ_CHECK(r == 0 || r == -EBADMSG);
        if (r < 0) {
                FUZZ_CHECK(fuzz_untouched(&d, sizeof(d)));
                return 0;
        }

        /* mmc.h: bytes 0..11 are required; Table 520 puts the counts' LSBs in 4..6, MSBs in 9..11. */
        FUZZ_CHECK(size >= 12);
        FUZZ_CHECK(d.disc_status == (buf[2] & 0x03));
        FUZZ_CHECK(d.last_session_state == ((buf[2] >> 2) & 0x03));
        FUZZ_CHECK(d.n_sessions == (buf[9] << 8 | buf[4]));
        FUZZ_CHECK(d.first_track_last_session == (buf[10] << 8 | buf[5]));
        FUZZ_CHECK(d.last_track_last_session == (buf[11] << 8 | buf[6]));
        /* A written disc has a session, and its last session does not end before it starts. */
        if (d.disc_status != MMC_DISC_STATUS_BLANK)
                FUZZ_CHECK(d.n_sessions > 0 && d.first_track_last_session <= d.last_track_last_session);

        total = (size_t) be16(buf) + 2;
        if (total < size) {
                memset(&d, 0, sizeof(d));
                memset(&cut, 0, sizeof(cut));
                r = mmc_parse_disc_information(buf, size, &d);
                r2 = mmc_parse_disc_information(buf, total, &cut);
                FUZZ_CHECK(r == r2 && memcmp(&d, &cut, sizeof(d)) == 0);
        }
        return 0;
}
