/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * The emulated drive: object, medium changes, quirks, the command dispatch, and the simple commands
 * (TEST UNIT READY, REQUEST SENSE, INQUIRY, READ CAPACITY, READ(10)/(12), GET EVENT STATUS NOTIFICATION,
 * MECHANISM STATUS). GET CONFIGURATION and MODE SENSE are in drive-config.c; the disc structure commands
 * (51h, 52h, 43h, 23h, ADh) in drive-media.c.
 *
 * References: SPC-4 (INQUIRY 6.6, REQUEST SENSE 6.39, fixed sense 4.5.3), MMC-6 r02g (the command
 * sections are named at each handler).
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "drive-internal.h"

#define LOG_MAX_LINES 65536

bool emu_drive_has_profile(const EmuDrive *d, uint16_t profile) {
        for (size_t i = 0; i < d->n_profiles; i++)
                if (d->profiles[i] == profile)
                        return true;
        return false;
}

static void arm_insert_quirks(EmuDrive *d) {
        const EmuDisc *f = d->file;

        d->becoming_ready_left = 0;
        d->unit_attention = false;
        for (size_t i = 0; f && i < f->n_quirks; i++) {
                if (f->quirks[i].type == EMU_QUIRK_BECOMING_READY)
                        d->becoming_ready_left = f->quirks[i].n;
                else if (f->quirks[i].type == EMU_QUIRK_UNIT_ATTENTION)
                        d->unit_attention = true;
        }
}

EmuDrive *emu_drive_new(const char *name, EmuDisc *disc) {
        EmuDrive *d = g_new0(EmuDrive, 1);

        g_atomic_ref_count_init(&d->ref);
        g_mutex_init(&d->lock);
        g_queue_init(&d->log);
        d->name = g_strdup(name ?: "sr0");
        d->store_fd = -1;
        if (!disc)
                disc = emu_disc_new_empty();

        d->vendor = g_strdup(disc->vendor);
        d->product = g_strdup(disc->product);
        d->revision = g_strdup(disc->revision);
        d->serial = g_strdup(disc->serial);
        d->n_profiles = disc->n_profiles;
        memcpy(d->profiles, disc->profiles, sizeof(d->profiles));

        d->file = disc;
        /* Power-on counts as an insert: a disc that starts in the drive still becomes ready first. */
        arm_insert_quirks(d);
        return d;
}

EmuDrive *emu_drive_ref(EmuDrive *d) {
        g_return_val_if_fail(d, NULL);
        g_atomic_ref_count_inc(&d->ref);
        return d;
}

void emu_drive_unref(EmuDrive *d) {
        if (!d || !g_atomic_ref_count_dec(&d->ref))
                return;
        emu_disc_free(d->file);
        g_queue_clear_full(&d->log, g_free);
        g_free(d->name);
        g_free(d->vendor);
        g_free(d->product);
        g_free(d->revision);
        g_free(d->serial);
        g_mutex_clear(&d->lock);
        g_free(d);
}

static const EmuDisc *current_medium(const EmuDrive *d) {
        if (d->ejected || !d->file || !d->file->present)
                return NULL;
        return d->file;
}

void emu_drive_insert(EmuDrive *d, EmuDisc *disc) {
        g_return_if_fail(d);

        g_mutex_lock(&d->lock);
        if (disc) {
                emu_disc_free(d->file);
                d->file = disc;
                d->ejected = false;
                arm_insert_quirks(d);
                d->media_event = disc->present ? 2 /* NewMedia */ : 3 /* MediaRemoval */;
        } else {
                d->ejected = true;
                d->becoming_ready_left = 0;
                d->unit_attention = false;
                d->media_event = 3; /* MediaRemoval */
        }
        emu_write_medium_changed(d);
        g_mutex_unlock(&d->lock);
}

void emu_drive_set_gone(EmuDrive *d, bool gone) {
        g_return_if_fail(d);
        g_mutex_lock(&d->lock);
        d->gone = gone;
        g_mutex_unlock(&d->lock);
}

bool emu_drive_is_gone(EmuDrive *d) {
        bool r;

        g_return_val_if_fail(d, true);
        g_mutex_lock(&d->lock);
        r = d->gone;
        g_mutex_unlock(&d->lock);
        return r;
}

void emu_drive_set_log_func(EmuDrive *d, EmuLogFunc func, void *userdata) {
        g_return_if_fail(d);
        g_mutex_lock(&d->lock);
        d->log_func = func;
        d->log_userdata = userdata;
        g_mutex_unlock(&d->lock);
}

