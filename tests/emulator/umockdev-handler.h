/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "testbed.h"

/* A handle-ioctl handler for one node: SG_IO goes to the node's EmuDrive; CDROM_GET_CAPABILITY,
 * CDROM_DRIVE_STATUS, SG_GET_VERSION_NUM, SCSI_IOCTL_GET_IDLUN, SCSI_IOCTL_GET_BUS_NUMBER and BLKGETDISKSEQ
 * are answered like the sr driver; everything else fails ENOTTY. Each ioctl is completed exactly once. */
UMockdevIoctlBase *fake_node_handler_new(FakeNode *node);
