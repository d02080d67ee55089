/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <stdlib.h>

#include "drive-dbus.h"
#include "errors.h"
#include "inhibit.h"
#include "log.h"
#include "probe.h"

typedef enum WaiterKind {
        WAITER_REFRESH,
        WAITER_MSINFO,
        WAITER_INHIBIT,
} WaiterKind;

typedef struct Waiter {
        sd_bus_message *message;
        uint64_t generation;
        WaiterKind kind;
        int fd; /* WAITER_INHIBIT: the descriptor to hand out */
        struct Waiter *next;
} Waiter;

struct DriveBus {
        sd_event_source *defer;
        bool announced;
        PropertyValue *published;      /* what clients last saw, per drive_properties[] entry */
        uint64_t published_inhibitors; /* Inhibitors is a(ssu): compared by its change serial */
        Waiter *waiters;
};

/* ---- Errors ---- */

int bus_reply_errno(sd_bus_message *m, int r) {
        const MsdError *e = msd_error_from_errno(r);

        return sd_bus_reply_method_errorf(m, e->bus_name, "%s", e->text);
}

static int set_error(sd_bus_error *error, int r) {
        const MsdError *e = msd_error_from_errno(r);

        return sd_bus_error_set(error, e->bus_name, e->text);
}

/* The error a call gets when the drive has no usable state; 0 when it has. */
static int drive_state_error(const Drive *d) {
        switch (d->probe_state) {
        case PROBE_STATE_NO_MEDIUM: return -ENOMEDIUM;
        case PROBE_STATE_BECOMING_READY: return -EAGAIN;
        case PROBE_STATE_BUSY:
        case PROBE_STATE_INHIBITED: return -EBUSY;
        case PROBE_STATE_ERROR: return d->last_error < 0 ? d->last_error : -EIO;
        default: return d->inhibited ? -EBUSY : 0;
        }
}

/* ---- Properties ---- */

static int append_value(sd_bus_message *reply, const PropertyValue *x) {
        switch (x->type) {
        case 'b': {
                int b = x->b; /* sd-bus reads a 'b' as int */
                return sd_bus_message_append_basic(reply, 'b', &b);
        }
        case 'i': return sd_bus_message_append_basic(reply, 'i', &x->i);
        case 'u': return sd_bus_message_append_basic(reply, 'u', &x->u);
        case 'q': return sd_bus_message_append_basic(reply, 'q', &x->q);
        case 't': return sd_bus_message_append_basic(reply, 't', &x->t);
        default: return sd_bus_message_append_basic(reply, x->type, x->s);
        }
}

static int property_get(sd_bus *bus, const char *path, const char *interface, const char *property,
                        sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        ManagedDrive *md = userdata;
        const PropertyDef *p = drive_property_find(interface, property);
        PropertyValue x;
        DriveView v;

        if (!p)
                return -ENOENT;
        drive_view(md->drive, &v);
        drive_property_get(&v, p, &x);
        return append_value(reply, &x);
}

/* ---- Emission ---- */

