/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * The emulated drive against hand-written expectations: each MMC command with the reply bytes computed by
 * hand from the MMC tables (the comments show the arithmetic), then the quirks and the fake transport.
 * The .disc parser has its own test, test-disc.c.
 */

#include <errno.h>
#include <string.h>

#include <glib.h>

#include "disc.h"
#include "test-fixtures.h"
#include "drive.h"
#include "fake-transport.h"

/* One closed session of 10000 blocks and the invisible track at 21400 (lead-out + 11400). */
static const char CDR_APPENDABLE[] =
        "vendor = HL-DT-ST\n"
        "product = DVDRAM GH24NSD1   # a comment\n"
        "revision = LG00\n"
        "serial = K1234567\n"
        "profile = 0x09\n"
        "disc_status = appendable\n"
        "last_session = empty\n"
        "features = 0x0010 0x001e 0x0021\n"
        "track = session=1 start=0 size=10000\n"
        "track = session=2 start=21400 size=338447 state=invisible nwa=21400 free=338447\n"
        "expect.msinfo = 0,21400\n"
        "expect.seq.NextWritableAddress = 21400\n"
        "expect.drive.MediaType = optical_cd_r\n"
        "expect.drive.LastError =\n";

static const char CDR_BLANK[] =
        "profile = 0x09\n"
        "disc_status = blank\n"
        "last_session = empty\n"
        "track = session=1 start=0 size=359847 state=invisible nwa=0 free=359847\n";


static EmuDrive *drive_from(const char *text) {
        return emu_drive_new("sr0", text ? disc_from(text) : NULL);
}

#define CDB(...) ((const uint8_t[]) { __VA_ARGS__ }), sizeof((const uint8_t[]) { __VA_ARGS__ })

static EmuResult run(EmuDrive *d, const uint8_t *cdb, size_t cdb_len, uint8_t *buf, size_t len) {
        EmuResult r;
        g_assert_cmpint(emu_drive_command(d, cdb, cdb_len, buf, len, &r), ==, 0);
        return r;
}

static void assert_good(const EmuResult *r, size_t len) {
        g_assert_cmpuint(r->host_status, ==, EMU_DID_OK);
        g_assert_cmpuint(r->status, ==, EMU_STATUS_GOOD);
        g_assert_cmpuint(r->len, ==, len);
}

static void assert_sense(const EmuResult *r, uint8_t sk, uint8_t asc, uint8_t ascq) {
        g_assert_cmpuint(r->host_status, ==, EMU_DID_OK);
        g_assert_cmpuint(r->status, ==, EMU_STATUS_CHECK_CONDITION);
        g_assert_cmpuint(r->sense_len, ==, 18);
        g_assert_cmpuint(r->sense[0], ==, 0x70);
        g_assert_cmpuint(r->sense[2], ==, sk);
        g_assert_cmpuint(r->sense[7], ==, 10);
        g_assert_cmpuint(r->sense[12], ==, asc);
        g_assert_cmpuint(r->sense[13], ==, ascq);
        g_assert_cmpuint(r->len, ==, 0);
}

#define assert_bytes(buf, ...)                                                                         \
        do {                                                                                           \
                const uint8_t _exp[] = { __VA_ARGS__ };                                                \
                g_assert_cmpmem((buf), sizeof(_exp), _exp, sizeof(_exp));                              \
        } while (0)

/* ---- commands ---- */

static void test_inquiry(void) {
        g_autoptr(EmuDrive) d = drive_from(CDR_APPENDABLE);
        uint8_t buf[128];
        EmuResult r;

        r = run(d, CDB(0x12, 0, 0, 0, 36, 0), buf, sizeof(buf));
        assert_good(&r, 36); /* cut at the allocation length */
        assert_bytes(buf, 0x05, 0x80, 0x05, 0x02, 91);
        g_assert_cmpmem(buf + 8, 28, "HL-DT-STDVDRAM GH24NSD1 LG00", 28);

        r = run(d, CDB(0x12, 0, 0, 0, 255, 0), buf, sizeof(buf));
        assert_good(&r, 96);
        r = run(d, CDB(0x12, 1, 0x80, 0, 255, 0), buf, sizeof(buf));
        assert_good(&r, 12);
        assert_bytes(buf, 0x05, 0x80, 0x00, 8, 'K', '1', '2', '3', '4', '5', '6', '7');
        r = run(d, CDB(0x12, 1, 0x83, 0, 255, 0), buf, sizeof(buf));
        assert_sense(&r, 0x05, 0x24, 0x00);
}

