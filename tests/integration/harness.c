/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * See harness.h. Process tree per harness:
 *
 *   test ─┬─ dbus-daemon --session --nofork --address=unix:dir=TMP      (PDEATHSIG SIGKILL)
 *         └─ fake-drive --disc … --control TMP/control --command-log TMP/commands.log
 *              └─ multisessiond --address=ADDR                          (under libumockdev-preload)
 *
 * Teardown order (umockdev-harness.md pitfall 7): the daemon first (SIGTERM to its PID, which we learn
 * from the bus; SIGKILL after a deadline), then fake-drive, which exits with the daemon's status and only
 * then drops its testbed; then our connection and the bus.
 */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness-private.h"


GDBusConnection *harness_bus(Harness *h) {
        return h->bus;
}

const char *harness_address(Harness *h) {
        return h->address;
}

const char *harness_tmpdir(Harness *h) {
        return h->tmpdir;
}

const char *harness_daemon_name(Harness *h) {
        return h->daemon_name;
}

char *harness_tmp_path(Harness *h, const char *name) {
        return g_build_filename(h->tmpdir, name, NULL);
}

guint64 harness_start_time(Harness *h) {
        return h->start_time;
}

/* The last lines of the daemon's (and fake-drive's) stderr, as test messages. */
static void dump_output(Harness *h) {
        g_autofree char *text = NULL;
        g_auto(GStrv) lines = NULL;
        guint n, first;

        if (!h || !h->output_path || !g_file_get_contents(h->output_path, &text, NULL, NULL))
                return;
        lines = g_strsplit(text, "\n", -1);
        n = g_strv_length(lines);
        if (n > 0 && !*lines[n - 1])
                n--;
        first = n > OUTPUT_TAIL_LINES ? n - OUTPUT_TAIL_LINES : 0;
        g_test_message("--- last %u lines of the daemon's output (%s) ---", n - first, h->output_path);
        for (guint i = first; i < n; i++)
                g_test_message("| %s", lines[i]);
}

gboolean harness_fail(Harness *h, const char *fmt, ...) {
        g_autofree char *msg = NULL;
        g_auto(GStrv) lines = NULL;
        va_list ap;

        if (h)
                h->failed = true;
        va_start(ap, fmt);
        msg = g_strdup_vprintf(fmt, ap);
        va_end(ap);
        /* TAP wants the details as comment lines; the "not ok" line gets the first line only. */
        lines = g_strsplit(msg, "\n", -1);
        for (guint i = 0; lines[i]; i++)
                if (*lines[i])
                        g_test_message("%s", lines[i]);
        dump_output(h);
        g_test_fail_printf("%s%s", lines[0], lines[0] && lines[1] ? " (details above)" : "");
        return FALSE;
}

/* ---- waiting ---- */

static gboolean on_tick(gpointer userdata) {
        return G_SOURCE_CONTINUE;
}

static gboolean wait_raw(Harness *h, HarnessCond cond, gpointer data, guint timeout_ms, bool watch_daemon) {
        gint64 deadline = g_get_monotonic_time() + (gint64) timeout_ms * 1000;
        GSource *tick = g_timeout_source_new(TICK_MS);
        gboolean ok = FALSE;

        g_source_set_callback(tick, on_tick, NULL, NULL);
        g_source_attach(tick, NULL);
        for (;;) {
                if (cond(h, data)) {
                        ok = TRUE;
                        break;
                }
                if (watch_daemon && h->watching && (h->fake_exited || h->name_lost)) {
                        if (h->fake_exited)
                                harness_fail(h, "the daemon exited (status %d) while the test waited for it",
                                             h->fake_status);
                        else
                                harness_fail(h, "the daemon lost the bus name %s while the test waited for it",
                                             MSD_BUS_NAME);
                        h->watching = false; /* report it once */
                        break;
                }
                if (g_get_monotonic_time() >= deadline)
                        break;
                g_main_context_iteration(NULL, TRUE);
        }
        g_source_destroy(tick);
        g_source_unref(tick);
        return ok;
}

gboolean harness_wait(Harness *h, HarnessCond cond, gpointer data, guint timeout_ms) {
        return wait_raw(h, cond, data, timeout_ms, true);
}

void harness_drain(Harness *h) {
        while (g_main_context_iteration(NULL, FALSE))
                ;
}

/* ---- processes ---- */

static void child_setup(gpointer userdata) {
        /* Don't outlive the test if it crashes; kept across fake-drive's re-exec. */
        (void) prctl(PR_SET_PDEATHSIG, GPOINTER_TO_INT(userdata));
}

