/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <string.h>

/* Before <glib.h>: macro.h defines MIN/MAX unconditionally, and GLib #undefs them before its own. */
#include "macro.h"
#include "mmc-test-util.h"

#include <glib.h>

/* Runs check on a heap copy of exactly len bytes (for len 0: the end of a 1-byte block). */
static void check_copy(const uint8_t *src, size_t len, size_t eff, ReplyCheck check, const void *expected) {
        uint8_t *block = g_malloc(MAX(len, (size_t) 1));

        memcpy(block, src, len);
        check(len > 0 ? block : block + 1, len, eff, expected);
        g_free(block);
}

void check_all_cuts(const uint8_t *full, size_t full_len, size_t hdr_off, size_t hdr_width, ReplyCheck check,
                    const void *expected) {
        g_autofree uint8_t *b = g_memdup2(full, full_len);

        for (size_t len = 0; len <= full_len; len++)
                check_copy(full, len, len, check, expected);
        for (size_t total = hdr_off + hdr_width; hdr_width > 0 && total < full_len; total++) {
                size_t v = total - hdr_off - hdr_width;

                for (size_t i = 0; i < hdr_width; i++)
                        b[hdr_off + i] = (uint8_t) (v >> (8 * (hdr_width - 1 - i)));
                check_copy(b, full_len, total, check, expected);
        }
}

static uint64_t field_get(const void *p, const Field *f) {
        uint8_t v8;
        uint16_t v16;
        uint32_t v32;

        switch (f->size) {
        case 1:
                memcpy(&v8, (const uint8_t *) p + f->offset, 1);
                return v8;
        case 2:
                memcpy(&v16, (const uint8_t *) p + f->offset, 2);
                return v16;
        default:
                g_assert_cmpuint(f->size, ==, 4);
                memcpy(&v32, (const uint8_t *) p + f->offset, 4);
                return v32;
        }
}

void assert_fields(const void *got, const void *expected, const Field *fields, size_t n) {
        for (size_t i = 0; i < n; i++) {
                uint64_t a = field_get(got, fields + i), e = field_get(expected, fields + i);

                if (a != e)
                        g_test_message("field %s", fields[i].name);
                g_assert_cmpuint(a, ==, e);
        }
}
