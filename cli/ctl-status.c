/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* list, status and refresh: what the daemon holds about the drives, read with one GetManagedObjects. */

#include <errno.h>
#include <string.h>

#include "ctl.h"

/* Refresh waits for a whole probe, and a disc spinning up or a drive answering late takes a while. */
#define REFRESH_TIMEOUT_USEC (120ULL * 1000000ULL)

static const char *const status_interfaces[] = { IFACE_SEQUENTIAL, IFACE_DRIVE, IFACE_RANDOM_WRITE };

/* The Drive properties list shows, by name; list --json carries them with their D-Bus types. */
static const char *const list_properties[] = {
        "Device",     "Id",           "Vendor",    "Product",
        "Revision",   "MediaPresent", "MediaType", "CurrentMediaStatus",
        "ProbeState", "LastError",
};

static int list_json(const CtlDriveList *l) {
        CtlJson j;

        ctl_json_init(&j, stdout, true);
        ctl_json_begin_array(&j);
        for (size_t i = 0; i < l->n_drives; i++) {
                const CtlDrive *d = &l->drives[i];

                ctl_json_begin_object(&j);
                ctl_json_key(&j, "Name");
                ctl_json_string(&j, d->name);
                ctl_json_key(&j, "Path");
                ctl_json_string(&j, d->path);
                for (size_t p = 0; p < ELEMENTSOF(list_properties); p++) {
                        const CtlValue *v = ctl_drive_get(d, IFACE_DRIVE, list_properties[p]);

                        if (!v)
                                continue;
                        ctl_json_key(&j, list_properties[p]);
                        ctl_json_value(&j, v);
                }
                ctl_json_end_object(&j);
        }
        ctl_json_end_array(&j);
        ctl_json_finish(&j);
        return CTL_EXIT_OK;
}

static char *model_of(const CtlDrive *d) {
        const char *vendor = ctl_drive_get_string(d, IFACE_DRIVE, "Vendor");
        const char *product = ctl_drive_get_string(d, IFACE_DRIVE, "Product");
        char *s;

        vendor = vendor ? vendor : "";
        product = product ? product : "";
        if (asprintf(&s, "%s%s%s", vendor, *vendor && *product ? " " : "", product) < 0)
                return NULL;
        return s;
}

int ctl_list(Ctl *ctl) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(ctl_drives_done) CtlDriveList l = {};
        const char *headers[] = {
                /* Translators: column headings of "multisessionctl list", upper case like systemctl's. */
                _("DRIVE"), _("DEVICE"), _("MEDIUM"), _("STATUS"), _("PROBE"), _("MODEL"),
        };
        CtlTable *t;
        int r;

        r = ctl_drives_load(ctl->bus, &l, &error);
        if (r < 0)
                return ctl_bus_error(NULL, &error, r);
        if (ctl->json)
                return list_json(&l);

        t = ctl_table_new(ELEMENTSOF(headers), headers, NULL);
        if (!t)
                return ctl_bus_error(NULL, NULL, -ENOMEM);
        for (size_t i = 0; i < l.n_drives; i++) {
                const CtlDrive *d = &l.drives[i];
                const char *media = ctl_drive_get_string(d, IFACE_DRIVE, "MediaType");
                _cleanup_free_ char *model = model_of(d);
                const char *cells[] = {
                        d->name,
                        ctl_drive_get_string(d, IFACE_DRIVE, "Device"),
                        media && *media ? media : "-",
                        ctl_media_summary(d),
                        ctl_drive_get_string(d, IFACE_DRIVE, "ProbeState"),
                        model && *model ? model : "-",
                };

                if (ctl_table_add_row(t, cells) < 0) {
                        ctl_table_free(t);
                        return ctl_bus_error(NULL, NULL, -ENOMEM);
                }
        }
        if (l.n_drives > 0)
                ctl_table_print(t, stdout, ctl->legend);
        ctl_table_free(t);
        if (ctl->legend) {
                if (l.n_drives > 0)
                        putchar('\n');
                printf(ngettext("%zu drive listed.\n", "%zu drives listed.\n", l.n_drives), l.n_drives);
        }
        return CTL_EXIT_OK;
}

