/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * bench-bus — a D-Bus client of multisessiond that times what a client sees (README.md, items 2 and 3).
 * sd-bus, synchronous, one connection: nothing of GLib's main loop between the socket and the clock.
 *
 *   bench-bus queries ADDRESS NODE N ROUNDS [KINDS]
 *       ROUNDS rounds of N/ROUNDS calls each of Peer.Ping, Properties.GetAll(MultisessionSequential) and
 *       GetMultisessionInfo, interleaved by round so that load from elsewhere hits all three alike.
 *       Prints "ping NS", "getall NS", "msinfo NS" per call. KINDS (default "ping,getall,msinfo") picks
 *       some of them, for counting the daemon's instructions per call of one kind.
 *   bench-bus swap ADDRESS NODE FIFO N DISC...
 *       N media changes: writes "insert NODE DISC[i % k]" to fake-drive's control FIFO and waits for the
 *       drive object's PropertiesChanged. Prints per change
 *         "swap I K FIRST_NS PROBING_NS SETTLED_NS UEVENT_NS STATE"
 *       FIRST: the first PropertiesChanged after the write; PROBING: the one carrying ProbeState=probing
 *       (-1 when the daemon finished before announcing it); SETTLED: the one on …Drive after which the
 *       new DiskSeq is known and ProbeState is settled (idle, no-medium, error) — carried by this signal,
 *       or unchanged since before the change when the probe ended before it was announced. By then the
 *       daemon has emitted the …MultisessionSequential values of the same probe (drive-dbus.c emits that
 *       interface first).
 *       UEVENT: when this client's own libudev monitor (the daemon's kind: source "udev", block/disk) got
 *       the change uevent — the daemon gets the same datagram at about the same moment, so SETTLED −
 *       UEVENT is the daemon's share and UEVENT the emulator's. Needs the testbed (run under fake-drive).
 *       A change that does not settle within 20 s prints SETTLED_NS -1 and STATE "timeout".
 */

#include <errno.h>
#include <fcntl.h>
#include <libudev.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-bus.h>
#include <time.h>
#include <unistd.h>

#include "macro.h"

#define BUS_NAME        "org.example.MultisessionSequential"
#define ROOT_PATH       "/org/example/MultisessionSequential"
#define DRIVE_PREFIX    ROOT_PATH "/drive"
#define IFACE_SEQ       "org.example.MultisessionSequential"
#define IFACE_DRIVE     "org.example.MultisessionSequential.Drive"
#define SWAP_TIMEOUT_NS (20ULL * 1000000000ULL)

static uint64_t now_ns(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000000ULL + (uint64_t) ts.tv_nsec;
}

static int connect_bus(const char *address, sd_bus **ret) {
        sd_bus *bus = NULL;
        int r;

        r = sd_bus_new(&bus);
        if (r >= 0)
                r = sd_bus_set_address(bus, address);
        if (r >= 0)
                r = sd_bus_set_bus_client(bus, 1);
        if (r >= 0)
                r = sd_bus_start(bus);
        if (r < 0) {
                sd_bus_unref(bus);
                fprintf(stderr, "bench-bus: cannot connect to %s: %s\n", address, strerror(-r));
                return r;
        }
        *ret = bus;
        return 0;
}

static void bus_unrefp(sd_bus **b) {
        sd_bus_flush_close_unref(*b);
}

/* One timed call; the reply is read (and dropped) inside the timed span, as a client must read it. */
static int timed_call(sd_bus *bus, const char *kind, const char *path, const char *iface, const char *member,
                      const char *sig, const char *arg) {
        sd_bus_error error = SD_BUS_ERROR_NULL;
        sd_bus_message *reply = NULL;
        uint64_t t = now_ns();
        int r;

        r = sig ? sd_bus_call_method(bus, BUS_NAME, path, iface, member, &error, &reply, sig, arg)
                : sd_bus_call_method(bus, BUS_NAME, path, iface, member, &error, &reply, NULL);
        t = now_ns() - t;
        if (r < 0 && !sd_bus_error_has_name(&error, BUS_NAME ".Error.InvalidMediaState")) {
                /* A disc that cannot take a session still answers: only transport errors stop us. */
                fprintf(stderr, "bench-bus: %s: %s\n", member, error.message ? error.message : strerror(-r));
                sd_bus_error_free(&error);
                return r;
        }
        sd_bus_error_free(&error);
        sd_bus_message_unref(reply);
        printf("%s %llu\n", kind, (unsigned long long) t);
        return 0;
}

