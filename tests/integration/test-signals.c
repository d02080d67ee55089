/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * PropertiesChanged on media changes (design.md §2, §3 "coalesced PropertiesChanged"). One daemon, one
 * drive; the steps run in order and each swaps the medium through the FIFO. Every signal of the drive
 * path is recorded from the moment the control line is written until the drive settled, and:
 *   - the first is on the Drive interface and carries DiskSeq (new value) and ProbeState "probing";
 *   - per interface, the union of the changed names is exactly the set of properties whose expected
 *     values (the .disc files' expect lines) differ between the old and the new disc, plus ProbeState
 *     and DiskSeq on every change and TimeMediaDetected unless both media are absent;
 *   - no name appears in two signals of the same interface, except ProbeState (probing → final);
 *     after the probe there is one signal per interface; no signal is empty; nothing is merely
 *     invalidated;
 *   - the last signalled value of each name equals GetAll afterwards, which equals the new disc's values.
 */

#include <string.h>
#include <unistd.h>

#include "expect.h"
#include "harness.h"

typedef struct Step {
        const char *path; /* test path */
        const char *disc; /* NULL: eject */
} Step;

static const Step steps[] = {
        { "/signals/01-insert-into-empty", "cdr-appendable-1session" },
        { "/signals/02-same-disc-again", "cdr-appendable-1session" },
        { "/signals/03-swap-cd-more-sessions", "cdr-appendable-3sessions" },
        { "/signals/04-swap-to-overwritable", "dvdplusrw-iso" },
        { "/signals/05-swap-to-closed-bd", "bdr-closed" },
        { "/signals/06-eject", NULL },
        { "/signals/07-insert-blank-dvd", "dvdr-blank" },
        { "/signals/08-swap-to-damaged-dvd-rw", "dvdrw-seq-damaged" },
        { "/signals/09-swap-to-rom", "dvdrom" },
};

static Harness *h;
static char *drive_disc;
static bool broken;

static const char *const ifaces[] = { MSD_SEQ_IFACE, MSD_DRIVE_IFACE, MSD_RW_IFACE };
static const char *const prefixes[] = { "seq", "drive", "rw" };

/* "0x4" and "4" are the same number; everything else compares as text. */
static bool same_expected(const char *a, const char *b) {
        char *ea = NULL, *eb = NULL;
        gint64 na = g_ascii_strtoll(a, &ea, 0), nb = g_ascii_strtoll(b, &eb, 0);

        if (*a && *b && ea && !*ea && eb && !*eb)
                return na == nb;
        return strcmp(a, b) == 0;
}

/* The names of iface (by its expect prefix) whose expected value differs between old and new; names
 * only one side has an expectation for go to `unknown`. */
static void expected_changes(const EmuDisc *old, const EmuDisc *new, const char *prefix, GHashTable *want,
                             GHashTable *unknown) {
        for (size_t i = 0; i < emu_disc_n_expect(new); i++) {
                const char *nv, *key = emu_disc_expect_nth(new, i, &nv);
                size_t plen = strlen(prefix);
                const char *ov;

                if (strncmp(key, prefix, plen) != 0 || key[plen] != '.')
                        continue;
                ov = emu_disc_expect(old, key);
                if (!ov)
                        g_hash_table_add(unknown, g_strdup(key + plen + 1));
                else if (!same_expected(ov, nv))
                        g_hash_table_add(want, g_strdup(key + plen + 1));
        }
        if (strcmp(prefix, "drive") == 0) {
                g_hash_table_add(want, g_strdup("ProbeState"));
                g_hash_table_add(want, g_strdup("DiskSeq"));
                if (old->present || new->present)
                        g_hash_table_add(want, g_strdup("TimeMediaDetected"));
        }
}

static int cmp_strp(gconstpointer a, gconstpointer b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

static char *set_string(GHashTable *set) {
        g_autoptr(GPtrArray) a = g_ptr_array_new();
        g_autoptr(GString) s = g_string_new(NULL);
        GHashTableIter it;
        gpointer key;

        g_hash_table_iter_init(&it, set);
        while (g_hash_table_iter_next(&it, &key, NULL))
                g_ptr_array_add(a, key);

        g_ptr_array_sort(a, cmp_strp);
        for (guint i = 0; i < a->len; i++)
                g_string_append_printf(s, "%s%s", i ? " " : "", (char *) a->pdata[i]);
        return g_string_free(g_steal_pointer(&s), FALSE);
}

typedef struct Recorded {
        guint from;
        const char *path;
        GHashTable *want[3]; /* what must show up, per interface */
} Recorded;

/* The union of the names of iface signalled for path since from. */
static GHashTable *signalled_names(guint from, const char *path, const char *iface) {
        GHashTable *names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

        for (guint i = from; i < harness_n_signals(h); i++) {
                const HarnessSignal *s = harness_signal(h, i);
                g_autoptr(GVariant) changed = NULL;
                g_autofree const char **inval = NULL;
                const char *ifc, *name;
                GVariantIter it;

                if (strcmp(s->member, "PropertiesChanged") != 0 || strcmp(s->path, path) != 0)
                        continue;
                g_variant_get(s->params, "(&s@a{sv}^a&s)", &ifc, &changed, &inval);
                if (strcmp(ifc, iface) != 0)
                        continue;
                g_variant_iter_init(&it, changed);
                while (g_variant_iter_next(&it, "{&sv}", &name, NULL))
                        g_hash_table_add(names, g_strdup(name));
                for (size_t k = 0; inval && inval[k]; k++)
                        g_hash_table_add(names, g_strdup(inval[k]));
        }
        return names;
}

static gboolean cond_all_signalled(Harness *hh, gpointer data) {
        Recorded *r = data;

        for (size_t i = 0; i < G_N_ELEMENTS(ifaces); i++) {
                g_autoptr(GHashTable) got = signalled_names(r->from, r->path, ifaces[i]);
                GHashTableIter it;
                gpointer name;

                g_hash_table_iter_init(&it, r->want[i]);
                while (g_hash_table_iter_next(&it, &name, NULL))
                        if (!g_hash_table_contains(got, name))
                                return FALSE;
        }
        return TRUE;
}

/* Every check of the file header for the signals since r->from. */
static void analyse(Recorded *r, const EmuDisc *old, const EmuDisc *new, guint64 old_diskseq, GHashTable **unknown,
                    GString *out) {
        GVariant *fresh[3] = {};
        bool first = true;

        for (size_t i = 0; i < G_N_ELEMENTS(ifaces); i++)
                fresh[i] = harness_get_all(h, r->path, ifaces[i]);
        for (size_t i = 0; i < G_N_ELEMENTS(ifaces); i++) {
                g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
                g_autoptr(GHashTable) last = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                                                   (GDestroyNotify) g_variant_unref);
                g_autoptr(GHashTable) got = signalled_names(r->from, r->path, ifaces[i]);
                unsigned n_signals = 0, n_after_probe = 0;
                const char *state_first = NULL;
                GHashTableIter it;
                gpointer name, value;

                for (guint k = r->from; k < harness_n_signals(h); k++) {
                        const HarnessSignal *s = harness_signal(h, k);
                        g_autoptr(GVariant) changed = NULL;
                        g_autofree const char **inval = NULL;
                        const char *ifc, *pname;
                        GVariant *pvalue;
                        GVariantIter vi;
                        bool probing = false;

                        if (strcmp(s->member, "PropertiesChanged") != 0 || strcmp(s->path, r->path) != 0)
                                continue;
                        g_variant_get(s->params, "(&s@a{sv}^a&s)", &ifc, &changed, &inval);
                        if (first) {
                                guint64 seq = 0;
                                const char *st = NULL;
                                g_autofree char *shown = g_variant_print(s->params, TRUE);
                                first = false;
                                if (strcmp(ifc, MSD_DRIVE_IFACE) != 0 || !g_variant_lookup(changed, "ProbeState", "&s", &st) ||
                                    strcmp(st, "probing") != 0 || !g_variant_lookup(changed, "DiskSeq", "t", &seq))
                                        g_string_append_printf(out, "the first signal (#%" G_GUINT64_FORMAT ") is not "
                                                               "Drive {DiskSeq, ProbeState 'probing'}: %s\n",
                                                               s->serial, shown);
                                else if (seq <= old_diskseq)
                                        g_string_append_printf(out, "DiskSeq went from %" G_GUINT64_FORMAT " to %"
                                                               G_GUINT64_FORMAT ", expected an increase\n",
                                                               old_diskseq, seq);
                        }
                        if (strcmp(ifc, ifaces[i]) != 0)
                                continue;
                        n_signals++;
                        if (g_variant_n_children(changed) == 0 && !(inval && inval[0]))
                                g_string_append_printf(out, "%s: signal #%" G_GUINT64_FORMAT " changes nothing\n",
                                                       prefixes[i], s->serial);
                        if (inval && inval[0]) {
                                g_autofree char *l = g_strjoinv(" ", (char **) inval);
                                g_string_append_printf(out, "%s: signal #%" G_GUINT64_FORMAT " only invalidates %s "
                                                       "(every property emits its value, design.md 2)\n", prefixes[i], s->serial, l);
                        }
                        g_variant_iter_init(&vi, changed);
                        while (g_variant_iter_loop(&vi, "{&sv}", &pname, &pvalue)) {
                                if (strcmp(pname, "ProbeState") == 0) {
                                        probing = strcmp(g_variant_get_string(pvalue, NULL), "probing") == 0;
                                        if (!state_first)
                                                state_first = g_variant_get_string(pvalue, NULL);
                                } else if (g_hash_table_contains(seen, pname)) {
                                        g_string_append_printf(out, "%s.%s appears in two signals (the second is #%"
                                                               G_GUINT64_FORMAT ")\n", prefixes[i], pname, s->serial);
                                }
                                g_hash_table_add(seen, g_strdup(pname));
                                g_hash_table_replace(last, g_strdup(pname), g_variant_ref(pvalue));
                        }
                        if (!probing)
                                n_after_probe++;
                }
                /* after the probe: one signal per interface (becoming-ready would add more; no step uses it) */
                if (n_after_probe > 1)
                        g_string_append_printf(out, "%s: %u signals after the probe, expected one\n", prefixes[i],
                                               n_after_probe);
                if (i == 1 && g_strcmp0(state_first, "probing") != 0)
                        g_string_append_printf(out, "drive.ProbeState: first signalled '%s', expected 'probing'\n",
                                               state_first ?: "(never)");

                /* the union against the expectation */
                {
                        g_autoptr(GHashTable) missing = g_hash_table_new(g_str_hash, g_str_equal);
                        g_autoptr(GHashTable) extra = g_hash_table_new(g_str_hash, g_str_equal);
                        g_autofree char *ms = NULL, *es = NULL;

                        g_hash_table_iter_init(&it, r->want[i]);
                        while (g_hash_table_iter_next(&it, &name, NULL))
                                if (!g_hash_table_contains(got, name))
                                        g_hash_table_add(missing, name);
                        g_hash_table_iter_init(&it, got);
                        while (g_hash_table_iter_next(&it, &name, NULL))
                                if (!g_hash_table_contains(r->want[i], name) && !g_hash_table_contains(unknown[i], name))
                                        g_hash_table_add(extra, name);
                        ms = set_string(missing);
                        es = set_string(extra);
                        if (*ms)
                                g_string_append_printf(out, "%s: changed but never signalled: %s\n", prefixes[i], ms);
                        if (*es)
                                g_string_append_printf(out, "%s: signalled but not changed (old and new disc agree): %s\n",
                                                       prefixes[i], es);
                }
                /* the last signalled values are what GetAll says now */
                g_hash_table_iter_init(&it, last);
                while (fresh[i] && g_hash_table_iter_next(&it, &name, &value)) {
                        g_autoptr(GVariant) now = g_variant_lookup_value(fresh[i], name, NULL);
                        if (!now || !g_variant_equal(now, value)) {
                                g_autofree char *a = g_variant_print(value, TRUE);
                                g_autofree char *b = now ? g_variant_print(now, TRUE) : g_strdup("(missing)");
                                g_string_append_printf(out, "%s.%s: last signalled %s, but GetAll says %s\n", prefixes[i],
                                                       (char *) name, a, b);
                        }
                }
        }
        if (first)
                g_string_append(out, "no PropertiesChanged at all for the drive\n");
        if (fresh[0] && fresh[1] && fresh[2])
                expect_check_props(new, fresh[0], fresh[1], fresh[2], out);
        for (size_t i = 0; i < G_N_ELEMENTS(fresh); i++)
                g_clear_pointer(&fresh[i], g_variant_unref);
}

static EmuDisc *load_step_disc(const char *disc) {
        return harness_load_disc(disc ?: "none");
}

static void test_step(gconstpointer data) {
        const Step *step = data;
        size_t index = (size_t) (step - steps);
        g_autoptr(EmuDisc) old = load_step_disc(index ? steps[index - 1].disc : NULL);
        g_autoptr(EmuDisc) new = load_step_disc(step->disc);
        g_autofree char *path = harness_drive_path("sr0");
        g_autofree char *file = step->disc ? harness_disc_path(step->disc) : NULL;
        g_autoptr(GString) out = g_string_new(NULL);
        GHashTable *unknown[3];
        Recorded r = { .path = path };
        guint64 old_diskseq;

        if (!h && !broken) {
                const char *files[] = { NULL, NULL };
                drive_disc = harness_write_drive_disc();
                files[0] = drive_disc;
                h = harness_start(files);
                broken = !h || !harness_wait_settled(h, "sr0", HARNESS_ANY_DISKSEQ);
        }
        if (broken || !old || !new) {
                g_test_fail_printf("the daemon did not start, or a disc did not load (see the first test)");
                return;
        }
        for (size_t i = 0; i < G_N_ELEMENTS(ifaces); i++) {
                r.want[i] = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
                unknown[i] = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
                expected_changes(old, new, prefixes[i], r.want[i], unknown[i]);
        }

        /* Nothing left over from the previous step may count for this one. */
        if (!harness_sync(h) || (old_diskseq = harness_diskseq(h, "sr0")) == HARNESS_ANY_DISKSEQ)
                goto out;
        r.from = harness_signals_mark(h);
        if (!harness_insert(h, "sr0", file))
                goto out;
        /* Settled; the last signals may still be on their way (they are emitted at idle priority). */
        (void) harness_wait(h, cond_all_signalled, &r, 2000);
        if (!harness_sync(h))
                goto out;
        analyse(&r, old, new, old_diskseq, unknown, out);
        if (out->len) {
                g_autoptr(GString) log = g_string_new(NULL);
                for (guint i = r.from; i < harness_n_signals(h); i++) {
                        const HarnessSignal *s = harness_signal(h, i);
                        g_autofree char *p = g_variant_print(s->params, FALSE);
                        g_string_append_printf(log, "  #%" G_GUINT64_FORMAT " %s %s.%s %s\n", s->serial, s->path,
                                               s->iface, s->member, p);
                }
                harness_fail(h, "%s -> %s: the PropertiesChanged of the change are wrong:\n%sthe signals:\n%s",
                             index ? (steps[index - 1].disc ?: "(empty)") : "(empty)", step->disc ?: "(eject)",
                             out->str, log->str);
        }
out:
        for (size_t i = 0; i < G_N_ELEMENTS(ifaces); i++) {
                g_clear_pointer(&r.want[i], g_hash_table_unref);
                g_clear_pointer(&unknown[i], g_hash_table_unref);
        }
}

static void test_shutdown(void) {
        if (!h) {
                g_test_skip("the daemon was not started");
                return;
        }
        (void) harness_stop(g_steal_pointer(&h));
}

int main(int argc, char **argv) {
        int r;

        harness_test_init(&argc, &argv);
        for (size_t i = 0; i < G_N_ELEMENTS(steps); i++)
                g_test_add_data_func(steps[i].path, &steps[i], test_step);
        g_test_add_func("/signals/zz/shutdown", test_shutdown);

        r = g_test_run();
        if (h)
                (void) harness_stop(g_steal_pointer(&h));
        if (drive_disc)
                (void) unlink(drive_disc);
        g_free(drive_disc);
        return r;
}