static void emit(Manager *m, ManagedDrive *md) {
        static const char *const ifaces[] = { IFACE_SEQUENTIAL, IFACE_DRIVE, IFACE_RANDOM_WRITE };
        DriveBus *b = md->bus;
        DriveView v;
        int r;

        if (!b || !m->bus)
                return;
        drive_view(md->drive, &v);

        if (!b->announced) {
                for (unsigned i = 0; i < n_drive_properties; i++)
                        drive_property_get(&v, &drive_properties[i], &b->published[i]);
                b->published_inhibitors = md->drive->inhibitors_serial;
                r = sd_bus_emit_object_added(m->bus, md->drive->object_path);
                if (r < 0)
                        log_drive(LOG_WARNING, md->drive->info.name, r,
                                  "Failed to emit InterfacesAdded: %m");
                b->announced = true;
                return;
        }

        for (size_t k = 0; k < sizeof(ifaces) / sizeof(ifaces[0]); k++) {
                const char *names[n_drive_properties + 2];
                size_t n = 0;

                for (unsigned i = 0; i < n_drive_properties; i++) {
                        PropertyValue x;

                        if (!streq_ptr(drive_properties[i].interface, ifaces[k]))
                                continue;
                        drive_property_get(&v, &drive_properties[i], &x);
                        if (property_value_equal(&x, &b->published[i]))
                                continue;
                        b->published[i] = x;
                        names[n++] = drive_properties[i].name;
                }
                if (streq_ptr(ifaces[k], IFACE_DRIVE) &&
                    b->published_inhibitors != md->drive->inhibitors_serial) {
                        b->published_inhibitors = md->drive->inhibitors_serial;
                        names[n++] = "Inhibitors";
                }
                if (n == 0)
                        continue;
                names[n] = NULL;
                r = sd_bus_emit_properties_changed_strv(m->bus, md->drive->object_path, ifaces[k],
                                                        (char **) names);
                if (r < 0)
                        log_drive(LOG_WARNING, md->drive->info.name, r,
                                  "Failed to emit PropertiesChanged: %m");
        }
}

static int on_defer(sd_event_source *s, void *userdata) {
        ManagedDrive *md = userdata;

        (void) sd_event_source_set_enabled(s, SD_EVENT_OFF);
        emit(md->manager, md);
        return 0;
}

void drive_bus_changed(Manager *m, ManagedDrive *md) {
        if (md->bus && md->bus->defer)
                (void) sd_event_source_set_enabled(md->bus->defer, SD_EVENT_ONESHOT);
}

void drive_bus_flush(Manager *m, ManagedDrive *md) {
        if (md->bus && md->bus->defer)
                (void) sd_event_source_set_enabled(md->bus->defer, SD_EVENT_OFF);
        emit(m, md);
}

void drive_bus_removed(Manager *m, ManagedDrive *md) {
        int r;

        if (!md->bus || !md->bus->announced || !m->bus)
                return;
        r = sd_bus_emit_object_removed(m->bus, md->drive->object_path);
        if (r < 0)
                log_drive(LOG_WARNING, md->drive->info.name, r, "Failed to emit InterfacesRemoved: %m");
        md->bus->announced = false;
}

int drive_bus_new(Manager *m, ManagedDrive *md) {
        DriveBus *b;
        int r;

        b = calloc(1, sizeof(*b));
        if (!b)
                return -ENOMEM;
        b->published = calloc(n_drive_properties, sizeof(PropertyValue));
        if (!b->published) {
                free(b);
                return -ENOMEM;
        }
        /* Idle priority, as homed's deferred change: all changes of one loop iteration go out once. */
        r = sd_event_add_defer(m->event, &b->defer, on_defer, md);
        if (r >= 0)
                r = sd_event_source_set_priority(b->defer, SD_EVENT_PRIORITY_IDLE);
        if (r < 0) {
                sd_event_source_disable_unref(b->defer);
                free(b->published);
                free(b);
                return r;
        }
        md->bus = b;
        return 0;
}

void drive_bus_free(ManagedDrive *md) {
        DriveBus *b = md->bus;

        if (!b)
                return;
        while (b->waiters) {
                Waiter *w = b->waiters;

                b->waiters = w->next;
                (void) bus_reply_errno(w->message, -ENODEV);
                if (w->kind == WAITER_INHIBIT)
                        close(w->fd);
                sd_bus_message_unref(w->message);
                free(w);
        }
        sd_event_source_disable_unref(b->defer);
        free(b->published);
        free(b);
        md->bus = NULL;
}

/* ---- Methods ---- */

static int add_waiter(ManagedDrive *md, sd_bus_message *message, uint64_t generation, WaiterKind kind) {
        Waiter *w = calloc(1, sizeof(*w));

        if (!w || !md->bus) {
                free(w);
                return -ENOMEM;
        }
        *w = (Waiter){
                .message = sd_bus_message_ref(message), .generation = generation, .kind = kind, .fd = -1
        };
        w->next = md->bus->waiters;
        md->bus->waiters = w;
        return 1;
}

