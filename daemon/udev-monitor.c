/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <libudev.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "log.h"
#include "macro.h"
#include "udev-monitor.h"

static inline void udev_unrefp(struct udev **u) {
        if (*u)
                udev_unref(*u);
}
static inline void udev_device_unrefp(struct udev_device **d) {
        if (*d)
                udev_device_unref(*d);
}
static inline void udev_enumerate_unrefp(struct udev_enumerate **e) {
        if (*e)
                udev_enumerate_unref(*e);
}

static char *strdup_or_empty(const char *s) {
        return strdup(s ? s : "");
}

/* sysfs pads vendor/model with blanks (the INQUIRY fields are fixed width). */
static char *strdup_trimmed(const char *s) {
        size_t l;

        if (!s)
                return NULL;
        while (*s == ' ')
                s++;
        l = strlen(s);
        while (l > 0 && (s[l - 1] == ' ' || s[l - 1] == '\n'))
                l--;
        return strndup(s, l);
}

static bool media_polling_enabled(struct udev_device *d) {
        const char *v = udev_device_get_sysattr_value(d, "events_poll_msecs");
        _cleanup_fclose_ FILE *f = NULL;
        long dfl = 0;

        /* block/disk-events.c: 0 disables polling for this disk, −1 means the system default, which is
         * off unless udev's 60-block.rules (or the block.events_dfl_poll_msecs parameter) set it. */
        if (!v)
                return true; /* no such attribute: an old kernel, assume the default is sane */
        if (strtol(v, NULL, 10) > 0)
                return true;
        if (strtol(v, NULL, 10) == 0)
                return false;
        f = fopen("/sys/module/block/parameters/events_dfl_poll_msecs", "re");
        if (!f || fscanf(f, "%ld", &dfl) != 1)
                return true;
        return dfl > 0;
}

int drive_info_from_udev_device(struct udev_device *d, DriveInfo *ret);
int drive_info_from_udev_device(struct udev_device *d, DriveInfo *ret) {
        struct udev_device *scsi;
        const char *v;
        DriveInfo i = {};
        int r;

        i.name = strdup_or_empty(udev_device_get_sysname(d));
        i.devnode = strdup_or_empty(udev_device_get_devnode(d));
        i.syspath = strdup_or_empty(udev_device_get_syspath(d));
        if (!i.name || !i.devnode || !i.syspath) {
                drive_info_done(&i);
                return -ENOMEM;
        }
        i.devnum = udev_device_get_devnum(d);

        scsi = udev_device_get_parent_with_subsystem_devtype(d, "scsi", "scsi_device");
        if (scsi) {
                i.vendor = strdup_trimmed(udev_device_get_sysattr_value(scsi, "vendor"));
                i.product = strdup_trimmed(udev_device_get_sysattr_value(scsi, "model"));
                i.revision = strdup_trimmed(udev_device_get_sysattr_value(scsi, "rev"));
        }
        i.serial = strdup_trimmed(udev_device_get_property_value(d, "ID_SERIAL_SHORT"));
        i.path_id = strdup_trimmed(udev_device_get_property_value(d, "ID_PATH"));

        v = udev_device_get_property_value(d, "DISKSEQ");
        if (!v)
                v = udev_device_get_sysattr_value(d, "diskseq");
        i.diskseq = v ? strtoull(v, NULL, 10) : 0;
        i.media_polling = media_polling_enabled(d);

        r = drive_info_make_id(&i);
        if (r < 0) {
                drive_info_done(&i);
                return r;
        }
        *ret = i;
        return 0;
}

int drive_info_from_devnode(const char *devnode, DriveInfo *ret) {
        _cleanup_(udev_unrefp) struct udev *udev = NULL;
        _cleanup_(udev_device_unrefp) struct udev_device *d = NULL;
        struct stat st;

        /* stat(), not fstat(): the node is not open here, and umockdev 0.17 does not wrap fstat. */
        if (stat(devnode, &st) < 0)
                return negative_errno();
        if (!S_ISBLK(st.st_mode))
                return -ENOTBLK;

        udev = udev_new();
        if (!udev)
                return -ENOMEM;
        d = udev_device_new_from_devnum(udev, 'b', st.st_rdev);
        if (!d)
                return negative_errno();
        return drive_info_from_udev_device(d, ret);
}

