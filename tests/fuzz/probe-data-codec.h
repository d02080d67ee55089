/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * ProbeData (daemon/multisession.h) as a flat byte string, field by field in declaration order, for the
 * multisession_derive() fuzz target and the seeds seed-gen writes for it. One visitor serves both
 * directions, so the encoder and the decoder cannot drift apart.
 *
 * Decoding accepts any input: a field past the end reads as zero, a count is cut to its array, and a
 * bit field keeps only its bits, so what comes out is something the parsers of mmc.c could return.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "multisession.h"

/* Fills *ret from data[0..size). */
void probe_data_decode(const uint8_t *data, size_t size, ProbeData *ret);

/* Encodes d; *ret is malloc'ed. Returns 0 or -ENOMEM. */
int probe_data_encode(const ProbeData *d, uint8_t **ret, size_t *ret_size);

/* What mmc.c's parsers promise about their output and the decoder cannot guarantee by construction: the
 * disc information's session counts (mmc_parse_disc_information) and the TOC's order
 * (mmc_parse_toc). Inputs that break these are no ProbeData a probe can build. */
bool probe_data_parser_consistent(const ProbeData *d);
