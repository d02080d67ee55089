/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * A stand-in for multisessiond on a private bus that runs our system bus policy: it owns
 * org.example.MultisessionSequential and exports one member of each kind the policy rules on, so that
 * test-bus-policy.sh can check what an unprivileged client may and may not reach.
 *
 * Every method and the writable property are SD_BUS_VTABLE_UNPRIVILEGED: sd-bus then lets any caller
 * through, and whatever is refused is refused by the bus policy alone.
 *
 *   policy-owner ADDRESS   own the name, print "READY" and serve until SIGTERM
 */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#define NAME  "org.example.MultisessionSequential"
#define ROOT  "/org/example/MultisessionSequential"
#define DRIVE ROOT "/drive/sr0"

static char log_level[32] = "info";

static int method_get_multisession_info(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        return sd_bus_reply_method_return(m, "ii", 0, 11702);
}

static int method_refresh(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        return sd_bus_reply_method_return(m, NULL);
}

static int method_inhibit(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        int fds[2], r;

        if (pipe2(fds, O_CLOEXEC) < 0)
                return -errno;
        r = sd_bus_reply_method_return(m, "h", fds[1]);
        close(fds[0]);
        close(fds[1]);
        return r;
}

static int method_secret(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        return sd_bus_reply_method_return(m, "s", "reached");
}

static int property_get_version(sd_bus *bus, const char *path, const char *interface, const char *property,
                                sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        return sd_bus_message_append(reply, "s", "policy-test");
}

static int property_get_log_level(sd_bus *bus, const char *path, const char *interface, const char *property,
                                  sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        return sd_bus_message_append(reply, "s", log_level);
}

static int property_set_log_level(sd_bus *bus, const char *path, const char *interface, const char *property,
                                  sd_bus_message *value, void *userdata, sd_bus_error *error) {
        const char *s;
        int r;

        r = sd_bus_message_read(value, "s", &s);
        if (r < 0)
                return r;
        snprintf(log_level, sizeof log_level, "%s", s);
        return 0;
}

static const sd_bus_vtable manager_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_PROPERTY("Version", "s", property_get_version, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_VTABLE_END,
};

static const sd_bus_vtable sequential_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD_WITH_ARGS("GetMultisessionInfo", SD_BUS_NO_ARGS, SD_BUS_RESULT("i", start, "i", next),
                                method_get_multisession_info, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_VTABLE_END,
};

static const sd_bus_vtable drive_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD("Refresh", NULL, NULL, method_refresh, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Inhibit", SD_BUS_ARGS("s", who, "s", why), SD_BUS_RESULT("h", fd),
                                method_inhibit, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_VTABLE_END,
};

/* An interface the policy does not name: must stay unreachable for everyone but root. */
static const sd_bus_vtable secret_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD("Secret", NULL, "s", method_secret, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_VTABLE_END,
};

static const sd_bus_vtable log_control_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_WRITABLE_PROPERTY("LogLevel", "s", property_get_log_level, property_set_log_level, 0,
                                 SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_VTABLE_END,
};

static int connect_bus(const char *address, sd_bus **ret) {
        sd_bus *bus = NULL;
        int r;

        r = sd_bus_new(&bus);
        if (r < 0)
                return r;
        r = sd_bus_set_address(bus, address);
        if (r >= 0)
                r = sd_bus_set_bus_client(bus, 1);
        if (r >= 0)
                r = sd_bus_negotiate_fds(bus, 1);
        if (r >= 0)
                r = sd_bus_start(bus);
        if (r < 0) {
                sd_bus_unref(bus);
                return r;
        }
        *ret = bus;
        return 0;
}

static int request_name(sd_bus *bus) {
        sd_bus_error error = SD_BUS_ERROR_NULL;
        sd_bus_message *reply = NULL;
        uint32_t result = 0;
        int r;

        /* Called by hand rather than with sd_bus_request_name() to print the bus's error name. */
        r = sd_bus_call_method(bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                               "RequestName", &error, &reply, "su", NAME, (uint32_t) 4 /* DO_NOT_QUEUE */);
        if (r < 0) {
                printf("%s: %s\n", error.name ? error.name : "-",
                       error.message ? error.message : strerror(-r));
                sd_bus_error_free(&error);
                return r;
        }
        r = sd_bus_message_read(reply, "u", &result);
        sd_bus_message_unref(reply);
        if (r < 0)
                return r;
        if (result != 1 /* PRIMARY_OWNER */) {
                printf("RequestName result %u\n", result);
                return -EEXIST;
        }
        return 0;
}

int main(int argc, char *argv[]) {
        sd_event *event = NULL;
        sd_bus *bus = NULL;
        sigset_t mask;
        int r;

        if (argc < 2) {
                fprintf(stderr, "usage: %s ADDRESS\n", argv[0]);
                return 2;
        }
        setvbuf(stdout, NULL, _IOLBF, 0);

        r = connect_bus(argv[1], &bus);
        if (r < 0) {
                fprintf(stderr, "connect %s: %s\n", argv[1], strerror(-r));
                return 1;
        }
        if (sd_bus_add_object_manager(bus, NULL, ROOT) < 0 ||
            sd_bus_add_object_vtable(bus, NULL, ROOT, "org.example.MultisessionSequential.Manager",
                                     manager_vtable, NULL) < 0 ||
            sd_bus_add_object_vtable(bus, NULL, DRIVE, "org.example.MultisessionSequential",
                                     sequential_vtable, NULL) < 0 ||
            sd_bus_add_object_vtable(bus, NULL, DRIVE, "org.example.MultisessionSequential.Drive",
                                     drive_vtable, NULL) < 0 ||
            sd_bus_add_object_vtable(bus, NULL, DRIVE, "org.example.PolicyTest.Private", secret_vtable,
                                     NULL) < 0 ||
            sd_bus_add_object_vtable(bus, NULL, "/org/freedesktop/LogControl1",
                                     "org.freedesktop.LogControl1", log_control_vtable, NULL) < 0) {
                fprintf(stderr, "cannot export the objects\n");
                return 1;
        }

        if (request_name(bus) < 0)
                return 1;

        sigemptyset(&mask);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        sigprocmask(SIG_BLOCK, &mask, NULL);
        if (sd_event_default(&event) < 0 || sd_event_add_signal(event, NULL, SIGTERM, NULL, NULL) < 0 ||
            sd_event_add_signal(event, NULL, SIGINT, NULL, NULL) < 0 ||
            sd_bus_attach_event(bus, event, SD_EVENT_PRIORITY_NORMAL) < 0) {
                fprintf(stderr, "cannot set up the event loop\n");
                return 1;
        }

        printf("READY\n");
        r = sd_event_loop(event);
        sd_bus_flush_close_unref(bus);
        sd_event_unref(event);
        return r < 0 ? 1 : 0;
}