unsigned emu_drive_get_n_commands(EmuDrive *d) {
        unsigned n;

        g_return_val_if_fail(d, 0);
        g_mutex_lock(&d->lock);
        n = d->n_commands;
        g_mutex_unlock(&d->lock);
        return n;
}

char **emu_drive_get_log(EmuDrive *d) {
        GPtrArray *a = g_ptr_array_new();

        g_mutex_lock(&d->lock);
        for (GList *l = d->log.head; l; l = l->next)
                g_ptr_array_add(a, g_strdup(l->data));
        g_mutex_unlock(&d->lock);
        g_ptr_array_add(a, NULL);
        return (char **) g_ptr_array_free(a, FALSE);
}

void emu_drive_clear_log(EmuDrive *d) {
        g_mutex_lock(&d->lock);
        g_queue_clear_full(&d->log, g_free);
        g_queue_init(&d->log);
        g_mutex_unlock(&d->lock);
}

const char *emu_drive_get_name(EmuDrive *d) {
        return d->name;
}

bool emu_drive_has_medium(EmuDrive *d) {
        bool r;

        g_mutex_lock(&d->lock);
        r = current_medium(d) != NULL;
        g_mutex_unlock(&d->lock);
        return r;
}

uint32_t emu_drive_get_capacity(EmuDrive *d) {
        const EmuDisc *m;
        uint32_t r;

        g_mutex_lock(&d->lock);
        m = current_medium(d);
        r = m ? m->capacity : 0;
        g_mutex_unlock(&d->lock);
        return r;
}

/* The identity strings never change after emu_drive_new(), so no lock is needed. */
char *emu_drive_get_vendor(EmuDrive *d) {
        return g_strdup(d->vendor);
}
char *emu_drive_get_product(EmuDrive *d) {
        return g_strdup(d->product);
}
char *emu_drive_get_revision(EmuDrive *d) {
        return g_strdup(d->revision);
}
char *emu_drive_get_serial(EmuDrive *d) {
        return g_strdup(d->serial);
}

size_t emu_drive_get_profiles(EmuDrive *d, uint16_t *profiles, size_t n_max) {
        for (size_t i = 0; i < d->n_profiles && i < n_max; i++)
                profiles[i] = d->profiles[i];
        return d->n_profiles;
}

/* SPC-4 4.5.3 Table 48, fixed format sense data: response code 70h (current), SK in byte 2 bits 3..0,
 * additional sense length in byte 7 (10 → 18 bytes), ASC byte 12, ASCQ byte 13. */
void emu_sense_fill(uint8_t sense[static EMU_SENSE_LEN], uint8_t sk, uint8_t asc, uint8_t ascq) {
        memset(sense, 0, EMU_SENSE_LEN);
        sense[0] = 0x70;
        sense[2] = sk & 0x0f;
        sense[7] = EMU_SENSE_LEN - 8;
        sense[12] = asc;
        sense[13] = ascq;
}

void emu_lba_to_msf(int32_t lba, uint8_t *m, uint8_t *s, uint8_t *f) {
        /* MMC-6 Table 496 (LBA to MSF): 0 ≤ LBA+150 → MSF = LBA+150 frames; −45150 ≤ LBA < −150 (the lead-in)
         * → LBA + 450150 frames, which lands in minutes 90..99. */
        int64_t x = lba >= -150 ? (int64_t) lba + 150 : (int64_t) lba + 450150;

        if (x < 0)
                x = 0;
        *m = (uint8_t) (x / (60 * 75));
        *s = (uint8_t) ((x / 75) % 60);
        *f = (uint8_t) (x % 75);
}

/* ---- simple commands ---- */

/* SPC-4 6.39 REQUEST SENSE: returns the sense of the condition the drive is in right now (autosense has
 * already delivered the sense of failed commands). A pending UNIT ATTENTION is reported and cleared. */
static void cmd_request_sense(Cmd *c) {
        EmuDrive *d = c->drive;
        uint8_t *p = reply_grow(c, EMU_SENSE_LEN);

        if (d->unit_attention) {
                d->unit_attention = false;
                emu_sense_fill(p, SENSE_MEDIUM_CHANGED);
        } else if (!c->medium)
                emu_sense_fill(p, SENSE_NO_MEDIUM);
        else if (d->becoming_ready_left > 0)
                emu_sense_fill(p, SENSE_BECOMING_READY);
        else
                emu_sense_fill(p, 0, 0, 0);
}

static void put_padded(uint8_t *dest, const char *s, size_t width) {
        size_t n = MIN(strlen(s), width);
        memset(dest, ' ', width);
        memcpy(dest, s, n);
}

