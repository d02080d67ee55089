/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * Issue 7, what the medium and the drive do wrong. Each case puts a good disc in first, so that a value
 * left over from it would show, then the fault; the final published state must be the new disc's
 * expect lines, or an error state whose every media property is back at its sentinel (design.md §2:
 * "after a failed probe every media property is back at its sentinel"), and no PropertiesChanged after
 * the change may carry the earlier disc's values.
 *   /faults/becoming-ready      02/04/01 for the first three media accesses (seconds of retries):
 *                               ProbeState becoming-ready with LastError BecomingReady and sentinels, then
 *                               the disc's values
 *   /faults/no-medium           eject: none.disc's values
 *   /faults/unit-attention      06/28/00 on the first command after the insert: the disc's values
 *   /faults/swap-mid-probe      a disc whose READ DISC INFORMATION takes 400 ms, replaced while that
 *                               command is outstanding: the second disc's values, never the first's
 *   /faults/error/NAME          short reply, garbage lengths, time-out: the disc's expect.drive.ProbeState
 *                               and LastError, sentinels, GetMultisessionInfo fails with the same error
 *   /faults/remove-during-probe unplug while a command is outstanding: InterfacesRemoved, the daemon
 *                               still answers, and a new drive under the same name works
 */

#include <string.h>

#include "published.h"
#include "robust.h"

/* The disc that is in before each fault: its values differ from every disc used below. */
#define BEFORE_DISC "dvdplusr-appendable-2sessions"

static Harness *start_with_disc(EmuDisc **ret_identity, EmuDisc **ret_before) {
        g_autofree char *before = harness_disc_path(BEFORE_DISC);
        Harness *h = robust_start(ret_identity);

        *ret_before = harness_load_disc(BEFORE_DISC);
        if (!h || !*ret_before)
                return h;
        if (!harness_insert(h, "sr0", before) ||
            !robust_check_drive(h, "sr0", *ret_before, *ret_identity, "the disc before the fault")) {
                harness_fail(h, "the setup disc %s did not probe right", BEFORE_DISC);
                g_clear_pointer(ret_before, emu_disc_free);
        }
        return h;
}

static void test_becoming_ready(void) {
        g_autoptr(EmuDisc) identity = NULL, before = NULL;
        g_autoptr(EmuDisc) disc = harness_load_disc("quirk-becoming-ready");
        g_autoptr(EmuDisc) want = robust_sentinel_disc("becoming-ready", MSD_ERROR("BecomingReady"));
        g_autofree char *file = harness_disc_path("quirk-becoming-ready");
        g_autoptr(GString) out = g_string_new(NULL);
        Harness *h = start_with_disc(&identity, &before);
        g_autoptr(Published) p = NULL;
        guint from, periods;

        if (!h || !before || !disc)
                goto out;
        p = published_new(h, "sr0");
        from = robust_signals_mark(h);
        /* harness_insert waits for a final ProbeState; becoming-ready is not one, so this returns with
         * the disc probed after its retries. */
        if (!harness_insert(h, "sr0", file))
                goto out;
        periods = published_check_periods(p, "becoming-ready", want, out);
        if (periods == 0)
                harness_fail(h, "ProbeState never became 'becoming-ready' although the first media accesses "
                                "failed 02/04/01 (quirk becoming_ready 3)");
        if (out->len)
                harness_fail(h,
                             "while the disc was becoming ready, the published state was not the sentinels "
                             "with LastError BecomingReady:\n%s",
                             out->str);
        g_test_message("becoming-ready published %u time(s) before the disc was ready", periods);
        (void) robust_check_drive(h, "sr0", disc, identity, "after becoming ready");
        (void) robust_check_no_stale_signals(h, "sr0", from, before, disc, "becoming ready");
out:
        robust_stop(h, NULL);
}

static void test_no_medium(void) {
        g_autoptr(EmuDisc) identity = NULL, before = NULL;
        g_autoptr(EmuDisc) none = harness_load_disc("none");
        Harness *h = start_with_disc(&identity, &before);
        guint from;

        if (!h || !before || !none)
                goto out;
        from = robust_signals_mark(h);
        if (!harness_insert(h, "sr0", NULL))
                goto out;
        (void) robust_check_drive(h, "sr0", none, identity, "after the eject");
        (void) robust_check_no_stale_signals(h, "sr0", from, before, none, "eject");
out:
        robust_stop(h, NULL);
}

