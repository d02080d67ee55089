/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * Unit tests for daemon/mmc.c. Every reply below is written by hand from the MMC-6 / SPC-4 tables cited
 * next to it, never produced by the code under test, and every expected value is worked out by hand.
 *
 * Each sample also goes through check_all_cuts(): cut at every length 0..full-1, and whole but with every
 * smaller value in its length header. Each cut is parsed from a heap block of exactly `len` bytes, so
 * ASan or valgrind report any read past it. A cut reply must fail with -EBADMSG or succeed with exactly
 * the fields that fit.
 */

#include <errno.h>
#include <stddef.h>
#include <string.h>

/* Before <glib.h>: macro.h defines MIN/MAX unconditionally, and GLib #undefs them before its own. */
#include "macro.h"
#include "mmc.h"

#include <glib.h>

/* Parses buf[0..len) and asserts the outcome for a reply whose effective length is `eff`: len itself,
 * or less when the reply's length header says so. */
typedef void (*ReplyCheck)(const uint8_t *buf, size_t len, size_t eff, const void *expected);

/* Runs check on a heap copy of exactly len bytes (for len 0: the end of a 1-byte block). */
static void check_copy(const uint8_t *src, size_t len, size_t eff, ReplyCheck check, const void *expected) {
        uint8_t *block = g_malloc(MAX(len, (size_t) 1));

        memcpy(block, src, len);
        check(len > 0 ? block : block + 1, len, eff, expected);
        g_free(block);
}

/* The whole reply and every truncation of it; then the whole reply with every smaller value in its length
 * header (hdr_width big-endian bytes at hdr_off that count the bytes after themselves; 0: no header). */
