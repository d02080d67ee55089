/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The command sequences. A media-change probe costs at most 6 commands on any disc, however many tracks
 * and sessions it has: READ TRACK INFORMATION is addressed by the track or session it needs, never walked.
 * The track list is read separately, on demand (probe_tracks()).
 */

#include <stddef.h>
#include <stdint.h>

#include "multisession.h"
#include "transport.h"

/* Probes the medium. Returns 0 and fills *ret (also when the drive is empty: media_present false), or a
 * negative errno: -EAGAIN becoming ready, -EBUSY operation in progress (a burn), -ETIMEDOUT, -ENODEV drive
 * gone, -EBADMSG malformed or contradicting replies, -EIO other failures. *data receives the parsed
 * replies (for logging and tests); it may be NULL. */
int probe_media(Transport *t, ProbeData *data, MediaState *ret);

typedef enum TrackState {
        TRACK_STATE_COMPLETE,
        TRACK_STATE_INCOMPLETE,
        TRACK_STATE_INVISIBLE,
        TRACK_STATE_RESERVED,
        TRACK_STATE_DAMAGED,
        _TRACK_STATE_MAX,
} TrackState;

const char *track_state_to_string(TrackState s);

typedef struct TrackEntry {
        uint32_t session;
        uint32_t track;
        int32_t start;
        int32_t size;
        int32_t last_recorded; /* −1 when the drive does not say (LRA_V = 0) */
        bool is_data;
        TrackState state;
} TrackEntry;

/* Reads every track of the medium: one READ TRACK INFORMATION per track, or the TOC where the drive has
 * no READ TRACK INFORMATION (old ATAPI drives, QEMU). An empty drive gives -ENOMEDIUM, a blank disc
 * an empty list. *ret is malloc'ed. */
int probe_tracks(Transport *t, TrackEntry **ret, size_t *ret_n);

/* The ISO 9660 volume's size in blocks from the Primary Volume Descriptor at LBA 16 (ECMA-119 8.4.8,
 * bytes 80..87 both-endian). -ENOENT when LBA 16 holds no PVD. */
int probe_iso_volume_blocks(Transport *t, uint32_t *ret);

/* Single commands, for tracks.c. */
int probe_read_toc(Transport *t, uint8_t format, MmcToc *ret);
int probe_read_track(Transport *t, MmcTrackAddressType type, uint32_t number, MmcTrackInfo *ret);
int probe_read_disc_info(Transport *t, MmcDiscInfo *ret);

/* Vendor, product and revision from INQUIRY, for when sysfs does not give them. */
int probe_inquiry(Transport *t, MmcInquiry *ret);
