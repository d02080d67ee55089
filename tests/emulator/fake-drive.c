/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * fake-drive [--disc FILE]... [--command-log FILE] [--control FIFO] -- COMMAND [ARGS]
 *
 * Runs COMMAND under libumockdev-preload with emulated optical drives sr0, sr1, … (one per --disc;
 * `--disc none` is an empty drive) and exits with its status (128+N if it died of signal N). The control
 * FIFO takes `insert srN FILE`, `eject srN`, `add srN FILE|none`, `remove srN`, `save srN FILE`, one per
 * line, applied in order; each applied line is echoed to the command log as `# LINE`. See README.md.
 */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib-unix.h>

#include "testbed.h"

#define PRELOAD_LIB "libumockdev-preload.so.0"
#define REEXEC_ENV "FAKE_DRIVE_REEXECED"

typedef struct Context {
        GMainLoop *loop;
        FakeBed *bed;
        CommandLog *log;
        GSubprocess *child;
        int fifo_fd;
        guint fifo_source;
        GString *pending; /* a partial control line */
        int exit_status;
} Context;

static bool preloaded(void) {
        /* Pitfall 2: umockdev_in_mock_environment() caches its first answer; look at LD_PRELOAD instead. */
        const char *p = g_getenv("LD_PRELOAD");
        return p && strstr(p, "libumockdev-preload");
}

/* Pitfall 1: the process that owns the testbed must itself run under the preload, or its uevents go
 * nowhere. */
static int reexec_under_preload(char **argv) {
        const char *old = g_getenv("LD_PRELOAD");
        g_autofree char *value = NULL;

        if (g_getenv(REEXEC_ENV)) {
                fprintf(stderr, "fake-drive: %s did not load after re-exec\n", PRELOAD_LIB);
                return 2;
        }
        value = old && *old ? g_strdup_printf("%s:%s", PRELOAD_LIB, old) : g_strdup(PRELOAD_LIB);
        g_setenv("LD_PRELOAD", value, TRUE);
        g_setenv(REEXEC_ENV, "1", TRUE);
        execv("/proc/self/exe", argv);
        fprintf(stderr, "fake-drive: re-exec under %s failed: %s\n", PRELOAD_LIB, g_strerror(errno));
        return 2;
}

/* "sr3" → 3 */
static bool parse_node_name(const char *s, unsigned *ret) {
        guint64 v;

        if (!g_str_has_prefix(s, "sr") || !g_ascii_isdigit(s[2]))
                return false;
        if (!g_ascii_string_to_unsigned(s + 2, 10, 0, 255, &v, NULL))
                return false;
        *ret = (unsigned) v;
        return true;
}

static EmuDisc *load_disc(const char *path, GError **error) {
        g_autofree char *msg = NULL;
        EmuDisc *d = NULL;

        if (strcmp(path, "none") == 0)
                return emu_disc_new_empty();
        if (emu_disc_load(path, &d, &msg) < 0) {
                g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, msg ?: path);
                return NULL;
        }
        return d;
}

/* Applies one control line. The "# LINE" log entry is written by the bed at the moment the change becomes
 * visible (insert, eject, remove), or here after an add. */
static gboolean apply_control(Context *c, const char *line, GError **error) {
        g_autofree char *announce = g_strdup_printf("# %s", line);
        g_auto(GStrv) w = NULL;
        g_autofree char *rest = NULL;
        unsigned index;
        EmuDisc *disc = NULL;
        const char *verb, *name;

        /* verb, node, and the rest of the line as the file name (it may hold blanks) */
        w = g_strsplit_set(line, " \t", 3);
        verb = w[0];
        name = verb ? w[1] : NULL;
        if (!verb || !name || !parse_node_name(name, &index)) {
                g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "expected 'VERB srN [FILE]'");
                return FALSE;
        }
        rest = w[2] ? g_strstrip(g_strdup(w[2])) : NULL;

        if (strcmp(verb, "save") == 0) {
                if (!rest || !*rest) {
                        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "save needs a FILE");
                        return FALSE;
                }
                if (!fake_bed_save(c->bed, index, rest, error))
                        return FALSE;
                command_log_line(c->log, announce);
                return TRUE;
        }
        if (strcmp(verb, "insert") == 0 || strcmp(verb, "add") == 0) {
                if (!rest || !*rest) {
                        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "%s needs a FILE", verb);
                        return FALSE;
                }
                disc = load_disc(rest, error);
                if (!disc)
                        return FALSE;
                if (strcmp(verb, "add") == 0) {
                        if (!fake_bed_add(c->bed, index, disc, error))
                                return FALSE;
                        command_log_line(c->log, announce);
                        return TRUE;
                }
                if (!disc->present && strcmp(rest, "none") == 0) {
                        emu_disc_free(disc);
                        disc = NULL; /* `insert srN none` is an eject */
                }
                return fake_bed_insert(c->bed, index, disc, announce, error);
        }
        if (rest && *rest) {
                g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "%s takes no FILE", verb);
                return FALSE;
        }
        if (strcmp(verb, "eject") == 0)
                return fake_bed_insert(c->bed, index, NULL, announce, error);
        if (strcmp(verb, "remove") == 0)
                return fake_bed_remove(c->bed, index, announce, error);

        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "unknown command '%s'", verb);
        return FALSE;
}