static void on_bus_exit(GObject *source, GAsyncResult *result, gpointer userdata) {
        Harness *h = userdata;
        (void) g_subprocess_wait_finish(G_SUBPROCESS(source), result, NULL);
        h->bus_exited = true;
}

int harness_subprocess_status(GSubprocess *p) {
        if (g_subprocess_get_if_exited(p))
                return g_subprocess_get_exit_status(p);
        if (g_subprocess_get_if_signaled(p))
                return 128 + g_subprocess_get_term_sig(p);
        return -1;
}

static void on_fake_exit(GObject *source, GAsyncResult *result, gpointer userdata) {
        Harness *h = userdata;
        GSubprocess *p = G_SUBPROCESS(source);

        (void) g_subprocess_wait_finish(p, result, NULL);
        h->fake_status = harness_subprocess_status(p);
        h->fake_exited = true;
}

static void on_bus_line(GObject *source, GAsyncResult *result, gpointer userdata) {
        Harness *h = userdata;
        h->bus_line = g_data_input_stream_read_line_finish(G_DATA_INPUT_STREAM(source), result, NULL, NULL);
        h->bus_line_done = true;
}

static gboolean cond_bus_line(Harness *h, gpointer data) {
        return h->bus_line_done || h->bus_exited;
}

static gboolean cond_exited(Harness *h, gpointer data) {
        return *(bool *) data;
}

static bool start_bus(Harness *h) {
        g_autoptr(GSubprocessLauncher) l = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDOUT_PIPE);
        g_autoptr(GDataInputStream) in = NULL;
        g_autoptr(GError) error = NULL;
        g_autofree char *listen = g_strdup_printf("--address=unix:dir=%s", h->tmpdir);

        g_autofree char *err_path = g_build_filename(h->tmpdir, "dbus-daemon.err", NULL);

        /* Its stderr (fd-limit warnings) would clutter the TAP stream. */
        g_subprocess_launcher_set_stderr_file_path(l, err_path);
        g_subprocess_launcher_set_child_setup(l, child_setup, GINT_TO_POINTER(SIGKILL), NULL);
        h->bus_proc = g_subprocess_launcher_spawn(l, &error, "dbus-daemon", "--session", "--nofork",
                                                  "--print-address=1", listen, NULL);
        if (!h->bus_proc)
                return harness_fail(h, "cannot start dbus-daemon: %s", error->message);
        g_subprocess_wait_async(h->bus_proc, NULL, on_bus_exit, h);
        in = g_data_input_stream_new(g_subprocess_get_stdout_pipe(h->bus_proc));
        g_data_input_stream_read_line_async(in, G_PRIORITY_DEFAULT, NULL, on_bus_line, h);
        if (!wait_raw(h, cond_bus_line, NULL, HARNESS_TIMEOUT_MS, false) || !h->bus_line || !*h->bus_line)
                return harness_fail(h, "dbus-daemon printed no address within %u ms", HARNESS_TIMEOUT_MS);
        h->address = g_strdup(g_strstrip(h->bus_line));

        h->bus = g_dbus_connection_new_for_address_sync(
                h->address,
                G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                NULL, NULL, &error);
        if (!h->bus)
                return harness_fail(h, "cannot connect to the private bus %s: %s", h->address, error->message);
        return true;
}

static void signal_free(gpointer p) {
        HarnessSignal *s = p;
        g_free(s->sender);
        g_free(s->path);
        g_free(s->iface);
        g_free(s->member);
        g_variant_unref(s->params);
        g_free(s);
}

static void on_signal(GDBusConnection *c, const char *sender, const char *path, const char *iface,
                      const char *member, GVariant *params, gpointer userdata) {
        Harness *h = userdata;
        HarnessSignal *s;

        if (g_strcmp0(sender, "org.freedesktop.DBus") == 0)
                return;
        s = g_new0(HarnessSignal, 1);
        s->serial = h->signals->len + 1;
        s->sender = g_strdup(sender);
        s->path = g_strdup(path);
        s->iface = g_strdup(iface);
        s->member = g_strdup(member);
        s->params = g_variant_ref(params);
        g_ptr_array_add(h->signals, s);
}

static void on_name_appeared(GDBusConnection *c, const char *name, const char *owner, gpointer userdata) {
        Harness *h = userdata;
        if (!h->daemon_name)
                h->daemon_name = g_strdup(owner);
}

static void on_name_vanished(GDBusConnection *c, const char *name, gpointer userdata) {
        Harness *h = userdata;
        if (h->daemon_name)
                h->name_lost = true;
}

