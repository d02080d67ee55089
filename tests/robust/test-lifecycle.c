/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * Issue 7, the daemon's own life:
 *   /lifecycle/bus-lost             the bus goes away (its dbus-daemon killed): the daemon exits with a
 *                                   non-zero status of its own (not a crash), so that systemd restarts it
 *                                   (Restart=on-failure); fake-drive passes the status on
 *   /lifecycle/sigterm-during-probe SIGTERM while a probe waits for a command that takes 10 s: exit
 *                                   status 0 within 5 s, long before the command would have completed
 */

#include <signal.h>
#include <unistd.h>

#include "rig.h"
#include "robust.h"

static void test_bus_lost(void) {
        g_autofree char *disc = harness_disc_path("cdr-appendable-1session");
        const char *discs[] = { disc, NULL };
        Rig *r = rig_start(discs);
        int status = -1;

        if (!r || !rig_wait_drive_prop(r, "sr0", "ProbeState", "idle"))
                goto out;
        if (!rig_kill_bus(r, SIGKILL))
                goto out;
        if (!rig_wait_daemon_exit(r, HARNESS_TIMEOUT_MS, &status)) {
                rig_fail(r, "the daemon still runs %u ms after its bus died", HARNESS_TIMEOUT_MS);
                goto out;
        }
        g_test_message("the daemon exited with status %d when its bus died", status);
        if (status == 0)
                rig_fail(r,
                         "the daemon exited with status 0 when its bus died: systemd would not restart it");
        else if (status >= 128)
                rig_fail(r, "the daemon died of signal %d when its bus died, expected an exit of its own",
                         status - 128);
out:
        (void) rig_stop(r);
}

/* The daemon's documented stop: exit 0 on SIGTERM. A worker blocked in SG_IO must not hold it back: on a
 * real drive a command can take the whole per-command timeout. */
#define STOP_DEADLINE_MS 5000

static void test_sigterm_during_probe(void) {
        g_autofree char *slow = g_build_filename(g_get_tmp_dir(), "msd-robust-very-slow-XXXXXX.disc", NULL);
        g_autofree char *base = harness_disc_path("cdr-appendable-1session"), *text = NULL;
        const char *discs[] = { slow, NULL };
        Rig *r = NULL;
        int fd, status = -1;

        /* A drive whose READ DISC INFORMATION takes 10 s: the coldplug probe waits on it. */
        fd = g_mkstemp(slow);
        g_assert_cmpint(fd, >=, 0);
        close(fd);
        g_assert_true(g_file_get_contents(base, &text, NULL, NULL));
        g_autofree char *variant = g_strdup_printf("%s\nquirk = delay 0x51 10000\n", text);
        g_assert_true(g_file_set_contents(slow, variant, -1, NULL));

        r = rig_start(discs);
        if (!r || !rig_wait_opcode(r, "sr0", 0x51, 1) || !rig_signal_daemon(r, SIGTERM))
                goto out;
        if (!rig_wait_daemon_exit(r, STOP_DEADLINE_MS, &status)) {
                rig_fail(r,
                         "the daemon did not exit within %u ms of SIGTERM while a drive command was "
                         "outstanding "
                         "(a worker inside SG_IO must not hold up the exit)",
                         STOP_DEADLINE_MS);
                goto out;
        }
        if (status != 0)
                rig_fail(r, "the daemon exited with status %d on SIGTERM during a probe, expected 0",
                         status);
out:
        (void) rig_stop(r);
        (void) unlink(slow);
}

int main(int argc, char **argv) {
        harness_test_init(&argc, &argv);
        g_test_add_func("/lifecycle/bus-lost", test_bus_lost);
        g_test_add_func("/lifecycle/sigterm-during-probe", test_sigterm_during_probe);
        return g_test_run();
}
