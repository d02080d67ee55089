/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * A parsed `.disc` file (tests/discs/FORMAT.md is the contract): the drive's identity, the medium, its
 * tracks, the quirks, and the hand-written `expect.` values. Pure data; the drive model (drive.c) derives
 * every MMC reply from it.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

typedef enum EmuTrackState {
        EMU_TRACK_COMPLETE,
        EMU_TRACK_INCOMPLETE, /* partially recorded, NWA valid */
        EMU_TRACK_INVISIBLE,  /* the blank next track on an appendable disc */
        EMU_TRACK_BLANK,
        EMU_TRACK_RESERVED,
        EMU_TRACK_DAMAGED,
        _EMU_TRACK_STATE_MAX,
        _EMU_TRACK_STATE_INVALID = -1,
} EmuTrackState;

typedef struct EmuTrack {
        unsigned number;  /* 1, 2, 3, … in line order */
        unsigned session; /* session=N */
        uint32_t start;   /* start=LBA */
        uint32_t size;    /* size=N */
        bool data;        /* mode=data (default) or mode=audio */
        EmuTrackState state;
        bool nwa_valid;   /* nwa= given */
        int32_t nwa;
        uint32_t free_blocks; /* free=N */
        bool lra_valid;       /* lra= given */
        uint32_t lra;
        bool packet;      /* explicit or the FORMAT.md default */
        bool fp;
        bool damage;      /* damage=1 or state=damaged */
} EmuTrack;

typedef enum EmuQuirkType {
        EMU_QUIRK_BECOMING_READY,   /* n = number of media-access commands that fail 02/04/01 */
        EMU_QUIRK_UNIT_ATTENTION,   /* first command after insert fails 06/28/00 */
        EMU_QUIRK_SENSE,            /* opcode fails with sk/asc/ascq */
        EMU_QUIRK_SHORT,            /* opcode's reply cut to n bytes */
        EMU_QUIRK_GARBAGE,          /* opcode's length header claims 0xFFFF / 0xFFFFFFFF */
        EMU_QUIRK_DELAY,            /* opcode completes n ms late */
        EMU_QUIRK_TIMEOUT,          /* opcode fails with host status DID_TIME_OUT */
        EMU_QUIRK_GONE,             /* every command fails with DID_NO_CONNECT */
        EMU_QUIRK_CD_NWA_MINUS_150, /* blank CD: the invisible track's NWA reads −150 */
        EMU_QUIRK_NO_TOC1,          /* READ TOC format 1 fails 05/24/00 */
        EMU_QUIRK_NO_TRACK_INFO,    /* READ TRACK INFORMATION fails 05/20/00 */
        _EMU_QUIRK_MAX,
        _EMU_QUIRK_INVALID = -1,
} EmuQuirkType;

typedef struct EmuQuirk {
        EmuQuirkType type;
        uint8_t opcode;
        unsigned n;
        uint8_t sk, asc, ascq;
} EmuQuirk;

typedef enum EmuDiscStatus {
        EMU_DISC_BLANK = 0,
        EMU_DISC_APPENDABLE = 1,
        EMU_DISC_COMPLETE = 2,
        EMU_DISC_OTHER = 3,
} EmuDiscStatus;

typedef enum EmuSessionState {
        EMU_SESSION_EMPTY = 0,
        EMU_SESSION_INCOMPLETE = 1,
        EMU_SESSION_DAMAGED = 2,
        EMU_SESSION_COMPLETE = 3,
} EmuSessionState;

#define EMU_MAX_PROFILES 64
#define EMU_MAX_FEATURES 64
#define EMU_MAX_LINK_SIZES 16