static int cmd_queries(const char *address, const char *node, unsigned long n, unsigned long rounds,
                       const char *kinds) {
        _cleanup_(bus_unrefp) sd_bus *bus = NULL;
        _cleanup_free_ char *path = NULL;
        unsigned long per = rounds > 0 && n / rounds > 0 ? n / rounds : 1;
        int r;

        r = connect_bus(address, &bus);
        if (r < 0)
                return r;
        r = sd_bus_path_encode(DRIVE_PREFIX, node, &path);
        if (r < 0)
                return r;
        for (unsigned long k = 0; k < rounds; k++) {
                for (unsigned long i = 0; strstr(kinds, "ping") && i < per; i++)
                        if ((r = timed_call(bus, "ping", ROOT_PATH, "org.freedesktop.DBus.Peer", "Ping",
                                            NULL, NULL)) < 0)
                                return r;
                for (unsigned long i = 0; strstr(kinds, "getall") && i < per; i++)
                        if ((r = timed_call(bus, "getall", path, "org.freedesktop.DBus.Properties", "GetAll",
                                            "s", IFACE_SEQ)) < 0)
                                return r;
                for (unsigned long i = 0; strstr(kinds, "msinfo") && i < per; i++)
                        if ((r = timed_call(bus, "msinfo", path, IFACE_SEQ, "GetMultisessionInfo", NULL,
                                            NULL)) < 0)
                                return r;
        }
        return 0;
}

/* ---- swap ---- */

typedef struct Swap {
        uint64_t t0, first, probing, settled, uevent;
        uint64_t old_diskseq, diskseq;
        char known[32]; /* the drive's ProbeState as the signals so far tell it */
        char state[32];
} Swap;

static bool state_settled(const char *s) {
        /* becoming-ready and busy retry on a timer: not an end state of a media change. */
        return strcmp(s, "idle") == 0 || strcmp(s, "no-medium") == 0 || strcmp(s, "error") == 0;
}

