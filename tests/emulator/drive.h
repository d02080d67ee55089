/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * EmuDrive: a model of an MMC drive that answers CDBs the way a real drive does, from a parsed .disc
 * (disc.h). It is an independent model: replies are built here from the tracks as FORMAT.md describes,
 * never with the daemon's parsers. Thread-safe (one GMutex per drive): umockdev calls it from its worker
 * thread while the test's main thread changes the medium.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "disc.h"

/* SCSI status (SAM-5 Table 33) */
#define EMU_STATUS_GOOD 0x00
#define EMU_STATUS_CHECK_CONDITION 0x02

/* Host status as the Linux SCSI midlayer reports it in sg_io_hdr.host_status */
#define EMU_DID_OK 0x00
#define EMU_DID_NO_CONNECT 0x01
#define EMU_DID_TIME_OUT 0x03

#define EMU_SENSE_LEN 18

typedef struct EmuResult {
        size_t len;          /* data-in bytes placed in buf (≤ buf_len) */
        uint8_t status;      /* EMU_STATUS_* (meaningful when host_status == EMU_DID_OK) */
        uint8_t sense[EMU_SENSE_LEN]; /* fixed-format sense (70h) with CHECK CONDITION */
        size_t sense_len;    /* 18 with CHECK CONDITION, else 0 */
        uint8_t host_status; /* EMU_DID_* */
        unsigned delay_ms;   /* complete this late (quirk delay) */
} EmuResult;

typedef struct EmuDrive EmuDrive;

/* Called with every CDB, outside the drive's lock, with a line such as "sr0 46 02 00 00 00 00 00 00 08 00". */
typedef void (*EmuLogFunc)(const char *line, void *userdata);

/* Takes ownership of disc (NULL = empty drive with the default identity). The drive identity (vendor,
 * product, revision, serial, profile list) comes from this first disc and never changes; the medium and the
 * quirks follow emu_drive_insert(). name is used in log lines ("sr0"). */
EmuDrive *emu_drive_new(const char *name, EmuDisc *disc);
EmuDrive *emu_drive_ref(EmuDrive *d);
void emu_drive_unref(EmuDrive *d);

/* Changes the medium: takes ownership of disc; NULL ejects. Only the medium changes (identity stays);
 * the quirks become those of the new file (an eject keeps the last file's quirks), and the per-insert
 * quirks (becoming_ready, unit_attention) are re-armed. GET EVENT STATUS NOTIFICATION then reports
 * NewMedia / MediaRemoval once. */
void emu_drive_insert(EmuDrive *d, EmuDisc *disc);

/* Marks the drive as unplugged: every command then fails with DID_NO_CONNECT. */
void emu_drive_set_gone(EmuDrive *d, bool gone);
bool emu_drive_is_gone(EmuDrive *d);

/* Answers one command (data phase device-to-host into buf[0..buf_len), or none). Always fills *res.
 * Returns 0, or -EINVAL for invalid arguments. */
int emu_drive_command(EmuDrive *d, const uint8_t *cdb, size_t cdb_len, uint8_t *buf, size_t buf_len,
                      EmuResult *res);

/* The same with a data-out phase (MODE SELECT, WRITE …): out[0..out_len) is what the host sends. */
int emu_drive_command_out(EmuDrive *d, const uint8_t *cdb, size_t cdb_len, const uint8_t *out, size_t out_len,
                          uint8_t *buf, size_t buf_len, EmuResult *res);

/* Logging: every CDB goes to the callback (if set) and to an in-memory list (the last 65536 lines). */
void emu_drive_set_log_func(EmuDrive *d, EmuLogFunc func, void *userdata);
unsigned emu_drive_get_n_commands(EmuDrive *d);
/* A NULL-terminated copy of the logged lines (g_strfreev() it), oldest first. */
char **emu_drive_get_log(EmuDrive *d);
void emu_drive_clear_log(EmuDrive *d);

/* State for the umockdev front end (plain ioctls, sysfs). */
const char *emu_drive_get_name(EmuDrive *d);
bool emu_drive_has_medium(EmuDrive *d);
/* Copies of identity strings (g_free() them). */
char *emu_drive_get_vendor(EmuDrive *d);
char *emu_drive_get_product(EmuDrive *d);
char *emu_drive_get_revision(EmuDrive *d);
char *emu_drive_get_serial(EmuDrive *d);
/* The drive's profile list (feature 0000h); returns the count, fills up to n_max entries. */
size_t emu_drive_get_profiles(EmuDrive *d, uint16_t *profiles, size_t n_max);
/* READ CAPACITY's block count of the current medium (0 without one). */
uint32_t emu_drive_get_capacity(EmuDrive *d);

/* Helpers for tests and the front end */
void emu_sense_fill(uint8_t sense[static EMU_SENSE_LEN], uint8_t sk, uint8_t asc, uint8_t ascq);
/* LBA → MSF as MMC addresses it (Red Book: LBA + 150 frames; negative LBAs of the lead-in map to 90..99
 * minutes, mmc-multisession.md §2.4). */
void emu_lba_to_msf(int32_t lba, uint8_t *m, uint8_t *s, uint8_t *f);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(EmuDrive, emu_drive_unref)
