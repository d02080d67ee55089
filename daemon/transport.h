/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * How a probe reaches a drive. transport-sg.c is the real one (SG_IO on /dev/srN); tests/emulator/ has a
 * fake one that calls the emulated drive in process. The probe never knows which it has.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mmc.h"

typedef struct Transport Transport;

typedef struct TransportOps {
        /* Sends one CDB whose data phase (if any) is device-to-host into buf[0..len). On GOOD status sets
         * *ret_len to the bytes transferred and returns 0. On CHECK CONDITION stores the decoded sense
         * in *ret_sense (if non-NULL) and returns mmc_sense_to_errno() of it. Host/driver failures map to
         * -ENODEV (device gone: DID_NO_CONNECT, DID_BAD_TARGET), -ETIMEDOUT (DID_TIME_OUT) or -EIO. A
         * CDB whose opcode is not read-only returns -EPERM without reaching the drive. */
        int (*command)(Transport *t, const uint8_t *cdb, size_t cdb_len, uint8_t *buf, size_t len,
                       size_t *ret_len, MmcSense *ret_sense);
        void (*free)(Transport *t);
} TransportOps;

struct Transport {
        const TransportOps *ops;
        unsigned n_commands; /* SG_IO commands sent through this transport (for tests and benchmarks) */
};

/* Counts the command and forwards it; the single entry point the probe uses. */
int transport_command(Transport *t, const uint8_t *cdb, size_t cdb_len, uint8_t *buf, size_t len,
                      size_t *ret_len, MmcSense *ret_sense);

void transport_free(Transport *t);
static inline void transport_freep(Transport **t) {
        if (*t)
                transport_free(*t);
}

/* True for the opcodes a drive may receive from this daemon: MMC/SPC commands that only read
 * (TEST UNIT READY, REQUEST SENSE, INQUIRY, READ CAPACITY, READ(10), READ TOC/PMA/ATIP, GET CONFIGURATION,
 * GET EVENT STATUS NOTIFICATION, READ DISC INFORMATION, READ TRACK INFORMATION, MODE SENSE(10),
 * READ(12)). Everything else — writes, MODE SELECT, PREVENT ALLOW MEDIUM REMOVAL, START STOP UNIT
 * (eject), BLANK, CLOSE TRACK/SESSION, RESERVE TRACK, SYNCHRONIZE CACHE — is refused. */
bool transport_opcode_allowed(uint8_t opcode);

/* SG_IO on a device node: opened O_RDONLY|O_NONBLOCK|O_CLOEXEC (never exclusively), for one probe. */
int transport_sg_open(const char *devnode, unsigned timeout_ms, Transport **ret);