static void test_unit_attention(void) {
        g_autoptr(EmuDisc) identity = NULL, before = NULL;
        g_autoptr(EmuDisc) disc = harness_load_disc("quirk-unit-attention");
        g_autofree char *file = harness_disc_path("quirk-unit-attention");
        Harness *h = start_with_disc(&identity, &before);
        guint from, mark;

        if (!h || !before || !disc)
                goto out;
        from = robust_signals_mark(h);
        mark = harness_log_mark(h);
        if (!harness_insert(h, "sr0", file))
                goto out;
        {
                g_auto(GStrv) lines = harness_log_lines(h, mark);
                g_test_message("the probe after the UNIT ATTENTION sent %u commands",
                               robust_log_count_sgio(lines, "sr0"));
        }
        (void) robust_check_drive(h, "sr0", disc, identity, "after a UNIT ATTENTION");
        (void) robust_check_no_stale_signals(h, "sr0", from, before, disc, "UNIT ATTENTION");
out:
        robust_stop(h, NULL);
}

static void test_swap_mid_probe(void) {
        g_autoptr(EmuDisc) identity = NULL, none_before = NULL, first = NULL;
        g_autoptr(EmuDisc) second = harness_load_disc("cdr-appendable-1session");
        g_autofree char *second_file = harness_disc_path("cdr-appendable-1session");
        g_autofree char *first_file = NULL;
        Harness *h = robust_start(&identity);
        guint from, mark;

        if (!h || !second)
                goto out;
        first_file = robust_disc_variant(h, "dvdplusr-appendable-2sessions", "slow-first",
                                         "quirk = delay 0x51 400");
        if (!first_file || !(first = harness_load_disc(first_file)))
                goto out;

        mark = harness_log_mark(h);
        if (!harness_control(h, "insert sr0 %s", first_file))
                goto out;
        /* The probe of the first disc is waiting for its READ DISC INFORMATION now. */
        if (!robust_wait_opcode(h, mark, "sr0", 0x51, 1, HARNESS_TIMEOUT_MS))
                goto out;
        from = robust_signals_mark(h);
        if (!harness_insert(h, "sr0", second_file))
                goto out;
        (void) robust_check_drive(h, "sr0", second, identity, "after the swap during a probe");
        (void) robust_check_no_stale_signals(h, "sr0", from, first, second, "swap during a probe");
out:
        robust_stop(h, NULL);
}

static void test_error_disc(gconstpointer data) {
        const char *name = data;
        g_autoptr(EmuDisc) identity = NULL, before = NULL, want = NULL;
        g_autoptr(EmuDisc) disc = harness_load_disc(name);
        g_autofree char *file = harness_disc_path(name);
        g_autofree char *path = harness_drive_path("sr0");
        g_autofree char *error = NULL, *detected = NULL;
        Harness *h = start_with_disc(&identity, &before);
        const char *probe_error;
        guint from;

        if (!h || !before || !disc)
                goto out;
        probe_error = emu_disc_expect(disc, "probe_error");
        g_assert_nonnull(probe_error);
        want = robust_error_disc_expectation(disc);
        from = robust_signals_mark(h);
        if (!harness_insert(h, "sr0", file))
                goto out;
        (void) robust_check_props(h, "sr0", want,
                                  "after a failed probe (the sentinels, and the disc's error)");
        detected = robust_drive_prop(h, "sr0", "TimeMediaDetected");
        if (detected && strcmp(detected, "uint64 0") != 0 && strcmp(detected, "0") != 0)
                harness_fail(h, "TimeMediaDetected is %s after a failed probe, expected its sentinel 0",
                             detected);
        /* The strict method fails the way the probe did (design.md §2.4). */
        error = robust_call_error(h, NULL, path, MSD_SEQ_IFACE, "GetMultisessionInfo", NULL, NULL);
        if (!error || !g_str_has_suffix(error, probe_error) || !g_str_has_prefix(error, MSD_ERROR_PREFIX))
                harness_fail(h, "GetMultisessionInfo() after the failed probe: %s, expected %s%s",
                             error ? error : "success", MSD_ERROR_PREFIX, probe_error);
        (void) robust_check_no_stale_signals(h, "sr0", from, before, want, name);
out:
        robust_stop(h, NULL);
}

