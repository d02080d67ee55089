/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * The values of design.md §2 as separate client processes see them (§1: "a person at a shell"): for a
 * few discs swapped into one drive,
 *   /clients/NAME/busctl   `busctl --address=… get-property` of every expected property, and
 *                          `busctl call … GetMultisessionInfo`
 *   /clients/NAME/gdbus    `gdbus call --address … Properties.GetAll` of the three interfaces, and
 *                          `gdbus call … GetMultisessionInfo` (its error names)
 * Their output is parsed and compared with the .disc file's expect lines.
 */

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "expect.h"
#include "harness.h"

static const char *const discs[] = {
        "cdr-appendable-1session", /* sequential, appendable: msinfo answers */
        "dvdplusrw-iso",           /* overwritable: the RandomWrite interface in use */
        "bdr-closed",              /* closed: InvalidMediaState */
        "dvdrom",                  /* ROM: MediaIncompatible */
        "none",                    /* empty: NoMedium, the sentinels */
};

static Harness *h;
static char *drive_disc;
static EmuDisc *drive_identity;
static const char *inserted; /* the disc in the drive now */
static bool broken;

typedef struct Run {
        char *out, *err;
        int status; /* exit status, -1 if it did not exit */
        bool done;
} Run;

static void on_communicated(GObject *source, GAsyncResult *result, gpointer userdata) {
        Run *r = userdata;
        GSubprocess *p = G_SUBPROCESS(source);

        if (!g_subprocess_communicate_utf8_finish(p, result, &r->out, &r->err, NULL))
                r->status = -1;
        else
                r->status = g_subprocess_get_if_exited(p) ? g_subprocess_get_exit_status(p) : -1;
        r->done = true;
}

static gboolean cond_run(Harness *hh, gpointer data) {
        return ((Run *) data)->done;
}

/* Runs argv with a deadline; FALSE after harness_fail if it could not start or did not finish. The Run is
 * heap-allocated and freed by the caller with run_free() only when done. */
static Run *run(const char *const *argv) {
        g_autoptr(GError) error = NULL;
        g_autoptr(GSubprocess) p = g_subprocess_newv(argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                                                     &error);
        Run *r;

        if (!p) {
                harness_fail(h, "cannot run %s: %s", argv[0], error->message);
                return NULL;
        }
        r = g_new0(Run, 1);
        g_subprocess_communicate_utf8_async(p, NULL, NULL, on_communicated, r);
        if (!harness_wait(h, cond_run, r, HARNESS_TIMEOUT_MS)) {
                g_subprocess_force_exit(p);
                harness_fail(h, "%s did not finish within %u ms", argv[0], HARNESS_TIMEOUT_MS);
                return NULL; /* r stays with the pending callback */
        }
        return r;
}

static void run_free(Run *r) {
        if (!r)
                return;
        g_free(r->out);
        g_free(r->err);
        g_free(r);
}

static bool setup(const char *name, EmuDisc **ret) {
        g_autofree char *file = harness_disc_path(name);

        if (!h && !broken) {
                const char *files[] = { NULL, NULL };
                drive_disc = harness_write_drive_disc();
                drive_identity = harness_load_disc(drive_disc);
                files[0] = drive_disc;
                h = harness_start(files);
                broken = !h || !harness_wait_settled(h, "sr0", HARNESS_ANY_DISKSEQ);
        }
        if (broken) {
                g_test_fail_printf("the daemon did not start (see the first test's messages)");
                return false;
        }
        *ret = harness_load_disc(name);
        if (*ret && g_strcmp0(inserted, name) != 0) {
                if (!harness_insert(h, "sr0", file))
                        return false;
                inserted = name;
        }
        return *ret != NULL;
}

/* "i 21400", "s \"optical_cd_r\"", "b true", "q 9", "t 123" → a GVariant of that type */
static GVariant *parse_busctl(const char *line) {
        const char *sp = strchr(line, ' ');
        g_autofree char *type = sp ? g_strndup(line, sp - line) : NULL;

        if (!type || !g_variant_type_string_is_valid(type))
                return NULL;
        return g_variant_parse(G_VARIANT_TYPE(type), sp + 1, NULL, NULL, NULL);
}

