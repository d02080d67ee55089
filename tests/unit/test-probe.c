/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * The probe's cost and reach, per disc of the library: at most 6 commands for a media change whatever the
 * number of tracks, only read-only opcodes, and a track list equal to the disc's.
 */

#include <errno.h>

#include "disc-probe.h"

#define MAX_PROBE_COMMANDS 6

static const char *const allowed_opcodes[] = { "00", "03", "12", "25", "28", "43", "46", "4a", "51", "52", "5a", "a8", NULL };

static void assert_read_only(const char *disc, EmuDrive *drive) {
        g_auto(GStrv) log = emu_drive_get_log(drive);

        for (char **l = log; *l; l++) {
                g_auto(GStrv) w = g_strsplit(*l, " ", 3);

                if (!w[0] || !w[1] || g_str_equal(w[1], "ioctl"))
                        continue;
                if (!g_strv_contains(allowed_opcodes, w[1]))
                        g_error("%s: a command that is not read-only reached the drive: %s", disc, *l);
        }
}

static void test_commands(gconstpointer data) {
        const char *path = data;
        g_autofree char *base = g_path_get_basename(path);
        DiscProbe p;

        disc_probe_run(&p, path);
        assert_read_only(base, p.drive);
        if (emu_disc_has_quirk(p.disc, EMU_QUIRK_UNIT_ATTENTION) || emu_disc_has_quirk(p.disc, EMU_QUIRK_BECOMING_READY))
                /* These restart the probe by design (a changed medium, a disc spinning up); the limit
                 * holds for the attempt that succeeds. */
                g_test_message("%s: %u commands in the last attempt", base, p.n_commands);
        if (p.n_commands > MAX_PROBE_COMMANDS)
                g_error("%s: the media-change probe sent %u commands (limit %d)", base, p.n_commands,
                        MAX_PROBE_COMMANDS);
        g_test_message("%s: %u commands", base, p.n_commands);
        disc_probe_done(&p);
}

static const char *expected_state(const EmuTrack *t) {
        const char *s = emu_track_state_string(t);

        /* The Damage bit wins over the recording state (MMC-6 6.27.3.7: damaged, not closed); the disc
         * format says "blank" for a blank track where the bus says "invisible". */
        if (t->damage)
                return "damaged";
        return g_str_equal(s, "blank") ? "invisible" : s;
}

static void test_tracks(gconstpointer data) {
        const char *path = data;
        g_autofree char *base = g_path_get_basename(path);
        g_autofree TrackEntry *tracks = NULL;
        size_t n = 0;
        DiscProbe p;
        int r;

        disc_probe_run(&p, path);
        if (p.r < 0 || !p.media.media_present) {
                disc_probe_done(&p);
                return;
        }
        r = probe_tracks(p.transport, &tracks, &n);
        g_assert_cmpint(r, ==, 0);
        assert_read_only(base, p.drive);

        if (emu_disc_has_quirk(p.disc, EMU_QUIRK_NO_TRACK_INFO)) {
                /* From the TOC: recorded tracks only, their starts and data bits. */
                size_t k = 0;

                for (size_t i = 0; i < emu_disc_n_tracks(p.disc); i++) {
                        const EmuTrack *t = emu_disc_track(p.disc, i);

                        if (!emu_track_is_recorded(t))
                                continue;
                        g_assert_cmpuint(k, <, n);
                        g_assert_cmpuint(tracks[k].track, ==, emu_track_number(t));
                        g_assert_cmpint(tracks[k].start, ==, (int32_t) emu_track_start(t));
                        g_assert_cmpint(tracks[k].is_data, ==, emu_track_is_data(t));
                        k++;
                }
                g_assert_cmpuint(k, ==, n);
                disc_probe_done(&p);
                return;
        }

        g_assert_cmpuint(n, ==, emu_disc_n_tracks(p.disc));
        for (size_t i = 0; i < n; i++) {
                const EmuTrack *t = emu_disc_track(p.disc, i);

                g_assert_cmpuint(tracks[i].track, ==, emu_track_number(t));
                g_assert_cmpuint(tracks[i].session, ==, emu_track_session(t));
                g_assert_cmpint(tracks[i].start, ==, (int32_t) emu_track_start(t));
                g_assert_cmpint(tracks[i].size, ==, (int32_t) emu_track_size(t));
                g_assert_cmpint(tracks[i].last_recorded, ==, emu_track_lra(t));
                g_assert_cmpint(tracks[i].is_data, ==, emu_track_is_data(t));
                g_assert_cmpstr(track_state_to_string(tracks[i].state), ==, expected_state(t));
        }
        disc_probe_done(&p);
}

