/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Output of the one-shot probe (design.md §2.5): JSON shaped like one object of GetManagedObjects plus
 * "Tracks", or aligned text for people. */

#include <stdio.h>

#include "probe.h"
#include "properties.h"

void report_json(FILE *f, const DriveView *v, const TrackEntry *tracks, size_t n_tracks);
void report_text(FILE *f, const DriveView *v, const TrackEntry *tracks, size_t n_tracks);
