/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * The recording side of the emulated drive, a test instrument: what cdrskin and xorriso send to burn a data
 * session on CD-R/RW (TAO, SAO), DVD+R (/DL), DVD-R (incremental, DAO) and BD-R SRM, answered as the MMC
 * profile prescribes. A burn changes the medium itself — the EmuDisc's tracks and disc state — so every
 * reply drive-media.c derives from it (DI, TI, TOC, READ CAPACITY) follows, and `save` writes the result
 * out as a .disc. The written sectors go to the store (the node file, at LBA × 2048), where READ(10)/(12)
 * and a plain read() of the node find them.
 *
 * Layout rules (tests/discs/README.md, mmc-multisession.md §3.8, burn-harness.md):
 * - CD: a TAO track ends with 2 run-out blocks, counted in its size; the next track of the same session
 *   starts 150 blocks (its pregap) later; the next session starts 11400 blocks after the end of the first
 *   session (lead-out 6750 + lead-in 4500 + pregap 150) and 6900 after later ones (lead-out 2250).
 * - DVD+R: tracks end on a 16-block ECC block; the next session starts 2048 blocks later (real dumps).
 * - DVD-R: tracks end on an ECC block; the border zone takes 28688 blocks (two real dvd+rw-mediainfo dumps).
 * - BD-R SRM: tracks end on a 32-block cluster; the next session starts at the next cluster.
 * - Closing a session: CD and DVD-R finalize unless page 05h's Multi-session field is 11b; DVD+R and BD-R
 *   finalize only with close function 101b/110b (MMC-6 6.3, Table 437).
 *
 * References: MMC-6 r02g 6.3 CLOSE TRACK/SESSION, 6.21 READ BUFFER CAPACITY, 6.31 RESERVE TRACK, 6.34 SEND
 * CUE SHEET, 6.40 SYNCHRONIZE CACHE, 6.44 WRITE (10), 6.8 GET PERFORMANCE, 7.5 Write Parameters page;
 * SPC-4 6.11 MODE SELECT (10).
 */

#include <errno.h>
#include <unistd.h>

#include "drive-internal.h"
#include "drive-write.h"

#define SENSE_WRITE_ERROR 0x03, 0x0c, 0x00           /* MEDIUM ERROR, WRITE ERROR */
#define SENSE_PARAMETER_LIST_LENGTH 0x05, 0x1a, 0x00 /* PARAMETER LIST LENGTH ERROR */
#define SENSE_INVALID_WRITE_ADDRESS 0x05, 0x21, 0x02 /* INVALID ADDRESS FOR WRITE */
#define SENSE_INVALID_PARAMETER 0x05, 0x26, 0x00     /* INVALID FIELD IN PARAMETER LIST */
#define SENSE_SEQUENCE_ERROR 0x05, 0x2c, 0x00        /* COMMAND SEQUENCE ERROR */
#define SENSE_CANNOT_WRITE 0x05, 0x30, 0x05          /* CANNOT WRITE MEDIUM - INCOMPATIBLE FORMAT */

#define CD_RUN_OUT 2
#define CD_PREGAP 150
#define CD_GAP_FIRST 11400
#define CD_GAP_LATER 6900
#define DVD_PLUS_R_GAP 2048
#define DVD_MINUS_R_BORDER 28688

/* Page 05h Write Type (MMC-6 Table 649) */
enum { WRITE_PACKET = 0, WRITE_TAO = 1, WRITE_SAO = 2 };

static bool profile_dvd_plus_r(uint16_t p) {
        return p == 0x1b || p == 0x2b;
}

static bool profile_dvd_minus_r(uint16_t p) {
        return p == 0x11 || p == 0x14 || p == 0x15 || p == 0x16;
}

/* What this model records: sequential media. Overwritable media and BD-R in POW are not modelled. */
static bool medium_recordable(const EmuDisc *m) {
        if (m->profile == 0x41)
                return !emu_disc_feature_current(m, 0x0038);
        return m->profile == 0x09 || m->profile == 0x0a || profile_dvd_minus_r(m->profile) ||
               profile_dvd_plus_r(m->profile);
}

/* The unit a closed track is padded to: a DVD ECC block, a BD cluster. */
static uint32_t write_unit(const EmuDisc *m) {
        return emu_profile_is_bd(m->profile) ? 32 : emu_profile_is_dvd(m->profile) ? 16 : 1;
}

