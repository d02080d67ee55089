/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <sys/inotify.h>
#include <systemd/sd-daemon.h>
#include <time.h>

#include "drive-dbus.h"
#include "inhibit.h"
#include "log.h"
#include "manager-dbus.h"
#include "manager.h"
#include "probe.h"

/* More threads than this would only queue on the same few SCSI hosts. */
#define MAX_WORKERS        4
#define COMMAND_TIMEOUT_MS 20000

int manager_new(sd_event *event, Manager **ret) {
        Manager *m;
        int r;

        m = calloc(1, sizeof(*m));
        if (!m)
                return -ENOMEM;
        m->event = sd_event_ref(event);
        m->command_timeout_ms = COMMAND_TIMEOUT_MS;
        r = worker_pool_new(event, MAX_WORKERS, &m->workers);
        if (r < 0) {
                manager_free(m);
                return r;
        }
        *ret = m;
        return 0;
}

static ManagedDrive *managed_drive_free(ManagedDrive *md) {
        if (!md)
                return NULL;
        drive_bus_free(md);
        inhibit_free_all(md);
        for (size_t i = 0; i < ELEMENTSOF(md->close_watch); i++)
                sd_event_source_disable_unref(md->close_watch[i]);
        sd_event_source_disable_unref(md->close_debounce);
        sd_event_source_disable_unref(md->retry_timer);
        drive_free(md->drive);
        free(md);
        return NULL;
}

Manager *manager_free(Manager *m) {
        if (!m)
                return NULL;
        device_watch_free(m->watch);
        /* Workers first: their done() callbacks look drives up. */
        worker_pool_free(m->workers);
        for (size_t i = 0; i < m->n_drives; i++)
                managed_drive_free(m->drives[i]);
        free(m->drives);
        sd_event_source_disable_unref(m->drives_changed);
        sd_bus_flush_close_unref(m->bus);
        sd_event_unref(m->event);
        free(m);
        return NULL;
}

ManagedDrive *manager_find(Manager *m, const char *name) {
        for (size_t i = 0; i < m->n_drives; i++)
                if (streq_ptr(m->drives[i]->drive->info.name, name))
                        return m->drives[i];
        return NULL;
}

ManagedDrive *manager_find_by_path(Manager *m, const char *path) {
        for (size_t i = 0; i < m->n_drives; i++)
                if (streq_ptr(m->drives[i]->drive->object_path, path))
                        return m->drives[i];
        return NULL;
}

int manager_submit_io(Manager *m, ManagedDrive *md, worker_fn work, worker_done_fn done, void *userdata) {
        int r;

        r = worker_pool_submit(m->workers, work, done, userdata);
        if (r >= 0)
                md->io_in_flight++;
        return r;
}

ManagedDrive *manager_io_done(Manager *m, const char *name, uint64_t instance) {
        ManagedDrive *md = manager_find(m, name);

        if (!md || md->drive->instance != instance)
                return NULL;
        if (md->io_in_flight > 0 && --md->io_in_flight == 0)
                /* Inhibit() calls wait for this moment: nothing is on its way to the drive any more. */
                drive_bus_io_idle(m, md);
        return md;
}

void manager_update_status(Manager *m) {
        (void) sd_notifyf(false, "STATUS=Watching %zu optical drive%s", m->n_drives,
                          m->n_drives == 1 ? "" : "s");
}

/* ---- Probe jobs ---- */

typedef struct ProbeJob {
        Manager *manager;
        char *name;
        uint64_t instance;
        char *devnode;
        uint64_t diskseq;
        unsigned timeout_ms;
        int r;
        MediaState media;
} ProbeJob;

static void probe_job_free(ProbeJob *j) {
        free(j->name);
        free(j->devnode);
        free(j);
}

static void probe_job_work(void *userdata) {
        ProbeJob *j = userdata;
        _cleanup_(transport_freep) Transport *t = NULL;

        /* The fd lives for this probe only; between probes the drive is not held open. */
        j->r = transport_sg_open(j->devnode, j->timeout_ms, &t);
        if (j->r >= 0)
                j->r = probe_media(t, NULL, &j->media);
}

