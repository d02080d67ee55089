/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * The disc structure as the drive reports it, derived from the .disc tracks the way FORMAT.md says:
 * READ DISC INFORMATION (MMC-6 6.22), READ TRACK INFORMATION (6.27), READ TOC/PMA/ATIP (6.26) formats
 * 0, 1, 2, 4, READ FORMAT CAPACITIES (6.24) and READ DVD STRUCTURE format C0h (6.25). The byte layouts are
 * also in ../shared/reference/mmc-multisession.md §2.
 */

#include "drive-internal.h"

/* Red Book lead-in start on a typical CD-R blank (ATIP 97:26:66, LBA −11634). */
#define ATIP_LEAD_IN_M 97
#define ATIP_LEAD_IN_S 26
#define ATIP_LEAD_IN_F 66
/* Lead-in (60 s = 4500 blocks) + pregap (150) before a new session's first track on CD. */
#define CD_LEAD_IN_AND_PREGAP 4650

const EmuTrack *emu_disc_open_track(const EmuDisc *d) {
        const EmuTrack *t;

        if (!d || d->n_tracks == 0)
                return NULL;
        t = &d->tracks[d->n_tracks - 1];
        return t->state == EMU_TRACK_COMPLETE ? NULL : t;
}

static const EmuTrack *first_track_of_session(const EmuDisc *d, unsigned session) {
        for (size_t i = 0; i < d->n_tracks; i++)
                if (d->tracks[i].session == session)
                        return &d->tracks[i];
        return NULL;
}

static const EmuTrack *last_track_of_session(const EmuDisc *d, unsigned session) {
        for (size_t i = d->n_tracks; i > 0; i--)
                if (d->tracks[i - 1].session == session)
                        return &d->tracks[i - 1];
        return NULL;
}

/* TOC CONTROL nibble (MMC-6 Table 480): bit 2 = data track (FORMAT.md: 4 data, 0 audio). */
static uint8_t track_control(const EmuTrack *t) {
        return t->data ? 0x04 : 0x00;
}

static void put_msf(uint8_t *p, int32_t lba) {
        emu_lba_to_msf(lba, &p[0], &p[1], &p[2]);
}

/* A 4-byte address field: LBA, or 00h M S F when MSF is set. */
static void put_address(uint8_t *p, int32_t lba, bool msf) {
        if (msf) {
                p[0] = 0;
                put_msf(p + 1, lba);
        } else
                set_be32(p, (uint32_t) lba);
}

/* ---- READ DISC INFORMATION ---- */

/* Table 520 Standard Disc Information, 34 bytes: 2 erasable/last session state/disc status, 3 first
 * track, 4/9 number of sessions LSB/MSB (counting the empty or incomplete last session), 5/10 first and
 * 6/11 last track in the last session (the invisible track included), 8 disc type, 16..19 last session
 * lead-in start, 20..23 last possible lead-out start (MSF on CD, FFh FFh FFh on a finalized CD; LBA
 * otherwise). */
void emu_cmd_read_disc_information(Cmd *c) {
        const EmuDisc *m = c->medium;
        unsigned nses = emu_disc_n_sessions(m);
        const EmuTrack *ft = first_track_of_session(m, nses), *lt = last_track_of_session(m, nses);
        unsigned first = m->n_tracks > 0 ? m->tracks[0].number : 1;
        unsigned ftls = ft ? ft->number : (m->n_tracks > 0 ? m->tracks[m->n_tracks - 1].number + 1 : 1);
        unsigned ltls = lt ? lt->number : ftls;
        bool cd = emu_profile_is_cd(m->profile);
        uint8_t *p;

        if (c->cdb[1] & 0x07) /* data types 001b (track resources) and 010b (POW resources) */
                return cmd_fail(c, SENSE_INVALID_FIELD);

        p = reply_grow(c, 34);
        set_be16(p, 32);
        p[2] = (uint8_t) ((m->erasable ? 0x10 : 0) | m->last_session << 2 | m->disc_status);
        p[3] = (uint8_t) first;
        p[4] = (uint8_t) nses, p[9] = (uint8_t) (nses >> 8);
        p[5] = (uint8_t) ftls, p[10] = (uint8_t) (ftls >> 8);
        p[6] = (uint8_t) ltls, p[11] = (uint8_t) (ltls >> 8);
        p[8] = m->disc_type;

        if (cd) {
                const EmuTrack *open = emu_disc_open_track(m);

                if (m->disc_status == EMU_DISC_BLANK) {
                        p[17] = ATIP_LEAD_IN_M, p[18] = ATIP_LEAD_IN_S, p[19] = ATIP_LEAD_IN_F;
                } else if (m->disc_status == EMU_DISC_APPENDABLE && open)
                        put_msf(p + 17, (int32_t) open->start - CD_LEAD_IN_AND_PREGAP);
                else
                        memset(p + 16, 0xff, 4);

                if (m->disc_status == EMU_DISC_COMPLETE)
                        memset(p + 20, 0xff, 4);
                else
                        put_msf(p + 21, (int32_t) m->lead_out_max);
        } else {
                if (m->disc_status == EMU_DISC_APPENDABLE && ft)
                        set_be32(p + 16, ft->start);
                set_be32(p + 20, m->lead_out_max);
        }
}

