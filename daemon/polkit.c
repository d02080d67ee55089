/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <stdlib.h>

#include "log.h"
#include "polkit.h"

typedef struct PolkitQuery {
        polkit_done_fn done;
        void *userdata;
} PolkitQuery;

static int on_reply(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        PolkitQuery *q = userdata;
        const sd_bus_error *e = sd_bus_message_get_error(reply);
        int authorized = 0, challenge = 0, r;

        if (e) {
                /* No polkit on this bus (ServiceUnknown) is a "no", as for systemd's services. */
                log_debug("polkit check failed: %s: %s", e->name, e->message);
                q->done(q->userdata, false, -sd_bus_error_get_errno(e));
        } else {
                r = sd_bus_message_enter_container(reply, 'r', "bba{ss}");
                if (r >= 0)
                        r = sd_bus_message_read(reply, "bb", &authorized, &challenge);
                q->done(q->userdata, r >= 0 && authorized, r < 0 ? r : 0);
        }
        free(q);
        return 0;
}

int polkit_check(sd_bus_message *call, const char *action, polkit_done_fn done, void *userdata) {
        _cleanup_(sd_bus_creds_unrefp) sd_bus_creds *creds = NULL;
        PolkitQuery *q;
        const char *sender;
        uid_t uid;
        int r;

        r = sd_bus_query_sender_creds(call, SD_BUS_CREDS_EUID, &creds);
        if (r >= 0)
                r = sd_bus_creds_get_euid(creds, &uid);
        if (r < 0)
                return r;
        if (uid == 0)
                return 1;

        sender = sd_bus_message_get_sender(call);
        if (!sender)
                return -EBADMSG;
        q = calloc(1, sizeof(*q));
        if (!q)
                return -ENOMEM;
        *q = (PolkitQuery){ .done = done, .userdata = userdata };

        /* Subject ("system-bus-name", {"name": sender}); no details; flag 1 = AllowUserInteraction, so
         * an auth_admin action can ask for a password through the session's agent. */
        r = sd_bus_call_method_async(sd_bus_message_get_bus(call), NULL, "org.freedesktop.PolicyKit1",
                                     "/org/freedesktop/PolicyKit1/Authority",
                                     "org.freedesktop.PolicyKit1.Authority", "CheckAuthorization", on_reply,
                                     q, "(sa{sv})sa{ss}us", "system-bus-name", 1, "name", "s", sender,
                                     action, 0, UINT32_C(1), "");
        if (r < 0) {
                free(q);
                return r;
        }
        return 0;
}
