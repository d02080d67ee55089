/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * The `.disc` parser. tests/discs/FORMAT.md is the contract: `key = value` lines, `#` comments, decimal or
 * 0x numbers, `track =` lines of name=value words, `quirk =` lines, `expect.*` lines kept in order. Every
 * error names the file and the line.
 */

#include <errno.h>
#include <string.h>

#include <glib.h>

#include "disc.h"

#define DEFAULT_PROFILES "0x08 0x09 0x0a 0x10 0x11 0x12 0x13 0x14 0x15 0x1a 0x1b 0x2b 0x40 0x41 0x43"

/* DVD-R, DVD-RW sequential, DVD-R DL and BD-R: written in incremental (packet) mode. */
static bool profile_is_incremental(uint16_t p) {
        return p == 0x11 || p == 0x14 || p == 0x15 || p == 0x16 || p == 0x41 || p == 0x42;
}

typedef struct Parser {
        const char *name;
        unsigned line;
        char *error;
        GHashTable *seen; /* scalar keys already given */
        bool have_profile, have_disc_status, have_last_session, have_capacity, have_lead_out_max,
                have_blocking;
        GArray *tracks;
        GArray *quirks;
        GPtrArray *expect_keys, *expect_values;
} Parser;

static int fail(Parser *p, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static int fail(Parser *p, const char *fmt, ...) {
        va_list ap;
        g_autofree char *msg = NULL;

        va_start(ap, fmt);
        msg = g_strdup_vprintf(fmt, ap);
        va_end(ap);

        if (!p->error)
                p->error = g_strdup_printf("%s:%u: %s", p->name, p->line, msg);
        return -EINVAL;
}

/* Decimal, or hexadecimal with 0x. No sign unless allow_negative; no empty digits, no trailing junk. */
static int parse_number(Parser *p, const char *what, const char *s, int64_t min, int64_t max, int64_t *ret) {
        bool neg = false;
        const char *digits = s;
        unsigned base = 10;
        guint64 v;
        char *end = NULL;

        if (*digits == '-' && min < 0) {
                neg = true;
                digits++;
        }
        if (g_str_has_prefix(digits, "0x") || g_str_has_prefix(digits, "0X")) {
                base = 16;
                digits += 2;
        }
        if (!g_ascii_isxdigit(*digits) || (base == 10 && !g_ascii_isdigit(*digits)))
                return fail(p, "%s: bad number '%s'", what, s);

        errno = 0;
        v = g_ascii_strtoull(digits, &end, base);
        if (errno != 0 || *end != '\0' || v > (guint64) INT64_MAX)
                return fail(p, "%s: bad number '%s'", what, s);
        if ((neg ? -(int64_t) v : (int64_t) v) < min || (neg ? -(int64_t) v : (int64_t) v) > max)
                return fail(p, "%s: %s out of range %" G_GINT64_FORMAT "..%" G_GINT64_FORMAT, what, s, min,
                            max);

        *ret = neg ? -(int64_t) v : (int64_t) v;
        return 0;
}

static int parse_u32(Parser *p, const char *what, const char *s, uint32_t max, uint32_t *ret) {
        int64_t v;
        int r = parse_number(p, what, s, 0, max, &v);
        if (r < 0)
                return r;
        *ret = (uint32_t) v;
        return 0;
}

static int parse_bool01(Parser *p, const char *what, const char *s, bool *ret) {
        if (strcmp(s, "0") == 0)
                *ret = false;
        else if (strcmp(s, "1") == 0)
                *ret = true;
        else
                return fail(p, "%s: expected 0 or 1, got '%s'", what, s);
        return 0;
}

/* A space-separated list of numbers ≤ max into out[] (capacity n_max). */
static int parse_list(Parser *p, const char *what, const char *s, uint32_t max, size_t n_max, uint32_t *out,
                      size_t *ret_n) {
        g_auto(GStrv) words = g_strsplit_set(s, " \t", -1);
        size_t n = 0;

        for (char **w = words; *w; w++) {
                if (**w == '\0')
                        continue;
                if (n >= n_max)
                        return fail(p, "%s: more than %zu entries", what, n_max);
                int r = parse_u32(p, what, *w, max, &out[n]);
                if (r < 0)
                        return r;
                n++;
        }
        *ret_n = n;
        return 0;
}

static int parse_string(Parser *p, const char *key, const char *value, size_t max, char **dest) {
        if (max > 0 && strlen(value) > max)
                return fail(p, "%s: '%s' is longer than %zu characters", key, value, max);
        for (const char *c = value; *c; c++)
                if ((unsigned char) *c < 0x20 || (unsigned char) *c > 0x7e)
                        return fail(p, "%s: only printable ASCII is allowed", key);
        g_free(*dest);
        *dest = g_strdup(value);
        return 0;
}

static int parse_track(Parser *p, const char *value) {
        g_auto(GStrv) words = g_strsplit_set(value, " \t", -1);
        g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        EmuTrack t = { .data = true, .state = EMU_TRACK_COMPLETE };
        bool have_session = false, have_start = false, have_size = false, have_packet = false;
        int64_t v;
        int r;

        for (char **w = words; *w; w++) {
                const char *eq;
                g_autofree char *name = NULL;
                const char *val;

                if (**w == '\0')
                        continue;
                eq = strchr(*w, '=');
                if (!eq || eq == *w)
                        return fail(p, "track: expected name=value, got '%s'", *w);
                name = g_strndup(*w, eq - *w);
                val = eq + 1;
                if (g_hash_table_contains(seen, name))
                        return fail(p, "track: '%s' given twice", name);
                /* Not g_intern_string(): the words come from the file, and interned strings live forever. */
                g_hash_table_add(seen, g_strdup(name));

                if (strcmp(name, "session") == 0) {
                        r = parse_number(p, "track session", val, 1, 0xffff, &v);
                        t.session = (unsigned) v;
                        have_session = true;
                } else if (strcmp(name, "start") == 0) {
                        r = parse_u32(p, "track start", val, UINT32_MAX, &t.start);
                        have_start = true;
                } else if (strcmp(name, "size") == 0) {
                        r = parse_u32(p, "track size", val, UINT32_MAX, &t.size);
                        have_size = true;
                } else if (strcmp(name, "mode") == 0) {
                        if (strcmp(val, "data") == 0)
                                t.data = true;
                        else if (strcmp(val, "audio") == 0)
                                t.data = false;
                        else
                                return fail(p, "track mode: expected data or audio, got '%s'", val);
                        r = 0;
                } else if (strcmp(name, "state") == 0) {
                        t.state = emu_track_state_from_string(val);
                        if (t.state < 0)
                                return fail(p, "track state: unknown state '%s'", val);
                        r = 0;
                } else if (strcmp(name, "nwa") == 0) {
                        /* An LBA may be negative in MMC (the CD pregap); keep it signed. */
                        r = parse_number(p, "track nwa", val, INT32_MIN, INT32_MAX, &v);
                        t.nwa = (int32_t) v;
                        t.nwa_valid = true;
                } else if (strcmp(name, "free") == 0)
                        r = parse_u32(p, "track free", val, UINT32_MAX, &t.free_blocks);
                else if (strcmp(name, "lra") == 0) {
                        r = parse_u32(p, "track lra", val, UINT32_MAX, &t.lra);
                        t.lra_valid = true;
                } else if (strcmp(name, "packet") == 0) {
                        r = parse_bool01(p, "track packet", val, &t.packet);
                        have_packet = true;
                } else if (strcmp(name, "fp") == 0)
                        r = parse_bool01(p, "track fp", val, &t.fp);
                else if (strcmp(name, "damage") == 0)
                        r = parse_bool01(p, "track damage", val, &t.damage);
                else
                        return fail(p, "track: unknown word '%s'", name);
                if (r < 0)
                        return r;
        }

        if (!have_session || !have_start || !have_size)
                return fail(p, "track: session=, start= and size= are required");
        if (p->tracks->len > 0) {
                const EmuTrack *prev = &g_array_index(p->tracks, EmuTrack, p->tracks->len - 1);
                if (t.session < prev->session)
                        return fail(p, "track: session %u after a track of session %u", t.session,
                                    prev->session);
        }
        if (t.state == EMU_TRACK_DAMAGED)
                t.damage = true;
        /* The packet default depends on the profile, which may come later in the file: finish() resolves
         * it for tracks without an explicit packet= (recorded in p->seen). */
        t.number = p->tracks->len + 1;
        g_array_append_val(p->tracks, t);
        if (have_packet)
                g_hash_table_add(p->seen, g_strdup_printf("track%u.packet", t.number));
        return 0;
}

static int parse_sense_triple(Parser *p, const char *s, EmuQuirk *q) {
        g_auto(GStrv) parts = g_strsplit(s, "/", -1);
        uint8_t out[3];

        if (g_strv_length(parts) != 3)
                return fail(p, "quirk sense: expected SK/ASC/ASCQ in hex, got '%s'", s);
        for (int i = 0; i < 3; i++) {
                char *end = NULL;
                guint64 v;

                if (!g_ascii_isxdigit(parts[i][0]))
                        return fail(p, "quirk sense: bad hex byte '%s'", parts[i]);
                v = g_ascii_strtoull(parts[i], &end, 16);
                if (*end != '\0' || v > 0xff || (i == 0 && v > 0x0f))
                        return fail(p, "quirk sense: bad hex byte '%s'", parts[i]);
                out[i] = (uint8_t) v;
        }
        q->sk = out[0];
        q->asc = out[1];
        q->ascq = out[2];
        return 0;
}

/* The FORMAT.md quirk table: name, then what each argument is. */
typedef enum QuirkArg {
        ARG_NONE,
        ARG_OPCODE, /* 0..0xff */
        ARG_SENSE,  /* SK/ASC/ASCQ in hex */
        ARG_COUNT,  /* a number into EmuQuirk.n */
} QuirkArg;

static const struct {
        const char *name;
        EmuQuirkType type;
        QuirkArg arg1, arg2;
        uint32_t max; /* for ARG_COUNT */
} quirk_table[] = {
        { "becoming_ready", EMU_QUIRK_BECOMING_READY, ARG_COUNT, ARG_NONE, 1000000 },
        { "unit_attention", EMU_QUIRK_UNIT_ATTENTION, ARG_NONE, ARG_NONE, 0 },
        { "sense", EMU_QUIRK_SENSE, ARG_OPCODE, ARG_SENSE, 0 },
        { "short", EMU_QUIRK_SHORT, ARG_OPCODE, ARG_COUNT, 0xffffff },
        { "garbage", EMU_QUIRK_GARBAGE, ARG_OPCODE, ARG_NONE, 0 },
        { "delay", EMU_QUIRK_DELAY, ARG_OPCODE, ARG_COUNT, 600000 /* ms */ },
        { "timeout", EMU_QUIRK_TIMEOUT, ARG_OPCODE, ARG_NONE, 0 },
        { "gone", EMU_QUIRK_GONE, ARG_NONE, ARG_NONE, 0 },
        { "cd_nwa_minus_150", EMU_QUIRK_CD_NWA_MINUS_150, ARG_NONE, ARG_NONE, 0 },
        { "no_toc1", EMU_QUIRK_NO_TOC1, ARG_NONE, ARG_NONE, 0 },
        { "no_track_info", EMU_QUIRK_NO_TRACK_INFO, ARG_NONE, ARG_NONE, 0 },
};

static int parse_quirk_arg(Parser *p, const char *quirk, QuirkArg kind, uint32_t max, const char *s, EmuQuirk *q) {
        g_autofree char *what = g_strdup_printf("quirk %s", quirk);
        uint32_t v = 0;
        int r;

        switch (kind) {
        case ARG_OPCODE:
                r = parse_u32(p, what, s, 0xff, &v);
                q->opcode = (uint8_t) v;
                return r;
        case ARG_SENSE:
                return parse_sense_triple(p, s, q);
        case ARG_COUNT:
                r = parse_u32(p, what, s, max, &v);
                q->n = v;
                return r;
        default:
                return 0;
        }
}

static int parse_quirk(Parser *p, const char *value) {
        g_auto(GStrv) raw = g_strsplit_set(value, " \t", -1);
        g_autoptr(GPtrArray) w = g_ptr_array_new();
        EmuQuirk q = {};
        int r;

        for (char **s = raw; *s; s++)
                if (**s)
                        g_ptr_array_add(w, *s);
        if (w->len == 0)
                return fail(p, "quirk: empty");

        for (size_t i = 0; i < G_N_ELEMENTS(quirk_table); i++) {
                const char *name = g_ptr_array_index(w, 0);
                unsigned n_args = (quirk_table[i].arg1 != ARG_NONE) + (quirk_table[i].arg2 != ARG_NONE);

                if (strcmp(name, quirk_table[i].name) != 0)
                        continue;
                if (w->len != n_args + 1)
                        return fail(p, "quirk %s: expected %u argument(s)", name, n_args);
                q.type = quirk_table[i].type;
                if (n_args >= 1) {
                        r = parse_quirk_arg(p, name, quirk_table[i].arg1, quirk_table[i].max, g_ptr_array_index(w, 1), &q);
                        if (r < 0)
                                return r;
                }
                if (n_args >= 2) {
                        r = parse_quirk_arg(p, name, quirk_table[i].arg2, quirk_table[i].max, g_ptr_array_index(w, 2), &q);
                        if (r < 0)
                                return r;
                }
                g_array_append_val(p->quirks, q);
                return 0;
        }
        return fail(p, "quirk: unknown quirk '%s'", (const char *) g_ptr_array_index(w, 0));
}

static int once(Parser *p, const char *key) {
        if (g_hash_table_contains(p->seen, key))
                return fail(p, "'%s' given twice", key);
        g_hash_table_add(p->seen, g_strdup(key));
        return 0;
}

static int parse_line(Parser *p, EmuDisc *d, const char *key, const char *value) {
        uint32_t u = 0, list[EMU_MAX_FEATURES];
        size_t n;
        int r;

        if (g_str_has_prefix(key, "expect.")) {
                const char *k = key + strlen("expect.");
                if (*k == '\0')
                        return fail(p, "empty expect key");
                if (once(p, key) < 0)
                        return -EINVAL;
                g_ptr_array_add(p->expect_keys, g_strdup(k));
                g_ptr_array_add(p->expect_values, g_strdup(value));
                return 0;
        }
        if (strcmp(key, "track") == 0)
                return parse_track(p, value);
        if (strcmp(key, "quirk") == 0)
                return parse_quirk(p, value);

        if (once(p, key) < 0)
                return -EINVAL;

        if (strcmp(key, "vendor") == 0)
                return parse_string(p, key, value, 8, &d->vendor);
        if (strcmp(key, "product") == 0)
                return parse_string(p, key, value, 16, &d->product);
        if (strcmp(key, "revision") == 0)
                return parse_string(p, key, value, 4, &d->revision);
        if (strcmp(key, "serial") == 0)
                return parse_string(p, key, value, 0, &d->serial);
        if (strcmp(key, "profiles") == 0) {
                uint32_t prof[EMU_MAX_PROFILES];
                r = parse_list(p, key, value, 0xffff, EMU_MAX_PROFILES, prof, &n);
                if (r < 0)
                        return r;
                d->n_profiles = n;
                for (size_t i = 0; i < n; i++)
                        d->profiles[i] = (uint16_t) prof[i];
                return 0;
        }
        if (strcmp(key, "medium") == 0) {
                if (strcmp(value, "present") == 0)
                        d->present = true;
                else if (strcmp(value, "none") == 0)
                        d->present = false;
                else
                        return fail(p, "medium: expected present or none, got '%s'", value);
                return 0;
        }
        if (strcmp(key, "profile") == 0) {
                r = parse_u32(p, key, value, 0xffff, &u);
                d->profile = (uint16_t) u;
                p->have_profile = true;
                return r;
        }
        if (strcmp(key, "disc_status") == 0) {
                static const char *const names[] = { "blank", "appendable", "complete", "other" };
                for (unsigned i = 0; i < G_N_ELEMENTS(names); i++)
                        if (strcmp(value, names[i]) == 0) {
                                d->disc_status = i;
                                p->have_disc_status = true;
                                return 0;
                        }
                return fail(p, "disc_status: expected blank, appendable, complete or other, got '%s'", value);
        }
        if (strcmp(key, "last_session") == 0) {
                static const char *const names[] = { "empty", "incomplete", "damaged", "complete" };
                for (unsigned i = 0; i < G_N_ELEMENTS(names); i++)
                        if (strcmp(value, names[i]) == 0) {
                                d->last_session = i;
                                p->have_last_session = true;
                                return 0;
                        }
                return fail(p, "last_session: expected empty, incomplete, damaged or complete, got '%s'", value);
        }
        if (strcmp(key, "erasable") == 0)
                return parse_bool01(p, key, value, &d->erasable);
        if (strcmp(key, "disc_type") == 0) {
                r = parse_u32(p, key, value, 0xff, &u);
                d->disc_type = (uint8_t) u;
                return r;
        }
        if (strcmp(key, "capacity") == 0) {
                p->have_capacity = true;
                return parse_u32(p, key, value, UINT32_MAX, &d->capacity);
        }
        if (strcmp(key, "lead_out_max") == 0) {
                p->have_lead_out_max = true;
                return parse_u32(p, key, value, UINT32_MAX, &d->lead_out_max);
        }
        if (strcmp(key, "features") == 0) {
                r = parse_list(p, key, value, 0xffff, EMU_MAX_FEATURES, list, &n);
                if (r < 0)
                        return r;
                d->n_features = n;
                for (size_t i = 0; i < n; i++)
                        d->features[i] = (uint16_t) list[i];
                return 0;
        }
        if (strcmp(key, "blocking") == 0) {
                r = parse_u32(p, key, value, 0xffff, &u);
                d->blocking = (uint16_t) u;
                p->have_blocking = true;
                return r;
        }
        if (strcmp(key, "link_sizes") == 0) {
                r = parse_list(p, key, value, 0xff, EMU_MAX_LINK_SIZES, list, &n);
                if (r < 0)
                        return r;
                d->n_link_sizes = n;
                for (size_t i = 0; i < n; i++)
                        d->link_sizes[i] = (uint8_t) list[i];
                return 0;
        }
        if (strcmp(key, "iso_blocks") == 0) {
                d->iso_blocks_set = true;
                return parse_u32(p, key, value, UINT32_MAX, &d->iso_blocks);
        }

        return fail(p, "unknown key '%s'", key);
}

/* The last block a track holds data in, or -1 if it holds none. */
static int64_t track_last_recorded(const EmuTrack *t) {
        if (t->lra_valid)
                return t->lra;
        switch (t->state) {
        case EMU_TRACK_INVISIBLE:
        case EMU_TRACK_BLANK:
        case EMU_TRACK_RESERVED:
                return -1;
        case EMU_TRACK_INCOMPLETE:
        case EMU_TRACK_DAMAGED:
                if (t->nwa_valid)
                        return t->nwa > (int64_t) t->start ? t->nwa - 1 : -1;
                break;
        default:
                break;
        }
        return t->size > 0 ? (int64_t) t->start + t->size - 1 : -1;
}

static int finish(Parser *p, EmuDisc *d) {
        if (d->present) {
                if (!p->have_profile)
                        return fail(p, "missing required key 'profile' (medium is present)");
                if (!p->have_disc_status)
                        return fail(p, "missing required key 'disc_status' (medium is present)");
                if (!p->have_last_session)
                        return fail(p, "missing required key 'last_session' (medium is present)");
        }

        d->n_tracks = p->tracks->len;
        d->tracks = (EmuTrack *) g_array_free(g_steal_pointer(&p->tracks), FALSE);
        d->n_quirks = p->quirks->len;
        d->quirks = (EmuQuirk *) g_array_free(g_steal_pointer(&p->quirks), FALSE);

        for (size_t i = 0; i < d->n_tracks; i++) {
                EmuTrack *t = &d->tracks[i];
                g_autofree char *k = g_strdup_printf("track%u.packet", t->number);

                /* FORMAT.md: packet defaults to 1 for invisible/incomplete tracks on DVD-R (incl. DVD-RW
                 * sequential and DVD-R DL) and BD-R, which are written incrementally. */
                if (!g_hash_table_contains(p->seen, k))
                        t->packet = profile_is_incremental(d->profile) &&
                                    (t->state == EMU_TRACK_INVISIBLE || t->state == EMU_TRACK_INCOMPLETE);
        }

        if (!p->have_blocking)
                d->blocking = emu_profile_is_bd(d->profile) ? 32 : emu_profile_is_dvd(d->profile) ? 16 : 1;

        if (!p->have_capacity) {
                int64_t last = -1;
                for (size_t i = 0; i < d->n_tracks; i++)
                        last = MAX(last, track_last_recorded(&d->tracks[i]));
                d->capacity = (uint32_t) (last + 1);
        }
        if (!p->have_lead_out_max && d->n_tracks > 0) {
                const EmuTrack *t = &d->tracks[d->n_tracks - 1];
                d->lead_out_max = t->start + t->size;
        }

        d->n_expect = p->expect_keys->len;
        g_ptr_array_add(p->expect_keys, NULL);
        g_ptr_array_add(p->expect_values, NULL);
        d->expect_keys = (char **) g_ptr_array_free(g_steal_pointer(&p->expect_keys), FALSE);
        d->expect_values = (char **) g_ptr_array_free(g_steal_pointer(&p->expect_values), FALSE);
        return 0;
}

static EmuDisc *disc_new_defaults(const char *name) {
        EmuDisc *d = g_new0(EmuDisc, 1);
        g_auto(GStrv) profs = g_strsplit(DEFAULT_PROFILES, " ", -1);

        d->name = g_strdup(name);
        d->vendor = g_strdup("EMULATED");
        d->product = g_strdup("MMC DRIVE");
        d->revision = g_strdup("1.00");
        d->serial = g_strdup("");
        for (char **s = profs; *s && d->n_profiles < EMU_MAX_PROFILES; s++)
                d->profiles[d->n_profiles++] = (uint16_t) g_ascii_strtoull(*s, NULL, 16);
        d->present = true;
        d->n_features = 1;
        d->features[0] = 0x0010;
        d->n_link_sizes = 1;
        d->link_sizes[0] = 16;
        return d;
}

EmuDisc *emu_disc_new_empty(void) {
        EmuDisc *d = disc_new_defaults("none");

        d->present = false;
        d->blocking = 1;
        d->expect_keys = g_new0(char *, 1);
        d->expect_values = g_new0(char *, 1);
        return d;
}

int emu_disc_parse(const char *text, const char *name, EmuDisc **ret, char **ret_error) {
        g_auto(GStrv) lines = NULL;
        EmuDisc *d;
        Parser p = {
                .name = name ?: "<string>",
                .seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
                .tracks = g_array_new(FALSE, TRUE, sizeof(EmuTrack)),
                .quirks = g_array_new(FALSE, TRUE, sizeof(EmuQuirk)),
                .expect_keys = g_ptr_array_new_with_free_func(g_free),
                .expect_values = g_ptr_array_new_with_free_func(g_free),
        };
        int r = 0;

        g_return_val_if_fail(text, -EINVAL);
        g_return_val_if_fail(ret, -EINVAL);

        d = disc_new_defaults(p.name);
        lines = g_strsplit(text, "\n", -1);
        for (char **l = lines; *l && r >= 0; l++) {
                g_autofree char *line = g_strdup(*l);
                char *hash, *eq, *key, *value;

                p.line++;
                hash = strchr(line, '#');
                if (hash)
                        *hash = '\0';
                g_strstrip(line);
                if (*line == '\0')
                        continue;
                eq = strchr(line, '=');
                if (!eq) {
                        r = fail(&p, "expected 'key = value'");
                        break;
                }
                *eq = '\0';
                key = g_strstrip(line);
                value = g_strstrip(eq + 1);
                if (*key == '\0') {
                        r = fail(&p, "empty key");
                        break;
                }
                r = parse_line(&p, d, key, value);
        }
        if (r >= 0) {
                /* Errors found at the end (a missing key) name the last line of the file. */
                if (p.line > 1 && g_str_has_suffix(text, "\n"))
                        p.line--;
                r = finish(&p, d);
        }

        g_hash_table_unref(p.seen);
        if (p.tracks)
                g_array_free(p.tracks, TRUE);
        if (p.quirks)
                g_array_free(p.quirks, TRUE);
        if (p.expect_keys)
                g_ptr_array_free(p.expect_keys, TRUE);
        if (p.expect_values)
                g_ptr_array_free(p.expect_values, TRUE);

        if (r < 0) {
                emu_disc_free(d);
                if (ret_error)
                        *ret_error = g_steal_pointer(&p.error);
                g_free(p.error);
                return r;
        }
        *ret = d;
        return 0;
}

int emu_disc_load(const char *path, EmuDisc **ret, char **ret_error) {
        g_autofree char *text = NULL;
        g_autoptr(GError) error = NULL;

        g_return_val_if_fail(path, -EINVAL);

        if (!g_file_get_contents(path, &text, NULL, &error)) {
                if (ret_error)
                        *ret_error = g_strdup_printf("%s: %s", path, error->message);
                return error->domain == G_FILE_ERROR && error->code == G_FILE_ERROR_NOENT ? -ENOENT : -EIO;
        }
        return emu_disc_parse(text, path, ret, ret_error);
}
