/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * A small fault-injection seam for the failures the emulated drive cannot produce: open() of the node
 * failing (EBUSY while another program opens it exclusively, ENODEV…), and udev events lost to a receive
 * buffer overrun (ENOBUFS). Only with MULTISESSIOND_FAULT_INJECTION=1 in the environment does the daemon
 * register org.example.MultisessionSequential.FaultInjection on its root object; otherwise none of this
 * is reachable.
 */

#include "manager.h"

/* Called by transport_sg_open() before open(): 0, or the errno to fail with. Thread-safe. */
int fault_open_check(void);

int fault_register(Manager *m);
