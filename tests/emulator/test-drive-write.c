/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * The recording model (drive-write.c) in process: the command sequences cdrskin and xorriso send
 * (burn-harness.md), and what the drive reports afterwards, against values computed by hand from the
 * layout rules of tests/discs/README.md (the comments show the arithmetic). Then the data path (READ of
 * what was written), the refusals, and the .disc writer's round trip.
 */

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "disc.h"
#include "drive-write.h"
#include "drive.h"

static const char DVDPLUSR_BLANK[] = "vendor = PLEXTOR\nserial = X1\nprofile = 0x1b\ndisc_status = blank\n"
                                     "last_session = empty\ncapacity = 0\nlead_out_max = 2295104\n"
                                     "track = session=1 start=0 size=2295104 state=invisible nwa=0 free=2295104\n";
static const char CDR_BLANK[] = "profile = 0x09\ndisc_status = blank\nlast_session = empty\ncapacity = 0\n"
                                "lead_out_max = 359849\n"
                                "track = session=1 start=0 size=359849 state=invisible nwa=0 free=359849\n";
static const char DVDR_BLANK[] = "profile = 0x11\ndisc_status = blank\nlast_session = empty\ncapacity = 0\n"
                                 "lead_out_max = 2297888\nfeatures = 0x0010 0x0021\n"
                                 "track = session=1 start=0 size=2297888 state=invisible nwa=0 free=2297888\n";
static const char BDR_BLANK[] = "profile = 0x41\ndisc_status = blank\nlast_session = empty\ncapacity = 0\n"
                                "lead_out_max = 12219392\n"
                                "track = session=1 start=0 size=12219392 state=invisible nwa=0 free=12219392\n";

#define CDB(...) ((const uint8_t[]) { __VA_ARGS__ }), sizeof((const uint8_t[]) { __VA_ARGS__ })

static EmuDrive *drive_from(const char *text) {
        g_autofree char *error = NULL;
        EmuDisc *d = NULL;

        if (emu_disc_parse(text, "test.disc", &d, &error) < 0)
                g_error("parse failed: %s", error);
        return emu_drive_new("sr0", d);
}

static EmuResult run_out(EmuDrive *d, const uint8_t *cdb, size_t cdb_len, const uint8_t *out, size_t out_len,
                         uint8_t *buf, size_t len) {
        EmuResult r;
        g_assert_cmpint(emu_drive_command_out(d, cdb, cdb_len, out, out_len, buf, len, &r), ==, 0);
        return r;
}

static void assert_good(const EmuResult *r) {
        g_assert_cmpuint(r->host_status, ==, 0);
        if (r->status != 0)
                g_error("CHECK CONDITION %x/%02x/%02x", r->sense[2], r->sense[12], r->sense[13]);
}

static void assert_sense(const EmuResult *r, uint8_t sk, uint8_t asc, uint8_t ascq) {
        g_assert_cmpuint(r->status, ==, 2);
        g_assert_cmphex(r->sense[2] & 0x0f, ==, sk);
        g_assert_cmphex(r->sense[12], ==, asc);
        g_assert_cmphex(r->sense[13], ==, ascq);
}

static uint32_t be32(const uint8_t *p) {
        return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 | (uint32_t) p[2] << 8 | p[3];
}

/* A command without data. */
static void cmd(EmuDrive *d, const uint8_t *cdb, size_t len) {
        EmuResult r = run_out(d, cdb, len, NULL, 0, NULL, 0);
        assert_good(&r);
}

/* WRITE (10) of n blocks at lba; each block filled with the byte (lba + i) & 0xff. */
static EmuResult write10(EmuDrive *d, int32_t lba, uint16_t n) {
        g_autofree uint8_t *data = g_malloc((size_t) n * 2048);
        uint32_t u = (uint32_t) lba;

        for (size_t i = 0; i < n; i++)
                memset(data + i * 2048, (int) ((u + i) & 0xff), 2048);
        return run_out(d, CDB(0x2a, 0, u >> 24, u >> 16, u >> 8, u, 0, n >> 8, n & 0xff, 0), data, (size_t) n * 2048,
                       NULL, 0);
}

