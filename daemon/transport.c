/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>

#include "transport.h"

bool transport_opcode_allowed(uint8_t opcode) {
        /* Read-only commands only: a burn may be running on this drive, and nothing we send may change
         * the medium, the drive's write parameters or the tray. This list is the kernel's "read-safe"
         * set (drivers/scsi/scsi_ioctl.c, scsi_cmd_allowed()) cut down to what a probe needs. */
        switch (opcode) {
        case MMC_TEST_UNIT_READY:
        case MMC_REQUEST_SENSE:
        case MMC_INQUIRY:
        case MMC_READ_CAPACITY:
        case MMC_READ_10:
        case MMC_READ_TOC:
        case MMC_GET_CONFIGURATION:
        case MMC_GET_EVENT_STATUS:
        case MMC_READ_DISC_INFORMATION:
        case MMC_READ_TRACK_INFORMATION:
        case MMC_MODE_SENSE_10:
        case MMC_READ_12: return true;
        default: return false;
        }
}

int transport_command(Transport *t, const uint8_t *cdb, size_t cdb_len, uint8_t *buf, size_t len,
                      size_t *ret_len, MmcSense *ret_sense) {
        size_t dummy_len;

        if (!t || !cdb || cdb_len == 0 || cdb_len > MMC_CDB_MAX || (len > 0 && !buf))
                return -EINVAL;
        if (!transport_opcode_allowed(cdb[0]))
                return -EPERM;

        if (!ret_len)
                ret_len = &dummy_len;
        *ret_len = 0;
        t->n_commands++;
        return t->ops->command(t, cdb, cdb_len, buf, len, ret_len, ret_sense);
}

void transport_free(Transport *t) {
        if (t && t->ops->free)
                t->ops->free(t);
}