static int on_properties_changed(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        Swap *s = userdata;
        uint64_t t = now_ns();
        const char *iface, *state = NULL;
        uint64_t seq = 0;
        int r;

        if (s->first == 0)
                s->first = t;
        r = sd_bus_message_read(m, "s", &iface);
        if (r < 0)
                return 0;
        r = sd_bus_message_enter_container(m, 'a', "{sv}");
        if (r < 0)
                return 0;
        while ((r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
                const char *name;

                if (sd_bus_message_read(m, "s", &name) < 0)
                        return 0;
                if (strcmp(name, "ProbeState") == 0)
                        r = sd_bus_message_read(m, "v", "s", &state);
                else if (strcmp(name, "DiskSeq") == 0)
                        r = sd_bus_message_read(m, "v", "t", &seq);
                else
                        r = sd_bus_message_skip(m, "v");
                if (r < 0 || sd_bus_message_exit_container(m) < 0)
                        return 0;
        }
        if (strcmp(iface, IFACE_DRIVE) != 0)
                return 0;
        if (seq != 0)
                s->diskseq = seq;
        if (state) {
                snprintf(s->known, sizeof(s->known), "%s", state);
                if (strcmp(state, "probing") == 0 && s->probing == 0)
                        s->probing = t;
        }
        /* A probe that ends before the daemon announced it leaves ProbeState as it was (settled), so the
         * signal with the new DiskSeq carries none: what counts is the state known after this signal. */
        if (s->settled == 0 && s->diskseq != s->old_diskseq && state_settled(s->known)) {
                s->settled = t;
                snprintf(s->state, sizeof(s->state), "%s", s->known);
        }
        return 0;
}

static void udev_monitor_unrefp(struct udev_monitor **m) {
        udev_monitor_unref(*m);
}

static void udev_unrefp(struct udev **u) {
        udev_unref(*u);
}

/* Reads every queued uevent; notes the first change of NODE. */
static void drain_uevents(struct udev_monitor *mon, const char *node, Swap *s) {
        struct udev_device *d;

        while ((d = udev_monitor_receive_device(mon))) {
                const char *name = udev_device_get_sysname(d), *action = udev_device_get_action(d);

                if (s->uevent == 0 && name && action && strcmp(name, node) == 0 &&
                    strcmp(action, "change") == 0)
                        s->uevent = now_ns();
                udev_device_unref(d);
        }
}

static int cmd_swap(const char *address, const char *node, const char *fifo, unsigned long n, char **discs,
                    unsigned n_discs) {
        _cleanup_(bus_unrefp) sd_bus *bus = NULL;
        _cleanup_(udev_unrefp) struct udev *udev = NULL;
        _cleanup_(udev_monitor_unrefp) struct udev_monitor *mon = NULL;
        _cleanup_free_ char *path = NULL, *state = NULL;
        _cleanup_close_ int fd = -1;
        sd_bus_error error = SD_BUS_ERROR_NULL;
        Swap s = {};
        int r;

        r = connect_bus(address, &bus);
        if (r < 0)
                return r;
        r = sd_bus_path_encode(DRIVE_PREFIX, node, &path);
        if (r < 0)
                return r;
        r = sd_bus_match_signal(bus, NULL, NULL, path, "org.freedesktop.DBus.Properties",
                                "PropertiesChanged", on_properties_changed, &s);
        if (r < 0) {
                fprintf(stderr, "bench-bus: AddMatch: %s\n", strerror(-r));
                return r;
        }
        r = sd_bus_get_property_trivial(bus, BUS_NAME, path, IFACE_DRIVE, "DiskSeq", &error, 't',
                                        &s.diskseq);
        if (r >= 0)
                r = sd_bus_get_property_string(bus, BUS_NAME, path, IFACE_DRIVE, "ProbeState", &error,
                                               &state);
        if (r < 0) {
                fprintf(stderr, "bench-bus: DiskSeq and ProbeState of %s: %s\n", path,
                        error.message ? error.message : strerror(-r));
                sd_bus_error_free(&error);
                return r;
        }
        snprintf(s.known, sizeof(s.known), "%s", state);
        udev = udev_new();
        mon = udev ? udev_monitor_new_from_netlink(udev, "udev") : NULL;
        if (!mon || udev_monitor_filter_add_match_subsystem_devtype(mon, "block", "disk") < 0 ||
            udev_monitor_enable_receiving(mon) < 0) {
                fprintf(stderr, "bench-bus: cannot set up the udev monitor\n");
                return -EIO;
        }
        fd = open(fifo, O_WRONLY | O_CLOEXEC);
        if (fd < 0) {
                fprintf(stderr, "bench-bus: open %s: %s\n", fifo, strerror(errno));
                return -errno;
        }

        for (unsigned long i = 0; i < n; i++) {
                unsigned k = (unsigned) (i % n_discs);
                char line[4096], known[sizeof(s.known)];
                int len = snprintf(line, sizeof(line), "insert %s %s\n", node, discs[k]);

                if (len < 0 || (size_t) len >= sizeof(line))
                        return -ENAMETOOLONG;
                /* Whatever is still queued (the RandomWrite signal of the last emit) is old news. */
                while (sd_bus_process(bus, NULL) > 0)
                        ;
                memcpy(known, s.known, sizeof(known));
                s = (Swap){ .old_diskseq = s.diskseq, .diskseq = s.diskseq };
                memcpy(s.known, known, sizeof(known));
                drain_uevents(mon, node, &s);
                s.uevent = 0;
                s.t0 = now_ns();
                if (write(fd, line, (size_t) len) != len) {
                        fprintf(stderr, "bench-bus: write %s: %s\n", fifo, strerror(errno));
                        return -EIO;
                }
                for (;;) {
                        uint64_t t;
                        struct pollfd p[2] = {
                                { .fd = sd_bus_get_fd(bus), .events = (short) sd_bus_get_events(bus) },
                                { .fd = udev_monitor_get_fd(mon), .events = POLLIN },
                        };

                        drain_uevents(mon, node, &s);
                        while ((r = sd_bus_process(bus, NULL)) > 0)
                                ;
                        if (r < 0) {
                                fprintf(stderr, "bench-bus: %s\n", strerror(-r));
                                return r;
                        }
                        if (s.settled != 0)
                                break;
                        t = now_ns();
                        if (t - s.t0 >= SWAP_TIMEOUT_NS) {
                                snprintf(s.state, sizeof(s.state), "timeout");
                                break;
                        }
                        (void) poll(p, 2, (int) ((SWAP_TIMEOUT_NS - (t - s.t0)) / 1000000) + 1);
                }
                drain_uevents(mon, node, &s);
                printf("swap %lu %u %lld %lld %lld %lld %s\n", i, k,
                       s.first ? (long long) (s.first - s.t0) : -1LL,
                       s.probing ? (long long) (s.probing - s.t0) : -1LL,
                       s.settled ? (long long) (s.settled - s.t0) : -1LL,
                       s.uevent ? (long long) (s.uevent - s.t0) : -1LL, s.state);
                fflush(stdout);
        }
        return 0;
}

int main(int argc, char **argv) {
        int r = -EINVAL;

        if ((argc == 6 || argc == 7) && strcmp(argv[1], "queries") == 0)
                r = cmd_queries(argv[2], argv[3], strtoul(argv[4], NULL, 10), strtoul(argv[5], NULL, 10),
                                argc == 7 ? argv[6] : "ping,getall,msinfo");
        else if (argc >= 7 && strcmp(argv[1], "swap") == 0)
                r = cmd_swap(argv[2], argv[3], argv[4], strtoul(argv[5], NULL, 10), argv + 6,
                             (unsigned) (argc - 6));
        else {
                fprintf(stderr, "usage: bench-bus queries ADDRESS NODE N ROUNDS [KINDS]\n"
                                "       bench-bus swap ADDRESS NODE FIFO N DISC...\n");
                return 2;
        }
        fflush(stdout);
        return r < 0 ? 1 : 0;
}
