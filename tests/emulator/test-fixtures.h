/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Discs and helpers shared by the emulator's own tests (test-disc.c, test-emulator.c). */

#include <glib.h>

#include "disc.h"

/* A DVD-R in incremental mode with one session and a border gap before the invisible track. */
static const char DVDR_APPENDABLE[] =
        "vendor = OTHER\n"
        "profile = 0x11\n"
        "disc_status = appendable\n"
        "last_session = empty\n"
        "features = 0x0010 0x0021\n"
        "track = session=1 start=0 size=3696\n"
        "track = session=2 start=41808 size=2256288 state=invisible nwa=41808 free=2256288\n";

/* Parses a disc written in a test, or fails the test with the parser's message. */
static inline EmuDisc *disc_from(const char *text) {
        g_autofree char *error = NULL;
        EmuDisc *d = NULL;

        if (emu_disc_parse(text, "test.disc", &d, &error) < 0)
                g_error("parse failed: %s", error);
        return d;
}