static void write_ok(EmuDrive *d, int32_t lba, uint16_t n) {
        EmuResult r = write10(d, lba, n);
        assert_good(&r);
}

/* MODE SELECT (10) of page 05h: write type, multi-session, track mode, data block type. */
static EmuResult mode_select05(EmuDrive *d, uint8_t wt, uint8_t ms, uint8_t tm, uint8_t test_write) {
        uint8_t p[8 + 2 + 0x32] = {};

        p[8] = 0x05;
        p[9] = 0x32;
        p[10] = (uint8_t) (wt | (test_write ? 0x10 : 0));
        p[11] = (uint8_t) (ms << 6 | tm);
        p[12] = 8; /* Mode 1 */
        return run_out(d, CDB(0x55, 0x10, 0, 0, 0, 0, 0, 0, sizeof(p), 0), p, sizeof(p), NULL, 0);
}

typedef struct DiscInfo {
        uint8_t status; /* byte 2 */
        unsigned n_sessions, first_last, last_last;
        uint32_t lead_in; /* 16..19 */
} DiscInfo;

static DiscInfo disc_info(EmuDrive *d) {
        uint8_t b[34];
        EmuResult r = run_out(d, CDB(0x51, 0, 0, 0, 0, 0, 0, 0, 34, 0), NULL, 0, b, sizeof(b));

        assert_good(&r);
        return (DiscInfo) { b[2], b[9] << 8 | b[4], b[10] << 8 | b[5], b[11] << 8 | b[6], be32(b + 16) };
}

typedef struct TrackInfo {
        unsigned session;
        uint8_t flags6, flags7; /* RT/Blank/Packet/FP/mode; LRA_V/NWA_V */
        uint32_t start, nwa, free, size, lra;
} TrackInfo;

static TrackInfo track_info(EmuDrive *d, uint8_t number) {
        uint8_t b[48];
        EmuResult r = run_out(d, CDB(0x52, 1, 0, 0, 0, number, 0, 0, 48, 0), NULL, 0, b, sizeof(b));

        assert_good(&r);
        return (TrackInfo) { b[33] << 8 | b[3], b[6], b[7], be32(b + 8), be32(b + 12), be32(b + 16), be32(b + 24),
                             be32(b + 28) };
}

static uint32_t read_capacity(EmuDrive *d) {
        uint8_t b[8];
        EmuResult r = run_out(d, CDB(0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0), NULL, 0, b, sizeof(b));

        assert_good(&r);
        return be32(b) + 1;
}

#define CLOSE(f, n) CDB(0x5b, 0x01, f, 0, (n) >> 8, (n) & 0xff, 0, 0, 0, 0)
#define SYNC CDB(0x35, 0x02, 0, 0, 0, 0, 0, 0, 0, 0)

