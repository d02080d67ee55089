/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * bench-sgio DEVICE N — the emulator's SG_IO round trip, the unit of the latency floor (README.md, item 2).
 *
 * Prints one line per sample, nanoseconds:
 *   open NS    open() + close() of DEVICE the way the daemon opens it (O_RDONLY|O_NONBLOCK|O_CLOEXEC):
 *              under umockdev every open connects the preload's ioctl socket, a cost a real sr node has not
 *   first NS   open() + one TEST UNIT READY + close(): a probe's fd with its first command; minus a tur it
 *              is what the connection costs on both ends (fake-drive's side runs on its own thread)
 *   tur NS     one TEST UNIT READY (no data phase) on one open fd
 *   rdi NS     one READ DISC INFORMATION (34 bytes in), the commonest probe command with data
 * Run it under fake-drive (or with the testbed's LD_PRELOAD and UMOCKDEV_DIR). No GLib, no daemon code:
 * it must measure the emulator, not our transport.
 */

#include <errno.h>
#include <fcntl.h>
#include <scsi/sg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000000ULL + (uint64_t) ts.tv_nsec;
}

static int command(int fd, const uint8_t *cdb, size_t cdb_len, uint8_t *buf, size_t len) {
        uint8_t sense[32];
        sg_io_hdr_t h = {
                .interface_id = 'S',
                .dxfer_direction = len > 0 ? SG_DXFER_FROM_DEV : SG_DXFER_NONE,
                .cmd_len = (unsigned char) cdb_len,
                .mx_sb_len = sizeof(sense),
                .dxfer_len = (unsigned) len,
                .dxferp = len > 0 ? buf : NULL,
                .cmdp = (unsigned char *) cdb,
                .sbp = sense,
                .timeout = 20000,
        };

        if (ioctl(fd, SG_IO, &h) < 0)
                return -errno;
        /* A CHECK CONDITION (no medium) is still a full round trip: only transport failures count. */
        return h.host_status == 0 ? 0 : -EIO;
}

int main(int argc, char **argv) {
        static const uint8_t tur[6] = { 0x00 };
        static const uint8_t rdi[10] = { 0x51, 0, 0, 0, 0, 0, 0, 0, 34, 0 };
        uint8_t buf[34];
        unsigned long n;
        int fd, r;

        if (argc != 3 || (n = strtoul(argv[2], NULL, 10)) == 0) {
                fprintf(stderr, "usage: bench-sgio DEVICE N\n");
                return 2;
        }

        for (unsigned long i = 0; i < n; i++) {
                uint64_t t = now_ns();

                fd = open(argv[1], O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
                if (fd < 0) {
                        fprintf(stderr, "bench-sgio: open %s: %s\n", argv[1], strerror(errno));
                        return 1;
                }
                close(fd);
                printf("open %llu\n", (unsigned long long) (now_ns() - t));

                t = now_ns();
                fd = open(argv[1], O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
                if (fd < 0) {
                        fprintf(stderr, "bench-sgio: open %s: %s\n", argv[1], strerror(errno));
                        return 1;
                }
                r = command(fd, tur, sizeof(tur), NULL, 0);
                close(fd);
                if (r < 0) {
                        fprintf(stderr, "bench-sgio: TEST UNIT READY: %s\n", strerror(-r));
                        return 1;
                }
                printf("first %llu\n", (unsigned long long) (now_ns() - t));
        }

        fd = open(argv[1], O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
        if (fd < 0) {
                fprintf(stderr, "bench-sgio: open %s: %s\n", argv[1], strerror(errno));
                return 1;
        }
        /* Interleaved, so a burst of load elsewhere hits both kinds alike. */
        for (unsigned long i = 0; i < n; i++) {
                uint64_t t = now_ns();

                r = command(fd, tur, sizeof(tur), NULL, 0);
                if (r < 0) {
                        fprintf(stderr, "bench-sgio: TEST UNIT READY: %s\n", strerror(-r));
                        return 1;
                }
                printf("tur %llu\n", (unsigned long long) (now_ns() - t));

                t = now_ns();
                r = command(fd, rdi, sizeof(rdi), buf, sizeof(buf));
                if (r < 0) {
                        fprintf(stderr, "bench-sgio: READ DISC INFORMATION: %s\n", strerror(-r));
                        return 1;
                }
                printf("rdi %llu\n", (unsigned long long) (now_ns() - t));
        }
        close(fd);
        return 0;
}
