/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "manager-dbus.h"

/* Runs the service until SIGTERM/SIGINT (exit 0) or the bus goes away (non-zero). */
int daemon_run(BusKind bus, const char *address);