typedef struct Removed {
        const char *path;
        guint from;
} Removed;

static gboolean cond_removed(Harness *h, gpointer data) {
        Removed *r = data;

        for (guint i = r->from; i < harness_n_signals(h); i++) {
                const HarnessSignal *s = harness_signal(h, i);
                const char *obj;

                if (strcmp(s->member, "InterfacesRemoved") != 0 ||
                    !g_variant_is_of_type(s->params, G_VARIANT_TYPE("(oas)")))
                        continue;
                g_variant_get(s->params, "(&o@as)", &obj, NULL);
                if (strcmp(obj, r->path) == 0)
                        return TRUE;
        }
        return FALSE;
}

static void test_remove_during_probe(void) {
        g_autoptr(EmuDisc) identity = NULL;
        g_autoptr(EmuDisc) disc = harness_load_disc("cdr-appendable-1session");
        g_autofree char *disc_file = harness_disc_path("cdr-appendable-1session");
        g_autofree char *path = harness_drive_path("sr0");
        g_autofree char *slow = NULL, *error = NULL;
        g_autoptr(GVariant) drives = NULL;
        Harness *h = robust_start(&identity);
        Removed r = { .path = path };
        guint mark;

        if (!h || !disc)
                goto out;
        slow = robust_disc_variant(h, "cdr-appendable-1session", "slow", "quirk = delay 0x51 2000");
        if (!slow)
                goto out;
        mark = harness_log_mark(h);
        if (!harness_control(h, "insert sr0 %s", slow) ||
            !robust_wait_opcode(h, mark, "sr0", 0x51, 1, HARNESS_TIMEOUT_MS))
                goto out;

        r.from = robust_signals_mark(h);
        if (!harness_control(h, "remove sr0"))
                goto out;
        if (!harness_wait(h, cond_removed, &r, HARNESS_TIMEOUT_MS)) {
                harness_fail(h, "no InterfacesRemoved for %s within %u ms of the unplug", path,
                             HARNESS_TIMEOUT_MS);
                goto out;
        }
        /* Still alive and answering: the manager lists no drive, the old path is unknown. */
        drives = harness_get(h, MSD_ROOT_PATH, MSD_MANAGER_IFACE, "Drives");
        if (drives && g_variant_n_children(drives) != 0) {
                g_autofree char *shown = g_variant_print(drives, FALSE);
                harness_fail(h, "Manager.Drives is %s after the only drive was unplugged, expected []",
                             shown);
        }
        error = robust_call_error(h, NULL, path, MSD_DRIVE_IFACE, "Refresh", NULL, NULL);
        if (g_strcmp0(error, "org.freedesktop.DBus.Error.UnknownObject") != 0)
                harness_fail(h,
                             "Refresh() on the unplugged drive: %s, expected "
                             "org.freedesktop.DBus.Error.UnknownObject",
                             error ?: "success");

        /* The same name again, now a drive of another identity with a normal disc. */
        if (!harness_control(h, "add sr0 %s", disc_file) ||
            !harness_wait_settled(h, "sr0", HARNESS_ANY_DISKSEQ))
                goto out;
        (void) robust_check_drive(h, "sr0", disc, disc, "a drive added after an unplug during a probe");
out:
        robust_stop(h, NULL);
}

int main(int argc, char **argv) {
        static const char *const error_discs[] = { "quirk-short-track-info", "quirk-garbage-disc-info",
                                                   "quirk-timeout" };

        harness_test_init(&argc, &argv);
        g_test_add_func("/faults/becoming-ready", test_becoming_ready);
        g_test_add_func("/faults/no-medium", test_no_medium);
        g_test_add_func("/faults/unit-attention", test_unit_attention);
        g_test_add_func("/faults/swap-mid-probe", test_swap_mid_probe);
        for (size_t i = 0; i < G_N_ELEMENTS(error_discs); i++) {
                g_autofree char *name = g_strdup_printf("/faults/error/%s", error_discs[i]);
                g_test_add_data_func(name, error_discs[i], test_error_disc);
        }
        g_test_add_func("/faults/remove-during-probe", test_remove_during_probe);
        return g_test_run();
}
