/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Shared between drive.c (object, dispatch, simple commands), drive-config.c (GET CONFIGURATION, MODE
 * SENSE) and drive-media.c (READ DISC INFORMATION, READ TRACK INFORMATION, READ TOC/PMA/ATIP, …). */

#include <string.h>

#include <glib.h>

#include "drive.h"

struct EmuDrive {
        gatomicrefcount ref;
        GMutex lock;
        char *name;

        /* Identity: from the first disc, never changes. */
        char *vendor, *product, *revision, *serial;
        size_t n_profiles;
        uint16_t profiles[EMU_MAX_PROFILES];

        /* The last inserted file (medium + quirks); NULL only before any. */
        EmuDisc *file;
        bool ejected; /* eject keeps `file` for its quirks but there is no medium */

        unsigned becoming_ready_left;
        bool unit_attention;
        uint8_t media_event; /* GESN media event code pending (MMC-6 Table 161): 0 none, 2 new, 3 removal */
        bool gone;

        EmuLogFunc log_func;
        void *log_userdata;
        GQueue log;
        unsigned n_commands;

        /* Recording (drive-write.c): drive state that a medium change resets. */
        int store_fd;                /* written sectors at LBA × 2048 (the node file), -1 = none */
        bool page05_set;             /* MODE SELECT stored a Write Parameters page */
        uint8_t page05[2 + 0x32];
        bool cue_armed;              /* SEND CUE SHEET: the track is written session-at-once (CD SAO) */
};

/* One command being answered. Handlers either append the full reply to `reply` (as a real drive would
 * build it, before the allocation length cuts it) or call cmd_fail(). */
typedef struct Cmd {
        EmuDrive *drive;
        uint8_t cdb[16]; /* zero-padded copy */
        size_t cdb_len;
        const EmuDisc *file;   /* quirks (may be NULL) */
        const EmuDisc *medium; /* NULL without medium */
        GByteArray *reply;
        const uint8_t *out; /* data-out (MODE SELECT, WRITE …), NULL if none */
        size_t out_len;
        size_t alloc; /* allocation length from the CDB, SIZE_MAX if the command has none */
        bool failed;
        uint8_t sk, asc, ascq;
} Cmd;

/* A command of the dispatch table (drive.c; the recording commands are in drive-write.c). */
typedef struct CommandDesc {
        uint8_t opcode;
        uint8_t cdb_len;   /* the CDB length of the command's group */
        bool media_access; /* 02/3A/00 without medium, 02/04/01 while becoming ready */
        int8_t alloc_at;   /* offset of the allocation length, -1 if none */
        uint8_t alloc_size;
        int8_t header_at; /* the length header that `garbage` overwrites, -1 if none */
        uint8_t header_size;
        void (*handler)(Cmd *c);
} CommandDesc;

static inline void cmd_fail(Cmd *c, uint8_t sk, uint8_t asc, uint8_t ascq) {
        c->failed = true;
        c->sk = sk;
        c->asc = asc;
        c->ascq = ascq;
}

/* Common sense codes (SPC-4 Annex D) */
#define SENSE_INVALID_OPCODE 0x05, 0x20, 0x00    /* ILLEGAL REQUEST, INVALID COMMAND OPERATION CODE */
#define SENSE_INVALID_FIELD 0x05, 0x24, 0x00     /* ILLEGAL REQUEST, INVALID FIELD IN CDB */
#define SENSE_LBA_OUT_OF_RANGE 0x05, 0x21, 0x00  /* ILLEGAL REQUEST, LOGICAL BLOCK ADDRESS OUT OF RANGE */
#define SENSE_SAVING_NOT_SUPPORTED 0x05, 0x39, 0x00
#define SENSE_NO_MEDIUM 0x02, 0x3a, 0x00         /* NOT READY, MEDIUM NOT PRESENT */
#define SENSE_BECOMING_READY 0x02, 0x04, 0x01    /* NOT READY, LUN IS IN PROCESS OF BECOMING READY */
#define SENSE_MEDIUM_CHANGED 0x06, 0x28, 0x00    /* UNIT ATTENTION, NOT READY TO READY CHANGE */

static inline uint16_t get_be16(const uint8_t *p) {
        return (uint16_t) (p[0] << 8 | p[1]);
}
static inline uint32_t get_be32(const uint8_t *p) {
        return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 | (uint32_t) p[2] << 8 | p[3];
}
static inline void set_be16(uint8_t *p, uint16_t v) {
        p[0] = v >> 8;
        p[1] = v;
}
static inline void set_be32(uint8_t *p, uint32_t v) {
        p[0] = v >> 24;
        p[1] = v >> 16;
        p[2] = v >> 8;
        p[3] = v;
}

/* Appends n zero bytes to the reply and returns a pointer to them (valid until the next append). */
static inline uint8_t *reply_grow(Cmd *c, size_t n) {
        size_t old = c->reply->len;
        g_byte_array_set_size(c->reply, old + n);
        memset(c->reply->data + old, 0, n);
        return c->reply->data + old;
}

/* drive-config.c */
void emu_cmd_get_configuration(Cmd *c);
void emu_cmd_mode_sense10(Cmd *c);

/* drive-media.c */
void emu_cmd_read_disc_information(Cmd *c);
void emu_cmd_read_track_information(Cmd *c);
void emu_cmd_read_toc(Cmd *c);
void emu_cmd_read_format_capacities(Cmd *c);
void emu_cmd_read_dvd_structure(Cmd *c);

/* drive-write.c */
const CommandDesc *emu_write_find_command(uint8_t opcode);
/* Under the lock: forget the write parameters, and the written data with the medium. */
void emu_write_medium_changed(EmuDrive *d);
/* Fills p (len bytes from LBA lba) with what was written there, if anything. */
void emu_write_read_recorded(Cmd *c, uint32_t lba, uint8_t *p, size_t len);

/* The track the drive calls invisible/incomplete (the last one, if it is not complete), or NULL. */
const EmuTrack *emu_disc_open_track(const EmuDisc *d);
bool emu_drive_has_profile(const EmuDrive *d, uint16_t profile);
