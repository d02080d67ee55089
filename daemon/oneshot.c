/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <libgen.h>
#include <systemd/sd-bus.h>
#include <time.h>

#include "errors.h"
#include "i18n.h"
#include "macro.h"
#include "oneshot.h"
#include "probe.h"
#include "report.h"

/* A disc spinning up answers "becoming ready" for a few seconds; a person running --probe right after
 * closing the tray wants the answer, not that error. */
#define BECOMING_READY_TRIES   40
#define BECOMING_READY_WAIT_MS 250

static int fail(const char *devnode, int r) {
        const MsdError *e = msd_error_from_errno(r);

        fprintf(stderr, "multisessiond: %s: %s: %s (%s)\n", devnode, e->bus_name, _(e->text),
                strerror(abs(r)));
        return 1;
}

/* Without udev (a plain container, a node made by hand): the kernel name and INQUIRY's identity. */
static int info_fallback(const char *devnode, Transport *t, DriveInfo *info) {
        _cleanup_free_ char *copy = strdup(devnode);
        MmcInquiry inq;

        if (!copy)
                return -ENOMEM;
        *info = (DriveInfo){
                .name = strdup(basename(copy)),
                .devnode = strdup(devnode),
                .syspath = strdup(""),
        };
        if (probe_inquiry(t, &inq) >= 0) {
                info->vendor = strdup(inq.vendor);
                info->product = strdup(inq.product);
                info->revision = strdup(inq.revision);
        }
        if (!info->name || !info->devnode || !info->syspath)
                return -ENOMEM;
        return drive_info_make_id(info);
}

int oneshot_probe(const char *devnode, bool json, unsigned timeout_ms) {
        _cleanup_(transport_freep) Transport *t = NULL;
        _cleanup_free_ TrackEntry *tracks = NULL;
        _cleanup_free_ char *path = NULL;
        DriveInfo info = {};
        MediaState media;
        size_t n_tracks = 0;
        int r;

        r = transport_sg_open(devnode, timeout_ms, &t);
        if (r < 0)
                return fail(devnode, r);

        if (drive_info_from_devnode(devnode, &info) < 0) {
                r = info_fallback(devnode, t, &info);
                if (r < 0)
                        return fail(devnode, r);
        }

        for (unsigned i = 0;; i++) {
                r = probe_media(t, NULL, &media);
                if (r != -EAGAIN || i + 1 >= BECOMING_READY_TRIES)
                        break;
                nanosleep(&(struct timespec){ .tv_nsec = BECOMING_READY_WAIT_MS * 1000000L }, NULL);
        }
        if (r >= 0 && media.media_present) {
                r = probe_tracks(t, &tracks, &n_tracks);
                if (r == -ENOMEDIUM) /* ejected between the two reads */
                        r = probe_media(t, NULL, &media);
        }
        /* The fd is held only while probing. */
        transport_free(TAKE_PTR(t));
        if (r < 0) {
                r = fail(devnode, r);
                drive_info_done(&info);
                return r;
        }

        r = sd_bus_path_encode(OBJECT_DRIVE_PREFIX, info.name, &path);
        if (r < 0) {
                drive_info_done(&info);
                return fail(devnode, r);
        }

        DriveView v = {
                .info = &info,
                .media = &media,
                .object_path = path,
                .probe_state = media.media_present ? "idle" : "no-medium",
                .last_error = "",
                .time_media_detected = media.media_present ? now_realtime_usec() : 0,
        };
        if (json)
                report_json(stdout, &v, tracks, n_tracks);
        else
                report_text(stdout, &v, tracks, n_tracks);
        drive_info_done(&info);
        return fflush(stdout) == 0 ? 0 : 1;
}