/* cdrskin -multi -tao on DVD+R: writes into the invisible track, CLOSE TRACK 1, CLOSE SESSION. */
static void test_dvdplusr_sessions(void) {
        g_autoptr(EmuDrive) d = drive_from(DVDPLUSR_BLANK);
        DiscInfo di;
        TrackInfo ti;

        write_ok(d, 0, 64);
        write_ok(d, 64, 36);
        /* incomplete session, open track 1: NWA 100, free 2295104 − 100 = 2295004 */
        di = disc_info(d);
        g_assert_cmphex(di.status, ==, 0x01 << 2 | 0x01);
        ti = track_info(d, 0xff);
        g_assert_cmpuint(ti.nwa, ==, 100);
        g_assert_cmpuint(ti.free, ==, 2295004);
        g_assert_cmphex(ti.flags7, ==, 0x03); /* LRA_V | NWA_V */
        g_assert_cmpuint(ti.lra, ==, 99);
        g_assert_cmpuint(read_capacity(d), ==, 100);

        cmd(d, SYNC);
        cmd(d, CLOSE(1, 1));
        cmd(d, CLOSE(2, 0));
        /* track 1 padded to the ECC block: 100 → 112; next session at 112 + 2048 = 2160 */
        di = disc_info(d);
        g_assert_cmphex(di.status, ==, 0x01); /* appendable, last session empty */
        g_assert_cmpuint(di.n_sessions, ==, 2);
        g_assert_cmpuint(di.first_last, ==, 2);
        g_assert_cmpuint(di.lead_in, ==, 2160);
        ti = track_info(d, 1);
        g_assert_cmpuint(ti.size, ==, 112);
        g_assert_cmpuint(ti.lra, ==, 111);
        g_assert_cmphex(ti.flags7, ==, 0x02);
        ti = track_info(d, 0xff);
        g_assert_cmpuint(ti.session, ==, 2);
        g_assert_cmpuint(ti.start, ==, 2160);
        g_assert_cmpuint(ti.nwa, ==, 2160);
        g_assert_cmpuint(ti.free, ==, 2295104 - 2160);
        g_assert_cmpuint(read_capacity(d), ==, 112);

        /* xorriso: RESERVE TRACK 20 → rounded to 32 on DVD+R; writes; the next session at 2192 + 2048 */
        cmd(d, CDB(0x53, 0, 0, 0, 0, 0, 0, 0, 20, 0));
        ti = track_info(d, 2);
        g_assert_cmphex(ti.flags6 & 0xc0, ==, 0x80); /* RT, not blank */
        g_assert_cmpuint(ti.size, ==, 32);
        ti = track_info(d, 0xff);
        g_assert_cmpuint(ti.start, ==, 2192);
        write_ok(d, 2160, 20);
        cmd(d, SYNC);
        cmd(d, CLOSE(1, 2));
        cmd(d, CLOSE(2, 0));
        /* track 2 keeps its reserved 32 blocks: 2160..2191; session 3 at 2192 + 2048 = 4240 */
        ti = track_info(d, 2);
        g_assert_cmpuint(ti.size, ==, 32);
        g_assert_cmpuint(ti.lra, ==, 2191);
        ti = track_info(d, 0xff);
        g_assert_cmpuint(ti.session, ==, 3);
        g_assert_cmpuint(ti.start, ==, 4240);
        g_assert_cmpuint(read_capacity(d), ==, 2192);

        /* CLOSE function 101b finalizes: complete, no invisible track any more */
        cmd(d, CLOSE(5, 0));
        di = disc_info(d);
        g_assert_cmphex(di.status, ==, 0x03 << 2 | 0x02);
        g_assert_cmpuint(di.n_sessions, ==, 2);
        {
                uint8_t b[48];
                EmuResult r = run_out(d, CDB(0x52, 1, 0, 0, 0, 0xff, 0, 0, 48, 0), NULL, 0, b, sizeof(b));
                assert_sense(&r, 0x05, 0x24, 0x00);
                r = write10(d, 4240, 16);
                assert_sense(&r, 0x05, 0x21, 0x02);
        }
}

/* cdrskin -multi -tao on CD-R: page 05h TAO + multi-session 11b; SYNC closes the track with its 2 run-out
 * blocks (no CLOSE TRACK); CLOSE SESSION opens the next session 11400 later, then 6900 later. */
