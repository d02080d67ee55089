/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <limits.h>
#include <string.h>

#include "ctl.h"

void ctl_value_done(CtlValue *v) {
        if (!v)
                return;
        if (v->type == 's' || v->type == 'o' || v->type == 'g')
                free(v->s);
        for (size_t i = 0; i < v->n_items; i++)
                ctl_value_done(&v->items[i]);
        free(v->items);
        *v = (CtlValue){};
}

static int read_container(sd_bus_message *m, char type, const char *contents, CtlValue *ret) {
        CtlValue v = { .type = type };
        int r;

        r = sd_bus_message_enter_container(m, type, contents);
        if (r < 0)
                return r;
        for (;;) {
                CtlValue *items;

                r = sd_bus_message_at_end(m, false);
                if (r < 0)
                        goto fail;
                if (r > 0)
                        break;
                items = realloc(v.items, (v.n_items + 1) * sizeof(CtlValue));
                if (!items) {
                        r = -ENOMEM;
                        goto fail;
                }
                v.items = items;
                r = ctl_value_read(m, &v.items[v.n_items]);
                if (r < 0)
                        goto fail;
                v.n_items++;
        }
        r = sd_bus_message_exit_container(m);
        if (r < 0)
                goto fail;
        *ret = v;
        return 0;
fail:
        ctl_value_done(&v);
        return r;
}

/* Reads the next complete value, whatever its signature; a variant yields the value inside it, so the
 * callers never care whether a property was wrapped. */
int ctl_value_read(sd_bus_message *m, CtlValue *ret) {
        const char *contents;
        char type;
        int r;

        r = sd_bus_message_peek_type(m, &type, &contents);
        if (r < 0)
                return r;
        if (r == 0)
                return -ENXIO;

        switch (type) {
        case 'a':
        case 'r':
        case 'e': return read_container(m, type, contents, ret);
        case 'v':
                r = sd_bus_message_enter_container(m, 'v', contents);
                if (r < 0)
                        return r;
                r = ctl_value_read(m, ret);
                if (r < 0)
                        return r;
                r = sd_bus_message_exit_container(m);
                if (r < 0)
                        ctl_value_done(ret);
                return r;
        }

        *ret = (CtlValue){ .type = type };
        switch (type) {
        case 'b': {
                int b;
                r = sd_bus_message_read_basic(m, type, &b);
                ret->b = b;
                return r;
        }
        case 'y': {
                uint8_t x;
                r = sd_bus_message_read_basic(m, type, &x);
                ret->u = x;
                return r;
        }
        case 'n': {
                int16_t x;
                r = sd_bus_message_read_basic(m, type, &x);
                ret->i = x;
                return r;
        }
        case 'q': {
                uint16_t x;
                r = sd_bus_message_read_basic(m, type, &x);
                ret->u = x;
                return r;
        }
        case 'i': {
                int32_t x;
                r = sd_bus_message_read_basic(m, type, &x);
                ret->i = x;
                return r;
        }
        case 'u':
        case 'h': {
                uint32_t x;
                r = sd_bus_message_read_basic(m, type, &x);
                ret->u = x;
                return r;
        }
        case 'x': return sd_bus_message_read_basic(m, type, &ret->i);
        case 't': return sd_bus_message_read_basic(m, type, &ret->u);
        case 'd': return sd_bus_message_read_basic(m, type, &ret->d);
        case 's':
        case 'o':
        case 'g': {
                const char *s;
                r = sd_bus_message_read_basic(m, type, &s);
                if (r < 0)
                        return r;
                ret->s = strdup(s);
                return ret->s ? 0 : -ENOMEM;
        }
        default: return -EBADMSG;
        }
}

void ctl_interfaces_free(CtlInterface *ifaces, size_t n) {
        for (size_t i = 0; i < n; i++) {
                for (size_t p = 0; p < ifaces[i].n_properties; p++) {
                        free(ifaces[i].properties[p].name);
                        ctl_value_done(&ifaces[i].properties[p].value);
                }
                free(ifaces[i].properties);
                free(ifaces[i].name);
        }
        free(ifaces);
}

static bool interface_is_ours(const char *name) {
        /* Peer, Introspectable and Properties come with every sd-bus object and carry nothing. */
        return strncmp(name, "org.example.", strlen("org.example.")) == 0;
}

