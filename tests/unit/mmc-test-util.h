/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Shared by the test-mmc* unit tests of daemon/mmc.c: the truncation loop and the field-by-field
 * comparison of parsed structs.
 *
 * check_all_cuts() takes a sample reply: cut at every length 0..full-1, and whole but with every smaller
 * value in its length header. Each cut is parsed from a heap block of exactly `len` bytes, so ASan or
 * valgrind report any read past it. A cut reply must fail with -EBADMSG or succeed with exactly the
 * fields that fit.
 */

#include <stddef.h>
#include <stdint.h>

/* Parses buf[0..len) and asserts the outcome for a reply whose effective length is `eff`: len itself,
 * or less when the reply's length header says so. */
typedef void (*ReplyCheck)(const uint8_t *buf, size_t len, size_t eff, const void *expected);

/* The whole reply and every truncation of it; then the whole reply with every smaller value in its length
 * header (hdr_width big-endian bytes at hdr_off that count the bytes after themselves; 0: no header). */
void check_all_cuts(const uint8_t *full, size_t full_len, size_t hdr_off, size_t hdr_width, ReplyCheck check,
                    const void *expected);

/* Field-by-field comparison of parsed structs, driven by tables of members. */
typedef struct Field {
        const char *name;
        size_t offset, size;
} Field;
#define FIELD(type, m) { #m, offsetof(type, m), sizeof(((type *) NULL)->m) }

/* Asserts that every listed member (1, 2 or 4 bytes wide) of got equals the one of expected; names the
 * first that differs. */
void assert_fields(const void *got, const void *expected, const Field *fields, size_t n);