static uint64_t round_up(uint64_t v, uint32_t unit) {
        return (v + unit - 1) / unit * unit;
}

/* The medium a command may change: the drive's own copy (c->medium points at it). */
static EmuDisc *medium(Cmd *c) {
        return c->drive->file;
}

/* ---- page 05h: the stored one, or the drive's defaults (drive-config.c page_05) ---- */

static uint8_t write_type(const EmuDrive *d, const EmuDisc *m) {
        if (d->page05_set)
                return d->page05[2] & 0x0f;
        return emu_profile_is_cd(m->profile) ? WRITE_TAO : WRITE_PACKET;
}

/* Test Write (byte 2 bit 4): the drive goes through the motions and records nothing. */
static bool test_write(const EmuDrive *d) {
        return d->page05_set && (d->page05[2] & 0x10);
}

/* Multi-session (byte 3 bits 7..6) 11b: the next session is allowed; anything else finalizes. */
static bool next_session_allowed(const EmuDrive *d) {
        return !d->page05_set || (d->page05[3] >> 6) == 3;
}

/* Track Mode (byte 3 bits 3..0), bit 2 = data (MMC-6 Table 650 via the Q sub-channel CONTROL). */
static bool data_mode(const EmuDrive *d, const EmuDisc *m) {
        return !emu_profile_is_cd(m->profile) || !d->page05_set || (d->page05[3] & 0x04);
}

/* ---- tracks ---- */

static EmuTrack *last_track(EmuDisc *m) {
        return m->n_tracks > 0 ? &m->tracks[m->n_tracks - 1] : NULL;
}

static bool track_unwritten(const EmuTrack *t) {
        return t->state == EMU_TRACK_INVISIBLE || t->state == EMU_TRACK_BLANK;
}

static bool track_open(const EmuTrack *t) {
        return track_unwritten(t) || t->state == EMU_TRACK_INCOMPLETE || t->state == EMU_TRACK_RESERVED;
}

static uint32_t track_recorded(const EmuTrack *t) {
        return t->nwa_valid && t->nwa > (int64_t) t->start ? (uint32_t) t->nwa - t->start : 0;
}

static bool profile_incremental(uint16_t p) {
        return profile_dvd_minus_r(p) || p == 0x41 || p == 0x42;
}

/* Appends the drive's next track: blank, running to the last possible lead-out. False when no room is
 * left. Invalidates EmuTrack pointers into m. */
static bool append_invisible(EmuDisc *m, unsigned session, uint32_t start) {
        EmuTrack *t;

        if (start >= m->lead_out_max)
                return false;
        m->tracks = g_renew(EmuTrack, m->tracks, m->n_tracks + 1);
        t = &m->tracks[m->n_tracks++];
        *t = (EmuTrack) {
                .number = (unsigned) m->n_tracks,
                .session = session,
                .start = start,
                .size = m->lead_out_max - start,
                .data = true,
                .state = EMU_TRACK_INVISIBLE,
                .nwa_valid = true,
                .nwa = (int32_t) start,
                .free_blocks = m->lead_out_max - start,
                .packet = profile_incremental(m->profile),
        };
        return true;
}

/* Closes an incomplete or reserved track. The drive pads it to its write unit (a reserved track keeps the
 * size reserved); a TAO track on CD gets its run-out. DVD and BD report the Last Recorded Address of a
 * closed track, CD does not. */
static void close_track(EmuDisc *m, EmuTrack *t, uint32_t run_out) {
        uint32_t end;

        if (t->state == EMU_TRACK_RESERVED)
                end = t->start + t->size;
        else
                end = (uint32_t) round_up((uint64_t) t->start + track_recorded(t) + run_out, write_unit(m));
        t->state = EMU_TRACK_COMPLETE;
        t->size = end - t->start;
        t->nwa_valid = false;
        t->nwa = 0;
        t->free_blocks = 0;
        t->lra_valid = !emu_profile_is_cd(m->profile);
        t->lra = t->lra_valid ? end - 1 : 0;
        m->capacity = MAX(m->capacity, end);
}

/* Closes track t and, if it was the last one, opens the next track of the same session after it. */
static void close_track_and_continue(EmuDisc *m, EmuTrack *t, uint32_t run_out) {
        bool was_last = t == last_track(m);
        unsigned session = t->session;

        close_track(m, t, run_out);
        if (was_last)
                (void) append_invisible(m, session, t->start + t->size +
                                                            (emu_profile_is_cd(m->profile) ? CD_PREGAP : 0));
}

