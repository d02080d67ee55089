/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Shared by the libFuzzer targets. A target states what the code under test promises (mmc.h, probe.h,
 * multisession.h, design.md) and aborts when a promise breaks, so that libFuzzer saves the input like any
 * crash. The sanitizers (ASan, UBSan, LeakSanitizer) catch the rest.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(expr)                                                                                    \
        do {                                                                                                \
                if (!(expr)) {                                                                              \
                        fprintf(stderr, "%s:%d: broken promise: %s\n", __FILE__, __LINE__, #expr);          \
                        abort();                                                                            \
                }                                                                                           \
        } while (0)

/* A promise the daemon does not keep yet: reported to the lead (HACKING.md, "Fuzzing") and checked only
 * when FUZZ_STRICT is set, so that meanwhile the fuzzers look past it for other bugs. */
static inline bool fuzz_strict(void) {
        static int strict = -1;

        if (strict < 0)
                strict = getenv("FUZZ_STRICT") != NULL;
        return strict;
}

#define FUZZ_CHECK_PENDING(expr)                                                                            \
        do {                                                                                                \
                if (fuzz_strict())                                                                          \
                        FUZZ_CHECK(expr);                                                                   \
        } while (0)

/* A parser's input in a buffer of exactly its size, so that reading one byte past it is an ASan report
 * even when libFuzzer's own buffer is larger. */
static inline uint8_t *fuzz_dup(const uint8_t *data, size_t size) {
        uint8_t *p = malloc(size > 0 ? size : 1);

        if (!p)
                abort();
        for (size_t i = 0; i < size; i++)
                p[i] = data[i];
        return p;
}

/* Bytes that a parser must leave alone when it fails ("the output is written only on success"). */
#define FUZZ_POISON_BYTE 0xa5

static inline int fuzz_untouched(const void *p, size_t n) {
        const uint8_t *b = p;

        for (size_t i = 0; i < n; i++)
                if (b[i] != FUZZ_POISON_BYTE)
                        return 0;
        return 1;
}
