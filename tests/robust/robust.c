/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* See robust.h. */

#include <string.h>
#include <unistd.h>

#include "robust.h"

Harness *robust_start(EmuDisc **ret_identity) {
        g_autofree char *drive = harness_write_drive_disc();
        const char *files[] = { drive, NULL };
        g_autoptr(EmuDisc) identity = harness_load_disc(drive);
        Harness *h;

        /* fake-drive hands its environment to the daemon: the seam for open() and udev faults. */
        g_setenv("MULTISESSIOND_FAULT_INJECTION", "1", TRUE);
        h = identity ? harness_start(files) : NULL;
        /* fake-drive read the file at start; the drive keeps its identity without it. */
        (void) unlink(drive);
        if (!h)
                return NULL;
        if (!harness_wait_settled(h, "sr0", HARNESS_ANY_DISKSEQ)) {
                (void) harness_stop(h);
                return NULL;
        }
        *ret_identity = g_steal_pointer(&identity);
        return h;
}

void robust_stop(Harness *h, EmuDisc *identity) {
        if (h)
                (void) harness_stop(h);
        if (identity)
                emu_disc_free(identity);
}

guint32 robust_daemon_pid(Harness *h) {
        g_autoptr(GError) error = NULL;
        g_autoptr(GVariant) r = NULL;
        guint32 pid = 0;

        r = g_dbus_connection_call_sync(harness_bus(h), "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                        "org.freedesktop.DBus", "GetConnectionUnixProcessID",
                                        g_variant_new("(s)", harness_daemon_name(h)), G_VARIANT_TYPE("(u)"),
                                        G_DBUS_CALL_FLAGS_NONE, HARNESS_TIMEOUT_MS, NULL, &error);
        if (!r) {
                harness_fail(h, "GetConnectionUnixProcessID(%s): %s", harness_daemon_name(h),
                             error->message);
                return 0;
        }
        g_variant_get(r, "(u)", &pid);
        return pid;
}

char *robust_node_file(Harness *h, const char *node) {
        g_autofree char *path = NULL, *env = NULL;
        g_autoptr(GError) error = NULL;
        guint32 pid = robust_daemon_pid(h);
        gsize len;

        if (pid == 0)
                return NULL;
        path = g_strdup_printf("/proc/%u/environ", pid);
        if (!g_file_get_contents(path, &env, &len, &error)) {
                harness_fail(h, "cannot read %s: %s", path, error->message);
                return NULL;
        }
        for (gsize i = 0; i < len; i += strlen(env + i) + 1)
                if (g_str_has_prefix(env + i, "UMOCKDEV_DIR="))
                        return g_build_filename(env + i + strlen("UMOCKDEV_DIR="), "dev", node, NULL);
        harness_fail(h, "the daemon (pid %u) has no UMOCKDEV_DIR in its environment: not under fake-drive?",
                     pid);
        return NULL;
}

char *robust_disc_variant(Harness *h, const char *base, const char *name, const char *extra) {
        g_autofree char *src = harness_disc_path(base), *text = NULL, *file = NULL, *out = NULL;
        g_autoptr(GError) error = NULL;

        if (!g_file_get_contents(src, &text, NULL, &error)) {
                harness_fail(h, "cannot read %s: %s", src, error->message);
                return NULL;
        }
        file = g_strdup_printf("%s.disc", name);
        out = harness_tmp_path(h, file);
        g_autofree char *variant = g_strdup_printf("%s\n# variant for tests/robust\n%s\n", text, extra);
        if (!g_file_set_contents(out, variant, -1, &error)) {
                harness_fail(h, "cannot write %s: %s", out, error->message);
                return NULL;
        }
        return g_steal_pointer(&out);
}

