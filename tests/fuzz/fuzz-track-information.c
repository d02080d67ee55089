/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* mmc_parse_track_information() on arbitrary READ TRACK INFORMATION data (MMC-6 6.27.3, Table 575). */

#include <errno.h>
#include <string.h>

#include "fuzz.h"
#include "macro.h"
#include "mmc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_free_ uint8_t *buf = fuzz_dup(data, size);
        MmcTrackInfo t, cut;
        size_t total, eff;
        int r, r2;

        memset(&t, FUZZ_POISON_BYTE, sizeof(t));
        r = mmc_parse_track_information(buf, size, &t);
        FUZZ_CHECK(r == 0 || r == -EBADMSG);
        if (r < 0) {
                FUZZ_CHECK(fuzz_untouched(&t, sizeof(t)));
                return 0;
        }

        /* mmc.h: bytes 0..27 are required; an LRA_V bit needs bytes 28..31 to have arrived. */
        total = (size_t) be16(buf) + 2;
        eff = MIN(size, total);
        FUZZ_CHECK(eff >= 28);
        FUZZ_CHECK(!t.lra_v || eff >= 32);
        FUZZ_CHECK((t.track & 0xff) == buf[2] && (t.session & 0xff) == buf[3]);
        FUZZ_CHECK(t.start == be32(buf + 8) && t.nwa == be32(buf + 12) && t.free_blocks == be32(buf + 16) &&
                   t.size == be32(buf + 24));
        FUZZ_CHECK(t.nwa_v == !!(buf[7] & 0x01) && t.blank == !!(buf[6] & 0x40) &&
                   t.rt == !!(buf[6] & 0x80));
        /* The MSBs count only when they arrived inside the Data Length. */
        if (eff < 33)
                FUZZ_CHECK(t.track == buf[2]);
        if (eff < 34)
                FUZZ_CHECK(t.session == buf[3]);

        if (total < size) {
                memset(&t, 0, sizeof(t));
                memset(&cut, 0, sizeof(cut));
                r = mmc_parse_track_information(buf, size, &t);
                r2 = mmc_parse_track_information(buf, total, &cut);
                FUZZ_CHECK(r == r2 && memcmp(&t, &cut, sizeof(t)) == 0);
        }
        return 0;
}