/* ---- READ TRACK INFORMATION ---- */

/* Track number FFh (the invisible track) is valid only for CD, DVD+R and DVD+R DL (libburn quoting
 * mmc5r03c; mmc-multisession.md §2.3). Other drives answer 05/24/00. */
static bool invisible_track_number_valid(uint16_t profile) {
        return emu_profile_is_cd(profile) || profile == 0x1b || profile == 0x2b;
}

static bool track_is_open(const EmuTrack *t) {
        return t->state == EMU_TRACK_INCOMPLETE || t->state == EMU_TRACK_INVISIBLE ||
               t->state == EMU_TRACK_BLANK || t->state == EMU_TRACK_RESERVED;
}

/* Table 575 Track Information Block, 48 bytes: 2/32 track number LSB/MSB, 3/33 session LSB/MSB, 5 = LJRS |
 * Damage (bit 5) | Copy | Track Mode, 6 = RT | Blank | Packet/Inc | FP | Data Mode, 7 = LRA_V (bit 1) |
 * NWA_V (bit 0), 8..11 start, 12..15 NWA, 16..19 free blocks, 20..23 fixed packet size / blocking factor,
 * 24..27 size, 28..31 LRA, 36..39 read compatibility LBA, 40..47 layer jump addresses. */
static void track_info_block(Cmd *c, const EmuTrack *t) {
        const EmuDisc *m = c->medium;
        bool blank = t->state == EMU_TRACK_INVISIBLE || t->state == EMU_TRACK_BLANK;
        bool reserved = t->state == EMU_TRACK_RESERVED;
        bool nwa_v = t->nwa_valid && t->state != EMU_TRACK_DAMAGED;
        int32_t nwa = t->nwa;
        bool cd = emu_profile_is_cd(m->profile);
        uint32_t packet_size;
        uint8_t *p;

        /* Pioneer BDR-205 / LITE-ON LTR-48125S: −150 as the NWA of blank media (libburn mmc_get_nwa). */
        if (cd && m->disc_status == EMU_DISC_BLANK && blank && emu_disc_has_quirk(c->file, EMU_QUIRK_CD_NWA_MINUS_150)) {
                nwa_v = true;
                nwa = -150;
        }
        if (t->fp)
                packet_size = cd ? 32 : m->blocking;
        else
                packet_size = cd ? 0 : m->blocking; /* DVD/BD: the blocking factor (ECC block) */

        p = reply_grow(c, 48);
        set_be16(p, 46);
        p[2] = (uint8_t) t->number, p[32] = (uint8_t) (t->number >> 8);
        p[3] = (uint8_t) t->session, p[33] = (uint8_t) (t->session >> 8);
        p[5] = (uint8_t) ((t->damage ? 0x20 : 0) | track_control(t));
        p[6] = (uint8_t) ((reserved ? 0x80 : 0) | (blank ? 0x40 : 0) | (t->packet ? 0x20 : 0) | (t->fp ? 0x10 : 0) |
                          (blank || reserved ? 0x0f /* unknown */ : t->data ? 0x01 /* Mode 1 */ : 0x00));
        p[7] = (uint8_t) ((t->lra_valid ? 0x02 : 0) | (nwa_v ? 0x01 : 0));
        set_be32(p + 8, t->start);
        if (nwa_v)
                set_be32(p + 12, (uint32_t) nwa);
        set_be32(p + 16, t->free_blocks);
        set_be32(p + 20, packet_size);
        set_be32(p + 24, t->size);
        if (t->lra_valid)
                set_be32(p + 28, t->lra);
}

/* Byte 1 bit 2 Open, bits 1..0 address/number type: 00b LBA (the track holding it), 01b track number (FFh
 * invisible track; with Open the first open track ≥ it), 10b session number (its first track); bytes
 * 2..5 the LBA/number. */