static void schedule_probe(Manager *m, ManagedDrive *md);

static int on_retry(sd_event_source *s, uint64_t usec, void *userdata) {
        ManagedDrive *md = userdata;

        md->retry_timer = sd_event_source_disable_unref(md->retry_timer);
        manager_request_probe(md->manager, md);
        return 0;
}

static void arm_retry(Manager *m, ManagedDrive *md) {
        uint64_t delay = drive_retry_delay_usec(md->drive);
        int r;

        md->retry_timer = sd_event_source_disable_unref(md->retry_timer);
        r = sd_event_add_time_relative(m->event, &md->retry_timer, CLOCK_MONOTONIC, delay, 0, on_retry, md);
        if (r < 0)
                log_drive(LOG_ERR, md->drive->info.name, r, "Failed to arm the retry timer: %m");
}

static void probe_job_done(void *userdata, bool cancelled) {
        ProbeJob *j = userdata;
        Manager *m = j->manager;
        ManagedDrive *md;
        ProbeVerdict v;

        md = cancelled ? NULL : manager_io_done(m, j->name, j->instance);
        if (!md) {
                probe_job_free(j);
                return;
        }
        m->probes_run++;

        v = drive_probe_finished(md->drive, j->diskseq, j->r, &j->media, now_realtime_usec());
        switch (v) {
        case PROBE_VERDICT_STALE:
                log_drive(LOG_DEBUG, j->name, 0, "Medium changed during the probe, probing again");
                break;
        case PROBE_VERDICT_APPLIED:
                log_drive(LOG_INFO, j->name, 0,
                          "%s: %s, next writable address %" PRIi32 ", %" PRIi32 " free",
                          md->drive->media.media_present ? mmc_profile_to_string(md->drive->media.profile)
                                                         : "no medium",
                          md->drive->media.media_present ? "probed" : "empty",
                          md->drive->media.seq_next_writable, md->drive->media.seq_free_sectors);
                break;
        case PROBE_VERDICT_RETRY:
                log_drive(LOG_INFO, j->name, j->r, "%s, retrying in %" PRIu64 " ms",
                          j->r == -EBUSY ? "Drive busy (a burn or format holds it)" : "Medium not ready yet",
                          drive_retry_delay_usec(md->drive) / 1000);
                arm_retry(m, md);
                break;
        case PROBE_VERDICT_FAILED: log_drive(LOG_WARNING, j->name, j->r, "Probe failed: %m"); break;
        }

        if (v != PROBE_VERDICT_STALE) {
                /* Publish first, then answer Refresh: its caller must see the new state. */
                drive_bus_flush(m, md);
                drive_bus_complete_refresh(m, md, j->r);
        } else
                drive_bus_changed(m, md);
        probe_job_free(j);
        schedule_probe(m, md);
}

static void schedule_probe(Manager *m, ManagedDrive *md) {
        ProbeJob *j;
        int r;

        if (!drive_probe_wanted(md->drive))
                return;

        j = calloc(1, sizeof(*j));
        if (!j)
                return (void) log_drive(LOG_ERR, md->drive->info.name, ENOMEM,
                                        "Failed to start a probe: %m");
        *j = (ProbeJob){
                .manager = m,
                .name = strdup(md->drive->info.name),
                .instance = md->drive->instance,
                .devnode = strdup(md->drive->info.devnode),
                .diskseq = md->drive->info.diskseq,
                .timeout_ms = m->command_timeout_ms,
        };
        if (!j->name || !j->devnode) {
                probe_job_free(j);
                return (void) log_drive(LOG_ERR, md->drive->info.name, ENOMEM,
                                        "Failed to start a probe: %m");
        }

        drive_probe_started(md->drive);
        r = manager_submit_io(m, md, probe_job_work, probe_job_done, j);
        if (r < 0) {
                probe_job_free(j);
                md->drive->probe_running = false;
                log_drive(LOG_ERR, md->drive->info.name, r, "Failed to start a probe: %m");
                return;
        }
        drive_bus_changed(m, md);
}

