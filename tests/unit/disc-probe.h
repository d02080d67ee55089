/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Shared by the per-disc unit tests: probe one library disc through the emulated drive in process. */

#include <glib.h>

#include "disc.h"
#include "drive.h"
#include "fake-transport.h"
#include "probe.h"
#include "properties.h"

typedef struct DiscProbe {
        EmuDisc *disc;   /* the parsed file: expectations and tracks */
        EmuDrive *drive; /* the emulated drive holding a copy */
        Transport *transport;
        int r;           /* probe_media()'s result */
        MediaState media;
        unsigned n_commands; /* commands of the last probe_media() attempt */
} DiscProbe;

/* The library's discs (MSD_DISCS or the source tree), sorted; g_strfreev() the result. */
char **disc_library_list(void);

/* Loads the disc and probes it as the daemon would, waiting out "becoming ready" as --probe does. */
void disc_probe_run(DiscProbe *p, const char *path);
void disc_probe_done(DiscProbe *p);
