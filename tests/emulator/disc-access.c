/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * EmuDisc lifetime, accessors and the facts FORMAT.md derives from a disc (sessions, complete sessions,
 * quirk and feature lookups, profile families). The parser is disc.c.
 */

#include <glib.h>

#include "disc.h"

static const char *const track_state_table[_EMU_TRACK_STATE_MAX] = {
        [EMU_TRACK_COMPLETE] = "complete",   [EMU_TRACK_INCOMPLETE] = "incomplete",
        [EMU_TRACK_INVISIBLE] = "invisible", [EMU_TRACK_BLANK] = "blank",
        [EMU_TRACK_RESERVED] = "reserved",   [EMU_TRACK_DAMAGED] = "damaged",
};

const char *emu_track_state_to_string(EmuTrackState s) {
        if (s < 0 || s >= _EMU_TRACK_STATE_MAX)
                return NULL;
        return track_state_table[s];
}

EmuTrackState emu_track_state_from_string(const char *s) {
        for (int i = 0; i < _EMU_TRACK_STATE_MAX; i++)
                if (g_strcmp0(s, track_state_table[i]) == 0)
                        return i;
        return _EMU_TRACK_STATE_INVALID;
}

/* MMC-6 Table 91: 08h–0Ah CD family, 10h–2Bh DVD family (incl. DVD+R DL), 40h–43h BD. HD DVD (50h–5Ah) is
 * counted with DVD for the 16-block ECC unit. */
bool emu_profile_is_cd(uint16_t p) {
        return p >= 0x08 && p <= 0x0a;
}

bool emu_profile_is_dvd(uint16_t p) {
        return (p >= 0x10 && p <= 0x2b) || (p >= 0x50 && p <= 0x5a);
}

bool emu_profile_is_bd(uint16_t p) {
        return p >= 0x40 && p <= 0x43;
}

void emu_disc_free(EmuDisc *d) {
        if (!d)
                return;
        g_free(d->name);
        g_free(d->vendor);
        g_free(d->product);
        g_free(d->revision);
        g_free(d->serial);
        g_free(d->tracks);
        g_free(d->quirks);
        g_strfreev(d->expect_keys);
        g_strfreev(d->expect_values);
        g_free(d);
}

EmuDisc *emu_disc_copy(const EmuDisc *d) {
        EmuDisc *c;

        g_return_val_if_fail(d, NULL);

        c = g_memdup2(d, sizeof(*d));
        c->name = g_strdup(d->name);
        c->vendor = g_strdup(d->vendor);
        c->product = g_strdup(d->product);
        c->revision = g_strdup(d->revision);
        c->serial = g_strdup(d->serial);
        c->tracks = g_memdup2(d->tracks, d->n_tracks * sizeof(EmuTrack));
        c->quirks = g_memdup2(d->quirks, d->n_quirks * sizeof(EmuQuirk));
        c->expect_keys = g_strdupv(d->expect_keys);
        c->expect_values = g_strdupv(d->expect_values);
        return c;
}

const char *emu_disc_expect(const EmuDisc *d, const char *key) {
        g_return_val_if_fail(d, NULL);
        for (size_t i = 0; i < d->n_expect; i++)
                if (g_strcmp0(d->expect_keys[i], key) == 0)
                        return d->expect_values[i];
        return NULL;
}

size_t emu_disc_n_expect(const EmuDisc *d) {
        return d ? d->n_expect : 0;
}

const char *emu_disc_expect_nth(const EmuDisc *d, size_t i, const char **ret_value) {
        g_return_val_if_fail(d, NULL);
        if (i >= d->n_expect)
                return NULL;
        if (ret_value)
                *ret_value = d->expect_values[i];
        return d->expect_keys[i];
}

size_t emu_disc_n_tracks(const EmuDisc *d) {
        return d ? d->n_tracks : 0;
}

const EmuTrack *emu_disc_track(const EmuDisc *d, size_t i) {
        g_return_val_if_fail(d, NULL);
        return i < d->n_tracks ? &d->tracks[i] : NULL;
}

unsigned emu_track_number(const EmuTrack *t) {
        return t->number;
}

unsigned emu_track_session(const EmuTrack *t) {
        return t->session;
}

uint32_t emu_track_start(const EmuTrack *t) {
        return t->start;
}

uint32_t emu_track_size(const EmuTrack *t) {
        return t->size;
}

bool emu_track_is_data(const EmuTrack *t) {
        return t->data;
}

const char *emu_track_state_string(const EmuTrack *t) {
        return emu_track_state_to_string(t->state);
}

int64_t emu_track_lra(const EmuTrack *t) {
        return t->lra_valid ? (int64_t) t->lra : -1;
}

bool emu_track_is_recorded(const EmuTrack *t) {
        return t->state != EMU_TRACK_INVISIBLE && t->state != EMU_TRACK_BLANK;
}

unsigned emu_disc_n_sessions(const EmuDisc *d) {
        unsigned n = 1;
        for (size_t i = 0; i < d->n_tracks; i++)
                n = MAX(n, d->tracks[i].session);
        return n;
}

/* libburn's rule (mmc-multisession.md §4.1): the open or empty last session does not count. */
unsigned emu_disc_n_complete_sessions(const EmuDisc *d) {
        unsigned n = emu_disc_n_sessions(d);

        if (!d->present || d->disc_status == EMU_DISC_BLANK)
                return 0;
        return d->last_session == EMU_SESSION_COMPLETE ? n : n - 1;
}

bool emu_disc_has_quirk(const EmuDisc *d, EmuQuirkType type) {
        for (size_t i = 0; d && i < d->n_quirks; i++)
                if (d->quirks[i].type == type)
                        return true;
        return false;
}

const EmuQuirk *emu_disc_find_quirk(const EmuDisc *d, EmuQuirkType type, uint8_t opcode) {
        for (size_t i = 0; d && i < d->n_quirks; i++)
                if (d->quirks[i].type == type && d->quirks[i].opcode == opcode)
                        return &d->quirks[i];
        return NULL;
}

bool emu_disc_feature_current(const EmuDisc *d, uint16_t feature) {
        for (size_t i = 0; d && i < d->n_features; i++)
                if (d->features[i] == feature)
                        return true;
        return false;
}
