/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "drive-info.h"
#include "macro.h"

void drive_info_done(DriveInfo *i) {
        free(i->name);
        free(i->devnode);
        free(i->syspath);
        free(i->vendor);
        free(i->product);
        free(i->revision);
        free(i->serial);
        free(i->path_id);
        free(i->id);
        *i = (DriveInfo){};
}

static int strdup_or_null(const char *s, char **ret) {
        if (!s) {
                *ret = NULL;
                return 0;
        }
        *ret = strdup(s);
        return *ret ? 0 : -ENOMEM;
}

int drive_info_copy(const DriveInfo *from, DriveInfo *to) {
        DriveInfo c = {
                .devnum = from->devnum,
                .diskseq = from->diskseq,
                .media_polling = from->media_polling,
        };

        if (strdup_or_null(from->name, &c.name) < 0 || strdup_or_null(from->devnode, &c.devnode) < 0 ||
            strdup_or_null(from->syspath, &c.syspath) < 0 || strdup_or_null(from->vendor, &c.vendor) < 0 ||
            strdup_or_null(from->product, &c.product) < 0 ||
            strdup_or_null(from->revision, &c.revision) < 0 || strdup_or_null(from->serial, &c.serial) < 0 ||
            strdup_or_null(from->path_id, &c.path_id) < 0 || strdup_or_null(from->id, &c.id) < 0) {
                drive_info_done(&c);
                return -ENOMEM;
        }
        *to = c;
        return 0;
}

static void append_part(char *buf, size_t size, const char *part) {
        size_t l = strlen(buf);

        if (!part || !*part)
                return;
        if (l > 0 && l + 1 < size)
                buf[l++] = '-';
        for (const char *p = part; *p && l + 1 < size; p++)
                buf[l++] = isspace((unsigned char) *p) ? '_' : *p;
        buf[l] = 0;
}

int drive_info_make_id(DriveInfo *i) {
        char buf[256] = "";

        /* udisks' Drive.Id: vendor, model and serial, so the same drive keeps its Id across replug and
         * across machines; without a serial, the bus path keeps it stable on this machine. */
        append_part(buf, sizeof(buf), i->vendor);
        append_part(buf, sizeof(buf), i->product);
        if (i->serial && *i->serial)
                append_part(buf, sizeof(buf), i->serial);
        else if (i->path_id && *i->path_id)
                append_part(buf, sizeof(buf), i->path_id);
        else
                append_part(buf, sizeof(buf), i->name);

        free(i->id);
        i->id = strdup(buf);
        return i->id ? 0 : -ENOMEM;
}
