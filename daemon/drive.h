/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * One drive's state and its transitions. No I/O and no bus here: the manager feeds events and probe
 * results in, drive-dbus.c publishes what comes out.
 *
 * Freshness is tracked with two counters. `generation` counts requests for fresh data (a media change,
 * a Refresh call); a probe takes the generation current when it starts, and a Refresh that arrived at
 * generation G is answered by the first probe that started at G or later, never by an older one.
 * `diskseq` is the kernel's media generation: a result probed under an older diskseq describes a medium
 * that is gone and is dropped.
 */

#include <stdbool.h>
#include <stdint.h>

#include "drive-info.h"
#include "multisession.h"
#include "properties.h"

typedef enum ProbeState {
        PROBE_STATE_IDLE,
        PROBE_STATE_PROBING,
        PROBE_STATE_NO_MEDIUM,
        PROBE_STATE_BECOMING_READY,
        PROBE_STATE_BUSY,
        PROBE_STATE_INHIBITED,
        PROBE_STATE_ERROR,
        _PROBE_STATE_MAX,
} ProbeState;

const char *probe_state_to_string(ProbeState s);

typedef struct Drive {
        DriveInfo info;
        char *object_path;
        uint64_t instance; /* unique per add: a result for a drive removed and re-added is dropped */

        MediaState media;
        ProbeState probe_state;
        int last_error; /* negative errno of the last failed probe, 0 after a good one */
        uint64_t time_media_detected;
        uint64_t time_media_diskseq; /* the medium (diskseq) time_media_detected belongs to */
        bool inhibited;
        uint64_t inhibitors_serial; /* bumped on every Inhibitors change, to publish it */

        uint64_t generation; /* requests for fresh data so far */
        bool probe_running;
        uint64_t running_generation; /* generation the running probe started at */
        uint64_t running_diskseq;
        uint64_t done_generation; /* newest generation a finished probe has answered */
        unsigned retries;         /* consecutive becoming-ready / busy results */
} Drive;

int drive_new(const DriveInfo *info, uint64_t instance, Drive **ret);
Drive *drive_free(Drive *d);

/* A media change: the kernel bumped diskseq (0: the event carried none). Returns true if a probe is
 * wanted now. */
bool drive_media_changed(Drive *d, uint64_t diskseq);
/* Someone wants fresh data (Refresh, a retry timer, coldplug). Returns the generation that will answer. */
uint64_t drive_request(Drive *d);
/* Whether a probe should start now: a request newer than the last answered one and none running. */
bool drive_probe_wanted(const Drive *d);
void drive_probe_started(Drive *d);

typedef enum ProbeVerdict {
        PROBE_VERDICT_APPLIED, /* published; nothing more to do */
        PROBE_VERDICT_STALE,   /* the medium changed meanwhile: result dropped, probe again */
        PROBE_VERDICT_RETRY,   /* becoming ready or busy: probe again after retry_delay_usec */
        PROBE_VERDICT_FAILED,  /* error published */
} ProbeVerdict;

/* Applies a finished probe's result (r < 0: its error). */
ProbeVerdict drive_probe_finished(Drive *d, uint64_t diskseq, int r, const MediaState *m, uint64_t now_usec);
/* Back-off for the next retry: 0.5 s doubling to 30 s. 0 when retrying should stop. */
uint64_t drive_retry_delay_usec(const Drive *d);

/* The view for properties.c. */
void drive_view(const Drive *d, DriveView *ret);