static void check_all_cuts(const uint8_t *full, size_t full_len, size_t hdr_off, size_t hdr_width,
                           ReplyCheck check, const void *expected) {
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

/* Field-by-field comparison of parsed structs, driven by tables of members. */
typedef struct Field {
        const char *name;
        size_t offset, size;
} Field;
#define FIELD(type, m) { #m, offsetof(type, m), sizeof(((type *) NULL)->m) }

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

static void assert_fields(const void *got, const void *expected, const Field *fields, size_t n) {
        for (size_t i = 0; i < n; i++) {
                uint64_t a = field_get(got, fields + i), e = field_get(expected, fields + i);

                if (a != e)
                        g_test_message("field %s", fields[i].name);
                g_assert_cmpuint(a, ==, e);
        }
}

/* ---- Sense ---- */

/* SPC-4 4.5.3 fixed format, current: NOT READY / MEDIUM NOT PRESENT - TRAY CLOSED (02/3A/01). */
static const uint8_t sense_fixed[18] = {
        0x70, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, /* response code, obsolete, SK, INFORMATION */
        0x0a,                                     /* ADDITIONAL SENSE LENGTH: bytes 8..17 */
        0x00, 0x00, 0x00, 0x00,                   /* COMMAND-SPECIFIC INFORMATION */
        0x3a, 0x01,                               /* ASC, ASCQ */
        0x00, 0x00, 0x00, 0x00,                   /* FRU, SENSE-KEY SPECIFIC */
};
/* SPC-4 4.5.2 descriptor format, current: ILLEGAL REQUEST / INVALID FIELD IN CDB, no descriptors. */
static const uint8_t sense_desc[8] = { 0x72, 0x05, 0x24, 0x00, 0x00, 0x00, 0x00, 0x00 };

typedef struct SenseSample {
        MmcSense sense;
        size_t need; /* bytes through ASCQ */
} SenseSample;

static void check_sense(const uint8_t *buf, size_t len, size_t eff, const void *expected) {
        const SenseSample *e = expected;
        MmcSense s;
        int r = mmc_sense_parse(buf, len, &s);

        if (eff < e->need) {
                g_assert_cmpint(r, ==, -EBADMSG);
                return;
        }
        g_assert_cmpint(r, ==, 0);
        g_assert_cmpuint(s.key, ==, e->sense.key);
        g_assert_cmpuint(s.asc, ==, e->sense.asc);
        g_assert_cmpuint(s.ascq, ==, e->sense.ascq);
}

static void test_sense(void) {
        static const SenseSample e_fixed = { { 0x02, 0x3a, 0x01 }, 14 }, e_desc = { { 0x05, 0x24, 0x00 }, 4 };
        uint8_t b[18];
        MmcSense s;

        check_all_cuts(sense_fixed, sizeof sense_fixed, 7, 1, check_sense, &e_fixed);
        check_all_cuts(sense_desc, sizeof sense_desc, 0, 0, check_sense, &e_desc);

        /* VALID bit set (F0h), deferred (71h, F1h); FILEMARK/EOM/ILI in byte 2 must not leak into SK.
         * UNIT ATTENTION / NOT READY TO READY CHANGE. */
        for (unsigned i = 0; i < 3; i++) {
                memcpy(b, sense_fixed, sizeof b);
                b[0] = (uint8_t[]) { 0xf0, 0x71, 0xf1 }[i];
                b[2] = 0xe6;
                b[12] = 0x28;
                b[13] = 0x00;
                g_assert_cmpint(mmc_sense_parse(b, sizeof b, &s), ==, 0);
                g_assert_cmpuint(s.key, ==, 0x06);
                g_assert_cmpuint(s.asc, ==, 0x28);
                g_assert_cmpuint(s.ascq, ==, 0x00);
        }
        /* 73h (deferred, descriptor format) with reserved bits above SK */
        memcpy(b, sense_desc, 8);
        b[0] = 0x73;
        b[1] = 0xf3;
        g_assert_cmpint(mmc_sense_parse(b, 8, &s), ==, 0);
        g_assert_cmpuint(s.key, ==, 0x03);

        /* Unknown response codes: 00h, 7Fh (vendor specific), 74h; and nothing at all. */
        for (unsigned i = 0; i < 3; i++) {
                memcpy(b, sense_fixed, sizeof b);
                b[0] = (uint8_t[]) { 0x00, 0x7f, 0x74 }[i];
                g_assert_cmpint(mmc_sense_parse(b, sizeof b, &s), ==, -EBADMSG);
        }
        g_assert_cmpint(mmc_sense_parse(b, 0, &s), ==, -EBADMSG);
}

static void test_sense_to_errno(void) {
        static const struct {
                uint8_t key, asc, ascq;
                int r;
        } table[] = {
                { 0x02, 0x3a, 0x00, -ENOMEDIUM },   { 0x02, 0x3a, 0x02, -ENOMEDIUM },
                { 0x02, 0x04, 0x01, -EAGAIN },      { 0x02, 0x04, 0x04, -EAGAIN },
                { 0x02, 0x04, 0x07, -EBUSY },       { 0x02, 0x04, 0x08, -EBUSY },
                { 0x02, 0x04, 0x00, -EAGAIN },      { 0x02, 0x05, 0x00, -EAGAIN },
                { 0x06, 0x28, 0x00, -ESTALE },      { 0x06, 0x28, 0x01, -ERESTART },
                { 0x06, 0x29, 0x00, -ERESTART },    { 0x05, 0x20, 0x00, -EOPNOTSUPP },
                { 0x05, 0x24, 0x00, -EINVAL },      { 0x05, 0x21, 0x00, -ERANGE },
                { 0x05, 0x30, 0x00, -EMEDIUMTYPE }, { 0x05, 0x30, 0x05, -EMEDIUMTYPE },
                { 0x05, 0x20, 0x01, -EIO },         { 0x05, 0x24, 0x01, -EIO },
                { 0x05, 0x21, 0x01, -EIO },         { 0x05, 0x64, 0x00, -EIO },
                { 0x03, 0x11, 0x05, -EIO },         { 0x04, 0x44, 0x00, -EIO },
                { 0x01, 0x17, 0x01, -EIO },         { 0x00, 0x00, 0x00, -EIO },
                { 0x0b, 0x3a, 0x00, -EIO },         { 0x07, 0x27, 0x00, -EIO },
        };

        for (size_t i = 0; i < ELEMENTSOF(table); i++) {
                MmcSense s = { table[i].key, table[i].asc, table[i].ascq };

                g_assert_cmpint(mmc_sense_to_errno(&s), ==, table[i].r);
        }
}

static void test_sense_to_string(void) {
        char buf[9];

        g_assert_cmpstr(mmc_sense_to_string(&(MmcSense) { 0x02, 0x3a, 0x00 }, buf), ==, "02/3A/00");
        g_assert_cmpstr(mmc_sense_to_string(&(MmcSense) { 0xff, 0xab, 0x0c }, buf), ==, "FF/AB/0C");
        g_assert_true(mmc_sense_to_string(&(MmcSense) {}, buf) == buf);
        g_assert_cmpstr(buf, ==, "00/00/00");
}

/* ---- CDB builders ---- */

static void test_cdb(void) {
        uint8_t c[MMC_CDB_MAX];

        /* Each builder runs on a buffer full of A5h: it must zero what it does not set. */
#define CHECK_CDB(call, n, ...)                                                                        \
        do {                                                                                           \
                memset(c, 0xa5, sizeof c);                                                             \
                g_assert_cmpuint(call, ==, n);                                                         \
                g_assert_cmpmem(c, MMC_CDB_MAX, ((const uint8_t[MMC_CDB_MAX]) { __VA_ARGS__ }),        \
                                MMC_CDB_MAX);                                                          \
        } while (0)

        CHECK_CDB(mmc_cdb_test_unit_ready(c), 6, 0x00);
        CHECK_CDB(mmc_cdb_inquiry(c, 0x0124), 6, 0x12, 0, 0, 0x01, 0x24);
        CHECK_CDB(mmc_cdb_get_configuration(c, 0xfe, 0x0038, 0x1008), 10, /* RT masked to 2 bits */
                  0x46, 0x02, 0x00, 0x38, 0, 0, 0, 0x10, 0x08);
        CHECK_CDB(mmc_cdb_get_configuration(c, 1, 0xabcd, 8), 10, 0x46, 0x01, 0xab, 0xcd, 0, 0, 0, 0x00, 0x08);
        CHECK_CDB(mmc_cdb_read_disc_information(c, 34), 10, 0x51, 0, 0, 0, 0, 0, 0, 0x00, 0x22);
        CHECK_CDB(mmc_cdb_read_track_information(c, MMC_TI_TRACK, 0xff, 48), 10,
                  0x52, 0x01, 0, 0, 0, 0xff, 0, 0x00, 0x30);
        CHECK_CDB(mmc_cdb_read_track_information(c, MMC_TI_SESSION, 0x01020304, 0xfffe), 10,
                  0x52, 0x02, 0x01, 0x02, 0x03, 0x04, 0, 0xff, 0xfe);
        CHECK_CDB(mmc_cdb_read_track_information(c, MMC_TI_LBA, 0xdeadbeef, 0x0100), 10,
                  0x52, 0x00, 0xde, 0xad, 0xbe, 0xef, 0, 0x01, 0x00);
        CHECK_CDB(mmc_cdb_read_toc(c, 0, 1, 12), 10, 0x43, 0x00, 0x00, 0, 0, 0, 0x01, 0x00, 0x0c);
        CHECK_CDB(mmc_cdb_read_toc(c, 1, 0, 12), 10, 0x43, 0x00, 0x01, 0, 0, 0, 0x00, 0x00, 0x0c);
        CHECK_CDB(mmc_cdb_read_toc(c, 2, 1, 0x0804), 10, 0x43, 0x02, 0x02, 0, 0, 0, 0x01, 0x08, 0x04);
        CHECK_CDB(mmc_cdb_read_toc(c, 0xf4, 0xaa, 4), 10, /* format masked to 4 bits */
                  0x43, 0x00, 0x04, 0, 0, 0, 0xaa, 0x00, 0x04);
        CHECK_CDB(mmc_cdb_read_capacity(c), 10, 0x25);
        CHECK_CDB(mmc_cdb_read10(c, 0x00012345, 32), 10, 0x28, 0, 0x00, 0x01, 0x23, 0x45, 0, 0x00, 0x20);
#undef CHECK_CDB
}

/* ---- INQUIRY ---- */

/* SPC-4 Table 148: CD/DVD device (05h), removable, SPC-3, ADDITIONAL LENGTH 31, blank-padded strings. */
static const uint8_t inquiry_reply[36] = {
        0x05, 0x80, 0x05, 0x32, 0x1f, 0x00, 0x00, 0x00,                                /* type 05h, RMB */
        'A', 'S', 'U', 'S', ' ', ' ', ' ', ' ',                                        /* vendor */
        'D', 'R', 'W', '-', '2', '4', 'D', '5', 'M', 'T', ' ', ' ', ' ', ' ', ' ', ' ', /* product */
        '1', '.', '0', ' ',                                                            /* revision */
};

static void check_inquiry(const uint8_t *buf, size_t len, size_t eff, _unused_ const void *expected) {
        MmcInquiry q;
        int r = mmc_parse_inquiry(buf, len, &q);

        if (eff < 36) {
                g_assert_cmpint(r, ==, -EBADMSG);
                return;
        }
        g_assert_cmpint(r, ==, 0);
        g_assert_cmpuint(q.peripheral_type, ==, 0x05);
        g_assert_true(q.removable);
        g_assert_cmpstr(q.vendor, ==, "ASUS");
        g_assert_cmpstr(q.product, ==, "DRW-24D5MT");
        g_assert_cmpstr(q.revision, ==, "1.0");
}

static void test_inquiry(void) {
        uint8_t b[40];
        MmcInquiry q;

        check_all_cuts(inquiry_reply, sizeof inquiry_reply, 0, 0, check_inquiry, NULL);

        /* NUL padding, a byte that is not ASCII, an interior blank, a full-width vendor, qualifier bits in
         * byte 0, and an ADDITIONAL LENGTH that under-reports (tolerated, as the kernel does). */
        memcpy(b, inquiry_reply, 36);
        memset(b + 36, 'X', 4); /* beyond the 36 standard bytes: ignored */
        b[0] = 0x25;
        b[1] = 0x7f; /* RMB clear, everything else set */
        b[4] = 0x00;
        memcpy(b + 8, "HL-DT-ST", 8);
        memcpy(b + 16, "DVD RAM\0\0\0\0\0\0\0\0\0", 16);
        memcpy(b + 32, "A1\xff\0", 4);
        g_assert_cmpint(mmc_parse_inquiry(b, sizeof b, &q), ==, 0);
        g_assert_cmpuint(q.peripheral_type, ==, 0x05);
        g_assert_false(q.removable);
        g_assert_cmpstr(q.vendor, ==, "HL-DT-ST");
        g_assert_cmpstr(q.product, ==, "DVD RAM");
        g_assert_cmpstr(q.revision, ==, "A1");

        memset(b + 8, ' ', 28); /* all blank */
        g_assert_cmpint(mmc_parse_inquiry(b, 36, &q), ==, 0);
        g_assert_cmpstr(q.vendor, ==, "");
        g_assert_cmpstr(q.product, ==, "");
        g_assert_cmpstr(q.revision, ==, "");
}

/* ---- GET CONFIGURATION ---- */

/* MMC-6 Table 87 header and feature descriptors (MMC-6 5.3): a CD-R in a DVD/BD writer. The descriptors
 * end at bytes 36, 48, 56, 68 and 76. */
static const uint8_t config_reply[76] = {
        0x00, 0x00, 0x00, 0x48, 0x00, 0x00, 0x00, 0x09, /* Data Length 72, Current Profile 0009h */
        /* 0000h Profile List: persistent+current, 6 profile descriptors, CD-R (0009h) current */
        0x00, 0x00, 0x03, 0x18,
        0x00, 0x41, 0x00, 0x00, 0x00, 0x1b, 0x00, 0x00, 0x00, 0x11, 0x00, 0x00, /* BD-R SRM, DVD+R, DVD-R */
        0x00, 0x0a, 0x00, 0x00, 0x00, 0x09, 0x01, 0x00, 0x00, 0x08, 0x00, 0x00, /* CD-RW, CD-R, CD-ROM */
        /* 0010h Random Readable, current: block size 2048, Blocking 1, PP */
        0x00, 0x10, 0x01, 0x08, 0x00, 0x00, 0x08, 0x00, 0x00, 0x01, 0x01, 0x00,
        /* 001Eh CD Read, version 2, current: not one we keep */
        0x00, 0x1e, 0x0b, 0x04, 0x03, 0x00, 0x00, 0x00,
        /* 0021h Incremental Streaming Writable, version 1, current: 2 link sizes (7, 16), padding */
        0x00, 0x21, 0x05, 0x08, 0x00, 0x01, 0x01, 0x02, 0x07, 0x10, 0x00, 0x00,
        /* 0038h BD-R POW, not current */
        0x00, 0x38, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00,
};

static void check_config(const uint8_t *buf, size_t len, size_t eff, _unused_ const void *expected) {
        static const uint16_t profiles[6] = { 0x41, 0x1b, 0x11, 0x0a, 0x09, 0x08 };
        MmcConfiguration c;
        int r = mmc_parse_configuration(buf, len, &c);

        if (eff < 8) {
                g_assert_cmpint(r, ==, -EBADMSG);
                return;
        }
        g_assert_cmpint(r, ==, 0);
        g_assert_cmpuint(c.current_profile, ==, 0x0009);

        g_assert_cmpuint(c.n_profiles, ==, eff >= 36 ? 6 : 0);
        for (size_t i = 0; i < c.n_profiles; i++) {
                g_assert_cmpuint(c.profiles[i], ==, profiles[i]);
                g_assert_cmpint(c.profile_current[i], ==, profiles[i] == 0x09);
        }

        g_assert_cmpint(c.random_readable_present, ==, eff >= 48);
        g_assert_cmpint(c.random_readable_current, ==, eff >= 48);
        g_assert_cmpuint(c.logical_block_size, ==, eff >= 48 ? 2048 : 0);
        g_assert_cmpuint(c.blocking, ==, eff >= 48 ? 1 : 0);

        g_assert_cmpint(c.incremental_present, ==, eff >= 68);
        g_assert_cmpint(c.incremental_current, ==, eff >= 68);
        g_assert_cmpuint(c.n_link_sizes, ==, eff >= 68 ? 2 : 0);
        g_assert_cmpuint(c.link_sizes[0], ==, eff >= 68 ? 7 : 0);
        g_assert_cmpuint(c.link_sizes[1], ==, eff >= 68 ? 16 : 0);

        g_assert_cmpint(c.pow_present, ==, eff >= 76);
        g_assert_false(c.pow_current);
}

/* Appends a feature descriptor with addlen zero bytes of body at b + *n and updates the Data Length. */
static uint8_t *put_feature(uint8_t *b, size_t *n, uint16_t code, uint8_t flags, uint8_t addlen) {
        uint8_t *d = b + *n;

        put_be16(d, code);
        d[2] = flags;
        d[3] = addlen;
        memset(d + 4, 0, addlen);
        *n += 4 + (size_t) addlen;
        put_be32(b, (uint32_t) (*n - 4));
        return d;
}

static void test_configuration(void) {
        static const struct {
                uint16_t code;
                uint8_t addlen;
        } bad[] = {
                { 0x0000, 6 }, /* not a multiple of 4 */
                { 0x1234, 1 }, /* not a multiple of 4, unknown feature */
                { 0x0010, 4 }, /* too short for Blocking */
                { 0x0010, 0 }, /* ditto */
                { 0x0021, 0 }, /* too short for Number of Link Sizes */
        };
        uint8_t b[600] = {};
        MmcConfiguration c;
        uint8_t *d;
        size_t n;

        check_all_cuts(config_reply, sizeof config_reply, 0, 4, check_config, NULL);

        /* Garbage Data Length FFFFFFFFh: cut at what arrived, without wrapping around. */
        memcpy(b, config_reply, sizeof config_reply);
        put_be32(b, 0xffffffff);
        check_config(b, sizeof config_reply, sizeof config_reply, NULL);

        /* No medium: header only, current profile 0. */
        memset(b, 0, sizeof b);
        n = 8;
        put_be32(b, 4);
        g_assert_cmpint(mmc_parse_configuration(b, n, &c), ==, 0);
        g_assert_cmpuint(c.current_profile, ==, 0);
        g_assert_cmpuint(c.n_profiles, ==, 0);

        /* POW current; the profile list capped at MMC_MAX_PROFILES (70 profiles in two descriptors). */
        put_be16(b + 6, 0x0041);
        d = put_feature(b, &n, 0x0000, 0x03, 4 * 40);
        for (unsigned i = 0; i < 40; i++)
                put_be16(d + 4 + 4 * i, (uint16_t) (0x100 + i));
        d = put_feature(b, &n, 0x0000, 0x03, 4 * 30);
        for (unsigned i = 0; i < 30; i++)
                put_be16(d + 4 + 4 * i, (uint16_t) (0x200 + i));
        d[4 + 4 * 29 + 2] = 0x01; /* the 70th is current, but beyond the cap */
        d[4 + 2] = 0xfe;          /* the 41st: reserved bits set, CurrentP clear */
        put_feature(b, &n, 0x0038, 0x01, 4);
        d = put_feature(b, &n, 0x0010, 0x00, 8); /* Random Readable, not current: DVD block, Blocking 16 */
        put_be32(d + 4, 2048);
        put_be16(d + 8, 16);
        g_assert_cmpint(mmc_parse_configuration(b, n, &c), ==, 0);
        g_assert_cmpuint(c.current_profile, ==, 0x0041);
        g_assert_cmpuint(c.n_profiles, ==, MMC_MAX_PROFILES);
        g_assert_cmpuint(c.profiles[39], ==, 0x127);
        g_assert_cmpuint(c.profiles[40], ==, 0x200);
        g_assert_cmpuint(c.profiles[MMC_MAX_PROFILES - 1], ==, 0x200 + MMC_MAX_PROFILES - 41);
        for (size_t i = 0; i < c.n_profiles; i++)
                g_assert_false(c.profile_current[i]);
        g_assert_true(c.pow_present);
        g_assert_true(c.pow_current);
        g_assert_true(c.random_readable_present);
        g_assert_false(c.random_readable_current);
        g_assert_cmpuint(c.logical_block_size, ==, 2048);
        g_assert_cmpuint(c.blocking, ==, 16);

        /* 0021h: more link sizes claimed than the descriptor holds, or than MMC_MAX_LINK_SIZES; none. */
        n = 8;
        d = put_feature(b, &n, 0x0021, 0x00, 8);
        d[7] = 9; /* only 4 fit in bytes 8..11 */
        d[8] = 16;
        d[11] = 32;
        g_assert_cmpint(mmc_parse_configuration(b, n, &c), ==, 0);
        g_assert_true(c.incremental_present);
        g_assert_false(c.incremental_current);
        g_assert_cmpuint(c.n_link_sizes, ==, 4);
        g_assert_cmpuint(c.link_sizes[0], ==, 16);
        g_assert_cmpuint(c.link_sizes[3], ==, 32);
        n = 8;
        d = put_feature(b, &n, 0x0021, 0x01, 24);
        d[7] = 20;
        for (unsigned i = 0; i < 20; i++)
                d[8 + i] = (uint8_t) (i + 1);
        g_assert_cmpint(mmc_parse_configuration(b, n, &c), ==, 0);
        g_assert_cmpuint(c.n_link_sizes, ==, MMC_MAX_LINK_SIZES);
        g_assert_cmpuint(c.link_sizes[MMC_MAX_LINK_SIZES - 1], ==, MMC_MAX_LINK_SIZES);
        n = 8;
        put_feature(b, &n, 0x0021, 0x01, 4);
        g_assert_cmpint(mmc_parse_configuration(b, n, &c), ==, 0);
        g_assert_true(c.incremental_current);
        g_assert_cmpuint(c.n_link_sizes, ==, 0);

        /* Malformed descriptors that arrived whole are -EBADMSG; cut by the end of the data, the same
         * descriptor only ends the walk. */
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                n = 8;
                put_feature(b, &n, 0x0000, 0x03, 4);
                put_feature(b, &n, bad[i].code, 0x01, bad[i].addlen);
                g_assert_cmpint(mmc_parse_configuration(b, n, &c), ==, -EBADMSG);
                g_assert_cmpint(mmc_parse_configuration(b, n - 1, &c), ==, 0);
        }
}