/* none.disc's expect lines without ProbeState/LastError, plus the given ones. */
static EmuDisc *sentinels_with(const char *probe_state, const char *last_error, const char *name) {
        g_autofree char *path = harness_disc_path("none"), *text = NULL, *msg = NULL;
        g_autoptr(GString) out = g_string_new(NULL);
        g_auto(GStrv) lines = NULL;
        EmuDisc *d = NULL;

        if (!g_file_get_contents(path, &text, NULL, NULL))
                g_error("cannot read %s", path);
        lines = g_strsplit(text, "\n", -1);
        for (size_t i = 0; lines[i]; i++) {
                const char *l = lines[i];
                if (g_str_has_prefix(l, "expect.drive.ProbeState") ||
                    g_str_has_prefix(l, "expect.drive.LastError") || g_str_has_prefix(l, "expect.msinfo"))
                        continue;
                g_string_append_printf(out, "%s\n", l);
        }
        g_string_append_printf(out, "expect.drive.ProbeState = %s\nexpect.drive.LastError = %s\n",
                               probe_state, last_error);
        if (emu_disc_parse(out->str, name, &d, &msg) < 0)
                g_error("cannot build the sentinel expectation: %s", msg);
        return d;
}

EmuDisc *robust_sentinel_disc(const char *probe_state, const char *last_error) {
        return sentinels_with(probe_state, last_error, "sentinels");
}

EmuDisc *robust_error_disc_expectation(const EmuDisc *disc) {
        const char *state = emu_disc_expect(disc, "drive.ProbeState");
        const char *error = emu_disc_expect(disc, "drive.LastError");
        g_autofree char *name = g_strdup_printf("sentinels+%s", disc->name ?: "disc");

        g_assert(state && error);
        return sentinels_with(state, error, name);
}

gboolean robust_check_props(Harness *h, const char *node, const EmuDisc *want, const char *what) {
        g_autofree char *path = harness_drive_path(node);
        g_autoptr(GVariant) seq = harness_get_all(h, path, MSD_SEQ_IFACE);
        g_autoptr(GVariant) drive = harness_get_all(h, path, MSD_DRIVE_IFACE);
        g_autoptr(GVariant) rw = harness_get_all(h, path, MSD_RW_IFACE);
        g_autoptr(GString) out = g_string_new(NULL);

        if (!seq || !drive || !rw)
                return FALSE;
        expect_check_props(want, seq, drive, rw, out);
        if (out->len)
                return harness_fail(h, "%s: %s publishes other values than expected (%s):\n%s", what, node,
                                    want->name ?: "?", out->str);
        return TRUE;
}

gboolean robust_check_drive(Harness *h, const char *node, const EmuDisc *media, const EmuDisc *identity,
                            const char *what) {
        if (expect_check_drive(h, node, media, identity, harness_start_time(h)))
                return TRUE;
        g_test_message("(the mismatches above are from: %s)", what);
        return FALSE;
}

typedef struct StateWait {
        const char *path;
        const char *want;
        char *seen;
} StateWait;

static gboolean cond_state(Harness *h, gpointer data) {
        StateWait *w = data;
        g_autoptr(GVariant) r = harness_call(h, w->path, DBUS_PROPERTIES_IFACE, "Get",
                                             g_variant_new("(ss)", MSD_DRIVE_IFACE, "ProbeState"),
                                             G_VARIANT_TYPE("(v)"), NULL);
        g_autoptr(GVariant) v = NULL;

        if (!r)
                return FALSE;
        g_variant_get(r, "(v)", &v);
        if (!g_variant_is_of_type(v, G_VARIANT_TYPE_STRING))
                return FALSE;
        g_free(w->seen);
        w->seen = g_variant_dup_string(v, NULL);
        return strcmp(w->seen, w->want) == 0;
}

gboolean robust_wait_state(Harness *h, const char *node, const char *state, guint timeout_ms) {
        g_autofree char *path = harness_drive_path(node);
        StateWait w = { .path = path, .want = state };
        gboolean ok = harness_wait(h, cond_state, &w, timeout_ms);

        if (!ok)
                harness_fail(h, "%s: ProbeState did not become '%s' within %u ms (last seen '%s')", node,
                             state, timeout_ms, w.seen ?: "(no answer)");
        g_free(w.seen);
        return ok;
}

typedef struct SeqWait {
        Harness *h;
        const char *node;
        guint64 old, now;
} SeqWait;

