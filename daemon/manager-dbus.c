/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>

#include "config.h"
#include "drive-dbus.h"
#include "fault.h"
#include "log-control.h"
#include "log.h"
#include "manager-dbus.h"

static int property_get_drives(sd_bus *bus, const char *path, const char *interface, const char *property,
                               sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        int r;

        r = sd_bus_message_open_container(reply, 'a', "o");
        for (size_t i = 0; r >= 0 && i < m->n_drives; i++)
                r = sd_bus_message_append_basic(reply, 'o', m->drives[i]->drive->object_path);
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        return r;
}

static int property_get_version(sd_bus *bus, const char *path, const char *interface, const char *property,
                                sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        return sd_bus_message_append_basic(reply, 's', PACKAGE_VERSION);
}

static const sd_bus_vtable manager_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_PROPERTY("Version", "s", property_get_version, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Drives", "ao", property_get_drives, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_VTABLE_END,
};

static int on_drives_changed(sd_event_source *s, void *userdata) {
        Manager *m = userdata;
        int r;

        (void) sd_event_source_set_enabled(s, SD_EVENT_OFF);
        if (!m->bus)
                return 0;
        r = sd_bus_emit_properties_changed(m->bus, OBJECT_ROOT, IFACE_MANAGER, "Drives", NULL);
        if (r < 0)
                log_warning_errno(r, "Failed to emit Drives change: %m");
        return 0;
}

void manager_dbus_drives_changed(Manager *m) {
        int r;

        if (!m->drives_changed) {
                /* After the drives' own InterfacesAdded/Removed, which run at idle priority too. */
                r = sd_event_add_defer(m->event, &m->drives_changed, on_drives_changed, m);
                if (r >= 0)
                        r = sd_event_source_set_priority(m->drives_changed, SD_EVENT_PRIORITY_IDLE + 1);
                if (r < 0) {
                        log_warning_errno(r, "Failed to arm the Drives change: %m");
                        return;
                }
        }
        (void) sd_event_source_set_enabled(m->drives_changed, SD_EVENT_ONESHOT);
}

int manager_connect_bus(Manager *m, BusKind kind, const char *address) {
        sd_bus *bus = NULL;
        int r;

        switch (kind) {
        case BUS_SYSTEM: r = sd_bus_open_system(&bus); break;
        case BUS_SESSION: r = sd_bus_open_user(&bus); break;
        default:
                r = sd_bus_new(&bus);
                if (r >= 0)
                        r = sd_bus_set_address(bus, address);
                if (r >= 0)
                        r = sd_bus_set_bus_client(bus, true);
                if (r >= 0)
                        r = sd_bus_start(bus);
                break;
        }
        if (r < 0) {
                sd_bus_unref(bus);
                return log_error_errno(r, "Failed to connect to the bus: %m");
        }
        m->bus = bus;

        /* Losing the bus means losing every client: exit non-zero, so systemd restarts us. */
        r = sd_bus_set_exit_on_disconnect(bus, true);
        if (r >= 0)
                r = sd_bus_attach_event(bus, m->event, SD_EVENT_PRIORITY_NORMAL);
        if (r < 0)
                return log_error_errno(r, "Failed to attach the bus: %m");
        return 0;
}

int manager_dbus_register(Manager *m) {
        int r;

        r = sd_bus_add_object_manager(m->bus, NULL, OBJECT_ROOT);
        if (r < 0)
                return log_error_errno(r, "Failed to add the object manager: %m");
        r = sd_bus_add_object_vtable(m->bus, NULL, OBJECT_ROOT, IFACE_MANAGER, manager_vtable, m);
        if (r < 0)
                return log_error_errno(r, "Failed to register the manager: %m");
        r = drive_bus_register(m);
        if (r >= 0)
                r = fault_register(m);
        if (r < 0)
                return r;
        return log_control_register(m->bus);
}

int manager_dbus_request_name(Manager *m) {
        int r;

        r = sd_bus_request_name(m->bus, BUS_NAME, 0);
        if (r < 0)
                return log_error_errno(r, "Failed to acquire the name %s: %m", BUS_NAME);
        return 0;
}