/* ---- READ DISC INFORMATION ---- */

#define DI(m) FIELD(MmcDiscInfo, m)
static const Field disc_info_fields[] = {
        DI(erasable),         DI(last_session_state),       DI(disc_status),
        DI(first_track),      DI(n_sessions),               DI(first_track_last_session),
        DI(did_v),            DI(last_track_last_session),  DI(dbc_v),
        DI(uru),              DI(bg_format_status),         DI(disc_type),
        DI(disc_id),          DI(last_session_lead_in),     DI(last_possible_lead_out),
};
#undef DI

/* MMC-6 Table 520: appendable CD-R, one closed session + the empty second one (track 2 is the invisible
 * track), disc type 20h (CD-ROM XA), URU; last session lead-in at 00:25:13:42 and last possible lead-out
 * at 00:79:59:74 (MSF). */
static const uint8_t di_cdr[34] = {
        0x00, 0x20,                   /* Disc Information Length 32 */
        0x01,                         /* not erasable, last session empty, disc incomplete */
        0x01, 0x02, 0x02, 0x02,       /* first track 1, sessions 2, first/last track in last session 2 */
        0x20, 0x20, 0x00, 0x00, 0x00, /* URU; disc type 20h; MSBs 0 */
        0x00, 0x00, 0x00, 0x00,       /* Disc Identification */
        0x00, 0x19, 0x0d, 0x2a,       /* Last Session Lead-in Start Address */
        0x00, 0x4f, 0x3b, 0x4a,       /* Last Possible Lead-out Start Address */
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* bar code, application code, OPC entries */
};
static const MmcDiscInfo di_cdr_expected = {
        .last_session_state = MMC_SESSION_EMPTY, .disc_status = MMC_DISC_STATUS_APPENDABLE,
        .first_track = 1, .n_sessions = 2, .first_track_last_session = 2, .last_track_last_session = 2,
        .uru = true, .disc_type = 0x20, .last_session_lead_in = 0x00190d2a,
        .last_possible_lead_out = 0x004f3b4a,
};