static void test_busctl(gconstpointer data) {
        const char *name = data;
        g_autoptr(EmuDisc) d = NULL;
        g_autofree char *path = harness_drive_path("sr0");
        g_autofree char *address = NULL;
        g_autoptr(GString) out = g_string_new(NULL);
        const char *prefixes[] = { "seq", "drive", "rw" };

        g_autofree char *tool = g_find_program_in_path("busctl");

        if (!tool) {
                g_test_skip("busctl is not installed");
                return;
        }
        if (!setup(name, &d))
                return;
        address = g_strdup_printf("--address=%s", harness_address(h));
        for (size_t i = 0; i < G_N_ELEMENTS(prefixes); i++) {
                g_autoptr(GPtrArray) argv = g_ptr_array_new();
                g_autoptr(GPtrArray) keys = g_ptr_array_new();
                g_auto(GStrv) lines = NULL;
                Run *r;

                g_ptr_array_add(argv, (char *) "busctl");
                g_ptr_array_add(argv, address);
                g_ptr_array_add(argv, (char *) "get-property");
                g_ptr_array_add(argv, (char *) MSD_BUS_NAME);
                g_ptr_array_add(argv, path);
                g_ptr_array_add(argv, (char *) expect_iface_for_prefix(prefixes[i]));
                for (size_t k = 0; k < emu_disc_n_expect(d); k++) {
                        const char *key = emu_disc_expect_nth(d, k, NULL);
                        if (g_str_has_prefix(key, prefixes[i]) && key[strlen(prefixes[i])] == '.') {
                                g_ptr_array_add(keys, (char *) key);
                                g_ptr_array_add(argv, (char *) key + strlen(prefixes[i]) + 1);
                        }
                }
                g_ptr_array_add(argv, NULL);
                if (keys->len == 0 || !(r = run((const char *const *) argv->pdata)))
                        continue;
                if (r->status != 0) {
                        g_string_append_printf(out, "busctl get-property %s exited %d: %s\n",
                                               expect_iface_for_prefix(prefixes[i]), r->status, r->err);
                        run_free(r);
                        continue;
                }
                lines = g_strsplit(g_strchomp(r->out), "\n", -1);
                if (g_strv_length(lines) != keys->len)
                        g_string_append_printf(out, "busctl printed %u lines for %u properties:\n%s\n",
                                               g_strv_length(lines), keys->len, r->out);
                for (guint k = 0; k < keys->len && lines[k]; k++) {
                        const char *want = emu_disc_expect(d, keys->pdata[k]);
                        g_autoptr(GVariant) v = parse_busctl(lines[k]);
                        if (!v || !expect_value_equal(want, v))
                                g_string_append_printf(out, "%s: expected '%s', busctl printed '%s'\n",
                                                       (char *) keys->pdata[k], want, lines[k]);
                }
                run_free(r);
        }
        /* msinfo: busctl prints "ii START NEXT"; on an error it exits non-zero (without the error's name). */
        if (emu_disc_expect(d, "msinfo")) {
                const char *want = emu_disc_expect(d, "msinfo");
                const char *argv[] = { "busctl", address, "call", MSD_BUS_NAME, path, MSD_SEQ_IFACE,
                                       "GetMultisessionInfo", NULL };
                Run *r = run(argv);
                int start, next;
                bool want_numbers = g_ascii_isdigit(want[0]) || want[0] == '-';

                if (r && want_numbers) {
                        g_autofree char *got = NULL;
                        if (r->status == 0 && sscanf(r->out, "ii %d %d", &start, &next) == 2)
                                got = g_strdup_printf("%d,%d", start, next);
                        if (g_strcmp0(got, want) != 0)
                                g_string_append_printf(out, "busctl call GetMultisessionInfo: expected 'ii %s', got "
                                                       "status %d, '%s' '%s'\n", want, r->status, r->out, r->err);
                } else if (r && r->status == 0) {
                        g_string_append_printf(out, "busctl call GetMultisessionInfo: expected the error %s, got '%s'\n",
                                               want, r->out);
                }
                run_free(r);
        }
        if (out->len)
                harness_fail(h, "%s through busctl:\n%s", name, out->str);
}

