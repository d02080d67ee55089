/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * Unit tests for daemon/mmc.c: READ TOC/PMA/ATIP formats 0, 1 and 2, and the MSF to LBA conversion. Every
 * reply below is written by hand from the MMC-6 / SPC-4 tables cited next to it, never produced by the code
 * under test, and every expected value is worked out by hand. Each sample also goes through check_all_cuts()
 * (mmc-test-util.h): every truncation of it, and the whole of it with every smaller value in its length
 * header.
 */

#include <errno.h>
#include <string.h>

/* Before <glib.h>: macro.h defines MIN/MAX unconditionally, and GLib #undefs them before its own. */
#include "macro.h"
#include "mmc.h"
#include "mmc-test-util.h"

#include <glib.h>

/* ---- READ TOC/PMA/ATIP ---- */

#define TE(m) FIELD(MmcTocEntry, m)
static const Field toc_entry_fields[] = {
        TE(session), TE(adr), TE(control), TE(point), TE(lba),    TE(min),
        TE(sec),     TE(frame), TE(pmin),  TE(psec),  TE(pframe),
};
#undef TE

/* Format 0 (MMC-6 Table 480): audio track 1 at LBA 0, data track 2 at 11400, lead-out at 23090. */
static const uint8_t toc0[28] = {
        0x00, 0x1a, 0x01, 0x02,                         /* TOC Data Length 26, first track 1, last 2 */
        0x00, 0x10, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, /* ADR 1, audio, track 1 at 0 */
        0x00, 0x14, 0x02, 0x00, 0x00, 0x00, 0x2c, 0x88, /* ADR 1, data, track 2 at 11400 */
        0x00, 0x14, 0xaa, 0x00, 0x00, 0x00, 0x5a, 0x32, /* ADR 1, data, lead-out at 23090 */
};

/* Format 1 (MMC-6 Table 483): sessions 1..2 complete, the last one starts with data track 2 at 22800. */
static const uint8_t toc1[12] = { 0x00, 0x0a, 0x01, 0x02, 0x00, 0x14, 0x02, 0x00, 0x00, 0x00, 0x59, 0x10 };

/* Format 2 (MMC-6 Table 486), a 2-session data CD. Session 1: track 1 at 00:02:00 (LBA 0), lead-out at
 * 02:34:00 (11400), B0 next program area 05:06:00, C0 first lead-in 97:27:00. Session 2: track 2 at
 * 05:06:00 (22800), lead-out at 06:42:00 (30000), B0 next program area 08:14:00. */
static const uint8_t toc2[125] = {
        0x00, 0x7b, 0x01, 0x02, /* TOC Data Length 123 = 2 + 11 * 11, sessions 1..2 */
        0x01, 0x14, 0x00, 0xa0, 0x00, 0x00, 0x00, 0x00, 0x01, 0x20, 0x00, /* A0: first track 1, XA */
        0x01, 0x14, 0x00, 0xa1, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, /* A1: last track 1 */
        0x01, 0x14, 0x00, 0xa2, 0x00, 0x00, 0x00, 0x00, 0x02, 0x22, 0x00, /* A2: lead-out 02:34:00 */
        0x01, 0x14, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, /* track 1 at 00:02:00 */
        0x01, 0x54, 0x00, 0xb0, 0x05, 0x06, 0x00, 0x02, 0x4f, 0x3b, 0x4a, /* B0 */
        0x01, 0x54, 0x00, 0xc0, 0xa0, 0x00, 0x00, 0x00, 0x61, 0x1b, 0x00, /* C0 */
        0x02, 0x14, 0x00, 0xa0, 0x00, 0x00, 0x00, 0x00, 0x02, 0x20, 0x00, /* A0: first track 2 */
        0x02, 0x14, 0x00, 0xa1, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, /* A1: last track 2 */
        0x02, 0x14, 0x00, 0xa2, 0x00, 0x00, 0x00, 0x00, 0x06, 0x2a, 0x00, /* A2: lead-out 06:42:00 */
        0x02, 0x14, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x05, 0x06, 0x00, /* track 2 at 05:06:00 */
        0x02, 0x54, 0x00, 0xb0, 0x08, 0x0e, 0x00, 0x01, 0x4f, 0x3b, 0x4a, /* B0 */
};

