/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * The fuzzed transport (fuzz-transport.h). Besides answering, it checks the one thing a transport can see
 * of the probe's side of the contract: a CDB never asks the drive for more bytes than the buffer it comes
 * with holds (MMC-6 4.1.5: the drive may send up to the Allocation Length), else a real drive would
 * truncate at the kernel's dxfer_len and the probe would parse a reply it believes whole.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-transport.h"
#include "macro.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FUZZ_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define FUZZ_ASAN 1
#endif
#ifdef FUZZ_ASAN
#include <sanitizer/asan_interface.h>
#endif

/* The host bytes and SCSI statuses transport-sg.c knows, and the ioctl errnos it passes on (EINTR and a
 * transient EBUSY are retried there, so they never reach the probe; a lasting EBUSY does). */
const FuzzFailure fuzz_failures[] = {
        { "DID_NO_CONNECT", -ENODEV },
        { "DID_BAD_TARGET", -ENODEV },
        { "DID_TIME_OUT", -ETIMEDOUT },
        { "other host status", -EIO },
        { "SCSI BUSY / RESERVATION CONFLICT / TASK SET FULL", -EIO },
        { "undecodable sense", -EIO },
        { "resid out of range", -EBADMSG },
        { "ioctl: node gone (ENODEV/ENXIO/ENOENT)", -ENODEV },
        { "ioctl: EBUSY after retries", -EBUSY },
        { "ioctl: EPERM (the kernel's command filter)", -EPERM },
        { "ioctl: EACCES", -EACCES },
        { "ioctl: EINVAL", -EINVAL },
        { "ioctl: ENOMEM", -ENOMEM },
        { "ioctl: EFAULT", -EFAULT },
        { "ioctl: EIO", -EIO },
        { "ioctl: EOVERFLOW", -EOVERFLOW },
};
const size_t fuzz_n_failures = ELEMENTSOF(fuzz_failures);

int fuzz_failure_index(int r) {
        for (size_t i = 0; i < fuzz_n_failures; i++)
                if (fuzz_failures[i].r == r)
                        return (int) i;
        return -1;
}

typedef struct FuzzTransport {
        Transport base; /* first: Transport * and FuzzTransport * are interchangeable */
        const uint8_t *data;
        size_t size, pos;
        bool trace; /* FUZZ_TRACE set: each command and its answer on stderr, to read a reproducer */
} FuzzTransport;

static size_t take(FuzzTransport *f, size_t n, const uint8_t **ret) {
        n = MIN(n, f->size - f->pos);
        *ret = f->data + f->pos;
        f->pos += n;
        return n;
}

static int take_u8(FuzzTransport *f, uint8_t *ret) {
        const uint8_t *p;

        if (take(f, 1, &p) < 1)
                return -ENODATA;
        *ret = p[0];
        return 0;
}

/* The Allocation Length field of the CDBs the probe sends, or 0 for those without a data phase. */
static size_t cdb_alloc(const uint8_t *cdb, size_t cdb_len) {
        switch (cdb[0]) {
        case MMC_INQUIRY: /* SPC-4 6.6: bytes 3..4 */
                return cdb_len >= 5 ? be16(cdb + 3) : SIZE_MAX;
        case MMC_READ_10: /* MMC-6 6.16: bytes 7..8 count 2048-byte blocks */
                return cdb_len >= 9 ? (size_t) be16(cdb + 7) * 2048 : SIZE_MAX;
        case MMC_READ_CAPACITY: /* MMC-6 6.23: a fixed 8-byte reply */
                return 8;
        case MMC_GET_CONFIGURATION:      /* MMC-6 6.6: bytes 7..8 */
        case MMC_READ_DISC_INFORMATION:  /* MMC-6 6.22: bytes 7..8 */
        case MMC_READ_TRACK_INFORMATION: /* MMC-6 6.27: bytes 7..8 */
        case MMC_READ_TOC:               /* MMC-6 6.26: bytes 7..8 */
        case MMC_MODE_SENSE_10:          /* SPC-4 6.14: bytes 7..8 */
        case MMC_GET_EVENT_STATUS:       /* MMC-6 6.7: bytes 7..8 */
                return cdb_len >= 9 ? be16(cdb + 7) : SIZE_MAX;
        default:
                return 0;
        }
}