static gboolean cond_name(Harness *h, gpointer data) {
        return h->daemon_name != NULL;
}

static bool start_daemon(Harness *h, const char *const *discs) {
        g_autoptr(GSubprocessLauncher) l = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDERR_MERGE);
        g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
        g_autoptr(GError) error = NULL;
        g_autoptr(GVariant) pid = NULL;

        g_ptr_array_add(argv, g_build_filename(harness_build_root(), "tests", "fake-drive", NULL));
        for (size_t i = 0; discs && discs[i]; i++) {
                g_ptr_array_add(argv, g_strdup("--disc"));
                g_ptr_array_add(argv, g_strdup(discs[i]));
        }
        g_ptr_array_add(argv, g_strdup_printf("--command-log=%s", h->log_path));
        g_ptr_array_add(argv, g_strdup_printf("--control=%s", h->fifo_path));
        g_ptr_array_add(argv, g_strdup("--"));
        g_ptr_array_add(argv, g_build_filename(harness_build_root(), "daemon", "multisessiond", NULL));
        g_ptr_array_add(argv, g_strdup_printf("--address=%s", h->address));
        g_ptr_array_add(argv, NULL);

        h->had_drive = discs && discs[0];
        g_subprocess_launcher_set_stdout_file_path(l, h->output_path);
        g_subprocess_launcher_set_child_setup(l, child_setup, GINT_TO_POINTER(SIGTERM), NULL);
        h->fake_proc = g_subprocess_launcher_spawnv(l, (const char *const *) argv->pdata, &error);
        if (!h->fake_proc)
                return harness_fail(h, "cannot start %s: %s", (char *) argv->pdata[0], error->message);
        g_subprocess_wait_async(h->fake_proc, NULL, on_fake_exit, h);
        h->watching = true;

        h->name_watch = g_bus_watch_name_on_connection(h->bus, MSD_BUS_NAME, G_BUS_NAME_WATCHER_FLAGS_NONE,
                                                       on_name_appeared, on_name_vanished, h, NULL);
        if (!harness_wait(h, cond_name, NULL, HARNESS_TIMEOUT_MS))
                return h->fake_exited ? false
                                      : harness_fail(h, "the daemon did not take the name %s within %u ms",
                                                     MSD_BUS_NAME, HARNESS_TIMEOUT_MS);

        pid = g_dbus_connection_call_sync(h->bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                          "org.freedesktop.DBus", "GetConnectionUnixProcessID",
                                          g_variant_new("(s)", h->daemon_name), G_VARIANT_TYPE("(u)"),
                                          G_DBUS_CALL_FLAGS_NONE, HARNESS_TIMEOUT_MS, NULL, &error);
        if (!pid)
                return harness_fail(h, "GetConnectionUnixProcessID(%s): %s", h->daemon_name, error->message);
        g_variant_get(pid, "(u)", &h->daemon_pid);
        return true;
}

static void harness_free(Harness *h) {
        if (h->signal_sub)
                g_dbus_connection_signal_unsubscribe(h->bus, h->signal_sub);
        if (h->name_watch)
                g_bus_unwatch_name(h->name_watch);
        if (h->bus) {
                (void) g_dbus_connection_close_sync(h->bus, NULL, NULL);
                g_object_unref(h->bus);
        }
        if (h->bus_proc) {
                if (!h->bus_exited) {
                        g_subprocess_send_signal(h->bus_proc, SIGTERM);
                        if (!wait_raw(h, cond_exited, &h->bus_exited, STOP_TIMEOUT_MS, false)) {
                                g_subprocess_force_exit(h->bus_proc);
                                (void) wait_raw(h, cond_exited, &h->bus_exited, STOP_TIMEOUT_MS, false);
                        }
                }
                g_object_unref(h->bus_proc);
        }
        if (h->fifo_fd >= 0)
                close(h->fifo_fd);
        harness_drain(h); /* let the async waits finish while h is alive */

        if (h->tmpdir) {
                if (h->failed) {
                        g_test_message("kept %s for inspection", h->tmpdir);
                } else {
                        g_autoptr(GDir) dir = g_dir_open(h->tmpdir, 0, NULL);
                        const char *f;
                        while (dir && (f = g_dir_read_name(dir))) {
                                g_autofree char *p = g_build_filename(h->tmpdir, f, NULL);
                                (void) unlink(p);
                        }
                        (void) rmdir(h->tmpdir);
                }
        }
        g_clear_pointer(&h->signals, g_ptr_array_unref);
        g_clear_pointer(&h->log_lines, g_ptr_array_unref);
        if (h->log_partial)
                g_string_free(h->log_partial, TRUE);
        g_free(h->tmpdir);
        g_free(h->address);
        g_free(h->log_path);
        g_free(h->fifo_path);
        g_free(h->output_path);
        g_free(h->bus_line);
        g_free(h->daemon_name);
        g_free(h);
}

