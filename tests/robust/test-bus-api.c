/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * Issue 7, the bus side: misuse gets the standard errors (design.md §2.4: "bad arguments and unknown
 * objects or methods get the standard org.freedesktop.DBus.Error.* names") and leaves the daemon
 * serving; a flood of Refresh() calls keeps one probe at a time and never answers with old data.
 *   /bus/bad-arguments      wrong signatures, control characters, empty or overlong texts: InvalidArgs
 *   /bus/unknown            unknown drive paths (UnknownObject), methods (UnknownMethod), interfaces
 *                           (UnknownInterface), properties (UnknownProperty), read-only writes
 *   /bus/refresh-flood      8 connections × 25 Refresh() on a disc whose READ DISC INFORMATION takes
 *                           200 ms: every probe's command sequence is whole and equals a lone probe's
 *                           (no two interleave), READ DISC INFORMATION never outnumbers probes; then
 *                           floods with a media change in the middle, once with its udev event and once
 *                           with the event lost: a Refresh() sent after the change was applied answers
 *                           with the new disc's values, in GetAll and in the PropertiesChanged that came
 *                           before its reply
 */

#include <string.h>

#include "published.h"
#include "robust.h"

#define N_CLIENTS        8
#define DBUS_ERROR(name) "org.freedesktop.DBus.Error." name
#define N_CALLS          25

typedef struct Misuse {
        const char *path; /* NULL: sr0's */
        const char *iface;
        const char *method;
        const char *params; /* GVariant text, or NULL */
        const char *error;  /* expected org.freedesktop.DBus.Error.X, or "X|Y" when either is standard */
        const char *who;    /* with params NULL: Inhibit(who, "why") built without the text parser */
} Misuse;

static bool error_matches(const char *error, const char *want) {
        g_auto(GStrv) alternatives = g_strsplit(want, "|", -1);

        for (size_t i = 0; error && alternatives[i]; i++)
                if (strcmp(error, alternatives[i]) == 0)
                        return true;
        return false;
}

static void run_misuse(Harness *h, const Misuse *cases, size_t n) {
        g_autofree char *sr0 = harness_drive_path("sr0");
        g_autoptr(GString) out = g_string_new(NULL);

        for (size_t i = 0; i < n; i++) {
                const Misuse *c = &cases[i];
                g_autoptr(GError) parse_error = NULL;
                /* g_variant_parse() returns a full reference, g_variant_new() a floating one that the call
                 * sinks: sink both, so one unref below balances either. */
                g_autoptr(GVariant) params = c->params ? g_variant_parse(NULL, c->params, NULL, NULL, &parse_error)
                                             : c->who  ? g_variant_ref_sink(g_variant_new("(ss)", c->who, "why"))
                                                       : NULL;
                g_autofree char *error = NULL;

                g_assert_no_error(parse_error);
                error = robust_call_error(h, NULL, c->path ?: sr0, c->iface, c->method, params, NULL);
                if (!error_matches(error, c->error))
                        g_string_append_printf(out, "  %s %s.%s%s: %s, expected %s\n", c->path ?: sr0,
                                               c->iface, c->method,
                                               c->params
                                                       ?: c->who ? "(who with a control character)"
                                                                 : "()",
                                               error ?: "success", c->error);
        }
        if (out->len)
                harness_fail(h, "misuse answered with other errors than the standard ones:\n%s", out->str);
}

/* After the misuse: still on the bus, still right about the disc. */
static void check_still_serving(Harness *h, const EmuDisc *disc, const EmuDisc *identity) {
        if (harness_sync(h))
                (void) robust_check_drive(h, "sr0", disc, identity, "after the misuse");
}

static Harness *start_with(const char *disc_or_path, EmuDisc **ret_identity) {
        g_autofree char *file = harness_disc_path(disc_or_path);
        Harness *h = robust_start(ret_identity);

        if (h && !harness_insert(h, "sr0", file)) {
                robust_stop(h, NULL);
                return NULL;
        }
        return h;
}

static void test_bad_arguments(void) {
        g_autoptr(EmuDisc) identity = NULL, disc = harness_load_disc("cdr-appendable-1session");
        g_autofree char *long_text = g_strnfill(300, 'x');
        g_autofree char *long_params = g_strdup_printf("('robust', '%s')", long_text);
        const Misuse cases[] = {
                { NULL, MSD_SEQ_IFACE, "GetMultisessionInfo", "('extra',)", DBUS_ERROR("InvalidArgs") },
                { NULL, MSD_DRIVE_IFACE, "Refresh", "(uint32 1,)", DBUS_ERROR("InvalidArgs") },
                { NULL, MSD_DRIVE_IFACE, "GetTracks", "(true,)", DBUS_ERROR("InvalidArgs") },
                { NULL, MSD_DRIVE_IFACE, "Inhibit", "('only who',)", DBUS_ERROR("InvalidArgs") },
                { NULL, MSD_DRIVE_IFACE, "Inhibit", "(uint32 1, uint32 2)", DBUS_ERROR("InvalidArgs") },
                /* GVariant's text format has no \x escapes: these are built with g_variant_new(). */
                { NULL, MSD_DRIVE_IFACE, "Inhibit", NULL, DBUS_ERROR("InvalidArgs"), "bad\x01who" },
                { NULL, MSD_DRIVE_IFACE, "Inhibit", NULL, DBUS_ERROR("InvalidArgs"), "line\nbreak" },
                { NULL, MSD_DRIVE_IFACE, "Inhibit", NULL, DBUS_ERROR("InvalidArgs"), "escape\x1b[31m" },
                { NULL, MSD_DRIVE_IFACE, "Inhibit", NULL, DBUS_ERROR("InvalidArgs"), "del\x7f" },
                { NULL, MSD_DRIVE_IFACE, "Inhibit", "('', 'no one')", DBUS_ERROR("InvalidArgs") },
                { NULL, MSD_DRIVE_IFACE, "Inhibit", long_params, DBUS_ERROR("InvalidArgs") },
                { NULL, DBUS_PROPERTIES_IFACE, "Get", "('" MSD_DRIVE_IFACE "',)",
                  DBUS_ERROR("InvalidArgs") },
                { NULL, DBUS_PROPERTIES_IFACE, "GetAll", "(uint32 7,)", DBUS_ERROR("InvalidArgs") },
                { MSD_ROOT_PATH, DBUS_OM_IFACE, "GetManagedObjects", "('x',)", DBUS_ERROR("InvalidArgs") },
                { MSD_ROOT_PATH, MSD_FAULT_IFACE, "FailOpens", "(uint32 1, 'EPERM')",
                  DBUS_ERROR("InvalidArgs") },
        };
        Harness *h = start_with("cdr-appendable-1session", &identity);
        guint mark;

        if (!h || !disc)
                goto out;
        mark = harness_log_mark(h);
        run_misuse(h, cases, G_N_ELEMENTS(cases));
        /* None of it was taken as an inhibition or a probe. */
        {
                g_autofree char *inhibited = robust_drive_prop(h, "sr0", "Inhibited");
                g_auto(GStrv) lines = harness_log_lines(h, mark);
                if (g_strcmp0(inhibited, "true") == 0)
                        harness_fail(h, "a refused Inhibit() left the drive inhibited");
                if (robust_log_count_sgio(lines, "sr0") != 0) {
                        g_autofree char *l = robust_log_text(h, mark);
                        harness_fail(h, "refused calls sent commands to the drive:\n%s", l);
                }
        }
        check_still_serving(h, disc, identity);
out:
        robust_stop(h, NULL);
}

static void test_unknown(void) {
        g_autoptr(EmuDisc) identity = NULL, disc = harness_load_disc("cdr-appendable-1session");
        const char *sr9 = MSD_ROOT_PATH "/drive/sr9";
        const Misuse cases[] = {
                { sr9, MSD_DRIVE_IFACE, "Refresh", NULL, DBUS_ERROR("UnknownObject") },
                { sr9, MSD_SEQ_IFACE, "GetMultisessionInfo", NULL, DBUS_ERROR("UnknownObject") },
                { sr9, DBUS_PROPERTIES_IFACE, "GetAll", "('" MSD_DRIVE_IFACE "',)",
                  DBUS_ERROR("UnknownObject") },
                { MSD_ROOT_PATH "/drive/sr0/deeper", MSD_DRIVE_IFACE, "Refresh", NULL,
                  DBUS_ERROR("UnknownObject") },
                { MSD_ROOT_PATH "/nothing", MSD_MANAGER_IFACE, "Frobnicate", NULL,
                  DBUS_ERROR("UnknownObject") },
                { NULL, MSD_DRIVE_IFACE, "Frobnicate", NULL, DBUS_ERROR("UnknownMethod") },
                { NULL, MSD_SEQ_IFACE, "Refresh", NULL, DBUS_ERROR("UnknownMethod") },
                { MSD_ROOT_PATH, MSD_MANAGER_IFACE, "Frobnicate", NULL, DBUS_ERROR("UnknownMethod") },
                /* sd-bus (252) answers a method of an interface the object lacks with UnknownMethod
                 * ("Unknown method Refresh or interface …"), as every sd-bus service does; both names are
                 * standard. */
                { NULL, "org.example.NoSuchInterface", "Refresh", NULL,
                  DBUS_ERROR("UnknownInterface") "|" DBUS_ERROR("UnknownMethod") },
                { NULL, DBUS_PROPERTIES_IFACE, "GetAll", "('org.example.NoSuchInterface',)",
                  DBUS_ERROR("UnknownInterface") },
                { NULL, DBUS_PROPERTIES_IFACE, "Get", "('" MSD_DRIVE_IFACE "', 'NoSuchProperty')",
                  DBUS_ERROR("UnknownProperty") },
                { NULL, DBUS_PROPERTIES_IFACE, "Set", "('" MSD_DRIVE_IFACE "', 'ProbeState', <'idle'>)",
                  DBUS_ERROR("PropertyReadOnly") },
                { NULL, DBUS_PROPERTIES_IFACE, "Set",
                  "('" MSD_SEQ_IFACE "', 'NextWritableAddress', <int32 0>)",
                  DBUS_ERROR("PropertyReadOnly") },
        };
        Harness *h = start_with("cdr-appendable-1session", &identity);

        if (!h || !disc)
                goto out;
        run_misuse(h, cases, G_N_ELEMENTS(cases));
        check_still_serving(h, disc, identity);
out:
        robust_stop(h, NULL);
}

/* ---- the flood ---- */

typedef struct Flood {
        unsigned sent, done, failed;
        GString *errors;
} Flood;

static void on_flood_reply(GObject *source, GAsyncResult *result, gpointer userdata) {
        Flood *f = userdata;
        g_autoptr(GError) error = NULL;
        g_autoptr(GVariant) r = g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);

        f->done++;
        if (!r) {
                f->failed++;
                if (f->failed <= 5)
                        g_string_append_printf(f->errors, "  %s\n", error->message);
        }
}

