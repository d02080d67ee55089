/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* monitor: one line per property change and per drive that comes or goes, until SIGINT. */

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <systemd/sd-event.h>

#include "ctl.h"

static const char *short_prefix(const char *iface) {
        /* The Sequential and Drive names do not overlap; RandomWrite repeats InUse, TotalSectorsOnMedia and
         * WriteUnitSize, so its lines say which interface they are from. */
        if (strcmp(iface, IFACE_RANDOM_WRITE) == 0)
                return "RandomWrite.";
        if (strcmp(iface, IFACE_SEQUENTIAL) == 0 || strcmp(iface, IFACE_DRIVE) == 0)
                return "";
        return NULL;
}

static void emit_event(Ctl *ctl, const char *drive, const char *event, const char *device) {
        if (ctl->json) {
                CtlJson j;

                ctl_json_init(&j, stdout, false);
                ctl_json_begin_object(&j);
                if (drive) {
                        ctl_json_key(&j, "Drive");
                        ctl_json_string(&j, drive);
                }
                ctl_json_key(&j, "Event");
                ctl_json_string(&j, event);
                if (device) {
                        ctl_json_key(&j, "Device");
                        ctl_json_string(&j, device);
                }
                ctl_json_end_object(&j);
                ctl_json_finish(&j);
        } else if (strcmp(event, "DriveAdded") == 0)
                printf(_("%s: drive added (%s)\n"), drive, device ? device : "-");
        else if (strcmp(event, "DriveRemoved") == 0)
                printf(_("%s: drive removed\n"), drive);
        else if (strcmp(event, "ServiceStarted") == 0)
                printf("%s\n", _("multisessiond appeared on the bus."));
        else
                printf("%s\n", _("multisessiond left the bus."));
        fflush(stdout);
}

static void emit_property(Ctl *ctl, const char *drive, const char *iface, const char *prop,
                          const CtlValue *v) {
        const char *prefix = short_prefix(iface);

        if (ctl->json) {
                CtlJson j;

                ctl_json_init(&j, stdout, false);
                ctl_json_begin_object(&j);
                ctl_json_key(&j, "Drive");
                ctl_json_string(&j, drive);
                ctl_json_key(&j, "Interface");
                ctl_json_string(&j, iface);
                ctl_json_key(&j, "Property");
                ctl_json_string(&j, prop);
                ctl_json_key(&j, "Value");
                ctl_json_value(&j, v);
                ctl_json_end_object(&j);
                ctl_json_finish(&j);
        } else {
                _cleanup_free_ char *value = ctl_format_raw(v);

                printf("%s: %s%s%s=%s\n", drive, prefix ? prefix : iface, prefix ? "" : ".", prop,
                       value ? value : "?");
        }
        fflush(stdout);
}

static int on_properties_changed(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        _cleanup_free_ char *drive = ctl_drive_name_from_path(sd_bus_message_get_path(m));
        Ctl *ctl = userdata;
        const char *iface;
        int r;

        /* The Manager's Drives follows InterfacesAdded/Removed, which are reported already. */
        if (!drive)
                return 0;
        r = sd_bus_message_read(m, "s", &iface);
        if (r < 0)
                return 0;
        r = sd_bus_message_enter_container(m, 'a', "{sv}");
        if (r < 0)
                return 0;
        while (sd_bus_message_enter_container(m, 'e', "sv") > 0) {
                CtlValue v = {};
                const char *prop;

                if (sd_bus_message_read(m, "s", &prop) < 0 || ctl_value_read(m, &v) < 0)
                        return 0;
                emit_property(ctl, drive, iface, prop, &v);
                ctl_value_done(&v);
                if (sd_bus_message_exit_container(m) < 0)
                        return 0;
        }
        return 0;
}

static int on_interfaces_added(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        _cleanup_free_ char *drive = NULL;
        CtlInterface *ifaces = NULL;
        const char *path, *device = NULL;
        size_t n = 0;

        if (sd_bus_message_read(m, "o", &path) < 0)
                return 0;
        drive = ctl_drive_name_from_path(path);
        if (!drive || ctl_interfaces_read(m, &ifaces, &n) < 0)
                return 0;
        for (size_t i = 0; i < n; i++)
                if (strcmp(ifaces[i].name, IFACE_DRIVE) == 0)
                        for (size_t p = 0; p < ifaces[i].n_properties; p++)
                                if (strcmp(ifaces[i].properties[p].name, "Device") == 0 &&
                                    ifaces[i].properties[p].value.type == 's')
                                        device = ifaces[i].properties[p].value.s;
        emit_event(userdata, drive, "DriveAdded", device);
        ctl_interfaces_free(ifaces, n);
        return 0;
}