typedef struct EmuDisc {
        char *name; /* the file name (or the name given to emu_disc_parse()) */

        /* Drive identity */
        char *vendor;   /* ≤ 8 */
        char *product;  /* ≤ 16 */
        char *revision; /* ≤ 4 */
        char *serial;   /* "" when not given */
        size_t n_profiles;
        uint16_t profiles[EMU_MAX_PROFILES];

        /* Medium */
        bool present;
        uint16_t profile;
        EmuDiscStatus disc_status;
        EmuSessionState last_session;
        bool erasable;
        uint8_t disc_type;
        uint32_t capacity;     /* given, or derived: last recorded block + 1 */
        uint32_t lead_out_max; /* given, or derived: end of the last track */
        size_t n_features;
        uint16_t features[EMU_MAX_FEATURES]; /* current besides 0000h */
        uint16_t blocking;                   /* given, or 1 CD / 16 DVD / 32 BD */
        size_t n_link_sizes;
        uint8_t link_sizes[EMU_MAX_LINK_SIZES];
        bool iso_blocks_set;
        uint32_t iso_blocks;

        size_t n_tracks;
        EmuTrack *tracks;

        size_t n_quirks;
        EmuQuirk *quirks;

        /* expect.* lines in file order, key without the "expect." prefix */
        size_t n_expect;
        char **expect_keys;
        char **expect_values;
} EmuDisc;

/* Both return 0 or a negative errno; on a parse error -EINVAL with *ret_error = "FILE:LINE: message"
 * (g_free() it). */
int emu_disc_load(const char *path, EmuDisc **ret, char **ret_error);
int emu_disc_parse(const char *text, const char *name, EmuDisc **ret, char **ret_error);
void emu_disc_free(EmuDisc *d);
EmuDisc *emu_disc_copy(const EmuDisc *d);

/* An empty drive with the default identity (what `--disc none` means). */
EmuDisc *emu_disc_new_empty(void);

/* Expectations: key without "expect." (e.g. "seq.NextWritableAddress"); NULL if absent, "" for an empty
 * value. */
const char *emu_disc_expect(const EmuDisc *d, const char *key);
size_t emu_disc_n_expect(const EmuDisc *d);
/* i-th expect line in file order; returns its key and stores the value in *ret_value (if non-NULL). */
const char *emu_disc_expect_nth(const EmuDisc *d, size_t i, const char **ret_value);

/* Tracks (i from 0; the track number is i + 1). */
size_t emu_disc_n_tracks(const EmuDisc *d);
const EmuTrack *emu_disc_track(const EmuDisc *d, size_t i);
unsigned emu_track_number(const EmuTrack *t);
unsigned emu_track_session(const EmuTrack *t);
uint32_t emu_track_start(const EmuTrack *t);
uint32_t emu_track_size(const EmuTrack *t);
bool emu_track_is_data(const EmuTrack *t);
/* "complete", "incomplete", "invisible", "blank", "reserved", "damaged" — the words of FORMAT.md, which
 * are also the daemon's GetTracks() state names. */
const char *emu_track_state_string(const EmuTrack *t);
/* The last recorded address if `lra=` was given, else -1. */
int64_t emu_track_lra(const EmuTrack *t);
/* True for tracks that are recorded (not invisible/blank): what TrackCount counts. */
bool emu_track_is_recorded(const EmuTrack *t);

const char *emu_track_state_to_string(EmuTrackState s);
EmuTrackState emu_track_state_from_string(const char *s);

/* Derived facts, as FORMAT.md defines them. */
unsigned emu_disc_n_sessions(const EmuDisc *d);  /* highest session of any track, at least 1 */
unsigned emu_disc_n_complete_sessions(const EmuDisc *d);
bool emu_disc_has_quirk(const EmuDisc *d, EmuQuirkType type);
const EmuQuirk *emu_disc_find_quirk(const EmuDisc *d, EmuQuirkType type, uint8_t opcode);
bool emu_disc_feature_current(const EmuDisc *d, uint16_t feature);

/* Profile families (MMC-6 Table 91). */
bool emu_profile_is_cd(uint16_t p);
bool emu_profile_is_dvd(uint16_t p);
bool emu_profile_is_bd(uint16_t p);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(EmuDisc, emu_disc_free)
