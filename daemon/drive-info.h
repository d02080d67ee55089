/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* What udev and sysfs say about a drive: its identity, not its medium. Filled by udev-monitor.c. */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct DriveInfo {
        char *name;    /* kernel name: "sr0" */
        char *devnode; /* "/dev/sr0" */
        dev_t devnum;
        char *syspath;
        char *vendor;
        char *product;
        char *revision;
        char *serial;  /* ID_SERIAL_SHORT, may be NULL */
        char *path_id; /* ID_PATH, may be NULL */
        char *id;      /* stable across replug: vendor-product-serial, else vendor-product-path */
        uint64_t diskseq;
        bool media_polling; /* kernel polls for media changes (sysfs events_poll_msecs != 0) */
} DriveInfo;

void drive_info_done(DriveInfo *i);
int drive_info_copy(const DriveInfo *from, DriveInfo *to);
/* Sets i->id from the other fields, udisks-style: spaces become '_', parts joined by '-'. */
int drive_info_make_id(DriveInfo *i);

/* For the one-shot probe: everything about the block device node from udev's and sysfs' view. */
int drive_info_from_devnode(const char *devnode, DriveInfo *ret);
