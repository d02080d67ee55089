/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "fault.h"
#include "log.h"
#include "manager-dbus.h"

static atomic_int open_failures;
static atomic_int open_errno;

int fault_open_check(void) {
        int n = atomic_load(&open_failures);

        while (n > 0)
                if (atomic_compare_exchange_weak(&open_failures, &n, n - 1))
                        return -atomic_load(&open_errno);
        return 0;
}

static int method_fail_opens(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        const char *name;
        uint32_t count;
        int e, r;

        r = sd_bus_message_read(message, "us", &count, &name);
        if (r < 0)
                return r;
        e = strcmp(name, "EBUSY") == 0    ? EBUSY
            : strcmp(name, "ENODEV") == 0 ? ENODEV
            : strcmp(name, "EACCES") == 0 ? EACCES
            : strcmp(name, "EIO") == 0    ? EIO
                                          : 0;
        if (e == 0 || count > 1000)
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "Unsupported fault '%s'", name);
        atomic_store(&open_errno, e);
        atomic_store(&open_failures, (int) count);
        log_warning("Fault injection: the next %u opens fail with %s", count, name);
        return sd_bus_reply_method_return(message, NULL);
}

static int method_drop_events(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        uint32_t count;
        int r;

        r = sd_bus_message_read(message, "u", &count);
        if (r < 0)
                return r;
        device_watch_inject_drop(m->watch, count);
        log_warning("Fault injection: the next %u udev events are lost", count);
        return sd_bus_reply_method_return(message, NULL);
}

static int method_overflow(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;

        device_watch_inject_overflow(m->watch);
        return sd_bus_reply_method_return(message, NULL);
}

static const sd_bus_vtable fault_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD_WITH_ARGS("FailOpens", SD_BUS_ARGS("u", count, "s", errno_name), SD_BUS_NO_RESULT,
                                method_fail_opens, 0),
        SD_BUS_METHOD_WITH_ARGS("DropEvents", SD_BUS_ARGS("u", count), SD_BUS_NO_RESULT, method_drop_events,
                                0),
        SD_BUS_METHOD_WITH_ARGS("OverflowMonitor", SD_BUS_NO_ARGS, SD_BUS_NO_RESULT, method_overflow, 0),
        SD_BUS_VTABLE_END,
};

int fault_register(Manager *m) {
        const char *e = getenv("MULTISESSIOND_FAULT_INJECTION");
        int r;

        if (!e || strcmp(e, "1") != 0)
                return 0;
        r = sd_bus_add_object_vtable(m->bus, NULL, OBJECT_ROOT, BUS_NAME ".FaultInjection", fault_vtable, m);
        if (r < 0)
                return log_error_errno(r, "Failed to register the fault injection seam: %m");
        log_warning("Fault injection enabled (MULTISESSIOND_FAULT_INJECTION=1): for tests only");
        return 0;
}