/* Track and session counts must not change the cost: 1, 20 and 99 tracks, 2 and 150 sessions. */
static void test_independent_of_tracks(void) {
        const char *const discs[] = { "cdr-appendable-1session.disc", "cdr-appendable-20tracks.disc", "cdr-99tracks.disc",
                                      "dvdplusr-appendable-2sessions.disc", "dvdplusr-150sessions.disc" };
        const char *dir = g_getenv("MSD_DISCS") ? g_getenv("MSD_DISCS") : MSD_SOURCE_DISCS;
        unsigned counts[G_N_ELEMENTS(discs)];

        for (size_t i = 0; i < G_N_ELEMENTS(discs); i++) {
                g_autofree char *path = g_build_filename(dir, discs[i], NULL);
                DiscProbe p;

                if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
                        g_test_skip("disc missing from the library");
                        return;
                }
                disc_probe_run(&p, path);
                g_assert_cmpint(p.r, ==, 0);
                counts[i] = p.n_commands;
                g_test_message("%s: %u commands", discs[i], counts[i]);
                disc_probe_done(&p);
        }
        g_assert_cmpuint(counts[0], ==, counts[1]);
        g_assert_cmpuint(counts[0], ==, counts[2]);
        g_assert_cmpuint(counts[3], ==, counts[4]);
}

/* The transport refuses anything but the allowlist, before it reaches the drive. */
static void test_allowlist(void) {
        static const uint8_t forbidden[] = { 0x1b /* START STOP UNIT: eject */, 0x1e /* PREVENT ALLOW MEDIUM REMOVAL */,
                                             0x2a /* WRITE(10) */, 0x55 /* MODE SELECT(10) */, 0x5b /* CLOSE TRACK/SESSION */,
                                             0x53 /* RESERVE TRACK */, 0xa1 /* BLANK */, 0x35 /* SYNCHRONIZE CACHE */ };
        EmuDrive *drive = emu_drive_new("sr0", NULL);
        Transport *t;

        g_assert_cmpint(fake_transport_new(drive, &t), ==, 0);
        for (size_t i = 0; i < G_N_ELEMENTS(forbidden); i++) {
                uint8_t cdb[10] = { forbidden[i] };

                g_assert_false(transport_opcode_allowed(forbidden[i]));
                g_assert_cmpint(transport_command(t, cdb, sizeof(cdb), NULL, 0, NULL, NULL), ==, -EPERM);
        }
        g_assert_cmpuint(emu_drive_get_n_commands(drive), ==, 0);
        transport_free(t);
        emu_drive_unref(drive);
}

int main(int argc, char *argv[]) {
        g_auto(GStrv) discs = NULL;

        g_test_init(&argc, &argv, NULL);
        discs = disc_library_list();
        for (char **d = discs; *d; d++) {
                g_autofree char *base = g_path_get_basename(*d);
                g_autofree char *n1 = g_strdup_printf("/probe/commands/%s", base);
                g_autofree char *n2 = g_strdup_printf("/probe/tracks/%s", base);

                g_test_add_data_func(n1, *d, test_commands);
                g_test_add_data_func(n2, *d, test_tracks);
        }
        g_test_add_func("/probe/independent-of-tracks", test_independent_of_tracks);
        g_test_add_func("/probe/allowlist", test_allowlist);
        return g_test_run();
}