typedef struct IoCall IoCall;
struct IoCall {
        int (*op)(Transport *t, IoCall *c); /* the read, on the worker */
        Manager *manager;
        char *name;
        uint64_t instance;
        char *devnode;
        unsigned timeout_ms;
        sd_bus_message *message;
        int r;
        uint32_t iso_blocks;
        TrackEntry *tracks;
        size_t n_tracks;
};

static IoCall *io_call_new(Manager *m, ManagedDrive *md, sd_bus_message *message,
                           int (*op)(Transport *, IoCall *)) {
        IoCall *c = calloc(1, sizeof(*c));

        if (!c)
                return NULL;
        *c = (IoCall){
                .op = op,
                .manager = m,
                .name = strdup(md->drive->info.name),
                .instance = md->drive->instance,
                .devnode = strdup(md->drive->info.devnode),
                .timeout_ms = m->command_timeout_ms,
                .message = sd_bus_message_ref(message),
        };
        if (!c->name || !c->devnode) {
                free(c->name);
                free(c->devnode);
                sd_bus_message_unref(c->message);
                free(c);
                return NULL;
        }
        return c;
}

static void io_call_free(IoCall *c) {
        free(c->name);
        free(c->devnode);
        free(c->tracks);
        sd_bus_message_unref(c->message);
        free(c);
}

/* Runs on a worker: opens the node for this one read, like a probe does. */
static void io_call_work(void *userdata) {
        IoCall *c = userdata;
        _cleanup_(transport_freep) Transport *t = NULL;

        c->r = transport_sg_open(c->devnode, c->timeout_ms, &t);
        if (c->r >= 0)
                c->r = c->op(t, c);
}

/* On overwritable media the answer needs the ISO 9660 volume size at LBA 16: one READ(10), off the loop. */
static int msinfo_op(Transport *t, IoCall *c) {
        return probe_iso_volume_blocks(t, &c->iso_blocks);
}

static void msinfo_done(void *userdata, bool cancelled) {
        IoCall *c = userdata;
        ManagedDrive *md = cancelled ? NULL : manager_io_done(c->manager, c->name, c->instance);
        int32_t start, next;
        int r;

        if (!md)
                r = -ENODEV;
        else if (c->r == -ENOENT)
                r = multisession_msinfo(&md->drive->media, -1, &start, &next);
        else if (c->r < 0)
                r = c->r;
        else
                r = multisession_msinfo(&md->drive->media, c->iso_blocks, &start, &next);
        if (r < 0)
                (void) bus_reply_errno(c->message, r);
        else
                (void) sd_bus_reply_method_return(c->message, "ii", start, next);
        io_call_free(c);
}

static int reply_msinfo(Manager *m, ManagedDrive *md, sd_bus_message *message) {
        const Drive *d = md->drive;
        int32_t start, next;
        IoCall *c;
        int r;

        r = drive_state_error(d);
        if (r < 0)
                return bus_reply_errno(message, r);
        if (d->media.rw_in_use) {
                c = io_call_new(m, md, message, msinfo_op);
                if (!c)
                        return -ENOMEM;
                r = manager_submit_io(m, md, io_call_work, msinfo_done, c);
                if (r < 0)
                        io_call_free(c);
                return r < 0 ? r : 1;
        }
        r = multisession_msinfo(&d->media, -1, &start, &next);
        if (r < 0)
                return bus_reply_errno(message, r);
        return sd_bus_reply_method_return(message, "ii", start, next);
}

static int method_get_msinfo(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        ManagedDrive *md = userdata;

        /* While a probe runs, the published state may describe the previous medium: wait for it. */
        if (md->drive->probe_running)
                return add_waiter(md, message, md->drive->generation, WAITER_MSINFO);
        return reply_msinfo(md->manager, md, message);
}

