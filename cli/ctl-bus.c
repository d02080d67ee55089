/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "ctl.h"

int ctl_connect(CtlBusKind kind, const char *address, sd_bus **ret) {
        sd_bus *bus = NULL;
        int r;

        switch (kind) {
        case CTL_BUS_SYSTEM: r = sd_bus_open_system(&bus); break;
        case CTL_BUS_SESSION: r = sd_bus_open_user(&bus); break;
        default:
                r = sd_bus_new(&bus);
                if (r < 0)
                        break;
                r = sd_bus_set_address(bus, address);
                if (r >= 0)
                        /* A message bus, not a peer-to-peer connection: sd-bus then says Hello(). */
                        r = sd_bus_set_bus_client(bus, true);
                if (r >= 0)
                        r = sd_bus_start(bus);
                if (r < 0)
                        bus = sd_bus_unref(bus);
                break;
        }
        if (r < 0)
                return r;
        *ret = bus;
        return 0;
}

void ctl_log(const char *drive, const char *fmt, ...) {
        va_list ap;

        fputs(program_invocation_short_name, stderr);
        fputs(": ", stderr);
        if (drive) {
                fputs(drive, stderr);
                fputs(": ", stderr);
        }
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputc('\n', stderr);
}

/* The daemon's errors (design.md §2.4) in words for people, and the exit code a script can test. */
static const struct {
        const char *name;
        const char *text;
        int exit_code;
} errors[] = {
        { ERROR_PREFIX "NoMedium", N_("There is no medium in the drive."), CTL_EXIT_NO_MEDIUM },
        { ERROR_PREFIX "BecomingReady", N_("The medium is still spinning up; try again in a few seconds."),
          CTL_EXIT_NOT_READY },
        { ERROR_PREFIX "Busy", N_("The drive is busy: another program is writing to it or holds it."),
          CTL_EXIT_NOT_READY },
        { ERROR_PREFIX "Timeout", N_("The drive did not answer in time."), CTL_EXIT_FAILURE },
        { ERROR_PREFIX "InvalidMediaState", N_("The medium cannot take a new session in its current state."),
          CTL_EXIT_CANNOT_APPEND },
        { ERROR_PREFIX "MediaIncompatible",
          N_("The medium is not a multisession medium (a pressed disc, or a kind neither interface "
             "covers)."),
          CTL_EXIT_INCOMPATIBLE },
        { ERROR_PREFIX "InvalidResponse", N_("The drive sent a malformed or contradicting reply."),
          CTL_EXIT_FAILURE },
        { ERROR_PREFIX "DeviceGone", N_("The drive is gone."), CTL_EXIT_FAILURE },
        { ERROR_PREFIX "NotAuthorized", N_("You are not allowed to do this."), CTL_EXIT_FAILURE },
        { ERROR_PREFIX "Failed", N_("The operation failed."), CTL_EXIT_FAILURE },
        /* The daemon is not there: not activatable on this bus, or it stopped. */
        { "org.freedesktop.DBus.Error.ServiceUnknown",
          N_("multisessiond is not running on this bus (is multisessiond.service started?)."),
          CTL_EXIT_NO_SERVICE },
        { "org.freedesktop.DBus.Error.NameHasNoOwner",
          N_("multisessiond is not running on this bus (is multisessiond.service started?)."),
          CTL_EXIT_NO_SERVICE },
        /* The drive object went away between listing and the call: it was unplugged. */
        { "org.freedesktop.DBus.Error.UnknownObject", N_("The drive is gone."), CTL_EXIT_NO_DRIVE },
};

int ctl_exit_code_for_error(const sd_bus_error *error) {
        if (error && error->name)
                for (size_t i = 0; i < ELEMENTSOF(errors); i++)
                        if (strcmp(error->name, errors[i].name) == 0)
                                return errors[i].exit_code;
        return CTL_EXIT_FAILURE;
}

int ctl_bus_error(const char *drive, const sd_bus_error *error, int r) {
        if (error && error->name) {
                for (size_t i = 0; i < ELEMENTSOF(errors); i++)
                        if (strcmp(error->name, errors[i].name) == 0) {
                                ctl_log(drive, "%s", _(errors[i].text));
                                return errors[i].exit_code;
                        }
                /* Unknown to us: the daemon's own text, and the name for a bug report. */
                ctl_log(drive, "%s (%s)", error->message ? error->message : error->name, error->name);
                return CTL_EXIT_FAILURE;
        }
        ctl_log(drive, _("Bus call failed: %s"), strerror(r < 0 ? -r : r));
        return CTL_EXIT_FAILURE;
}
