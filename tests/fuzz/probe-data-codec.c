/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "probe-data-codec.h"

typedef struct Codec {
        bool encode;
        const uint8_t *in; /* decode */
        size_t in_size, in_pos;
        uint8_t *out; /* encode */
        size_t out_size, out_alloc;
        bool oom;
} Codec;

static void codec_bytes(Codec *c, uint8_t *p, size_t n) {
        if (c->encode) {
                if (c->out_size + n > c->out_alloc) {
                        size_t a = (c->out_alloc + n) * 2;
                        uint8_t *o = realloc(c->out, a);

                        if (!o) {
                                c->oom = true;
                                return;
                        }
                        c->out = o;
                        c->out_alloc = a;
                }
                memcpy(c->out + c->out_size, p, n);
                c->out_size += n;
                return;
        }
        for (size_t i = 0; i < n; i++)
                p[i] = c->in_pos < c->in_size ? c->in[c->in_pos++] : 0;
}

/* Integers big-endian, so seeds read the same on any machine. */
static uint64_t codec_uint(Codec *c, uint64_t v, size_t n) {
        uint8_t b[8];

        for (size_t i = 0; i < n; i++)
                b[i] = (uint8_t) (v >> (8 * (n - 1 - i)));
        codec_bytes(c, b, n);
        v = 0;
        for (size_t i = 0; i < n; i++)
                v = v << 8 | b[i];
        return v;
}

#define CODEC_U8(c, x)   ((x) = (uint8_t) codec_uint((c), (x), 1))
#define CODEC_U16(c, x)  ((x) = (uint16_t) codec_uint((c), (x), 2))
#define CODEC_U32(c, x)  ((x) = (uint32_t) codec_uint((c), (x), 4))
#define CODEC_I32(c, x)  ((x) = (int32_t) (uint32_t) codec_uint((c), (uint32_t) (x), 4))
#define CODEC_BOOL(c, x) ((x) = codec_uint((c), (x), 1) & 1)
/* A bit field of the reply: only its bits survive. */
#define CODEC_BITS(c, x, mask) ((x) = (uint8_t) (codec_uint((c), (x), 1) & (mask)))
/* A count: no larger than its array. */
#define CODEC_COUNT(c, x, max) ((x) = (size_t) (codec_uint((c), (x), 2) % ((max) + 1)))

static void codec_config(Codec *c, MmcConfiguration *x) {
        CODEC_U16(c, x->current_profile);
        CODEC_COUNT(c, x->n_profiles, MMC_MAX_PROFILES);
        for (size_t i = 0; i < x->n_profiles; i++) {
                CODEC_U16(c, x->profiles[i]);
                CODEC_BOOL(c, x->profile_current[i]);
        }
        CODEC_BOOL(c, x->random_readable_present);
        CODEC_BOOL(c, x->random_readable_current);
        CODEC_U32(c, x->logical_block_size);
        CODEC_U16(c, x->blocking);
        CODEC_BOOL(c, x->incremental_present);
        CODEC_BOOL(c, x->incremental_current);
        CODEC_COUNT(c, x->n_link_sizes, MMC_MAX_LINK_SIZES);
        for (size_t i = 0; i < x->n_link_sizes; i++)
                CODEC_U8(c, x->link_sizes[i]);
        CODEC_BOOL(c, x->pow_present);
        CODEC_BOOL(c, x->pow_current);
}

static void codec_disc(Codec *c, MmcDiscInfo *x) {
        CODEC_BOOL(c, x->erasable);
        CODEC_BITS(c, x->last_session_state, 0x03);
        CODEC_BITS(c, x->disc_status, 0x03);
        CODEC_U8(c, x->first_track);
        CODEC_U16(c, x->n_sessions);
        CODEC_U16(c, x->first_track_last_session);
        CODEC_U16(c, x->last_track_last_session);
        CODEC_BOOL(c, x->did_v);
        CODEC_BOOL(c, x->dbc_v);
        CODEC_BOOL(c, x->uru);
        CODEC_BITS(c, x->bg_format_status, 0x03);
        CODEC_U8(c, x->disc_type);
        CODEC_U32(c, x->disc_id);
        CODEC_U32(c, x->last_session_lead_in);
        CODEC_U32(c, x->last_possible_lead_out);
}

