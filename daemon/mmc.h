/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Pure MMC: CDB builders and reply parsers. No I/O happens here.
 *
 * References are to T10 MMC-6 (r02g) and SPC-4 unless noted; the byte layouts are also written down in
 * ../shared/reference/mmc-multisession.md §2.
 *
 * Every parser takes the bytes the drive actually returned (`len` = dxfer_len - resid), checks the
 * reply's own length header against them, and returns -EBADMSG when the reply is too short to hold the
 * fields the caller needs or contradicts itself. It never reads past `len`. A reply longer than its
 * header claims is cut at the header's length.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Opcodes (MMC-6 Table 26 "Commands common to all MMC devices" and SPC-4). Only the read-only ones the
 * daemon sends are named here; transport-sg.c allows nothing else. */
enum {
        MMC_TEST_UNIT_READY = 0x00,
        MMC_REQUEST_SENSE = 0x03,
        MMC_INQUIRY = 0x12,
        MMC_READ_CAPACITY = 0x25,
        MMC_READ_10 = 0x28,
        MMC_READ_TOC = 0x43,
        MMC_GET_CONFIGURATION = 0x46,
        MMC_GET_EVENT_STATUS = 0x4a,
        MMC_READ_DISC_INFORMATION = 0x51,
        MMC_READ_TRACK_INFORMATION = 0x52,
        MMC_MODE_SENSE_10 = 0x5a,
        MMC_READ_12 = 0xa8,
};

#define MMC_CDB_MAX 16

/* Profiles (MMC-6 Table 91). */
enum {
        MMC_PROFILE_NONE = 0x0000,
        MMC_PROFILE_CD_ROM = 0x0008,
        MMC_PROFILE_CD_R = 0x0009,
        MMC_PROFILE_CD_RW = 0x000a,
        MMC_PROFILE_DVD_ROM = 0x0010,
        MMC_PROFILE_DVD_R_SEQ = 0x0011,
        MMC_PROFILE_DVD_RAM = 0x0012,
        MMC_PROFILE_DVD_RW_RO = 0x0013,
        MMC_PROFILE_DVD_RW_SEQ = 0x0014,
        MMC_PROFILE_DVD_R_DL_SEQ = 0x0015,
        MMC_PROFILE_DVD_R_DL_JUMP = 0x0016,
        MMC_PROFILE_DVD_PLUS_RW = 0x001a,
        MMC_PROFILE_DVD_PLUS_R = 0x001b,
        MMC_PROFILE_DVD_PLUS_RW_DL = 0x002a,
        MMC_PROFILE_DVD_PLUS_R_DL = 0x002b,
        MMC_PROFILE_BD_ROM = 0x0040,
        MMC_PROFILE_BD_R_SRM = 0x0041,
        MMC_PROFILE_BD_R_RRM = 0x0042,
        MMC_PROFILE_BD_RE = 0x0043,
};

/* Feature codes (MMC-6 Table 90). */
enum {
        MMC_FEATURE_PROFILE_LIST = 0x0000,
        MMC_FEATURE_RANDOM_READABLE = 0x0010,
        MMC_FEATURE_INCREMENTAL_STREAMING = 0x0021,
        MMC_FEATURE_BD_R_POW = 0x0038,
};

/* ---- Sense data (SPC-4 4.5.2 descriptor format 72h/73h, 4.5.3 fixed format 70h/71h) ---- */

typedef struct MmcSense {
        uint8_t key;  /* SK */
        uint8_t asc;  /* ADDITIONAL SENSE CODE */
        uint8_t ascq; /* ADDITIONAL SENSE CODE QUALIFIER */
} MmcSense;

/* Decodes fixed or descriptor sense. -EBADMSG for an unknown response code or a buffer too short to hold
 * SK/ASC/ASCQ (fixed: 14 bytes; descriptor: 4 bytes). */
int mmc_sense_parse(const uint8_t *buf, size_t len, MmcSense *ret);

