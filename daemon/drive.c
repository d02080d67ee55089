/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <systemd/sd-bus.h>

#include "drive.h"
#include "errors.h"
#include "macro.h"

/* Becoming ready: a disc spins up within seconds. Busy: a burn may take most of an hour, but its end
 * also shows as a close-after-write or an Inhibit release, which probe at once. */
#define RETRY_FIRST_USEC         500000ULL
#define RETRY_MAX_USEC           30000000ULL
#define RETRY_MAX_BECOMING_READY 12  /* ≈ 2 minutes */
#define RETRY_MAX_BUSY           120 /* ≈ 1 hour */

static const char *const probe_state_table[_PROBE_STATE_MAX] = {
        [PROBE_STATE_IDLE] = "idle",           [PROBE_STATE_PROBING] = "probing",
        [PROBE_STATE_NO_MEDIUM] = "no-medium", [PROBE_STATE_BECOMING_READY] = "becoming-ready",
        [PROBE_STATE_BUSY] = "busy",           [PROBE_STATE_INHIBITED] = "inhibited",
        [PROBE_STATE_ERROR] = "error",
};

const char *probe_state_to_string(ProbeState s) {
        return s >= 0 && s < _PROBE_STATE_MAX ? probe_state_table[s] : NULL;
}

int drive_new(const DriveInfo *info, uint64_t instance, Drive **ret) {
        Drive *d;
        int r;

        d = calloc(1, sizeof(*d));
        if (!d)
                return -ENOMEM;
        r = drive_info_copy(info, &d->info);
        if (r < 0) {
                free(d);
                return r;
        }
        r = sd_bus_path_encode(OBJECT_DRIVE_PREFIX, info->name, &d->object_path);
        if (r < 0) {
                drive_free(d);
                return r;
        }
        d->instance = instance;
        media_state_init_empty(&d->media);
        d->probe_state = PROBE_STATE_PROBING; /* the coldplug/add probe follows at once */
        *ret = d;
        return 0;
}

Drive *drive_free(Drive *d) {
        if (!d)
                return NULL;
        drive_info_done(&d->info);
        free(d->object_path);
        free(d);
        return NULL;
}

uint64_t drive_request(Drive *d) {
        return ++d->generation;
}

bool drive_media_changed(Drive *d, uint64_t diskseq) {
        if (diskseq != 0)
                d->info.diskseq = diskseq;
        d->retries = 0;
        drive_request(d);
        return drive_probe_wanted(d);
}

bool drive_probe_wanted(const Drive *d) {
        return !d->probe_running && !d->inhibited && d->generation > d->done_generation;
}

void drive_probe_started(Drive *d) {
        d->probe_running = true;
        d->running_generation = d->generation;
        d->running_diskseq = d->info.diskseq;
        d->probe_state = PROBE_STATE_PROBING;
}

ProbeVerdict drive_probe_finished(Drive *d, uint64_t diskseq, int r, const MediaState *m,
                                  uint64_t now_usec) {
        d->probe_running = false;
        if (diskseq != d->info.diskseq)
                /* A media change arrived while we probed; its own request is pending. */
                return PROBE_VERDICT_STALE;

        d->done_generation = d->running_generation;
        if (r >= 0) {
                d->media = *m;
                d->last_error = 0;
                d->retries = 0;
                d->probe_state = m->media_present ? PROBE_STATE_IDLE : PROBE_STATE_NO_MEDIUM;
                /* A new medium — another diskseq, or the first good probe of this one — is detected now;
                 * a Refresh of the same medium keeps its time. */
                if (!m->media_present)
                        d->time_media_detected = 0;
                else if (d->time_media_detected == 0 || d->time_media_diskseq != diskseq) {
                        d->time_media_detected = now_usec;
                        d->time_media_diskseq = diskseq;
                }
                return PROBE_VERDICT_APPLIED;
        }

        /* Whatever was published describes a medium we can no longer vouch for. */
        media_state_init_empty(&d->media);
        d->time_media_detected = 0;
        d->last_error = r;
        if (r == -EAGAIN || r == -EBUSY) {
                d->probe_state = r == -EAGAIN ? PROBE_STATE_BECOMING_READY : PROBE_STATE_BUSY;
                d->retries++;
                if (drive_retry_delay_usec(d) > 0)
                        return PROBE_VERDICT_RETRY;
                return PROBE_VERDICT_FAILED;
        }
        d->probe_state = PROBE_STATE_ERROR;
        return PROBE_VERDICT_FAILED;
}

uint64_t drive_retry_delay_usec(const Drive *d) {
        unsigned max = d->probe_state == PROBE_STATE_BUSY ? RETRY_MAX_BUSY : RETRY_MAX_BECOMING_READY;
        uint64_t delay = RETRY_FIRST_USEC;

        if (d->retries == 0 || d->retries > max)
                return 0;
        for (unsigned i = 1; i < d->retries && delay < RETRY_MAX_USEC; i++)
                delay *= 2;
        return MIN(delay, RETRY_MAX_USEC);
}

void drive_view(const Drive *d, DriveView *ret) {
        /* The full D-Bus error name (design.md §2.4), a static string. */
        const char *last_error = d->last_error < 0 ? msd_error_from_errno(d->last_error)->bus_name : "";

        *ret = (DriveView){
                .info = &d->info,
                .media = &d->media,
                .object_path = d->object_path,
                .probe_state = probe_state_to_string(d->inhibited ? PROBE_STATE_INHIBITED : d->probe_state),
                .last_error = last_error,
                .time_media_detected = d->time_media_detected,
                .inhibited = d->inhibited,
        };
}
