/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * The `.disc` writer: an EmuDisc as tests/discs/FORMAT.md text, so that a state the emulated drive reached
 * by burning (drive-write.c) becomes a regression disc. Every medium key is written out, also where it
 * equals the default, so the file does not depend on the parser's defaults; a track word is written only
 * when it differs from the track's default. No expect lines: those are written by hand.
 */

#include <errno.h>
#include <inttypes.h>

#include "drive-write.h"

static const char *const disc_status_names[] = { "blank", "appendable", "complete", "other" };
static const char *const session_names[] = { "empty", "incomplete", "damaged", "complete" };

/* FORMAT.md: packet defaults to 1 for invisible/incomplete tracks on DVD-R (incl. -RW sequential, -R DL)
 * and BD-R. */
static bool packet_default(const EmuDisc *d, const EmuTrack *t) {
        uint16_t p = d->profile;
        bool incremental = p == 0x11 || p == 0x14 || p == 0x15 || p == 0x16 || p == 0x41 || p == 0x42;

        return incremental && (t->state == EMU_TRACK_INVISIBLE || t->state == EMU_TRACK_INCOMPLETE);
}

static void append_track(GString *s, const EmuDisc *d, const EmuTrack *t) {
        bool open = t->state != EMU_TRACK_COMPLETE && t->state != EMU_TRACK_DAMAGED;

        g_string_append_printf(s, "track = session=%u start=%" PRIu32 " size=%" PRIu32, t->session, t->start, t->size);
        if (!t->data)
                g_string_append(s, " mode=audio");
        if (t->state != EMU_TRACK_COMPLETE)
                g_string_append_printf(s, " state=%s", emu_track_state_to_string(t->state));
        if (t->nwa_valid)
                g_string_append_printf(s, " nwa=%" PRIi32, t->nwa);
        if (t->free_blocks > 0 || open)
                g_string_append_printf(s, " free=%" PRIu32, t->free_blocks);
        if (t->lra_valid)
                g_string_append_printf(s, " lra=%" PRIu32, t->lra);
        if (t->packet != packet_default(d, t))
                g_string_append_printf(s, " packet=%d", t->packet);
        if (t->fp)
                g_string_append(s, " fp=1");
        if (t->damage && t->state != EMU_TRACK_DAMAGED)
                g_string_append(s, " damage=1");
        g_string_append_c(s, '\n');
}

/* The FORMAT.md quirk words. */
static void append_quirk(GString *s, const EmuQuirk *q) {
        g_string_append(s, "quirk = ");
        switch (q->type) {
        case EMU_QUIRK_BECOMING_READY:
                g_string_append_printf(s, "becoming_ready %u", q->n);
                break;
        case EMU_QUIRK_UNIT_ATTENTION:
                g_string_append(s, "unit_attention");
                break;
        case EMU_QUIRK_SENSE:
                g_string_append_printf(s, "sense 0x%02x %x/%02x/%02x", q->opcode, q->sk, q->asc, q->ascq);
                break;
        case EMU_QUIRK_SHORT:
                g_string_append_printf(s, "short 0x%02x %u", q->opcode, q->n);
                break;
        case EMU_QUIRK_GARBAGE:
                g_string_append_printf(s, "garbage 0x%02x", q->opcode);
                break;
        case EMU_QUIRK_DELAY:
                g_string_append_printf(s, "delay 0x%02x %u", q->opcode, q->n);
                break;
        case EMU_QUIRK_TIMEOUT:
                g_string_append_printf(s, "timeout 0x%02x", q->opcode);
                break;
        case EMU_QUIRK_GONE:
                g_string_append(s, "gone");
                break;
        case EMU_QUIRK_CD_NWA_MINUS_150:
                g_string_append(s, "cd_nwa_minus_150");
                break;
        case EMU_QUIRK_NO_TOC1:
                g_string_append(s, "no_toc1");
                break;
        case EMU_QUIRK_NO_TRACK_INFO:
                g_string_append(s, "no_track_info");
                break;
        default:
                g_assert_not_reached();
        }
        g_string_append_c(s, '\n');
}

/* A `key = v v v` line: 16-bit codes in hex (0x%02x profiles, 0x%04x features) or 8-bit values in decimal. */
static void append_list(GString *s, const char *key, const void *values, size_t n, unsigned hex_digits) {
        g_string_append_printf(s, "%s =", key);
        for (size_t i = 0; i < n; i++) {
                if (hex_digits > 0)
                        g_string_append_printf(s, " 0x%0*x", (int) hex_digits, ((const uint16_t *) values)[i]);
                else
                        g_string_append_printf(s, " %u", ((const uint8_t *) values)[i]);
        }
        g_string_append_c(s, '\n');
}

char *emu_disc_format(const EmuDisc *d, const char *header) {
        GString *s = g_string_new(NULL);

        g_return_val_if_fail(d, NULL);

        if (header) {
                g_auto(GStrv) lines = g_strsplit(header, "\n", -1);
                for (char **l = lines; *l; l++)
                        g_string_append_printf(s, "# %s\n", *l);
                g_string_append_c(s, '\n');
        }

        g_string_append_printf(s, "vendor = %s\nproduct = %s\nrevision = %s\n", d->vendor, d->product, d->revision);
        if (d->serial && d->serial[0])
                g_string_append_printf(s, "serial = %s\n", d->serial);
        append_list(s, "profiles", d->profiles, d->n_profiles, 2);
        g_string_append_c(s, '\n');

        if (!d->present) {
                g_string_append(s, "medium = none\n");
                return g_string_free(s, FALSE);
        }
        g_string_append_printf(s, "profile = 0x%02x\ndisc_status = %s\nlast_session = %s\n", d->profile,
                               disc_status_names[d->disc_status & 3], session_names[d->last_session & 3]);
        if (d->erasable)
                g_string_append(s, "erasable = 1\n");
        g_string_append_printf(s, "disc_type = 0x%02x\ncapacity = %" PRIu32 "\nlead_out_max = %" PRIu32 "\n",
                               d->disc_type, d->capacity, d->lead_out_max);
        append_list(s, "features", d->features, d->n_features, 4);
        g_string_append_printf(s, "blocking = %u\n", d->blocking);
        append_list(s, "link_sizes", d->link_sizes, d->n_link_sizes, 0);
        if (d->iso_blocks_set)
                g_string_append_printf(s, "iso_blocks = %" PRIu32 "\n", d->iso_blocks);

        if (d->n_tracks > 0)
                g_string_append_c(s, '\n');
        for (size_t i = 0; i < d->n_tracks; i++)
                append_track(s, d, &d->tracks[i]);
        if (d->n_quirks > 0)
                g_string_append_c(s, '\n');
        for (size_t i = 0; i < d->n_quirks; i++)
                append_quirk(s, &d->quirks[i]);
        return g_string_free(s, FALSE);
}

int emu_disc_save(const EmuDisc *d, const char *path, const char *header, char **ret_error) {
        g_autofree char *text = emu_disc_format(d, header);
        g_autoptr(GError) error = NULL;

        if (!g_file_set_contents(path, text, -1, &error)) {
                if (ret_error)
                        *ret_error = g_strdup_printf("%s: %s", path, error->message);
                return -EIO;
        }
        return 0;
}