/* BD-R SRM with 300 sessions, the last one incomplete: needs the MSBs in bytes 9..11. DID_V with a disc
 * ID, BG format status 3, last possible lead-out LBA 12222463. 24 bytes (Disc Information Length 22). */
static const uint8_t di_bdr[24] = {
        0x00, 0x16, 0x05, 0x01, 0x2c, 0x40, 0x41, 0x83, 0x00, 0x01, 0x01, 0x01,
        0x12, 0x34, 0x56, 0x78, 0x00, 0x00, 0x00, 0x00, 0x00, 0xba, 0x7f, 0xff,
};
static const MmcDiscInfo di_bdr_expected = {
        .last_session_state = MMC_SESSION_INCOMPLETE, .disc_status = MMC_DISC_STATUS_APPENDABLE,
        .first_track = 1, .n_sessions = 300, .first_track_last_session = 0x0140,
        .last_track_last_session = 0x0141, .did_v = true, .bg_format_status = 3, .disc_id = 0x12345678,
        .last_possible_lead_out = 12222463,
};

static void check_disc_info(const uint8_t *buf, size_t len, size_t eff, const void *expected) {
        MmcDiscInfo d, e = *(const MmcDiscInfo *) expected;
        int r = mmc_parse_disc_information(buf, len, &d);

        if (eff < 12) {
                g_assert_cmpint(r, ==, -EBADMSG);
                return;
        }
        g_assert_cmpint(r, ==, 0);
        if (eff < 16)
                e.disc_id = 0;
        if (eff < 20)
                e.last_session_lead_in = 0;
        if (eff < 24)
                e.last_possible_lead_out = 0;
        assert_fields(&d, &e, disc_info_fields, ELEMENTSOF(disc_info_fields));
}

