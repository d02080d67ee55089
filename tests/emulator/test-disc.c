/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The .disc parser (disc.c, disc-access.c) against FORMAT.md: every key, defaults, derived values, the
 * expect lines, and errors that name file and line. */

#include <errno.h>
#include <string.h>

#include <glib.h>

#include "disc.h"
#include "test-fixtures.h"

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


static void test_parse(void) {
        g_autoptr(EmuDisc) d = disc_from(CDR_APPENDABLE);
        const EmuTrack *t;
        const char *v;

        g_assert_cmpstr(d->vendor, ==, "HL-DT-ST");
        g_assert_cmpstr(d->product, ==, "DVDRAM GH24NSD1");
        g_assert_cmpstr(d->serial, ==, "K1234567");
        g_assert_cmpuint(d->n_profiles, ==, 15); /* the FORMAT.md default list */
        g_assert_true(d->present);
        g_assert_cmpuint(d->profile, ==, 0x09);
        g_assert_cmpuint(d->disc_status, ==, EMU_DISC_APPENDABLE);
        g_assert_cmpuint(d->last_session, ==, EMU_SESSION_EMPTY);
        g_assert_cmpuint(d->blocking, ==, 1);           /* CD default */
        g_assert_cmpuint(d->capacity, ==, 10000);       /* last recorded block 9999 + 1 */
        g_assert_cmpuint(d->lead_out_max, ==, 359847);  /* 21400 + 338447 */
        g_assert_true(emu_disc_feature_current(d, 0x0021));
        g_assert_false(emu_disc_feature_current(d, 0x0038));
        g_assert_cmpuint(emu_disc_n_sessions(d), ==, 2);
        g_assert_cmpuint(emu_disc_n_complete_sessions(d), ==, 1);

        g_assert_cmpuint(emu_disc_n_tracks(d), ==, 2);
        t = emu_disc_track(d, 0);
        g_assert_cmpuint(emu_track_number(t), ==, 1);
        g_assert_cmpuint(emu_track_session(t), ==, 1);
        g_assert_cmpuint(emu_track_start(t), ==, 0);
        g_assert_cmpuint(emu_track_size(t), ==, 10000);
        g_assert_true(emu_track_is_data(t));
        g_assert_cmpstr(emu_track_state_string(t), ==, "complete");
        g_assert_cmpint(emu_track_lra(t), ==, -1);
        g_assert_true(emu_track_is_recorded(t));
        t = emu_disc_track(d, 1);
        g_assert_cmpuint(emu_track_number(t), ==, 2);
        g_assert_cmpstr(emu_track_state_string(t), ==, "invisible");
        g_assert_false(emu_track_is_recorded(t));
        g_assert_false(t->packet); /* CD: no packet default */
        g_assert_null(emu_disc_track(d, 2));

        g_assert_cmpstr(emu_disc_expect(d, "msinfo"), ==, "0,21400");
        g_assert_cmpstr(emu_disc_expect(d, "seq.NextWritableAddress"), ==, "21400");
        g_assert_cmpstr(emu_disc_expect(d, "drive.LastError"), ==, "");
        g_assert_null(emu_disc_expect(d, "seq.InUse"));
        g_assert_cmpuint(emu_disc_n_expect(d), ==, 4);
        g_assert_cmpstr(emu_disc_expect_nth(d, 2, &v), ==, "drive.MediaType");
        g_assert_cmpstr(v, ==, "optical_cd_r");
        g_assert_null(emu_disc_expect_nth(d, 4, NULL));

        {
                g_autoptr(EmuDisc) c = emu_disc_copy(d);
                g_assert_cmpstr(c->vendor, ==, "HL-DT-ST");
                g_assert_cmpuint(c->n_tracks, ==, 2);
                g_assert_true(c->tracks != d->tracks);
                g_assert_cmpuint(c->tracks[1].start, ==, 21400);
                g_assert_cmpstr(emu_disc_expect(c, "msinfo"), ==, "0,21400");
        }
}

