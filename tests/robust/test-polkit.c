/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * Issue 8, who may inhibit (design.md §2.3): polkit action org.example.multisessionsequential.inhibit,
 * root always. The client runs as nobody (setpriv) on a rig bus it can reach; the daemon asks the
 * authority on that same bus.
 *   /polkit/no-authority   no polkit on the bus: nobody is refused with NotAuthorized (a missing
 *                          authority says no), root succeeds
 *   /polkit/mock-authority python3-dbusmock's polkitd: allowing nothing, nobody is refused with
 *                          NotAuthorized; allowing the action, nobody succeeds
 * busctl is the client, as a user would run it; gdbus asks the same, because it prints the error's
 * name (busctl prints only its message).
 */

#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <unistd.h>

#include "rig.h"
#include "robust.h"

#define ACTION "org.example.multisessionsequential.inhibit"

static const char *nobody_group(void) {
        return getgrnam("nogroup") ? "nogroup" : getgrnam("nobody") ? "nobody" : NULL;
}

/* NULL when the test can run, else why not. */
static char *cannot_run(void) {
        if (geteuid() != 0)
                return g_strdup("needs root (to switch to nobody)");
        if (!getpwnam("nobody") || !nobody_group())
                return g_strdup("no user nobody or group nogroup/nobody");
        for (const char *const *p = (const char *const[]){ "setpriv", "busctl", "gdbus", NULL }; *p; p++) {
                g_autofree char *found = g_find_program_in_path(*p);
                if (!found)
                        return g_strdup_printf("%s not found", *p);
        }
        return NULL;
}

/* Runs argv (after `setpriv … --` when as_nobody); its exit status and its output. */
static gboolean run(bool as_nobody, const char *const *argv, char **ret_output) {
        g_autoptr(GPtrArray) a = g_ptr_array_new_with_free_func(g_free);
        g_autofree char *out = NULL, *err = NULL;
        g_autoptr(GError) error = NULL;
        int status = -1;

        if (as_nobody) {
                g_ptr_array_add(a, g_strdup("setpriv"));
                g_ptr_array_add(a, g_strdup("--reuid=nobody"));
                g_ptr_array_add(a, g_strdup_printf("--regid=%s", nobody_group()));
                g_ptr_array_add(a, g_strdup("--clear-groups"));
                g_ptr_array_add(a, g_strdup("--"));
        }
        for (size_t i = 0; argv[i]; i++)
                g_ptr_array_add(a, g_strdup(argv[i]));
        g_ptr_array_add(a, NULL);
        if (!g_spawn_sync("/", (char **) a->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err,
                          &status, &error)) {
                *ret_output = g_strdup(error->message);
                return FALSE;
        }
        *ret_output = g_strdup_printf("%s%s", out, err);
        return g_spawn_check_wait_status(status, NULL);
}

/* Inhibit() through busctl and through gdbus; `want` NULL for success, else the error's short name. */
static void inhibit_as(Rig *r, bool as_nobody, const char *want, const char *what) {
        g_autofree char *path = harness_drive_path("sr0");
        g_autofree char *address = g_strdup_printf("--address=%s", rig_address(r));
        g_autofree char *method = g_strdup_printf("%s.Inhibit", MSD_DRIVE_IFACE);
        g_autofree char *busctl_out = NULL, *gdbus_out = NULL, *want_name = NULL;
        const char *busctl[] = { "busctl",  address, "call",        MSD_BUS_NAME, path, MSD_DRIVE_IFACE,
                                 "Inhibit", "ss",    "robust-test", what,         NULL };
        const char *gdbus[] = { "gdbus",    "call",       "--address",     rig_address(r),
                                "--dest",   MSD_BUS_NAME, "--object-path", path,
                                "--method", method,       "robust-test",   what,
                                NULL };
        const char *who = as_nobody ? "nobody" : "root";
        gboolean busctl_ok = run(as_nobody, busctl, &busctl_out);
        gboolean gdbus_ok = run(as_nobody, gdbus, &gdbus_out);

        if (!want) {
                if (!busctl_ok || !gdbus_ok)
                        rig_fail(r, "%s: Inhibit() as %s failed:\n  busctl: %s\n  gdbus: %s", what, who,
                                 busctl_out, gdbus_out);
                return;
        }
        want_name = g_strdup_printf("%s%s", MSD_ERROR_PREFIX, want);
        if (busctl_ok)
                rig_fail(r, "%s: Inhibit() as %s succeeded through busctl, expected %s:\n  %s", what, who,
                         want, busctl_out);
        if (gdbus_ok || !strstr(gdbus_out, want_name))
                rig_fail(r, "%s: Inhibit() as %s through gdbus: %s\n  expected the error %s", what, who,
                         gdbus_ok ? "success" : gdbus_out, want_name);
}

static Rig *start(void) {
        g_autofree char *disc = harness_disc_path("cdr-appendable-1session");
        const char *discs[] = { disc, NULL };
        Rig *r = rig_start(discs);

        if (r && !rig_wait_drive_prop(r, "sr0", "ProbeState", "idle")) {
                (void) rig_stop(r);
                return NULL;
        }
        return r;
}

/* Every inhibitor is gone again (each client exited at once, closing its descriptor). */
static void settle(Rig *r) {
        if (rig_wait_drive_prop(r, "sr0", "Inhibited", "false"))
                (void) rig_wait_drive_prop(r, "sr0", "ProbeState", "idle");
}

static void test_no_authority(void) {
        g_autofree char *why = cannot_run();
        Rig *r;

        if (why) {
                g_test_skip(why);
                return;
        }
        if (!(r = start()))
                return;
        inhibit_as(r, true, "NotAuthorized", "no polkit on the bus");
        inhibit_as(r, false, NULL, "root, no polkit on the bus");
        settle(r);
        (void) rig_stop(r);
}

static void test_mock_authority(void) {
        g_autofree char *why = cannot_run();
        Rig *r;

        if (why || !rig_polkit_available(&why)) {
                g_test_skip(why);
                return;
        }
        if (!(r = start()))
                return;
        if (!rig_start_polkit(r))
                goto out;
        inhibit_as(r, true, "NotAuthorized", "polkit allowing nothing");
        if (!rig_polkit_allow(r, ACTION))
                goto out;
        inhibit_as(r, true, NULL, "polkit allowing " ACTION);
        inhibit_as(r, false, NULL, "root with polkit");
        settle(r);
out:
        (void) rig_stop(r);
}

int main(int argc, char **argv) {
        harness_test_init(&argc, &argv);
        g_test_add_func("/polkit/no-authority", test_no_authority);
        g_test_add_func("/polkit/mock-authority", test_mock_authority);
        return g_test_run();
}
