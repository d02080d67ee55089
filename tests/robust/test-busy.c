/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * Issue 7, a drive that is busy or whose events get lost (design.md §2.3, §3):
 *   /busy/open-ebusy-short     open() fails EBUSY three times (FaultInjection.FailOpens): the transport's
 *                              own retries absorb it, Refresh() succeeds with the disc's values and
 *                              ProbeState never says busy
 *   /busy/open-ebusy-long      open() fails EBUSY twenty times, more than one probe's retries: busy with
 *                              LastError Busy and sentinels, then the daemon recovers by itself
 *   /busy/udev-overflow        lost udev events (FaultInjection.DropEvents): a media change and an unplug
 *                              go unnoticed until the monitor overflows (OverflowMonitor), then the full
 *                              resync shows the new disc and drops the unplugged drive
 *   /busy/write-lock           a write lock on the node (libburn's convention): busy, and not one SG_IO
 *                              while it is held; unlock and close: the new disc's values
 *   /busy/sense/04-07, 04-08   READ DISC INFORMATION fails 02/04/07 or 02/04/08 (operation / long write in
 *                              progress): busy, retried four times at growing intervals (the fourth wait
 *                              more than twice the first); a normal disc recovers
 */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "published.h"
#include "robust.h"

#define BEFORE_DISC "dvdplusr-appendable-2sessions"
#define AFTER_DISC  "cdr-appendable-1session"

static gboolean fault(Harness *h, const char *method, GVariant *params) {
        g_autofree char *error =
                robust_call_error(h, NULL, MSD_ROOT_PATH, MSD_FAULT_IFACE, method, params, NULL);

        if (error)
                return harness_fail(
                        h, "FaultInjection.%s failed: %s (is MULTISESSIOND_FAULT_INJECTION=1 passed on?)",
                        method, error);
        return TRUE;
}

/* The drive with BEFORE_DISC in it, probed. */
static Harness *start_with_disc(EmuDisc **ret_identity) {
        g_autofree char *before = harness_disc_path(BEFORE_DISC);
        Harness *h = robust_start(ret_identity);

        if (h && !harness_insert(h, "sr0", before)) {
                robust_stop(h, NULL);
                return NULL;
        }
        return h;
}

/* Counts the PropertiesChanged of sr0 from `from` that set ProbeState to `state`. */
typedef struct StateCount {
        const char *path;
        const char *state;
        guint from;
        guint want, seen;
} StateCount;

static gboolean cond_state_count(Harness *h, gpointer data) {
        StateCount *c = data;

        c->seen = 0;
        for (guint i = c->from; i < harness_n_signals(h); i++) {
                const HarnessSignal *s = harness_signal(h, i);
                g_autoptr(GVariant) changed = NULL;
                const char *state;

                if (strcmp(s->path, c->path) != 0 || strcmp(s->member, "PropertiesChanged") != 0 ||
                    !g_variant_is_of_type(s->params, G_VARIANT_TYPE("(sa{sv}as)")))
                        continue;
                changed = g_variant_get_child_value(s->params, 1);
                if (g_variant_lookup(changed, "ProbeState", "&s", &state) && strcmp(state, c->state) == 0)
                        c->seen++;
        }
        return c->seen >= c->want;
}

static void test_open_ebusy_short(void) {
        g_autoptr(EmuDisc) identity = NULL, disc = harness_load_disc(BEFORE_DISC);
        g_autofree char *path = harness_drive_path("sr0");
        g_autofree char *error = NULL;
        Harness *h = start_with_disc(&identity);
        StateCount busy = { .path = path, .state = "busy", .want = 1 };
        guint mark;

        if (!h || !disc)
                goto out;
        busy.from = robust_signals_mark(h);
        mark = harness_log_mark(h);
        if (!fault(h, "FailOpens", g_variant_new("(us)", 3, "EBUSY")))
                goto out;
        error = robust_call_error(h, NULL, path, MSD_DRIVE_IFACE, "Refresh", NULL, NULL);
        if (error) {
                harness_fail(h,
                             "Refresh() after three EBUSY opens failed with %s: a drive that is busy for a "
                             "moment "
                             "is opened again (transport-sg.c retries EBUSY)",
                             error);
                goto out;
        }
        (void) robust_check_drive(h, "sr0", disc, identity, "Refresh() after three EBUSY opens");
        (void) robust_signals_mark(h);
        if (cond_state_count(h, &busy))
                harness_fail(h, "ProbeState was published as busy although open() failed only three times");
        {
                g_auto(GStrv) lines = harness_log_lines(h, mark);
                if (harness_log_count_opcode(lines, "sr0", 0x46) != 1) {
                        g_autofree char *l = robust_log_text(h, mark);
                        harness_fail(
                                h,
                                "Refresh() after three EBUSY opens: expected one probe (one 46h), got:\n%s",
                                l);
                }
        }
out:
        robust_stop(h, NULL);
}

static void test_open_ebusy_long(void) {
        g_autoptr(EmuDisc) identity = NULL, disc = harness_load_disc(BEFORE_DISC);
        g_autoptr(EmuDisc) want_busy = robust_sentinel_disc("busy", MSD_ERROR("Busy"));
        g_autofree char *path = harness_drive_path("sr0");
        g_autofree char *error = NULL;
        g_autoptr(GString) out = g_string_new(NULL);
        g_autoptr(Published) p = NULL;
        Harness *h = start_with_disc(&identity);
        guint periods;

        if (!h || !disc)
                goto out;
        p = published_new(h, "sr0");
        if (!fault(h, "FailOpens", g_variant_new("(us)", 20, "EBUSY")))
                goto out;
        /* The probe it causes cannot open the drive: the caller hears Busy (design.md §2.4). */
        error = robust_call_error(h, NULL, path, MSD_DRIVE_IFACE, "Refresh", NULL, NULL);
        if (g_strcmp0(error, MSD_ERROR("Busy")) != 0)
                harness_fail(h, "Refresh() while open() keeps failing EBUSY: %s, expected %s",
                             error ?: "success", MSD_ERROR("Busy"));
        /* Then the retries use the failures up, and the drive comes back without anyone asking. */
        if (!harness_wait_settled(h, "sr0", HARNESS_ANY_DISKSEQ))
                goto out;
        (void) robust_check_drive(h, "sr0", disc, identity, "recovered after twenty EBUSY opens");
        periods = published_check_periods(p, "busy", want_busy, out);
        if (periods == 0)
                harness_fail(
                        h, "ProbeState was never published as busy while open() failed EBUSY twenty times");
        if (out->len)
                harness_fail(
                        h, "while busy, the published state was not the sentinels with LastError Busy:\n%s",
                        out->str);
        g_test_message("busy published %u time(s) before the drive opened again", periods);
out:
        robust_stop(h, NULL);
}

static gboolean has_drive(Harness *h, const char *node, bool *ret) {
        g_autofree char *path = harness_drive_path(node);
        g_autoptr(GVariant) drives = harness_get(h, MSD_ROOT_PATH, MSD_MANAGER_IFACE, "Drives");
        GVariantIter it;
        const char *p;

        if (!drives)
                return FALSE;
        *ret = false;
        g_variant_iter_init(&it, drives);
        while (g_variant_iter_next(&it, "&o", &p))
                *ret = *ret || strcmp(p, path) == 0;
        return TRUE;
}

static gboolean cond_gone(Harness *h, gpointer data) {
        bool present = true;
        return has_drive(h, data, &present) && !present;
}

static void test_udev_overflow(void) {
        g_autoptr(EmuDisc) identity = NULL, before = harness_load_disc(BEFORE_DISC);
        g_autoptr(EmuDisc) after = harness_load_disc(AFTER_DISC);
        g_autofree char *after_file = harness_disc_path(AFTER_DISC);
        Harness *h = start_with_disc(&identity);
        guint64 seq;
        guint mark;
        bool present;

        if (!h || !before || !after)
                goto out;
        if (!harness_control(h, "add sr1 none") || !harness_wait_settled(h, "sr1", HARNESS_ANY_DISKSEQ))
                goto out;
        seq = harness_diskseq(h, "sr0");

        /* Two events lost: sr0's media change and sr1's unplug (block devices only pass the monitor's
         * filter, one event each). */
        if (!fault(h, "DropEvents", g_variant_new("(u)", 2)))
                goto out;
        mark = harness_log_mark(h);
        if (!harness_control(h, "insert sr0 %s", after_file) || !harness_control(h, "remove sr1"))
                goto out;
        /* Events arrive in order: once sr2's add is handled, the two before it were handled (dropped). */
        if (!harness_control(h, "add sr2 none") || !harness_wait_settled(h, "sr2", HARNESS_ANY_DISKSEQ))
                goto out;
        if (harness_diskseq(h, "sr0") != seq)
                harness_fail(h, "sr0's DiskSeq moved although its change event was dropped: the fault seam "
                                "did not work");
        (void) robust_check_props(h, "sr0", before,
                                  "a media change whose event was lost (the old values stay)");
        {
                g_auto(GStrv) lines = harness_log_lines(h, mark);
                if (robust_log_count_sgio(lines, "sr0") != 0) {
                        g_autofree char *l = robust_log_text(h, mark);
                        harness_fail(h, "sr0 was probed although its change event was dropped:\n%s", l);
                }
        }
        if (has_drive(h, "sr1", &present) && !present)
                harness_fail(h, "sr1 left Manager.Drives although its remove event was dropped");

        /* The overflow: everything is looked at again. */
        if (!fault(h, "OverflowMonitor", NULL))
                goto out;
        if (!harness_wait(h, cond_gone, (gpointer) "sr1", HARNESS_TIMEOUT_MS))
                harness_fail(
                        h, "sr1 was unplugged while events were lost, and is still listed after the resync");
        if (!harness_wait_settled(h, "sr0", seq))
                goto out;
        (void) robust_check_drive(h, "sr0", after, identity, "after the resync");
        if (has_drive(h, "sr2", &present) && !present)
                harness_fail(h, "sr2 disappeared in the resync although it is still there");
out:
        robust_stop(h, NULL);
}

static void test_write_lock(void) {
        g_autoptr(EmuDisc) identity = NULL, after = harness_load_disc(AFTER_DISC);
        g_autoptr(EmuDisc) want_busy = robust_sentinel_disc("busy", MSD_ERROR("Busy"));
        g_autofree char *after_file = harness_disc_path(AFTER_DISC);
        g_autofree char *path = harness_drive_path("sr0");
        g_autofree char *node = NULL;
        Harness *h = start_with_disc(&identity);
        StateCount busy = { .path = path, .state = "busy", .want = 2 };
        struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
        int fd = -1;
        guint mark;

        if (!h || !after || !(node = robust_node_file(h, "sr0")))
                goto out;
        /* What libburn does while it writes: the node open for writing, a write lock on all of it. */
        fd = open(node, O_RDWR | O_CLOEXEC);
        if (fd < 0 || fcntl(fd, F_SETLK, &fl) < 0) {
                harness_fail(h, "cannot write-lock %s: %s", node, g_strerror(errno));
                goto out;
        }
        busy.from = robust_signals_mark(h);
        mark = harness_log_mark(h);
        if (!harness_control(h, "insert sr0 %s", after_file))
                goto out;
        /* The first look and at least one retry find the lock. */
        if (!harness_wait(h, cond_state_count, &busy, HARNESS_TIMEOUT_MS)) {
                harness_fail(h,
                             "ProbeState was published as busy %u time(s) in %u ms while the node was "
                             "write-locked, "
                             "expected the first probe and a retry",
                             busy.seen, HARNESS_TIMEOUT_MS);
                goto out;
        }
        (void) robust_check_props(h, "sr0", want_busy, "while the node is write-locked");
        {
                g_auto(GStrv) lines = harness_log_lines(h, mark);
                if (robust_log_count_sgio(lines, "sr0") != 0) {
                        g_autofree char *l = robust_log_text(h, mark);
                        harness_fail(h,
                                     "commands reached the drive while another process held a write lock on "
                                     "it:\n%s",
                                     l);
                }
        }
        /* The burn ends: unlock and close; the close-after-write and the next retry both say "look". */
        fl.l_type = F_UNLCK;
        (void) fcntl(fd, F_SETLK, &fl);
        close(fd);
        fd = -1;
        if (harness_wait_settled(h, "sr0", HARNESS_ANY_DISKSEQ))
                (void) robust_check_drive(h, "sr0", after, identity, "after the write lock went");
out:
        if (fd >= 0)
                close(fd);
        robust_stop(h, NULL);
}

/* When each READ DISC INFORMATION appeared in the log, as seen by polling it. */
typedef struct Arrivals {
        guint mark;
        guint want;
        GArray *times; /* gint64 µs, monotonic */
} Arrivals;

static gboolean cond_arrivals(Harness *h, gpointer data) {
        Arrivals *a = data;
        g_auto(GStrv) lines = harness_log_lines(h, a->mark);
        guint n = harness_log_count_opcode(lines, "sr0", 0x51);
        gint64 now = g_get_monotonic_time();

        while (a->times->len < n)
                g_array_append_val(a->times, now);
        return n >= a->want;
}

static void test_sense_busy(gconstpointer data) {
        const char *ascq = data;
        g_autoptr(EmuDisc) identity = NULL, after = harness_load_disc(AFTER_DISC);
        g_autoptr(EmuDisc) want_busy = robust_sentinel_disc("busy", MSD_ERROR("Busy"));
        g_autofree char *after_file = harness_disc_path(AFTER_DISC);
        g_autofree char *variant = NULL, *quirk = g_strdup_printf("quirk = sense 0x51 02/04/%s", ascq);
        g_autofree char *name = g_strdup_printf("busy-04-%s", ascq);
        g_autoptr(GString) out = g_string_new(NULL), gaps = g_string_new(NULL);
        g_autoptr(Published) p = NULL;
        Harness *h = start_with_disc(&identity);
        Arrivals a = { .want = 5, .times = g_array_new(FALSE, FALSE, sizeof(gint64)) };
        gint64 first_gap, last_gap;

        if (!h || !after || !(variant = robust_disc_variant(h, AFTER_DISC, name, quirk)))
                goto out;
        p = published_new(h, "sr0");
        a.mark = harness_log_mark(h);
        if (!harness_control(h, "insert sr0 %s", variant))
                goto out;
        /* The first probe and four retries: 0.5, 1, 2 and 4 s apart if the back-off doubles. */
        if (!harness_wait(h, cond_arrivals, &a, 2 * HARNESS_TIMEOUT_MS)) {
                g_autofree char *l = robust_log_text(h, a.mark);
                harness_fail(h,
                             "02/04/%s: %u READ DISC INFORMATION within %u ms, expected a probe and four "
                             "retries:\n%s",
                             ascq, a.times->len, 2 * HARNESS_TIMEOUT_MS, l);
                goto out;
        }
        for (guint i = 1; i < a.times->len; i++)
                g_string_append_printf(
                        gaps, " %" G_GINT64_FORMAT " ms",
                        (g_array_index(a.times, gint64, i) - g_array_index(a.times, gint64, i - 1)) / 1000);
        g_test_message("02/04/%s: retries after%s", ascq, gaps->str);
        first_gap = g_array_index(a.times, gint64, 1) - g_array_index(a.times, gint64, 0);
        last_gap = g_array_index(a.times, gint64, 4) - g_array_index(a.times, gint64, 3);
        /* A ratio, not a duration: a back-off that doubles makes the fourth wait eight times the first; a
         * fixed one would leave them equal but for noise. Twice is the margin for a loaded machine. */
        if (last_gap <= 2 * first_gap)
                harness_fail(h, "02/04/%s: the retries did not back off (gaps%s)", ascq, gaps->str);

        /* A normal disc ends it. */
        if (!harness_insert(h, "sr0", after_file))
                goto out;
        (void) robust_check_drive(h, "sr0", after, identity, "a normal disc after a busy one");
        if (published_check_periods(p, "busy", want_busy, out) == 0)
                harness_fail(h, "02/04/%s: ProbeState was never published as busy", ascq);
        if (out->len)
                harness_fail(h,
                             "02/04/%s: while busy, the published state was not the sentinels with "
                             "LastError Busy:\n%s",
                             ascq, out->str);
out:
        g_array_unref(a.times);
        robust_stop(h, NULL);
}

int main(int argc, char **argv) {
        harness_test_init(&argc, &argv);
        g_test_add_func("/busy/open-ebusy-short", test_open_ebusy_short);
        g_test_add_func("/busy/open-ebusy-long", test_open_ebusy_long);
        g_test_add_func("/busy/udev-overflow", test_udev_overflow);
        g_test_add_func("/busy/write-lock", test_write_lock);
        g_test_add_data_func("/busy/sense/04-07", "07", test_sense_busy);
        g_test_add_data_func("/busy/sense/04-08", "08", test_sense_busy);
        return g_test_run();
}