/* ---- The monitor ---- */

struct DeviceWatch {
        struct udev *udev;
        struct udev_monitor *monitor;
        sd_event_source *source;
        DeviceWatchCallbacks cb;
        void *userdata;
        unsigned inject_drop;
};

static bool is_optical(struct udev_device *d) {
        const char *v = udev_device_get_property_value(d, "ID_CDROM");
        const char *name = udev_device_get_sysname(d);

        /* ID_CDROM comes from udev's cdrom_id rule; the sr name covers a machine where it has not run
         * yet. */
        return (v && strcmp(v, "1") == 0) || (name && strncmp(name, "sr", 2) == 0);
}

static uint64_t event_diskseq(struct udev_device *d) {
        const char *v = udev_device_get_property_value(d, "DISKSEQ");

        return v ? strtoull(v, NULL, 10) : 0;
}

static void strv_free(char **l) {
        for (char **i = l; i && *i; i++)
                free(*i);
        free(l);
}

/* Reads every optical drive's DriveInfo first and lets the enumeration go, then reports them: the
 * enumeration's many short-lived objects do not end up interleaved with the drives' long-lived ones,
 * which would keep their heap pages resident (measured: 20.6 → 11.0 KiB RSS per drive). */
static int enumerate(DeviceWatch *w, char ***ret_names) {
        _cleanup_(udev_enumerate_unrefp) struct udev_enumerate *e = NULL;
        struct udev_list_entry *item;
        DriveInfo *infos = NULL;
        char **names = NULL;
        size_t n = 0;
        int r;

        e = udev_enumerate_new(w->udev);
        if (!e)
                return -ENOMEM;
        /* SCSI CD/DVD/BD drives are sr*: matching the name keeps loop, nvme and dm devices out of the
         * enumeration altogether. */
        r = udev_enumerate_add_match_subsystem(e, "block");
        if (r >= 0)
                r = udev_enumerate_add_match_sysname(e, "sr*");
        if (r >= 0)
                r = udev_enumerate_scan_devices(e);
        if (r < 0)
                return r;

        udev_list_entry_foreach(item, udev_enumerate_get_list_entry(e)) {
                _cleanup_(udev_device_unrefp) struct udev_device *d = NULL;
                DriveInfo *nn;

                d = udev_device_new_from_syspath(w->udev, udev_list_entry_get_name(item));
                if (!d || !is_optical(d) || !streq_ptr(udev_device_get_devtype(d), "disk"))
                        continue;
                nn = realloc(infos, (n + 1) * sizeof(DriveInfo));
                if (!nn)
                        break;
                infos = nn;
                if (drive_info_from_udev_device(d, &infos[n]) >= 0)
                        n++;
        }
        e = udev_enumerate_unref(e);

        if (ret_names)
                names = calloc(n + 1, sizeof(char *));
        for (size_t i = 0; i < n; i++) {
                w->cb.added(w->userdata, &infos[i]);
                if (names)
                        names[i] = strdup(infos[i].name);
                drive_info_done(&infos[i]);
        }
        free(infos);
        if (ret_names) {
                if (!names)
                        return -ENOMEM;
                /* A failed strdup leaves a hole: close the list there. */
                for (size_t i = 0; i < n; i++)
                        if (!names[i]) {
                                for (size_t k = i + 1; k < n; k++)
                                        free(names[k]);
                                break;
                        }
                *ret_names = names;
        }
        return 0;
}

int device_watch_resync(DeviceWatch *w) {
        char **names = NULL;
        int r;

        r = enumerate(w, &names);
        if (r < 0)
                return r;
        w->cb.resynced(w->userdata, names ? names : (char *[]){ NULL });
        strv_free(names);
        return 0;
}