static void send_flood(GDBusConnection **clients, const char *path, Flood *f) {
        for (unsigned k = 0; k < N_CALLS; k++)
                for (unsigned c = 0; c < N_CLIENTS; c++) {
                        g_dbus_connection_call(clients[c], MSD_BUS_NAME, path, MSD_DRIVE_IFACE, "Refresh",
                                               NULL, NULL, G_DBUS_CALL_FLAGS_NO_AUTO_START,
                                               2 * HARNESS_TIMEOUT_MS, NULL, on_flood_reply, f);
                        f->sent++;
                }
}

static gboolean cond_flood_done(Harness *h, gpointer data) {
        Flood *f = data;
        return f->done >= f->sent;
}

static gboolean wait_flood(Harness *h, Flood *f, const char *what) {
        if (!harness_wait(h, cond_flood_done, f, 3 * HARNESS_TIMEOUT_MS))
                return harness_fail(h, "%s: %u of %u Refresh() calls answered within %u ms", what, f->done,
                                    f->sent, 3 * HARNESS_TIMEOUT_MS);
        if (f->failed)
                return harness_fail(h, "%s: %u of %u Refresh() calls failed:\n%s", what, f->failed, f->sent,
                                    f->errors->str);
        return TRUE;
}

/* Every probe from mark on must be the lone probe's sequence: a second probe running at the same time
 * would have put its commands between another's (READ DISC INFORMATION takes 200 ms). */