static void test_disc_information(void) {
        uint8_t b[34];
        MmcDiscInfo d;

        check_all_cuts(di_cdr, sizeof di_cdr, 0, 2, check_disc_info, &di_cdr_expected);
        check_all_cuts(di_bdr, sizeof di_bdr, 0, 2, check_disc_info, &di_bdr_expected);

        /* A length no disc information can have (34 bytes + 255 OPC entries of 8 at most) is garbage;
         * the longest legal one is cut at what arrived. */
        memcpy(b, di_cdr, sizeof b);
        put_be16(b, 0xffff);
        g_assert_cmpint(mmc_parse_disc_information(b, sizeof b, &d), ==, -EBADMSG);
        put_be16(b, 34 + 8 * 255 - 1);
        g_assert_cmpint(mmc_parse_disc_information(b, sizeof b, &d), ==, -EBADMSG);
        put_be16(b, 34 + 8 * 255 - 2);
        check_disc_info(b, sizeof b, sizeof b, &di_cdr_expected);

        /* Contradictions on a written disc (appendable, complete, other): first > last track in the last
         * session, in the LSB or through the MSB; no sessions. */
        for (uint8_t status = 1; status <= 3; status++) {
                memcpy(b, di_cdr, sizeof b);
                b[2] = status;
                g_assert_cmpint(mmc_parse_disc_information(b, sizeof b, &d), ==, 0);
                b[5] = 3;
                g_assert_cmpint(mmc_parse_disc_information(b, sizeof b, &d), ==, -EBADMSG);
                b[5] = 2;
                b[10] = 1;
                g_assert_cmpint(mmc_parse_disc_information(b, sizeof b, &d), ==, -EBADMSG);
                b[10] = 0;
                b[4] = 0;
                g_assert_cmpint(mmc_parse_disc_information(b, sizeof b, &d), ==, -EBADMSG);
                b[9] = 1; /* 256 sessions: fine */
                g_assert_cmpint(mmc_parse_disc_information(b, sizeof b, &d), ==, 0);
                g_assert_cmpuint(d.n_sessions, ==, 256);
        }
        /* None of that is checked on a blank disc, nor is First Track on Disc = 0 anywhere. */
        memcpy(b, di_cdr, sizeof b);
        b[2] = 0x10; /* erasable, blank */
        b[3] = 0;
        b[4] = 0;
        b[5] = 5;
        b[7] = 0x42; /* DBC_V, BG format in progress */
        g_assert_cmpint(mmc_parse_disc_information(b, sizeof b, &d), ==, 0);
        g_assert_true(d.erasable);
        g_assert_true(d.dbc_v);
        g_assert_false(d.uru);
        g_assert_cmpuint(d.bg_format_status, ==, 2);
        g_assert_cmpuint(d.disc_status, ==, MMC_DISC_STATUS_BLANK);
        b[2] = 0x0e; /* last session complete, disc complete */
        b[4] = 1;
        b[5] = 1;
        g_assert_cmpint(mmc_parse_disc_information(b, sizeof b, &d), ==, 0);
        g_assert_cmpuint(d.last_session_state, ==, MMC_SESSION_COMPLETE);
        g_assert_cmpuint(d.disc_status, ==, MMC_DISC_STATUS_COMPLETE);
        g_assert_cmpuint(d.first_track, ==, 0);
}

