/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * Issue 8, burn coordination (design.md §2.3), as root (always authorised; test-polkit covers the rest):
 *   /inhibit/swap          Inhibit(), then a media change: not one command reaches the drive, ProbeState
 *                          inhibited, Refresh/GetTracks/GetMultisessionInfo refused as Busy, DiskSeq
 *                          still follows the medium; the release probes exactly once, with the new values
 *   /inhibit/during-probe  Inhibit() while a probe waits for a slow command: the reply comes once that
 *                          probe has sent all its commands, and nothing is sent after it
 *   /inhibit/two           two inhibitors: Inhibitors lists both; releasing one keeps the drive
 *                          inhibited and silent, releasing the second probes once
 *   /inhibit/holder-exits  the descriptor handed to a child that is killed: released and probed
 *   /inhibit/write-close   a close after writing on the node (IN_CLOSE_WRITE), without any uevent or
 *                          control command: one probe
 * "One probe" is one GET CONFIGURATION (46h) in the command log: every probe starts with it.
 */

#include <errno.h>
#include <fcntl.h>
#include <gio/gunixfdlist.h>
#include <string.h>
#include <unistd.h>

#include "robust.h"

#define A_DISC "dvdplusr-appendable-2sessions"
#define B_DISC "cdr-appendable-1session"

static int inhibit(Harness *h, const char *who, const char *why) {
        g_autofree char *path = harness_drive_path("sr0");
        g_autoptr(GUnixFDList) fds = NULL;
        g_autoptr(GError) error = NULL;
        g_autoptr(GVariant) r = NULL;
        gint32 handle;
        int fd;

        r = g_dbus_connection_call_with_unix_fd_list_sync(
                harness_bus(h), MSD_BUS_NAME, path, MSD_DRIVE_IFACE, "Inhibit",
                g_variant_new("(ss)", who, why), G_VARIANT_TYPE("(h)"), G_DBUS_CALL_FLAGS_NO_AUTO_START,
                HARNESS_TIMEOUT_MS, NULL, &fds, NULL, &error);
        if (!r) {
                harness_fail(h, "Inhibit(%s, %s) as root failed: %s", who, why, error->message);
                return -1;
        }
        g_variant_get(r, "(h)", &handle);
        fd = fds ? g_unix_fd_list_get(fds, handle, &error) : -1;
        if (fd < 0)
                harness_fail(h, "Inhibit() returned handle %d without a descriptor", handle);
        return fd;
}

/* Inhibitors as "who/why/uid;…" in order. */
static char *inhibitors(Harness *h) {
        g_autofree char *path = harness_drive_path("sr0");
        g_autoptr(GVariant) v = harness_get(h, path, MSD_DRIVE_IFACE, "Inhibitors");
        GString *s = g_string_new(NULL);
        const char *who, *why;
        GVariantIter it;
        guint32 uid;

        if (!v || !g_variant_is_of_type(v, G_VARIANT_TYPE("a(ssu)")))
                return g_string_free(s, FALSE);
        g_variant_iter_init(&it, v);
        while (g_variant_iter_next(&it, "(&s&su)", &who, &why, &uid))
                g_string_append_printf(s, "%s/%s/%u;", who, why, uid);
        return g_string_free(s, FALSE);
}

/* ProbeState, Inhibited and Inhibitors together. */
static gboolean check_inhibition(Harness *h, const char *want_state, const char *want_inhibited,
                                 const char *want_inhibitors, const char *what) {
        g_autofree char *state = robust_drive_prop(h, "sr0", "ProbeState");
        g_autofree char *inhibited = robust_drive_prop(h, "sr0", "Inhibited");
        g_autofree char *list = inhibitors(h);

        if (g_strcmp0(state, want_state) != 0 || g_strcmp0(inhibited, want_inhibited) != 0 ||
            g_strcmp0(list, want_inhibitors) != 0)
                return harness_fail(
                        h, "%s: ProbeState %s, Inhibited %s, Inhibitors '%s'; expected %s, %s, '%s'", what,
                        state, inhibited, list, want_state, want_inhibited, want_inhibitors);
        return TRUE;
}