static guint check_probes(Harness *h, guint mark, const char *baseline, const char *what) {
        g_auto(GStrv) lines = harness_log_lines(h, mark);
        g_auto(GStrv) probes = robust_log_probes(lines, "sr0");
        guint n46 = harness_log_count_opcode(lines, "sr0", 0x46),
              n51 = harness_log_count_opcode(lines, "sr0", 0x51);
        g_autoptr(GString) bad = g_string_new(NULL);

        for (size_t i = 0; probes[i]; i++)
                if (strcmp(probes[i], baseline) != 0)
                        g_string_append_printf(bad, "  probe %zu: %s\n", i + 1, probes[i]);
        if (bad->len)
                harness_fail(
                        h,
                        "%s: probes whose commands differ from a lone probe's (%s), so they overlapped:\n%s",
                        what, baseline, bad->str);
        if (n51 > n46)
                harness_fail(h, "%s: %u READ DISC INFORMATION for %u probes", what, n51, n46);
        return g_strv_length(probes);
}

typedef struct Snapshot {
        Harness *h;
        bool done;
        guint signals; /* recorded signals when the reply arrived */
        char *error;
} Snapshot;

static void on_snapshot_reply(GObject *source, GAsyncResult *result, gpointer userdata) {
        Snapshot *s = userdata;
        g_autoptr(GError) error = NULL;
        g_autoptr(GVariant) r = g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);

        /* One connection dispatches in arrival order: the signals sent before this reply are recorded. */
        s->signals = harness_n_signals(s->h);
        s->done = true;
        if (!r)
                s->error = g_strdup(error->message);
}