static uint32_t next_session_start(const EmuDisc *m, unsigned closed_session, uint32_t end) {
        if (emu_profile_is_cd(m->profile))
                return end + (closed_session == 1 ? CD_GAP_FIRST : CD_GAP_LATER);
        if (profile_dvd_plus_r(m->profile))
                return (uint32_t) round_up(end, 16) + DVD_PLUS_R_GAP;
        if (profile_dvd_minus_r(m->profile))
                return (uint32_t) round_up(end, 16) + DVD_MINUS_R_BORDER;
        return (uint32_t) round_up(end, 32);
}

/* Closes the last session: its open tracks first, then either the next session's invisible track follows
 * (the disc stays appendable) or the disc is complete. A session that holds nothing stays as it is, unless
 * the disc is to be finalized. */
static void close_session(EmuDrive *d, EmuDisc *m, bool finalize, uint32_t run_out) {
        unsigned s = emu_disc_n_sessions(m);
        bool recorded = false;
        const EmuTrack *last;
        uint32_t end;

        for (size_t i = 0; i < m->n_tracks; i++)
                if (m->tracks[i].session == s && !track_unwritten(&m->tracks[i]))
                        recorded = true;
        if (!recorded && !(finalize && m->disc_status == EMU_DISC_APPENDABLE))
                return;

        for (size_t i = 0; i < m->n_tracks; i++) {
                EmuTrack *t = &m->tracks[i];
                if (t->session == s && (t->state == EMU_TRACK_INCOMPLETE || t->state == EMU_TRACK_RESERVED))
                        close_track(m, t, t->state == EMU_TRACK_INCOMPLETE ? run_out : 0);
        }
        while (m->n_tracks > 0 && track_unwritten(last_track(m)))
                m->n_tracks--;
        last = last_track(m);
        end = last ? last->start + last->size : 0;
        m->capacity = end;

        /* CD: the Session Format of page 05h becomes the disc type (DI byte 8, TOC A0h PSEC). */
        if (emu_profile_is_cd(m->profile) && s == 1 && d->page05_set)
                m->disc_type = d->page05[8];

        if (!finalize && last && append_invisible(m, last->session + 1, next_session_start(m, last->session, end))) {
                m->disc_status = EMU_DISC_APPENDABLE;
                m->last_session = EMU_SESSION_EMPTY;
        } else {
                m->disc_status = EMU_DISC_COMPLETE;
                m->last_session = EMU_SESSION_COMPLETE;
        }
}

/* ---- commands ---- */

/* Commands that act on the mechanism or the laser only (SEND OPC INFORMATION, SET CD SPEED, SET STREAMING,
 * PREVENT ALLOW MEDIUM REMOVAL, START STOP UNIT): nothing here to change. The tray is not modelled, so an
 * eject request does not eject. */
static void cmd_good(Cmd *c) {
}

/* SPC-4 6.11 MODE SELECT (10): byte 1 bit 4 PF, bit 0 SP; bytes 7..8 parameter list length. The list: an
 * 8-byte header (6..7 block descriptor length), block descriptors, then pages. Only page 05h Write
 * Parameters is changeable. The write types a real drive accepts per medium matter: libburn probes them
 * with MODE SELECT to decide between TAO and SAO. */
static bool page05_acceptable(const Cmd *c, const uint8_t *pg) {
        const EmuDisc *m = c->medium;
        uint8_t wt = pg[2] & 0x0f;

        if (m && profile_dvd_minus_r(m->profile)) /* DAO, or Incremental when feature 0021h is current */
                return wt == WRITE_SAO || (wt == WRITE_PACKET && emu_disc_feature_current(m, 0x0021));
        if (m && !emu_profile_is_cd(m->profile))
                return true; /* DVD+R, BD-R: page 05h does not apply; drives take it and ignore it */
        return wt <= WRITE_SAO; /* CD: packet, TAO, SAO; raw is not modelled */
}