static int method_refresh(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        ManagedDrive *md = userdata;
        uint64_t g;

        if (md->drive->inhibited)
                return set_error(error, -EBUSY);
        /* The answer comes from a probe that starts after this call; callers arriving together share it. */
        g = manager_request_probe(md->manager, md);
        return add_waiter(md, message, g, WAITER_REFRESH);
}

void drive_bus_complete_refresh(Manager *m, ManagedDrive *md, int r) {
        Waiter **p;

        if (!md->bus)
                return;
        p = &md->bus->waiters;
        while (*p) {
                Waiter *w = *p;

                if (w->kind == WAITER_INHIBIT ||
                    (w->generation > md->drive->done_generation && r != -ENODEV)) {
                        p = &w->next;
                        continue;
                }
                *p = w->next;
                if (w->kind == WAITER_MSINFO && r != -ENODEV)
                        (void) reply_msinfo(m, md, w->message);
                else if (r < 0 && r != -ENOMEDIUM)
                        (void) bus_reply_errno(w->message, r);
                else
                        (void) sd_bus_reply_method_return(w->message, NULL);
                sd_bus_message_unref(w->message);
                free(w);
        }
}

static int tracks_op(Transport *t, IoCall *c) {
        return probe_tracks(t, &c->tracks, &c->n_tracks);
}

static void tracks_done(void *userdata, bool cancelled) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        IoCall *c = userdata;
        int r = c->r;

        if (cancelled || !manager_io_done(c->manager, c->name, c->instance))
                r = -ENODEV;
        if (r >= 0)
                r = sd_bus_message_new_method_return(c->message, &reply);
        if (r >= 0)
                r = sd_bus_message_open_container(reply, 'a', "(uuiiibs)");
        for (size_t i = 0; r >= 0 && i < c->n_tracks; i++) {
                const TrackEntry *t = &c->tracks[i];

                r = sd_bus_message_append(reply, "(uuiiibs)", t->session, t->track, t->start, t->size,
                                          t->last_recorded, (int) t->is_data,
                                          track_state_to_string(t->state));
        }
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        if (r >= 0)
                r = sd_bus_send(NULL, reply, NULL);
        if (r < 0)
                (void) bus_reply_errno(c->message, r);
        io_call_free(c);
}

static int method_get_tracks(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        ManagedDrive *md = userdata;
        IoCall *c;
        int r;

        if (md->drive->inhibited)
                return set_error(error, -EBUSY);
        c = io_call_new(md->manager, md, message, tracks_op);
        if (!c)
                return -ENOMEM;
        r = manager_submit_io(md->manager, md, io_call_work, tracks_done, c);
        if (r < 0) {
                io_call_free(c);
                return r;
        }
        return 1;
}

int drive_bus_add_inhibit_waiter(ManagedDrive *md, sd_bus_message *message, int fd) {
        int r = add_waiter(md, message, 0, WAITER_INHIBIT);

        if (r < 0) {
                close(fd);
                return r;
        }
        md->bus->waiters->fd = fd;
        return 1;
}

void drive_bus_io_idle(Manager *m, ManagedDrive *md) {
        Waiter **p;

        if (!md->bus)
                return;
        p = &md->bus->waiters;
        while (*p) {
                Waiter *w = *p;

                if (w->kind != WAITER_INHIBIT) {
                        p = &w->next;
                        continue;
                }
                *p = w->next;
                (void) sd_bus_reply_method_return(w->message, "h", w->fd);
                close(w->fd);
                sd_bus_message_unref(w->message);
                free(w);
        }
}

/* ---- Registration ---- */

static int drive_object_find(sd_bus *bus, const char *path, const char *interface, void *userdata,
                             void **found, sd_bus_error *error) {
        ManagedDrive *md = manager_find_by_path(userdata, path);

        if (!md)
                return 0;
        *found = md;
        return 1;
}