/* ---- READ TRACK INFORMATION ---- */

#define TI(m) FIELD(MmcTrackInfo, m)
static const Field track_info_fields[] = {
        TI(track),       TI(session),     TI(layer_jump_present), TI(damage),    TI(copy),
        TI(track_mode),  TI(rt),          TI(blank),              TI(packet),    TI(fp),
        TI(data_mode),   TI(lra_v),       TI(nwa_v),              TI(start),     TI(nwa),
        TI(free_blocks), TI(size),        TI(fixed_packet_size),  TI(lra),       TI(read_compat_lba),
};
#undef TI

/* MMC-6 Table 575, 48 bytes: DVD+R, the invisible track 2 in session 2: blank, data mode 1, track mode 5
 * (data, incremental), NWA_V; start = NWA = 215200, 2079904 free blocks = size, blocking factor 16, Read
 * Compatibility LBA 196608. */
static const uint8_t ti_dvdpr[48] = {
        0x00, 0x2e, 0x02, 0x02, 0x00, 0x05, 0x41, 0x01, /* length 46, track 2, session 2, flags */
        0x00, 0x03, 0x48, 0xa0, 0x00, 0x03, 0x48, 0xa0, /* start, NWA */
        0x00, 0x1f, 0xbc, 0xa0, 0x00, 0x00, 0x00, 0x10, /* free blocks, fixed packet size */
        0x00, 0x1f, 0xbc, 0xa0, 0x00, 0x00, 0x00, 0x00, /* size, LRA */
        0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, /* MSBs, reserved, Read Compatibility LBA */
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* layer jump addresses */
};
static const MmcTrackInfo ti_dvdpr_expected = {
        .track = 2, .session = 2, .track_mode = 5, .blank = true, .data_mode = 1, .nwa_v = true,
        .start = 215200, .nwa = 215200, .free_blocks = 2079904, .fixed_packet_size = 16, .size = 2079904,
        .read_compat_lba = 196608,
};