static void buffer_unpoison(uint8_t *buf, size_t len) {
#ifdef FUZZ_ASAN
        ASAN_UNPOISON_MEMORY_REGION(buf, len);
#endif
}

/* Bytes past what the drive sent are garbage on a real drive: make reading them an ASan report. Only for
 * heap buffers, whose poisoning ends with free(); a poisoned stack frame would outlive the call. */
static void buffer_poison_tail(uint8_t *buf, size_t n, size_t len) {
#ifdef FUZZ_ASAN
        void *region;
        size_t region_size;
        char name[8];

        if (n >= len)
                return;
        if (strcmp(__asan_locate_address(buf, name, sizeof(name), &region, &region_size), "heap") != 0)
                return;
        if ((uint8_t *) region > buf || (uint8_t *) region + region_size < buf + len)
                return;
        ASAN_POISON_MEMORY_REGION(buf + n, len - n);
#endif
}

static void trace(FuzzTransport *f, const uint8_t *cdb, size_t cdb_len, const char *answer, const uint8_t *p,
                  size_t n) {
        if (!f->trace)
                return;
        fputs("fuzz-transport: cdb", stderr);
        for (size_t i = 0; i < cdb_len; i++)
                fprintf(stderr, " %02x", cdb[i]);
        fprintf(stderr, " -> %s", answer);
        for (size_t i = 0; i < n; i++)
                fprintf(stderr, "%s%02x", i % 32 == 0 ? "\n    " : " ", p[i]);
        fputc('\n', stderr);
}

static int fuzz_command(Transport *t, const uint8_t *cdb, size_t cdb_len, uint8_t *buf, size_t len,
                        size_t *ret_len, MmcSense *ret_sense) {
        FuzzTransport *f = (FuzzTransport *) t;
        const uint8_t *p;
        uint8_t k, hi, lo;
        size_t n, alloc;
        MmcSense sense;
        int r;

        alloc = cdb_alloc(cdb, cdb_len);
        if (alloc > len) {
                fprintf(stderr, "fuzz-transport: CDB %02x asks for %zu bytes into a buffer of %zu\n", cdb[0],
                        alloc, len);
                abort();
        }
        if (len > 0)
                buffer_unpoison(buf, len);

        if (take_u8(f, &k) < 0) {
                trace(f, cdb, cdb_len, "end of input: ENODEV", NULL, 0);
                return -ENODEV; /* the input is used up: the drive is gone */
        }

        switch (k % 4) {
        case FUZZ_KIND_CHECK_CONDITION:
                if (take_u8(f, &lo) < 0)
                        lo = 0;
                n = take(f, lo, &p);
                trace(f, cdb, cdb_len, "CHECK CONDITION, sense", p, n);
                r = mmc_sense_parse(p, MIN(n, (size_t) FUZZ_SENSE_MAX), &sense);
                if (r < 0)
                        return -EIO;
                if (ret_sense)
                        *ret_sense = sense;
                r = mmc_sense_to_errno(&sense);
                return r < 0 ? r : -EIO;

        case FUZZ_KIND_FAILURE:
                trace(f, cdb, cdb_len, fuzz_failures[(k / 4) % fuzz_n_failures].what, NULL, 0);
                return fuzz_failures[(k / 4) % fuzz_n_failures].r;

        default: /* GOOD */
                if (take_u8(f, &hi) < 0 || take_u8(f, &lo) < 0)
                        hi = lo = 0;
                n = take(f, (size_t) hi << 8 | lo, &p);
                n = MIN(n, len);
                trace(f, cdb, cdb_len, "GOOD, data", p, n);
                if (n > 0)
                        memcpy(buf, p, n);
                if (len > 0)
                        buffer_poison_tail(buf, n, len);
                *ret_len = n;
                return 0;
        }
}

static void fuzz_free(Transport *t) {
        free(t);
}

static const TransportOps fuzz_ops = {
        .command = fuzz_command,
        .free = fuzz_free,
};

Transport *fuzz_transport_new(const uint8_t *data, size_t size) {
        FuzzTransport *f = calloc(1, sizeof(*f));

        if (!f)
                abort();
        f->base.ops = &fuzz_ops;
        f->data = data;
        f->size = size;
        f->trace = getenv("FUZZ_TRACE");
        return &f->base;
}

size_t fuzz_transport_consumed(Transport *t) {
        return ((FuzzTransport *) t)->pos;
}