static int read_properties(sd_bus_message *m, CtlInterface *iface) {
        int r;

        r = sd_bus_message_enter_container(m, 'a', "{sv}");
        if (r < 0)
                return r;
        while ((r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
                CtlProperty *props, *p;
                const char *name;

                r = sd_bus_message_read_basic(m, 's', &name);
                if (r < 0)
                        return r;
                props = realloc(iface->properties, (iface->n_properties + 1) * sizeof(CtlProperty));
                if (!props)
                        return -ENOMEM;
                iface->properties = props;
                p = &props[iface->n_properties];
                *p = (CtlProperty){ .name = strdup(name) };
                if (!p->name)
                        return -ENOMEM;
                r = ctl_value_read(m, &p->value);
                if (r < 0) {
                        free(p->name);
                        return r;
                }
                iface->n_properties++;
                r = sd_bus_message_exit_container(m);
                if (r < 0)
                        return r;
        }
        if (r < 0)
                return r;
        return sd_bus_message_exit_container(m);
}

/* a{sa{sv}}, as in GetManagedObjects and InterfacesAdded; keeps our interfaces only, in the order sent. */
int ctl_interfaces_read(sd_bus_message *m, CtlInterface **ret, size_t *ret_n) {
        CtlInterface *ifaces = NULL;
        size_t n = 0;
        int r;

        r = sd_bus_message_enter_container(m, 'a', "{sa{sv}}");
        if (r < 0)
                return r;
        while ((r = sd_bus_message_enter_container(m, 'e', "sa{sv}")) > 0) {
                const char *name;

                r = sd_bus_message_read_basic(m, 's', &name);
                if (r < 0)
                        goto fail;
                if (interface_is_ours(name)) {
                        CtlInterface *grown = realloc(ifaces, (n + 1) * sizeof(CtlInterface));

                        if (!grown) {
                                r = -ENOMEM;
                                goto fail;
                        }
                        ifaces = grown;
                        ifaces[n] = (CtlInterface){ .name = strdup(name) };
                        n++;
                        if (!ifaces[n - 1].name) {
                                r = -ENOMEM;
                                goto fail;
                        }
                        r = read_properties(m, &ifaces[n - 1]);
                } else
                        r = sd_bus_message_skip(m, "a{sv}");
                if (r < 0)
                        goto fail;
                r = sd_bus_message_exit_container(m);
                if (r < 0)
                        goto fail;
        }
        if (r < 0)
                goto fail;
        r = sd_bus_message_exit_container(m);
        if (r < 0)
                goto fail;
        *ret = ifaces;
        *ret_n = n;
        return 0;
fail:
        ctl_interfaces_free(ifaces, n);
        return r;
}

char *ctl_drive_name_from_path(const char *path) {
        char *name = NULL;

        if (sd_bus_path_decode(path, OBJECT_DRIVE_PREFIX, &name) <= 0)
                return NULL;
        return name;
}

void ctl_drives_done(CtlDriveList *l) {
        for (size_t i = 0; i < l->n_drives; i++) {
                ctl_interfaces_free(l->drives[i].interfaces, l->drives[i].n_interfaces);
                free(l->drives[i].path);
                free(l->drives[i].name);
        }
        free(l->drives);
        *l = (CtlDriveList){};
}

static int drive_compare(const void *a, const void *b) {
        /* sr2 before sr10. */
        return strverscmp(((const CtlDrive *) a)->name, ((const CtlDrive *) b)->name);
}

/* Everything in one call: GetManagedObjects holds every drive with all its properties. */
int ctl_drives_load(sd_bus *bus, CtlDriveList *ret, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        CtlDriveList l = {};
        int r;

        r = sd_bus_call_method(bus, SERVICE_NAME, OBJECT_ROOT, "org.freedesktop.DBus.ObjectManager",
                               "GetManagedObjects", error, &reply, NULL);
        if (r < 0)
                return r;

        r = sd_bus_message_enter_container(reply, 'a', "{oa{sa{sv}}}");
        if (r < 0)
                return r;
        while ((r = sd_bus_message_enter_container(reply, 'e', "oa{sa{sv}}")) > 0) {
                CtlDrive *grown, *d;
                const char *path;
                char *name;

                r = sd_bus_message_read_basic(reply, 'o', &path);
                if (r < 0)
                        goto fail;
                name = ctl_drive_name_from_path(path);
                if (!name) {
                        r = sd_bus_message_skip(reply, "a{sa{sv}}");
                        goto next;
                }
                grown = realloc(l.drives, (l.n_drives + 1) * sizeof(CtlDrive));
                if (!grown) {
                        free(name);
                        r = -ENOMEM;
                        goto fail;
                }
                l.drives = grown;
                d = &l.drives[l.n_drives++];
                *d = (CtlDrive){ .name = name, .path = strdup(path) };
                if (!d->path) {
                        r = -ENOMEM;
                        goto fail;
                }
                r = ctl_interfaces_read(reply, &d->interfaces, &d->n_interfaces);
next:
                if (r < 0)
                        goto fail;
                r = sd_bus_message_exit_container(reply);
                if (r < 0)
                        goto fail;
        }
        if (r < 0)
                goto fail;
        if (l.n_drives > 1)
                qsort(l.drives, l.n_drives, sizeof(CtlDrive), drive_compare);
        *ret = l;
        return 0;
fail:
        ctl_drives_done(&l);
        return r;
}

const CtlInterface *ctl_drive_interface(const CtlDrive *d, const char *iface) {
        for (size_t i = 0; i < d->n_interfaces; i++)
                if (strcmp(d->interfaces[i].name, iface) == 0)
                        return &d->interfaces[i];
        return NULL;
}

const CtlValue *ctl_drive_get(const CtlDrive *d, const char *iface, const char *prop) {
        const CtlInterface *i = ctl_drive_interface(d, iface);

        if (!i)
                return NULL;
        for (size_t p = 0; p < i->n_properties; p++)
                if (strcmp(i->properties[p].name, prop) == 0)
                        return &i->properties[p].value;
        return NULL;
}

int64_t ctl_drive_get_int(const CtlDrive *d, const char *iface, const char *prop, int64_t def) {
        const CtlValue *v = ctl_drive_get(d, iface, prop);

        if (!v)
                return def;
        switch (v->type) {
        case 'n':
        case 'i':
        case 'x': return v->i;
        case 'y':
        case 'q':
        case 'u':
        case 't': return v->u > INT64_MAX ? def : (int64_t) v->u;
        default: return def;
        }
}

bool ctl_drive_get_bool(const CtlDrive *d, const char *iface, const char *prop) {
        const CtlValue *v = ctl_drive_get(d, iface, prop);

        return v && v->type == 'b' && v->b;
}

const char *ctl_drive_get_string(const CtlDrive *d, const char *iface, const char *prop) {
        const CtlValue *v = ctl_drive_get(d, iface, prop);

        return v && (v->type == 's' || v->type == 'o') ? v->s : NULL;
}

static void print_drives(FILE *f, const CtlDriveList *l) {
        for (size_t i = 0; i < l->n_drives; i++) {
                const char *dev = ctl_drive_get_string(&l->drives[i], IFACE_DRIVE, "Device");

                fprintf(f, "  %s%s%s%s\n", l->drives[i].name, dev ? " (" : "", dev ? dev : "",
                        dev ? ")" : "");
        }
}

static bool streq_ptr_or_null(const char *a, const char *b) {
        return a && b && strcmp(a, b) == 0;
}

static const CtlDrive *find_drive(const CtlDriveList *l, const char *arg) {
        _cleanup_free_ char *resolved = NULL;

        /* An object path, a device node, a kernel name, a Drive.Id: each names at most one drive. */
        for (size_t i = 0; i < l->n_drives; i++)
                if (strcmp(l->drives[i].path, arg) == 0 || strcmp(l->drives[i].name, arg) == 0 ||
                    streq_ptr_or_null(ctl_drive_get_string(&l->drives[i], IFACE_DRIVE, "Device"), arg) ||
                    streq_ptr_or_null(ctl_drive_get_string(&l->drives[i], IFACE_DRIVE, "Id"), arg))
                        return &l->drives[i];

        /* /dev/cdrom, /dev/disk/by-path/…: the node it points to. */
        if (arg[0] == '/' && strncmp(arg, "/org/", 5) != 0) {
                resolved = realpath(arg, NULL);
                if (resolved && strcmp(resolved, arg) != 0)
                        return find_drive(l, resolved);
        }
        return NULL;
}

int ctl_drives_load_one(Ctl *ctl, const char *arg, CtlDriveList *list, const CtlDrive **ret) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        const CtlDrive *d;
        int r;

        r = ctl_drives_load(ctl->bus, list, &error);
        if (r < 0)
                return ctl_bus_error(NULL, &error, r);

        if (!arg) {
                if (list->n_drives == 1) {
                        *ret = &list->drives[0];
                        return 0;
                }
                if (list->n_drives == 0)
                        ctl_log(NULL, "%s", _("No optical drive found."));
                else {
                        ctl_log(NULL, "%s", _("There are several drives; name one of them:"));
                        print_drives(stderr, list);
                }
                return CTL_EXIT_NO_DRIVE;
        }

        d = find_drive(list, arg);
        if (!d) {
                ctl_log(NULL, _("No drive '%s'."), arg);
                if (list->n_drives > 0) {
                        fprintf(stderr, "%s\n", _("Drives:"));
                        print_drives(stderr, list);
                }
                return CTL_EXIT_NO_DRIVE;
        }
        *ret = d;
        return 0;
}