static int drive_node_enumerator(sd_bus *bus, const char *path, void *userdata, char ***nodes,
                                 sd_bus_error *error) {
        Manager *m = userdata;
        char **l = calloc(m->n_drives + 1, sizeof(char *));

        if (!l)
                return -ENOMEM;
        for (size_t i = 0; i < m->n_drives; i++) {
                l[i] = strdup(m->drives[i]->drive->object_path);
                if (!l[i]) {
                        for (size_t k = 0; k < i; k++)
                                free(l[k]);
                        free(l);
                        return -ENOMEM;
                }
        }
        *nodes = l;
        return 1;
}

#define VTABLE_MAX 40

/* The vtables are built from the property table once, so a property is declared in one place only. */
static int build_vtable(sd_bus_vtable *vt, const char *interface) {
        size_t n = 0;

        vt[n++] = (sd_bus_vtable) SD_BUS_VTABLE_START(0);
        for (unsigned i = 0; i < n_drive_properties && n + 4 < VTABLE_MAX; i++) {
                const PropertyDef *p = &drive_properties[i];

                if (!streq_ptr(p->interface, interface))
                        continue;
                vt[n++] = (sd_bus_vtable) SD_BUS_PROPERTY(p->name, p->signature, property_get, 0,
                                                          p->is_const ? SD_BUS_VTABLE_PROPERTY_CONST
                                                                      : SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE);
        }
        if (streq_ptr(interface, IFACE_SEQUENTIAL))
                vt[n++] = (sd_bus_vtable) SD_BUS_METHOD_WITH_ARGS(
                        "GetMultisessionInfo", SD_BUS_NO_ARGS, SD_BUS_RESULT("i", start, "i", next),
                        method_get_msinfo, SD_BUS_VTABLE_UNPRIVILEGED);
        if (streq_ptr(interface, IFACE_DRIVE)) {
                vt[n++] =
                        (sd_bus_vtable) SD_BUS_METHOD_WITH_ARGS("Refresh", SD_BUS_NO_ARGS, SD_BUS_NO_RESULT,
                                                                method_refresh, SD_BUS_VTABLE_UNPRIVILEGED);
                vt[n++] = (sd_bus_vtable) SD_BUS_PROPERTY("Inhibitors", "a(ssu)", property_get_inhibitors, 0,
                                                          SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE);
                vt[n++] = (sd_bus_vtable) SD_BUS_METHOD_WITH_ARGS(
                        "GetTracks", SD_BUS_NO_ARGS, SD_BUS_RESULT("a(uuiiibs)", tracks), method_get_tracks,
                        SD_BUS_VTABLE_UNPRIVILEGED);
                vt[n++] = (sd_bus_vtable) SD_BUS_METHOD_WITH_ARGS("Inhibit", SD_BUS_ARGS("s", who, "s", why),
                                                                  SD_BUS_RESULT("h", fd), method_inhibit,
                                                                  SD_BUS_VTABLE_UNPRIVILEGED);
        }
        vt[n++] = (sd_bus_vtable) SD_BUS_VTABLE_END;
        return 0;
}

int drive_bus_register(Manager *m) {
        static sd_bus_vtable vtables[3][VTABLE_MAX];
        static const char *const ifaces[3] = { IFACE_SEQUENTIAL, IFACE_DRIVE, IFACE_RANDOM_WRITE };
        int r;

        for (size_t k = 0; k < 3; k++) {
                r = build_vtable(vtables[k], ifaces[k]);
                if (r < 0)
                        return r;
                r = sd_bus_add_fallback_vtable(m->bus, NULL, OBJECT_DRIVE_PREFIX, ifaces[k], vtables[k],
                                               drive_object_find, m);
                if (r < 0)
                        return log_error_errno(r, "Failed to register %s: %m", ifaces[k]);
        }
        r = sd_bus_add_node_enumerator(m->bus, NULL, OBJECT_DRIVE_PREFIX, drive_node_enumerator, m);
        if (r < 0)
                return log_error_errno(r, "Failed to register the drive enumerator: %m");
        return 0;
}
