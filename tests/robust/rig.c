/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* See rig.h. */

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "rig.h"

#define TICK_MS         10
#define STOP_TIMEOUT_MS 5000
#define POLKIT_NAME     "org.freedesktop.PolicyKit1"
#define POLKIT_PATH     "/org/freedesktop/PolicyKit1/Authority"
#define PYTHON          "/usr/bin/python3"

struct Rig {
        char *tmpdir, *address, *log_path, *out_path;
        GDBusConnection *bus;
        GSubprocess *bus_proc, *fake_proc, *mock_proc;
        bool bus_exited, fake_exited, mock_exited;
        int fake_status;
        guint32 daemon_pid;
        bool failed;
};

const char *rig_address(Rig *r) {
        return r->address;
}

GDBusConnection *rig_bus(Rig *r) {
        return r->bus;
}

gboolean rig_fail(Rig *r, const char *fmt, ...) {
        g_autofree char *msg = NULL, *out = NULL;
        va_list ap;

        va_start(ap, fmt);
        msg = g_strdup_vprintf(fmt, ap);
        va_end(ap);
        r->failed = true;
        g_test_message("%s", msg);
        if (r->out_path && g_file_get_contents(r->out_path, &out, NULL, NULL)) {
                g_auto(GStrv) lines = g_strsplit(out, "\n", -1);
                g_test_message("--- the daemon's output (%s) ---", r->out_path);
                for (size_t i = 0; lines[i]; i++)
                        if (*lines[i])
                                g_test_message("| %s", lines[i]);
        }
        g_test_fail_printf("%.*s", (int) strcspn(msg, "\n"), msg);
        return FALSE;
}

/* ---- waiting ---- */

typedef gboolean (*RigCond)(Rig *r, gpointer data);

static gboolean on_tick(gpointer userdata) {
        return G_SOURCE_CONTINUE;
}

static gboolean rig_wait(Rig *r, RigCond cond, gpointer data, guint timeout_ms) {
        gint64 deadline = g_get_monotonic_time() + (gint64) timeout_ms * 1000;
        GSource *tick = g_timeout_source_new(TICK_MS);
        gboolean ok = FALSE;

        g_source_set_callback(tick, on_tick, NULL, NULL);
        g_source_attach(tick, NULL);
        while (!(ok = cond(r, data)) && g_get_monotonic_time() < deadline)
                g_main_context_iteration(NULL, TRUE);
        g_source_destroy(tick);
        g_source_unref(tick);
        return ok;
}

static gboolean cond_flag(Rig *r, gpointer data) {
        return *(bool *) data;
}

/* ---- processes ---- */

static void child_setup(gpointer userdata) {
        (void) prctl(PR_SET_PDEATHSIG, GPOINTER_TO_INT(userdata));
}

static void on_exit_flag(GObject *source, GAsyncResult *result, gpointer userdata) {
        (void) g_subprocess_wait_finish(G_SUBPROCESS(source), result, NULL);
        *(bool *) userdata = true;
}

static void on_fake_exit(GObject *source, GAsyncResult *result, gpointer userdata) {
        Rig *r = userdata;
        GSubprocess *p = G_SUBPROCESS(source);

        (void) g_subprocess_wait_finish(p, result, NULL);
        r->fake_status = harness_subprocess_status(p);
        r->fake_exited = true;
}

static GSubprocess *spawn(Rig *r, GSubprocessFlags flags, const char *out_file, const char *const *argv,
                          GError **error) {
        g_autoptr(GSubprocessLauncher) l = g_subprocess_launcher_new(flags);

        if (out_file)
                g_subprocess_launcher_set_stdout_file_path(l, out_file);
        g_subprocess_launcher_set_child_setup(l, child_setup, GINT_TO_POINTER(SIGKILL), NULL);
        return g_subprocess_launcher_spawnv(l, argv, error);
}

