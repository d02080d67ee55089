/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* mmc_parse_configuration() on arbitrary GET CONFIGURATION data (MMC-6 6.6, Table 87, 5.3). */

#include <errno.h>
#include <string.h>

#include "fuzz.h"
#include "macro.h"
#include "mmc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_free_ uint8_t *buf = fuzz_dup(data, size);
        _cleanup_free_ MmcConfiguration *c = malloc(sizeof(MmcConfiguration));
        _cleanup_free_ MmcConfiguration *cut = malloc(sizeof(MmcConfiguration));
        uint64_t total;
        int r, r2;

        if (!c || !cut)
                abort();
        memset(c, FUZZ_POISON_BYTE, sizeof(*c));
        r = mmc_parse_configuration(buf, size, c);
        FUZZ_CHECK(r == 0 || r == -EBADMSG);
        if (r < 0) {
                FUZZ_CHECK(fuzz_untouched(c, sizeof(*c)));
                return 0;
        }

        /* Table 87: the 8-byte header holds the current profile in bytes 6..7. */
        FUZZ_CHECK(size >= 8);
        FUZZ_CHECK(c->current_profile == be16(buf + 6));
        FUZZ_CHECK(c->n_profiles <= MMC_MAX_PROFILES);
        FUZZ_CHECK(c->n_link_sizes <= MMC_MAX_LINK_SIZES);

        /* mmc.h: a reply longer than its Data Length says is cut there, so the bytes past it change
         * nothing. */
        total = (uint64_t) be32(buf) + 4;
        if (total < size) {
                memset(c, 0, sizeof(*c));
                memset(cut, 0, sizeof(*cut));
                r = mmc_parse_configuration(buf, size, c);
                r2 = mmc_parse_configuration(buf, (size_t) total, cut);
                FUZZ_CHECK(r == r2 && memcmp(c, cut, sizeof(*c)) == 0);
        }
        return 0;
}
