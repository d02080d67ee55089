/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * Drive.Refresh() (design.md §2, the XML's doc): "probe now and reply when the new state is published
 * (after the PropertiesChanged signals it causes). A call that arrives while a probe runs is answered by
 * the probe that starts after it, never with older data; concurrent callers share that probe."
 *   /refresh/concurrent       10 calls at once on a slow drive (READ DISC INFORMATION takes 300 ms): all
 *                             succeed, and the command log shows one or two probes for them
 *   /refresh/after-insert     a Refresh sent right after fake-drive applied an insert returns the new
 *                             disc's values: GetAll right after the reply, and the PropertiesChanged-fed
 *                             caches too (the signals come before the reply)
 *   /refresh/during-probe     a Refresh arriving while an older probe of the previous medium still runs
 *                             is not answered with that probe's data
 *   /refresh/empty-drive      succeeds with MediaPresent false
 *   /refresh/probe-error/NAME fails with the disc's expect.probe_error and publishes it
 * The probe count comes from the command log: a probe starts with GET CONFIGURATION (46h); one Refresh
 * alone gives the number of 46h commands per probe.
 */

#include <string.h>

#include "expect.h"
#include "harness.h"

#define N_CONCURRENT 10

typedef struct Pending {
        unsigned done;
        unsigned failed;
        GString *errors;
} Pending;

static Pending *pending_new(void) {
        Pending *p = g_new0(Pending, 1);
        p->errors = g_string_new(NULL);
        return p;
}

/* Freed only once every call it waits for has been answered; else it stays with the pending calls. */
static void pending_free(Pending *p, unsigned n_calls) {
        if (p->done < n_calls)
                return;
        g_string_free(p->errors, TRUE);
        g_free(p);
}

static void on_refresh_done(GObject *source, GAsyncResult *result, gpointer userdata) {
        Pending *p = userdata;
        g_autoptr(GError) error = NULL;
        g_autoptr(GVariant) r = g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);

        p->done++;
        if (!r) {
                g_autofree char *name = expect_error_name(error);
                p->failed++;
                g_string_append_printf(p->errors, "  %s: %s\n", name, error->message);
        }
}

static void refresh_async(Harness *h, const char *node, Pending *p) {
        g_autofree char *path = harness_drive_path(node);
        g_dbus_connection_call(harness_bus(h), MSD_BUS_NAME, path, MSD_DRIVE_IFACE, "Refresh", NULL, NULL,
                               G_DBUS_CALL_FLAGS_NO_AUTO_START, HARNESS_TIMEOUT_MS, NULL, on_refresh_done, p);
}

static gboolean refresh_sync(Harness *h, const char *node) {
        g_autofree char *path = harness_drive_path(node);
        g_autoptr(GError) error = NULL;
        g_autoptr(GVariant) r = harness_call(h, path, MSD_DRIVE_IFACE, "Refresh", NULL, NULL, &error);

        if (!r)
                return harness_fail(h, "Refresh() on %s failed: %s", node, error->message);
        return TRUE;
}

typedef struct Count {
        unsigned want;
        Pending *p;
} Count;

static gboolean cond_done(Harness *h, gpointer data) {
        Count *c = data;
        return c->p->done >= c->want;
}

static char *log_since(Harness *h, guint mark) {
        g_auto(GStrv) lines = harness_log_lines(h, mark);
        g_autofree char *joined = g_strjoinv("\n  ", lines);
        return g_strdup_printf("  %s", joined);
}

static Harness *start_one(const char *disc) {
        g_autofree char *file = harness_disc_path(disc);
        const char *files[] = { file, NULL };
        Harness *h = harness_start(files);

        if (h && !harness_wait_settled(h, "sr0", HARNESS_ANY_DISKSEQ)) {
                (void) harness_stop(h);
                return NULL;
        }
        return h;
}

static guint64 get_t(Harness *h, const char *prop) {
        g_autofree char *path = harness_drive_path("sr0");
        g_autoptr(GVariant) v = harness_get(h, path, MSD_DRIVE_IFACE, prop);
        return v && g_variant_is_of_type(v, G_VARIANT_TYPE_UINT64) ? g_variant_get_uint64(v) : 0;
}

