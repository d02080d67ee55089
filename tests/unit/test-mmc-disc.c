/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * Unit tests for daemon/mmc.c: READ DISC INFORMATION and READ TRACK INFORMATION. Every reply below is
 * written by hand from the MMC-6 / SPC-4 tables cited next to it, never produced by the code under test, and
 * every expected value is worked out by hand. Each sample also goes through check_all_cuts()
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

int main(int argc, char *argv[]) {
        g_test_init(&argc, &argv, NULL);

        g_test_add_func("/mmc/disc-information", test_disc_information);
        g_test_add_func("/mmc/track-information", test_track_information);

        return g_test_run();
}
