/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * What a drive object must publish, from a .disc file's hand-written `expect.` lines and its tracks
 * (tests/discs/FORMAT.md), never from the daemon's own output. Every check appends one line per mismatch
 * to `out` ("seq.NextWritableAddress: expected 21400, got -1"), so a failing disc lists all its
 * differences at once.
 */

#include <stdbool.h>

#include <gio/gio.h>

#include "disc.h"
#include "harness.h"

/* Does the expect-line text equal the D-Bus value? Booleans true/false, numbers decimal or 0x hex (also
 * for unsigned types), strings and object paths verbatim. */
bool expect_value_equal(const char *expected, GVariant *actual);

/* The a{sv} of the interface that an expect key prefix ("seq", "rw", "drive") names, or NULL. */
const char *expect_iface_for_prefix(const char *prefix);

/* Every expect.seq.*, expect.rw.*, expect.drive.* key against the three GetAll dictionaries. */
void expect_check_props(const EmuDisc *media, GVariant *seq, GVariant *drive, GVariant *rw, GString *out);

/* What does not come from the medium: Vendor/Product/Revision (identity disc), Device, DeviceNumber
 * (11:N), SysfsPath, Id, ImportRecorder on both multisession interfaces, Inhibited, and TimeMediaDetected
 * (0 without a medium, else between `since` and now). */
void expect_check_identity(const EmuDisc *identity, const EmuDisc *media, const char *node, guint64 since,
                           GVariant *seq, GVariant *drive, GVariant *rw, GString *out);

/* GetMultisessionInfo() against expect.msinfo ("START,NEXT" or the short error name). */
void expect_check_msinfo(Harness *h, const EmuDisc *media, const char *node, GString *out);

/* GetTracks() against the disc's track lines (blank reads as invisible, a Damage bit as damaged); an
 * empty drive must answer NoMedium. Skipped for discs with expect.probe_error. */
void expect_check_tracks(Harness *h, const EmuDisc *media, const char *node, GString *out);

/* The short name of a D-Bus error ("NoMedium" for …Error.NoMedium), else the full remote name. */
char *expect_error_name(const GError *error);

/* All of the above for one drive, reading through GetAll; on mismatches harness_fail() with the list.
 * identity may be media. */
gboolean expect_check_drive(Harness *h, const char *node, const EmuDisc *media, const EmuDisc *identity,
                            guint64 since);
