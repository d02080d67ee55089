/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * A tiny client for test-fake-drive, run by fake-drive under the preload: it watches block/disk uevents
 * the way the daemon does (a "udev" netlink monitor filtered by subsystem/devtype, never by tag —
 * umockdev-harness.md pitfall 5) and, on request, asks the drive for its current profile over SG_IO.
 *
 *   drive-client [--events N] [--timeout MS] [--profile] [--hold DEVNODE]
 *
 * Prints "READY" once the monitor listens, then one line per event:
 *   ACTION NAME DISKSEQ=N DISK_MEDIA_CHANGE=X [profile=0xPPPP]
 * and exits 0 after N events, 1 on timeout or error. --hold opens DEVNODE before READY and, after the
 * events, sends TEST UNIT READY on that fd and prints "held: ioctl=R host_status=0xHH" (an unplugged drive
 * answers DID_NO_CONNECT).
 */

#include <errno.h>
#include <fcntl.h>
#include <libudev.h>
#include <poll.h>
#include <scsi/sg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

static long now_ms(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* TEST UNIT READY on an open fd: prints the ioctl result and the host status. */
static void held_tur(int fd) {
        unsigned char cdb[6] = {}, sense[32] = {};
        sg_io_hdr_t h = {
                .interface_id = 'S',
                .dxfer_direction = SG_DXFER_NONE,
                .cmd_len = sizeof(cdb),
                .mx_sb_len = sizeof(sense),
                .cmdp = cdb,
                .sbp = sense,
                .timeout = 5000,
        };
        int r = ioctl(fd, SG_IO, &h);

        printf("held: ioctl=%d host_status=0x%02x\n", r < 0 ? -errno : r, h.host_status);
}

/* GET CONFIGURATION (MMC-6 6.6) for the 8-byte header: bytes 6..7 are the current profile. */
static int current_profile(const char *devnode) {
        unsigned char cdb[10] = { 0x46, 0x00, 0, 0, 0, 0, 0, 0, 8, 0 };
        unsigned char buf[8] = {}, sense[32] = {};
        sg_io_hdr_t h = {
                .interface_id = 'S',
                .dxfer_direction = SG_DXFER_FROM_DEV,
                .cmd_len = sizeof(cdb),
                .mx_sb_len = sizeof(sense),
                .dxfer_len = sizeof(buf),
                .dxferp = buf,
                .cmdp = cdb,
                .sbp = sense,
                .timeout = 5000,
        };
        int fd, r;

        fd = open(devnode, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        r = ioctl(fd, SG_IO, &h);
        if (r < 0)
                r = -errno;
        else if ((h.info & SG_INFO_OK_MASK) != SG_INFO_OK)
                r = -EIO;
        else
                r = buf[6] << 8 | buf[7];
        close(fd);
        return r;
}

int main(int argc, char **argv) {
        struct udev *udev;
        struct udev_monitor *mon;
        int events = 1, timeout = 10000, seen = 0;
        int want_profile = 0, held = -1;
        long deadline;

        for (int i = 1; i < argc; i++) {
                if (strcmp(argv[i], "--events") == 0 && i + 1 < argc)
                        events = atoi(argv[++i]);
                else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc)
                        timeout = atoi(argv[++i]);
                else if (strcmp(argv[i], "--profile") == 0)
                        want_profile = 1;
                else if (strcmp(argv[i], "--hold") == 0 && i + 1 < argc) {
                        held = open(argv[++i], O_RDONLY | O_NONBLOCK | O_CLOEXEC);
                        if (held < 0) {
                                fprintf(stderr, "drive-client: open %s: %s\n", argv[i], strerror(errno));
                                return 1;
                        }
                } else {
                        fprintf(stderr, "usage: drive-client [--events N] [--timeout MS] [--profile] [--hold DEVNODE]\n");
                        return 2;
                }
        }

        udev = udev_new();
        mon = udev ? udev_monitor_new_from_netlink(udev, "udev") : NULL;
        if (!mon || udev_monitor_filter_add_match_subsystem_devtype(mon, "block", "disk") < 0 ||
            udev_monitor_enable_receiving(mon) < 0) {
                fprintf(stderr, "drive-client: cannot set up the udev monitor\n");
                return 1;
        }
        printf("READY\n");
        fflush(stdout);

        deadline = now_ms() + timeout;
        while (seen < events) {
                struct pollfd p = { .fd = udev_monitor_get_fd(mon), .events = POLLIN };
                long left = deadline - now_ms();
                struct udev_device *d;
                const char *seq, *mc, *action, *name;

                if (left <= 0) {
                        fprintf(stderr, "drive-client: timeout after %d event(s)\n", seen);
                        return 1;
                }
                if (poll(&p, 1, (int) left) <= 0)
                        continue;
                d = udev_monitor_receive_device(mon);
                if (!d)
                        continue;
                action = udev_device_get_action(d);
                name = udev_device_get_sysname(d);
                seq = udev_device_get_property_value(d, "DISKSEQ");
                mc = udev_device_get_property_value(d, "DISK_MEDIA_CHANGE");
                printf("%s %s DISKSEQ=%s DISK_MEDIA_CHANGE=%s", action ?: "?", name ?: "?", seq ?: "", mc ?: "");
                if (want_profile && action && strcmp(action, "remove") != 0) {
                        const char *node = udev_device_get_devnode(d);
                        int prof = node ? current_profile(node) : -ENODEV;
                        if (prof >= 0)
                                printf(" profile=0x%04x", prof);
                        else
                                printf(" profile=error:%s", strerror(-prof));
                }
                printf("\n");
                fflush(stdout);
                udev_device_unref(d);
                seen++;
        }

        if (held >= 0) {
                held_tur(held);
                close(held);
        }
        udev_monitor_unref(mon);
        udev_unref(udev);
        return 0;
}