/* { session, adr, control, point, lba, min, sec, frame, pmin, psec, pframe } */
static const MmcTocEntry toc0_entries[] = {
        { 0, 1, 0, 0x01, 0, 0, 0, 0, 0, 0, 0 },
        { 0, 1, 4, 0x02, 11400, 0, 0, 0, 0, 0, 0 },
        { 0, 1, 4, 0xaa, 23090, 0, 0, 0, 0, 0, 0 },
};
static const MmcTocEntry toc1_entries[] = {
        { 0, 1, 4, 0x02, 22800, 0, 0, 0, 0, 0, 0 },
};
static const MmcTocEntry toc2_entries[] = {
        { 1, 1, 4, 0xa0, 0, 0, 0, 0, 1, 0x20, 0 },     { 1, 1, 4, 0xa1, 0, 0, 0, 0, 1, 0, 0 },
        { 1, 1, 4, 0xa2, 11400, 0, 0, 0, 2, 34, 0 },   { 1, 1, 4, 0x01, 0, 0, 0, 0, 0, 2, 0 },
        { 1, 5, 4, 0xb0, 0, 5, 6, 0, 79, 59, 74 },     { 1, 5, 4, 0xc0, 0, 0xa0, 0, 0, 97, 27, 0 },
        { 2, 1, 4, 0xa0, 0, 0, 0, 0, 2, 0x20, 0 },     { 2, 1, 4, 0xa1, 0, 0, 0, 0, 2, 0, 0 },
        { 2, 1, 4, 0xa2, 30000, 0, 0, 0, 6, 42, 0 },   { 2, 1, 4, 0x02, 22800, 0, 0, 0, 5, 6, 0 },
        { 2, 5, 4, 0xb0, 0, 8, 14, 0, 79, 59, 74 },
};

typedef struct TocSample {
        uint8_t format, first, last;
        size_t n;
        const MmcTocEntry *entries;
} TocSample;

static const TocSample toc0_sample = { 0, 1, 2, ELEMENTSOF(toc0_entries), toc0_entries };
static const TocSample toc1_sample = { 1, 1, 2, ELEMENTSOF(toc1_entries), toc1_entries };
static const TocSample toc2_sample = { 2, 1, 2, ELEMENTSOF(toc2_entries), toc2_entries };

static MmcToc toc; /* 16 KiB: static rather than on the stack */

static void check_toc(const uint8_t *buf, size_t len, size_t eff, const void *expected) {
        const TocSample *e = expected;
        size_t dsize = e->format == 2 ? 11 : 8, n = eff < 4 ? 0 : MIN((eff - 4) / dsize, e->n);
        /* A short transfer keeps its whole descriptors; a length header must describe whole ones. */
        bool whole = eff == len || (eff >= 4 && (eff - 4) % dsize == 0);
        int r = mmc_parse_toc(buf, len, e->format, &toc);

        if (eff < 4 || !whole || (e->format == 0 && n < e->n)) { /* format 0 must end with AAh */
                g_assert_cmpint(r, ==, -EBADMSG);
                return;
        }
        g_assert_cmpint(r, ==, 0);
        g_assert_cmpuint(toc.format, ==, e->format);
        g_assert_cmpuint(toc.first, ==, e->first);
        g_assert_cmpuint(toc.last, ==, e->last);
        g_assert_cmpuint(toc.n_entries, ==, n);
        for (size_t i = 0; i < n; i++)
                assert_fields(toc.entries + i, e->entries + i, toc_entry_fields, ELEMENTSOF(toc_entry_fields));
}