static gboolean cond_snapshot(Harness *h, gpointer data) {
        return ((Snapshot *) data)->done;
}

static GDBusConnection *connect_client(Harness *h) {
        g_autoptr(GError) error = NULL;
        GDBusConnection *c = g_dbus_connection_new_for_address_sync(
                harness_address(h),
                G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                        G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                NULL, NULL, &error);

        if (!c)
                harness_fail(h, "cannot connect another client to %s: %s", harness_address(h),
                             error->message);
        return c;
}

/* A flood on the slow disc, a media change while its first probe runs, and one more Refresh() once the
 * change is applied: its answer comes from a probe that started after it, so it shows the new disc —
 * in GetAll and in what the signals before its reply published. With lose_event the daemon never hears
 * of the change (its udev event is dropped): only that rule, not the media-change bookkeeping, can
 * keep the old data out then. */
static void flood_with_change(Harness *h, GDBusConnection **clients, const char *file, const EmuDisc *disc,
                              const EmuDisc *identity, bool lose_event, Flood *f, Snapshot *snap) {
        g_autofree char *path = harness_drive_path("sr0");
        g_autoptr(Published) p = published_new(h, "sr0");
        const char *what = lose_event ? "a media change whose event was lost" : "a media change";
        guint mark = harness_log_mark(h);
        g_autofree char *error = NULL;

        send_flood(clients, path, f);
        if (!robust_wait_opcode(h, mark, "sr0", 0x46, 1, HARNESS_TIMEOUT_MS))
                return;
        if (lose_event && (error = robust_call_error(h, NULL, MSD_ROOT_PATH, MSD_FAULT_IFACE, "DropEvents",
                                                     g_variant_new("(u)", 1), NULL))) {
                harness_fail(h, "FaultInjection.DropEvents failed: %s", error);
                return;
        }
        if (!harness_control(h, "insert sr0 %s", file))
                return;
        g_dbus_connection_call(harness_bus(h), MSD_BUS_NAME, path, MSD_DRIVE_IFACE, "Refresh", NULL, NULL,
                               G_DBUS_CALL_FLAGS_NO_AUTO_START, 2 * HARNESS_TIMEOUT_MS, NULL,
                               on_snapshot_reply, snap);
        if (!harness_wait(h, cond_snapshot, snap, 2 * HARNESS_TIMEOUT_MS + 1000)) {
                harness_fail(h, "%s: the Refresh() sent after it was not answered", what);
                return;
        }
        if (snap->error)
                harness_fail(h, "%s: the Refresh() sent after it failed: %s", what, snap->error);
        else {
                g_autoptr(GVariant) seq = NULL, drive = NULL, rw = NULL;
                g_autoptr(GString) diff = g_string_new(NULL);

                published_advance_to(p, snap->signals);
                published_dicts(p, &seq, &drive, &rw);
                expect_check_props(disc, seq, drive, rw, diff);
                if (diff->len)
                        harness_fail(h,
                                     "%s: when the Refresh() sent after it answered, the signals before its "
                                     "reply had "
                                     "published other values than the new disc's:\n%s",
                                     what, diff->str);
                (void) robust_check_props(h, "sr0", disc,
                                          "GetAll right after the Refresh() sent after the media change");
        }
        if (!wait_flood(h, f, what))
                return;
        {
                g_auto(GStrv) lines = harness_log_lines(h, mark);
                guint n46 = harness_log_count_opcode(lines, "sr0", 0x46),
                      n51 = harness_log_count_opcode(lines, "sr0", 0x51);
                if (n51 > n46)
                        harness_fail(h, "the flood with %s: %u READ DISC INFORMATION for %u probes", what,
                                     n51, n46);
        }
        if (harness_wait_settled(h, "sr0", HARNESS_ANY_DISKSEQ))
                (void) robust_check_drive(h, "sr0", disc, identity, what);
}