void emu_cmd_read_track_information(Cmd *c) {
        const EmuDisc *m = c->medium;
        uint8_t type = c->cdb[1] & 0x03;
        bool open = c->cdb[1] & 0x04;
        uint32_t addr = get_be32(c->cdb + 2);
        const EmuTrack *t = NULL;

        switch (type) {
        case 0:
                for (size_t i = 0; i < m->n_tracks && !t; i++)
                        if (addr >= m->tracks[i].start && (uint64_t) addr < (uint64_t) m->tracks[i].start + m->tracks[i].size)
                                t = &m->tracks[i];
                if (!t)
                        return cmd_fail(c, SENSE_LBA_OUT_OF_RANGE);
                break;
        case 1:
                if (addr == 0xff) {
                        if (!invisible_track_number_valid(m->profile))
                                return cmd_fail(c, SENSE_INVALID_FIELD);
                        t = emu_disc_open_track(m);
                } else if (addr >= 1 && addr <= m->n_tracks) {
                        for (size_t i = addr - 1; i < m->n_tracks && !t; i++)
                                if (!open || track_is_open(&m->tracks[i]))
                                        t = &m->tracks[i];
                }
                if (!t) /* track 0 (lead-in) is not modelled */
                        return cmd_fail(c, SENSE_INVALID_FIELD);
                break;
        case 2:
                if (addr >= 1 && addr <= 0xffff)
                        t = first_track_of_session(m, addr);
                if (!t)
                        return cmd_fail(c, SENSE_INVALID_FIELD);
                break;
        default:
                return cmd_fail(c, SENSE_INVALID_FIELD);
        }
        track_info_block(c, t);
}

/* ---- READ TOC/PMA/ATIP ---- */

/* The last track in a complete session: TOCs describe complete sessions only. */
static const EmuTrack *last_complete_track(const EmuDisc *m, unsigned ncomplete) {
        const EmuTrack *r = NULL;
        for (size_t i = 0; i < m->n_tracks; i++)
                if (m->tracks[i].session <= ncomplete)
                        r = &m->tracks[i];
        return r;
}

/* Format 0000b, Table 480/481: header 2 first / 3 last track, 8-byte descriptors (1 ADR/CONTROL, 2 track
 * number, 4..7 start address), ending with the lead-out AAh of the last complete session. */
static void toc_format0(Cmd *c, unsigned ncomplete, const EmuTrack *last, bool msf) {
        const EmuDisc *m = c->medium;
        uint8_t start = c->cdb[6] == 0 ? 1 : c->cdb[6];
        uint8_t *p;

        if (start != 0xaa && start > last->number)
                return cmd_fail(c, SENSE_INVALID_FIELD);

        p = reply_grow(c, 4);
        p[2] = (uint8_t) m->tracks[0].number;
        p[3] = (uint8_t) last->number;
        for (size_t i = 0; i < m->n_tracks && start != 0xaa; i++) {
                const EmuTrack *t = &m->tracks[i];
                if (t->session > ncomplete || t->number < start)
                        continue;
                p = reply_grow(c, 8);
                p[1] = 0x10 | track_control(t);
                p[2] = (uint8_t) t->number;
                put_address(p + 4, (int32_t) t->start, msf);
        }
        p = reply_grow(c, 8);
        p[1] = 0x10 | track_control(last);
        p[2] = 0xaa;
        put_address(p + 4, (int32_t) (last->start + last->size), msf);
        set_be16(c->reply->data, (uint16_t) (c->reply->len - 2));
}

/* Format 0001b, Table 483: 2 first / 3 last complete session, one descriptor: 5 ADR/CONTROL, 6 first track
 * in the last complete session, 8..11 its start. */
static void toc_format1(Cmd *c, unsigned ncomplete, bool msf) {
        const EmuTrack *t = first_track_of_session(c->medium, ncomplete);
        uint8_t *p = reply_grow(c, 12);

        set_be16(p, 10);
        p[2] = 1;
        p[3] = (uint8_t) ncomplete;
        if (t) {
                p[5] = 0x10 | track_control(t);
                p[6] = (uint8_t) t->number;
                put_address(p + 8, (int32_t) t->start, msf);
        }
}

static uint8_t *raw_entry(Cmd *c, unsigned session, uint8_t adr_control, uint8_t point) {
        uint8_t *e = reply_grow(c, 11);
        e[0] = (uint8_t) session;
        e[1] = adr_control;
        e[3] = point;
        return e;
}