static gboolean cond_diskseq(Harness *h, gpointer data) {
        SeqWait *w = data;
        g_autofree char *path = harness_drive_path(w->node);
        g_autoptr(GVariant) r =
                harness_call(h, path, DBUS_PROPERTIES_IFACE, "Get",
                             g_variant_new("(ss)", MSD_DRIVE_IFACE, "DiskSeq"), G_VARIANT_TYPE("(v)"), NULL);
        g_autoptr(GVariant) v = NULL;

        if (!r)
                return FALSE;
        g_variant_get(r, "(v)", &v);
        if (!g_variant_is_of_type(v, G_VARIANT_TYPE_UINT64))
                return FALSE;
        w->now = g_variant_get_uint64(v);
        return w->now != w->old;
}

guint64 robust_wait_diskseq_change(Harness *h, const char *node, guint64 old) {
        SeqWait w = { .node = node, .old = old };

        if (!harness_wait(h, cond_diskseq, &w, HARNESS_TIMEOUT_MS)) {
                harness_fail(h, "%s: DiskSeq stayed %" G_GUINT64_FORMAT " for %u ms after the media change",
                             node, old, HARNESS_TIMEOUT_MS);
                return HARNESS_ANY_DISKSEQ;
        }
        return w.now;
}

char *robust_drive_prop(Harness *h, const char *node, const char *prop) {
        g_autofree char *path = harness_drive_path(node);
        g_autoptr(GVariant) v = harness_get(h, path, MSD_DRIVE_IFACE, prop);

        if (!v)
                return NULL;
        if (g_variant_is_of_type(v, G_VARIANT_TYPE_STRING))
                return g_variant_dup_string(v, NULL);
        return g_variant_print(v, FALSE);
}

char *robust_call_error(Harness *h, GDBusConnection *bus, const char *path, const char *iface,
                        const char *method, GVariant *params, GVariant **ret_reply) {
        g_autoptr(GError) error = NULL;
        GVariant *r;

        r = g_dbus_connection_call_sync(bus ?: harness_bus(h), MSD_BUS_NAME, path, iface, method, params,
                                        NULL, G_DBUS_CALL_FLAGS_NO_AUTO_START, HARNESS_TIMEOUT_MS, NULL,
                                        &error);
        if (r) {
                if (ret_reply)
                        *ret_reply = r;
                else
                        g_variant_unref(r);
                return NULL;
        }
        if (g_dbus_error_is_remote_error(error))
                return g_dbus_error_get_remote_error(error);
        return g_strdup_printf("(local error: %s)", error->message);
}

char *robust_log_text(Harness *h, guint mark) {
        g_auto(GStrv) lines = harness_log_lines(h, mark);
        g_autofree char *joined = g_strjoinv("\n  ", lines);

        return g_strdup_printf("  %s", lines[0] ? joined : "(nothing)");
}

guint robust_log_count_sgio(char **lines, const char *node) {
        guint n = 0;

        for (guint op = 0; op <= 0xff; op++)
                n += harness_log_count_opcode(lines, node, (guint8) op);
        return n;
}

guint robust_log_count_control(char **lines) {
        guint n = 0;

        for (size_t i = 0; lines && lines[i]; i++)
                if (g_str_has_prefix(lines[i], "# "))
                        n++;
        return n;
}

char **robust_log_probes(char **lines, const char *node) {
        GPtrArray *probes = g_ptr_array_new();
        GString *cur = NULL;
        size_t node_len = strlen(node);

        for (size_t i = 0; lines && lines[i]; i++) {
                const char *l = lines[i], *op = l + node_len + 1;

                /* "sr0 46 00 …": the node, a blank, two hex digits, a blank or the end */
                if (strncmp(l, node, node_len) != 0 || l[node_len] != ' ' || !g_ascii_isxdigit(op[0]) ||
                    !g_ascii_isxdigit(op[1]) || (op[2] != ' ' && op[2] != '\0'))
                        continue;
                if (!cur || strncmp(op, "46", 2) == 0) {
                        if (cur)
                                g_ptr_array_add(probes, g_string_free(cur, FALSE));
                        cur = g_string_new(NULL);
                } else
                        g_string_append_c(cur, ' ');
                g_string_append_len(cur, op, 2);
        }
        if (cur)
                g_ptr_array_add(probes, g_string_free(cur, FALSE));
        g_ptr_array_add(probes, NULL);
        return (char **) g_ptr_array_free(probes, FALSE);
}