static void cmd_mode_select10(Cmd *c) {
        EmuDrive *d = c->drive;
        size_t len = MIN(c->out_len, (size_t) get_be16(c->cdb + 7)), off;
        const uint8_t *page = NULL;

        if (!(c->cdb[1] & 0x10))
                return cmd_fail(c, SENSE_INVALID_FIELD);
        if (c->cdb[1] & 0x01)
                return cmd_fail(c, SENSE_SAVING_NOT_SUPPORTED);
        if (len < 8)
                return cmd_fail(c, SENSE_PARAMETER_LIST_LENGTH);

        for (off = 8 + (size_t) get_be16(c->out + 6); off < len; off += 2 + c->out[off + 1]) {
                const uint8_t *pg = c->out + off;

                if (off + 2 > len || off + 2 + pg[1] > len)
                        return cmd_fail(c, SENSE_PARAMETER_LIST_LENGTH);
                if ((pg[0] & 0x3f) != 0x05 || pg[1] < 14 || !page05_acceptable(c, pg))
                        return cmd_fail(c, SENSE_INVALID_PARAMETER);
                page = pg;
        }
        if (!page)
                return;
        memset(d->page05, 0, sizeof(d->page05));
        memcpy(d->page05, page, MIN((size_t) 2 + page[1], sizeof(d->page05)));
        d->page05[0] = 0x05;
        d->page05[1] = 0x32;
        d->page05_set = true;
}

static int store_write(int fd, const uint8_t *data, size_t len, off_t offset) {
        while (len > 0) {
                ssize_t n = pwrite(fd, data, len, offset);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        return -EIO;
                data += n, len -= (size_t) n, offset += n;
        }
        return 0;
}

/* WRITE (10) (bytes 2..5 LBA, 7..8 blocks) and WRITE (12) (6..9 blocks), 2048-byte blocks only. A
 * sequential medium takes a write only at the NWA of an open track (05/21/02 elsewhere: libburn reports that
 * as "SCSI error on write"). On CD SAO the first track's pregap, written before its start, is accepted and
 * not kept. */
static void cmd_write(Cmd *c) {
        EmuDrive *d = c->drive;
        EmuDisc *m = medium(c);
        int64_t lba = (int32_t) get_be32(c->cdb + 2);
        uint32_t n = c->cdb[0] == 0xaa ? get_be32(c->cdb + 6) : get_be16(c->cdb + 7);
        EmuTrack *t = NULL;

        if (!medium_recordable(m))
                return cmd_fail(c, SENSE_CANNOT_WRITE);
        if (m->disc_status == EMU_DISC_COMPLETE)
                return cmd_fail(c, SENSE_INVALID_WRITE_ADDRESS);
        if (n == 0)
                return;
        if (c->out_len < (uint64_t) n * 2048)
                return cmd_fail(c, SENSE_INVALID_FIELD);

        if (d->cue_armed && last_track(m) && lba >= (int64_t) last_track(m)->start - CD_PREGAP &&
            lba + n <= last_track(m)->start)
                return;

        for (size_t i = 0; i < m->n_tracks && !t; i++)
                if (track_open(&m->tracks[i]) && m->tracks[i].nwa_valid && m->tracks[i].nwa == lba)
                        t = &m->tracks[i];
        if (!t)
                return cmd_fail(c, SENSE_INVALID_WRITE_ADDRESS);
        if (n > t->free_blocks)
                return cmd_fail(c, SENSE_LBA_OUT_OF_RANGE);
        if (test_write(d))
                return;
        if (d->store_fd >= 0 && store_write(d->store_fd, c->out, (size_t) n * 2048, (off_t) lba * 2048) < 0)
                return cmd_fail(c, SENSE_WRITE_ERROR);

        if (track_recorded(t) == 0 && !d->cue_armed)
                t->data = data_mode(d, m);
        if (track_unwritten(t))
                t->state = EMU_TRACK_INCOMPLETE;
        t->nwa += (int32_t) n;
        t->free_blocks -= n;
        if (!emu_profile_is_cd(m->profile)) {
                t->lra_valid = true;
                t->lra = (uint32_t) t->nwa - 1;
        }
        m->disc_status = EMU_DISC_APPENDABLE;
        m->last_session = EMU_SESSION_INCOMPLETE;
        m->capacity = MAX(m->capacity, (uint32_t) (lba + n));
}

