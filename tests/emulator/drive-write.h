/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The recording side of the emulated drive (drive-write.c) and the `.disc` writer (disc-save.c): where
 * written sectors are kept, and how a burned state becomes a `.disc` again.
 */

#include "disc.h"
#include "drive.h"

/* Written sectors go to fd at LBA × 2048 (sparse), and READ(10)/(12) serves them from there. fd is borrowed:
 * the caller keeps it open while the drive lives; -1 = keep nothing (writes still change the disc state). A
 * medium change truncates it: the data goes with the disc. */
void emu_drive_set_store(EmuDrive *d, int fd);

/* A copy of the medium as it is now (after any burns), with the drive's identity and without expect lines;
 * `present = false` when the drive is empty. emu_disc_free() it. */
EmuDisc *emu_drive_copy_medium(EmuDrive *d);

/* The disc as `.disc` text (tests/discs/FORMAT.md) that emu_disc_parse() reads back into the same state.
 * header (may be NULL or hold several lines) becomes the leading `#` comment. g_free() it. */
char *emu_disc_format(const EmuDisc *d, const char *header);
/* Writes emu_disc_format() to path (atomically). 0 or a negative errno with *ret_error set (g_free() it). */
int emu_disc_save(const EmuDisc *d, const char *path, const char *header, char **ret_error);
