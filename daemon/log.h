/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Logging: structured journal records when running under systemd (JOURNAL_STREAM points at the journal),
 * plain lines on stderr otherwise. Level and target are changeable at run time through
 * org.freedesktop.LogControl1 (log-control.c).
 */

#include <stdarg.h>
#include <syslog.h>

#include "macro.h"

typedef enum LogTarget {
        LOG_TARGET_CONSOLE,
        LOG_TARGET_JOURNAL,
        LOG_TARGET_AUTO, /* journal when stderr is connected to it, else console */
        _LOG_TARGET_MAX,
} LogTarget;

void log_setup(void);
int log_get_max_level(void);
void log_set_max_level(int level);
LogTarget log_get_target(void);
void log_set_target(LogTarget t);
const char *log_target_to_string(LogTarget t);
LogTarget log_target_from_string(const char *s);
const char *log_level_to_string(int level);
int log_level_from_string(const char *s);

/* Logs and returns -abs(error) (or 0 when error is 0), so `return log_error_errno(r, "…: %m");` works.
 * drive, when not NULL, becomes the DRIVE= and DEVICE= journal fields. */
int log_internal(int level, int error, const char *drive, const char *format, ...) _printf_(4, 5);

#define log_full_errno(level, error, ...) log_internal((level), (error), NULL, __VA_ARGS__)
#define log_debug(...)                    log_internal(LOG_DEBUG, 0, NULL, __VA_ARGS__)
#define log_info(...)                     log_internal(LOG_INFO, 0, NULL, __VA_ARGS__)
#define log_notice(...)                   log_internal(LOG_NOTICE, 0, NULL, __VA_ARGS__)
#define log_warning(...)                  log_internal(LOG_WARNING, 0, NULL, __VA_ARGS__)
#define log_error(...)                    log_internal(LOG_ERR, 0, NULL, __VA_ARGS__)
#define log_debug_errno(e, ...)           log_internal(LOG_DEBUG, (e), NULL, __VA_ARGS__)
#define log_warning_errno(e, ...)         log_internal(LOG_WARNING, (e), NULL, __VA_ARGS__)
#define log_error_errno(e, ...)           log_internal(LOG_ERR, (e), NULL, __VA_ARGS__)

#define log_drive(level, drive, error, ...) log_internal((level), (error), (drive), __VA_ARGS__)