static size_t name_width(const CtlDrive *d) {
        size_t w = 0;

        for (size_t i = 0; i < d->n_interfaces; i++)
                for (size_t p = 0; p < d->interfaces[i].n_properties; p++) {
                        size_t n = strlen(d->interfaces[i].properties[p].name);
                        if (n > w)
                                w = n;
                }
        return w;
}

static void print_interface(const CtlInterface *i, size_t width, bool first) {
        printf("%s%s:\n", first ? "" : "\n", i->name);
        for (size_t p = 0; p < i->n_properties; p++) {
                _cleanup_free_ char *value =
                        ctl_format_value(i->properties[p].name, &i->properties[p].value);

                printf("  %-*s  %s\n", (int) width, i->properties[p].name, value ? value : "?");
        }
}

static int print_status(Ctl *ctl, const CtlDrive *d) {
        const char *device = ctl_drive_get_string(d, IFACE_DRIVE, "Device");
        const char *media = ctl_drive_get_string(d, IFACE_DRIVE, "MediaType");
        _cleanup_free_ char *model = model_of(d);
        size_t width = name_width(d);
        bool first = true;

        if (ctl->json) {
                CtlJson j;

                ctl_json_init(&j, stdout, true);
                ctl_json_interfaces(&j, d);
                ctl_json_finish(&j);
                return fflush(stdout) == 0 ? CTL_EXIT_OK : CTL_EXIT_FAILURE;
        }

        if (!ctl_drive_get_bool(d, IFACE_DRIVE, "MediaPresent"))
                media = _("none");
        else if (!media || !*media)
                media = _("unknown");

        printf("%s (%s)%s%s\n", d->name, device ? device : "-", model && *model ? ": " : "",
               model ? model : "");
        /* Translators: "Medium: optical_cd_r, appendable" in status. */
        printf(_("Medium: %s, %s\n"), media, ctl_media_summary(d));
        putchar('\n');

        for (size_t k = 0; k < ELEMENTSOF(status_interfaces); k++) {
                const CtlInterface *i = ctl_drive_interface(d, status_interfaces[k]);

                if (!i)
                        continue;
                print_interface(i, width, first);
                first = false;
        }
        for (size_t n = 0; n < d->n_interfaces; n++) {
                bool known = false;

                for (size_t k = 0; k < ELEMENTSOF(status_interfaces); k++)
                        known = known || strcmp(d->interfaces[n].name, status_interfaces[k]) == 0;
                if (!known) {
                        print_interface(&d->interfaces[n], width, first);
                        first = false;
                }
        }
        return fflush(stdout) == 0 ? CTL_EXIT_OK : CTL_EXIT_FAILURE;
}

int ctl_status(Ctl *ctl, const char *drive) {
        _cleanup_(ctl_drives_done) CtlDriveList l = {};
        const CtlDrive *d;
        int r;

        r = ctl_drives_load_one(ctl, drive, &l, &d);
        if (r != 0)
                return r;
        return print_status(ctl, d);
}

int ctl_refresh(Ctl *ctl, const char *drive) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
        _cleanup_(ctl_drives_done) CtlDriveList l = {}, after = {};
        _cleanup_free_ char *path = NULL, *name = NULL;
        const CtlDrive *d;
        int r;

        r = ctl_drives_load_one(ctl, drive, &l, &d);
        if (r != 0)
                return r;
        path = strdup(d->path);
        name = strdup(d->name);
        if (!path || !name)
                return ctl_bus_error(NULL, NULL, -ENOMEM);

        r = sd_bus_message_new_method_call(ctl->bus, &m, SERVICE_NAME, path, IFACE_DRIVE, "Refresh");
        if (r < 0)
                return ctl_bus_error(name, NULL, r);
        r = sd_bus_call(ctl->bus, m, REFRESH_TIMEOUT_USEC, &error, &reply);
        if (r < 0)
                return ctl_bus_error(name, &error, r);

        /* The reply comes after the new state is published (design.md §2): read it now. */
        r = ctl_drives_load_one(ctl, path, &after, &d);
        if (r != 0)
                return r;
        return print_status(ctl, d);
}