/* RESERVE TRACK (MMC-6 6.31): byte 1 bit 0 ARSV = 0, bytes 5..8 the reservation size in blocks. The
 * invisible track becomes a reserved track of that size (DVD+R rounds it up to an ECC block, BD-R to a
 * cluster; DVD-R DAO takes it exactly) and a new invisible track follows it in the same session. */
static void cmd_reserve_track(Cmd *c) {
        EmuDisc *m = medium(c);
        EmuTrack *t = last_track(m);
        uint64_t size = get_be32(c->cdb + 5);
        unsigned session;

        if (!medium_recordable(m))
                return cmd_fail(c, SENSE_CANNOT_WRITE);
        if (c->cdb[1] & 0x01) /* reservation by LRA: not modelled */
                return cmd_fail(c, SENSE_INVALID_FIELD);
        if (!t || !track_unwritten(t) || m->disc_status == EMU_DISC_COMPLETE)
                return cmd_fail(c, SENSE_SEQUENCE_ERROR);
        if (profile_dvd_plus_r(m->profile) || emu_profile_is_bd(m->profile))
                size = round_up(size, write_unit(m));
        if (size == 0 || size > t->free_blocks)
                return cmd_fail(c, SENSE_INVALID_FIELD);
        if (test_write(c->drive))
                return;

        t->state = EMU_TRACK_RESERVED;
        t->size = (uint32_t) size;
        t->free_blocks = (uint32_t) size;
        session = t->session;
        m->disc_status = EMU_DISC_APPENDABLE;
        m->last_session = EMU_SESSION_INCOMPLETE;
        (void) append_invisible(m, session, t->start + (uint32_t) size);
}

/* The track a SYNCHRONIZE CACHE may complete: the last incomplete track, or a reserved one with data. */
static EmuTrack *track_being_written(EmuDisc *m) {
        for (size_t i = m->n_tracks; i > 0; i--) {
                EmuTrack *t = &m->tracks[i - 1];
                if (t->state == EMU_TRACK_INCOMPLETE || (t->state == EMU_TRACK_RESERVED && track_recorded(t) > 0))
                        return t;
        }
        return NULL;
}

/* SYNCHRONIZE CACHE (MMC-6 6.40). Flushing is instant here; what matters is what a drive does at the end of
 * a track: on CD TAO it closes the track (libburn sends no CLOSE TRACK there); after a cue sheet (CD SAO)
 * it writes lead-in and lead-out, i.e. closes the session; on DVD-R DAO it closes the disc. */
static void cmd_synchronize_cache(Cmd *c) {
        EmuDrive *d = c->drive;
        EmuDisc *m = medium(c);
        EmuTrack *t;
        bool cd = emu_profile_is_cd(m->profile);

        if (!medium_recordable(m) || test_write(d))
                return;
        t = track_being_written(m);
        if (cd && d->cue_armed) {
                d->cue_armed = false;
                if (t)
                        close_session(d, m, !next_session_allowed(d), 0);
        } else if (cd && t && t->state == EMU_TRACK_INCOMPLETE && write_type(d, m) == WRITE_TAO)
                close_track_and_continue(m, t, CD_RUN_OUT);
        else if (profile_dvd_minus_r(m->profile) && t && write_type(d, m) == WRITE_SAO)
                close_session(d, m, true, 0);
}

/* CLOSE TRACK/SESSION (MMC-6 6.3): byte 2 bits 2..0 close function, bytes 4..5 track number. 001b closes
 * a track; 010b closes the session (CD, DVD-R: page 05h decides whether the disc is finalized; DVD+R, BD-R:
 * it stays appendable); 011b is DVD+R DL's close session; 101b/110b finalize DVD+R and BD-R. */
static void cmd_close(Cmd *c) {
        EmuDrive *d = c->drive;
        EmuDisc *m = medium(c);
        uint8_t function = c->cdb[2] & 0x07;
        unsigned number = get_be16(c->cdb + 4);
        bool cd = emu_profile_is_cd(m->profile), plus = profile_dvd_plus_r(m->profile);
        uint32_t run_out = cd && write_type(d, m) == WRITE_TAO ? CD_RUN_OUT : 0;

        if (!medium_recordable(m))
                return cmd_fail(c, SENSE_CANNOT_WRITE);

        switch (function) {
        case 1:
                if (number < 1 || number > m->n_tracks)
                        return cmd_fail(c, SENSE_INVALID_FIELD);
                if (test_write(d))
                        return;
                /* Closing a track that is complete or still blank changes nothing. */
                if (m->tracks[number - 1].state == EMU_TRACK_INCOMPLETE ||
                    m->tracks[number - 1].state == EMU_TRACK_RESERVED)
                        close_track_and_continue(m, &m->tracks[number - 1], run_out);
                return;
        case 2:
        case 3:
                if (function == 3 && !plus)
                        break;
                if (!test_write(d))
                        close_session(d, m, (cd || profile_dvd_minus_r(m->profile)) && !next_session_allowed(d),
                                      run_out);
                return;
        case 5:
        case 6:
                if (!plus && !emu_profile_is_bd(m->profile))
                        break;
                if (!test_write(d))
                        close_session(d, m, true, 0);
                return;
        }
        cmd_fail(c, SENSE_INVALID_FIELD);
}

