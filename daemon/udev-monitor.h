/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The only place that speaks libudev (design.md §3). It subscribes to the "udev" netlink source first and
 * enumerates afterwards, so no drive that appears in between is missed (upower's "emulate hotplug for
 * existing devices"), and turns uevents into three callbacks. Spurious change events — eject requests,
 * `udevadm trigger`, property updates without a new medium — are dropped here, as udisks drops them.
 */

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-event.h>

#include "drive-info.h"

typedef struct DeviceWatch DeviceWatch;

typedef struct DeviceWatchCallbacks {
        void (*added)(void *userdata, const DriveInfo *info);
        void (*removed)(void *userdata, const char *name);
        /* A change event: media_change when it carried DISK_MEDIA_CHANGE=1; diskseq is the event's
         * DISKSEQ or 0. The receiver decides whether a new diskseq alone counts. */
        void (*changed)(void *userdata, const char *name, uint64_t diskseq, bool media_change);
        /* The kernel dropped events (receive buffer overrun): every drive must be looked at again.
         * Called after the watch has re-enumerated and called added() for each drive it found. */
        void (*resynced)(void *userdata, char **present_names);
} DeviceWatchCallbacks;

/* Subscribes, then enumerates the optical drives (ID_CDROM=1) and calls added() for each. */
int device_watch_new(sd_event *event, const DeviceWatchCallbacks *cb, void *userdata, DeviceWatch **ret);
DeviceWatch *device_watch_free(DeviceWatch *w);
/* Re-enumerates (what an overflow leads to). */
int device_watch_resync(DeviceWatch *w);

/* Fault injection (fault.c): lose the next n events as an overrun would; act as if the kernel had just
 * reported ENOBUFS. */
void device_watch_inject_drop(DeviceWatch *w, unsigned n);
void device_watch_inject_overflow(DeviceWatch *w);
