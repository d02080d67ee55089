/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * design.md §2 against every disc of the library (tests/discs), read through GDBus:
 *   /discs/no-drives            a machine without optical drives
 *   /discs/insert/NAME          one daemon, one drive; each disc goes in through fake-drive's FIFO (a real
 *                               media change: diskseq bump and a change uevent). Every expect.seq/rw/drive
 *                               key, msinfo and the tracks must match; so must the drive identity (that of
 *                               the drive, which an insert does not change) and the GDBusProxy caches,
 *                               which only PropertiesChanged keeps current.
 *   /discs/shutdown             SIGTERM ends the daemon, and every command it sent was read-only.
 */

#include <string.h>
#include <unistd.h>

#include "expect.h"
#include "harness.h"

static char **discs;
static Harness *shared;
static EmuDisc *shared_identity;
static char *drive_disc;                /* the generated drive: every profile, no medium */
static GDBusProxy *proxies[3];           /* sr0's seq, drive, rw, following PropertiesChanged */
static const char *const ifaces[3] = { MSD_SEQ_IFACE, MSD_DRIVE_IFACE, MSD_RW_IFACE };
static bool shared_broken;

static Harness *get_shared(void) {
        const char *argv[] = { NULL, NULL };
        g_autoptr(GError) error = NULL;
        g_autofree char *path = harness_drive_path("sr0");

        if (shared || shared_broken)
                return shared;
        drive_disc = harness_write_drive_disc();
        shared_identity = harness_load_disc(drive_disc);
        argv[0] = drive_disc;
        shared = harness_start(argv);
        if (!shared || !harness_wait_settled(shared, "sr0", HARNESS_ANY_DISKSEQ)) {
                shared_broken = true;
                return shared;
        }
        for (size_t i = 0; i < G_N_ELEMENTS(proxies); i++) {
                proxies[i] = g_dbus_proxy_new_sync(harness_bus(shared), G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START, NULL,
                                                   MSD_BUS_NAME, path, ifaces[i], NULL, &error);
                if (!proxies[i]) {
                        harness_fail(shared, "cannot make a proxy for %s: %s", ifaces[i], error->message);
                        shared_broken = true;
                        break;
                }
        }
        return shared;
}

static void test_no_drives(void) {
        Harness *h = harness_start(NULL);
        g_autoptr(GVariant) drives = NULL, version = NULL, objects = NULL;
        g_autoptr(GError) error = NULL;
        g_autoptr(GString) drive_paths = g_string_new(NULL);
        GVariantIter it;
        const char *path;

        if (!h)
                return;
        drives = harness_get(h, MSD_ROOT_PATH, MSD_MANAGER_IFACE, "Drives");
        version = harness_get(h, MSD_ROOT_PATH, MSD_MANAGER_IFACE, "Version");
        objects = harness_call(h, MSD_ROOT_PATH, DBUS_OM_IFACE, "GetManagedObjects", NULL,
                               G_VARIANT_TYPE("(a{oa{sa{sv}}})"), &error);
        if (drives && (!g_variant_is_of_type(drives, G_VARIANT_TYPE("ao")) || g_variant_n_children(drives) != 0)) {
                g_autofree char *s = g_variant_print(drives, TRUE);
                harness_fail(h, "Manager.Drives: expected [] (type ao) without drives, got %s", s);
        }
        if (version && (!g_variant_is_of_type(version, G_VARIANT_TYPE_STRING) ||
                        !*g_variant_get_string(version, NULL)))
                harness_fail(h, "Manager.Version: expected a non-empty string, got %s",
                             g_variant_get_type_string(version));
        if (!objects) {
                harness_fail(h, "GetManagedObjects() failed: %s", error->message);
        } else {
                g_autoptr(GVariant) dict = g_variant_get_child_value(objects, 0);
                g_variant_iter_init(&it, dict);
                while (g_variant_iter_next(&it, "{&o@a{sa{sv}}}", &path, NULL))
                        if (g_str_has_prefix(path, MSD_ROOT_PATH "/drive"))
                                g_string_append_printf(drive_paths, " %s", path);
                if (drive_paths->len)
                        harness_fail(h, "GetManagedObjects(): expected no drive objects, got%s", drive_paths->str);
        }
        (void) harness_stop(h);
}

typedef struct CacheWait {
        GVariant *fresh[3]; /* GetAll now */
        GString *diff;
} CacheWait;