/* SEND CUE SHEET (MMC-6 6.34): CD only, bytes 6..8 the cue sheet length, after page 05h selected SAO, on
 * an empty invisible track. Entries (Table 600) are 8 bytes: 0 CTL/ADR, 1 TNO, 2 INDEX, 3 data form, 4 SCMS,
 * 5..7 absolute time. The model takes the track's extent from the writes that follow and its mode from the
 * CTL of track 1 index 1 (bit 6 = data, the Q sub-channel CONTROL bit 2); the cue sheet arms
 * session-at-once. One track per session: libburn writes a data session as one. */
static void cmd_send_cue_sheet(Cmd *c) {
        EmuDrive *d = c->drive;
        EmuDisc *m = medium(c);
        EmuTrack *t = last_track(m);
        size_t len = (size_t) c->cdb[6] << 16 | (size_t) c->cdb[7] << 8 | c->cdb[8];

        if (!emu_profile_is_cd(m->profile) || !medium_recordable(m))
                return cmd_fail(c, SENSE_INVALID_OPCODE);
        if (!t || !track_unwritten(t) || write_type(d, m) != WRITE_SAO)
                return cmd_fail(c, SENSE_SEQUENCE_ERROR);
        if (len == 0 || len % 8 != 0 || c->out_len < len)
                return cmd_fail(c, SENSE_PARAMETER_LIST_LENGTH);
        for (size_t off = 0; off < len; off += 8) {
                const uint8_t *e = c->out + off;
                if (e[1] >= 1 && e[1] <= 99 && e[2] == 1) {
                        t->data = e[0] & 0x40;
                        break;
                }
        }
        d->cue_armed = true;
}

/* READ BUFFER CAPACITY (MMC-6 6.21): Block = 0 (Table 530): 0..1 data length, 4..7 buffer length, 8..11
 * blank length, in bytes; Block = 1 (Table 531): byte 3 bit 0 Block, 8..11 available length in blocks. The
 * buffer is always empty: writes complete at once. */
static void cmd_read_buffer_capacity(Cmd *c) {
        uint8_t *p = reply_grow(c, 12);

        set_be16(p, 10);
        if (c->cdb[1] & 0x01) {
                p[3] = 0x01;
                set_be32(p + 8, 1024);
        } else {
                set_be32(p + 4, 2 * 1024 * 1024);
                set_be32(p + 8, 2 * 1024 * 1024);
        }
}

/* GET PERFORMANCE (MMC-6 6.8): bytes 8..9 the maximum number of descriptors, byte 10 the type. Type 00h
 * (Table 171/172): 8-byte header (0..3 data length, 4 bit 1 Write), descriptors of start LBA, start
 * performance, end LBA, end performance (kB/s). Type 03h Write Speed (Table 177/178): 0 WRC/RDD/Exact/MRW,
 * 4..7 end LBA, 8..11 read speed, 12..15 write speed. One speed per medium: CD 40x, DVD 16x, BD 8x. */