/* gdbus prints "({'Name': <value>, …},)"; the text format carries the types ("uint32 4"). */
static GVariant *gdbus_get_all(const char *path, const char *iface, GString *out) {
        g_autofree char *addr = g_strdup(harness_address(h));
        const char *argv[] = { "gdbus", "call", "--address", addr, "--dest", MSD_BUS_NAME, "--object-path", path,
                               "--method", DBUS_PROPERTIES_IFACE ".GetAll", iface, NULL };
        Run *r = run(argv);
        g_autoptr(GError) error = NULL;
        g_autoptr(GVariant) v = NULL;
        GVariant *dict = NULL;

        if (!r)
                return NULL;
        if (r->status != 0)
                g_string_append_printf(out, "gdbus GetAll(%s) exited %d: %s\n", iface, r->status, r->err);
        else if (!(v = g_variant_parse(G_VARIANT_TYPE("(a{sv})"), r->out, NULL, NULL, &error)))
                g_string_append_printf(out, "cannot parse gdbus' output for %s (%s): %s\n", iface, error->message, r->out);
        else
                dict = g_variant_get_child_value(v, 0);
        run_free(r);
        return dict;
}

static void test_gdbus(gconstpointer data) {
        const char *name = data;
        g_autoptr(EmuDisc) d = NULL;
        g_autofree char *path = harness_drive_path("sr0");
        g_autoptr(GString) out = g_string_new(NULL);
        GVariant *seq = NULL, *drive = NULL, *rw = NULL;

        g_autofree char *tool = g_find_program_in_path("gdbus");

        if (!tool) {
                g_test_skip("gdbus is not installed");
                return;
        }
        if (!setup(name, &d))
                return;
        seq = gdbus_get_all(path, MSD_SEQ_IFACE, out);
        drive = gdbus_get_all(path, MSD_DRIVE_IFACE, out);
        rw = gdbus_get_all(path, MSD_RW_IFACE, out);
        if (seq && drive && rw) {
                expect_check_props(d, seq, drive, rw, out);
                expect_check_identity(drive_identity, d, "sr0", harness_start_time(h), seq, drive, rw,
                                      out);
        }
        if (emu_disc_expect(d, "msinfo")) {
                /* "(0, 21400)" or "Error: GDBus.Error:org.example.MultisessionSequential.Error.NoMedium: …" */
                const char *want = emu_disc_expect(d, "msinfo");
                g_autofree char *addr = g_strdup(harness_address(h));
                const char *argv[] = { "gdbus", "call", "--address", addr, "--dest", MSD_BUS_NAME, "--object-path",
                                       path, "--method", MSD_SEQ_IFACE ".GetMultisessionInfo", NULL };
                Run *r = run(argv);
                g_autofree char *got = NULL;
                int start, next;

                if (r && r->status == 0 && sscanf(r->out, "(%d, %d)", &start, &next) == 2) {
                        got = g_strdup_printf("%d,%d", start, next);
                } else if (r && r->status != 0) {
                        const char *e = strstr(r->err, "GDBus.Error:");
                        const char *colon = e ? strchr(e + strlen("GDBus.Error:"), ':') : NULL;
                        if (e && colon) {
                                g_autofree char *full = g_strndup(e + strlen("GDBus.Error:"),
                                                                  colon - e - strlen("GDBus.Error:"));
                                got = g_str_has_prefix(full, MSD_ERROR_PREFIX) ? g_strdup(full + strlen(MSD_ERROR_PREFIX))
                                                                               : g_steal_pointer(&full);
                        }
                }
                if (r && g_strcmp0(got, want) != 0)
                        g_string_append_printf(out, "gdbus call GetMultisessionInfo: expected %s, got '%s' (stdout '%s', "
                                               "stderr '%s')\n", want, got ?: "?", r->out, r->err);
                run_free(r);
        }
        if (out->len)
                harness_fail(h, "%s through gdbus:\n%s", name, out->str);
        g_clear_pointer(&seq, g_variant_unref);
        g_clear_pointer(&drive, g_variant_unref);
        g_clear_pointer(&rw, g_variant_unref);
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
        for (size_t i = 0; i < G_N_ELEMENTS(discs); i++) {
                g_autofree char *b = g_strdup_printf("/clients/%s/busctl", discs[i]);
                g_autofree char *g = g_strdup_printf("/clients/%s/gdbus", discs[i]);
                g_test_add_data_func(b, discs[i], test_busctl);
                g_test_add_data_func(g, discs[i], test_gdbus);
        }
        g_test_add_func("/clients/zz/shutdown", test_shutdown);

        r = g_test_run();
        if (h)
                (void) harness_stop(g_steal_pointer(&h));
        if (drive_disc)
                (void) unlink(drive_disc);
        g_free(drive_disc);
        g_clear_pointer(&drive_identity, emu_disc_free);
        return r;
}