static void test_no_medium(void) {
        g_autoptr(EmuDrive) d = drive_from(NULL);
        uint8_t buf[256];
        EmuResult r;

        r = run(d, CDB(0x00, 0, 0, 0, 0, 0), NULL, 0);
        assert_sense(&r, 0x02, 0x3a, 0x00);
        r = run(d, CDB(0x51, 0, 0, 0, 0, 0, 0, 0, 34, 0), buf, sizeof(buf));
        assert_sense(&r, 0x02, 0x3a, 0x00);
        r = run(d, CDB(0x03, 0, 0, 0, 18, 0), buf, sizeof(buf));
        assert_good(&r, 18);
        assert_bytes(buf, 0x70, 0, 0x02, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0x3a, 0x00);
        /* GET CONFIGURATION: current profile 0, no CurrentP, feature 0010h not current */
        r = run(d, CDB(0x46, 0, 0, 0, 0, 0, 0, 0, 255, 0), buf, sizeof(buf));
        g_assert_cmpuint(r.status, ==, 0);
        g_assert_cmpuint(buf[6] << 8 | buf[7], ==, 0);
        for (size_t i = 0; i < 15; i++)
                g_assert_cmpuint(buf[12 + 4 * i + 2], ==, 0);
        r = run(d, CDB(0x46, 1, 0, 0x10, 0, 0, 0, 0, 255, 0), buf, sizeof(buf));
        g_assert_cmpuint(buf[3], ==, r.len - 4);
        g_assert_cmpuint(r.len, ==, 8); /* RT=1 from 0010h: nothing current */
        r = run(d, CDB(0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0), buf, sizeof(buf));
        assert_sense(&r, 0x02, 0x3a, 0x00);
}

static void test_get_configuration(void) {
        g_autoptr(EmuDrive) d = drive_from(CDR_APPENDABLE);
        uint8_t buf[512];
        EmuResult r;

        /* 8 header + 0000h (4 + 15·4) + 0001h 12 + 0003h 8 + 0010h 12 + 001Eh 8 + 0021h 12 + 0038h 8 = 132 */
        r = run(d, CDB(0x46, 0, 0, 0, 0, 0, 0, 0x02, 0x00, 0), buf, sizeof(buf));
        assert_good(&r, 132);
        assert_bytes(buf, 0, 0, 0, 128, 0, 0, 0x00, 0x09, /* profile list, persistent + current, 60 bytes */
                     0x00, 0x00, 0x03, 60, 0x00, 0x08, 0x00, 0x00, 0x00, 0x09, 0x01, 0x00, 0x00, 0x0a, 0x00, 0x00);
        assert_bytes(buf + 72, 0x00, 0x01, 0x0b, 8, 0, 0, 0, 2, 0x03, 0, 0, 0, /* core, ATAPI */
                     0x00, 0x03, 0x03, 4, 0x29, 0, 0, 0,                     /* removable medium, tray */
                     0x00, 0x10, 0x01, 8, 0, 0, 0x08, 0x00, 0x00, 0x01, 0x01, 0x00, /* random readable */
                     0x00, 0x1e, 0x09, 4, 0, 0, 0, 0,                             /* CD read */
                     0x00, 0x21, 0x05, 8, 0x3d, 0x0f, 0x01, 1, 16, 0, 0, 0,       /* incremental, link 16 */
                     0x00, 0x38, 0x00, 4, 0, 0, 0, 0);                            /* POW, not current */

        /* cut at 8 bytes: the header still claims 128 */
        r = run(d, CDB(0x46, 0, 0, 0, 0, 0, 0, 0, 8, 0), buf, sizeof(buf));
        assert_good(&r, 8);
        assert_bytes(buf, 0, 0, 0, 128, 0, 0, 0x00, 0x09);

        /* RT=2: exactly feature 0021h */
        r = run(d, CDB(0x46, 2, 0x00, 0x21, 0, 0, 0, 0, 255, 0), buf, sizeof(buf));
        assert_good(&r, 20);
        assert_bytes(buf, 0, 0, 0, 16, 0, 0, 0, 9, 0x00, 0x21, 0x05, 8, 0x3d, 0x0f, 0x01, 1, 16, 0, 0, 0);

        /* RT=1: the current ones only (not 0038h) */
        r = run(d, CDB(0x46, 1, 0, 0, 0, 0, 0, 0x02, 0x00, 0), buf, sizeof(buf));
        assert_good(&r, 124);

        r = run(d, CDB(0x46, 3, 0, 0, 0, 0, 0, 0, 8, 0), buf, sizeof(buf));
        assert_sense(&r, 0x05, 0x24, 0x00);
}