/* Maps sense to the daemon's errno vocabulary:
 *   02/3A/xx            -ENOMEDIUM   (MEDIUM NOT PRESENT)
 *   02/04/01, 02/04/04  -EAGAIN      (becoming ready, format in progress)
 *   02/04/07, 02/04/08  -EBUSY       (operation / long write in progress)
 *   02/xx/xx otherwise  -EAGAIN      (not ready)
 *   06/28/00            -ESTALE      (UNIT ATTENTION: medium may have changed; restart the probe)
 *   06/xx/xx otherwise  -ERESTART    (other UNIT ATTENTION: retry the command once)
 *   05/20/00            -EOPNOTSUPP  (INVALID COMMAND OPERATION CODE)
 *   05/24/00            -EINVAL      (INVALID FIELD IN CDB)
 *   05/21/00            -ERANGE      (LBA OUT OF RANGE)
 *   05/30/xx            -EMEDIUMTYPE (INCOMPATIBLE MEDIUM INSTALLED)
 *   anything else       -EIO */
int mmc_sense_to_errno(const MmcSense *s);

/* "SK/ASC/ASCQ" as "02/3A/00" into a caller buffer of at least 9 bytes. */
const char *mmc_sense_to_string(const MmcSense *s, char buf[static 9]);

/* ---- CDB builders: each fills cdb[] (zeroed first) and returns the CDB length ---- */

size_t mmc_cdb_test_unit_ready(uint8_t cdb[static MMC_CDB_MAX]);
/* SPC-4 6.6: EVPD 0, allocation length in bytes 3..4. */
size_t mmc_cdb_inquiry(uint8_t cdb[static MMC_CDB_MAX], uint16_t alloc);
/* MMC-6 6.6: RT in byte 1 bits 1..0, starting feature in bytes 2..3, allocation length in 7..8. */
size_t mmc_cdb_get_configuration(uint8_t cdb[static MMC_CDB_MAX], uint8_t rt, uint16_t start_feature,
                                 uint16_t alloc);
/* MMC-6 6.22: data type 000b (standard disc information). */
size_t mmc_cdb_read_disc_information(uint8_t cdb[static MMC_CDB_MAX], uint16_t alloc);

/* MMC-6 6.27 Table 571: Address/Number Type in byte 1 bits 1..0. */
typedef enum MmcTrackAddressType {
        MMC_TI_LBA = 0,
        MMC_TI_TRACK = 1,
        MMC_TI_SESSION = 2,
} MmcTrackAddressType;
size_t mmc_cdb_read_track_information(uint8_t cdb[static MMC_CDB_MAX], MmcTrackAddressType type,
                                      uint32_t number, uint16_t alloc);
/* MMC-6 6.26: format in byte 2 bits 3..0, track/session number in byte 6, MSF bit 1 of byte 1 (always 0:
 * LBA form, except format 2 which is MSF by definition). */
size_t mmc_cdb_read_toc(uint8_t cdb[static MMC_CDB_MAX], uint8_t format, uint8_t track_session,
                        uint16_t alloc);
/* MMC-6 6.23 READ CAPACITY (10). */
size_t mmc_cdb_read_capacity(uint8_t cdb[static MMC_CDB_MAX]);
/* MMC-6 6.16 READ (10): 2048-byte blocks. */
size_t mmc_cdb_read10(uint8_t cdb[static MMC_CDB_MAX], uint32_t lba, uint16_t blocks);

/* ---- INQUIRY (SPC-4 6.6.2 Table 148, standard INQUIRY data) ---- */

typedef struct MmcInquiry {
        uint8_t peripheral_type; /* byte 0 bits 4..0; 05h = CD/DVD device */
        bool removable;          /* byte 1 bit 7 RMB */
        char vendor[9];          /* bytes 8..15, trailing blanks stripped */
        char product[17];        /* bytes 16..31 */
        char revision[5];        /* bytes 32..35 */
} MmcInquiry;

/* Needs at least 36 bytes. */
int mmc_parse_inquiry(const uint8_t *buf, size_t len, MmcInquiry *ret);

/* ---- GET CONFIGURATION (MMC-6 6.6, Table 87 header, 5.3 feature descriptors) ---- */

#define MMC_MAX_PROFILES   64
#define MMC_MAX_LINK_SIZES 16

