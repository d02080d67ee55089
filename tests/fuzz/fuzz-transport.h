/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * A Transport (daemon/transport.h) whose drive is the fuzz input: every command the probe sends takes its
 * outcome from the next bytes of the input, whatever the command was. The probe cannot tell it from
 * transport-sg.c: it returns exactly what the TransportOps.command contract allows a transport to return.
 *
 * The input is a stream of records, one per command:
 *
 *   GOOD              byte K with K % 4 ∈ {0, 1}, be16 L, L reply bytes (the data-in phase; what does
 *                     not fit the probe's buffer is dropped as the kernel drops it, and *ret_len is what
 *                     was copied)
 *   CHECK CONDITION   byte K with K % 4 = 2, u8 S, S sense bytes (the kernel hands over at most 32, the
 *                     size of transport-sg.c's sense buffer); decoded by mmc_sense_parse() and mapped by
 *                     mmc_sense_to_errno() as transport-sg.c does, undecodable sense is -EIO
 *   other failure     byte K with K % 4 = 3: K / 4 picks a host status, SCSI status or ioctl errno from
 *                     fuzz_failures[] (what transport-sg.c turns them into)
 *
 * A record cut short by the end of the input still counts with what is there. Once the input is used up,
 * every further command fails as an unplugged drive does (-ENODEV), so no probe loop can outlive it.
 */

#include <stddef.h>
#include <stdint.h>

#include "transport.h"

enum {
        FUZZ_KIND_GOOD = 0,
        FUZZ_KIND_CHECK_CONDITION = 2,
        FUZZ_KIND_FAILURE = 3,
};

#define FUZZ_SENSE_MAX 32 /* transport-sg.c's sense buffer (mx_sb_len) */

/* What a command can fail with besides sense data, as transport-sg.c reports it. */
typedef struct FuzzFailure {
        const char *what;
        int r;
} FuzzFailure;

extern const FuzzFailure fuzz_failures[];
extern const size_t fuzz_n_failures;

/* Index in fuzz_failures[] of an errno, for writers of seeds (seed-gen.c); -1 if absent. */
int fuzz_failure_index(int r);

/* The transport reads data[0..size) while it lives; data must outlive it. */
Transport *fuzz_transport_new(const uint8_t *data, size_t size);
/* Bytes of the input consumed so far. */
size_t fuzz_transport_consumed(Transport *t);