static gboolean cond_cache(Harness *h, gpointer data) {
        CacheWait *w = data;

        g_string_truncate(w->diff, 0);
        for (size_t i = 0; i < G_N_ELEMENTS(proxies); i++) {
                GVariantIter it;
                const char *name;
                GVariant *value;

                g_variant_iter_init(&it, w->fresh[i]);
                while (g_variant_iter_loop(&it, "{&sv}", &name, &value)) {
                        g_autoptr(GVariant) cached = g_dbus_proxy_get_cached_property(proxies[i], name);
                        g_autofree char *a = NULL, *b = NULL;
                        if (cached && g_variant_equal(cached, value))
                                continue;
                        a = g_variant_print(value, TRUE);
                        b = cached ? g_variant_print(cached, TRUE) : g_strdup("(nothing)");
                        g_string_append_printf(w->diff, "%s.%s: GetAll says %s, the PropertiesChanged-fed cache %s\n",
                                               ifaces[i], name, a, b);
                }
        }
        return w->diff->len == 0;
}

/* A client that follows PropertiesChanged must end up with what GetAll says. */
static void check_caches(Harness *h, const char *disc) {
        g_autofree char *path = harness_drive_path("sr0");
        CacheWait w = { .diff = g_string_new(NULL) };
        bool ok = true;

        for (size_t i = 0; i < G_N_ELEMENTS(proxies) && ok; i++)
                ok = (w.fresh[i] = harness_get_all(h, path, ifaces[i])) != NULL;
        if (ok && !harness_wait(h, cond_cache, &w, 2000))
                harness_fail(h, "after inserting %s, PropertiesChanged did not announce every change within 2 s:\n%s",
                             disc, w.diff->str);
        for (size_t i = 0; i < G_N_ELEMENTS(w.fresh); i++)
                g_clear_pointer(&w.fresh[i], g_variant_unref);
        g_string_free(w.diff, TRUE);
}

static void test_insert(gconstpointer data) {
        const char *name = data;
        Harness *h = get_shared();
        g_autoptr(EmuDisc) d = harness_load_disc(name);
        g_autofree char *file = harness_disc_path(name);
        guint64 since = (guint64) g_get_real_time();

        if (!h || shared_broken) {
                g_test_fail_printf("the shared daemon did not start (see the first test's messages)");
                return;
        }
        if (!d || !harness_insert(h, "sr0", file))
                return;
        (void) expect_check_drive(h, "sr0", d, shared_identity, since);
        check_caches(h, name);
}

/* The safety check itself must flag a write and pass reads, ioctls and control lines. */
static void test_allowlist_self_test(void) {
        char *lines[] = { (char *) "sr0 46 02 00 00 00 00 00 00 08 00", (char *) "sr0 ioctl 0x5331",
                          (char *) "# insert sr0 /x.disc", (char *) "sr1 2a 00 00 00 00 10 00 00 01 00",
                          (char *) "sr0 a8 00 00 00 00 10 00 00 00 01 00 00", (char *) "sr12 5b 00 00", NULL };
        g_autoptr(GString) bad = g_string_new(NULL);
        guint n = 0;

        g_assert_false(harness_log_check_allowlist(lines, bad, &n));
        g_assert_cmpuint(n, ==, 4);
        g_assert_nonnull(strstr(bad->str, "sr1 2a"));
        g_assert_nonnull(strstr(bad->str, "sr12 5b"));
        g_assert_null(strstr(bad->str, "sr0 46"));
        g_assert_null(strstr(bad->str, "sr0 a8"));
}

static void test_shutdown(void) {
        if (!shared) {
                g_test_skip("the shared daemon was not started");
                return;
        }
        for (size_t i = 0; i < G_N_ELEMENTS(proxies); i++)
                g_clear_object(&proxies[i]);
        (void) harness_stop(g_steal_pointer(&shared));
}

int main(int argc, char **argv) {
        int r;

        harness_test_init(&argc, &argv);
        discs = harness_list_discs();

        g_test_add_func("/discs/allowlist-self-test", test_allowlist_self_test);
        g_test_add_func("/discs/no-drives", test_no_drives);
        for (size_t i = 0; discs[i]; i++) {
                g_autofree char *p = g_strdup_printf("/discs/insert/%s", discs[i]);
                g_test_add_data_func(p, discs[i], test_insert);
        }
        g_test_add_func("/discs/shutdown/sigterm-and-allowlist", test_shutdown);

        r = g_test_run();

        for (size_t i = 0; i < G_N_ELEMENTS(proxies); i++)
                g_clear_object(&proxies[i]);
        if (shared)
                (void) harness_stop(g_steal_pointer(&shared));
        g_clear_pointer(&shared_identity, emu_disc_free);
        if (drive_disc)
                (void) unlink(drive_disc);
        g_free(drive_disc);
        g_strfreev(discs);
        return r;
}
