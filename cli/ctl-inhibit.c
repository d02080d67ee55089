/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * multisessionctl inhibit [DRIVE] [--why TEXT] -- COMMAND [ARGS…]: holds an Inhibit() descriptor while
 * COMMAND runs, as systemd-inhibit does. The descriptor stays in this process (close-on-exec), so the
 * inhibition ends when COMMAND ends, not when its last stray child does.
 */

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ctl.h"

static volatile pid_t child;

static void forward_signal(int sig) {
        if (child > 0)
                kill(child, sig);
}

int ctl_inhibit(Ctl *ctl, const char *drive, const char *why, char **command) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(ctl_drives_done) CtlDriveList l = {};
        _cleanup_free_ char *who = NULL, *default_why = NULL;
        const CtlDrive *d;
        int fd, status, r;
        pid_t pid;

        if (!command || !command[0]) {
                ctl_log(NULL, _("inhibit needs a command to run after --"));
                return CTL_EXIT_USAGE;
        }
        r = ctl_drives_load_one(ctl, drive, &l, &d);
        if (r != 0)
                return r;

        who = strdup(command[0]);
        if (!who || asprintf(&default_why, _("Running %s"), basename(who)) < 0)
                return ctl_bus_error(NULL, NULL, -ENOMEM);
        r = sd_bus_call_method(ctl->bus, SERVICE_NAME, d->path, IFACE_DRIVE, "Inhibit", &error, &reply, "ss",
                               basename(who), why ? why : default_why);
        if (r < 0)
                return ctl_bus_error(d->name, &error, r);
        r = sd_bus_message_read(reply, "h", &fd);
        if (r < 0)
                return ctl_bus_error(d->name, NULL, r);
        /* The reply owns fd; a copy of our own survives it, close-on-exec. */
        fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
        if (fd < 0)
                return ctl_bus_error(d->name, NULL, -errno);

        pid = fork();
        if (pid < 0) {
                r = -errno;
                close(fd);
                return ctl_bus_error(d->name, NULL, r);
        }
        if (pid == 0) {
                execvp(command[0], command);
                fprintf(stderr, _("%s: cannot run %s: %s\n"), program_invocation_short_name, command[0],
                        strerror(errno));
                _exit(127);
        }

        /* A SIGINT or SIGTERM is the command's to handle: pass it on, and keep the inhibition until the
         * command has actually ended. */
        child = pid;
        struct sigaction sa = { .sa_handler = forward_signal, .sa_flags = SA_RESTART };
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR) {
                        status = W_EXITCODE(CTL_EXIT_FAILURE, 0);
                        break;
                }
        close(fd);
        if (WIFSIGNALED(status))
                return 128 + WTERMSIG(status);
        return WEXITSTATUS(status);
}
