/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* See published.h. */

#include <string.h>

#include "expect.h"
#include "published.h"

static const char *const ifaces[3] = { MSD_SEQ_IFACE, MSD_DRIVE_IFACE, MSD_RW_IFACE };

struct Published {
        Harness *h;
        char *path;
        GHashTable *props[3]; /* name → GVariant */
        guint next;           /* the next signal index to look at */
        guint64 serial;
};

static int iface_index(const char *iface) {
        for (int i = 0; i < 3; i++)
                if (strcmp(ifaces[i], iface) == 0)
                        return i;
        return -1;
}

Published *published_new(Harness *h, const char *node) {
        Published *p = g_new0(Published, 1);

        p->h = h;
        p->path = harness_drive_path(node);
        (void) harness_sync(h); /* the signals sent so far are before the mark */
        p->next = harness_signals_mark(h);
        for (int i = 0; i < 3; i++) {
                g_autoptr(GVariant) all = harness_get_all(h, p->path, ifaces[i]);
                GVariantIter it;
                const char *name;
                GVariant *value;

                p->props[i] = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                                    (GDestroyNotify) g_variant_unref);
                if (!all)
                        continue;
                g_variant_iter_init(&it, all);
                while (g_variant_iter_next(&it, "{&sv}", &name, &value))
                        g_hash_table_insert(p->props[i], g_strdup(name), value);
        }
        return p;
}

void published_free(Published *p) {
        if (!p)
                return;
        for (int i = 0; i < 3; i++)
                g_clear_pointer(&p->props[i], g_hash_table_unref);
        g_free(p->path);
        g_free(p);
}

static gboolean step_below(Published *p, guint end) {
        for (; p->next < MIN(end, harness_n_signals(p->h)); p->next++) {
                const HarnessSignal *s = harness_signal(p->h, p->next);
                g_autoptr(GVariant) changed = NULL;
                const char *iface, *name;
                GVariantIter it;
                GVariant *value;
                int k;

                if (strcmp(s->path, p->path) != 0 || strcmp(s->member, "PropertiesChanged") != 0 ||
                    !g_variant_is_of_type(s->params, G_VARIANT_TYPE("(sa{sv}as)")))
                        continue;
                g_variant_get(s->params, "(&s@a{sv}@as)", &iface, &changed, NULL);
                k = iface_index(iface);
                if (k < 0)
                        continue;
                g_variant_iter_init(&it, changed);
                while (g_variant_iter_next(&it, "{&sv}", &name, &value))
                        g_hash_table_insert(p->props[k], g_strdup(name), value);
                p->serial = s->serial;
                p->next++;
                return TRUE;
        }
        return FALSE;
}

gboolean published_step(Published *p) {
        harness_drain(p->h);
        return step_below(p, G_MAXUINT);
}

void published_advance_to(Published *p, guint end) {
        while (step_below(p, end))
                ;
}

GVariant *published_get(Published *p, const char *iface, const char *prop) {
        int k = iface_index(iface);
        return k < 0 ? NULL : g_hash_table_lookup(p->props[k], prop);
}

static GVariant *dict(GHashTable *t) {
        GVariantBuilder b;
        GHashTableIter it;
        gpointer key, value;

        g_variant_builder_init(&b, G_VARIANT_TYPE("a{sv}"));
        g_hash_table_iter_init(&it, t);
        while (g_hash_table_iter_next(&it, &key, &value))
                g_variant_builder_add(&b, "{sv}", (const char *) key, (GVariant *) value);
        return g_variant_ref_sink(g_variant_builder_end(&b));
}

void published_dicts(Published *p, GVariant **ret_seq, GVariant **ret_drive, GVariant **ret_rw) {
        *ret_seq = dict(p->props[0]);
        *ret_drive = dict(p->props[1]);
        *ret_rw = dict(p->props[2]);
}

guint64 published_serial(Published *p) {
        return p->serial;
}

static const char *current_state(Published *p) {
        GVariant *v = published_get(p, MSD_DRIVE_IFACE, "ProbeState");
        return v && g_variant_is_of_type(v, G_VARIANT_TYPE_STRING) ? g_variant_get_string(v, NULL) : "";
}

guint published_check_periods(Published *p, const char *state, const EmuDisc *want, GString *out) {
        g_autoptr(GString) last = g_string_new(NULL);
        bool in_period = strcmp(current_state(p), state) == 0;
        guint n = in_period ? 1 : 0;
        guint64 serial = 0;

        for (;;) {
                bool more = published_step(p);
                bool now = more && strcmp(current_state(p), state) == 0;

                /* A period ends when ProbeState moves on: what was published just before is its state. */
                if (in_period && !now && last->len)
                        g_string_append_printf(
                                out, "while ProbeState was '%s' (up to signal #%" G_GUINT64_FORMAT "):\n%s",
                                state, serial, last->str);
                if (!more)
                        break;
                if (now) {
                        g_autoptr(GVariant) seq = NULL, drive = NULL, rw = NULL;

                        if (!in_period)
                                n++;
                        published_dicts(p, &seq, &drive, &rw);
                        g_string_truncate(last, 0);
                        expect_check_props(want, seq, drive, rw, last);
                        serial = published_serial(p);
                }
                in_period = now;
        }
        return n;
}