uint64_t manager_request_probe(Manager *m, ManagedDrive *md) {
        uint64_t g = drive_request(md->drive);

        schedule_probe(m, md);
        return g;
}

/* ---- Close-after-write ---- */

/* libburn opens and closes the node read-write several times per run, even for -msinfo: one probe for
 * a burst of closes is enough. */
#define CLOSE_DEBOUNCE_USEC 200000ULL

static int on_close_debounced(sd_event_source *s, uint64_t usec, void *userdata) {
        ManagedDrive *md = userdata;

        md->close_debounce = sd_event_source_disable_unref(md->close_debounce);
        if (md->drive->inhibited)
                return 0;
        log_drive(LOG_DEBUG, md->drive->info.name, 0, "Closed after writing, probing");
        md->retry_timer = sd_event_source_disable_unref(md->retry_timer);
        md->drive->retries = 0;
        manager_request_probe(md->manager, md);
        return 0;
}

static int on_close_write(sd_event_source *s, const struct inotify_event *ev, void *userdata) {
        ManagedDrive *md = userdata;
        int r;

        /* Someone who had the drive open for writing let go: a burner that did not call Inhibit() and
         * whose burn produced no uevent (udisks#849). Our own opens are read-only and never get here.
         * While inhibited, the release probes anyway. */
        if (md->drive->inhibited || md->close_debounce)
                return 0;
        r = sd_event_add_time_relative(md->manager->event, &md->close_debounce, CLOCK_MONOTONIC,
                                       CLOSE_DEBOUNCE_USEC, 0, on_close_debounced, md);
        if (r < 0)
                return on_close_debounced(NULL, 0, md);
        return 0;
}

static void watch_close_write(Manager *m, ManagedDrive *md) {
        _cleanup_free_ char *sgdir = NULL;
        char sg[300] = "";
        int r;

        r = sd_event_add_inotify(m->event, &md->close_watch[0], md->drive->info.devnode, IN_CLOSE_WRITE,
                                 on_close_write, md);
        if (r < 0)
                log_drive(LOG_DEBUG, md->drive->info.name, r, "Cannot watch %s for writers: %m",
                          md->drive->info.devnode);

        /* cdrecord and wodim write through the SCSI generic node of the same device. */
        if (asprintf(&sgdir, "%s/device/scsi_generic", md->drive->info.syspath) < 0)
                return;
        _cleanup_(closedirp) DIR *d = opendir(sgdir);
        for (struct dirent *de; d && (de = readdir(d));)
                if (strncmp(de->d_name, "sg", 2) == 0)
                        snprintf(sg, sizeof(sg), "/dev/%s", de->d_name);
        if (*sg &&
            sd_event_add_inotify(m->event, &md->close_watch[1], sg, IN_CLOSE_WRITE, on_close_write, md) < 0)
                log_drive(LOG_DEBUG, md->drive->info.name, 0, "Cannot watch %s for writers", sg);
}

/* ---- udev events ---- */

void manager_drive_added(void *userdata, const DriveInfo *info) {
        Manager *m = userdata;
        ManagedDrive *md, **n;
        Drive *d;
        int r;

        md = manager_find(m, info->name);
        if (md) {
                /* "add" for a known drive (coldplug racing a hotplug, a resync): look again. */
                manager_drive_changed(m, info->name, info->diskseq, true);
                return;
        }

        r = drive_new(info, ++m->next_instance, &d);
        if (r < 0)
                return (void) log_error_errno(r, "Failed to add drive %s: %m", info->name);
        n = realloc(m->drives, (m->n_drives + 1) * sizeof(ManagedDrive *));
        md = calloc(1, sizeof(ManagedDrive));
        if (n)
                m->drives = n;
        if (!n || !md) {
                free(md);
                drive_free(d);
                return (void) log_error_errno(ENOMEM, "Failed to add drive %s: %m", info->name);
        }
        *md = (ManagedDrive){ .manager = m, .drive = d };
        m->drives[m->n_drives++] = md;

        log_drive(LOG_INFO, d->info.name, 0, "Drive added: %s %s (%s)", d->info.vendor ? d->info.vendor : "",
                  d->info.product ? d->info.product : "", d->info.id);
        if (!d->info.media_polling)
                log_drive(LOG_WARNING, d->info.name, 0,
                          "The kernel does not poll this drive for media changes (events_poll_msecs is 0): "
                          "inserted discs will not be noticed until Refresh() is called");

        watch_close_write(m, md);
        r = drive_bus_new(m, md);
        if (r < 0)
                log_drive(LOG_ERR, d->info.name, r, "Failed to publish the drive: %m");
        /* Announce now (InterfacesAdded, ProbeState "probing"), before the probe can finish: its
         * result then always arrives as a PropertiesChanged of an object clients already know. */
        drive_bus_flush(m, md);
        manager_dbus_drives_changed(m);
        manager_update_status(m);
        manager_request_probe(m, md);
}