typedef struct MmcConfiguration {
        uint16_t current_profile; /* header bytes 6..7; 0 = no medium / no current profile */

        /* Feature 0000h Profile List (MMC-6 5.3.1): 4-byte profile descriptors. */
        size_t n_profiles;
        uint16_t profiles[MMC_MAX_PROFILES];
        bool profile_current[MMC_MAX_PROFILES]; /* descriptor byte 2 bit 0 CurrentP */

        /* Feature 0010h Random Readable (MMC-6 5.3.5): bytes 4..7 block size, 8..9 Blocking, 10 bit 0 PP. */
        bool random_readable_present;
        bool random_readable_current;
        uint32_t logical_block_size;
        uint16_t blocking;

        /* Feature 0021h Incremental Streaming Writable (MMC-6 5.3.14): byte 7 number of link sizes,
         * 8.. link sizes. */
        bool incremental_present;
        bool incremental_current;
        size_t n_link_sizes;
        uint8_t link_sizes[MMC_MAX_LINK_SIZES];

        /* Feature 0038h BD-R Pseudo-Overwrite (MMC-6 5.3.27). */
        bool pow_present;
        bool pow_current;
} MmcConfiguration;

/* Needs the 8-byte header. A descriptor that does not fit in what was returned ends the walk (a reply
 * cut at the allocation length is normal); a descriptor whose additional length is not a multiple of 4
 * or is too short for its feature's fixed fields is -EBADMSG. */
int mmc_parse_configuration(const uint8_t *buf, size_t len, MmcConfiguration *ret);

/* ---- READ DISC INFORMATION (MMC-6 6.22.3.1, Table 520 "Standard Disc Information") ---- */

enum {
        MMC_DISC_STATUS_BLANK = 0,
        MMC_DISC_STATUS_APPENDABLE = 1, /* "incomplete" */
        MMC_DISC_STATUS_COMPLETE = 2,
        MMC_DISC_STATUS_OTHER = 3, /* random access, e.g. DVD-RAM */
};

enum {
        MMC_SESSION_EMPTY = 0,
        MMC_SESSION_INCOMPLETE = 1,
        MMC_SESSION_DAMAGED = 2, /* "reserved/damaged" */
        MMC_SESSION_COMPLETE = 3,
};

typedef struct MmcDiscInfo {
        bool erasable;                     /* byte 2 bit 4 */
        uint8_t last_session_state;        /* byte 2 bits 3..2 */
        uint8_t disc_status;               /* byte 2 bits 1..0 */
        uint8_t first_track;               /* byte 3 */
        uint16_t n_sessions;               /* bytes 9 (MSB), 4 (LSB): counts the empty/incomplete one */
        uint16_t first_track_last_session; /* bytes 10, 5 */
        uint16_t last_track_last_session;  /* bytes 11, 6 */
        bool did_v;                        /* byte 7 bit 7 */
        bool dbc_v;                        /* byte 7 bit 6 */
        bool uru;                          /* byte 7 bit 5 */
        uint8_t bg_format_status;          /* byte 7 bits 1..0 */
        uint8_t disc_type;                 /* byte 8 */
        uint32_t disc_id;                  /* bytes 12..15 (valid if did_v) */
        uint32_t last_session_lead_in;     /* bytes 16..19: MSF in 17..19 on CD, LBA otherwise */
        uint32_t last_possible_lead_out;   /* bytes 20..23: MSF in 21..23 on CD, LBA otherwise */
} MmcDiscInfo;

/* Needs bytes 0..11 (the track/session MSBs); fields past what was returned read as 0. -EBADMSG when the
 * Disc Information Length claims fewer than 10 bytes, or on a non-blank disc when the first track in the
 * last session is above the last one or no session is counted. */
int mmc_parse_disc_information(const uint8_t *buf, size_t len, MmcDiscInfo *ret);

/* ---- READ TRACK INFORMATION (MMC-6 6.27.3, Table 575 "Track Information Block") ---- */