static void test_refresh_flood(void) {
        g_autoptr(EmuDisc) identity = NULL, slow_disc = NULL,
                           b = harness_load_disc("cdr-appendable-1session");
        g_autofree char *b_file = harness_disc_path("cdr-appendable-1session");
        g_autofree char *path = harness_drive_path("sr0");
        g_autofree char *slow = NULL, *baseline = NULL, *error = NULL;
        GDBusConnection *clients[N_CLIENTS] = {};
        Flood floods[3] = {};
        Snapshot snaps[2] = {};
        Harness *h = robust_start(&identity);
        guint mark, n;

        for (size_t i = 0; i < G_N_ELEMENTS(floods); i++)
                floods[i].errors = g_string_new(NULL);
        if (!h || !b ||
            !(slow = robust_disc_variant(h, "dvdplusr-appendable-2sessions", "slow",
                                         "quirk = delay 0x51 200")) ||
            !(slow_disc = harness_load_disc(slow)) || !harness_insert(h, "sr0", slow))
                goto out;
        for (size_t i = 0; i < G_N_ELEMENTS(snaps); i++)
                snaps[i].h = h;
        for (unsigned c = 0; c < N_CLIENTS; c++)
                if (!(clients[c] = connect_client(h)))
                        goto out;

        /* What one probe of this disc sends. */
        mark = harness_log_mark(h);
        if ((error = robust_call_error(h, NULL, path, MSD_DRIVE_IFACE, "Refresh", NULL, NULL))) {
                harness_fail(h, "a lone Refresh() failed: %s", error);
                goto out;
        }
        {
                g_auto(GStrv) lines = harness_log_lines(h, mark);
                g_auto(GStrv) probes = robust_log_probes(lines, "sr0");
                if (g_strv_length(probes) != 1 || !g_str_has_prefix(probes[0], "46")) {
                        g_autofree char *l = robust_log_text(h, mark);
                        harness_fail(h, "a lone Refresh() did not send one probe starting with 46h:\n%s", l);
                        goto out;
                }
                baseline = g_strdup(probes[0]);
        }

        /* The flood on one medium. */
        mark = harness_log_mark(h);
        send_flood(clients, path, &floods[0]);
        if (!wait_flood(h, &floods[0], "the flood"))
                goto out;
        n = check_probes(h, mark, baseline, "the flood");
        g_test_message("%u Refresh() calls from %u clients: %u probe(s) of '%s'", floods[0].sent, N_CLIENTS,
                       n, baseline);
        (void) robust_check_drive(h, "sr0", slow_disc, identity, "after the flood");

        flood_with_change(h, clients, b_file, b, identity, false, &floods[1], &snaps[0]);
        if (!harness_insert(h, "sr0", slow))
                goto out;
        flood_with_change(h, clients, b_file, b, identity, true, &floods[2], &snaps[1]);
out:
        /* Stop the daemon first: calls still pending then fail, and their callbacks run during the stop. */
        robust_stop(h, NULL);
        for (unsigned c = 0; c < N_CLIENTS; c++)
                if (clients[c]) {
                        (void) g_dbus_connection_close_sync(clients[c], NULL, NULL);
                        g_object_unref(clients[c]);
                }
        harness_drain(NULL);
        for (size_t i = 0; i < G_N_ELEMENTS(floods); i++)
                g_string_free(floods[i].errors, TRUE);
        for (size_t i = 0; i < G_N_ELEMENTS(snaps); i++)
                g_free(snaps[i].error);
}

int main(int argc, char **argv) {
        harness_test_init(&argc, &argv);
        g_test_add_func("/bus/bad-arguments", test_bad_arguments);
        g_test_add_func("/bus/unknown", test_unknown);
        g_test_add_func("/bus/refresh-flood", test_refresh_flood);
        return g_test_run();
}
