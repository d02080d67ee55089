/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "command-log.h"

struct CommandLog {
        GMutex lock;
        FILE *f;
};

CommandLog *command_log_open(const char *path, GError **error) {
        CommandLog *l = g_new0(CommandLog, 1);

        g_mutex_init(&l->lock);
        if (path) {
                l->f = fopen(path, "we");
                if (!l->f) {
                        int e = errno;
                        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e), "%s: %s", path, g_strerror(e));
                        g_mutex_clear(&l->lock);
                        g_free(l);
                        return NULL;
                }
                /* Tests tail this file while the command runs: every line must be there when written. */
                setvbuf(l->f, NULL, _IOLBF, 0);
        }
        return l;
}

void command_log_line(CommandLog *l, const char *line) {
        if (!l || !l->f)
                return;
        g_mutex_lock(&l->lock);
        fputs(line, l->f);
        fputc('\n', l->f);
        fflush(l->f);
        g_mutex_unlock(&l->lock);
}

void command_log_printf(CommandLog *l, const char *fmt, ...) {
        g_autofree char *line = NULL;
        va_list ap;

        if (!l || !l->f)
                return;
        va_start(ap, fmt);
        line = g_strdup_vprintf(fmt, ap);
        va_end(ap);
        command_log_line(l, line);
}

void command_log_free(CommandLog *l) {
        if (!l)
                return;
        if (l->f)
                fclose(l->f);
        g_mutex_clear(&l->lock);
        g_free(l);
}
