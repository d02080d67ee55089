/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <signal.h>
#include <systemd/sd-daemon.h>

#include "daemon.h"
#include "log.h"

static int on_signal(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata) {
        log_info("Received %s, exiting", si->ssi_signo == SIGTERM ? "SIGTERM" : "SIGINT");
        return sd_event_exit(sd_event_source_get_event(s), 0);
}

int daemon_run(BusKind bus, const char *address) {
        _cleanup_(sd_event_unrefp) sd_event *event = NULL;
        Manager *m = NULL;
        sigset_t mask;
        int r, code;

        log_setup();

        /* Blocked before any thread exists, so every thread inherits the mask and only the loop's
         * signalfd sees SIGTERM. */
        sigemptyset(&mask);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        sigprocmask(SIG_BLOCK, &mask, NULL);
        signal(SIGPIPE, SIG_IGN);

        r = sd_event_default(&event);
        if (r < 0)
                return log_error_errno(r, "Failed to allocate the event loop: %m"), 1;
        r = sd_event_add_signal(event, NULL, SIGTERM, on_signal, NULL);
        if (r >= 0)
                r = sd_event_add_signal(event, NULL, SIGINT, on_signal, NULL);
        if (r >= 0)
                r = sd_event_set_watchdog(event, true);
        if (r < 0)
                return log_error_errno(r, "Failed to set up the event loop: %m"), 1;

        r = manager_new(event, &m);
        if (r < 0)
                return log_error_errno(r, "Failed to allocate the manager: %m"), 1;

        /* Objects first, then the drives, then the name: no client can see the name without them. */
        r = manager_connect_bus(m, bus, address);
        if (r >= 0)
                r = manager_dbus_register(m);
        if (r >= 0)
                r = manager_start(m);
        if (r >= 0)
                r = manager_dbus_request_name(m);
        if (r < 0) {
                manager_free(m);
                return 1;
        }

        (void) sd_notify(false, "READY=1");
        manager_update_status(m);
        log_info("multisessiond running, %zu drive%s", m->n_drives, m->n_drives == 1 ? "" : "s");

        r = sd_event_loop(event);
        (void) sd_notify(false, "STOPPING=1");
        if (r < 0) {
                log_error_errno(r, "Event loop failed: %m");
                code = 1;
        } else
                code = r; /* 0 after a signal; EXIT_FAILURE when sd-bus saw the bus disconnect */
        if (code != 0)
                log_error("Lost the bus connection, exiting");
        manager_free(m);
        return code;
}
