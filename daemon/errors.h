/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The error vocabulary of design.md §2.4: one D-Bus error name per failure, each mirroring an IMAPI
 * HRESULT and carried inside the daemon as a negative errno.
 */

#define MSD_ERROR_PREFIX "org.example.MultisessionSequential.Error."

typedef struct MsdError {
        const char *name;     /* short name: "NoMedium" */
        const char *bus_name; /* "org.example.MultisessionSequential.Error.NoMedium" */
        int errnum;           /* positive errno */
        unsigned hresult;     /* the IMAPI HRESULT it mirrors */
        const char *text;     /* one line for people */
} MsdError;

/* The table, ending with a NULL name. */
extern const MsdError msd_errors[];

/* The entry for a negative (or positive) errno; anything unknown is "Failed". */
const MsdError *msd_error_from_errno(int r);
/* The entry for a short name, or NULL. */
const MsdError *msd_error_from_name(const char *name);