static gboolean check_silent(Harness *h, guint mark, const char *what) {
        g_auto(GStrv) lines = NULL;

        if (!harness_sync(h))
                return FALSE;
        lines = harness_log_lines(h, mark);
        if (robust_log_count_sgio(lines, "sr0") != 0) {
                g_autofree char *l = robust_log_text(h, mark);
                return harness_fail(h, "%s: commands reached the inhibited drive:\n%s", what, l);
        }
        return TRUE;
}

/* After a release (or any single trigger) from `mark`: settled, and exactly one probe. */
static gboolean check_one_probe(Harness *h, guint mark, const char *what) {
        g_auto(GStrv) lines = NULL;
        guint n;

        if (!harness_wait_settled(h, "sr0", HARNESS_ANY_DISKSEQ) || !harness_sync(h))
                return FALSE;
        lines = harness_log_lines(h, mark);
        n = harness_log_count_opcode(lines, "sr0", 0x46);
        if (n != 1) {
                g_autofree char *l = robust_log_text(h, mark);
                return harness_fail(h, "%s: %u probes (GET CONFIGURATION), expected exactly one:\n%s", what,
                                    n, l);
        }
        return TRUE;
}

static Harness *start_with(const char *disc, EmuDisc **ret_identity) {
        g_autofree char *file = harness_disc_path(disc);
        Harness *h = robust_start(ret_identity);

        if (h && !harness_insert(h, "sr0", file)) {
                robust_stop(h, NULL);
                return NULL;
        }
        return h;
}

static gboolean expect_refused(Harness *h, const char *iface, const char *method) {
        g_autofree char *path = harness_drive_path("sr0");
        g_autofree char *error = robust_call_error(h, NULL, path, iface, method, NULL, NULL);

        if (g_strcmp0(error, MSD_ERROR("Busy")) != 0)
                return harness_fail(h, "%s() on an inhibited drive: %s, expected %s", method,
                                    error ?: "success", MSD_ERROR("Busy"));
        return TRUE;
}

static void test_swap(void) {
        g_autoptr(EmuDisc) identity = NULL, b = harness_load_disc(B_DISC);
        g_autofree char *b_file = harness_disc_path(B_DISC);
        Harness *h = start_with(A_DISC, &identity);
        guint64 seq;
        guint mark;
        int fd = -1;

        if (!h || !b || (fd = inhibit(h, "robust-test", "writing a session")) < 0)
                goto out;
        mark = harness_log_mark(h);
        if (!check_inhibition(h, "inhibited", "true", "robust-test/writing a session/0;", "after Inhibit()"))
                goto out;
        seq = harness_diskseq(h, "sr0");
        if (!harness_control(h, "insert sr0 %s", b_file))
                goto out;
        if (robust_wait_diskseq_change(h, "sr0", seq) == HARNESS_ANY_DISKSEQ)
                goto out;
        /* Whatever would touch the drive is refused, and nothing reached it. */
        (void) expect_refused(h, MSD_DRIVE_IFACE, "Refresh");
        (void) expect_refused(h, MSD_DRIVE_IFACE, "GetTracks");
        (void) expect_refused(h, MSD_SEQ_IFACE, "GetMultisessionInfo");
        (void) check_inhibition(h, "inhibited", "true", "robust-test/writing a session/0;",
                                "after the media change");
        if (!check_silent(h, mark, "a media change while inhibited"))
                goto out;

        mark = harness_log_mark(h);
        close(fd);
        fd = -1;
        if (!check_one_probe(h, mark, "the release"))
                goto out;
        (void) check_inhibition(h, "idle", "false", "", "after the release");
        (void) robust_check_drive(h, "sr0", b, identity,
                                  "the medium changed while inhibited, after the release");
out:
        if (fd >= 0)
                close(fd);
        robust_stop(h, NULL);
}

