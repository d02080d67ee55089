/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* multisessionctl: options, the command table and the bus connection. */

#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <stdarg.h>
#include <string.h>

#include "config.h"
#include "ctl.h"

static void help(void) {
        printf(_("%s [OPTIONS...] COMMAND [DRIVE]\n\n"
                 "Ask multisessiond where the next session of an optical disc goes.\n"),
               program_invocation_short_name);
        printf("\n%s\n", _("Commands:\n"
                           "  list              List the optical drives\n"
                           "  status [DRIVE]    Show everything the daemon publishes about a drive\n"
                           "  msinfo [DRIVE]    Print \"start,next\" for mkisofs -C, like cdrecord -msinfo\n"
                           "  tracks [DRIVE]    List the tracks of the medium, like xorriso -toc\n"
                           "  refresh [DRIVE]   Probe the drive again now, then show its status\n"
                           "  monitor           Print property changes and drives that come or go\n"
                           "  inhibit [DRIVE] [--why TEXT] -- COMMAND [ARGS...]\n"
                           "                    Keep the daemon away from the drive while COMMAND runs"));
        printf("\n%s\n", _("Options:\n"
                           "  -h --help             Show this help\n"
                           "     --version          Show the version\n"
                           "     --json             Print JSON\n"
                           "     --no-legend        Print no column headings and no footer\n"
                           "     --system           Talk to the daemon on the system bus (default)\n"
                           "     --session          Talk to the daemon on the session bus\n"
                           "     --address=ADDRESS  Talk to the daemon on the bus at ADDRESS"));
        printf("\n%s\n",
               _("DRIVE is a kernel name (sr0), a device node (/dev/sr0) or an object path. It may be\n"
                 "left out when there is only one drive."));
        printf("\n%s\n",
               _("Exit status: 0 success, 1 failure, 2 no medium, 3 the medium cannot take a new\n"
                 "session, 4 not a multisession medium, 5 drive busy or becoming ready, 6 no such\n"
                 "drive or DRIVE needed, 7 multisessiond not reachable, 64 usage error."));
        printf(_("\nSee the %s man page for details.\n"), "multisessionctl(1)");
}

typedef struct Command {
        const char *name;
        bool takes_drive;
        union {
                int (*with_drive)(Ctl *ctl, const char *drive);
                int (*plain)(Ctl *ctl);
        };
} Command;

static const Command commands[] = {
        { "list", false, .plain = ctl_list },           { "status", true, .with_drive = ctl_status },
        { "msinfo", true, .with_drive = ctl_msinfo },   { "tracks", true, .with_drive = ctl_tracks },
        { "refresh", true, .with_drive = ctl_refresh }, { "monitor", false, .plain = ctl_monitor },
};

_printf_(1, 2) static int usage_error(const char *fmt, ...) {
        va_list ap;

        fprintf(stderr, "%s: ", program_invocation_short_name);
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputc('\n', stderr);
        fprintf(stderr, _("Try '%s --help' for more information.\n"), program_invocation_short_name);
        return CTL_EXIT_USAGE;
}

/* Tests point gettext at the catalogs in the build tree; installed, LOCALEDIR is right. */
static const char *locale_dir(void) {
        const char *dir = secure_getenv("MULTISESSIONCTL_LOCALEDIR");

        return dir && *dir ? dir : LOCALEDIR;
}