/* Format 0010b (CD only), Table 486: 2 first / 3 last complete session, 11-byte descriptors: session,
 * ADR/CONTROL, TNO, POINT, MIN, SEC, FRAME, ZERO, PMIN, PSEC, PFRAME. Per session: A0h (PMIN first track,
 * PSEC disc type), A1h (PMIN last track), A2h (lead-out start), the tracks, and B0h (ADR 5: next possible
 * program area start in MIN:SEC:FRAME, last possible lead-out start in PMIN:PSEC:PFRAME) while the disc
 * can take another session. */
static void toc_format2(Cmd *c, unsigned ncomplete) {
        const EmuDisc *m = c->medium;
        unsigned start = c->cdb[6] == 0 ? 1 : c->cdb[6];
        uint8_t *p;

        if (start > ncomplete)
                return cmd_fail(c, SENSE_INVALID_FIELD);

        p = reply_grow(c, 4);
        p[2] = 1;
        p[3] = (uint8_t) ncomplete;
        for (unsigned s = start; s <= ncomplete; s++) {
                const EmuTrack *ft = first_track_of_session(m, s), *lt = last_track_of_session(m, s);
                const EmuTrack *next = NULL;
                uint8_t *e;

                if (!ft)
                        continue;
                e = raw_entry(c, s, 0x10 | track_control(ft), 0xa0);
                e[8] = (uint8_t) ft->number;
                e[9] = m->disc_type;
                e = raw_entry(c, s, 0x10 | track_control(lt), 0xa1);
                e[8] = (uint8_t) lt->number;
                e = raw_entry(c, s, 0x10 | track_control(lt), 0xa2);
                put_msf(e + 8, (int32_t) (lt->start + lt->size));
                for (const EmuTrack *t = ft; t <= lt; t++) {
                        e = raw_entry(c, s, 0x10 | track_control(t), (uint8_t) t->number);
                        put_msf(e + 8, (int32_t) t->start);
                }

                if (s < ncomplete)
                        next = first_track_of_session(m, s + 1);
                else if (m->disc_status == EMU_DISC_APPENDABLE)
                        next = emu_disc_open_track(m);
                if (next) {
                        e = raw_entry(c, s, 0x50 | track_control(lt), 0xb0);
                        put_msf(e + 4, (int32_t) next->start);
                        e[7] = 1; /* number of mode-5 pointers */
                        put_msf(e + 8, (int32_t) m->lead_out_max);
                }
        }
        set_be16(c->reply->data, (uint16_t) (c->reply->len - 2));
}

/* Format 0100b ATIP (CD-R/RW only), Table 489: 4 = 1 | indicative target writing power | DDCD | reference
 * speed, 5 bit 6 URU, 6 = 1 | disc type (CD-RW) | sub-type | A1/A2/A3 valid, 8..10 start of lead-in
 * M:S:F, 12..14 last possible start of lead-out M:S:F. */
static void toc_format4(Cmd *c) {
        const EmuDisc *m = c->medium;
        uint8_t *p;

        if (m->profile != 0x09 && m->profile != 0x0a)
                return cmd_fail(c, SENSE_INVALID_FIELD);

        p = reply_grow(c, 28);
        set_be16(p, 26);
        p[4] = 0x80 | 0x50 | 0x02;
        p[6] = 0x80 | (m->profile == 0x0a ? 0x40 : 0x00);
        p[8] = ATIP_LEAD_IN_M, p[9] = ATIP_LEAD_IN_S, p[10] = ATIP_LEAD_IN_F;
        put_msf(p + 12, (int32_t) m->lead_out_max);
}

/* Byte 1 bit 1 MSF, byte 2 bits 3..0 format (or, on a legacy SFF-8020 CDB, control byte bits 7..6),
 * byte 6 track/session number. Formats 0/1/2 describe complete sessions only, so a disc without one
 * (blank) answers 05/24/00 as real drives do. Format 2 and 4 are CD only. */
void emu_cmd_read_toc(Cmd *c) {
        const EmuDisc *m = c->medium;
        bool msf = c->cdb[1] & 0x02;
        uint8_t format = c->cdb[2] & 0x0f;
        unsigned ncomplete = emu_disc_n_complete_sessions(m);
        const EmuTrack *last;

        if (format == 0 && (c->cdb[9] >> 6) != 0)
                format = c->cdb[9] >> 6;

        switch (format) {
        case 0:
        case 1:
        case 2:
                if (format == 1 && emu_disc_has_quirk(c->file, EMU_QUIRK_NO_TOC1))
                        return cmd_fail(c, SENSE_INVALID_FIELD);
                if (format == 2 && !emu_profile_is_cd(m->profile))
                        return cmd_fail(c, SENSE_INVALID_FIELD);
                last = last_complete_track(m, ncomplete);
                if (ncomplete == 0 || !last)
                        return cmd_fail(c, SENSE_INVALID_FIELD);
                if (format == 0)
                        toc_format0(c, ncomplete, last, msf);
                else if (format == 1)
                        toc_format1(c, ncomplete, msf);
                else
                        toc_format2(c, ncomplete);
                return;
        case 4:
                return toc_format4(c);
        default: /* PMA (3), CD-TEXT (5) are not modelled */
                return cmd_fail(c, SENSE_INVALID_FIELD);
        }
}