static void handle_control_line(Context *c, const char *raw) {
        g_autoptr(GError) error = NULL;
        g_autofree char *line = g_strstrip(g_strdup(raw));

        if (*line == '\0' || *line == '#')
                return;
        if (!apply_control(c, line, &error)) {
                fprintf(stderr, "fake-drive: control: %s: %s\n", line, error->message);
                command_log_printf(c->log, "# error %s: %s", line, error->message);
        }
}

/* The FIFO is open O_RDWR: this process is a writer too, so the read end never sees EOF while writers
 * come and go, and each line is applied before the next one is read. */
static gboolean on_fifo(gint fd, GIOCondition cond, gpointer userdata) {
        Context *c = userdata;
        char buf[4096];
        ssize_t n;

        for (;;) {
                n = read(fd, buf, sizeof(buf));
                if (n > 0) {
                        char *nl;
                        g_string_append_len(c->pending, buf, n);
                        while ((nl = memchr(c->pending->str, '\n', c->pending->len))) {
                                g_autofree char *line = g_strndup(c->pending->str, nl - c->pending->str);
                                g_string_erase(c->pending, 0, nl - c->pending->str + 1);
                                handle_control_line(c, line);
                        }
                        continue;
                }
                if (n < 0 && errno == EINTR)
                        continue;
                break; /* EAGAIN: drained */
        }
        return G_SOURCE_CONTINUE;
}

static int open_fifo(const char *path) {
        struct stat st;
        int fd;

        if (mkfifo(path, 0600) < 0 && errno != EEXIST) {
                fprintf(stderr, "fake-drive: mkfifo %s: %s\n", path, g_strerror(errno));
                return -1;
        }
        if (stat(path, &st) < 0 || !S_ISFIFO(st.st_mode)) {
                fprintf(stderr, "fake-drive: %s exists and is not a FIFO\n", path);
                return -1;
        }
        fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0)
                fprintf(stderr, "fake-drive: open %s: %s\n", path, g_strerror(errno));
        return fd;
}

static void on_child_exit(GObject *source, GAsyncResult *result, gpointer userdata) {
        Context *c = userdata;
        GSubprocess *child = G_SUBPROCESS(source);

        (void) g_subprocess_wait_finish(child, result, NULL);
        if (g_subprocess_get_if_exited(child))
                c->exit_status = g_subprocess_get_exit_status(child);
        else if (g_subprocess_get_if_signaled(child))
                c->exit_status = 128 + g_subprocess_get_term_sig(child);
        else
                c->exit_status = 1;
        g_main_loop_quit(c->loop);
}

/* SIGTERM/SIGINT go to the child; we exit when it does. */
static gboolean on_sigterm(gpointer userdata) {
        Context *c = userdata;
        g_subprocess_send_signal(c->child, SIGTERM);
        return G_SOURCE_CONTINUE;
}

static gboolean on_sigint(gpointer userdata) {
        Context *c = userdata;
        g_subprocess_send_signal(c->child, SIGINT);
        return G_SOURCE_CONTINUE;
}

static int usage(FILE *f) {
        fprintf(f, "Usage: fake-drive [--disc FILE|none]... [--command-log FILE] [--control FIFO] -- COMMAND [ARGS…]\n");
        return f == stdout ? 0 : 2;
}