int main(int argc, char *argv[]) {
        enum { ARG_VERSION = 0x100, ARG_JSON, ARG_NO_LEGEND, ARG_SYSTEM, ARG_SESSION, ARG_ADDRESS, ARG_WHY };
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, ARG_VERSION },
                { "json", no_argument, NULL, ARG_JSON },
                { "no-legend", no_argument, NULL, ARG_NO_LEGEND },
                { "system", no_argument, NULL, ARG_SYSTEM },
                { "session", no_argument, NULL, ARG_SESSION },
                { "user", no_argument, NULL, ARG_SESSION },
                { "address", required_argument, NULL, ARG_ADDRESS },
                { "why", required_argument, NULL, ARG_WHY },
                {},
        };
        Ctl ctl = { .legend = true };
        CtlBusKind kind = CTL_BUS_SYSTEM;
        const char *address = NULL;
        const Command *cmd = NULL;
        const char *drive = NULL, *why = NULL;
        char **command = NULL;
        int c, r;

        setlocale(LC_ALL, "");
        bindtextdomain(GETTEXT_PACKAGE, locale_dir());
        bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
        textdomain(GETTEXT_PACKAGE);

        /* "inhibit … -- COMMAND ARGS": everything after "--" is the command, untouched by option parsing. */
        for (int i = 1; i < argc; i++)
                if (strcmp(argv[i], "--") == 0) {
                        command = argv + i + 1;
                        argv[i] = NULL;
                        argc = i;
                        break;
                }

        /* getopt prints its own complaint about an unknown option; opterr stays on for that. */
        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case 'h': help(); return CTL_EXIT_OK;
                case ARG_VERSION: printf("multisessionctl %s\n", PACKAGE_VERSION); return CTL_EXIT_OK;
                case ARG_JSON: ctl.json = true; break;
                case ARG_NO_LEGEND: ctl.legend = false; break;
                case ARG_SYSTEM: kind = CTL_BUS_SYSTEM; break;
                case ARG_SESSION: kind = CTL_BUS_SESSION; break;
                case ARG_ADDRESS:
                        kind = CTL_BUS_ADDRESS;
                        address = optarg;
                        break;
                case ARG_WHY: why = optarg; break;
                default:
                        fprintf(stderr, _("Try '%s --help' for more information.\n"),
                                program_invocation_short_name);
                        return CTL_EXIT_USAGE;
                }

        if (optind >= argc)
                return usage_error(_("A command is needed: %s"),
                                   "list, status, msinfo, tracks, refresh, monitor, inhibit");
        if (strcmp(argv[optind], "inhibit") == 0) {
                optind++;
                if (optind < argc)
                        drive = argv[optind++];
                if (optind < argc)
                        return usage_error(_("Unexpected argument '%s'."), argv[optind]);
                if (!command || !command[0])
                        return usage_error(_("inhibit needs a command to run after --"));
                r = ctl_connect(kind, address, &ctl.bus);
                if (r < 0) {
                        ctl_log(NULL, _("Cannot connect to the bus: %s"), strerror(-r));
                        return CTL_EXIT_NO_SERVICE;
                }
                r = ctl_inhibit(&ctl, drive, why, command);
                sd_bus_flush_close_unref(ctl.bus);
                return r;
        }
        if (command || why)
                return usage_error(_("Only inhibit takes --why and a command after --"));
        for (size_t i = 0; i < ELEMENTSOF(commands); i++)
                if (strcmp(argv[optind], commands[i].name) == 0)
                        cmd = &commands[i];
        if (!cmd)
                return usage_error(_("Unknown command '%s'."), argv[optind]);
        optind++;
        if (cmd->takes_drive && optind < argc)
                drive = argv[optind++];
        if (optind < argc)
                return usage_error(_("Unexpected argument '%s'."), argv[optind]);

        r = ctl_connect(kind, address, &ctl.bus);
        if (r < 0) {
                if (kind == CTL_BUS_SYSTEM)
                        ctl_log(NULL, _("Cannot connect to the system bus: %s"), strerror(-r));
                else if (kind == CTL_BUS_SESSION)
                        ctl_log(NULL, _("Cannot connect to the session bus: %s"), strerror(-r));
                else
                        ctl_log(NULL, _("Cannot connect to the bus at %s: %s"), address, strerror(-r));
                return CTL_EXIT_NO_SERVICE;
        }

        r = cmd->takes_drive ? cmd->with_drive(&ctl, drive) : cmd->plain(&ctl);
        sd_bus_flush_close_unref(ctl.bus);
        return r;
}