/* ---- READ FORMAT CAPACITIES, READ DVD STRUCTURE (what cdrom_id asks about DVD-RAM) ---- */

static bool profile_is_overwritable(uint16_t p) {
        return p == 0x12 || p == 0x13 || p == 0x1a || p == 0x2a || p == 0x43;
}

/* One formattable capacity descriptor (MMC-6 6.24.3.3): blocks, format type in bits 7..2 of byte 4, the
 * type dependent parameter in bytes 5..7. */
static void format_descriptor(Cmd *c, uint32_t blocks, uint8_t type, uint32_t param) {
        uint8_t *p = reply_grow(c, 8);

        set_be32(p, blocks);
        p[4] = (uint8_t) (type << 2);
        p[5] = (uint8_t) (param >> 16), p[6] = (uint8_t) (param >> 8), p[7] = (uint8_t) param;
}

/* MMC-6 6.24, Table 535: 3 = capacity list length; the current/maximum capacity descriptor (0..3 blocks,
 * 4 bits 1..0 type: 1 unformatted, 2 formatted, 3 no medium, 5..7 block length), then the formattable
 * capacity descriptors. Answered without a medium too.
 * Formattable descriptors: 26h on DVD+RW; on DVD-RW what real drives offer (libburn cookbook, "Unformatted
 * DVD-RW" and "Partly formatted DVD-RW"): 00h full format (parameter: block length), 10h full and 15h quick
 * (parameter: ECC block size 16), and on Restricted Overwrite 13h "quick grow the last session" with the
 * blocks still unformatted (0 on a fully formatted disc) instead of 10h. libburn reads the size of a DVD-RW
 * in Restricted Overwrite from the 15h descriptor alone: without it xorriso saw no writable space. 00h full
 * format elsewhere. */
void emu_cmd_read_format_capacities(Cmd *c) {
        const EmuDisc *m = c->medium;
        uint32_t blocks = 0, whole = 0;
        uint8_t type, *p;

        if (!m)
                type = 3;
        else if (profile_is_overwritable(m->profile) && m->disc_status != EMU_DISC_BLANK) {
                type = 2;
                blocks = m->capacity;
        } else {
                type = 1;
                blocks = MAX(m->lead_out_max, m->capacity);
        }
        if (m)
                whole = MAX(m->lead_out_max, m->capacity);

        p = reply_grow(c, 4 + 8);
        set_be32(p + 4, blocks);
        p[8] = type;
        p[9] = 0x00, p[10] = 0x08, p[11] = 0x00;
        if (m && (m->profile == 0x1a || m->profile == 0x2a))
                format_descriptor(c, blocks, 0x26, 0);
        else if (m && m->profile == 0x13) {
                format_descriptor(c, whole, 0x00, 2048);
                format_descriptor(c, whole - MIN(whole, m->capacity), 0x13, 16);
                format_descriptor(c, whole, 0x15, 16);
        } else if (m && m->profile == 0x14) {
                format_descriptor(c, whole, 0x00, 2048);
                format_descriptor(c, whole, 0x10, 16);
                format_descriptor(c, whole, 0x15, 16);
        } else
                format_descriptor(c, blocks, 0x00, 2048);
        c->reply->data[3] = (uint8_t) (c->reply->len - 4);
}

/* MMC-6 6.25, format C0h (Write Protection Status, Table 553): 4 bit 0 SWPP, bit 1 PWP, bit 2 MSWI, bit 3
 * CWP — nothing protected. DVD media only; CD media fail 05/30/02, other formats 05/24/00. */
void emu_cmd_read_dvd_structure(Cmd *c) {
        const EmuDisc *m = c->medium;
        uint8_t *p;

        if (emu_profile_is_cd(m->profile))
                return cmd_fail(c, 0x05, 0x30, 0x02);
        if (c->cdb[7] != 0xc0 || (c->cdb[1] & 0x0f) != 0 || !emu_profile_is_dvd(m->profile))
                return cmd_fail(c, SENSE_INVALID_FIELD);

        p = reply_grow(c, 8);
        set_be16(p, 6);
}
