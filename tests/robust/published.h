/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * What a client that follows PropertiesChanged believes about one drive, step by step: a GetAll snapshot
 * of its three interfaces, then each recorded PropertiesChanged of that object applied in arrival order.
 * A test replays the signals to see the published state at the moment ProbeState became, say,
 * "becoming-ready" — one emission is one consistent state, which polling three GetAll calls is not.
 * Take the snapshot while the drive is settled (nothing in flight), so no later signal predates it.
 */

#include "disc.h"
#include "harness.h"

typedef struct Published Published;

Published *published_new(Harness *h, const char *node);
void published_free(Published *p);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Published, published_free)

/* Applies the next recorded PropertiesChanged of this drive (draining the main context first). FALSE
 * when none is left. */
gboolean published_step(Published *p);
/* Applies every recorded PropertiesChanged of this drive with a signal index below `end`. */
void published_advance_to(Published *p, guint end);
/* The current value (borrowed), or NULL. */
GVariant *published_get(Published *p, const char *iface, const char *prop);
/* The three interfaces as a{sv} for expect_check_props(). */
void published_dicts(Published *p, GVariant **ret_seq, GVariant **ret_drive, GVariant **ret_rw);
/* The serial of the last signal applied (0 for the snapshot). */
guint64 published_serial(Published *p);

/* Replays every remaining signal. For each period in which ProbeState was `state`, compares the state
 * published at the period's end (every emission of it applied) with `want`, appending the differences
 * to `out`. Returns the number of such periods. */
guint published_check_periods(Published *p, const char *state, const EmuDisc *want, GString *out);