/* 36 bytes: BD-R track 291 (0123h) in session 257 (0101h): damaged, copy, LJRS 3, track mode 4, RT,
 * packet, FP, data mode Fh, LRA_V; start 1000000, blocking 32, size 5000, LRA 1004999. */
static const uint8_t ti_bdr[36] = {
        0x00, 0x22, 0x23, 0x01, 0x00, 0xf4, 0xbf, 0x02, 0x00, 0x0f, 0x42, 0x40, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x20, 0x00, 0x00, 0x13, 0x88, 0x00, 0x0f, 0x55, 0xc7,
        0x01, 0x01, 0x00, 0x00,
};
static const MmcTrackInfo ti_bdr_expected = {
        .track = 0x0123, .session = 0x0101, .layer_jump_present = true, .damage = true, .copy = true,
        .track_mode = 4, .rt = true, .packet = true, .fp = true, .data_mode = 0x0f, .lra_v = true,
        .start = 1000000, .fixed_packet_size = 32, .size = 5000, .lra = 1004999,
};

static void check_track_info(const uint8_t *buf, size_t len, size_t eff, const void *expected) {
        MmcTrackInfo t, e = *(const MmcTrackInfo *) expected;
        int r = mmc_parse_track_information(buf, len, &t);

        if (eff < 28 || (eff < 32 && e.lra_v)) {
                g_assert_cmpint(r, ==, -EBADMSG);
                return;
        }
        g_assert_cmpint(r, ==, 0);
        if (eff < 32)
                e.lra = 0;
        if (eff < 33)
                e.track &= 0xff;
        if (eff < 34)
                e.session &= 0xff;
        if (eff < 40)
                e.read_compat_lba = 0;
        assert_fields(&t, &e, track_info_fields, ELEMENTSOF(track_info_fields));
}