static gboolean start_bus(Rig *r) {
        g_autofree char *conf = g_build_filename(r->tmpdir, "bus.conf", NULL);
        g_autofree char *socket = g_build_filename(r->tmpdir, "socket", NULL);
        g_autofree char *conf_arg = g_strdup_printf("--config-file=%s", conf);
        g_autofree char *text = NULL, *line = NULL;
        g_autoptr(GDataInputStream) in = NULL;
        g_autoptr(GError) error = NULL;
        const char *argv[] = {
                "dbus-daemon", conf_arg, "--nofork", "--nosyslog", "--print-address=1", NULL
        };

        text = g_strdup_printf(
                "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
                " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
                "<busconfig>\n"
                "  <type>system</type>\n"
                "  <listen>unix:path=%s</listen>\n"
                "  <auth>EXTERNAL</auth>\n"
                "  <policy context=\"default\">\n"
                "    <allow user=\"*\"/>\n"
                "    <allow own=\"*\"/>\n"
                "    <allow send_destination=\"*\"/>\n"
                "    <allow receive_sender=\"*\"/>\n"
                "  </policy>\n"
                "</busconfig>\n",
                socket);
        if (!g_file_set_contents(conf, text, -1, &error))
                return rig_fail(r, "cannot write %s: %s", conf, error->message);
        r->bus_proc = spawn(r, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, NULL,
                            argv, &error);
        if (!r->bus_proc)
                return rig_fail(r, "cannot start dbus-daemon: %s", error->message);
        g_subprocess_wait_async(r->bus_proc, NULL, on_exit_flag, &r->bus_exited);
        in = g_data_input_stream_new(g_subprocess_get_stdout_pipe(r->bus_proc));
        /* It prints the address once it listens, or exits (end of file). */
        line = g_data_input_stream_read_line(in, NULL, NULL, &error);
        if (!line || !*g_strstrip(line))
                return rig_fail(r, "dbus-daemon printed no address (%s)",
                                error ? error->message : "it exited");
        r->address = g_steal_pointer(&line);
        /* An unprivileged client needs write access to the socket (dbus-daemon honours the umask). */
        if (chmod(socket, 0666) < 0)
                return rig_fail(r, "chmod %s: %s", socket, g_strerror(errno));
        r->bus = g_dbus_connection_new_for_address_sync(
                r->address,
                G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                        G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                NULL, NULL, &error);
        if (!r->bus)
                return rig_fail(r, "cannot connect to %s: %s", r->address, error->message);
        return TRUE;
}

static gboolean has_owner(Rig *r, const char *name) {
        g_autoptr(GVariant) v = g_dbus_connection_call_sync(
                r->bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                "NameHasOwner", g_variant_new("(s)", name), G_VARIANT_TYPE("(b)"), G_DBUS_CALL_FLAGS_NONE,
                HARNESS_TIMEOUT_MS, NULL, NULL);
        gboolean owned = FALSE;

        if (v)
                g_variant_get(v, "(b)", &owned);
        return owned;
}

static gboolean cond_daemon_name(Rig *r, gpointer data) {
        return r->fake_exited || has_owner(r, MSD_BUS_NAME);
}