static void cmd_get_performance(Cmd *c) {
        const EmuDisc *m = c->medium;
        uint8_t type = c->cdb[10];
        bool n = m && get_be16(c->cdb + 8) > 0;
        uint32_t end = m ? MAX(m->lead_out_max, m->capacity) : 0;
        uint32_t speed = !m || emu_profile_is_cd(m->profile) ? 7056 : emu_profile_is_bd(m->profile) ? 35968 : 22160;
        uint8_t *p;

        if (type != 0x00 && type != 0x03)
                return cmd_fail(c, SENSE_INVALID_FIELD);
        p = reply_grow(c, 8);
        set_be32(p, 4 + (n ? 16 : 0));
        if (type == 0x00)
                p[4] = c->cdb[1] & 0x04 ? 0x02 : 0x00;
        if (!n)
                return;
        p = reply_grow(c, 16);
        if (type == 0x00) {
                set_be32(p + 4, speed);
                set_be32(p + 8, end > 0 ? end - 1 : 0);
                set_be32(p + 12, speed);
        } else {
                set_be32(p + 4, end > 0 ? end - 1 : 0);
                set_be32(p + 8, speed);
                set_be32(p + 12, speed);
        }
}

static const CommandDesc write_commands[] = {
        { 0x1b, 6, false, -1, 0, -1, 0, cmd_good },     /* START STOP UNIT */
        { 0x1e, 6, false, -1, 0, -1, 0, cmd_good },     /* PREVENT ALLOW MEDIUM REMOVAL */
        { 0x2a, 10, true, -1, 0, -1, 0, cmd_write },
        { 0x35, 10, true, -1, 0, -1, 0, cmd_synchronize_cache },
        { 0x53, 10, true, -1, 0, -1, 0, cmd_reserve_track },
        { 0x54, 10, true, -1, 0, -1, 0, cmd_good },     /* SEND OPC INFORMATION */
        { 0x55, 10, false, -1, 0, -1, 0, cmd_mode_select10 },
        { 0x5b, 10, true, -1, 0, -1, 0, cmd_close },
        { 0x5c, 10, false, 7, 2, 0, 2, cmd_read_buffer_capacity },
        { 0x5d, 10, true, -1, 0, -1, 0, cmd_send_cue_sheet },
        { 0xaa, 12, true, -1, 0, -1, 0, cmd_write },
        { 0xac, 12, false, -1, 0, 0, 4, cmd_get_performance },
        { 0xb6, 12, false, -1, 0, -1, 0, cmd_good },    /* SET STREAMING */
        { 0xbb, 12, false, -1, 0, -1, 0, cmd_good },    /* SET CD SPEED */
};

const CommandDesc *emu_write_find_command(uint8_t opcode) {
        for (size_t i = 0; i < G_N_ELEMENTS(write_commands); i++)
                if (write_commands[i].opcode == opcode)
                        return &write_commands[i];
        return NULL;
}

/* ---- the store, and the drive state a medium change resets ---- */

void emu_write_medium_changed(EmuDrive *d) {
        d->page05_set = false;
        d->cue_armed = false;
        if (d->store_fd >= 0 && ftruncate(d->store_fd, 0) < 0)
                g_warning("%s: cannot empty the written data: %s", d->name, g_strerror(errno));
}

void emu_write_read_recorded(Cmd *c, uint32_t lba, uint8_t *p, size_t len) {
        int fd = c->drive->store_fd;
        size_t done = 0;

        /* Past the end of the file nothing was written: those bytes stay zeros. */
        while (fd >= 0 && done < len) {
                ssize_t n = pread(fd, p + done, len - done, (off_t) lba * 2048 + (off_t) done);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        break;
                done += (size_t) n;
        }
}

void emu_drive_set_store(EmuDrive *d, int fd) {
        g_mutex_lock(&d->lock);
        d->store_fd = fd;
        g_mutex_unlock(&d->lock);
}

EmuDisc *emu_drive_copy_medium(EmuDrive *d) {
        EmuDisc *m;

        g_mutex_lock(&d->lock);
        m = d->file ? emu_disc_copy(d->file) : emu_disc_new_empty();
        if (d->ejected)
                m->present = false;
        /* The drive's identity: an inserted file's identity lines were never used. */
        g_free(m->vendor), m->vendor = g_strdup(d->vendor);
        g_free(m->product), m->product = g_strdup(d->product);
        g_free(m->revision), m->revision = g_strdup(d->revision);
        g_free(m->serial), m->serial = g_strdup(d->serial);
        m->n_profiles = d->n_profiles;
        memcpy(m->profiles, d->profiles, sizeof(m->profiles));
        g_mutex_unlock(&d->lock);

        g_strfreev(m->expect_keys);
        g_strfreev(m->expect_values);
        m->expect_keys = g_new0(char *, 1);
        m->expect_values = g_new0(char *, 1);
        m->n_expect = 0;
        return m;
}