static void test_read_disc_information(void) {
        g_autoptr(EmuDrive) d = drive_from(CDR_APPENDABLE);
        g_autoptr(EmuDrive) blank = drive_from(CDR_BLANK);
        g_autoptr(EmuDrive) dvd = drive_from(DVDR_APPENDABLE);
        uint8_t buf[64];
        EmuResult r;

        /* lead-in of session 2: 21400 − 4650 = 16750 → +150 = 16900 frames = 03:45:25;
         * last possible lead-out 359847 → 359997 frames = 79:59:72 */
        r = run(d, CDB(0x51, 0, 0, 0, 0, 0, 0, 0, 34, 0), buf, sizeof(buf));
        assert_good(&r, 34);
        assert_bytes(buf, 0, 32, 0x01, 1, 2, 2, 2, 0, 0x00, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x03, 0x2d, 0x19, 0x00,
                     0x4f, 0x3b, 0x48, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

        /* blank: one session holding the invisible track 1; ATIP lead-in 97:26:66 */
        r = run(blank, CDB(0x51, 0, 0, 0, 0, 0, 0, 0, 34, 0), buf, sizeof(buf));
        assert_good(&r, 34);
        assert_bytes(buf, 0, 32, 0x00, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 97, 26, 66);

        /* DVD-R: LBAs; lead-in field = start of the last session's first track */
        r = run(dvd, CDB(0x51, 0, 0, 0, 0, 0, 0, 0, 34, 0), buf, sizeof(buf));
        assert_good(&r, 34);
        assert_bytes(buf + 16, 0x00, 0x00, 0xa3, 0x50, 0x00, 0x23, 0x10, 0xf0); /* 41808, 2298096 */

        r = run(d, CDB(0x51, 1, 0, 0, 0, 0, 0, 0, 34, 0), buf, sizeof(buf));
        assert_sense(&r, 0x05, 0x24, 0x00);
}

static void test_read_track_information(void) {
        g_autoptr(EmuDrive) d = drive_from(CDR_APPENDABLE);
        g_autoptr(EmuDrive) dvd = drive_from(DVDR_APPENDABLE);
        uint8_t buf[64];
        EmuResult r;

        r = run(d, CDB(0x52, 1, 0, 0, 0, 1, 0, 0, 48, 0), buf, sizeof(buf));
        assert_good(&r, 48);
        assert_bytes(buf, 0, 46, 1, 1, 0, 0x04, 0x01, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                     0x00, 0x00, 0x27, 0x10, 0, 0, 0, 0, 0, 0);

        /* FFh: the invisible track — Blank, data mode Fh, NWA_V, start = NWA = 21400 (5398h), free 338447 */
        r = run(d, CDB(0x52, 1, 0, 0, 0, 0xff, 0, 0, 48, 0), buf, sizeof(buf));
        assert_good(&r, 48);
        assert_bytes(buf, 0, 46, 2, 2, 0, 0x04, 0x4f, 0x01, 0x00, 0x00, 0x53, 0x98, 0x00, 0x00, 0x53, 0x98,
                     0x00, 0x05, 0x2a, 0x0f, 0, 0, 0, 0, 0x00, 0x05, 0x2a, 0x0f, 0, 0, 0, 0, 0, 0);

        /* session 2 → its first track; LBA 5000 → track 1; LBA 15000 lies between sessions */
        r = run(d, CDB(0x52, 2, 0, 0, 0, 2, 0, 0, 48, 0), buf, sizeof(buf));
        assert_good(&r, 48);
        g_assert_cmpuint(buf[2], ==, 2);
        r = run(d, CDB(0x52, 0, 0, 0, 0x13, 0x88, 0, 0, 48, 0), buf, sizeof(buf));
        assert_good(&r, 48);
        g_assert_cmpuint(buf[2], ==, 1);
        r = run(d, CDB(0x52, 0, 0, 0, 0x3a, 0x98, 0, 0, 48, 0), buf, sizeof(buf));
        assert_sense(&r, 0x05, 0x21, 0x00);
        r = run(d, CDB(0x52, 1, 0, 0, 0, 3, 0, 0, 48, 0), buf, sizeof(buf));
        assert_sense(&r, 0x05, 0x24, 0x00);
        r = run(d, CDB(0x52, 2, 0, 0, 0, 3, 0, 0, 48, 0), buf, sizeof(buf));
        assert_sense(&r, 0x05, 0x24, 0x00);

        /* DVD-R: FFh is not valid; the last track is, with Packet = 1 and blocking factor 16 */
        r = run(dvd, CDB(0x52, 1, 0, 0, 0, 0xff, 0, 0, 48, 0), buf, sizeof(buf));
        assert_sense(&r, 0x05, 0x24, 0x00);
        r = run(dvd, CDB(0x52, 1, 0, 0, 0, 2, 0, 0, 48, 0), buf, sizeof(buf));
        assert_good(&r, 48);
        assert_bytes(buf + 5, 0x04, 0x6f, 0x01);
        assert_bytes(buf + 20, 0, 0, 0, 16);
        /* cut at 36 bytes: length still 46 */
        r = run(dvd, CDB(0x52, 1, 0, 0, 0, 2, 0, 0, 36, 0), buf, sizeof(buf));
        assert_good(&r, 36);
        assert_bytes(buf, 0, 46);
}

static void test_read_toc(void) {
        g_autoptr(EmuDrive) d = drive_from(CDR_APPENDABLE);
        g_autoptr(EmuDrive) blank = drive_from(CDR_BLANK);
        g_autoptr(EmuDrive) dvd = drive_from(DVDR_APPENDABLE);
        uint8_t buf[128];
        EmuResult r;

        /* format 0: track 1 and the lead-out AAh at 10000 (2710h) — session 2 is not complete */
        r = run(d, CDB(0x43, 0, 0, 0, 0, 0, 1, 0, 128, 0), buf, sizeof(buf));
        assert_good(&r, 20);
        assert_bytes(buf, 0, 18, 1, 1, 0, 0x14, 1, 0, 0, 0, 0, 0, 0, 0x14, 0xaa, 0, 0, 0, 0x27, 0x10);
        /* MSF: 00:02:00 and 10150 frames = 02:15:25 */
        r = run(d, CDB(0x43, 2, 0, 0, 0, 0, 1, 0, 128, 0), buf, sizeof(buf));
        assert_good(&r, 20);
        assert_bytes(buf + 4, 0, 0x14, 1, 0, 0, 0, 2, 0, 0, 0x14, 0xaa, 0, 0, 2, 15, 25);
        /* the 12-byte header read of cdrom_id */
        r = run(d, CDB(0x43, 0, 0, 0, 0, 0, 1, 0, 12, 0), buf, sizeof(buf));
        assert_good(&r, 12);
        assert_bytes(buf, 0, 18, 1, 1);

        /* format 1: first track of the last complete session */
        r = run(d, CDB(0x43, 0, 1, 0, 0, 0, 0, 0, 12, 0), buf, sizeof(buf));
        assert_good(&r, 12);
        assert_bytes(buf, 0, 10, 1, 1, 0, 0x14, 1, 0, 0, 0, 0, 0);

        /* format 2: A0 A1 A2 (02:15:25) track 1 (00:02:00) B0 (ADR 5: 21550 frames = 04:47:25, max lead-out
         * 79:59:72) */
        r = run(d, CDB(0x43, 2, 2, 0, 0, 0, 0, 0, 128, 0), buf, sizeof(buf));
        assert_good(&r, 59);
        assert_bytes(buf, 0, 57, 1, 1,
                     1, 0x14, 0, 0xa0, 0, 0, 0, 0, 1, 0x00, 0,
                     1, 0x14, 0, 0xa1, 0, 0, 0, 0, 1, 0, 0,
                     1, 0x14, 0, 0xa2, 0, 0, 0, 0, 2, 15, 25,
                     1, 0x14, 0, 0x01, 0, 0, 0, 0, 0, 2, 0,
                     1, 0x54, 0, 0xb0, 4, 47, 25, 1, 79, 59, 72);

        /* format 4: ATIP lead-in 97:26:66, lead-out 79:59:72 */
        r = run(d, CDB(0x43, 0, 4, 0, 0, 0, 0, 0, 128, 0), buf, sizeof(buf));
        assert_good(&r, 28);
        assert_bytes(buf, 0, 26, 0, 0, 0xd2, 0x00, 0x80, 0, 97, 26, 66, 0, 79, 59, 72, 0);

        /* blank: no complete session, no TOC; DVD: no raw TOC, no ATIP */
        r = run(blank, CDB(0x43, 0, 0, 0, 0, 0, 1, 0, 12, 0), buf, sizeof(buf));
        assert_sense(&r, 0x05, 0x24, 0x00);
        r = run(blank, CDB(0x43, 0, 1, 0, 0, 0, 0, 0, 12, 0), buf, sizeof(buf));
        assert_sense(&r, 0x05, 0x24, 0x00);
        r = run(dvd, CDB(0x43, 0, 2, 0, 0, 0, 0, 0, 128, 0), buf, sizeof(buf));
        assert_sense(&r, 0x05, 0x24, 0x00);
        r = run(dvd, CDB(0x43, 0, 4, 0, 0, 0, 0, 0, 128, 0), buf, sizeof(buf));
        assert_sense(&r, 0x05, 0x24, 0x00);
        r = run(dvd, CDB(0x43, 0, 1, 0, 0, 0, 0, 0, 12, 0), buf, sizeof(buf));
        assert_good(&r, 12);
        g_assert_cmpuint(buf[6], ==, 1);
}

static void test_read_capacity_and_read(void) {
        g_autoptr(EmuDrive) d = drive_from("profile = 0x1a\ndisc_status = complete\nlast_session = complete\n"
                                           "capacity = 2295104\niso_blocks = 1000\n"
                                           "track = session=1 start=0 size=2295104\n");
        g_autoptr(EmuDrive) blank = drive_from(CDR_BLANK);
        g_autofree uint8_t *buf = g_malloc0(32 * 2048);
        EmuResult r;

        r = run(d, CDB(0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0), buf, 8);
        assert_good(&r, 8);
        assert_bytes(buf, 0x00, 0x23, 0x05, 0x3f, 0, 0, 0x08, 0); /* 2295103, 2048 */
        r = run(blank, CDB(0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0), buf, 8);
        assert_good(&r, 8);
        assert_bytes(buf, 0, 0, 0, 0, 0, 0, 0x08, 0);

        /* cdrom_id's READ(10) of 32 blocks: block 0 zeros, block 16 the PVD, 1000 = 3E8h both-endian */
        memset(buf, 0xaa, 32 * 2048);
        r = run(d, CDB(0x28, 0, 0, 0, 0, 0, 0, 0, 32, 0), buf, 32 * 2048);
        assert_good(&r, 32 * 2048);
        g_assert_cmpuint(buf[0], ==, 0);
        g_assert_cmpmem(buf + 16 * 2048, 7, "\x01" "CD001" "\x01", 7);
        assert_bytes(buf + 16 * 2048 + 80, 0xe8, 0x03, 0, 0, 0, 0, 0x03, 0xe8);
        /* READ(12) of LBA 16 alone */
        r = run(d, CDB(0xa8, 0, 0, 0, 0, 16, 0, 0, 0, 1, 0, 0), buf, 2048);
        assert_good(&r, 2048);
        g_assert_cmpmem(buf, 6, "\x01" "CD001", 6);
        r = run(blank, CDB(0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0), buf, 2048);
        assert_sense(&r, 0x05, 0x21, 0x00);
}

static void test_mode_sense(void) {
        g_autoptr(EmuDrive) d = drive_from(CDR_APPENDABLE);
        uint8_t buf[256];
        EmuResult r;

        /* page 2Ah: 8-byte header + 32 + 4·1 bytes; page length 30 + 4·n (libburn's check) */
        r = run(d, CDB(0x5a, 0, 0x2a, 0, 0, 0, 0, 1, 0, 0), buf, sizeof(buf));
        assert_good(&r, 44);
        assert_bytes(buf, 0, 42, 0, 0, 0, 0, 0, 0, 0x2a, 34);
        g_assert_cmpuint(buf[8 + 30] << 8 | buf[8 + 31], ==, 1);
        /* page 05h: TAO, multi-session 11b, track mode 4, block type 8, pause 150 */
        r = run(d, CDB(0x5a, 0, 0x05, 0, 0, 0, 0, 1, 0, 0), buf, sizeof(buf));
        assert_good(&r, 60);
        assert_bytes(buf + 8, 0x05, 0x32, 0x01, 0xc4, 0x08, 0);
        r = run(d, CDB(0x5a, 0, 0x01, 0, 0, 0, 0, 1, 0, 0), buf, sizeof(buf));
        assert_sense(&r, 0x05, 0x24, 0x00);
        r = run(d, CDB(0x5a, 0, 0xc5, 0, 0, 0, 0, 1, 0, 0), buf, sizeof(buf));
        assert_sense(&r, 0x05, 0x39, 0x00);
}


static void test_dvd_ram_probes(void) {
        g_autoptr(EmuDrive) ram = drive_from("profile = 0x12\ndisc_status = other\nlast_session = complete\n"
                                             "erasable = 1\ncapacity = 2236704\n"
                                             "track = session=1 start=0 size=2236704\n");
        g_autoptr(EmuDrive) cd = drive_from(CDR_APPENDABLE);
        g_autoptr(EmuDrive) none = drive_from(NULL);
        uint8_t buf[64];
        EmuResult r;

        /* cdrom_id's DVD-RAM checks: READ DVD STRUCTURE C0h (not write-protected) and READ FORMAT
         * CAPACITIES (list length a multiple of 8, ≥ 16; type 2 = formatted; 2236704 = 222120h) */
        r = run(ram, CDB(0xad, 0, 0, 0, 0, 0, 0, 0xc0, 0, 8, 0, 0), buf, sizeof(buf));
        assert_good(&r, 8);
        assert_bytes(buf, 0, 6, 0, 0, 0x00);
        r = run(ram, CDB(0x23, 0, 0, 0, 0, 0, 0, 0, 12, 0), buf, sizeof(buf));
        assert_good(&r, 12);
        assert_bytes(buf, 0, 0, 0, 16, 0x00, 0x22, 0x21, 0x20, 0x02, 0x00, 0x08, 0x00);
        r = run(none, CDB(0x23, 0, 0, 0, 0, 0, 0, 0, 12, 0), buf, sizeof(buf));
        assert_good(&r, 12);
        g_assert_cmpuint(buf[8] & 3, ==, 3); /* no medium */
        r = run(cd, CDB(0xad, 0, 0, 0, 0, 0, 0, 0xc0, 0, 8, 0, 0), buf, sizeof(buf));
        assert_sense(&r, 0x05, 0x30, 0x02);
        r = run(ram, CDB(0xad, 0, 0, 0, 0, 0, 0, 0x00, 0, 8, 0, 0), buf, sizeof(buf));
        assert_sense(&r, 0x05, 0x24, 0x00);
}

/* The formattable descriptors libburn reads the size of overwritable DVD-RW from (libburn cookbook): on a
 * fully formatted Restricted Overwrite disc 00h and 15h offer the whole disc and 13h nothing more. */
static void test_read_format_capacities(void) {
        g_autoptr(EmuDrive) ro = drive_from("profile = 0x13\ndisc_status = complete\nlast_session = complete\n"
                                            "erasable = 1\ncapacity = 2297888\n"
                                            "track = session=1 start=0 size=2297888\n");
        g_autoptr(EmuDrive) plus = drive_from("profile = 0x1a\ndisc_status = complete\nlast_session = complete\n"
                                              "erasable = 1\ncapacity = 2295104\n"
                                              "track = session=1 start=0 size=2295104\n");
        uint8_t buf[64];
        EmuResult r;

        /* 2297888 = 231020h; list length 32 = current + three formattable descriptors; 13h << 2 = 4Ch,
         * 15h << 2 = 54h, parameter 16 (ECC block) for 13h/15h, 2048 (block length) for 00h */
        r = run(ro, CDB(0x23, 0, 0, 0, 0, 0, 0, 0, 64, 0), buf, sizeof(buf));
        assert_good(&r, 36);
        assert_bytes(buf, 0, 0, 0, 32, 0x00, 0x23, 0x10, 0x20, 0x02, 0x00, 0x08, 0x00,
                     0x00, 0x23, 0x10, 0x20, 0x00, 0x00, 0x08, 0x00,
                     0x00, 0x00, 0x00, 0x00, 0x4c, 0x00, 0x00, 0x10,
                     0x00, 0x23, 0x10, 0x20, 0x54, 0x00, 0x00, 0x10);
        /* DVD+RW: one 26h descriptor (26h << 2 = 98h); 2295104 = 230540h */
        r = run(plus, CDB(0x23, 0, 0, 0, 0, 0, 0, 0, 64, 0), buf, sizeof(buf));
        assert_good(&r, 20);
        assert_bytes(buf, 0, 0, 0, 16, 0x00, 0x23, 0x05, 0x40, 0x02, 0x00, 0x08, 0x00,
                     0x00, 0x23, 0x05, 0x40, 0x98, 0x00, 0x00, 0x00);
}

static void test_track_info_open_and_toc_msf(void) {
        g_autoptr(EmuDrive) d = drive_from(CDR_APPENDABLE);
        uint8_t buf[64];
        EmuResult r;

        /* Open bit: the first open track at or after track 1 is the invisible track 2 */
        r = run(d, CDB(0x52, 0x05, 0, 0, 0, 1, 0, 0, 48, 0), buf, sizeof(buf));
        assert_good(&r, 48);
        g_assert_cmpuint(buf[2], ==, 2);
        /* TOC format 1 in MSF: 00 00:02:00 */
        r = run(d, CDB(0x43, 2, 1, 0, 0, 0, 0, 0, 12, 0), buf, sizeof(buf));
        assert_good(&r, 12);
        assert_bytes(buf + 8, 0, 0, 2, 0);
        /* TOC format 0 from the lead-out only */
        r = run(d, CDB(0x43, 0, 0, 0, 0, 0, 0xaa, 0, 64, 0), buf, sizeof(buf));
        assert_good(&r, 12);
        assert_bytes(buf, 0, 10, 1, 1, 0, 0x14, 0xaa);
        /* a start track past the last complete one */
        r = run(d, CDB(0x43, 0, 0, 0, 0, 0, 2, 0, 64, 0), buf, sizeof(buf));
        assert_sense(&r, 0x05, 0x24, 0x00);

}

static void test_insert_eject(void) {
        g_autoptr(EmuDrive) d = drive_from(CDR_APPENDABLE);
        uint8_t buf[64];
        EmuResult r;

        g_assert_true(emu_drive_has_medium(d));
        emu_drive_insert(d, NULL);
        g_assert_false(emu_drive_has_medium(d));
        r = run(d, CDB(0x00, 0, 0, 0, 0, 0), NULL, 0);
        assert_sense(&r, 0x02, 0x3a, 0x00);
        /* GESN media class: MediaRemoval once, then NoChg */
        r = run(d, CDB(0x4a, 1, 0, 0, 0x10, 0, 0, 0, 8, 0), buf, sizeof(buf));
        assert_good(&r, 8);
        assert_bytes(buf, 0, 6, 0x04, 0x10, 0x03, 0x00, 0, 0);
        r = run(d, CDB(0x4a, 1, 0, 0, 0x10, 0, 0, 0, 8, 0), buf, sizeof(buf));
        assert_bytes(buf, 0, 6, 0x04, 0x10, 0x00, 0x00, 0, 0);

        /* a disc from another file changes the medium only */
        emu_drive_insert(d, disc_from(DVDR_APPENDABLE));
        r = run(d, CDB(0x4a, 1, 0, 0, 0x10, 0, 0, 0, 8, 0), buf, sizeof(buf));
        assert_bytes(buf, 0, 6, 0x04, 0x10, 0x02, 0x02, 0, 0);
        r = run(d, CDB(0x12, 0, 0, 0, 36, 0), buf, sizeof(buf));
        g_assert_cmpmem(buf + 8, 8, "HL-DT-ST", 8);
        r = run(d, CDB(0x46, 0, 0, 0, 0, 0, 0, 0, 8, 0), buf, sizeof(buf));
        assert_bytes(buf + 6, 0x00, 0x11);
        r = run(d, CDB(0x00, 0, 0, 0, 0, 0), NULL, 0);
        assert_good(&r, 0);
        /* GESN without the media class requested: NEA */
        r = run(d, CDB(0x4a, 1, 0, 0, 0x02, 0, 0, 0, 8, 0), buf, sizeof(buf));
        assert_good(&r, 4);
        assert_bytes(buf, 0, 2, 0x80, 0x10);
        r = run(d, CDB(0xbd, 0, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0), buf, sizeof(buf));
        assert_good(&r, 8);
        /* BLANK: not modelled (drive-write.c records on sequential media only) */
        r = run(d, CDB(0xa1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), buf, sizeof(buf));
        assert_sense(&r, 0x05, 0x20, 0x00);
}

static void test_quirks(void) {
        g_autofree char *text = g_strconcat(CDR_APPENDABLE,
                                            "quirk = becoming_ready 2\nquirk = unit_attention\n"
                                            "quirk = sense 0x25 03/11/00\nquirk = short 0x51 10\n"
                                            "quirk = garbage 0x52\nquirk = delay 0 250\nquirk = timeout 0xbd\n"
                                            "quirk = no_toc1\nquirk = no_track_info\n",
                                            NULL);
        g_autoptr(EmuDrive) d = drive_from(text);
        g_autoptr(EmuDrive) blank = NULL;
        g_autoptr(EmuDrive) gone = NULL;
        g_autofree char *blank_text = g_strconcat(CDR_BLANK, "quirk = cd_nwa_minus_150\n", NULL);
        g_autofree char *gone_text = g_strconcat(CDR_BLANK, "quirk = gone\n", NULL);
        uint8_t buf[64];
        EmuResult r;

        /* INQUIRY reports no UNIT ATTENTION (SPC-4); the next command does, once */
        r = run(d, CDB(0x12, 0, 0, 0, 36, 0), buf, sizeof(buf));
        assert_good(&r, 36);
        r = run(d, CDB(0x00, 0, 0, 0, 0, 0), NULL, 0);
        assert_sense(&r, 0x06, 0x28, 0x00);
        g_assert_cmpuint(r.delay_ms, ==, 250);
        r = run(d, CDB(0x00, 0, 0, 0, 0, 0), NULL, 0);
        assert_sense(&r, 0x02, 0x04, 0x01);
        r = run(d, CDB(0x46, 0, 0, 0, 0, 0, 0, 0, 8, 0), buf, sizeof(buf)); /* not a media access */
        assert_good(&r, 8);
        r = run(d, CDB(0x00, 0, 0, 0, 0, 0), NULL, 0);
        assert_sense(&r, 0x02, 0x04, 0x01);
        r = run(d, CDB(0x00, 0, 0, 0, 0, 0), NULL, 0);
        assert_good(&r, 0);

        r = run(d, CDB(0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0), buf, sizeof(buf));
        assert_sense(&r, 0x03, 0x11, 0x00);
        r = run(d, CDB(0x51, 0, 0, 0, 0, 0, 0, 0, 34, 0), buf, sizeof(buf));
        assert_good(&r, 10);
        assert_bytes(buf, 0, 32);
        r = run(d, CDB(0x52, 1, 0, 0, 0, 1, 0, 0, 48, 0), buf, sizeof(buf));
        assert_sense(&r, 0x05, 0x20, 0x00); /* no_track_info wins over garbage */
        r = run(d, CDB(0x43, 0, 1, 0, 0, 0, 0, 0, 12, 0), buf, sizeof(buf));
        assert_sense(&r, 0x05, 0x24, 0x00);
        r = run(d, CDB(0x43, 0, 0, 0, 0, 0, 1, 0, 12, 0), buf, sizeof(buf));
        assert_good(&r, 12);
        r = run(d, CDB(0xbd, 0, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0), buf, sizeof(buf));
        g_assert_cmpuint(r.host_status, ==, EMU_DID_TIME_OUT);

        /* re-armed by an insert */
        emu_drive_insert(d, disc_from(text));
        r = run(d, CDB(0x00, 0, 0, 0, 0, 0), NULL, 0);
        assert_sense(&r, 0x06, 0x28, 0x00);

        blank = drive_from(blank_text);
        r = run(blank, CDB(0x52, 1, 0, 0, 0, 0xff, 0, 0, 48, 0), buf, sizeof(buf));
        assert_good(&r, 48);
        assert_bytes(buf + 7, 0x01, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0x6a); /* NWA_V, start 0, NWA −150 */

        gone = drive_from(gone_text);
        r = run(gone, CDB(0x12, 0, 0, 0, 36, 0), buf, sizeof(buf));
        g_assert_cmpuint(r.host_status, ==, EMU_DID_NO_CONNECT);
        g_assert_cmpuint(r.len, ==, 0);
}

static void test_garbage(void) {
        g_autofree char *text = g_strconcat(CDR_APPENDABLE, "quirk = garbage 0x46\nquirk = garbage 0x51\n", NULL);
        g_autoptr(EmuDrive) d = drive_from(text);
        uint8_t buf[64];
        EmuResult r;

        r = run(d, CDB(0x46, 0, 0, 0, 0, 0, 0, 0, 8, 0), buf, sizeof(buf));
        assert_good(&r, 8);
        assert_bytes(buf, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 9);
        r = run(d, CDB(0x51, 0, 0, 0, 0, 0, 0, 0, 34, 0), buf, sizeof(buf));
        assert_good(&r, 34);
        assert_bytes(buf, 0xff, 0xff, 0x01);
}

static void test_log(void) {
        g_autoptr(EmuDrive) d = drive_from(CDR_APPENDABLE);
        g_auto(GStrv) log = NULL;
        uint8_t buf[8];

        (void) run(d, CDB(0x46, 0, 0, 0, 0, 0, 0, 0, 8, 0), buf, sizeof(buf));
        (void) run(d, CDB(0x00, 0, 0, 0, 0, 0), NULL, 0);
        log = emu_drive_get_log(d);
        g_assert_cmpuint(g_strv_length(log), ==, 2);
        g_assert_cmpstr(log[0], ==, "sr0 46 00 00 00 00 00 00 00 08 00");
        g_assert_cmpstr(log[1], ==, "sr0 00 00 00 00 00 00");
        g_assert_cmpuint(emu_drive_get_n_commands(d), ==, 2);
}

static void test_fake_transport(void) {
        g_autoptr(EmuDrive) d = drive_from(CDR_APPENDABLE);
        Transport *t = NULL;
        uint8_t cdb[16] = { 0x46, 0, 0, 0, 0, 0, 0, 0, 8, 0 }, buf[8];
        MmcSense sense = {};
        size_t len = 0;

        g_assert_cmpint(fake_transport_new(d, &t), ==, 0);
        g_assert_true(fake_transport_get_drive(t) == d);
        g_assert_cmpint(transport_command(t, cdb, 10, buf, sizeof(buf), &len, &sense), ==, 0);
        g_assert_cmpuint(len, ==, 8);
        g_assert_cmpuint(buf[7], ==, 0x09);

        emu_drive_insert(d, NULL);
        memset(cdb, 0, sizeof(cdb)); /* TEST UNIT READY */
        g_assert_cmpint(transport_command(t, cdb, 6, NULL, 0, &len, &sense), ==, -ENOMEDIUM);
        g_assert_cmpuint(sense.key, ==, 0x02);
        g_assert_cmpuint(sense.asc, ==, 0x3a);

        emu_drive_set_gone(d, true);
        g_assert_cmpint(transport_command(t, cdb, 6, NULL, 0, &len, &sense), ==, -ENODEV);
        g_assert_cmpuint(t->n_commands, ==, 3);
        transport_free(t);
}

static void test_fake_transport_timeout(void) {
        g_autofree char *text = g_strconcat(CDR_APPENDABLE, "quirk = timeout 0x51\nquirk = delay 0x00 20\n", NULL);
        g_autoptr(EmuDrive) d = drive_from(text);
        Transport *t = NULL;
        uint8_t rdi[16] = { 0x51, 0, 0, 0, 0, 0, 0, 0, 34, 0 }, tur[16] = {}, buf[34];
        gint64 before;

        g_assert_cmpint(fake_transport_new(d, &t), ==, 0);
        g_assert_cmpint(transport_command(t, rdi, 10, buf, sizeof(buf), NULL, NULL), ==, -ETIMEDOUT);
        before = g_get_monotonic_time();
        g_assert_cmpint(transport_command(t, tur, 6, NULL, 0, NULL, NULL), ==, 0);
        g_assert_cmpint(g_get_monotonic_time() - before, >=, 20 * 1000);
        transport_free(t);
}

int main(int argc, char **argv) {
        g_test_init(&argc, &argv, NULL);

        g_test_add_func("/emulator/drive/inquiry", test_inquiry);
        g_test_add_func("/emulator/drive/no-medium", test_no_medium);
        g_test_add_func("/emulator/drive/get-configuration", test_get_configuration);
        g_test_add_func("/emulator/drive/read-disc-information", test_read_disc_information);
        g_test_add_func("/emulator/drive/read-track-information", test_read_track_information);
        g_test_add_func("/emulator/drive/read-toc", test_read_toc);
        g_test_add_func("/emulator/drive/read-capacity-and-read", test_read_capacity_and_read);
        g_test_add_func("/emulator/drive/mode-sense", test_mode_sense);
        g_test_add_func("/emulator/drive/dvd-ram-probes", test_dvd_ram_probes);
        g_test_add_func("/emulator/drive/read-format-capacities", test_read_format_capacities);
        g_test_add_func("/emulator/drive/track-info-open-and-toc-msf", test_track_info_open_and_toc_msf);
        g_test_add_func("/emulator/drive/insert-eject", test_insert_eject);
        g_test_add_func("/emulator/drive/quirks", test_quirks);
        g_test_add_func("/emulator/drive/garbage", test_garbage);
        g_test_add_func("/emulator/drive/log", test_log);
        g_test_add_func("/emulator/fake-transport/basic", test_fake_transport);
        g_test_add_func("/emulator/fake-transport/timeout", test_fake_transport_timeout);

        return g_test_run();
}