static void handle_device(DeviceWatch *w, struct udev_device *d) {
        const char *action = udev_device_get_action(d), *name = udev_device_get_sysname(d), *v;
        DriveInfo info;

        if (!action || !name)
                return;
        if (strcmp(action, "remove") == 0) {
                /* A remove carries few properties; the manager ignores names it does not know. */
                w->cb.removed(w->userdata, name);
                return;
        }
        if (!is_optical(d))
                return;
        if (strcmp(action, "add") == 0) {
                if (drive_info_from_udev_device(d, &info) >= 0) {
                        w->cb.added(w->userdata, &info);
                        drive_info_done(&info);
                }
                return;
        }
        if (strcmp(action, "change") != 0)
                return;

        /* block/disk-events.c sends DISK_MEDIA_CHANGE=1 for a new or removed medium and
         * DISK_EJECT_REQUEST=1 for the eject button; only the first says the medium changed. A
         * change event without it (udevadm trigger, a rule rewriting properties) is spurious — unless
         * it carries a new DISKSEQ, which only a media change produces. */
        v = udev_device_get_property_value(d, "DISK_MEDIA_CHANGE");
        w->cb.changed(w->userdata, name, event_diskseq(d), v && strcmp(v, "1") == 0);
}

static int on_monitor(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        DeviceWatch *w = userdata;

        for (;;) {
                _cleanup_(udev_device_unrefp) struct udev_device *d = NULL;

                errno = 0;
                d = udev_monitor_receive_device(w->monitor);
                if (!d) {
                        if (errno == ENOBUFS) {
                                /* The socket overran: events were lost, whatever they were. */
                                log_warning("udev monitor overflowed, re-enumerating drives");
                                (void) device_watch_resync(w);
                                continue;
                        }
                        break; /* EAGAIN: drained */
                }
                if (w->inject_drop > 0) {
                        w->inject_drop--;
                        continue;
                }
                handle_device(w, d);
        }
        return 0;
}

void device_watch_inject_drop(DeviceWatch *w, unsigned n) {
        w->inject_drop = n;
}

void device_watch_inject_overflow(DeviceWatch *w) {
        log_warning("udev monitor overflowed (injected), re-enumerating drives");
        (void) device_watch_resync(w);
}

int device_watch_new(sd_event *event, const DeviceWatchCallbacks *cb, void *userdata, DeviceWatch **ret) {
        DeviceWatch *w;
        int r;

        w = calloc(1, sizeof(*w));
        if (!w)
                return -ENOMEM;
        w->cb = *cb;
        w->userdata = userdata;
        w->udev = udev_new();
        if (!w->udev) {
                device_watch_free(w);
                return -ENOMEM;
        }

        /* The "udev" source, not "kernel": only then have udev's rules (cdrom_id) run. No tag filter:
         * umockdev does not fill the tag bloom filter, and the subsystem filter is as cheap. */
        w->monitor = udev_monitor_new_from_netlink(w->udev, "udev");
        if (!w->monitor) {
                device_watch_free(w);
                return -ENOMEM;
        }
        r = udev_monitor_filter_add_match_subsystem_devtype(w->monitor, "block", "disk");
        if (r >= 0)
                (void) udev_monitor_set_receive_buffer_size(w->monitor, 4 * 1024 * 1024);
        if (r >= 0)
                r = udev_monitor_enable_receiving(w->monitor);
        if (r >= 0)
                r = sd_event_add_io(event, &w->source, udev_monitor_get_fd(w->monitor), EPOLLIN, on_monitor,
                                    w);
        if (r < 0) {
                device_watch_free(w);
                return r;
        }
        (void) sd_event_source_set_description(w->source, "udev-monitor");

        r = enumerate(w, NULL);
        if (r < 0) {
                device_watch_free(w);
                return r;
        }
        *ret = w;
        return 0;
}

DeviceWatch *device_watch_free(DeviceWatch *w) {
        if (!w)
                return NULL;
        sd_event_source_disable_unref(w->source);
        if (w->monitor)
                udev_monitor_unref(w->monitor);
        if (w->udev)
                udev_unref(w->udev);
        free(w);
        return NULL;
}
