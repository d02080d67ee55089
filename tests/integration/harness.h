/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The integration harness: a private dbus-daemon, and `fake-drive … -- multisessiond --address=ADDR` on it
 * (design.md §4). One Harness is one bus plus one daemon with its emulated drives. Everything is
 * non-fatal: a helper that fails marks the running test failed (g_test_fail_printf) with the tail of the
 * daemon's output and returns FALSE/NULL, so a test can return early and the teardown still runs. Every
 * wait has a deadline; nothing sleeps for a fixed time.
 */

#include <stdbool.h>
#include <stdint.h>

#include <gio/gio.h>

#include "disc.h"

#define MSD_BUS_NAME "org.example.MultisessionSequential"
#define MSD_ROOT_PATH "/org/example/MultisessionSequential"
#define MSD_MANAGER_IFACE "org.example.MultisessionSequential.Manager"
#define MSD_SEQ_IFACE "org.example.MultisessionSequential"
#define MSD_DRIVE_IFACE "org.example.MultisessionSequential.Drive"
#define MSD_RW_IFACE "org.example.MultisessionRandomWrite"
#define MSD_ERROR_PREFIX "org.example.MultisessionSequential.Error."
#define DBUS_PROPERTIES_IFACE "org.freedesktop.DBus.Properties"
#define DBUS_OM_IFACE "org.freedesktop.DBus.ObjectManager"

/* Every wait gives up after this long; generous, because CI machines are slow and the quirk discs
 * (becoming_ready, delay) make the daemon wait on purpose. */
#define HARNESS_TIMEOUT_MS 15000

typedef struct Harness Harness;

/* A signal as it arrived, in arrival order (GDBus dispatches one connection's signals in order). */
typedef struct HarnessSignal {
        guint64 serial; /* 1, 2, 3, … per harness */
        char *sender;
        char *path;
        char *iface;
        char *member;
        GVariant *params;
} HarnessSignal;

/* g_test_init() with --keep-going: one disc's failure must not hide the others'. */
void harness_test_init(int *argc, char ***argv);

/* A finished subprocess's status as a shell reports it: the exit status, or 128+N after signal N. */
int harness_subprocess_status(GSubprocess *p);

/* Paths from the environment meson gives every test (tests/meson.build test_env). */
const char *harness_build_root(void);
const char *harness_source_root(void);
const char *harness_discs_dir(void);
/* tests/discs/NAME.disc */
char *harness_disc_path(const char *name);
/* Every disc of the library by name (without .disc), sorted; g_strfreev() it. */
char **harness_list_discs(void);
/* Loads tests/discs/NAME.disc (or a path with a '/'); NULL after g_test_fail_printf on error. */
EmuDisc *harness_load_disc(const char *name_or_path);

/* Writes a .disc for an empty drive (vendor MSDTEST, product "ALL PROFILES") that supports every profile
 * the library uses, to swap any disc into; unlink() and g_free() the returned path. */
char *harness_write_drive_disc(void);

/* /org/example/MultisessionSequential/drive/<sd_bus_path_encode(name)> */
char *harness_drive_path(const char *node);

/* Starts the bus and `fake-drive --disc D… -- multisessiond --address=…`, waits for the bus name. discs:
 * NULL-terminated list of .disc paths or "none"; NULL or empty for a machine without drives. */
Harness *harness_start(const char *const *discs);
/* Stops the daemon (SIGTERM, SIGKILL after a deadline), fake-drive, the bus; checks that the daemon left
 * on SIGTERM and that every command it sent is in the read-only allowlist. Returns FALSE on a failure. */
gboolean harness_stop(Harness *h);

GDBusConnection *harness_bus(Harness *h);
const char *harness_address(Harness *h);
const char *harness_tmpdir(Harness *h);
/* The daemon's unique bus name. */
const char *harness_daemon_name(Harness *h);
/* A path in the harness's temporary directory (g_free() it). */
char *harness_tmp_path(Harness *h, const char *name);

/* Marks the test failed with the message and the tail of the daemon's output. Always returns FALSE. */
gboolean harness_fail(Harness *h, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* Iterates the main context until cond(h, data) holds, the deadline passes (FALSE) or the daemon dies
 * (FALSE). cond is evaluated at least every 10 ms, so it may poll files or the bus. */
typedef gboolean (*HarnessCond)(Harness *h, gpointer data);
gboolean harness_wait(Harness *h, HarnessCond cond, gpointer data, guint timeout_ms);
/* Processes what is already queued on the main context, without blocking. */
void harness_drain(Harness *h);

/* Writes one control line ("insert sr0 /…/x.disc") to fake-drive's FIFO and waits until the command log
 * shows it applied ("# LINE"). */
gboolean harness_control(Harness *h, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* The command log: complete lines only. A mark is the number of lines so far. */
guint harness_log_mark(Harness *h);
/* Lines [from, end) as a NULL-terminated array (g_strfreev() it). */
char **harness_log_lines(Harness *h, guint from);
/* Lines of the log in [from, to) that are SG_IO commands with this opcode on this node. */
guint harness_log_count_opcode(char **lines, const char *node, guint8 opcode);
/* Every SG_IO line must carry an opcode of the read-only allowlist (design.md §3); appends offenders and
 * counts the SG_IO lines (ret_n_sgio may be NULL). */
gboolean harness_log_check_allowlist(char **lines, GString *offenders, guint *ret_n_sgio);

/* Signals recorded since the harness started (every signal not sent by the bus itself). */
guint harness_signals_mark(Harness *h);
const HarnessSignal *harness_signal(Harness *h, guint index);
guint harness_n_signals(Harness *h);

/* Synchronous calls to the daemon; on a D-Bus error return NULL and set *error (never fail the test). */
GVariant *harness_call(Harness *h, const char *path, const char *iface, const char *method, GVariant *params,
                       const GVariantType *reply_type, GError **error);
/* Properties.GetAll → a{sv}, or NULL after harness_fail. */
GVariant *harness_get_all(Harness *h, const char *path, const char *iface);
/* One property (the unboxed value), or NULL after harness_fail. */
GVariant *harness_get(Harness *h, const char *path, const char *iface, const char *prop);
/* A round trip to the daemon: every signal it sent before answering has been dispatched afterwards. */
gboolean harness_sync(Harness *h);

/* ProbeState values after which nothing happens until the next change. */
bool harness_probe_state_is_final(const char *state);
/* Waits until the drive's ProbeState is final and (unless old_diskseq is HARNESS_ANY_DISKSEQ) its
 * DiskSeq differs from old_diskseq. Polls Properties.GetAll, so it does not rely on signals. */
#define HARNESS_ANY_DISKSEQ G_MAXUINT64
gboolean harness_wait_settled(Harness *h, const char *node, guint64 old_diskseq);
/* DiskSeq of the drive now, or HARNESS_ANY_DISKSEQ after harness_fail. */
guint64 harness_diskseq(Harness *h, const char *node);

/* Changes the medium of node through the FIFO and waits until the daemon has probed it. file: a .disc
 * path, or NULL to eject. */
gboolean harness_insert(Harness *h, const char *node, const char *file);

/* Real time in µs when the harness started (TimeMediaDetected must not be older). */
guint64 harness_start_time(Harness *h);