typedef struct InhibitCall {
        bool done;
        int fd;
        guint mark; /* the command log when the reply arrived */
        char *error;
} InhibitCall;

static void on_inhibit(GObject *source, GAsyncResult *result, gpointer userdata) {
        InhibitCall *c = userdata;
        g_autoptr(GUnixFDList) fds = NULL;
        g_autoptr(GError) error = NULL;
        g_autoptr(GVariant) r = g_dbus_connection_call_with_unix_fd_list_finish(G_DBUS_CONNECTION(source),
                                                                                &fds, result, &error);

        c->done = true;
        c->fd = -1;
        if (!r) {
                c->error = g_strdup(error->message);
                return;
        }
        c->fd = fds && g_unix_fd_list_get_length(fds) > 0 ? g_unix_fd_list_get(fds, 0, NULL) : -1;
}

static gboolean cond_inhibit_done(Harness *h, gpointer data) {
        InhibitCall *c = data;

        if (c->done && c->mark == G_MAXUINT)
                c->mark = harness_log_mark(h); /* read at once: the reply is the moment that counts */
        return c->done;
}

/* The probe sequence of the drive's current disc, from a lone Refresh(). */
static char *lone_probe(Harness *h) {
        g_autofree char *path = harness_drive_path("sr0");
        g_autofree char *error = NULL;
        g_auto(GStrv) lines = NULL, probes = NULL;
        guint mark = harness_log_mark(h);

        if ((error = robust_call_error(h, NULL, path, MSD_DRIVE_IFACE, "Refresh", NULL, NULL))) {
                harness_fail(h, "a lone Refresh() failed: %s", error);
                return NULL;
        }
        lines = harness_log_lines(h, mark);
        probes = robust_log_probes(lines, "sr0");
        if (g_strv_length(probes) != 1) {
                g_autofree char *l = robust_log_text(h, mark);
                harness_fail(h, "a lone Refresh() did not send exactly one probe:\n%s", l);
                return NULL;
        }
        return g_strdup(probes[0]);
}

static void on_refresh(GObject *source, GAsyncResult *result, gpointer userdata) {
        g_autoptr(GVariant) r = g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, NULL);
        *(bool *) userdata = true;
}