static void test_cdr_tao(void) {
        g_autoptr(EmuDrive) d = drive_from(CDR_BLANK);
        EmuResult r;
        TrackInfo ti;
        DiscInfo di;
        uint8_t toc[64];

        r = mode_select05(d, 1, 3, 4, 0);
        assert_good(&r);
        write_ok(d, 0, 300);
        cmd(d, SYNC);
        /* track 1: 0..301 (300 + 2 run-out); track 2 of session 1 after its pregap: 302 + 150 = 452 */
        ti = track_info(d, 1);
        g_assert_cmpuint(ti.size, ==, 302);
        g_assert_cmphex(ti.flags7, ==, 0x00); /* CD: no LRA, no NWA on a closed track */
        ti = track_info(d, 0xff);
        g_assert_cmpuint(ti.session, ==, 1);
        g_assert_cmpuint(ti.start, ==, 452);
        cmd(d, CLOSE(2, 0));
        /* session 2 at 302 + 11400 = 11702, free 359849 − 11702 = 348147 */
        ti = track_info(d, 0xff);
        g_assert_cmpuint(ti.session, ==, 2);
        g_assert_cmpuint(ti.start, ==, 11702);
        g_assert_cmpuint(ti.nwa, ==, 11702);
        g_assert_cmpuint(ti.free, ==, 348147);
        g_assert_cmpuint(read_capacity(d), ==, 302);
        /* TOC format 0: track 1 at 0, data (CONTROL 4), lead-out at 302 */
        r = run_out(d, CDB(0x43, 0, 0, 0, 0, 0, 0, 0, sizeof(toc), 0), NULL, 0, toc, sizeof(toc));
        assert_good(&r);
        g_assert_cmpuint(toc[3], ==, 1);
        g_assert_cmphex(toc[5], ==, 0x14);
        g_assert_cmpuint(be32(toc + 8), ==, 0);
        g_assert_cmphex(toc[14], ==, 0xaa);
        g_assert_cmpuint(be32(toc + 16), ==, 302);

        /* session 2: 100 blocks → 102; session 3 at 11702 + 102 + 6900 = 18704 */
        write_ok(d, 11702, 100);
        cmd(d, SYNC);
        cmd(d, CLOSE(2, 0));
        ti = track_info(d, 0xff);
        g_assert_cmpuint(ti.session, ==, 3);
        g_assert_cmpuint(ti.start, ==, 18704);

        /* a burn without -multi: multi-session 00b finalizes at CLOSE SESSION */
        r = mode_select05(d, 1, 0, 4, 0);
        assert_good(&r);
        write_ok(d, 18704, 50);
        cmd(d, SYNC);
        cmd(d, CLOSE(2, 0));
        di = disc_info(d);
        g_assert_cmphex(di.status, ==, 0x03 << 2 | 0x02);
        g_assert_cmpuint(di.n_sessions, ==, 3);
        g_assert_cmpuint(read_capacity(d), ==, 18704 + 52);
}

/* xorriso on blank CD: SAO with a cue sheet; the pregap written at −150..−1 is not kept; SYNC closes the
 * session. */
static void test_cdr_sao(void) {
        g_autoptr(EmuDrive) d = drive_from(CDR_BLANK);
        /* CTL/ADR 41h (data), TNO, INDEX, data form, SCMS, MSF */
        static const uint8_t cue[] = { 0x41, 0x00, 0x00, 0x14, 0, 0, 0, 0,    0x41, 0x01, 0x00, 0x10, 0, 0, 0, 0,
                                       0x41, 0x01, 0x01, 0x10, 0, 0, 2, 0,    0x41, 0xaa, 0x01, 0x14, 0, 0, 6, 31 };
        EmuResult r;
        TrackInfo ti;

        r = run_out(d, CDB(0x5d, 0, 0, 0, 0, 0, 0, 0, sizeof(cue), 0), cue, sizeof(cue), NULL, 0);
        assert_sense(&r, 0x05, 0x2c, 0x00); /* page 05h still says TAO */
        r = mode_select05(d, 2, 3, 4, 0);
        assert_good(&r);
        r = run_out(d, CDB(0x5d, 0, 0, 0, 0, 0, 0, 0, sizeof(cue), 0), cue, sizeof(cue), NULL, 0);
        assert_good(&r);
        write_ok(d, -150, 150);
        write_ok(d, 0, 331);
        cmd(d, SYNC);
        /* one session of 331 blocks, no run-out; session 2 at 331 + 11400 = 11731 */
        ti = track_info(d, 1);
        g_assert_cmpuint(ti.size, ==, 331);
        g_assert_cmphex(ti.flags6 & 0x0f, ==, 0x01); /* data, Mode 1 */
        ti = track_info(d, 0xff);
        g_assert_cmpuint(ti.start, ==, 11731);
        g_assert_cmpuint(disc_info(d).status, ==, 0x01);
}

