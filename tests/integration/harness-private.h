/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The Harness internals shared by harness.c (processes, waits) and harness-bus.c (log, calls). */

#include <stdbool.h>

#include "harness.h"

#define TICK_MS 10
#define STOP_TIMEOUT_MS 5000
#define OUTPUT_TAIL_LINES 40

struct Harness {
        char *tmpdir;
        char *address;
        char *log_path, *fifo_path, *output_path;
        int fifo_fd;
        guint64 start_time;

        GSubprocess *bus_proc;
        bool bus_exited;
        char *bus_line; /* the address line dbus-daemon prints */
        bool bus_line_done;

        GSubprocess *fake_proc;
        bool fake_exited;
        int fake_status; /* the daemon's exit status as fake-drive passes it on; 128+N for signal N */
        bool had_drive;  /* a drive existed at some point: the daemon must have sent commands */
        bool watching;   /* the daemon is meant to be running: a wait fails when it is not */

        bool failed; /* harness_fail() was called: keep the temporary directory */

        GDBusConnection *bus;
        guint signal_sub;
        GPtrArray *signals; /* HarnessSignal* */
        guint name_watch;
        char *daemon_name;
        bool name_lost;
        guint32 daemon_pid;

        /* the command log, read incrementally */
        GPtrArray *log_lines; /* char* */
        goffset log_offset;
        GString *log_partial;
};

/* Reads what fake-drive appended to the command log since the last call. */
void harness_log_refresh(Harness *h);
