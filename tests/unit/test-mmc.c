/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * Unit tests for daemon/mmc.c: sense data, the CDB builders, INQUIRY, READ CAPACITY and profile names. Every
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
        g_test_add_func("/mmc/capacity", test_capacity);
        g_test_add_func("/mmc/profile-names", test_profile_names);

        return g_test_run();
}