/* cdrskin -multi on DVD-R: incremental (page 05h write type 0, feature 0021h current); the border zone
 * takes 28688 blocks. Then DAO (write type 2) on a fresh disc: RESERVE, WRITE, SYNC finalizes. */
static void test_dvdr(void) {
        g_autoptr(EmuDrive) d = drive_from(DVDR_BLANK), dao = drive_from(DVDR_BLANK);
        EmuResult r;
        TrackInfo ti;

        r = mode_select05(d, 0, 3, 5, 0);
        assert_good(&r);
        write_ok(d, 0, 176);
        cmd(d, SYNC);
        cmd(d, CLOSE(1, 1));
        cmd(d, CLOSE(2, 0));
        /* 176 is a whole number of ECC blocks; next at 176 + 28688 = 28864, track 2 (DVD-R: no FFh) */
        ti = track_info(d, 2);
        g_assert_cmpuint(ti.session, ==, 2);
        g_assert_cmpuint(ti.start, ==, 28864);
        g_assert_cmphex(ti.flags6 & 0x60, ==, 0x60); /* Blank, Packet/Inc */
        g_assert_cmpuint(ti.free, ==, 2297888 - 28864);

        r = mode_select05(dao, 2, 0, 5, 0);
        assert_good(&r);
        cmd(dao, CDB(0x53, 0, 0, 0, 0, 0, 0, 0, 100, 0));
        write_ok(dao, 0, 100);
        cmd(dao, SYNC);
        g_assert_cmphex(disc_info(dao).status, ==, 0x03 << 2 | 0x02);
        g_assert_cmpuint(track_info(dao, 1).size, ==, 100); /* DAO reserves exactly */
        g_assert_cmpuint(read_capacity(dao), ==, 100);
}

/* Without feature 0021h a DVD-R takes no incremental write type (only DAO): libburn learns that from MODE
 * SELECT. */
static void test_dvdr_no_incremental(void) {
        g_autofree char *text = g_strdup(DVDR_BLANK);
        g_autoptr(EmuDrive) d = NULL;
        EmuResult r;

        memcpy(strstr(text, "0x0021"), "0x0010", 6);
        d = drive_from(text);
        r = mode_select05(d, 0, 3, 5, 0);
        assert_sense(&r, 0x05, 0x26, 0x00);
        r = mode_select05(d, 2, 0, 5, 0);
        assert_good(&r);
}

/* BD-R SRM: tracks end on 32-block clusters, the next session starts at the next cluster, CLOSE 110b
 * finalizes. */
static void test_bdr(void) {
        g_autoptr(EmuDrive) d = drive_from(BDR_BLANK);
        TrackInfo ti;

        write_ok(d, 0, 100);
        cmd(d, SYNC);
        cmd(d, CLOSE(1, 1));
        cmd(d, CLOSE(2, 0));
        /* 100 → 128; session 2 at 128 */
        ti = track_info(d, 1);
        g_assert_cmpuint(ti.size, ==, 128);
        ti = track_info(d, 2);
        g_assert_cmpuint(ti.session, ==, 2);
        g_assert_cmpuint(ti.start, ==, 128);
        g_assert_cmpuint(ti.free, ==, 12219392 - 128);
        write_ok(d, 128, 40);
        cmd(d, CLOSE(1, 2));
        cmd(d, CLOSE(6, 0));
        /* 40 → 64: 128..191 */
        g_assert_cmphex(disc_info(d).status, ==, 0x03 << 2 | 0x02);
        g_assert_cmpuint(read_capacity(d), ==, 192);
}

