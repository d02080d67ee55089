/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Wires udev events, drive state, probe jobs and the bus together. */

#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include "drive.h"
#include "udev-monitor.h"
#include "worker.h"

typedef struct DriveBus DriveBus;
typedef struct Manager Manager;

typedef struct ManagedDrive {
        Manager *manager;
        Drive *drive;
        DriveBus *bus;
        sd_event_source *retry_timer;
        struct Inhibitor *inhibitors;    /* inhibit.c */
        sd_event_source *close_watch[2]; /* IN_CLOSE_WRITE on the sr node and its sg node */
        sd_event_source *close_debounce; /* one probe for a burst of closes */
        unsigned io_in_flight;           /* jobs on worker threads that may send commands to this drive */
} ManagedDrive;

struct Manager {
        sd_event *event;
        sd_bus *bus;
        DeviceWatch *watch;
        WorkerPool *workers;
        unsigned command_timeout_ms;

        ManagedDrive **drives; /* stable addresses: timers and bus slots point at them */
        size_t n_drives;
        uint64_t next_instance;

        sd_event_source *drives_changed; /* deferred Manager.Drives emission */
        unsigned probes_run;             /* for the status line and the benchmarks */
};

int manager_new(sd_event *event, Manager **ret);
Manager *manager_free(Manager *m);

/* Subscribes to udev and adds the drives present. Call after the bus objects are registered. */
int manager_start(Manager *m);

ManagedDrive *manager_find(Manager *m, const char *name);
ManagedDrive *manager_find_by_path(Manager *m, const char *path);

/* Asks for fresh data; starts a probe if none runs. Returns the generation that will answer. */
uint64_t manager_request_probe(Manager *m, ManagedDrive *md);

/* Runs blocking drive I/O for md off the event loop; every such job's done() calls manager_io_done(). */
int manager_submit_io(Manager *m, ManagedDrive *md, worker_fn work, worker_done_fn done, void *userdata);
/* The job that was submitted for the drive called name (instance) finished; returns the drive if it is
 * still the same one. */
ManagedDrive *manager_io_done(Manager *m, const char *name, uint64_t instance);

void manager_update_status(Manager *m);

/* Event handlers, also called by tests and by the fault-injection seam. */
void manager_drive_added(void *userdata, const DriveInfo *info);
void manager_drive_removed(void *userdata, const char *name);
void manager_drive_changed(void *userdata, const char *name, uint64_t diskseq, bool media_change);
void manager_resynced(void *userdata, char **present);
