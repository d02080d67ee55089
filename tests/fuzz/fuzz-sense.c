/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* mmc_sense_parse() and mmc_sense_to_errno() on arbitrary sense data (SPC-4 4.5). */

#include <errno.h>
#include <string.h>

#include "fuzz.h"
#include "macro.h"
#include "mmc.h"

/* The errnos mmc.h's table lists; nothing else may come out. */
static int errno_listed(int r) {
        switch (r) {
        case -ENOMEDIUM:
        case -EAGAIN:
        case -EBUSY:
        case -ESTALE:
        case -ERESTART:
        case -EOPNOTSUPP:
        case -EINVAL:
        case -ERANGE:
        case -EMEDIUMTYPE:
        case -EIO:
                return 1;
        default:
                return 0;
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_free_ uint8_t *buf = fuzz_dup(data, size);
        MmcSense s;
        char text[9], want[9];
        int r;

        memset(&s, FUZZ_POISON_BYTE, sizeof(s));
        r = mmc_sense_parse(buf, size, &s);
        FUZZ_CHECK(r == 0 || r == -EBADMSG);
        if (r < 0) {
                FUZZ_CHECK(fuzz_untouched(&s, sizeof(s)));
                return 0;
        }

        /* SPC-4: fixed format 70h/71h keeps SK in byte 2 and ASC/ASCQ in 12/13, descriptor format 72h/73h
         * in bytes 1..3; bit 7 of byte 0 (VALID) is no part of the response code. */
        FUZZ_CHECK(size >= 4);
        if ((buf[0] & 0x7e) == 0x70)
                FUZZ_CHECK(s.key == (buf[2] & 0x0f) && s.asc == buf[12] && s.ascq == buf[13]);
        else
                FUZZ_CHECK((buf[0] & 0x7e) == 0x72 && s.key == (buf[1] & 0x0f) && s.asc == buf[2] &&
                           s.ascq == buf[3]);

        r = mmc_sense_to_errno(&s);
        FUZZ_CHECK(errno_listed(r));
        /* mmc.h's table, rows with one answer each. */
        if (s.key == 0x02 && s.asc == 0x3a)
                FUZZ_CHECK(r == -ENOMEDIUM);
        if (s.key == 0x06 && s.asc == 0x28 && s.ascq == 0x00)
                FUZZ_CHECK(r == -ESTALE);
        if (s.key != 0x02 && s.key != 0x05 && s.key != 0x06)
                FUZZ_CHECK(r == -EIO);

        snprintf(want, sizeof(want), "%02X/%02X/%02X", s.key, s.asc, s.ascq);
        FUZZ_CHECK(strcmp(mmc_sense_to_string(&s, text), want) == 0);
        return 0;
}