static gboolean start_daemon(Rig *r, const char *const *discs) {
        g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
        g_autoptr(GError) error = NULL;
        g_autoptr(GVariant) pid = NULL;

        g_ptr_array_add(argv, g_build_filename(harness_build_root(), "tests", "fake-drive", NULL));
        for (size_t i = 0; discs && discs[i]; i++) {
                g_ptr_array_add(argv, g_strdup("--disc"));
                g_ptr_array_add(argv, g_strdup(discs[i]));
        }
        g_ptr_array_add(argv, g_strdup_printf("--command-log=%s", r->log_path));
        g_ptr_array_add(argv, g_strdup("--"));
        g_ptr_array_add(argv, g_build_filename(harness_build_root(), "daemon", "multisessiond", NULL));
        g_ptr_array_add(argv, g_strdup_printf("--address=%s", r->address));
        g_ptr_array_add(argv, NULL);

        r->fake_proc = spawn(r, G_SUBPROCESS_FLAGS_STDERR_MERGE, r->out_path,
                             (const char *const *) argv->pdata, &error);
        if (!r->fake_proc)
                return rig_fail(r, "cannot start fake-drive: %s", error->message);
        g_subprocess_wait_async(r->fake_proc, NULL, on_fake_exit, r);
        if (!rig_wait(r, cond_daemon_name, NULL, HARNESS_TIMEOUT_MS) || r->fake_exited)
                return rig_fail(r, "the daemon did not take %s on the rig's bus (%s)", MSD_BUS_NAME,
                                r->fake_exited ? "it exited" : "timed out");
        pid = g_dbus_connection_call_sync(r->bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                          "org.freedesktop.DBus", "GetConnectionUnixProcessID",
                                          g_variant_new("(s)", MSD_BUS_NAME), G_VARIANT_TYPE("(u)"),
                                          G_DBUS_CALL_FLAGS_NONE, HARNESS_TIMEOUT_MS, NULL, &error);
        if (!pid)
                return rig_fail(r, "GetConnectionUnixProcessID: %s", error->message);
        g_variant_get(pid, "(u)", &r->daemon_pid);
        return TRUE;
}

Rig *rig_start(const char *const *discs) {
        g_autoptr(GError) error = NULL;
        Rig *r = g_new0(Rig, 1);

        r->tmpdir = g_dir_make_tmp("msd-robust-XXXXXX", &error);
        if (!r->tmpdir) {
                rig_fail(r, "cannot make a temporary directory: %s", error->message);
                (void) rig_stop(r);
                return NULL;
        }
        /* Reachable by nobody: the socket lives here. */
        (void) chmod(r->tmpdir, 0755);
        r->log_path = g_build_filename(r->tmpdir, "commands.log", NULL);
        r->out_path = g_build_filename(r->tmpdir, "daemon.out", NULL);
        if (!start_bus(r) || !start_daemon(r, discs)) {
                (void) rig_stop(r);
                return NULL;
        }
        return r;
}

/* ---- properties ---- */

typedef struct PropWait {
        const char *path, *prop, *want;
        char *seen;
} PropWait;

static gboolean cond_prop(Rig *r, gpointer data) {
        PropWait *w = data;
        g_autoptr(GVariant) reply = NULL, v = NULL;

        reply = g_dbus_connection_call_sync(r->bus, MSD_BUS_NAME, w->path, DBUS_PROPERTIES_IFACE, "Get",
                                            g_variant_new("(ss)", MSD_DRIVE_IFACE, w->prop),
                                            G_VARIANT_TYPE("(v)"), G_DBUS_CALL_FLAGS_NO_AUTO_START,
                                            HARNESS_TIMEOUT_MS, NULL, NULL);
        if (!reply)
                return FALSE;
        g_variant_get(reply, "(v)", &v);
        g_free(w->seen);
        w->seen = g_variant_is_of_type(v, G_VARIANT_TYPE_STRING) ? g_variant_dup_string(v, NULL)
                                                                 : g_variant_print(v, FALSE);
        return strcmp(w->seen, w->want) == 0;
}

gboolean rig_wait_drive_prop(Rig *r, const char *node, const char *prop, const char *value) {
        g_autofree char *path = harness_drive_path(node);
        PropWait w = { .path = path, .prop = prop, .want = value };
        gboolean ok = rig_wait(r, cond_prop, &w, HARNESS_TIMEOUT_MS);

        if (!ok)
                rig_fail(r, "%s.%s did not become %s within %u ms (last seen %s)", node, prop, value,
                         HARNESS_TIMEOUT_MS, w.seen ?: "nothing");
        g_free(w.seen);
        return ok;
}

/* ---- polkit ---- */

gboolean rig_polkit_available(char **ret_why) {
        g_autofree char *err = NULL;
        int status = 0;
        const char *argv[] = { PYTHON, "-c", "import dbusmock.templates.polkitd", NULL };

        if (!g_spawn_sync(NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err,
                          &status, NULL) ||
            !g_spawn_check_wait_status(status, NULL)) {
                *ret_why = g_strdup_printf(
                        "%s cannot import python3-dbusmock's polkitd template (apt-get install "
                        "python3-dbusmock)",
                        PYTHON);
                return FALSE;
        }
        return TRUE;
}