static void test_concurrent(void) {
        g_autoptr(EmuDisc) d = harness_load_disc("quirk-delay");
        Harness *h = start_one("quirk-delay");
        Pending *p = pending_new();
        Count c = { .want = N_CONCURRENT, .p = p };
        guint mark;
        unsigned per_probe, n46;
        guint64 seq0, time0;

        if (!h || !d)
                goto out;
        seq0 = get_t(h, "DiskSeq");
        time0 = get_t(h, "TimeMediaDetected");

        /* Baseline: one Refresh, one probe. */
        mark = harness_log_mark(h);
        if (!refresh_sync(h, "sr0"))
                goto out;
        {
                g_auto(GStrv) lines = harness_log_lines(h, mark);
                per_probe = harness_log_count_opcode(lines, "sr0", 0x46);
        }
        if (per_probe == 0) {
                g_autofree char *l = log_since(h, mark);
                harness_fail(h, "a lone Refresh() sent no GET CONFIGURATION (46h); its commands:\n%s", l);
                goto out;
        }

        mark = harness_log_mark(h);
        for (unsigned i = 0; i < N_CONCURRENT; i++)
                refresh_async(h, "sr0", p);
        if (!harness_wait(h, cond_done, &c, HARNESS_TIMEOUT_MS)) {
                harness_fail(h, "only %u of %u concurrent Refresh() calls were answered within %u ms", p->done,
                             N_CONCURRENT, HARNESS_TIMEOUT_MS);
                goto out;
        }
        if (p->failed)
                harness_fail(h, "%u of %u concurrent Refresh() calls failed:\n%s", p->failed, N_CONCURRENT,
                             p->errors->str);
        {
                g_auto(GStrv) lines = harness_log_lines(h, mark);
                n46 = harness_log_count_opcode(lines, "sr0", 0x46);
        }
        if (n46 % per_probe != 0 || n46 < per_probe || n46 > 2 * per_probe) {
                g_autofree char *l = log_since(h, mark);
                harness_fail(h, "%u concurrent Refresh() calls caused %u GET CONFIGURATION commands at %u per probe: "
                             "expected 1 or 2 probes (one running, one shared by the callers that came during it). "
                             "The commands:\n%s", N_CONCURRENT, n46, per_probe, l);
        }
        /* The same medium: neither its generation nor its detection time moves. */
        if (get_t(h, "DiskSeq") != seq0)
                harness_fail(h, "Refresh() changed DiskSeq from %" G_GUINT64_FORMAT " without a media change", seq0);
        if (get_t(h, "TimeMediaDetected") != time0)
                harness_fail(h, "Refresh() changed TimeMediaDetected from %" G_GUINT64_FORMAT
                             " without a media change", time0);
        g_test_message("%u concurrent Refresh() calls: %u probe(s)", N_CONCURRENT, n46 / per_probe);
        (void) expect_check_drive(h, "sr0", d, d, harness_start_time(h));
out:
        if (h)
                (void) harness_stop(h);
        pending_free(p, N_CONCURRENT);
}

/* What a client following PropertiesChanged knows, taken inside the Refresh() reply callback: GDBus
 * dispatches one connection's signals and replies in arrival order, so every signal the daemon sent
 * before its reply has reached the proxies by then, and none sent after it has. */
typedef struct Snapshot {
        GDBusProxy **proxies;
        GVariant *cached[3];
        GError *error;
        bool done;
} Snapshot;

static GVariant *cache_dict(GDBusProxy *proxy) {
        g_auto(GStrv) names = g_dbus_proxy_get_cached_property_names(proxy);
        GVariantBuilder b;

        g_variant_builder_init(&b, G_VARIANT_TYPE("a{sv}"));
        for (size_t k = 0; names && names[k]; k++) {
                g_autoptr(GVariant) v = g_dbus_proxy_get_cached_property(proxy, names[k]);
                g_variant_builder_add(&b, "{sv}", names[k], v);
        }
        return g_variant_ref_sink(g_variant_builder_end(&b));
}

static void on_refresh_snapshot(GObject *source, GAsyncResult *result, gpointer userdata) {
        Snapshot *s = userdata;
        g_autoptr(GVariant) r = g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &s->error);

        for (size_t i = 0; i < 3; i++)
                s->cached[i] = cache_dict(s->proxies[i]);
        s->done = true;
}

static gboolean cond_snapshot(Harness *h, gpointer data) {
        return ((Snapshot *) data)->done;
}

/* Refresh(), then the new disc's values with no waiting: through GetAll right after the reply, and in
 * the caches as they were when the reply arrived. */
