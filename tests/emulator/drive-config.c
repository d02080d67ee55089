/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * What the drive says about itself: GET CONFIGURATION (MMC-6 6.6, features 5.3) and MODE SENSE (10)
 * (SPC-4 6.14 with the MMC mode pages of MMC-6 7.x and the legacy MM Capabilities page 2Ah of MMC-3 5.5.10).
 */

#include <stdlib.h>

#include "drive-internal.h"

/* A feature descriptor (MMC-6 Table 88): bytes 0..1 feature code, 2 = version << 2 | persistent << 1 |
 * current, 3 additional length, then the feature dependent data. */
static uint8_t *feature_begin(GByteArray *a, uint16_t code, uint8_t version, bool persistent, bool current,
                              uint8_t add_len) {
        size_t old = a->len;

        g_byte_array_set_size(a, old + 4 + add_len);
        memset(a->data + old, 0, 4 + add_len);
        set_be16(a->data + old, code);
        a->data[old + 2] = (uint8_t) (version << 2 | (persistent ? 0x02 : 0) | (current ? 0x01 : 0));
        a->data[old + 3] = add_len;
        return a->data + old;
}

/* The features a drive of this model lists, in ascending order, with their current bits. Persistent
 * features (0000h, 0001h, 0003h) are always current; the others are current when a medium is in and the
 * disc's `features` line names them (FORMAT.md). A code in `features` this model does not know gets an
 * empty descriptor so the list stays consistent. */
typedef struct FeatureList {
        uint16_t codes[EMU_MAX_FEATURES + 8];
        size_t n;
} FeatureList;

static const uint16_t known_features[] = { 0x0000, 0x0001, 0x0003, 0x0010, 0x001e, 0x0021, 0x0038 };

static int cmp_u16(const void *a, const void *b) {
        return (int) *(const uint16_t *) a - (int) *(const uint16_t *) b;
}

static void feature_list(const Cmd *c, FeatureList *l) {
        l->n = 0;
        for (size_t i = 0; i < G_N_ELEMENTS(known_features); i++)
                l->codes[l->n++] = known_features[i];
        for (size_t i = 0; c->medium && i < c->medium->n_features; i++) {
                bool dup = false;
                for (size_t j = 0; j < l->n; j++)
                        dup = dup || l->codes[j] == c->medium->features[i];
                if (!dup)
                        l->codes[l->n++] = c->medium->features[i];
        }
        qsort(l->codes, l->n, sizeof(uint16_t), cmp_u16);
}

static bool feature_current(const Cmd *c, uint16_t code) {
        if (code == 0x0000 || code == 0x0001 || code == 0x0003)
                return true;
        return c->medium && emu_disc_feature_current(c->medium, code);
}