typedef struct OpcodeWait {
        guint mark;
        const char *node;
        guint8 opcode;
        guint n, seen;
} OpcodeWait;

static gboolean cond_opcode(Harness *h, gpointer data) {
        OpcodeWait *w = data;
        g_auto(GStrv) lines = harness_log_lines(h, w->mark);

        w->seen = harness_log_count_opcode(lines, w->node, w->opcode);
        return w->seen >= w->n;
}

gboolean robust_wait_opcode(Harness *h, guint mark, const char *node, guint8 opcode, guint n,
                            guint timeout_ms) {
        OpcodeWait w = { .mark = mark, .node = node, .opcode = opcode, .n = n };

        if (harness_wait(h, cond_opcode, &w, timeout_ms))
                return TRUE;
        g_autofree char *l = robust_log_text(h, mark);
        return harness_fail(h, "%s: %u command(s) %02xh within %u ms, expected %u; the log since:\n%s", node,
                            w.seen, opcode, timeout_ms, n, l);
}

guint robust_signals_mark(Harness *h) {
        (void) harness_sync(h);
        return harness_signals_mark(h);
}

/* The expectation for key on a medium: its own line, else the sentinel (a failed probe publishes
 * sentinels for everything its disc does not list). */
static const char *expected_or_sentinel(const EmuDisc *d, const EmuDisc *sentinels, const char *key) {
        const char *v = emu_disc_expect(d, key);
        return v ? v : emu_disc_expect(sentinels, key);
}

gboolean robust_check_no_stale_signals(Harness *h, const char *node, guint from, const EmuDisc *old,
                                       const EmuDisc *new, const char *what) {
        g_autoptr(EmuDisc) sentinels = robust_sentinel_disc("no-medium", "");
        g_autofree char *path = harness_drive_path(node);
        g_autoptr(GString) out = g_string_new(NULL);

        harness_drain(h);
        for (guint i = from; i < harness_n_signals(h); i++) {
                const HarnessSignal *s = harness_signal(h, i);
                g_autoptr(GVariant) changed = NULL;
                const char *iface, *prefix;
                GVariantIter it;
                const char *name;
                GVariant *value;

                if (strcmp(s->path, path) != 0 || strcmp(s->member, "PropertiesChanged") != 0 ||
                    !g_variant_is_of_type(s->params, G_VARIANT_TYPE("(sa{sv}as)")))
                        continue;
                g_variant_get(s->params, "(&s@a{sv}@as)", &iface, &changed, NULL);
                prefix = strcmp(iface, MSD_SEQ_IFACE) == 0     ? "seq"
                         : strcmp(iface, MSD_RW_IFACE) == 0    ? "rw"
                         : strcmp(iface, MSD_DRIVE_IFACE) == 0 ? "drive"
                                                               : NULL;
                if (!prefix)
                        continue;
                g_variant_iter_init(&it, changed);
                while (g_variant_iter_next(&it, "{&sv}", &name, &value)) {
                        g_autofree char *key = g_strdup_printf("%s.%s", prefix, name);
                        const char *was = emu_disc_expect(old, key);
                        const char *now = expected_or_sentinel(new, sentinels, key);
                        const char *sentinel = emu_disc_expect(sentinels, key);

                        /* A value both media (or the sentinel) share proves nothing; one only the old
                         * medium has is stale. */
                        if (was && now && expect_value_equal(was, value) &&
                            !expect_value_equal(now, value) &&
                            (!sentinel || !expect_value_equal(sentinel, value)) &&
                            strcmp(name, "ProbeState") != 0 && strcmp(name, "LastError") != 0) {
                                g_autofree char *shown = g_variant_print(value, FALSE);
                                g_string_append_printf(out,
                                                       "  signal #%" G_GUINT64_FORMAT
                                                       ": %s = %s (%s's value; %s's is %s)\n",
                                                       s->serial, key, shown, old->name ?: "old",
                                                       new->name ?: "new", now);
                        }
                        g_variant_unref(value);
                }
        }
        if (out->len)
                return harness_fail(
                        h,
                        "%s: PropertiesChanged published the previous medium's values after the new "
                        "one went in:\n%s",
                        what, out->str);
        return TRUE;
}