static void test_during_probe(void) {
        g_autoptr(EmuDisc) identity = NULL, slow_disc = NULL;
        g_autofree char *path = harness_drive_path("sr0");
        g_autofree char *slow = NULL, *baseline = NULL;
        Harness *h = robust_start(&identity);
        InhibitCall c = { .fd = -1, .mark = G_MAXUINT };
        bool refreshed = false;
        guint mark;

        if (!h || !(slow = robust_disc_variant(h, A_DISC, "slow", "quirk = delay 0x51 1000")) ||
            !(slow_disc = harness_load_disc(slow)) || !harness_insert(h, "sr0", slow) ||
            !(baseline = lone_probe(h)))
                goto out;
        mark = harness_log_mark(h);
        g_dbus_connection_call(harness_bus(h), MSD_BUS_NAME, path, MSD_DRIVE_IFACE, "Refresh", NULL, NULL,
                               G_DBUS_CALL_FLAGS_NO_AUTO_START, HARNESS_TIMEOUT_MS, NULL, on_refresh,
                               &refreshed);
        if (!robust_wait_opcode(h, mark, "sr0", 0x51, 1, HARNESS_TIMEOUT_MS))
                goto out;
        /* The probe waits a second for READ DISC INFORMATION; ask for the drive now. */
        g_dbus_connection_call_with_unix_fd_list(
                harness_bus(h), MSD_BUS_NAME, path, MSD_DRIVE_IFACE, "Inhibit",
                g_variant_new("(ss)", "robust-test", "during a probe"), G_VARIANT_TYPE("(h)"),
                G_DBUS_CALL_FLAGS_NO_AUTO_START, HARNESS_TIMEOUT_MS, NULL, NULL, on_inhibit, &c);
        if (!harness_wait(h, cond_inhibit_done, &c, HARNESS_TIMEOUT_MS + 1000)) {
                harness_fail(h, "Inhibit() during a probe was not answered within %u ms",
                             HARNESS_TIMEOUT_MS);
                goto out;
        }
        if (c.fd < 0) {
                harness_fail(h, "Inhibit() during a probe failed: %s", c.error ?: "no descriptor");
                goto out;
        }
        /* When the reply came, the probe that was under way had sent all of its commands … */
        {
                g_auto(GStrv) lines = harness_log_lines(h, mark), probes = NULL;
                g_autoptr(GPtrArray) at_reply =
                        g_ptr_array_new(); /* what was logged when the reply arrived */

                for (guint i = 0; lines[i] && i < c.mark - mark; i++)
                        g_ptr_array_add(at_reply, lines[i]);
                g_ptr_array_add(at_reply, NULL);
                probes = robust_log_probes((char **) at_reply->pdata, "sr0");
                if (g_strv_length(probes) != 1 || strcmp(probes[0], baseline) != 0) {
                        g_autofree char *l = robust_log_text(h, mark);
                        harness_fail(h,
                                     "Inhibit() was answered before the probe under way had finished (its "
                                     "commands "
                                     "'%s', a whole probe '%s'); the log since the probe began:\n%s",
                                     probes[0] ?: "", baseline, l);
                }
        }
        /* … and nothing came after it. */
        (void) check_inhibition(h, "inhibited", "true", "robust-test/during a probe/0;",
                                "Inhibit() during a probe");
        (void) check_silent(h, c.mark, "after Inhibit() answered during a probe");

        mark = harness_log_mark(h);
        close(c.fd);
        c.fd = -1;
        if (check_one_probe(h, mark, "the release after an inhibition during a probe"))
                (void) robust_check_drive(h, "sr0", slow_disc, identity, "after the release");
out:
        if (c.done) {
                if (c.fd >= 0)
                        close(c.fd);
                g_free(c.error);
        }
        robust_stop(h, NULL);
}

typedef struct ListWait {
        const char *want;
        char *seen;
} ListWait;

static gboolean cond_list(Harness *h, gpointer data) {
        ListWait *w = data;

        g_free(w->seen);
        w->seen = inhibitors(h);
        return g_strcmp0(w->seen, w->want) == 0;
}

static void test_two(void) {
        g_autoptr(EmuDisc) identity = NULL, a = harness_load_disc(A_DISC);
        Harness *h = start_with(A_DISC, &identity);
        ListWait w = { .want = "burner-b/second/0;" };
        int fa = -1, fb = -1;
        guint mark;

        if (!h || !a || (fa = inhibit(h, "burner-a", "first")) < 0 ||
            (fb = inhibit(h, "burner-b", "second")) < 0)
                goto out;
        mark = harness_log_mark(h);
        if (!check_inhibition(h, "inhibited", "true", "burner-a/first/0;burner-b/second/0;",
                              "two inhibitors"))
                goto out;

        close(fa);
        fa = -1;
        if (!harness_wait(h, cond_list, &w, HARNESS_TIMEOUT_MS)) {
                harness_fail(h, "Inhibitors is '%s' after the first of two was released, expected '%s'",
                             w.seen, w.want);
                goto out;
        }
        (void) check_inhibition(h, "inhibited", "true", w.want, "one of two inhibitors released");
        if (!check_silent(h, mark, "one of two inhibitors released"))
                goto out;

        mark = harness_log_mark(h);
        close(fb);
        fb = -1;
        if (!check_one_probe(h, mark, "the release of the second inhibitor"))
                goto out;
        (void) check_inhibition(h, "idle", "false", "", "both inhibitors released");
        (void) robust_check_drive(h, "sr0", a, identity, "both inhibitors released");
out:
        if (fa >= 0)
                close(fa);
        if (fb >= 0)
                close(fb);
        g_free(w.seen);
        robust_stop(h, NULL);
}