static void append_feature(Cmd *c, GByteArray *a, uint16_t code) {
        const EmuDrive *d = c->drive;
        bool cur = feature_current(c, code);
        uint16_t profile = c->medium ? c->medium->profile : 0;
        uint8_t *p;

        switch (code) {
        case 0x0000: /* 5.3.1 Profile List: 4-byte descriptors, byte 2 bit 0 CurrentP */
                p = feature_begin(a, code, 0, true, true, (uint8_t) (4 * d->n_profiles));
                for (size_t i = 0; i < d->n_profiles; i++) {
                        set_be16(p + 4 + 4 * i, d->profiles[i]);
                        p[4 + 4 * i + 2] = c->medium && d->profiles[i] == profile ? 0x01 : 0x00;
                }
                break;
        case 0x0001: /* 5.3.2 Core, version 2: 4..7 physical interface standard (2 = ATAPI), 8 bit 1 INQ2,
                      * bit 0 DBE */
                p = feature_begin(a, code, 2, true, true, 8);
                set_be32(p + 4, 2);
                p[8] = 0x03;
                break;
        case 0x0003: /* 5.3.4 Removable Medium: 4 = loading mechanism 001b tray << 5 | Eject | Lock */
                p = feature_begin(a, code, 0, true, true, 4);
                p[4] = 0x20 | 0x08 | 0x01;
                break;
        case 0x0010: /* 5.3.5 Random Readable: 4..7 logical block size, 8..9 Blocking, 10 bit 0 PP */
                p = feature_begin(a, code, 0, false, cur, 8);
                set_be32(p + 4, 2048);
                set_be16(p + 8, c->medium ? c->medium->blocking : 0);
                p[10] = 0x01;
                break;
        case 0x001e: /* 5.3.10 CD Read, version 2: 4 = DAP | C2 | CD-Text (none) */
                p = feature_begin(a, code, 2, false, cur, 4);
                break;
        case 0x0021: { /* 5.3.14 Incremental Streaming Writable, version 1: 4..5 data block types
                        * supported, 6 BUF/ARSV/TRIO, 7 number of link sizes, 8.. link sizes, padded to 4 */
                const EmuDisc *m = c->medium;
                size_t n = m ? m->n_link_sizes : 1;
                size_t pad = (n + 3) / 4 * 4;
                p = feature_begin(a, code, 1, false, cur, (uint8_t) (4 + pad));
                set_be16(p + 4, 0x3d0f); /* block types 0..3, 8, 10, 11, 12, 13 */
                p[6] = 0x01;             /* BUF */
                p[7] = (uint8_t) n;
                for (size_t i = 0; i < n; i++)
                        p[8 + i] = m ? m->link_sizes[i] : 16;
                break;
        }
        case 0x0038: /* 5.3.27 BD-R Pseudo-Overwrite: 4..7 reserved */
                (void) feature_begin(a, code, 0, false, cur, 4);
                break;
        default:
                (void) feature_begin(a, code, 0, false, cur, 0);
        }
}

/* MMC-6 6.6 GET CONFIGURATION: byte 1 bits 1..0 RT (00b all features ≥ start, 01b current ones ≥ start,
 * 10b only the starting feature), bytes 2..3 starting feature number. Header (Table 87): 0..3 data length
 * (after these 4 bytes), 6..7 current profile (0 without medium). */
void emu_cmd_get_configuration(Cmd *c) {
        uint8_t rt = c->cdb[1] & 0x03;
        uint16_t start = get_be16(c->cdb + 2);
        FeatureList l;
        uint8_t *h;

        if (rt == 3)
                return cmd_fail(c, SENSE_INVALID_FIELD);

        (void) reply_grow(c, 8);
        feature_list(c, &l);
        for (size_t i = 0; i < l.n; i++) {
                uint16_t code = l.codes[i];
                if (rt == 2 ? code != start : code < start)
                        continue;
                if (rt == 1 && !feature_current(c, code))
                        continue;
                append_feature(c, c->reply, code);
        }
        h = c->reply->data;
        set_be32(h, (uint32_t) c->reply->len - 4);
        set_be16(h + 6, c->medium ? c->medium->profile : 0);
}

/* ---- MODE SENSE (10) ---- */

static bool drive_reads_dvd(const EmuDrive *d) {
        for (size_t i = 0; i < d->n_profiles; i++)
                if (emu_profile_is_dvd(d->profiles[i]) || emu_profile_is_bd(d->profiles[i]))
                        return true;
        return false;
}

/* MMC-3 5.5.10 MM Capabilities and Mechanical Status page (2Ah), kept by MMC-5/6 drives for old software.
 * Bytes 0..31 are fixed; write speed descriptors of 4 bytes follow from byte 32, and the page length is
 * 30 + 4·n (libburn rejects anything shorter: "Malformed capabilities page 2Ah"). */
