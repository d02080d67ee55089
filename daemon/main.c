/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "config.h"
#include "daemon.h"
#include "i18n.h"
#include "oneshot.h"

static void help(void) {
        printf("%s [%s]\n\n%s\n\n", "multisessiond", _("OPTIONS..."),
               _("Publishes where the next session of each optical disc goes, on D-Bus."));
        printf("  -h --help              %s\n", _("Show this help"));
        printf("     --version           %s\n", _("Show the version"));
        printf("     --system            %s\n", _("Serve on the system bus (default)"));
        printf("     --session           %s\n", _("Serve on the session bus"));
        printf("     --address=ADDRESS   %s\n", _("Serve on the bus at ADDRESS"));
        printf("     --probe DEVICE      %s\n",
               _("Probe DEVICE once, print what would be published, and exit"));
        printf("     --json              %s\n", _("With --probe: print JSON"));
        printf("     --timeout MS        %s\n", _("Per-command timeout in milliseconds (default 30000)"));
}

int main(int argc, char *argv[]) {
        enum { ARG_VERSION = 0x100, ARG_PROBE, ARG_JSON, ARG_TIMEOUT, ARG_SYSTEM, ARG_SESSION, ARG_ADDRESS };
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, ARG_VERSION },
                { "probe", required_argument, NULL, ARG_PROBE },
                { "json", no_argument, NULL, ARG_JSON },
                { "timeout", required_argument, NULL, ARG_TIMEOUT },
                { "system", no_argument, NULL, ARG_SYSTEM },
                { "session", no_argument, NULL, ARG_SESSION },
                { "user", no_argument, NULL, ARG_SESSION },
                { "address", required_argument, NULL, ARG_ADDRESS },
                {},
        };
        const char *probe = NULL, *address = NULL;
        BusKind bus = BUS_SYSTEM;
        unsigned timeout_ms = 30000;
        bool json = false;
        int c;

        i18n_setup();
        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case 'h': help(); return 0;
                case ARG_VERSION: printf("multisessiond %s\n", PACKAGE_VERSION); return 0;
                case ARG_PROBE: probe = optarg; break;
                case ARG_JSON: json = true; break;
                case ARG_SYSTEM: bus = BUS_SYSTEM; break;
                case ARG_SESSION: bus = BUS_SESSION; break;
                case ARG_ADDRESS:
                        bus = BUS_ADDRESS;
                        address = optarg;
                        break;
                case ARG_TIMEOUT: {
                        char *end;
                        unsigned long v = strtoul(optarg, &end, 10);

                        if (*end || v == 0 || v > 600000) {
                                fprintf(stderr, _("multisessiond: invalid --timeout '%s'\n"), optarg);
                                return 2;
                        }
                        timeout_ms = (unsigned) v;
                        break;
                }
                default: return 2;
                }

        if (optind < argc) {
                fprintf(stderr, _("multisessiond: unexpected argument '%s'\n"), argv[optind]);
                return 2;
        }
        if (json && !probe) {
                fprintf(stderr, _("multisessiond: --json goes with --probe\n"));
                return 2;
        }
        if (probe)
                return oneshot_probe(probe, json, timeout_ms);

        return daemon_run(bus, address);
}
