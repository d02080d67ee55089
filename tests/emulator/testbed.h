/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The umockdev side of fake-drive: a testbed with one emulated optical drive per node (sr0, sr1, …), each
 * a block device with its scsi_device parent, the sysfs attributes and udev properties the kernel and udev
 * would give it, and an ioctl handler (umockdev-handler.c) that answers SG_IO from an EmuDrive. Media
 * changes, hot-plug and unplug are shown the way the kernel shows them: diskseq, `change` uevents with
 * DISK_MEDIA_CHANGE=1, `add`/`remove` uevents.
 *
 * The process must run under libumockdev-preload (umockdev-harness.md pitfall 1).
 */

#include <stdint.h>

#include <glib.h>
#include <umockdev.h>

#include "command-log.h"
#include "drive.h"

typedef struct FakeNode {
        GMutex lock;    /* protects drive and diskseq: the handler reads them from umockdev's worker thread */
        unsigned index; /* N of srN: minor number, SCSI host and ATA port */
        char *name;     /* "sr0" */
        char *devnode;  /* "/dev/sr0" */
        char *syspath;  /* "/sys/devices/…/block/sr0" */
        char *parent_syspath;
        EmuDrive *drive;  /* never NULL once added; stays (gone) after remove */
        uint64_t diskseq;
        bool present;     /* in sysfs and /dev */
        UMockdevIoctlBase *handler; /* attached once, detached only at teardown */
        CommandLog *log;
        int store_fd;     /* the node file, where the drive keeps what is burned (drive-write.h); -1 */
} FakeNode;

/* A new reference to the node's drive. */
EmuDrive *fake_node_ref_drive(FakeNode *n);
uint64_t fake_node_get_diskseq(FakeNode *n);

typedef struct FakeBed FakeBed;

/* log is borrowed and must outlive the bed. */
FakeBed *fake_bed_new(CommandLog *log);
/* Adds srN with the identity and medium of disc (owned; NULL = empty drive with the default identity). A
 * node added while a child runs gets `add` uevents. */
gboolean fake_bed_add(FakeBed *b, unsigned index, EmuDisc *disc, GError **error);
/* Changes the medium of srN (disc owned; NULL ejects), with a diskseq increment and a change uevent.
 * announce (if non-NULL) goes to the command log once the new medium is visible, just before the uevent,
 * so every command logged after it saw the new state. */
gboolean fake_bed_insert(FakeBed *b, unsigned index, EmuDisc *disc, const char *announce, GError **error);
/* Unplugs srN: remove uevents, sysfs and /dev entries go; an fd still open gets DID_NO_CONNECT. announce
 * as for fake_bed_insert(), logged before the remove uevents. */
gboolean fake_bed_remove(FakeBed *b, unsigned index, const char *announce, GError **error);
/* Writes srN's medium as it is now (after any burns) to path as a .disc without expect lines. */
gboolean fake_bed_save(FakeBed *b, unsigned index, const char *path, GError **error);
/* Detaches every handler, then drops the testbed (its directory goes). Call after the child exited. */
void fake_bed_free(FakeBed *b);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(FakeBed, fake_bed_free)