typedef struct MmcTrackInfo {
        uint16_t track;             /* bytes 32 (MSB), 2 (LSB) */
        uint16_t session;           /* bytes 33 (MSB), 3 (LSB) */
        bool layer_jump_present;    /* LJRS byte 5 bits 7..6 != 0 */
        bool damage;                /* byte 5 bit 5 */
        bool copy;                  /* byte 5 bit 4 */
        uint8_t track_mode;         /* byte 5 bits 3..0 (TOC CONTROL nibble; bit 2 = data) */
        bool rt;                    /* byte 6 bit 7 reserved track */
        bool blank;                 /* byte 6 bit 6 */
        bool packet;                /* byte 6 bit 5 packet/incremental */
        bool fp;                    /* byte 6 bit 4 fixed packet */
        uint8_t data_mode;          /* byte 6 bits 3..0 */
        bool lra_v;                 /* byte 7 bit 1 */
        bool nwa_v;                 /* byte 7 bit 0 */
        uint32_t start;             /* bytes 8..11 logical track start address */
        uint32_t nwa;               /* bytes 12..15 (valid if nwa_v) */
        uint32_t free_blocks;       /* bytes 16..19 */
        uint32_t fixed_packet_size; /* bytes 20..23 */
        uint32_t size;              /* bytes 24..27 logical track size */
        uint32_t lra;               /* bytes 28..31 (valid if lra_v) */
        uint32_t read_compat_lba;   /* bytes 36..39 when returned */
} MmcTrackInfo;

/* Needs bytes 0..27 (through Logical Track Size). The MSBs at 32/33 and LRA at 28..31 are used when
 * returned (an LRA_V bit with bytes 28..31 missing is -EBADMSG). */
int mmc_parse_track_information(const uint8_t *buf, size_t len, MmcTrackInfo *ret);

/* True if the track is a data track: TOC CONTROL bit 2 (MMC-6 Table 494). */
static inline bool mmc_track_mode_is_data(uint8_t control) {
        return control & 0x04;
}

/* ---- READ TOC/PMA/ATIP (MMC-6 6.26) ---- */

#define MMC_TOC_MAX_ENTRIES 1024

/* One descriptor, in whichever format it came from. */
typedef struct MmcTocEntry {
        uint8_t session;            /* format 2 only; 0 otherwise */
        uint8_t adr;                /* high nibble of byte 1 */
        uint8_t control;            /* low nibble of byte 1 */
        uint8_t point;              /* format 0/1: track number (AAh = lead-out); format 2: POINT */
        int32_t lba;                /* format 0/1: start LBA; format 2: PMIN:PSEC:PFRAME converted to LBA */
        uint8_t min, sec, frame;    /* format 2 raw MIN/SEC/FRAME (B0h: next writable) */
        uint8_t pmin, psec, pframe; /* format 2 raw PMIN/PSEC/PFRAME (A0h/A1h: PMIN = track number) */
} MmcTocEntry;

typedef struct MmcToc {
        uint8_t format;
        uint8_t first; /* header byte 2: first track (fmt 0) / first complete session (fmt 1, 2) */
        uint8_t last;  /* header byte 3: last track (fmt 0) / last complete session (fmt 1, 2) */
        size_t n_entries;
        MmcTocEntry entries[MMC_TOC_MAX_ENTRIES];
} MmcToc;

/* Formats 0 and 1 (8-byte descriptors, Tables 480/483) and 2 (11-byte descriptors, Table 486). The data
 * length must leave a whole number of descriptors; more than MMC_TOC_MAX_ENTRIES is -EBADMSG. Format 0
 * additionally needs strictly increasing track numbers ending with AAh. */
int mmc_parse_toc(const uint8_t *buf, size_t len, uint8_t format, MmcToc *ret);

/* Red Book MSF → LBA: (M*60+S)*75+F−150, or −450150 offset for M ≥ 90 (lead-in area). */
int32_t mmc_msf_to_lba(uint8_t m, uint8_t s, uint8_t f);

/* ---- READ CAPACITY (MMC-6 6.23.2, Table 523) ---- */

typedef struct MmcCapacity {
        uint32_t last_lba;   /* bytes 0..3 */
        uint32_t block_size; /* bytes 4..7 */
} MmcCapacity;

/* Needs 8 bytes. */
int mmc_parse_capacity(const uint8_t *buf, size_t len, MmcCapacity *ret);

/* ---- Names ---- */

/* "CD-R", "DVD+R DL", …; "unknown" for anything else. */
const char *mmc_profile_to_string(uint16_t profile);