int main(int argc, char **argv) {
        g_auto(GStrv) discs = NULL;
        g_autofree char *log_path = NULL, *control_path = NULL;
        g_autoptr(GOptionContext) octx = NULL;
        g_autoptr(GError) error = NULL;
        g_autoptr(CommandLog) log = NULL;
        g_autoptr(FakeBed) bed = NULL;
        g_autoptr(GMainLoop) loop = NULL;
        g_autoptr(GSubprocess) child = NULL;
        Context c = { .fifo_fd = -1 };
        int split = -1, own_argc;
        char **own_argv;
        guint sig_term, sig_int;
        const GOptionEntry entries[] = {
                { "disc", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &discs, "A drive with this disc (or none)", "FILE" },
                { "command-log", 0, 0, G_OPTION_ARG_FILENAME, &log_path, "Log every command here", "FILE" },
                { "control", 0, 0, G_OPTION_ARG_FILENAME, &control_path, "Read control commands from this FIFO", "FIFO" },
                {}
        };

        for (int i = 1; i < argc; i++)
                if (strcmp(argv[i], "--") == 0) {
                        split = i;
                        break;
                }
        if (split < 0) {
                for (int i = 1; i < argc; i++)
                        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
                                return usage(stdout);
                return usage(stderr);
        }
        if (split + 1 >= argc)
                return usage(stderr);

        if (!preloaded())
                return reexec_under_preload(argv);

        /* GOption sees only our part of the command line. */
        own_argc = split;
        own_argv = g_new0(char *, split + 1);
        for (int i = 0; i < split; i++)
                own_argv[i] = argv[i];
        octx = g_option_context_new("-- COMMAND [ARGS…]");
        g_option_context_add_main_entries(octx, entries, NULL);
        if (!g_option_context_parse(octx, &own_argc, &own_argv, &error)) {
                fprintf(stderr, "fake-drive: %s\n", error->message);
                g_free(own_argv);
                return 2;
        }
        if (own_argc > 1) {
                fprintf(stderr, "fake-drive: unexpected argument '%s' (the command goes after --)\n", own_argv[1]);
                g_free(own_argv);
                return 2;
        }
        g_free(own_argv);

        log = command_log_open(log_path, &error);
        if (!log) {
                fprintf(stderr, "fake-drive: command log: %s\n", error->message);
                return 2;
        }
        bed = fake_bed_new(log);
        for (unsigned i = 0; discs && discs[i]; i++) {
                EmuDisc *d = load_disc(discs[i], &error);
                if (!d || !fake_bed_add(bed, i, d, &error)) {
                        fprintf(stderr, "fake-drive: %s\n", error->message);
                        return 2;
                }
        }

        loop = g_main_loop_new(NULL, FALSE);
        c.loop = loop;
        c.bed = bed;
        c.log = log;
        c.pending = g_string_new(NULL);
        if (control_path) {
                c.fifo_fd = open_fifo(control_path);
                if (c.fifo_fd < 0)
                        return 2;
                c.fifo_source = g_unix_fd_add(c.fifo_fd, G_IO_IN, on_fifo, &c);
        }

        /* The child inherits LD_PRELOAD and UMOCKDEV_DIR (set by umockdev_testbed_new()). */
        child = g_subprocess_newv((const char *const *) argv + split + 1, G_SUBPROCESS_FLAGS_STDIN_INHERIT, &error);
        if (!child) {
                fprintf(stderr, "fake-drive: %s: %s\n", argv[split + 1], error->message);
                c.exit_status = error->domain == G_SPAWN_ERROR && error->code == G_SPAWN_ERROR_NOENT ? 127 : 126;
        } else {
                c.child = child;
                g_subprocess_wait_async(child, NULL, on_child_exit, &c);
                sig_term = g_unix_signal_add(SIGTERM, on_sigterm, &c);
                sig_int = g_unix_signal_add(SIGINT, on_sigint, &c);
                g_main_loop_run(loop);
                g_source_remove(sig_term);
                g_source_remove(sig_int);
        }

        if (c.fifo_source)
                g_source_remove(c.fifo_source);
        if (c.fifo_fd >= 0)
                close(c.fifo_fd);
        g_string_free(c.pending, TRUE);
        /* Teardown order: the child has exited → detach → unref the testbed (g_autoptr, bed before log). */
        g_clear_pointer(&bed, fake_bed_free);
        return c.exit_status;
}
