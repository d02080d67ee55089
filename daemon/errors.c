/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "i18n.h"

/* HRESULTs from imapi2error.h (mmc-multisession.md §1.6). EROFS stands for "the medium cannot take a new
 * session in its current state" (blank, closed, incomplete, damaged): a write would be refused. */
const MsdError msd_errors[] = {
        { "NoMedium", MSD_ERROR_PREFIX "NoMedium", ENOMEDIUM, 0xC0AA0202, N_("No medium in the drive") },
        { "BecomingReady", MSD_ERROR_PREFIX "BecomingReady", EAGAIN, 0xC0AA0205,
          N_("The medium is becoming ready") },
        { "Busy", MSD_ERROR_PREFIX "Busy", EBUSY, 0xC0AA0207,
          N_("The drive is busy (a write or format is in progress)") },
        { "Timeout", MSD_ERROR_PREFIX "Timeout", ETIMEDOUT, 0xC0AA020D,
          N_("The drive did not answer in time") },
        { "InvalidMediaState", MSD_ERROR_PREFIX "InvalidMediaState", EROFS, 0xC0AA0402,
          N_("The medium cannot take a new session in its current state") },
        { "MediaIncompatible", MSD_ERROR_PREFIX "MediaIncompatible", EMEDIUMTYPE, 0xC0AA0203,
          N_("The medium is not a multisession medium") },
        { "InvalidResponse", MSD_ERROR_PREFIX "InvalidResponse", EBADMSG, 0xC0AA02FF,
          N_("The drive sent a malformed or contradicting reply") },
        { "DeviceGone", MSD_ERROR_PREFIX "DeviceGone", ENODEV, 0x80070037, N_("The drive is gone") },
        { "NotAuthorized", MSD_ERROR_PREFIX "NotAuthorized", EACCES, 0x80070005, N_("Not authorized") },
        { "Failed", MSD_ERROR_PREFIX "Failed", EIO, 0x80004005, N_("The operation failed") },
        {},
};

const MsdError *msd_error_from_errno(int r) {
        const MsdError *failed = NULL;

        r = abs(r);
        if (r == ENXIO || r == ENOENT)
                r = ENODEV;
        for (const MsdError *e = msd_errors; e->name; e++) {
                if (e->errnum == r)
                        return e;
                if (e->errnum == EIO)
                        failed = e;
        }
        return failed;
}

const MsdError *msd_error_from_name(const char *name) {
        if (!name)
                return NULL;
        for (const MsdError *e = msd_errors; e->name; e++)
                if (strcmp(e->name, name) == 0)
                        return e;
        return NULL;
}
