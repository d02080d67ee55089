/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * emu_disc_parse() (tests/emulator/disc.c) on arbitrary text. The parser is test code, but every disc a
 * bug report brings in (tests/tools/mediainfo-to-disc) goes through it: it must fail with a message, not
 * crash or leak. A parsed disc must also survive an emulated drive's first commands.
 */

#include <errno.h>
#include <string.h>

#include <glib.h>

#include "disc.h"
#include "drive.h"
#include "fuzz.h"
#include "mmc.h"

/* The commands a probe and a GetTracks() send, addressed as the daemon addresses them. */
static void drive_commands(EmuDisc *disc) {
        g_autoptr(EmuDrive) drive = emu_drive_new("sr0", disc);
        g_autofree uint8_t *buf = g_malloc(65536);
        uint8_t cdb[MMC_CDB_MAX];
        EmuResult res;
        size_t l;

        l = mmc_cdb_get_configuration(cdb, 0, 0, 4096);
        FUZZ_CHECK(emu_drive_command(drive, cdb, l, buf, 4096, &res) == 0 && res.len <= 4096);
        l = mmc_cdb_read_disc_information(cdb, 34);
        FUZZ_CHECK(emu_drive_command(drive, cdb, l, buf, 34, &res) == 0 && res.len <= 34);
        for (unsigned type = MMC_TI_LBA; type <= MMC_TI_SESSION; type++)
                for (uint32_t n = 0; n < 3; n++) {
                        l = mmc_cdb_read_track_information(cdb, type, n, 48);
                        FUZZ_CHECK(emu_drive_command(drive, cdb, l, buf, 48, &res) == 0 && res.len <= 48);
                }
        l = mmc_cdb_read_track_information(cdb, MMC_TI_TRACK, 0xff, 48);
        FUZZ_CHECK(emu_drive_command(drive, cdb, l, buf, 48, &res) == 0 && res.len <= 48);
        for (uint8_t format = 0; format <= 2; format++) {
                l = mmc_cdb_read_toc(cdb, format, format == 2 ? 1 : 0, 65535);
                FUZZ_CHECK(emu_drive_command(drive, cdb, l, buf, 65535, &res) == 0 && res.len <= 65535);
        }
        l = mmc_cdb_read_capacity(cdb);
        FUZZ_CHECK(emu_drive_command(drive, cdb, l, buf, 8, &res) == 0 && res.len <= 8);
        l = mmc_cdb_read10(cdb, 16, 1);
        FUZZ_CHECK(emu_drive_command(drive, cdb, l, buf, 2048, &res) == 0 && res.len <= 2048);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        g_autofree char *text = g_strndup((const char *) data, size);
        g_autofree char *error = NULL;
        EmuDisc *disc = NULL;
        int r;

        r = emu_disc_parse(text, "fuzz.disc", &disc, &error);
        if (r < 0) {
                /* "on a parse error -EINVAL with *ret_error = FILE:LINE: message" (disc.h) */
                FUZZ_CHECK(r == -EINVAL && error && g_str_has_prefix(error, "fuzz.disc:") && !disc);
                return 0;
        }
        FUZZ_CHECK(r == 0 && disc);

        /* The accessors the drive model and the tests use. */
        for (size_t i = 0; i < emu_disc_n_tracks(disc); i++) {
                const EmuTrack *t = emu_disc_track(disc, i);

                FUZZ_CHECK(emu_track_number(t) == i + 1);
                FUZZ_CHECK(emu_track_state_string(t));
        }
        for (size_t i = 0; i < emu_disc_n_expect(disc); i++) {
                const char *value = NULL;

                FUZZ_CHECK(emu_disc_expect_nth(disc, i, &value) && value);
        }
        (void) emu_disc_n_sessions(disc);
        (void) emu_disc_n_complete_sessions(disc);

        drive_commands(emu_disc_copy(disc));
        emu_disc_free(disc);
        return 0;
}