void manager_drive_removed(void *userdata, const char *name) {
        Manager *m = userdata;
        ManagedDrive *md = manager_find(m, name);
        size_t i;

        if (!md)
                return;
        log_drive(LOG_INFO, name, 0, "Drive removed");
        drive_bus_removed(m, md);
        drive_bus_complete_refresh(m, md, -ENODEV);
        for (i = 0; m->drives[i] != md; i++)
                ;
        managed_drive_free(md);
        memmove(&m->drives[i], &m->drives[i + 1], (m->n_drives - i - 1) * sizeof(ManagedDrive *));
        m->n_drives--;
        manager_dbus_drives_changed(m);
        manager_update_status(m);
}

void manager_drive_changed(void *userdata, const char *name, uint64_t diskseq, bool media_change) {
        Manager *m = userdata;
        ManagedDrive *md = manager_find(m, name);

        if (!md)
                return;
        /* A new DISKSEQ is a new medium even if the event lost its DISK_MEDIA_CHANGE. */
        if (!media_change && (diskseq == 0 || diskseq == md->drive->info.diskseq))
                return;
        /* The kernel often reports one media change twice with the same DISKSEQ: the medium it names
         * is already being probed, or was. (Without DISKSEQ, an old kernel, every event counts.) */
        if (diskseq != 0 && diskseq == md->drive->info.diskseq &&
            (md->drive->probe_running || md->drive->done_generation == md->drive->generation) &&
            md->drive->probe_state != PROBE_STATE_ERROR)
                return;
        log_drive(LOG_DEBUG, name, 0, "Media change (diskseq %" PRIu64 ")", diskseq);
        md->retry_timer = sd_event_source_disable_unref(md->retry_timer);
        if (md->drive->inhibited) {
                /* No probe until the release; meanwhile the old medium's values must not stay up. */
                media_state_init_empty(&md->drive->media);
                md->drive->time_media_detected = 0;
        }
        if (drive_media_changed(md->drive, diskseq))
                schedule_probe(m, md);
        drive_bus_changed(m, md);
}

void manager_resynced(void *userdata, char **present) {
        Manager *m = userdata;

        /* Drives that are gone leave; every one left is probed again: any event may have been lost. */
        for (size_t i = m->n_drives; i > 0; i--) {
                bool found = false;

                for (char **p = present; *p; p++)
                        if (streq_ptr(*p, m->drives[i - 1]->drive->info.name))
                                found = true;
                if (!found)
                        manager_drive_removed(m, m->drives[i - 1]->drive->info.name);
        }
        for (size_t i = 0; i < m->n_drives; i++)
                manager_request_probe(m, m->drives[i]);
}

int manager_start(Manager *m) {
        static const DeviceWatchCallbacks cb = {
                .added = manager_drive_added,
                .removed = manager_drive_removed,
                .changed = manager_drive_changed,
                .resynced = manager_resynced,
        };
        int r;

        r = device_watch_new(m->event, &cb, m, &m->watch);
        if (r < 0)
                return log_error_errno(r, "Failed to watch udev: %m");
        manager_update_status(m);
        return 0;
}