/* SPC-4 6.6: standard INQUIRY data (Table 148) or the VPD pages 00h (supported pages) and 80h (unit
 * serial number, only when the drive has a serial). */
static void cmd_inquiry(Cmd *c) {
        EmuDrive *d = c->drive;
        bool evpd = c->cdb[1] & 0x01;
        uint8_t page = c->cdb[2];
        uint8_t *p;

        if (c->cdb[1] & 0x02) /* CMDDT, obsolete */
                return cmd_fail(c, SENSE_INVALID_FIELD);

        if (!evpd) {
                if (page != 0)
                        return cmd_fail(c, SENSE_INVALID_FIELD);
                p = reply_grow(c, 96);
                p[0] = 0x05;        /* qualifier 0, peripheral device type 05h: CD/DVD device */
                p[1] = 0x80;        /* RMB: removable medium */
                p[2] = 0x05;        /* VERSION: SPC-3 */
                p[3] = 0x02;        /* response data format 2 */
                p[4] = 96 - 5;      /* additional length */
                put_padded(p + 8, d->vendor, 8);
                put_padded(p + 16, d->product, 16);
                put_padded(p + 32, d->revision, 4);
                set_be16(p + 58, 0x02a0); /* version descriptor: MMC-5 */
                set_be16(p + 60, 0x0300); /* SPC-3 */
                return;
        }

        switch (page) {
        case 0x00:
                p = reply_grow(c, d->serial[0] ? 6 : 5);
                p[0] = 0x05;
                p[3] = d->serial[0] ? 2 : 1; /* page length */
                p[4] = 0x00;
                if (d->serial[0])
                        p[5] = 0x80;
                return;
        case 0x80:
                if (!d->serial[0])
                        break;
                p = reply_grow(c, 4 + strlen(d->serial));
                p[0] = 0x05;
                p[1] = 0x80;
                p[3] = (uint8_t) strlen(d->serial);
                memcpy(p + 4, d->serial, strlen(d->serial));
                return;
        }
        cmd_fail(c, SENSE_INVALID_FIELD);
}

/* MMC-6 6.23 READ CAPACITY: bytes 0..3 the last readable LBA, 4..7 the block length. A medium with no
 * readable block (blank) answers 0, as FORMAT.md says. */
static void cmd_read_capacity(Cmd *c) {
        uint8_t *p = reply_grow(c, 8);

        set_be32(p, c->medium->capacity > 0 ? c->medium->capacity - 1 : 0);
        set_be32(p + 4, 2048);
}

/* ECMA-119 8.4: the Primary Volume Descriptor; only what readers check (type, "CD001", version, volume
 * space size both-endian at 80..87, set size/sequence number/block size both-endian). */
static void fill_pvd(uint8_t *b, uint32_t blocks) {
        b[0] = 0x01;
        memcpy(b + 1, "CD001", 5);
        b[6] = 0x01;
        memset(b + 8, ' ', 32);  /* system identifier */
        memset(b + 40, ' ', 32); /* volume identifier */
        memcpy(b + 40, "EMULATED", 8);
        for (int i = 0; i < 4; i++) {
                b[80 + i] = (uint8_t) (blocks >> (8 * i)); /* little-endian half */
                b[87 - i] = (uint8_t) (blocks >> (8 * i)); /* big-endian half */
        }
        b[120] = 1, b[123] = 1;   /* volume set size */
        b[124] = 1, b[127] = 1;   /* volume sequence number */
        b[128] = 0x00, b[129] = 0x08, b[130] = 0x08, b[131] = 0x00; /* logical block size 2048 */
        b[881] = 0x01;            /* file structure version */
}

/* MMC-6 6.16 READ (10) / 6.17 READ (12): 2048-byte blocks of what was written there (drive-write.c), else
 * zeros, except the PVD at LBA 16 when the disc has `iso_blocks`. Reading past the readable capacity fails
 * 05/21/00. Only what fits the host's buffer is built (there is no length header to keep). */
static void cmd_read(Cmd *c, size_t buf_len) {
        uint32_t lba = get_be32(c->cdb + 2);
        uint64_t blocks = c->cdb[0] == 0x28 ? get_be16(c->cdb + 7) : get_be32(c->cdb + 6);
        uint64_t total;
        uint8_t *p;

        if ((uint64_t) lba + blocks > c->medium->capacity)
                return cmd_fail(c, SENSE_LBA_OUT_OF_RANGE);
        total = MIN(blocks * 2048, (uint64_t) buf_len);
        p = reply_grow(c, total);
        emu_write_read_recorded(c, lba, p, total);
        if (c->medium->iso_blocks_set && lba <= 16 && 16 < (uint64_t) lba + blocks) {
                uint64_t off = (uint64_t) (16 - lba) * 2048;
                if (off + 2048 <= total)
                        fill_pvd(p + off, c->medium->iso_blocks);
                else if (off < total) {
                        uint8_t pvd[2048] = {};
                        fill_pvd(pvd, c->medium->iso_blocks);
                        memcpy(p + off, pvd, total - off);
                }
        }
}

