/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Pure derivation: parsed MMC replies in, the values design.md §2 publishes out. No I/O. The rules are
 * written down in tests/discs/FORMAT.md ("How the expected values follow from a disc"), with the MMC and
 * IMAPI reasoning in ../shared/reference/mmc-multisession.md §4.
 */

#include <stdbool.h>
#include <stdint.h>

#include "mmc.h"

/* IMAPI_FORMAT2_DATA_MEDIA_STATE (imapi2.h). */
enum {
        IMAPI_MEDIA_STATE_UNKNOWN = 0x0000,
        IMAPI_MEDIA_STATE_OVERWRITE_ONLY = 0x0001,
        IMAPI_MEDIA_STATE_BLANK = 0x0002,
        IMAPI_MEDIA_STATE_APPENDABLE = 0x0004,
        IMAPI_MEDIA_STATE_FINAL_SESSION = 0x0008,
        IMAPI_MEDIA_STATE_DAMAGED = 0x0400,
        IMAPI_MEDIA_STATE_ERASE_REQUIRED = 0x0800,
        IMAPI_MEDIA_STATE_NON_EMPTY_SESSION = 0x1000,
        IMAPI_MEDIA_STATE_WRITE_PROTECTED = 0x2000,
        IMAPI_MEDIA_STATE_FINALIZED = 0x4000,
        IMAPI_MEDIA_STATE_UNSUPPORTED_MEDIA = 0x8000,
};

/* DVD+R holds at most 153 sessions (libburn cookbook); the 153rd is the last. */
#define DVD_PLUS_R_MAX_SESSIONS 153

/* What a media-change probe collected. Which parts are present depends on the medium (probe.c). */
typedef struct ProbeData {
        bool media_present;

        bool have_config;
        MmcConfiguration config;

        bool have_disc;
        MmcDiscInfo disc;

        bool have_next; /* the next (invisible or incomplete) track: NWA and free blocks */
        MmcTrackInfo next;
        bool have_first; /* first track of the last complete session */
        MmcTrackInfo first;
        bool have_last; /* last track of the last complete session */
        MmcTrackInfo last;

        bool have_capacity;
        MmcCapacity capacity;

        /* CD: the full TOC (format 2). ROM media and drives without READ TRACK INFORMATION: format 0
         * in toc and format 1 in toc1. */
        bool have_toc;
        MmcToc toc;
        bool have_toc1;
        MmcToc toc1;
} ProbeData;

/* Everything a drive object publishes about its medium. */
typedef struct MediaState {
        bool media_present;
        uint16_t profile;
        uint32_t physical_type; /* IMAPI_MEDIA_PHYSICAL_TYPE */
        const char *media_type; /* udisks name, "" without medium */
        uint32_t media_status;  /* IMAPI_FORMAT2_DATA_MEDIA_STATE bits */
        uint32_t session_count;
        uint32_t track_count;
        int32_t total_sectors;

        /* org.example.MultisessionSequential (IMultisessionSequential2) */
        bool seq_supported;
        bool seq_in_use;
        int32_t seq_free_sectors;
        bool seq_first_data_session;
        int32_t seq_last_written_prev;
        int32_t seq_next_writable;
        int32_t seq_start_prev;
        int32_t seq_write_unit;

        /* org.example.MultisessionRandomWrite */
        bool rw_supported;
        bool rw_in_use;
        int32_t rw_last_written;
        int32_t rw_total_sectors;
        int32_t rw_write_unit;
} MediaState;

/* The state without a medium: every property at its sentinel. */
void media_state_init_empty(MediaState *ret);

/* Computes every published value. -EBADMSG when the replies contradict each other in a way no value can
 * be trusted (for example a last complete session that the TOC does not contain). */
int multisession_derive(const ProbeData *d, MediaState *ret);

/* Profile classes (mmc-multisession.md §4.3). */
bool profile_is_cd(uint16_t profile);
bool profile_is_dvd(uint16_t profile);
bool profile_is_bd(uint16_t profile);
bool profile_is_rom(uint16_t profile);
bool profile_is_sequential(uint16_t profile, bool pow_current);
bool profile_is_overwritable(uint16_t profile, bool pow_current);
/* Which track number READ TRACK INFORMATION needs for the next writable track: FFh on CD and DVD+R
 * (MMC-6 6.27.2.3: valid only there), the last track in the last session otherwise. */
uint32_t profile_next_track(uint16_t profile, const MmcDiscInfo *di);

uint32_t profile_physical_type(uint16_t profile);
const char *profile_media_type(uint16_t profile);
/* Feature 0010h Blocking when current, else 1 (CD), 16 (DVD: one ECC block), 32 (BD: one cluster). */
int32_t profile_write_unit(uint16_t profile, const MmcConfiguration *c);

/* Complete sessions: the open or empty last session is not counted (libburn mmc_read_disc_info_al). */
uint32_t disc_complete_sessions(const MmcDiscInfo *di);
/* Blank, or a medium that calls itself appendable while nothing is on it: a freshly formatted BD-R
 * (one empty session) and a fresh DVD-RW in restricted overwrite. */
bool disc_blank_like(uint16_t profile, const MmcDiscInfo *di);
/* Last track of the last complete session. */
uint32_t disc_last_complete_track(const MmcDiscInfo *di);

/* GetMultisessionInfo's answer, the -C argument of mkisofs: on sequential media the start of the last
 * complete session and the next writable address; on overwritable media 0 and the end of the ISO 9660
 * volume (iso_blocks, < 0 when LBA 16 holds none) rounded up to the write unit, as growisofs and xorriso
 * do. -ENOMEDIUM, -EROFS (blank, closed, incomplete or damaged: no new session possible now) or
 * -EMEDIUMTYPE (not a multisession medium). */
int multisession_msinfo(const MediaState *s, int64_t iso_blocks, int32_t *ret_start, int32_t *ret_next);
