/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * bench-sgio DEVICE N [tur | replay FILE] — the emulator's SG_IO costs, the units of the latency floor
 * (README.md, item 2). Prints one line per sample, nanoseconds:
 *
 *   open NS    open() + close() of DEVICE the way the daemon opens it (O_RDONLY|O_NONBLOCK|O_CLOEXEC):
 *              under umockdev every open connects the preload's ioctl socket, a cost a real sr node has not
 *   first NS   open() + one TEST UNIT READY + close(): a probe's fd with its first command; minus a tur it
 *              is what the connection costs on both ends (fake-drive's side runs on its own thread)
 *   tur NS     one TEST UNIT READY (no data phase) on one open fd
 *   rdi NS     one READ DISC INFORMATION (34 bytes in), the commonest probe command with data
 *
 * "tur": only the TEST UNIT READY loop runs, so the caller's rusage ÷ N is the CPU one command costs the
 * process that sends it, the preload's socket traffic included.
 * "replay FILE": FILE holds CDBs, one per line in the command log's form ("sr0 46 00 …", or the bytes
 * alone); each of the N samples opens DEVICE, sends them all with the allocation length each CDB asks
 * for, and closes it: "replay NS" is what exactly that probe's I/O costs on this emulator, with nothing
 * of the daemon around it.
 *
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

#define MAX_CDBS 64
#define DATA_MAX 65536
/* Samples dropped at the start of each loop: the first ones pay for page faults and the preload setting
 * up its connection, not for the round trip. */
#define WARMUP 5

typedef struct Cdb {
        uint8_t b[16];
        size_t len;
} Cdb;

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

static int open_node(const char *path) {
        int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);

        if (fd < 0)
                fprintf(stderr, "bench-sgio: open %s: %s\n", path, strerror(errno));
        return fd;
}

/* The data-in length a CDB asks for (SPC-4 / MMC-6 allocation length fields), as the sender sizes its
 * buffer: under umockdev that many bytes cross the preload's socket each way. */
static size_t allocation_length(const Cdb *c) {
        switch (c->b[0]) {
        case 0x00: /* TEST UNIT READY */
                return 0;
        case 0x03: /* REQUEST SENSE */
        case 0x12: /* INQUIRY */
                return c->b[4];
        case 0x25: /* READ CAPACITY */
                return 8;
        case 0x28: /* READ (10): blocks of 2048 */
                return (size_t) ((c->b[7] << 8) | c->b[8]) * 2048;
        default: /* 10-byte CDBs: bytes 7..8 (GET CONFIGURATION, READ DISC/TRACK INFORMATION, READ TOC …) */
                return c->len >= 10 ? (size_t) ((c->b[7] << 8) | c->b[8]) : 0;
        }
}

static int read_cdbs(const char *path, Cdb *cdbs, size_t *ret_n) {
        char line[512];
        size_t n = 0;
        FILE *f = fopen(path, "re");

        if (!f) {
                fprintf(stderr, "bench-sgio: %s: %s\n", path, strerror(errno));
                return -errno;
        }
        while (fgets(line, sizeof(line), f) && n < MAX_CDBS) {
                char *p = line, *end;
                Cdb c = {};

                if (strncmp(p, "sr", 2) == 0 && (p = strchr(p, ' ')))
                        p++;
                while (p && c.len < sizeof(c.b)) {
                        unsigned long v = strtoul(p, &end, 16);

                        if (end == p)
                                break;
                        c.b[c.len++] = (uint8_t) v;
                        p = end;
                }
                if (c.len >= 6)
                        cdbs[n++] = c;
        }
        fclose(f);
        *ret_n = n;
        return n > 0 ? 0 : -EINVAL;
}

static int replay(const char *node, unsigned long n, const char *file) {
        static uint8_t buf[DATA_MAX];
        Cdb cdbs[MAX_CDBS];
        size_t n_cdbs = 0;
        int r;

        r = read_cdbs(file, cdbs, &n_cdbs);
        if (r < 0)
                return 1;
        for (unsigned long i = 0; i < n + WARMUP; i++) {
                uint64_t t = now_ns();
                int fd = open_node(node);

                if (fd < 0)
                        return 1;
                for (size_t k = 0; k < n_cdbs; k++) {
                        size_t len = allocation_length(&cdbs[k]);

                        r = command(fd, cdbs[k].b, cdbs[k].len, buf, len < DATA_MAX ? len : DATA_MAX);
                        if (r < 0) {
                                fprintf(stderr, "bench-sgio: opcode %02x: %s\n", cdbs[k].b[0], strerror(-r));
                                close(fd);
                                return 1;
                        }
                }
                close(fd);
                if (i >= WARMUP)
                        printf("replay %llu\n", (unsigned long long) (now_ns() - t));
        }
        return 0;
}

int main(int argc, char **argv) {
        static const uint8_t tur[6] = { 0x00 };
        static const uint8_t rdi[10] = { 0x51, 0, 0, 0, 0, 0, 0, 0, 34, 0 };
        uint8_t buf[34];
        unsigned long n;
        int fd, r, tur_only;

        if (argc < 3 || (n = strtoul(argv[2], NULL, 10)) == 0 ||
            (argc == 4 && strcmp(argv[3], "tur") != 0) || (argc == 5 && strcmp(argv[3], "replay") != 0) ||
            argc > 5) {
                fprintf(stderr, "usage: bench-sgio DEVICE N [tur | replay FILE]\n");
                return 2;
        }
        if (argc == 5)
                return replay(argv[1], n, argv[4]);
        tur_only = argc == 4;

        for (unsigned long i = 0; !tur_only && i < n + WARMUP; i++) {
                uint64_t t = now_ns();

                fd = open_node(argv[1]);
                if (fd < 0)
                        return 1;
                close(fd);
                if (i >= WARMUP)
                        printf("open %llu\n", (unsigned long long) (now_ns() - t));

                t = now_ns();
                fd = open_node(argv[1]);
                if (fd < 0)
                        return 1;
                r = command(fd, tur, sizeof(tur), NULL, 0);
                close(fd);
                if (r < 0) {
                        fprintf(stderr, "bench-sgio: TEST UNIT READY: %s\n", strerror(-r));
                        return 1;
                }
                if (i >= WARMUP)
                        printf("first %llu\n", (unsigned long long) (now_ns() - t));
        }

        fd = open_node(argv[1]);
        if (fd < 0)
                return 1;
        /* Interleaved, so a burst of load elsewhere hits both kinds alike. */
        for (unsigned long i = 0; i < n + WARMUP; i++) {
                uint64_t t = now_ns();

                r = command(fd, tur, sizeof(tur), NULL, 0);
                if (r < 0) {
                        fprintf(stderr, "bench-sgio: TEST UNIT READY: %s\n", strerror(-r));
                        return 1;
                }
                if (i >= WARMUP)
                        printf("tur %llu\n", (unsigned long long) (now_ns() - t));
                if (tur_only)
                        continue;

                t = now_ns();
                r = command(fd, rdi, sizeof(rdi), buf, sizeof(buf));
                if (r < 0) {
                        fprintf(stderr, "bench-sgio: READ DISC INFORMATION: %s\n", strerror(-r));
                        return 1;
                }
                if (i >= WARMUP)
                        printf("rdi %llu\n", (unsigned long long) (now_ns() - t));
        }
        close(fd);
        return 0;
}