Harness *harness_start(const char *const *discs) {
        g_autoptr(GError) error = NULL;
        Harness *h = g_new0(Harness, 1);

        h->fifo_fd = -1;
        h->start_time = g_get_real_time();
        h->signals = g_ptr_array_new_with_free_func(signal_free);
        h->log_lines = g_ptr_array_new_with_free_func(g_free);
        h->log_partial = g_string_new(NULL);
        h->tmpdir = g_dir_make_tmp("msd-integration-XXXXXX", &error);
        if (!h->tmpdir) {
                harness_fail(h, "cannot make a temporary directory: %s", error->message);
                goto fail;
        }
        h->log_path = g_build_filename(h->tmpdir, "commands.log", NULL);
        h->fifo_path = g_build_filename(h->tmpdir, "control", NULL);
        h->output_path = g_build_filename(h->tmpdir, "daemon.out", NULL);

        /* Open our end first, read-write, so that neither side ever blocks in open() or sees EOF. */
        if (mkfifo(h->fifo_path, 0600) < 0 ||
            (h->fifo_fd = open(h->fifo_path, O_RDWR | O_NONBLOCK | O_CLOEXEC)) < 0) {
                harness_fail(h, "cannot make the control FIFO %s: %s", h->fifo_path, g_strerror(errno));
                goto fail;
        }
        if (!start_bus(h))
                goto fail;
        /* Subscribed before the daemon starts: every signal it ever sends is recorded, in order. */
        h->signal_sub = g_dbus_connection_signal_subscribe(h->bus, NULL, NULL, NULL, NULL, NULL,
                                                           G_DBUS_SIGNAL_FLAGS_NONE, on_signal, h, NULL);
        if (!start_daemon(h, discs)) {
                (void) harness_stop(h);
                return NULL;
        }
        return h;
fail:
        harness_free(h);
        return NULL;
}

gboolean harness_stop(Harness *h) {
        gboolean ok = TRUE;

        if (!h)
                return FALSE;
        h->watching = false;
        if (h->fake_proc) {
                if (!h->fake_exited) {
                        /* The daemon first; fake-drive follows it and only then drops the testbed. */
                        if (h->daemon_pid > 0)
                                (void) kill((pid_t) h->daemon_pid, SIGTERM);
                        else
                                g_subprocess_send_signal(h->fake_proc, SIGTERM);
                        if (!wait_raw(h, cond_exited, &h->fake_exited, STOP_TIMEOUT_MS, false)) {
                                ok = harness_fail(h, "the daemon did not exit within %u ms of SIGTERM",
                                                  STOP_TIMEOUT_MS);
                                if (h->daemon_pid > 0)
                                        (void) kill((pid_t) h->daemon_pid, SIGKILL);
                                if (!wait_raw(h, cond_exited, &h->fake_exited, STOP_TIMEOUT_MS, false)) {
                                        g_subprocess_force_exit(h->fake_proc);
                                        (void) wait_raw(h, cond_exited, &h->fake_exited, STOP_TIMEOUT_MS, false);
                                }
                        } else if (h->daemon_pid > 0 && h->fake_status != 0) {
                                ok = harness_fail(h, "the daemon exited with status %d on SIGTERM, expected 0%s",
                                                  h->fake_status,
                                                  h->fake_status > 128 ? " (128+N: killed by signal N)" : "");
                        }
                }
                /* §3: every SG_IO the daemon sent is a read-only command. */
                {
                        g_auto(GStrv) lines = harness_log_lines(h, 0);
                        g_autoptr(GString) bad = g_string_new(NULL);
                        guint n_sgio = 0;
                        if (!harness_log_check_allowlist(lines, bad, &n_sgio))
                                ok = harness_fail(h, "the daemon sent commands outside the read-only allowlist "
                                                  "{00,03,12,25,28,43,46,4a,51,52,5a,a8}:\n%s", bad->str);
                        else if (h->had_drive && n_sgio == 0)
                                ok = harness_fail(h, "%s holds no SG_IO command although a drive existed: the "
                                                  "allowlist check would prove nothing (log format changed?)",
                                                  h->log_path);
                }
                g_clear_object(&h->fake_proc);
        }
        harness_free(h);
        return ok;
}