static void test_toc(void) {
        static uint8_t b[4 + 8 * (MMC_TOC_MAX_ENTRIES + 1)];

        check_all_cuts(toc0, sizeof toc0, 0, 2, check_toc, &toc0_sample);
        check_all_cuts(toc1, sizeof toc1, 0, 2, check_toc, &toc1_sample);
        check_all_cuts(toc2, sizeof toc2, 0, 2, check_toc, &toc2_sample);

        /* Formats other than 0, 1, 2 are not parsed. */
        g_assert_cmpint(mmc_parse_toc(toc1, sizeof toc1, 3, &toc), ==, -EINVAL);
        g_assert_cmpint(mmc_parse_toc(toc1, sizeof toc1, 5, &toc), ==, -EINVAL);

        /* Garbage length FFFFh: 65533 bytes are not a whole number of 8- or 11-byte descriptors. */
        memcpy(b, toc2, sizeof toc2);
        put_be16(b, 0xffff);
        for (uint8_t f = 0; f <= 2; f++)
                g_assert_cmpint(mmc_parse_toc(b, sizeof toc2, f, &toc), ==, -EBADMSG);
        /* The same bytes as format 1 with a length of 2 + 8 * 11: whole descriptors, nothing to check. */
        put_be16(b, 2 + 8 * 11);
        g_assert_cmpint(mmc_parse_toc(b, sizeof toc2, 1, &toc), ==, 0);
        g_assert_cmpuint(toc.n_entries, ==, 11);

        /* Format 2 sessions must not go backwards. */
        memcpy(b, toc2, sizeof toc2);
        b[4 + 11 * 7] = 0x01; /* session 2's A1 descriptor claims session 1 */
        g_assert_cmpint(mmc_parse_toc(b, sizeof toc2, 2, &toc), ==, -EBADMSG);

        /* Format 0: track numbers strictly increasing, lead-out last; negative LBAs (hidden pregap). */
        memcpy(b, toc0, sizeof toc0);
        put_be32(b + 4 + 4, (uint32_t) -150);
        g_assert_cmpint(mmc_parse_toc(b, sizeof toc0, 0, &toc), ==, 0);
        g_assert_cmpint(toc.entries[0].lba, ==, -150);
        b[4 + 8 + 2] = 0x01; /* track 1 twice */
        g_assert_cmpint(mmc_parse_toc(b, sizeof toc0, 0, &toc), ==, -EBADMSG);
        b[4 + 2] = 0x03; /* 3, 1 */
        g_assert_cmpint(mmc_parse_toc(b, sizeof toc0, 0, &toc), ==, -EBADMSG);
        memcpy(b, toc0, sizeof toc0);
        b[4 + 16 + 2] = 0x03; /* no lead-out */
        g_assert_cmpint(mmc_parse_toc(b, sizeof toc0, 0, &toc), ==, -EBADMSG);
        b[4 + 8 + 2] = 0xaa; /* lead-out in the middle */
        b[4 + 16 + 2] = 0xab;
        g_assert_cmpint(mmc_parse_toc(b, sizeof toc0, 0, &toc), ==, -EBADMSG);

        /* MMC_TOC_MAX_ENTRIES descriptors are fine, one more is not. */
        memset(b, 0, sizeof b);
        for (size_t i = 0; i <= MMC_TOC_MAX_ENTRIES; i++)
                put_be32(b + 4 + 8 * i + 4, (uint32_t) i);
        put_be16(b, 2 + 8 * MMC_TOC_MAX_ENTRIES);
        g_assert_cmpint(mmc_parse_toc(b, sizeof b, 1, &toc), ==, 0);
        g_assert_cmpuint(toc.n_entries, ==, MMC_TOC_MAX_ENTRIES);
        g_assert_cmpint(toc.entries[MMC_TOC_MAX_ENTRIES - 1].lba, ==, MMC_TOC_MAX_ENTRIES - 1);
        put_be16(b, 2 + 8 * (MMC_TOC_MAX_ENTRIES + 1));
        g_assert_cmpint(mmc_parse_toc(b, sizeof b, 1, &toc), ==, -EBADMSG);
}

static void test_msf_to_lba(void) {
        static const struct {
                uint8_t m, s, f;
                int32_t lba;
        } table[] = {
                { 0, 2, 0, 0 },       { 0, 0, 0, -150 },     { 0, 2, 1, 1 },      { 2, 34, 0, 11400 },
                { 79, 59, 74, 359849 }, { 89, 59, 74, 404849 }, { 90, 0, 0, -45150 }, { 97, 27, 0, -11625 },
                { 99, 59, 74, -151 }, { 255, 255, 255, 716730 },
        };

        for (size_t i = 0; i < ELEMENTSOF(table); i++)
                g_assert_cmpint(mmc_msf_to_lba(table[i].m, table[i].s, table[i].f), ==, table[i].lba);
}

int main(int argc, char *argv[]) {
        g_test_init(&argc, &argv, NULL);

        g_test_add_func("/mmc/toc", test_toc);
        g_test_add_func("/mmc/msf-to-lba", test_msf_to_lba);

        return g_test_run();
}