static int on_interfaces_removed(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        _cleanup_free_ char *drive = NULL;
        const char *path;

        if (sd_bus_message_read(m, "o", &path) < 0)
                return 0;
        drive = ctl_drive_name_from_path(path);
        if (drive)
                emit_event(userdata, drive, "DriveRemoved", NULL);
        return 0;
}

static int on_name_owner_changed(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        const char *name, *old_owner, *new_owner;

        if (sd_bus_message_read(m, "sss", &name, &old_owner, &new_owner) < 0)
                return 0;
        if (*old_owner)
                emit_event(userdata, NULL, "ServiceStopped", NULL);
        if (*new_owner)
                emit_event(userdata, NULL, "ServiceStarted", NULL);
        return 0;
}

static int on_signal(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata) {
        return sd_event_exit(sd_event_source_get_event(s), CTL_EXIT_OK);
}

int ctl_monitor(Ctl *ctl) {
        _cleanup_(sd_event_unrefp) sd_event *event = NULL;
        sigset_t mask;
        int r, code;

        /* sd-bus matches a well-known sender on the bus daemon's side (the same pattern systemctl uses for
         * JobRemoved), so signals of anyone else who merely copies our paths are never delivered. */
        r = sd_bus_match_signal(ctl->bus, NULL, SERVICE_NAME, NULL, "org.freedesktop.DBus.Properties",
                                "PropertiesChanged", on_properties_changed, ctl);
        if (r >= 0)
                r = sd_bus_match_signal(ctl->bus, NULL, SERVICE_NAME, OBJECT_ROOT,
                                        "org.freedesktop.DBus.ObjectManager", "InterfacesAdded",
                                        on_interfaces_added, ctl);
        if (r >= 0)
                r = sd_bus_match_signal(ctl->bus, NULL, SERVICE_NAME, OBJECT_ROOT,
                                        "org.freedesktop.DBus.ObjectManager", "InterfacesRemoved",
                                        on_interfaces_removed, ctl);
        if (r >= 0) {
                _cleanup_free_ char *rule = NULL;

                if (asprintf(&rule,
                             "type='signal',sender='org.freedesktop.DBus',interface='org.freedesktop.DBus',"
                             "member='NameOwnerChanged',arg0='%s'",
                             SERVICE_NAME) < 0)
                        r = -ENOMEM;
                else
                        r = sd_bus_add_match(ctl->bus, NULL, rule, on_name_owner_changed, ctl);
        }
        if (r < 0)
                return ctl_bus_error(NULL, NULL, r);

        r = sd_event_default(&event);
        if (r < 0)
                return ctl_bus_error(NULL, NULL, r);
        sigemptyset(&mask);
        sigaddset(&mask, SIGINT);
        sigaddset(&mask, SIGTERM);
        if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
                return ctl_bus_error(NULL, NULL, -errno);
        r = sd_event_add_signal(event, NULL, SIGINT, on_signal, NULL);
        if (r >= 0)
                r = sd_event_add_signal(event, NULL, SIGTERM, on_signal, NULL);
        if (r >= 0)
                r = sd_bus_attach_event(ctl->bus, event, SD_EVENT_PRIORITY_NORMAL);
        if (r >= 0)
                /* The daemon's bus going away ends the loop with an error instead of a silent hang. */
                r = sd_bus_set_exit_on_disconnect(ctl->bus, true);
        if (r < 0)
                return ctl_bus_error(NULL, NULL, r);

        /* The matches are in place (sd_bus_add_match waits for the bus's reply): from here on nothing is
         * missed, which is what a script waiting for this line wants to know. */
        fprintf(stderr, "%s\n", _("Monitoring multisessiond. Press Ctrl+C to stop."));

        r = sd_event_loop(event);
        if (r < 0)
                return ctl_bus_error(NULL, NULL, r);
        code = r;
        if (code != CTL_EXIT_OK) {
                ctl_log(NULL, "%s", _("Disconnected from the bus."));
                return CTL_EXIT_FAILURE;
        }
        sd_bus_detach_event(ctl->bus);
        return CTL_EXIT_OK;
}
