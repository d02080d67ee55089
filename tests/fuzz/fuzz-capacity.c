/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* mmc_parse_capacity() on arbitrary READ CAPACITY data (MMC-6 6.23.2, Table 523). */

#include <errno.h>
#include <string.h>

#include "fuzz.h"
#include "macro.h"
#include "mmc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_free_ uint8_t *buf = fuzz_dup(data, size);
        MmcCapacity c;
        int r;

        memset(&c, FUZZ_POISON_BYTE, sizeof(c));
        r = mmc_parse_capacity(buf, size, &c);
        FUZZ_CHECK((r == 0) == (size >= 8));
        FUZZ_CHECK(r == 0 || r == -EBADMSG);
        if (r < 0) {
                FUZZ_CHECK(fuzz_untouched(&c, sizeof(c)));
                return 0;
        }
        /* Table 523: two big-endian words, no header. */
        FUZZ_CHECK(c.last_lba ==
                   ((uint32_t) buf[0] << 24 | (uint32_t) buf[1] << 16 | (uint32_t) buf[2] << 8 | buf[3]));
        FUZZ_CHECK(c.block_size ==
                   ((uint32_t) buf[4] << 24 | (uint32_t) buf[5] << 16 | (uint32_t) buf[6] << 8 | buf[7]));
        return 0;
}