static void page_2a(Cmd *c, bool changeable) {
        const EmuDrive *d = c->drive;
        const unsigned n_speeds = 1;
        uint16_t speed = drive_reads_dvd(d) ? 22160 /* DVD 16x, kB/s */ : 7056 /* CD 40x */;
        uint8_t *p = reply_grow(c, 32 + 4 * n_speeds);

        p[0] = 0x2a;
        p[1] = (uint8_t) (30 + 4 * n_speeds);
        if (changeable)
                return;
        p[2] = (emu_drive_has_profile(d, 0x09) || emu_drive_has_profile(d, 0x08) ? 0x01 : 0) | /* CD-R read */
               (emu_drive_has_profile(d, 0x0a) ? 0x02 : 0) |                                   /* CD-RW read */
               0x04 |                                                                           /* Method 2 */
               (drive_reads_dvd(d) ? 0x08 : 0) |                                               /* DVD-ROM read */
               (emu_drive_has_profile(d, 0x11) ? 0x10 : 0) |                                   /* DVD-R read */
               (emu_drive_has_profile(d, 0x12) ? 0x20 : 0);                                    /* DVD-RAM read */
        p[3] = (emu_drive_has_profile(d, 0x09) ? 0x01 : 0) | (emu_drive_has_profile(d, 0x0a) ? 0x02 : 0) |
               (emu_drive_has_profile(d, 0x09) ? 0x04 : 0) /* test write */ |
               (emu_drive_has_profile(d, 0x11) ? 0x10 : 0) | (emu_drive_has_profile(d, 0x12) ? 0x20 : 0);
        p[4] = 0x80 | 0x40 | 0x20 | 0x10 | 0x01; /* BUF, Multi Session, Mode 2 Form 2/1, Audio Play */
        p[5] = 0x03;                             /* CD-DA commands supported, stream accurate */
        p[6] = 0x20 | 0x08 | 0x01;               /* tray, Eject, Lock */
        set_be16(p + 8, speed);                  /* obsolete: maximum read speed */
        set_be16(p + 10, 256);                   /* volume levels */
        set_be16(p + 12, 2048);                  /* buffer size, KiB */
        set_be16(p + 14, speed);                 /* obsolete: current read speed */
        set_be16(p + 18, speed);                 /* obsolete: maximum write speed */
        set_be16(p + 20, speed);                 /* obsolete: current write speed */
        set_be16(p + 28, speed);                 /* current write speed selected */
        set_be16(p + 30, n_speeds);
        set_be16(p + 32 + 2, speed); /* descriptor 0: rotation control 00b (CLV), speed */
}

/* MMC-6 7.5 Write Parameters page (05h), page length 32h: 2 = BUFE/LS_V/Test Write/Write Type, 3 =
 * Multi-session/FP/Copy/Track Mode, 4 = Data Block Type, 5 = Link Size, 8 = Session Format, 10..13
 * Packet Size, 14..15 Audio Pause Length. CD: TAO, multi-session 11b (next session allowed), data track
 * mode 4, Mode 1 blocks; other media: incremental with link size 16. */
static void page_05(Cmd *c, bool changeable) {
        uint8_t *p = reply_grow(c, 2 + 0x32);
        bool cd = !c->medium || emu_profile_is_cd(c->medium->profile);

        p[0] = 0x05;
        p[1] = 0x32;
        if (changeable)
                return;
        if (c->drive->page05_set) { /* what MODE SELECT stored (drive-write.c) */
                memcpy(p, c->drive->page05, 2 + 0x32);
                return;
        }
        p[2] = cd ? 0x01 /* TAO */ : 0x20 /* LS_V, write type 0: packet/incremental */;
        p[3] = 0xc0 | 0x04;
        p[4] = 0x08;
        p[5] = cd ? 0 : 16;
        set_be16(p + 14, 150);
}

/* SPC-4 6.14 MODE SENSE (10): byte 2 bits 7..6 PC (00b current, 01b changeable, 10b default, 11b saved),
 * bits 5..0 page code (3Fh all). Reply: the 8-byte mode parameter header (0..1 mode data length, 6..7
 * block descriptor length = 0), then the page(s). */
void emu_cmd_mode_sense10(Cmd *c) {
        uint8_t pc = c->cdb[2] >> 6, page = c->cdb[2] & 0x3f;
        bool changeable = pc == 1;

        if (pc == 3)
                return cmd_fail(c, SENSE_SAVING_NOT_SUPPORTED);
        if (c->cdb[3] != 0) /* subpages */
                return cmd_fail(c, SENSE_INVALID_FIELD);

        (void) reply_grow(c, 8);
        switch (page) {
        case 0x05:
                page_05(c, changeable);
                break;
        case 0x2a:
                page_2a(c, changeable);
                break;
        case 0x3f:
                page_05(c, changeable);
                page_2a(c, changeable);
                break;
        default:
                return cmd_fail(c, SENSE_INVALID_FIELD);
        }
        set_be16(c->reply->data, (uint16_t) (c->reply->len - 2));
}
