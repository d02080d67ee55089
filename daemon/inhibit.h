/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Burn coordination (design.md §2.3): Inhibit() hands out the write end of a pipe and keeps the read end.
 * The inhibition lasts until every copy of the write end is closed — by the holder, or by the kernel when
 * the holder dies — which the read end sees as a hang-up. No command reaches the drive meanwhile.
 */

#include <sys/types.h>

#include "manager.h"

typedef struct Inhibitor {
        char *who;
        char *why;
        uid_t uid;
        int fd; /* our read end */
        sd_event_source *source;
        ManagedDrive *md;
        struct Inhibitor *next;
} Inhibitor;

/* Adds an inhibitor; *ret_fd is the write end for the caller (close it after sending). */
int inhibit_add(Manager *m, ManagedDrive *md, const char *who, const char *why, uid_t uid, int *ret_fd);
/* Drops every inhibitor of a drive (it is going away). */
void inhibit_free_all(ManagedDrive *md);

/* The D-Bus method, registered on the Drive interface. */
int method_inhibit(sd_bus_message *message, void *userdata, sd_bus_error *error);
/* Inhibitors a(ssu). */
int property_get_inhibitors(sd_bus *bus, const char *path, const char *interface, const char *property,
                            sd_bus_message *reply, void *userdata, sd_bus_error *error);
