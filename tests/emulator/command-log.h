/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * fake-drive's --command-log: one line per event, line-buffered, safe to call from umockdev's worker
 * thread and the main thread at once. Formats (README.md):
 *   sr0 46 00 00 00 00 00 00 00 08 00     a CDB (drive name, then each byte as 2-digit lowercase hex)
 *   sr0 ioctl 0x5331                      a plain ioctl
 *   # insert sr0 /tmp/x.disc              a control command, once it has been applied
 */

#include <glib.h>

typedef struct CommandLog CommandLog;

/* path NULL: a log that drops everything. */
CommandLog *command_log_open(const char *path, GError **error);
void command_log_line(CommandLog *l, const char *line);
void command_log_printf(CommandLog *l, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
void command_log_free(CommandLog *l);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CommandLog, command_log_free)