static gboolean cond_exited(Harness *h, gpointer data) {
        return g_subprocess_get_identifier(data) == NULL; /* NULL once reaped */
}

static void test_holder_exits(void) {
        g_autoptr(EmuDisc) identity = NULL, a = harness_load_disc(A_DISC);
        g_autoptr(GSubprocessLauncher) l = NULL;
        g_autoptr(GSubprocess) child = NULL;
        g_autoptr(GError) error = NULL;
        Harness *h = start_with(A_DISC, &identity);
        guint mark;
        int fd;

        if (!h || !a || (fd = inhibit(h, "robust-child", "holds the descriptor")) < 0)
                goto out;
        /* The child gets the only copy: the launcher closes ours when it goes. */
        l = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_NONE);
        g_subprocess_launcher_take_fd(l, fd, 3);
        child = g_subprocess_launcher_spawn(l, &error, "sleep", "100", NULL);
        g_clear_object(&l);
        if (!child) {
                harness_fail(h, "cannot start sleep: %s", error->message);
                goto out;
        }
        if (!check_inhibition(h, "inhibited", "true", "robust-child/holds the descriptor/0;",
                              "the descriptor held by a child only"))
                goto out;

        mark = harness_log_mark(h);
        g_subprocess_force_exit(child);
        g_subprocess_wait_async(child, NULL, NULL, NULL);
        if (!harness_wait(h, cond_exited, child, HARNESS_TIMEOUT_MS)) {
                harness_fail(h, "the child holding the inhibitor did not die of SIGKILL");
                goto out;
        }
        if (!check_one_probe(h, mark, "the holder was killed"))
                goto out;
        (void) check_inhibition(h, "idle", "false", "", "after the holder was killed");
        (void) robust_check_drive(h, "sr0", a, identity, "after the holder was killed");
out:
        if (child && g_subprocess_get_identifier(child))
                g_subprocess_force_exit(child);
        robust_stop(h, NULL);
}

static void test_write_close(void) {
        g_autoptr(EmuDisc) identity = NULL, a = harness_load_disc(A_DISC);
        g_autofree char *node = NULL;
        Harness *h = start_with(A_DISC, &identity);
        guint mark;
        int fd;

        if (!h || !a || !(node = robust_node_file(h, "sr0")))
                goto out;
        mark = harness_log_mark(h);
        /* A burner that did not inhibit finishes: it had the node open for writing and closes it. */
        fd = open(node, O_RDWR | O_CLOEXEC);
        if (fd < 0) {
                harness_fail(h, "cannot open %s for writing: %s", node, g_strerror(errno));
                goto out;
        }
        close(fd);
        if (!robust_wait_opcode(h, mark, "sr0", 0x46, 1, HARNESS_TIMEOUT_MS) ||
            !check_one_probe(h, mark, "close after write"))
                goto out;
        {
                g_auto(GStrv) lines = harness_log_lines(h, mark);
                if (robust_log_count_control(lines) != 0) {
                        g_autofree char *text = robust_log_text(h, mark);
                        harness_fail(h, "a control command came between the close and the probe:\n%s", text);
                }
        }
        (void) robust_check_drive(h, "sr0", a, identity, "after a close after write");
out:
        robust_stop(h, NULL);
}

int main(int argc, char **argv) {
        harness_test_init(&argc, &argv);
        g_test_add_func("/inhibit/swap", test_swap);
        g_test_add_func("/inhibit/during-probe", test_during_probe);
        g_test_add_func("/inhibit/two", test_two);
        g_test_add_func("/inhibit/holder-exits", test_holder_exits);
        g_test_add_func("/inhibit/write-close", test_write_close);
        return g_test_run();
}