static void refresh_and_check(Harness *h, const EmuDisc *d, GDBusProxy **proxies, const char *what) {
        g_autofree char *path = harness_drive_path("sr0");
        const char *ifaces[] = { MSD_SEQ_IFACE, MSD_DRIVE_IFACE, MSD_RW_IFACE };
        GVariant *fresh[3] = {};
        g_autoptr(GString) out = g_string_new(NULL), out_cache = g_string_new(NULL);
        Snapshot *s = g_new0(Snapshot, 1);

        s->proxies = proxies;
        g_dbus_connection_call(harness_bus(h), MSD_BUS_NAME, path, MSD_DRIVE_IFACE, "Refresh", NULL, NULL,
                               G_DBUS_CALL_FLAGS_NO_AUTO_START, HARNESS_TIMEOUT_MS, NULL, on_refresh_snapshot, s);
        if (!harness_wait(h, cond_snapshot, s, HARNESS_TIMEOUT_MS + 1000)) {
                harness_fail(h, "%s: Refresh() was not answered within %u ms", what, HARNESS_TIMEOUT_MS);
                return; /* s stays with the pending call */
        }
        if (s->error) {
                harness_fail(h, "%s: Refresh() failed: %s", what, s->error->message);
                goto out;
        }
        for (size_t i = 0; i < 3; i++)
                fresh[i] = harness_get_all(h, path, ifaces[i]);
        if (fresh[0] && fresh[1] && fresh[2]) {
                expect_check_props(d, fresh[0], fresh[1], fresh[2], out);
                expect_check_msinfo(h, d, "sr0", out);
                if (out->len)
                        harness_fail(h, "%s, GetAll right after the reply shows other values than %s's:\n%s", what,
                                     d->name, out->str);
        }
        expect_check_props(d, s->cached[0], s->cached[1], s->cached[2], out_cache);
        if (out_cache->len)
                harness_fail(h, "%s, the reply came before the PropertiesChanged signals it causes (the XML: "
                             "Refresh replies after them); a client following the signals saw, at the reply, other "
                             "values than %s's:\n%s", what, d->name, out_cache->str);
out:
        for (size_t i = 0; i < 3; i++) {
                g_clear_pointer(&fresh[i], g_variant_unref);
                g_clear_pointer(&s->cached[i], g_variant_unref);
        }
        g_clear_error(&s->error);
        g_free(s);
}

static void test_after_insert(void) {
        g_autoptr(EmuDisc) d = harness_load_disc("dvdplusr-appendable-2sessions");
        g_autofree char *file = harness_disc_path("dvdplusr-appendable-2sessions");
        g_autofree char *path = harness_drive_path("sr0");
        const char *ifaces[] = { MSD_SEQ_IFACE, MSD_DRIVE_IFACE, MSD_RW_IFACE };
        GDBusProxy *proxies[3] = {};
        g_autoptr(GError) error = NULL;
        Harness *h = start_one("cdr-appendable-1session");

        if (!h || !d)
                goto out;
        for (size_t i = 0; i < 3; i++)
                if (!(proxies[i] = g_dbus_proxy_new_sync(harness_bus(h), G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START, NULL,
                                                         MSD_BUS_NAME, path, ifaces[i], NULL, &error))) {
                        harness_fail(h, "proxy for %s: %s", ifaces[i], error->message);
                        goto out;
                }
        /* harness_control returns once the log shows "# insert …": the medium has changed. */
        if (!harness_control(h, "insert sr0 %s", file))
                goto out;
        refresh_and_check(h, d, proxies, "after an insert and Refresh()");
out:
        for (size_t i = 0; i < 3; i++)
                g_clear_object(&proxies[i]);
        if (h)
                (void) harness_stop(h);
}

typedef struct LogWait {
        guint mark;
} LogWait;

static gboolean cond_probe_started(Harness *h, gpointer data) {
        LogWait *w = data;
        g_auto(GStrv) lines = harness_log_lines(h, w->mark);
        return harness_log_count_opcode(lines, "sr0", 0x46) > 0;
}