/* MMC-6 6.7 GET EVENT STATUS NOTIFICATION, polled only. Header (Table 153): 0..1 event data length, 2 NEA
 * bit 7 + notification class, 3 supported classes. Only the media class (bit 4, class 4) is supported;
 * its descriptor (Table 160): 4 media event code, 5 bit 1 Media Present / bit 0 Door Open, 6..7 slots. */
static void cmd_get_event_status(Cmd *c) {
        uint8_t *p;

        if (!(c->cdb[1] & 0x01)) /* asynchronous operation is not supported */
                return cmd_fail(c, SENSE_INVALID_FIELD);

        if (!(c->cdb[4] & 0x10)) {
                p = reply_grow(c, 4);
                set_be16(p, 2);
                p[2] = 0x80; /* NEA: no event of a requested class available */
                p[3] = 0x10;
                return;
        }
        p = reply_grow(c, 8);
        set_be16(p, 6);
        p[2] = 0x04; /* media class */
        p[3] = 0x10;
        p[4] = c->drive->media_event;
        p[5] = c->medium ? 0x02 : 0x00;
        c->drive->media_event = 0;
}

/* MMC-6 6.11 MECHANISM STATUS (Table 195): a single-slot drive, idle, door closed, no slot table. */
static void cmd_mechanism_status(Cmd *c) {
        (void) reply_grow(c, 8);
}

/* ---- dispatch ---- */

static void cmd_test_unit_ready(Cmd *c) {
}

static const CommandDesc commands[] = {
        { 0x00, 6, true, -1, 0, -1, 0, cmd_test_unit_ready },
        { 0x03, 6, false, 4, 1, 7, 1, cmd_request_sense },
        { 0x12, 6, false, 3, 2, 4, 1, cmd_inquiry },
        { 0x23, 10, false, 7, 2, 3, 1, emu_cmd_read_format_capacities },
        { 0x25, 10, true, -1, 0, 0, 4, cmd_read_capacity },
        { 0x28, 10, true, -1, 0, -1, 0, NULL /* cmd_read */ },
        { 0x43, 10, true, 7, 2, 0, 2, emu_cmd_read_toc },
        { 0x46, 10, false, 7, 2, 0, 4, emu_cmd_get_configuration },
        { 0x4a, 10, false, 7, 2, 0, 2, cmd_get_event_status },
        { 0x51, 10, true, 7, 2, 0, 2, emu_cmd_read_disc_information },
        { 0x52, 10, true, 7, 2, 0, 2, emu_cmd_read_track_information },
        { 0x5a, 10, false, 7, 2, 0, 2, emu_cmd_mode_sense10 },
        { 0xa8, 12, true, -1, 0, -1, 0, NULL /* cmd_read */ },
        { 0xad, 12, true, 8, 2, 0, 2, emu_cmd_read_dvd_structure },
        { 0xbd, 12, false, 8, 2, 6, 2, cmd_mechanism_status },
};

static const CommandDesc *find_command(uint8_t opcode) {
        for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
                if (commands[i].opcode == opcode)
                        return &commands[i];
        return emu_write_find_command(opcode);
}

static char *format_log_line(const char *name, const uint8_t *cdb, size_t cdb_len) {
        GString *s = g_string_new(name);
        for (size_t i = 0; i < cdb_len; i++)
                g_string_append_printf(s, " %02x", cdb[i]);
        return g_string_free(s, FALSE);
}

static void finish_reply(Cmd *c, const CommandDesc *desc, uint8_t *buf, size_t buf_len, EmuResult *res) {
        const EmuQuirk *q;
        size_t n = c->reply->len;

        /* `garbage`: the length header claims all ones (0xFF / 0xFFFF / 0xFFFFFFFF). */
        if (desc->header_at >= 0 && emu_disc_find_quirk(c->file, EMU_QUIRK_GARBAGE, desc->opcode) &&
            c->reply->len >= (size_t) desc->header_at + desc->header_size)
                memset(c->reply->data + desc->header_at, 0xff, desc->header_size);

        /* A reply longer than the allocation length is cut; its header keeps the full length (MMC-6 4.1.5). */
        if (desc->alloc_at >= 0) {
                size_t alloc = desc->alloc_size == 1 ? c->cdb[desc->alloc_at] : get_be16(c->cdb + desc->alloc_at);
                n = MIN(n, alloc);
        }
        q = emu_disc_find_quirk(c->file, EMU_QUIRK_SHORT, desc->opcode);
        if (q)
                n = MIN(n, (size_t) q->n);
        n = MIN(n, buf_len);
        if (n > 0)
                memcpy(buf, c->reply->data, n);
        res->len = n;
        res->status = EMU_STATUS_GOOD;
}

