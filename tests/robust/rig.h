/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * For the cases the integration harness cannot stage: a bus the test may kill, and a bus that an
 * unprivileged user can reach. A Rig is
 *
 *   test ─┬─ dbus-daemon --config-file=TMP/bus.conf       (socket TMP/socket, mode 0666, TMP 0755)
 *         ├─ fake-drive --disc … --command-log TMP/commands.log -- multisessiond --address=ADDR
 *         └─ /usr/bin/python3 -m dbusmock --system --template polkitd   (optional)
 *
 * The bus configuration lets every user connect, own and call (what is under test is the daemon's own
 * authorisation, not a bus policy: tests/policy checks that). rig_stop() checks, like harness_stop(),
 * that the daemon left on SIGTERM with status 0 and sent read-only commands only. Failures go through
 * g_test_fail_printf() with the daemon's output, as in the harness.
 */

#include <stdbool.h>

#include <gio/gio.h>

typedef struct Rig Rig;

/* discs: NULL-terminated .disc paths. NULL after a failure (already reported). */
Rig *rig_start(const char *const *discs);
/* Stops what still runs, checks the exit and the command log; FALSE after a failure. */
gboolean rig_stop(Rig *r);

const char *rig_address(Rig *r);
GDBusConnection *rig_bus(Rig *r);
gboolean rig_fail(Rig *r, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* Waits until the property of sr0's Drive interface has this value (its text, e.g. "idle"). */
gboolean rig_wait_drive_prop(Rig *r, const char *node, const char *prop, const char *value);

/* The mock polkit authority (python3-dbusmock's polkitd template) on the rig's bus: it allows nothing
 * until rig_polkit_allow(). FALSE (and a skip message in *ret_why) if dbusmock is not installed. */
gboolean rig_polkit_available(char **ret_why);
gboolean rig_start_polkit(Rig *r);
gboolean rig_polkit_allow(Rig *r, const char *action);

/* The command log so far, complete lines (g_strfreev() it). */
char **rig_log_lines(Rig *r);
/* Waits until the log holds at least n commands with this opcode on NODE. */
gboolean rig_wait_opcode(Rig *r, const char *node, guint8 opcode, guint n);
/* Sends sig to the daemon itself (not fake-drive). */
gboolean rig_signal_daemon(Rig *r, int sig);

/* Kills the bus with `sig`; then waits for the daemon to exit: its status (fake-drive passes it on,
 * 128+N for signal N) in *ret_status. FALSE if it did not exit within timeout_ms. */
gboolean rig_kill_bus(Rig *r, int sig);
gboolean rig_wait_daemon_exit(Rig *r, guint timeout_ms, int *ret_status);
