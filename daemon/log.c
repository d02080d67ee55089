/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <systemd/sd-journal.h>

#include "log.h"

/* Formats one journal field into buf and makes an iovec of it. */
#define IOVEC_STR(buf, ...)                                                                                 \
        ((struct iovec){ .iov_base = (buf),                                                                 \
                         .iov_len = (size_t) MAX(0, MIN(snprintf((buf), sizeof(buf), __VA_ARGS__),          \
                                                        (int) sizeof(buf) - 1)) })

static int max_level = LOG_INFO;
static LogTarget target = LOG_TARGET_AUTO;
static bool stderr_is_journal = false;

static const char *const level_table[] = {
        [LOG_EMERG] = "emerg",     [LOG_ALERT] = "alert",   [LOG_CRIT] = "crit", [LOG_ERR] = "err",
        [LOG_WARNING] = "warning", [LOG_NOTICE] = "notice", [LOG_INFO] = "info", [LOG_DEBUG] = "debug",
};

static const char *const target_table[_LOG_TARGET_MAX] = {
        [LOG_TARGET_CONSOLE] = "console",
        [LOG_TARGET_JOURNAL] = "journal",
        [LOG_TARGET_AUTO] = "auto",
};

/* systemd sets JOURNAL_STREAM=DEV:INODE when stderr goes to the journal (systemd.exec(5)); only then is
 * a structured record better than a line. */
static bool detect_journal_stream(void) {
        const char *e = getenv("JOURNAL_STREAM");
        unsigned long long dev, ino;
        struct stat st;

        if (!e || sscanf(e, "%llu:%llu", &dev, &ino) != 2)
                return false;
        if (fstat(STDERR_FILENO, &st) < 0)
                return false;
        return (unsigned long long) st.st_dev == dev && (unsigned long long) st.st_ino == ino;
}

void log_setup(void) {
        const char *e;

        stderr_is_journal = detect_journal_stream();
        e = getenv("MULTISESSIOND_LOG_LEVEL");
        if (e && log_level_from_string(e) >= 0)
                max_level = log_level_from_string(e);
}

int log_get_max_level(void) {
        return max_level;
}

void log_set_max_level(int level) {
        if (level >= LOG_EMERG && level <= LOG_DEBUG)
                max_level = level;
}

LogTarget log_get_target(void) {
        return target;
}

void log_set_target(LogTarget t) {
        if (t >= 0 && t < _LOG_TARGET_MAX)
                target = t;
}

const char *log_target_to_string(LogTarget t) {
        return t >= 0 && t < _LOG_TARGET_MAX ? target_table[t] : NULL;
}

LogTarget log_target_from_string(const char *s) {
        for (int i = 0; i < _LOG_TARGET_MAX; i++)
                if (s && strcmp(s, target_table[i]) == 0)
                        return i;
        return -1;
}

const char *log_level_to_string(int level) {
        return level >= LOG_EMERG && level <= LOG_DEBUG ? level_table[level] : NULL;
}

int log_level_from_string(const char *s) {
        for (int i = LOG_EMERG; i <= LOG_DEBUG; i++)
                if (s && strcmp(s, level_table[i]) == 0)
                        return i;
        return -1;
}

int log_internal(int level, int error, const char *drive, const char *format, ...) {
        char msg[1024];
        va_list ap;
        int saved = errno;

        error = abs(error);
        if (level > max_level)
                return -error;

        errno = error; /* for %m */
        va_start(ap, format);
        vsnprintf(msg, sizeof(msg), format, ap);
        va_end(ap);

        if (target == LOG_TARGET_JOURNAL || (target == LOG_TARGET_AUTO && stderr_is_journal)) {
                char f_msg[sizeof(msg) + 8], f_prio[16], f_errno[24], f_drive[96], f_device[96];
                struct iovec iov[6];
                size_t n = 0;

                /* Structured fields, so `journalctl MULTISESSIOND_DRIVE=sr0` finds one drive's story. */
                iov[n++] = IOVEC_STR(f_msg, "MESSAGE=%s", msg);
                iov[n++] = IOVEC_STR(f_prio, "PRIORITY=%i", level);
                iov[n++] = (struct iovec){ .iov_base = (char *) "SYSLOG_IDENTIFIER=multisessiond",
                                           .iov_len = 31 };
                if (error > 0)
                        iov[n++] = IOVEC_STR(f_errno, "ERRNO=%i", error);
                if (drive) {
                        iov[n++] = IOVEC_STR(f_drive, "MULTISESSIOND_DRIVE=%s", drive);
                        iov[n++] = IOVEC_STR(f_device, "DEVICE=/dev/%s", drive);
                }
                (void) sd_journal_sendv(iov, (int) n);
        } else if (drive)
                fprintf(stderr, "%s: %s\n", drive, msg);
        else
                fprintf(stderr, "%s\n", msg);

        errno = saved;
        return -error;
}
