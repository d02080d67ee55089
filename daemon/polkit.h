/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Asking polkit whether the sender of a call may perform an action, without blocking the loop
 * (org.freedesktop.PolicyKit1.Authority.CheckAuthorization with a system-bus-name subject). Root is
 * always allowed and polkit is not asked; without a polkit daemon on the bus, nobody else is.
 */

#include <stdbool.h>
#include <systemd/sd-bus.h>

/* allowed: the answer; r < 0 when polkit could not be asked (then allowed is false). */
typedef void (*polkit_done_fn)(void *userdata, bool allowed, int r);

/* Returns 1 if the caller is root (done is not called), 0 if the question went to polkit (done will be
 * called exactly once, from the event loop), or a negative errno (done is not called). */
int polkit_check(sd_bus_message *call, const char *action, polkit_done_fn done, void *userdata);
