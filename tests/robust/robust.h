/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * What the robustness and burn-coordination tests add to the integration harness
 * (tests/integration/harness.h): the daemon's view of the emulated node, disc variants with quirks,
 * expectations for a failed probe, waits for a ProbeState, error names of calls, and command-log slices.
 * Like the harness, every helper is non-fatal: it fails the running test with harness_fail() and returns
 * FALSE/NULL, so the test can return early and still stop its harness.
 */

#include <stdbool.h>

#include "expect.h"
#include "harness.h"

#define MSD_FAULT_IFACE "org.example.MultisessionSequential.FaultInjection"
#define MSD_ERROR(name) MSD_ERROR_PREFIX name

/* A harness with one drive, sr0: the all-profiles drive of harness_write_drive_disc() with no medium,
 * settled; the daemon has the FaultInjection interface (MULTISESSIOND_FAULT_INJECTION=1 is set in our
 * environment, which fake-drive passes on). *ret_identity is that drive's description, to compare the
 * identity with. NULL after a failure. */
Harness *robust_start(EmuDisc **ret_identity);
/* harness_stop() (the allowlist check and a clean SIGTERM exit) and the identity's cleanup. */
void robust_stop(Harness *h, EmuDisc *identity);

/* The daemon's pid, from the bus (GetConnectionUnixProcessID), or 0 after harness_fail(). */
guint32 robust_daemon_pid(Harness *h);
/* The file the daemon opens as /dev/NODE: $UMOCKDEV_DIR/dev/NODE, UMOCKDEV_DIR read from the daemon's
 * /proc/PID/environ. A process outside the preload (the test) reaches the same node through it. */
char *robust_node_file(Harness *h, const char *node);

/* tests/discs/BASE.disc with `extra` lines appended (quirks), written to the harness's temporary
 * directory as NAME.disc. Returns its path, or NULL after harness_fail(). */
char *robust_disc_variant(Harness *h, const char *base, const char *name, const char *extra);
/* What a drive publishes after a failed probe: every media property at its sentinel (design.md §2 — the
 * values none.disc's expect lines hold for an empty drive, MediaPresent false included), with ProbeState
 * and LastError as given. */
EmuDisc *robust_sentinel_disc(const char *probe_state, const char *last_error);
/* An error disc's own expectation: its expect.drive.ProbeState/LastError on top of the sentinels. */
EmuDisc *robust_error_disc_expectation(const EmuDisc *disc);

/* GetAll of the three interfaces of NODE against every expect line of `want`; harness_fail() listing
 * the differences, prefixed with `what`. */
gboolean robust_check_props(Harness *h, const char *node, const EmuDisc *want, const char *what);
/* expect_check_drive() (values, identity, msinfo, tracks) with `what` in the message. */
gboolean robust_check_drive(Harness *h, const char *node, const EmuDisc *media, const EmuDisc *identity,
                            const char *what);

/* Waits until NODE's ProbeState is `state`, polling GetAll. */
gboolean robust_wait_state(Harness *h, const char *node, const char *state, guint timeout_ms);
/* Waits until NODE's DiskSeq differs from `old`; returns the new one or HARNESS_ANY_DISKSEQ. */
guint64 robust_wait_diskseq_change(Harness *h, const char *node, guint64 old);
/* One property of NODE's Drive interface as a string ("idle", "true", "42"), g_free() it; NULL after
 * harness_fail(). */
char *robust_drive_prop(Harness *h, const char *node, const char *prop);

/* A synchronous call on `bus` (the harness's when NULL): NULL when it succeeded (its reply in
 * *ret_reply if given), else the D-Bus error name (g_free() it). */
char *robust_call_error(Harness *h, GDBusConnection *bus, const char *path, const char *iface,
                        const char *method, GVariant *params, GVariant **ret_reply);

/* The command log from `mark` on, one line per entry indented for a failure message. */
char *robust_log_text(Harness *h, guint mark);
/* SG_IO lines for NODE (any opcode) in lines. */
guint robust_log_count_sgio(char **lines, const char *node);
/* Control lines ("# insert …") in lines. */
guint robust_log_count_control(char **lines);
/* NODE's SG_IO commands in lines as opcode sequences, one string per probe ("46 51 52 52"): a probe
 * starts with GET CONFIGURATION (46h). Commands before the first 46h form a first entry of their own
 * that starts with something else. g_strfreev() it. */
char **robust_log_probes(char **lines, const char *node);
/* Waits until the log from `mark` holds at least `n` commands with `opcode` on NODE. */
gboolean robust_wait_opcode(Harness *h, guint mark, const char *node, guint8 opcode, guint n,
                            guint timeout_ms);

/* harness_signals_mark() after a round trip to the daemon: the signals it sent so far (those of a probe
 * that harness_insert() waited for included) are recorded before the mark, not after it. */
guint robust_signals_mark(Harness *h);

/* Fails the test unless no PropertiesChanged of NODE's interfaces recorded from signal index `from`
 * carries a value of `old` (an expect line of `old` that neither the new medium's expectation `new`
 * nor the sentinels share): once the new medium is in, the old one's values must never reappear. */
gboolean robust_check_no_stale_signals(Harness *h, const char *node, guint from, const EmuDisc *old,
                                       const EmuDisc *new, const char *what);
