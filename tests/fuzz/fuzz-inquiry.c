/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* mmc_parse_inquiry() on arbitrary standard INQUIRY data (SPC-4 6.6.2). */

#include <errno.h>
#include <string.h>

#include "fuzz.h"
#include "macro.h"
#include "mmc.h"

/* The strings go out over D-Bus: NUL-terminated inside their arrays, printable ASCII, no trailing blank. */
static void check_field(const char *s, size_t size) {
        size_t n = strnlen(s, size);

        FUZZ_CHECK(n < size);
        for (size_t i = 0; i < n; i++)
                FUZZ_CHECK(s[i] >= 0x20 && s[i] < 0x7f);
        FUZZ_CHECK(n == 0 || s[n - 1] != ' ');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_free_ uint8_t *buf = fuzz_dup(data, size);
        MmcInquiry q;
        int r;

        memset(&q, FUZZ_POISON_BYTE, sizeof(q));
        r = mmc_parse_inquiry(buf, size, &q);
        FUZZ_CHECK(r == 0 || r == -EBADMSG);
        /* Needs the 36 standard bytes, and nothing more. */
        FUZZ_CHECK((r == 0) == (size >= 36));
        if (r < 0) {
                FUZZ_CHECK(fuzz_untouched(&q, sizeof(q)));
                return 0;
        }

        FUZZ_CHECK(q.peripheral_type == (buf[0] & 0x1f));
        FUZZ_CHECK(q.removable == !!(buf[1] & 0x80));
        check_field(q.vendor, sizeof(q.vendor));
        check_field(q.product, sizeof(q.product));
        check_field(q.revision, sizeof(q.revision));
        return 0;
}