static void codec_track(Codec *c, MmcTrackInfo *x) {
        CODEC_U16(c, x->track);
        CODEC_U16(c, x->session);
        CODEC_BOOL(c, x->layer_jump_present);
        CODEC_BOOL(c, x->damage);
        CODEC_BOOL(c, x->copy);
        CODEC_BITS(c, x->track_mode, 0x0f);
        CODEC_BOOL(c, x->rt);
        CODEC_BOOL(c, x->blank);
        CODEC_BOOL(c, x->packet);
        CODEC_BOOL(c, x->fp);
        CODEC_BITS(c, x->data_mode, 0x0f);
        CODEC_BOOL(c, x->lra_v);
        CODEC_BOOL(c, x->nwa_v);
        CODEC_U32(c, x->start);
        CODEC_U32(c, x->nwa);
        CODEC_U32(c, x->free_blocks);
        CODEC_U32(c, x->fixed_packet_size);
        CODEC_U32(c, x->size);
        CODEC_U32(c, x->lra);
        CODEC_U32(c, x->read_compat_lba);
}

static void codec_toc(Codec *c, MmcToc *x) {
        x->format = (uint8_t) (codec_uint(c, x->format, 1) % 3);
        CODEC_U8(c, x->first);
        CODEC_U8(c, x->last);
        CODEC_COUNT(c, x->n_entries, MMC_TOC_MAX_ENTRIES);
        for (size_t i = 0; i < x->n_entries; i++) {
                MmcTocEntry *e = &x->entries[i];

                CODEC_U8(c, e->session);
                CODEC_BITS(c, e->adr, 0x0f);
                CODEC_BITS(c, e->control, 0x0f);
                CODEC_U8(c, e->point);
                CODEC_I32(c, e->lba);
                CODEC_U8(c, e->min);
                CODEC_U8(c, e->sec);
                CODEC_U8(c, e->frame);
                CODEC_U8(c, e->pmin);
                CODEC_U8(c, e->psec);
                CODEC_U8(c, e->pframe);
        }
}

static void codec_probe_data(Codec *c, ProbeData *d) {
        CODEC_BOOL(c, d->media_present);
        CODEC_BOOL(c, d->have_config);
        codec_config(c, &d->config);
        CODEC_BOOL(c, d->have_disc);
        codec_disc(c, &d->disc);
        CODEC_BOOL(c, d->have_next);
        codec_track(c, &d->next);
        CODEC_BOOL(c, d->have_first);
        codec_track(c, &d->first);
        CODEC_BOOL(c, d->have_last);
        codec_track(c, &d->last);
        CODEC_BOOL(c, d->have_capacity);
        CODEC_U32(c, d->capacity.last_lba);
        CODEC_U32(c, d->capacity.block_size);
        CODEC_BOOL(c, d->have_toc);
        codec_toc(c, &d->toc);
        CODEC_BOOL(c, d->have_toc1);
        codec_toc(c, &d->toc1);
}

void probe_data_decode(const uint8_t *data, size_t size, ProbeData *ret) {
        Codec c = { .in = data, .in_size = size };

        memset(ret, 0, sizeof(*ret));
        codec_probe_data(&c, ret);
}

int probe_data_encode(const ProbeData *d, uint8_t **ret, size_t *ret_size) {
        Codec c = { .encode = true };
        ProbeData *copy = malloc(sizeof(ProbeData));

        /* The visitor writes back what it encodes; work on a copy. */
        if (!copy)
                return -ENOMEM;
        memcpy(copy, d, sizeof(*copy));
        codec_probe_data(&c, copy);
        free(copy);
        if (c.oom) {
                free(c.out);
                return -ENOMEM;
        }
        *ret = c.out;
        *ret_size = c.out_size;
        return 0;
}

static bool toc_consistent(const MmcToc *t) {
        /* mmc_parse_toc(): format 0 ascends and ends with the lead-out AAh, format 2 ascends by session. */
        if (t->format == 0) {
                if (t->n_entries == 0 || t->entries[t->n_entries - 1].point != 0xaa)
                        return false;
                for (size_t i = 1; i < t->n_entries; i++)
                        if (t->entries[i].point <= t->entries[i - 1].point)
                                return false;
        } else if (t->format == 2) {
                for (size_t i = 1; i < t->n_entries; i++)
                        if (t->entries[i].session < t->entries[i - 1].session)
                                return false;
        }
        return true;
}

bool probe_data_parser_consistent(const ProbeData *d) {
        /* mmc_parse_disc_information(): a written disc counts a session and its last one is ordered. */
        if (d->have_disc && d->disc.disc_status != MMC_DISC_STATUS_BLANK &&
            (d->disc.n_sessions == 0 || d->disc.first_track_last_session > d->disc.last_track_last_session))
                return false;
        if (d->have_toc && !toc_consistent(&d->toc))
                return false;
        if (d->have_toc1 && !toc_consistent(&d->toc1))
                return false;
        return true;
}