/* Writes go to the NWA only; a closed or ROM disc takes none; Test Write records nothing. */
static void test_refusals(void) {
        g_autoptr(EmuDrive) d = drive_from(DVDPLUSR_BLANK);
        g_autoptr(EmuDrive) rom = drive_from("profile = 0x10\ndisc_status = complete\nlast_session = complete\n"
                                             "track = session=1 start=0 size=1000\n");
        g_autoptr(EmuDrive) cd = drive_from(CDR_BLANK);
        EmuResult r;

        r = write10(d, 16, 16);
        assert_sense(&r, 0x05, 0x21, 0x02);
        r = run_out(d, CDB(0x2a, 0, 0, 0, 0, 0, 0, 0, 16, 0), NULL, 0, NULL, 0); /* no data-out */
        assert_sense(&r, 0x05, 0x24, 0x00);
        r = write10(rom, 1000, 16);
        assert_sense(&r, 0x05, 0x30, 0x05);
        /* a reservation larger than the free space */
        r = run_out(d, CDB(0x53, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0), NULL, 0, NULL, 0);
        assert_sense(&r, 0x05, 0x24, 0x00);
        /* the CD takes no raw write type (not modelled), nor pages other than 05h */
        r = mode_select05(cd, 3, 3, 4, 0);
        assert_sense(&r, 0x05, 0x26, 0x00);

        r = mode_select05(cd, 1, 3, 4, 1);
        assert_good(&r);
        write_ok(cd, 0, 10);
        cmd(cd, SYNC);
        cmd(cd, CLOSE(2, 0));
        g_assert_cmphex(disc_info(cd).status, ==, 0x00); /* still blank */
        g_assert_cmpuint(track_info(cd, 0xff).nwa, ==, 0);
}

/* What was written comes back through READ (10)/(12) and sits in the store at LBA × 2048; a medium change
 * empties it and forgets page 05h. */
static void test_store(void) {
        g_autoptr(EmuDrive) d = drive_from(DVDPLUSR_BLANK);
        g_autoptr(GError) error = NULL;
        g_autofree char *path = NULL;
        g_autofree uint8_t *buf = g_malloc(4 * 2048);
        uint8_t page[8 + 2 + 0x32];
        int fd = g_file_open_tmp("drive-write-XXXXXX", &path, &error);
        uint8_t blk[2048];
        EmuResult r;

        g_assert_no_error(error);
        emu_drive_set_store(d, fd);
        write_ok(d, 0, 48);
        /* READ (10) of LBA 30..33: blocks filled with 30, 31, 32, 33 */
        r = run_out(d, CDB(0x28, 0, 0, 0, 0, 30, 0, 0, 4, 0), NULL, 0, buf, 4 * 2048);
        assert_good(&r);
        for (unsigned i = 0; i < 4; i++)
                g_assert_cmpuint(buf[i * 2048 + 100], ==, 30 + i);
        /* READ (12) of LBA 47 */
        r = run_out(d, CDB(0xa8, 0, 0, 0, 0, 47, 0, 0, 0, 1, 0, 0), NULL, 0, buf, 2048);
        assert_good(&r);
        g_assert_cmpuint(buf[2047], ==, 47);
        /* the store file itself, as a plain read() of the node sees it */
        g_assert_cmpint(pread(fd, blk, sizeof(blk), 40 * 2048), ==, sizeof(blk));
        g_assert_cmpuint(blk[0], ==, 40);
        /* past what was written: 05/21/00 */
        r = run_out(d, CDB(0x28, 0, 0, 0, 0, 47, 0, 0, 2, 0), NULL, 0, buf, 2 * 2048);
        assert_sense(&r, 0x05, 0x21, 0x00);

        r = mode_select05(d, 0, 0, 5, 0);
        assert_good(&r);
        emu_drive_insert(d, emu_drive_copy_medium(d));
        g_assert_cmpint(lseek(fd, 0, SEEK_END), ==, 0);
        r = run_out(d, CDB(0x5a, 0, 0x05, 0, 0, 0, 0, 0, sizeof(page), 0), NULL, 0, page, sizeof(page));
        assert_good(&r);
        g_assert_cmphex(page[11], ==, 0xc0 | 0x04); /* the default again: multi-session 11b */
        close(fd);
        (void) g_unlink(path);
}

