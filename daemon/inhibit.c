/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "drive-dbus.h"
#include "errors.h"
#include "inhibit.h"
#include "log.h"
#include "polkit.h"

#define INHIBIT_ACTION   "org.example.multisessionsequential.inhibit"
#define INHIBIT_TEXT_MAX 256

static Inhibitor *inhibitor_free(Inhibitor *i) {
        if (!i)
                return NULL;
        sd_event_source_disable_unref(i->source);
        if (i->fd >= 0)
                close(i->fd);
        free(i->who);
        free(i->why);
        free(i);
        return NULL;
}

static void release(Manager *m, ManagedDrive *md, Inhibitor *i) {
        Inhibitor **p;

        for (p = &md->inhibitors; *p && *p != i; p = &(*p)->next)
                ;
        if (!*p)
                return;
        *p = i->next;
        log_drive(LOG_INFO, md->drive->info.name, 0, "Inhibitor released: %s (%s)", i->who, i->why);
        inhibitor_free(i);
        md->drive->inhibitors_serial++;

        if (!md->inhibitors) {
                /* The burn is over; it likely changed the medium without a uevent. Look now. */
                md->drive->inhibited = false;
                manager_request_probe(m, md);
        }
        drive_bus_changed(m, md);
}

static int on_hangup(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        Inhibitor *i = userdata;

        /* Only hang-up matters: nobody is supposed to write to the pipe, and data would not make the
         * inhibition any shorter or longer. */
        if (revents & (EPOLLHUP | EPOLLERR))
                release(i->md->manager, i->md, i);
        else {
                char buf[64];

                (void) !read(fd, buf, sizeof(buf));
        }
        return 0;
}

int inhibit_add(Manager *m, ManagedDrive *md, const char *who, const char *why, uid_t uid, int *ret_fd) {
        Inhibitor *i, **tail;
        int p[2], r;

        if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0)
                return negative_errno();
        i = calloc(1, sizeof(*i));
        if (!i) {
                close(p[0]);
                close(p[1]);
                return -ENOMEM;
        }
        *i = (Inhibitor){ .who = strdup(who), .why = strdup(why), .uid = uid, .fd = p[0], .md = md };
        r = !i->who || !i->why ? -ENOMEM
                               : sd_event_add_io(m->event, &i->source, p[0], EPOLLIN, on_hangup, i);
        if (r < 0) {
                inhibitor_free(i);
                close(p[1]);
                return r;
        }

        for (tail = &md->inhibitors; *tail; tail = &(*tail)->next)
                ;
        *tail = i;
        md->drive->inhibited = true;
        md->drive->inhibitors_serial++;
        md->retry_timer = sd_event_source_disable_unref(md->retry_timer);
        log_drive(LOG_INFO, md->drive->info.name, 0, "Inhibited by %s (uid %u): %s", who, (unsigned) uid,
                  why);
        drive_bus_changed(m, md);
        *ret_fd = p[1];
        return 0;
}

void inhibit_free_all(ManagedDrive *md) {
        while (md->inhibitors) {
                Inhibitor *i = md->inhibitors;

                md->inhibitors = i->next;
                inhibitor_free(i);
        }
}

typedef struct InhibitCall {
        Manager *manager;
        sd_bus_message *message;
        char *name;
        uint64_t instance;
        char *who;
        char *why;
        uid_t uid;
} InhibitCall;

static void inhibit_call_free(InhibitCall *c) {
        sd_bus_message_unref(c->message);
        free(c->name);
        free(c->who);
        free(c->why);
        free(c);
}

static int grant(Manager *m, ManagedDrive *md, sd_bus_message *message, const char *who, const char *why,
                 uid_t uid) {
        int fd, r;

        r = inhibit_add(m, md, who, why, uid, &fd);
        if (r < 0)
                return bus_reply_errno(message, r);
        /* A probe or track read already on its way to the drive finishes first: once the caller has the
         * descriptor, nothing more reaches the drive. */
        if (md->io_in_flight > 0)
                return drive_bus_add_inhibit_waiter(md, message, fd);
        r = sd_bus_reply_method_return(message, "h", fd);
        close(fd);
        return r;
}

static void on_authorized(void *userdata, bool allowed, int error) {
        InhibitCall *c = userdata;
        ManagedDrive *md = manager_find(c->manager, c->name);

        if (!md || md->drive->instance != c->instance)
                (void) bus_reply_errno(c->message, -ENODEV);
        else if (!allowed)
                (void) bus_reply_errno(c->message, -EACCES);
        else
                (void) grant(c->manager, md, c->message, c->who, c->why, c->uid);
        inhibit_call_free(c);
}

static bool text_valid(const char *s) {
        if (strlen(s) > INHIBIT_TEXT_MAX)
                return false;
        for (const unsigned char *p = (const unsigned char *) s; *p; p++)
                if (*p < 0x20 || *p == 0x7f)
                        return false;
        return true;
}

int method_inhibit(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_creds_unrefp) sd_bus_creds *creds = NULL;
        ManagedDrive *md = userdata;
        const char *who, *why;
        InhibitCall *c;
        uid_t uid;
        int r;

        r = sd_bus_message_read(message, "ss", &who, &why);
        if (r < 0)
                return r;
        if (!text_valid(who) || !text_valid(why) || !*who)
                return sd_bus_error_setf(
                        error, SD_BUS_ERROR_INVALID_ARGS,
                        "who must be non-empty; who and why at most %d printable characters",
                        INHIBIT_TEXT_MAX);
        r = sd_bus_query_sender_creds(message, SD_BUS_CREDS_EUID, &creds);
        if (r >= 0)
                r = sd_bus_creds_get_euid(creds, &uid);
        if (r < 0)
                return r;

        c = calloc(1, sizeof(*c));
        if (!c)
                return -ENOMEM;
        *c = (InhibitCall){
                .manager = md->manager,
                .message = sd_bus_message_ref(message),
                .name = strdup(md->drive->info.name),
                .instance = md->drive->instance,
                .who = strdup(who),
                .why = strdup(why),
                .uid = uid,
        };
        if (!c->name || !c->who || !c->why) {
                inhibit_call_free(c);
                return -ENOMEM;
        }

        r = polkit_check(message, INHIBIT_ACTION, on_authorized, c);
        if (r == 0)
                return 1; /* on_authorized() answers */
        if (r > 0)
                r = grant(md->manager, md, message, who, why, uid);
        inhibit_call_free(c);
        return r < 0 ? r : 1;
}

int property_get_inhibitors(sd_bus *bus, const char *path, const char *interface, const char *property,
                            sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        ManagedDrive *md = userdata;
        int r;

        r = sd_bus_message_open_container(reply, 'a', "(ssu)");
        for (Inhibitor *i = md->inhibitors; r >= 0 && i; i = i->next)
                r = sd_bus_message_append(reply, "(ssu)", i->who, i->why, (uint32_t) i->uid);
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        return r;
}