static gboolean cond_polkit(Rig *r, gpointer data) {
        return r->mock_exited || has_owner(r, POLKIT_NAME);
}

gboolean rig_start_polkit(Rig *r) {
        g_autoptr(GSubprocessLauncher) l = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDERR_MERGE);
        g_autoptr(GError) error = NULL;
        g_autofree char *out = g_build_filename(r->tmpdir, "polkitd.out", NULL);

        /* The template is a system bus service; dbus-python finds "the system bus" here. */
        g_subprocess_launcher_setenv(l, "DBUS_SYSTEM_BUS_ADDRESS", r->address, TRUE);
        g_subprocess_launcher_set_stdout_file_path(l, out);
        g_subprocess_launcher_set_child_setup(l, child_setup, GINT_TO_POINTER(SIGKILL), NULL);
        r->mock_proc = g_subprocess_launcher_spawn(l, &error, PYTHON, "-m", "dbusmock", "--system",
                                                   "--template", "polkitd", NULL);
        if (!r->mock_proc)
                return rig_fail(r, "cannot start %s -m dbusmock: %s", PYTHON, error->message);
        g_subprocess_wait_async(r->mock_proc, NULL, on_exit_flag, &r->mock_exited);
        if (!rig_wait(r, cond_polkit, NULL, HARNESS_TIMEOUT_MS) || r->mock_exited)
                return rig_fail(r, "the mock polkitd did not take %s (see %s)", POLKIT_NAME, out);
        return TRUE;
}

gboolean rig_polkit_allow(Rig *r, const char *action) {
        g_autoptr(GError) error = NULL;
        const char *actions[] = { action, NULL };
        g_autoptr(GVariant) v =
                g_dbus_connection_call_sync(r->bus, POLKIT_NAME, POLKIT_PATH, "org.freedesktop.DBus.Mock",
                                            "SetAllowed", g_variant_new("(^as)", actions), NULL,
                                            G_DBUS_CALL_FLAGS_NONE, HARNESS_TIMEOUT_MS, NULL, &error);

        if (!v)
                return rig_fail(r, "SetAllowed([%s]) on the mock polkitd: %s", action, error->message);
        return TRUE;
}

/* ---- the command log ---- */

char **rig_log_lines(Rig *r) {
        g_autofree char *text = NULL;
        char *end;

        if (!g_file_get_contents(r->log_path, &text, NULL, NULL))
                return g_new0(char *, 1);
        /* fake-drive writes whole lines, but we may read in the middle of one */
        end = strrchr(text, '\n');
        if (!end)
                return g_new0(char *, 1);
        *end = '\0';
        return g_strsplit(text, "\n", -1);
}

typedef struct OpcodeWait {
        const char *node;
        guint8 opcode;
        guint n;
} OpcodeWait;

static gboolean cond_opcode(Rig *r, gpointer data) {
        OpcodeWait *w = data;
        g_auto(GStrv) lines = rig_log_lines(r);
        return harness_log_count_opcode(lines, w->node, w->opcode) >= w->n;
}

gboolean rig_wait_opcode(Rig *r, const char *node, guint8 opcode, guint n) {
        OpcodeWait w = { .node = node, .opcode = opcode, .n = n };

        if (!rig_wait(r, cond_opcode, &w, HARNESS_TIMEOUT_MS))
                return rig_fail(r, "fewer than %u commands %02xh on %s within %u ms", n, opcode, node,
                                HARNESS_TIMEOUT_MS);
        return TRUE;
}

gboolean rig_signal_daemon(Rig *r, int sig) {
        if (r->daemon_pid == 0 || r->fake_exited || kill((pid_t) r->daemon_pid, sig) < 0)
                return rig_fail(r, "cannot send signal %d to the daemon (pid %u)", sig, r->daemon_pid);
        return TRUE;
}

