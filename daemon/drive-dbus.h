/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Drive objects on the bus: /org/example/MultisessionSequential/drive/<name> with the Sequential, Drive
 * and RandomWrite interfaces. Changes are coalesced the way homed does it: a state change arms one
 * deferred event source; when it runs, the current values are compared with what clients last saw and one
 * PropertiesChanged per interface names exactly the properties that differ. The first emission is
 * InterfacesAdded, so no PropertiesChanged ever precedes it.
 */

#include "manager.h"

int drive_bus_register(Manager *m);

int drive_bus_new(Manager *m, ManagedDrive *md);
/* Answers every waiting call with DeviceGone and frees the bus state. */
void drive_bus_free(ManagedDrive *md);

/* Something changed: emit soon (coalesced). */
void drive_bus_changed(Manager *m, ManagedDrive *md);
/* Emit now whatever differs from what was published. */
void drive_bus_flush(Manager *m, ManagedDrive *md);
/* InterfacesRemoved, if the object was announced. */
void drive_bus_removed(Manager *m, ManagedDrive *md);
/* A probe finished with r: answer the Refresh and GetMultisessionInfo calls it satisfies. */
void drive_bus_complete_refresh(Manager *m, ManagedDrive *md, int r);

/* Inhibit() answered once the drive's in-flight I/O is done: fd is sent then (and closed). */
int drive_bus_add_inhibit_waiter(ManagedDrive *md, sd_bus_message *message, int fd);
/* No job for the drive is running any more. */
void drive_bus_io_idle(Manager *m, ManagedDrive *md);

/* Replies to a call with the error of design.md §2.4 that r maps to. */
int bus_reply_errno(sd_bus_message *m, int r);