/* The replies that matter to a reader, as one string, to compare two drives. */
static char *replies(EmuDrive *d) {
        static const uint8_t cdbs[][10] = {
                { 0x51, 0, 0, 0, 0, 0, 0, 0, 34, 0 },    { 0x52, 1, 0, 0, 0, 1, 0, 0, 48, 0 },
                { 0x52, 1, 0, 0, 0, 2, 0, 0, 48, 0 },    { 0x52, 1, 0, 0, 0, 3, 0, 0, 48, 0 },
                { 0x52, 1, 0, 0, 0, 0xff, 0, 0, 48, 0 }, { 0x43, 0, 0, 0, 0, 0, 0, 0, 255, 0 },
                { 0x43, 0, 1, 0, 0, 0, 0, 0, 255, 0 },   { 0x43, 0, 2, 0, 0, 0, 0, 0, 255, 0 },
                { 0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0 },     { 0x46, 0, 0, 0, 0, 0, 0, 0, 255, 0 },
        };
        GString *s = g_string_new(NULL);

        for (size_t i = 0; i < G_N_ELEMENTS(cdbs); i++) {
                uint8_t buf[256];
                EmuResult r = run_out(d, cdbs[i], sizeof(cdbs[i]), NULL, 0, buf, sizeof(buf));

                g_string_append_printf(s, "%02x:%u/%x/%02x:", cdbs[i][0], r.status, r.sense[2], r.sense[12]);
                for (size_t j = 0; j < r.len; j++)
                        g_string_append_printf(s, "%02x", buf[j]);
                g_string_append_c(s, '\n');
        }
        return g_string_free(s, FALSE);
}

/* A burned state written as a .disc and read back answers exactly like the drive that burned it, on every
 * profile; the text names what FORMAT.md needs. */
static void test_save_roundtrip(void) {
        const char *blanks[] = { DVDPLUSR_BLANK, CDR_BLANK, DVDR_BLANK, BDR_BLANK };

        for (size_t i = 0; i < G_N_ELEMENTS(blanks); i++) {
                g_autoptr(EmuDrive) d = drive_from(blanks[i]), again = NULL;
                g_autoptr(EmuDisc) m = NULL, back = NULL;
                g_autofree char *text = NULL, *error = NULL, *a = NULL, *b = NULL;
                EmuResult r = mode_select05(d, i == 1 ? 1 /* TAO */ : 0, 3, 4, 0);

                assert_good(&r);
                write_ok(d, 0, 100);
                cmd(d, SYNC);
                cmd(d, CLOSE(1, 1));
                cmd(d, CLOSE(2, 0));
                m = emu_drive_copy_medium(d);
                text = emu_disc_format(m, "saved\nby a test");
                g_test_message("%s", text);
                g_assert_true(g_str_has_prefix(text, "# saved\n# by a test\n"));
                g_assert_nonnull(strstr(text, "disc_status = appendable\nlast_session = empty\n"));
                g_assert_null(strstr(text, "expect."));
                if (emu_disc_parse(text, "saved.disc", &back, &error) < 0)
                        g_error("%s", error);
                g_assert_cmpstr(back->vendor, ==, i == 0 ? "PLEXTOR" : "EMULATED");
                again = emu_drive_new("sr0", g_steal_pointer(&back));
                a = replies(d);
                b = replies(again);
                g_assert_cmpstr(a, ==, b);
        }
}

int main(int argc, char *argv[]) {
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/drive-write/dvdplusr-sessions", test_dvdplusr_sessions);
        g_test_add_func("/drive-write/cdr-tao", test_cdr_tao);
        g_test_add_func("/drive-write/cdr-sao", test_cdr_sao);
        g_test_add_func("/drive-write/dvdr", test_dvdr);
        g_test_add_func("/drive-write/dvdr-no-incremental", test_dvdr_no_incremental);
        g_test_add_func("/drive-write/bdr", test_bdr);
        g_test_add_func("/drive-write/refusals", test_refusals);
        g_test_add_func("/drive-write/store", test_store);
        g_test_add_func("/drive-write/save-roundtrip", test_save_roundtrip);
        return g_test_run();
}