int emu_drive_command(EmuDrive *d, const uint8_t *cdb, size_t cdb_len, uint8_t *buf, size_t buf_len,
                      EmuResult *res) {
        return emu_drive_command_out(d, cdb, cdb_len, NULL, 0, buf, buf_len, res);
}

int emu_drive_command_out(EmuDrive *d, const uint8_t *cdb, size_t cdb_len, const uint8_t *out, size_t out_len,
                          uint8_t *buf, size_t buf_len, EmuResult *res) {
        g_autofree char *line = NULL;
        const CommandDesc *desc;
        const EmuQuirk *q;
        EmuLogFunc log_func;
        void *log_userdata;
        Cmd c = {};

        if (!res)
                return -EINVAL;
        *res = (EmuResult) {};
        if (!d || !cdb || cdb_len == 0 || cdb_len > sizeof(c.cdb) || (buf_len > 0 && !buf) || (out_len > 0 && !out))
                return -EINVAL;

        line = format_log_line(d->name, cdb, cdb_len);

        g_mutex_lock(&d->lock);
        d->n_commands++;
        if (g_queue_get_length(&d->log) >= LOG_MAX_LINES)
                g_free(g_queue_pop_head(&d->log));
        g_queue_push_tail(&d->log, g_strdup(line));
        log_func = d->log_func;
        log_userdata = d->log_userdata;

        c.drive = d;
        memcpy(c.cdb, cdb, cdb_len);
        c.cdb_len = cdb_len;
        c.file = d->file;
        c.medium = current_medium(d);
        c.reply = g_byte_array_new();
        c.out = out;
        c.out_len = out_len;

        if (d->gone || emu_disc_has_quirk(c.file, EMU_QUIRK_GONE)) {
                res->host_status = EMU_DID_NO_CONNECT;
                goto finish;
        }
        q = emu_disc_find_quirk(c.file, EMU_QUIRK_DELAY, cdb[0]);
        if (q)
                res->delay_ms = q->n;
        if (emu_disc_find_quirk(c.file, EMU_QUIRK_TIMEOUT, cdb[0])) {
                res->host_status = EMU_DID_TIME_OUT;
                goto finish;
        }

        q = emu_disc_find_quirk(c.file, EMU_QUIRK_SENSE, cdb[0]);
        if (q)
                cmd_fail(&c, q->sk, q->asc, q->ascq);
        else if (cdb[0] == 0x52 && emu_disc_has_quirk(c.file, EMU_QUIRK_NO_TRACK_INFO))
                cmd_fail(&c, SENSE_INVALID_OPCODE);
        /* SPC-4 5.14: INQUIRY never reports a UNIT ATTENTION, REQUEST SENSE returns it as data. */
        else if (d->unit_attention && cdb[0] != 0x12 && cdb[0] != 0x03) {
                d->unit_attention = false;
                cmd_fail(&c, SENSE_MEDIUM_CHANGED);
        } else if (!(desc = find_command(cdb[0])))
                cmd_fail(&c, SENSE_INVALID_OPCODE);
        else if (cdb_len < desc->cdb_len)
                cmd_fail(&c, SENSE_INVALID_FIELD);
        else if (desc->media_access && !c.medium)
                cmd_fail(&c, SENSE_NO_MEDIUM);
        else if (desc->media_access && d->becoming_ready_left > 0) {
                d->becoming_ready_left--;
                cmd_fail(&c, SENSE_BECOMING_READY);
        } else {
                if (desc->handler)
                        desc->handler(&c);
                else
                        cmd_read(&c, buf_len);
                if (!c.failed)
                        finish_reply(&c, desc, buf, buf_len, res);
        }

        if (c.failed) {
                res->status = EMU_STATUS_CHECK_CONDITION;
                emu_sense_fill(res->sense, c.sk, c.asc, c.ascq);
                res->sense_len = EMU_SENSE_LEN;
                res->len = 0;
        }

finish:
        g_mutex_unlock(&d->lock);
        g_byte_array_unref(c.reply);

        if (log_func)
                log_func(line, log_userdata);
        return 0;
}