/* ---- the end ---- */

gboolean rig_kill_bus(Rig *r, int sig) {
        if (!r->bus_proc || r->bus_exited)
                return rig_fail(r, "the rig's bus is not running");
        g_subprocess_send_signal(r->bus_proc, sig);
        if (!rig_wait(r, cond_flag, &r->bus_exited, STOP_TIMEOUT_MS))
                return rig_fail(r, "dbus-daemon did not die of signal %d", sig);
        return TRUE;
}

gboolean rig_wait_daemon_exit(Rig *r, guint timeout_ms, int *ret_status) {
        if (!rig_wait(r, cond_flag, &r->fake_exited, timeout_ms))
                return FALSE;
        *ret_status = r->fake_status;
        return TRUE;
}

static void stop_process(Rig *r, GSubprocess *p, bool *exited, int sig) {
        if (!p || *exited)
                return;
        g_subprocess_send_signal(p, sig);
        if (!rig_wait(r, cond_flag, exited, STOP_TIMEOUT_MS)) {
                g_subprocess_force_exit(p);
                (void) rig_wait(r, cond_flag, exited, STOP_TIMEOUT_MS);
        }
}

static void check_log(Rig *r) {
        g_autoptr(GString) bad = g_string_new(NULL);
        g_auto(GStrv) lines = NULL;
        guint n = 0;

        if (!r->log_path || !g_file_test(r->log_path, G_FILE_TEST_EXISTS))
                return;
        lines = rig_log_lines(r);
        if (!harness_log_check_allowlist(lines, bad, &n))
                rig_fail(r, "the daemon sent commands outside the read-only allowlist:\n%s", bad->str);
        else if (n == 0)
                rig_fail(r, "%s holds no SG_IO command although a drive existed", r->log_path);
}

gboolean rig_stop(Rig *r) {
        bool was_failed;

        if (!r)
                return FALSE;
        if (r->fake_proc && !r->fake_exited) {
                /* The daemon first, as in the harness: fake-drive follows it and then drops the testbed. */
                if (r->daemon_pid > 0)
                        (void) kill((pid_t) r->daemon_pid, SIGTERM);
                else
                        g_subprocess_send_signal(r->fake_proc, SIGTERM);
                if (!rig_wait(r, cond_flag, &r->fake_exited, STOP_TIMEOUT_MS)) {
                        rig_fail(r, "the daemon did not exit within %u ms of SIGTERM", STOP_TIMEOUT_MS);
                        stop_process(r, r->fake_proc, &r->fake_exited, SIGKILL);
                } else if (r->daemon_pid > 0 && r->fake_status != 0)
                        rig_fail(r, "the daemon exited with status %d on SIGTERM, expected 0",
                                 r->fake_status);
        }
        if (r->fake_proc)
                check_log(r);
        stop_process(r, r->mock_proc, &r->mock_exited, SIGTERM);
        if (r->bus) {
                (void) g_dbus_connection_close_sync(r->bus, NULL, NULL);
                g_clear_object(&r->bus);
        }
        stop_process(r, r->bus_proc, &r->bus_exited, SIGTERM);
        while (g_main_context_iteration(NULL, FALSE))
                ;
        g_clear_object(&r->fake_proc);
        g_clear_object(&r->mock_proc);
        g_clear_object(&r->bus_proc);

        was_failed = r->failed;
        if (r->tmpdir && !r->failed) {
                g_autoptr(GDir) dir = g_dir_open(r->tmpdir, 0, NULL);
                const char *f;
                while (dir && (f = g_dir_read_name(dir))) {
                        g_autofree char *p = g_build_filename(r->tmpdir, f, NULL);
                        (void) unlink(p);
                }
                (void) rmdir(r->tmpdir);
        } else if (r->tmpdir)
                g_test_message("kept %s for inspection", r->tmpdir);
        g_free(r->tmpdir);
        g_free(r->address);
        g_free(r->log_path);
        g_free(r->out_path);
        g_free(r);
        return !was_failed;
}
