/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The root object: ObjectManager and org.example.MultisessionSequential.Manager; and LogControl1. */

#include "manager.h"

#define BUS_NAME "org.example.MultisessionSequential"

typedef enum BusKind {
        BUS_SYSTEM,
        BUS_SESSION,
        BUS_ADDRESS,
} BusKind;

int manager_connect_bus(Manager *m, BusKind kind, const char *address);
/* Registers every object, then requests the name. */
int manager_dbus_register(Manager *m);
int manager_dbus_request_name(Manager *m);
/* Manager.Drives changed: one deferred PropertiesChanged. */
void manager_dbus_drives_changed(Manager *m);