static void test_during_probe(void) {
        g_autoptr(EmuDisc) d = harness_load_disc("cdr-appendable-1session");
        g_autofree char *file = harness_disc_path("cdr-appendable-1session");
        g_autofree char *path = harness_drive_path("sr0");
        const char *ifaces[] = { MSD_SEQ_IFACE, MSD_DRIVE_IFACE, MSD_RW_IFACE };
        GDBusProxy *proxies[3] = {};
        g_autoptr(GError) error = NULL;
        Pending *p = pending_new();
        Count c = { .want = 1, .p = p };
        LogWait w;
        Harness *h = start_one("quirk-delay");

        if (!h || !d)
                goto out;
        for (size_t i = 0; i < 3; i++)
                if (!(proxies[i] = g_dbus_proxy_new_sync(harness_bus(h), G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START, NULL,
                                                         MSD_BUS_NAME, path, ifaces[i], NULL, &error))) {
                        harness_fail(h, "proxy for %s: %s", ifaces[i], error->message);
                        goto out;
                }
        /* A probe of the slow disc is under way (its READ DISC INFORMATION takes 300 ms) … */
        w.mark = harness_log_mark(h);
        refresh_async(h, "sr0", p);
        if (!harness_wait(h, cond_probe_started, &w, HARNESS_TIMEOUT_MS)) {
                harness_fail(h, "Refresh() started no probe (no GET CONFIGURATION in the log) within %u ms",
                             HARNESS_TIMEOUT_MS);
                goto out;
        }
        /* … when the medium changes and a second caller asks. */
        if (!harness_control(h, "insert sr0 %s", file))
                goto out;
        refresh_and_check(h, d, proxies, "after a Refresh() that arrived during a probe of the previous medium");
        if (!harness_wait(h, cond_done, &c, HARNESS_TIMEOUT_MS))
                harness_fail(h, "the first Refresh() was not answered within %u ms", HARNESS_TIMEOUT_MS);
        else if (p->failed)
                harness_fail(h, "the first Refresh() failed:\n%s", p->errors->str);
out:
        for (size_t i = 0; i < 3; i++)
                g_clear_object(&proxies[i]);
        if (h)
                (void) harness_stop(h);
        pending_free(p, h ? 1 : 0);
}

static void test_empty_drive(void) {
        g_autoptr(EmuDisc) d = harness_load_disc("none");
        Harness *h = start_one("none");

        if (!h || !d)
                goto out;
        if (refresh_sync(h, "sr0"))
                (void) expect_check_drive(h, "sr0", d, d, harness_start_time(h));
out:
        if (h)
                (void) harness_stop(h);
}

static void test_probe_error(gconstpointer data) {
        const char *name = data;
        g_autoptr(EmuDisc) d = harness_load_disc(name);
        g_autofree char *path = harness_drive_path("sr0");
        g_autoptr(GError) error = NULL;
        g_autoptr(GVariant) r = NULL;
        const char *want;
        Harness *h;

        if (!d)
                return;
        want = emu_disc_expect(d, "probe_error");
        h = start_one(name);
        if (!h)
                return;
        r = harness_call(h, path, MSD_DRIVE_IFACE, "Refresh", NULL, NULL, &error);
        if (r) {
                harness_fail(h, "Refresh() on %s succeeded; expected the error %s%s", name, MSD_ERROR_PREFIX, want);
        } else {
                g_autofree char *got = expect_error_name(error);
                if (strcmp(got, want) != 0)
                        harness_fail(h, "Refresh() on %s failed with %s (%s); expected %s%s", name, got, error->message,
                                     MSD_ERROR_PREFIX, want);
        }
        (void) expect_check_drive(h, "sr0", d, d, harness_start_time(h));
        (void) harness_stop(h);
}

int main(int argc, char **argv) {
        g_auto(GStrv) discs = NULL;
        int r;

        harness_test_init(&argc, &argv);
        discs = harness_list_discs();
        g_test_add_func("/refresh/concurrent", test_concurrent);
        g_test_add_func("/refresh/after-insert", test_after_insert);
        g_test_add_func("/refresh/during-probe", test_during_probe);
        g_test_add_func("/refresh/empty-drive", test_empty_drive);
        for (size_t i = 0; discs[i]; i++) {
                g_autoptr(EmuDisc) d = harness_load_disc(discs[i]);
                if (d && emu_disc_expect(d, "probe_error")) {
                        g_autofree char *p = g_strdup_printf("/refresh/probe-error/%s", discs[i]);
                        g_test_add_data_func(p, discs[i], test_probe_error);
                }
        }
        r = g_test_run();
        return r;
}