static void test_track_information(void) {
        uint8_t b[48];
        MmcTrackInfo t;

        check_all_cuts(ti_dvdpr, sizeof ti_dvdpr, 0, 2, check_track_info, &ti_dvdpr_expected);
        check_all_cuts(ti_bdr, sizeof ti_bdr, 0, 2, check_track_info, &ti_bdr_expected);
        g_assert_true(mmc_track_mode_is_data(ti_bdr_expected.track_mode));
        g_assert_false(mmc_track_mode_is_data(0x00)); /* 2-channel audio */

        /* Garbage length FFFFh: cut at what arrived. */
        memcpy(b, ti_dvdpr, sizeof b);
        put_be16(b, 0xffff);
        check_track_info(b, sizeof b, sizeof b, &ti_dvdpr_expected);

        /* Either LJRS bit means a layer jump. */
        for (unsigned i = 0; i < 2; i++) {
                b[5] = (uint8_t[]) { 0x40, 0x80 }[i] | 0x04;
                g_assert_cmpint(mmc_parse_track_information(b, sizeof b, &t), ==, 0);
                g_assert_true(t.layer_jump_present);
                g_assert_false(t.damage);
                g_assert_cmpuint(t.track_mode, ==, 4);
        }

        /* LRA_V set: a length of 26 leaves the LRA out (-EBADMSG), 30 brings it in. */
        b[7] |= 0x02;
        put_be16(b, 26);
        g_assert_cmpint(mmc_parse_track_information(b, sizeof b, &t), ==, -EBADMSG);
        put_be16(b, 30);
        g_assert_cmpint(mmc_parse_track_information(b, sizeof b, &t), ==, 0);
        g_assert_true(t.lra_v);
        g_assert_cmpuint(t.lra, ==, 0);
        g_assert_cmpuint(t.read_compat_lba, ==, 0);
}

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

/* ---- READ CAPACITY ---- */

/* MMC-6 Table 523: last LBA 29999, 2048-byte blocks. */
static const uint8_t capacity_reply[8] = { 0x00, 0x00, 0x75, 0x2f, 0x00, 0x00, 0x08, 0x00 };

static void check_capacity(const uint8_t *buf, size_t len, size_t eff, _unused_ const void *expected) {
        MmcCapacity c;
        int r = mmc_parse_capacity(buf, len, &c);

        if (eff < 8) {
                g_assert_cmpint(r, ==, -EBADMSG);
                return;
        }
        g_assert_cmpint(r, ==, 0);
        g_assert_cmpuint(c.last_lba, ==, 29999);
        g_assert_cmpuint(c.block_size, ==, 2048);
}

static void test_capacity(void) {
        check_all_cuts(capacity_reply, sizeof capacity_reply, 0, 0, check_capacity, NULL);
}

/* ---- Names ---- */

static void test_profile_names(void) {
        static const struct {
                uint16_t profile;
                const char *name;
        } table[] = {
                { 0x0000, "none" },     { 0x0008, "CD-ROM" },   { 0x0009, "CD-R" },
                { 0x000a, "CD-RW" },    { 0x0010, "DVD-ROM" },  { 0x0011, "DVD-R" },
                { 0x0012, "DVD-RAM" },  { 0x0013, "DVD-RW restricted overwrite" },
                { 0x0014, "DVD-RW" },   { 0x0015, "DVD-R DL" }, { 0x0016, "DVD-R DL layer jump" },
                { 0x001a, "DVD+RW" },   { 0x001b, "DVD+R" },    { 0x002a, "DVD+RW DL" },
                { 0x002b, "DVD+R DL" }, { 0x0040, "BD-ROM" },   { 0x0041, "BD-R SRM" },
                { 0x0042, "BD-R RRM" }, { 0x0043, "BD-RE" },    { 0x0017, "unknown" },
                { 0x0050, "unknown" },  { 0xffff, "unknown" },
        };

        for (size_t i = 0; i < ELEMENTSOF(table); i++)
                g_assert_cmpstr(mmc_profile_to_string(table[i].profile), ==, table[i].name);
}

int main(int argc, char *argv[]) {
        g_test_init(&argc, &argv, NULL);

        g_test_add_func("/mmc/sense/parse", test_sense);
        g_test_add_func("/mmc/sense/to-errno", test_sense_to_errno);
        g_test_add_func("/mmc/sense/to-string", test_sense_to_string);
        g_test_add_func("/mmc/cdb", test_cdb);
        g_test_add_func("/mmc/inquiry", test_inquiry);
        g_test_add_func("/mmc/configuration", test_configuration);
        g_test_add_func("/mmc/disc-information", test_disc_information);
        g_test_add_func("/mmc/track-information", test_track_information);
        g_test_add_func("/mmc/toc", test_toc);
        g_test_add_func("/mmc/msf-to-lba", test_msf_to_lba);
        g_test_add_func("/mmc/capacity", test_capacity);
        g_test_add_func("/mmc/profile-names", test_profile_names);

        return g_test_run();
}
