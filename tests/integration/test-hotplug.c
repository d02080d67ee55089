/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * Drives coming and going (design.md §2: ObjectManager, Manager.Drives):
 *   /hotplug/three-drives       coldplug of three drives: three objects, Drives lists them, each with the
 *                               values of its own disc and its own identity
 *   /hotplug/add-remove         `add sr1 FILE` / `remove sr1` through the FIFO: InterfacesAdded before any
 *                               PropertiesChanged of the path, Drives changes, InterfacesRemoved, calls on
 *                               the gone path fail with UnknownObject, the Id survives a replug
 *   /hotplug/every-disc/NAME    every disc of the library hot-plugged as a drive of its own (identity from
 *                               the disc), checked, unplugged
 */

#include <string.h>

#include "expect.h"
#include "harness.h"

static char **discs;
static Harness *shared;
static bool shared_broken;

static int cmp_strp(gconstpointer a, gconstpointer b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

/* Manager.Drives as a sorted, space-separated string. */
static char *drives_string(GVariant *drives) {
        g_autoptr(GPtrArray) a = g_ptr_array_new();
        g_autoptr(GString) s = g_string_new(NULL);
        GVariantIter it;
        const char *p;

        g_variant_iter_init(&it, drives);
        while (g_variant_iter_next(&it, "&o", &p))
                g_ptr_array_add(a, (gpointer) p);
        g_ptr_array_sort(a, cmp_strp);
        for (guint i = 0; i < a->len; i++)
                g_string_append_printf(s, "%s%s", i ? " " : "", (char *) a->pdata[i]);
        return g_string_free(g_steal_pointer(&s), FALSE);
}

/* "path0 path1 …" for the nodes given */
static char *paths_string(const char *const *nodes) {
        g_autoptr(GString) s = g_string_new(NULL);

        for (size_t i = 0; nodes[i]; i++) {
                g_autofree char *p = harness_drive_path(nodes[i]);
                g_string_append_printf(s, "%s%s", i ? " " : "", p);
        }
        return g_string_free(g_steal_pointer(&s), FALSE);
}

static gboolean check_drives_property(Harness *h, const char *const *nodes) {
        g_autoptr(GVariant) v = harness_get(h, MSD_ROOT_PATH, MSD_MANAGER_IFACE, "Drives");
        g_autofree char *got = NULL, *want = paths_string(nodes);

        if (!v)
                return FALSE;
        if (!g_variant_is_of_type(v, G_VARIANT_TYPE("ao")))
                return harness_fail(h, "Manager.Drives has type %s, expected ao", g_variant_get_type_string(v));
        got = drives_string(v);
        if (strcmp(got, want) != 0)
                return harness_fail(h, "Manager.Drives: expected [%s], got [%s]", want, got);
        return TRUE;
}

static void test_three_drives(void) {
        const char *names[] = { "cdr-appendable-1session", "dvdplusrw-iso", "none" };
        const char *nodes[] = { "sr0", "sr1", "sr2", NULL };
        g_autofree char *f0 = harness_disc_path(names[0]), *f1 = harness_disc_path(names[1]),
                        *f2 = harness_disc_path(names[2]);
        const char *files[] = { f0, f1, f2, NULL };
        g_autoptr(GVariant) objects = NULL;
        g_autoptr(GError) error = NULL;
        Harness *h = harness_start(files);

        if (!h)
                return;
        for (size_t i = 0; nodes[i]; i++)
                if (!harness_wait_settled(h, nodes[i], HARNESS_ANY_DISKSEQ))
                        goto out;
        (void) check_drives_property(h, nodes);

        objects = harness_call(h, MSD_ROOT_PATH, DBUS_OM_IFACE, "GetManagedObjects", NULL,
                               G_VARIANT_TYPE("(a{oa{sa{sv}}})"), &error);
        if (!objects) {
                harness_fail(h, "GetManagedObjects() failed: %s", error->message);
        } else {
                g_autoptr(GVariant) dict = g_variant_get_child_value(objects, 0);
                for (size_t i = 0; nodes[i]; i++) {
                        g_autofree char *path = harness_drive_path(nodes[i]);
                        g_autoptr(GVariant) ifs = g_variant_lookup_value(dict, path, G_VARIANT_TYPE("a{sa{sv}}"));
                        const char *want[] = { MSD_SEQ_IFACE, MSD_DRIVE_IFACE, MSD_RW_IFACE };
                        if (!ifs) {
                                harness_fail(h, "GetManagedObjects() lacks %s", path);
                                continue;
                        }
                        for (size_t k = 0; k < G_N_ELEMENTS(want); k++) {
                                g_autoptr(GVariant) props = g_variant_lookup_value(ifs, want[k], NULL);
                                if (!props)
                                        harness_fail(h, "GetManagedObjects(): %s lacks %s", path, want[k]);
                        }
                }
                if (g_variant_n_children(dict) != 3)
                        harness_fail(h, "GetManagedObjects(): expected 3 objects, got %zu", g_variant_n_children(dict));
        }
        for (size_t i = 0; nodes[i]; i++) {
                g_autoptr(EmuDisc) d = harness_load_disc(names[i]);
                if (d)
                        (void) expect_check_drive(h, nodes[i], d, d, harness_start_time(h));
        }
out:
        (void) harness_stop(h);
}

/* ---- signals around add/remove ---- */

/* Index of the first signal at or after `from` matching; -1 if none. For InterfacesAdded/Removed,
 * object is the first argument; for PropertiesChanged, the signal's path. */
static int find_signal(Harness *h, guint from, const char *member, const char *object, const char *iface_arg) {
        for (guint i = from; i < harness_n_signals(h); i++) {
                const HarnessSignal *s = harness_signal(h, i);
                const char *o = NULL, *ifc = NULL;
                if (strcmp(s->member, member) != 0)
                        continue;
                if (strcmp(member, "PropertiesChanged") == 0) {
                        g_variant_get_child(s->params, 0, "&s", &ifc);
                        if (g_strcmp0(s->path, object) == 0 && (!iface_arg || strcmp(ifc, iface_arg) == 0))
                                return (int) i;
                } else if (g_variant_is_of_type(s->params, G_VARIANT_TYPE("(oa{sa{sv}})")) ||
                           g_variant_is_of_type(s->params, G_VARIANT_TYPE("(oas)"))) {
                        g_variant_get_child(s->params, 0, "&o", &o);
                        if (strcmp(o, object) == 0 && strcmp(s->path, MSD_ROOT_PATH) == 0)
                                return (int) i;
                }
        }
        return -1;
}

static bool drives_changed_to(Harness *h, guint from, const char *want);

/* The announcement of an add or a remove: the ObjectManager signal and the Drives change, in any order. */
typedef struct SignalWait {
        guint from;
        const char *member;
        const char *object;
        const char *drives;
} SignalWait;

static gboolean cond_signals(Harness *h, gpointer data) {
        SignalWait *w = data;
        return find_signal(h, w->from, w->member, w->object, NULL) >= 0 && drives_changed_to(h, w->from, w->drives);
}

/* A Drives PropertiesChanged on the root object at or after from whose value (sorted) is want. */
static bool drives_changed_to(Harness *h, guint from, const char *want) {
        for (guint i = from; i < harness_n_signals(h); i++) {
                const HarnessSignal *s = harness_signal(h, i);
                g_autoptr(GVariant) changed = NULL, drives = NULL;
                const char *ifc;
                g_autofree char *got = NULL;

                if (strcmp(s->member, "PropertiesChanged") != 0 || strcmp(s->path, MSD_ROOT_PATH) != 0)
                        continue;
                g_variant_get_child(s->params, 0, "&s", &ifc);
                if (strcmp(ifc, MSD_MANAGER_IFACE) != 0)
                        continue;
                changed = g_variant_get_child_value(s->params, 1);
                drives = g_variant_lookup_value(changed, "Drives", G_VARIANT_TYPE("ao"));
                if (drives && strcmp((got = drives_string(drives)), want) == 0)
                        return true;
        }
        return false;
}

static char *get_id(Harness *h, const char *node) {
        g_autofree char *path = harness_drive_path(node);
        g_autoptr(GVariant) v = harness_get(h, path, MSD_DRIVE_IFACE, "Id");
        return v && g_variant_is_of_type(v, G_VARIANT_TYPE_STRING) ? g_variant_dup_string(v, NULL) : NULL;
}

/* Adds node with file and checks the announcement; returns the drive's Id (NULL on failure). */
static char *plug(Harness *h, const char *node, const char *file, const char *const *all_nodes) {
        g_autofree char *path = harness_drive_path(node);
        g_autofree char *want_drives = paths_string(all_nodes);
        guint mark = harness_signals_mark(h);
        SignalWait w = { .from = mark, .member = "InterfacesAdded", .object = path, .drives = want_drives };
        int added, first_pc;

        if (!harness_control(h, "add %s %s", node, file) || !harness_wait_settled(h, node, HARNESS_ANY_DISKSEQ) ||
            !harness_sync(h))
                return NULL;
        (void) harness_wait(h, cond_signals, &w, HARNESS_TIMEOUT_MS);
        added = find_signal(h, mark, "InterfacesAdded", path, NULL);
        first_pc = find_signal(h, mark, "PropertiesChanged", path, NULL);
        if (added < 0) {
                harness_fail(h, "no InterfacesAdded for %s after 'add %s'", path, node);
                return NULL;
        }
        if (first_pc >= 0 && first_pc < added)
                harness_fail(h, "PropertiesChanged of %s (signal #%d) came before its InterfacesAdded (#%d)", path,
                             first_pc, added);
        {
                const HarnessSignal *s = harness_signal(h, (guint) added);
                g_autoptr(GVariant) ifs = g_variant_get_child_value(s->params, 1);
                g_autoptr(GVariant) drive = g_variant_lookup_value(ifs, MSD_DRIVE_IFACE, NULL);
                const char *want[] = { MSD_SEQ_IFACE, MSD_DRIVE_IFACE, MSD_RW_IFACE };
                const char *state = NULL;

                for (size_t k = 0; k < G_N_ELEMENTS(want); k++) {
                        g_autoptr(GVariant) props = g_variant_lookup_value(ifs, want[k], NULL);
                        if (!props)
                                harness_fail(h, "InterfacesAdded(%s) lacks %s", path, want[k]);
                }
                if (drive && (!g_variant_lookup(drive, "ProbeState", "&s", &state) || strcmp(state, "probing") != 0))
                        harness_fail(h, "InterfacesAdded(%s): expected ProbeState 'probing' (the probe follows), got '%s'",
                                     path, state ?: "(none)");
        }
        if (!drives_changed_to(h, mark, want_drives))
                harness_fail(h, "no PropertiesChanged of Manager.Drives to [%s] within %u ms of 'add %s'",
                             want_drives, HARNESS_TIMEOUT_MS, node);
        (void) check_drives_property(h, all_nodes);
        return get_id(h, node);
}

static gboolean unplug(Harness *h, const char *node, const char *const *remaining) {
        g_autofree char *path = harness_drive_path(node);
        g_autofree char *want_drives = paths_string(remaining);
        SignalWait w = { .from = harness_signals_mark(h), .member = "InterfacesRemoved", .object = path,
                         .drives = want_drives };
        int removed;

        if (!harness_control(h, "remove %s", node))
                return FALSE;
        (void) harness_wait(h, cond_signals, &w, HARNESS_TIMEOUT_MS);
        if (!harness_sync(h))
                return FALSE;
        removed = find_signal(h, w.from, "InterfacesRemoved", path, NULL);
        if (removed < 0)
                return harness_fail(h, "no InterfacesRemoved for %s within %u ms of 'remove %s'", path,
                                    HARNESS_TIMEOUT_MS, node);
        {
                const HarnessSignal *s = harness_signal(h, (guint) removed);
                g_autofree const char **ifs = NULL;
                const char *want[] = { MSD_SEQ_IFACE, MSD_DRIVE_IFACE, MSD_RW_IFACE };

                g_variant_get_child(s->params, 1, "^a&s", &ifs);
                for (size_t k = 0; k < G_N_ELEMENTS(want); k++)
                        if (!g_strv_contains(ifs, want[k]))
                                harness_fail(h, "InterfacesRemoved(%s) does not list %s", path, want[k]);
        }
        if (!drives_changed_to(h, w.from, want_drives))
                harness_fail(h, "no PropertiesChanged of Manager.Drives to [%s] within %u ms of 'remove %s'",
                             want_drives, HARNESS_TIMEOUT_MS, node);
        {
                int late = find_signal(h, (guint) removed + 1, "PropertiesChanged", path, NULL);
                if (late >= 0)
                        harness_fail(h, "PropertiesChanged of %s (signal #%d) after its InterfacesRemoved", path, late);
        }
        return check_drives_property(h, remaining);
}

/* §2.4: unknown objects get the standard org.freedesktop.DBus.Error.* names; sd-bus says UnknownObject
 * for a path no object is registered at. */
static void check_gone(Harness *h, const char *node) {
        g_autofree char *path = harness_drive_path(node);
        struct {
                const char *iface, *method;
                GVariant *params;
        } calls[] = {
                { DBUS_PROPERTIES_IFACE, "Get", g_variant_new("(ss)", MSD_DRIVE_IFACE, "ProbeState") },
                { DBUS_PROPERTIES_IFACE, "GetAll", g_variant_new("(s)", MSD_SEQ_IFACE) },
                { MSD_SEQ_IFACE, "GetMultisessionInfo", NULL },
                { MSD_DRIVE_IFACE, "Refresh", NULL },
                { MSD_DRIVE_IFACE, "GetTracks", NULL },
        };

        for (size_t i = 0; i < G_N_ELEMENTS(calls); i++) {
                g_autoptr(GError) error = NULL;
                g_autoptr(GVariant) r = harness_call(h, path, calls[i].iface, calls[i].method, calls[i].params, NULL,
                                                     &error);
                g_autofree char *name = r ? NULL : g_dbus_error_get_remote_error(error);
                if (g_strcmp0(name, "org.freedesktop.DBus.Error.UnknownObject") != 0)
                        harness_fail(h, "%s.%s on the removed %s: expected org.freedesktop.DBus.Error.UnknownObject, "
                                     "got %s", calls[i].iface, calls[i].method, path, r ? "a reply" : name);
        }
}

static void test_add_remove(void) {
        g_autofree char *f0 = harness_disc_path("cdr-blank"), *f1 = harness_disc_path("dvdr-appendable-2sessions");
        const char *files[] = { f0, NULL };
        const char *one[] = { "sr0", NULL }, *two[] = { "sr0", "sr1", NULL };
        g_autoptr(EmuDisc) d0 = harness_load_disc("cdr-blank");
        g_autoptr(EmuDisc) d1 = harness_load_disc("dvdr-appendable-2sessions");
        g_autofree char *id1 = NULL, *id2 = NULL;
        Harness *h = harness_start(files);

        if (!h || !d0 || !d1)
                goto out;
        if (!harness_wait_settled(h, "sr0", HARNESS_ANY_DISKSEQ) || !check_drives_property(h, one))
                goto out;

        if (!(id1 = plug(h, "sr1", f1, two)))
                goto out;
        (void) expect_check_drive(h, "sr1", d1, d1, harness_start_time(h));
        if (!unplug(h, "sr1", one))
                goto out;
        check_gone(h, "sr1");
        /* the other drive is untouched */
        (void) expect_check_drive(h, "sr0", d0, d0, harness_start_time(h));

        /* Replug: the same object path again, and the same Id ("stable across replug", §2). */
        if (!(id2 = plug(h, "sr1", f1, two)))
                goto out;
        if (strcmp(id1, id2) != 0)
                harness_fail(h, "Drive.Id changed across a replug: '%s' then '%s'", id1, id2);
        (void) expect_check_drive(h, "sr1", d1, d1, harness_start_time(h));
        (void) unplug(h, "sr1", one);
out:
        (void) harness_stop(h);
}

typedef struct ProbeWait {
        guint mark;
        const char *node;
} ProbeWait;

static gboolean cond_probe_started(Harness *hh, gpointer data) {
        ProbeWait *w = data;
        g_auto(GStrv) lines = harness_log_lines(hh, w->mark);
        return harness_log_count_opcode(lines, w->node, 0x46) > 0;
}

typedef struct LateWait {
        const char *path;
        int found;
} LateWait;

static gboolean cond_late_signal(Harness *hh, gpointer data) {
        LateWait *w = data;
        int removed = find_signal(hh, 0, "InterfacesRemoved", w->path, NULL);

        w->found = removed >= 0 ? find_signal(hh, (guint) removed + 1, "PropertiesChanged", w->path, NULL) : -1;
        return w->found >= 0;
}

/* A USB drive pulled while the daemon probes it (its READ DISC INFORMATION takes 300 ms): the object
 * goes with InterfacesRemoved, nothing is signalled for it afterwards (the probe's late result must be
 * dropped), and the daemon serves on. */
static void test_remove_during_probe(void) {
        g_autofree char *f0 = harness_disc_path("none"), *f1 = harness_disc_path("quirk-delay");
        g_autofree char *path = harness_drive_path("sr1");
        const char *files[] = { f0, NULL };
        const char *one[] = { "sr0", NULL };
        ProbeWait w = { .node = "sr1" };
        Harness *h = harness_start(files);

        if (!h)
                return;
        if (!harness_wait_settled(h, "sr0", HARNESS_ANY_DISKSEQ))
                goto out;
        w.mark = harness_log_mark(h);
        if (!harness_control(h, "add sr1 %s", f1))
                goto out;
        if (!harness_wait(h, cond_probe_started, &w, HARNESS_TIMEOUT_MS)) {
                harness_fail(h, "no probe of sr1 (GET CONFIGURATION) within %u ms of 'add sr1'", HARNESS_TIMEOUT_MS);
                goto out;
        }
        if (!unplug(h, "sr1", one))
                goto out;
        check_gone(h, "sr1");
        /* The dropped probe ends within its 300 ms delay; watching for 800 ms more for a late signal is the
         * only way to see that none comes (a wait that must time out). */
        {
                LateWait lw = { .path = path };
                if (harness_wait(h, cond_late_signal, &lw, 800))
                        harness_fail(h, "PropertiesChanged of %s (signal #%d) after its InterfacesRemoved, from the "
                                     "probe that ran during the unplug", path, lw.found);
        }
        /* the daemon serves on */
        {
                g_autoptr(EmuDisc) d0 = harness_load_disc("none");
                if (d0 && harness_sync(h))
                        (void) expect_check_drive(h, "sr0", d0, d0, harness_start_time(h));
        }
out:
        (void) harness_stop(h);
}

static void test_every_disc(gconstpointer data) {
        const char *name = data;
        g_autoptr(EmuDisc) d = harness_load_disc(name);
        g_autofree char *file = harness_disc_path(name);
        const char *one[] = { "sr0", NULL }, *two[] = { "sr0", "sr1", NULL };
        g_autofree char *id = NULL;
        guint64 since = (guint64) g_get_real_time();

        if (!shared && !shared_broken) {
                const char *files[] = { "none", NULL };
                shared = harness_start(files);
                shared_broken = !shared || !harness_wait_settled(shared, "sr0", HARNESS_ANY_DISKSEQ);
        }
        if (shared_broken || !d) {
                g_test_fail_printf("the shared daemon did not start (see the first test's messages)");
                return;
        }
        if (!(id = plug(shared, "sr1", file, two)))
                return;
        (void) expect_check_drive(shared, "sr1", d, d, since);
        (void) unplug(shared, "sr1", one);
}

static void test_shutdown(void) {
        if (!shared) {
                g_test_skip("the shared daemon was not started");
                return;
        }
        (void) harness_stop(g_steal_pointer(&shared));
}

int main(int argc, char **argv) {
        int r;

        harness_test_init(&argc, &argv);
        discs = harness_list_discs();

        g_test_add_func("/hotplug/three-drives", test_three_drives);
        g_test_add_func("/hotplug/add-remove", test_add_remove);
        g_test_add_func("/hotplug/remove-during-probe", test_remove_during_probe);
        for (size_t i = 0; discs[i]; i++) {
                g_autofree char *p = g_strdup_printf("/hotplug/every-disc/%s", discs[i]);
                g_test_add_data_func(p, discs[i], test_every_disc);
        }
        g_test_add_func("/hotplug/shutdown/sigterm-and-allowlist", test_shutdown);

        r = g_test_run();
        if (shared)
                (void) harness_stop(g_steal_pointer(&shared));
        g_strfreev(discs);
        return r;
}