static void test_parse_defaults(void) {
        g_autoptr(EmuDisc) dvd = disc_from(DVDR_APPENDABLE);
        g_autoptr(EmuDisc) empty = disc_from("medium = none\nvendor = X\n");
        g_autoptr(EmuDisc) lra = disc_from("profile=0x1b\ndisc_status=appendable\nlast_session=incomplete\n"
                                           "track = session=1 start=0 size=100 state=incomplete nwa=60 lra=49\n"
                                           "quirk = sense 0x52 05/20/00\nquirk = short 81 8\n");

        g_assert_cmpuint(dvd->blocking, ==, 16);
        g_assert_true(dvd->tracks[1].packet); /* invisible on DVD-R: incremental */
        g_assert_false(dvd->tracks[0].packet);
        g_assert_cmpstr(dvd->product, ==, "MMC DRIVE");
        g_assert_cmpstr(dvd->revision, ==, "1.00");
        g_assert_false(empty->present);
        g_assert_cmpuint(lra->capacity, ==, 50);
        g_assert_false(lra->tracks[0].packet); /* DVD+R is not incremental */
        g_assert_nonnull(emu_disc_find_quirk(lra, EMU_QUIRK_SENSE, 0x52));
        g_assert_cmpuint(emu_disc_find_quirk(lra, EMU_QUIRK_SHORT, 0x51)->n, ==, 8);
}

static void test_parse_errors(void) {
        static const struct {
                const char *text, *message;
        } cases[] = {
                { "profile = 0x09\nbogus = 1\n", "test.disc:2: unknown key 'bogus'" },
                { "profile = 0x1g\n", "test.disc:1: profile: bad number '0x1g'" },
                { "profile = 70000\n", "test.disc:1: profile: 70000 out of range 0..65535" },
                { "profile = 9\ndisc_status = blank\n", "test.disc:2: missing required key 'last_session' (medium is present)" },
                { "disc_status = full\n", "test.disc:1: disc_status: expected blank, appendable, complete or other, got 'full'" },
                { "\n\ntrack = session=1 start=0\n", "test.disc:3: track: session=, start= and size= are required" },
                { "track = session=1 start=0 size=1 color=red\n", "test.disc:1: track: unknown word 'color'" },
                { "track = session=2 start=0 size=1\ntrack = session=1 start=1 size=1\n", "test.disc:2: track: session 1 after a track of session 2" },
                { "quirk = becoming_ready\n", "test.disc:1: quirk becoming_ready: expected 1 argument(s)" },
                { "quirk = sense 0x52 5-20-0\n", "test.disc:1: quirk sense: expected SK/ASC/ASCQ in hex, got '5-20-0'" },
                { "quirk = fly\n", "test.disc:1: quirk: unknown quirk 'fly'" },
                { "vendor = TOOLONGVENDOR\n", "test.disc:1: vendor: 'TOOLONGVENDOR' is longer than 8 characters" },
                { "vendor = A\nvendor = B\n", "test.disc:2: 'vendor' given twice" },
                { "just words\n", "test.disc:1: expected 'key = value'" },
        };

        for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
                g_autofree char *error = NULL;
                EmuDisc *d = NULL;

                g_assert_cmpint(emu_disc_parse(cases[i].text, "test.disc", &d, &error), ==, -EINVAL);
                g_assert_null(d);
                g_assert_cmpstr(error, ==, cases[i].message);
        }
}

static void test_load_missing(void) {
        g_autofree char *error = NULL;
        EmuDisc *d = NULL;

        g_assert_cmpint(emu_disc_load("/nonexistent/x.disc", &d, &error), ==, -ENOENT);
        g_assert_true(g_str_has_prefix(error, "/nonexistent/x.disc: "));
}

/* Every disc of the library loads (MSD_DISCS, set by meson). */
static void test_library(void) {
        const char *dir = g_getenv("MSD_DISCS");
        g_autoptr(GDir) d = NULL;
        const char *name;
        unsigned n = 0;

        if (!dir || !(d = g_dir_open(dir, 0, NULL))) {
                g_test_skip("MSD_DISCS not set");
                return;
        }
        while ((name = g_dir_read_name(d))) {
                g_autofree char *path = NULL, *error = NULL;
                EmuDisc *disc = NULL;

                if (!g_str_has_suffix(name, ".disc"))
                        continue;
                path = g_build_filename(dir, name, NULL);
                if (emu_disc_load(path, &disc, &error) < 0)
                        g_error("%s", error);
                emu_disc_free(disc);
                n++;
        }
        g_test_message("%u discs", n);
}

int main(int argc, char **argv) {
        g_test_init(&argc, &argv, NULL);

        g_test_add_func("/emulator/disc/parse", test_parse);
        g_test_add_func("/emulator/disc/defaults", test_parse_defaults);
        g_test_add_func("/emulator/disc/errors", test_parse_errors);
        g_test_add_func("/emulator/disc/load-missing", test_load_missing);
        g_test_add_func("/emulator/disc/library", test_library);

        return g_test_run();
}
