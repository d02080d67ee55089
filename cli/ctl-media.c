/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* msinfo and tracks: the two method calls that answer about the medium itself. */

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "ctl.h"

/* GetTracks costs one READ TRACK INFORMATION per track (99 on a full CD), each up to the drive's timeout. */
#define TRACKS_TIMEOUT_USEC (120ULL * 1000000ULL)

/* IMAPI_FORMAT2_DATA_MEDIA_STATE bits (the XML's CurrentMediaStatus). */
#define MEDIA_STATE_BLANK             0x0002u
#define MEDIA_STATE_DAMAGED           0x0400u
#define MEDIA_STATE_NON_EMPTY_SESSION 0x1000u
#define MEDIA_STATE_WRITE_PROTECTED   0x2000u
#define MEDIA_STATE_FINALIZED         0x4000u

/* InvalidMediaState says only "not in this state"; the properties of the same probe say which state, so
 * the person at the shell learns what to do instead. */
static const char *why_no_new_session(const CtlDrive *d) {
        int64_t bits = ctl_drive_get_int(d, IFACE_DRIVE, "CurrentMediaStatus", 0);
        int64_t profile = ctl_drive_get_int(d, IFACE_DRIVE, "CurrentProfile", 0);

        if (ctl_drive_get_bool(d, IFACE_RANDOM_WRITE, "InUse"))
                return _("The overwritable medium holds no ISO 9660 volume to continue; write the first "
                         "session "
                         "without -C.");
        if (bits & MEDIA_STATE_BLANK)
                return _("The disc is blank: there is no previous session to continue; write the first "
                         "session "
                         "without -C.");
        if (bits & MEDIA_STATE_FINALIZED)
                return _("The disc is closed (finalized): it cannot take another session.");
        if (bits & MEDIA_STATE_DAMAGED)
                return _("The last session on the disc is damaged: it cannot take another session.");
        if (bits & MEDIA_STATE_NON_EMPTY_SESSION)
                return _("The last session is still open (incomplete): close it before starting a new one.");
        if (bits & MEDIA_STATE_WRITE_PROTECTED)
                return _("The disc is write-protected.");
        if (profile == 0x11 || profile == 0x14)
                return _("The DVD-R/-RW was not written in incremental mode: it cannot take another "
                         "session.");
        return _("The medium cannot take a new session in its current state.");
}

int ctl_msinfo(Ctl *ctl, const char *drive) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(ctl_drives_done) CtlDriveList l = {};
        const CtlDrive *d;
        int32_t start, next;
        int r;

        r = ctl_drives_load_one(ctl, drive, &l, &d);
        if (r != 0)
                return r;

        r = sd_bus_call_method(ctl->bus, SERVICE_NAME, d->path, IFACE_SEQUENTIAL, "GetMultisessionInfo",
                               &error, &reply, NULL);
        if (r < 0) {
                if (sd_bus_error_has_name(&error, ERROR_PREFIX "InvalidMediaState")) {
                        ctl_log(d->name, "%s", why_no_new_session(d));
                        return CTL_EXIT_CANNOT_APPEND;
                }
                return ctl_bus_error(d->name, &error, r);
        }
        r = sd_bus_message_read(reply, "ii", &start, &next);
        if (r < 0)
                return ctl_bus_error(d->name, NULL, r);

        if (ctl->json) {
                CtlJson j;

                ctl_json_init(&j, stdout, true);
                ctl_json_begin_object(&j);
                ctl_json_key(&j, "Start");
                ctl_json_int(&j, start);
                ctl_json_key(&j, "Next");
                ctl_json_int(&j, next);
                ctl_json_end_object(&j);
                ctl_json_finish(&j);
        } else
                /* Exactly cdrecord -msinfo's line: scripts paste it after mkisofs -C. */
                printf("%" PRId32 ",%" PRId32 "\n", start, next);
        return fflush(stdout) == 0 ? CTL_EXIT_OK : CTL_EXIT_FAILURE;
}

typedef struct Track {
        uint32_t session, track;
        int32_t start, size, last_recorded;
        int is_data;
        const char *state;
} Track;

static const char *state_text(const char *state) {
        /* GetTracks' state words, for people. */
        if (strcmp(state, "complete") == 0)
                return C_("track state", "complete");
        if (strcmp(state, "incomplete") == 0)
                return C_("track state", "incomplete");
        if (strcmp(state, "invisible") == 0)
                return C_("track state", "invisible");
        if (strcmp(state, "reserved") == 0)
                return C_("track state", "reserved");
        if (strcmp(state, "damaged") == 0)
                return C_("track state", "damaged");
        return state;
}

static int print_track_row(CtlTable *t, const Track *k) {
        char session[16], track[16], start[16], size[16], lra[16];
        const char *cells[] = {
                session,
                track,
                start,
                size,
                lra,
                k->is_data ? C_("track type", "data") : C_("track type", "audio"),
                state_text(k->state),
        };

        snprintf(session, sizeof(session), "%" PRIu32, k->session);
        snprintf(track, sizeof(track), "%" PRIu32, k->track);
        snprintf(start, sizeof(start), "%" PRId32, k->start);
        snprintf(size, sizeof(size), "%" PRId32, k->size);
        if (k->last_recorded < 0)
                strcpy(lra, "-");
        else
                snprintf(lra, sizeof(lra), "%" PRId32, k->last_recorded);
        return ctl_table_add_row(t, cells);
}

int ctl_tracks(Ctl *ctl, const char *drive) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
        _cleanup_(ctl_drives_done) CtlDriveList l = {};
        const char *headers[] = {
                /* Translators: column headings of "multisessionctl tracks" (xorriso -toc's columns). */
                _("SESSION"), _("TRACK"), _("START"), _("SIZE"), _("LAST RECORDED"), _("TYPE"), _("STATE"),
        };
        static const bool right[] = { true, true, true, true, true, false, false };
        CtlTable *t = NULL;
        CtlJson j;
        const CtlDrive *d;
        Track k;
        int r;

        r = ctl_drives_load_one(ctl, drive, &l, &d);
        if (r != 0)
                return r;

        r = sd_bus_message_new_method_call(ctl->bus, &m, SERVICE_NAME, d->path, IFACE_DRIVE, "GetTracks");
        if (r < 0)
                return ctl_bus_error(d->name, NULL, r);
        r = sd_bus_call(ctl->bus, m, TRACKS_TIMEOUT_USEC, &error, &reply);
        if (r < 0)
                return ctl_bus_error(d->name, &error, r);

        r = sd_bus_message_enter_container(reply, 'a', "(uuiiibs)");
        if (r < 0)
                return ctl_bus_error(d->name, NULL, r);
        if (ctl->json) {
                ctl_json_init(&j, stdout, true);
                ctl_json_begin_array(&j);
        } else {
                t = ctl_table_new(ELEMENTSOF(headers), headers, right);
                if (!t)
                        return ctl_bus_error(d->name, NULL, -ENOMEM);
        }

        while ((r = sd_bus_message_read(reply, "(uuiiibs)", &k.session, &k.track, &k.start, &k.size,
                                        &k.last_recorded, &k.is_data, &k.state)) > 0) {
                if (!ctl->json) {
                        r = print_track_row(t, &k);
                        if (r < 0)
                                break;
                        continue;
                }
                /* The keys of multisessiond --probe --json's "Tracks" (design.md §2.5). */
                ctl_json_begin_object(&j);
                ctl_json_key(&j, "Session");
                ctl_json_uint(&j, k.session);
                ctl_json_key(&j, "Track");
                ctl_json_uint(&j, k.track);
                ctl_json_key(&j, "Start");
                ctl_json_int(&j, k.start);
                ctl_json_key(&j, "Size");
                ctl_json_int(&j, k.size);
                ctl_json_key(&j, "LastRecorded");
                ctl_json_int(&j, k.last_recorded);
                ctl_json_key(&j, "IsData");
                ctl_json_bool(&j, k.is_data);
                ctl_json_key(&j, "State");
                ctl_json_string(&j, k.state);
                ctl_json_end_object(&j);
        }
        if (r < 0) {
                ctl_table_free(t);
                return ctl_bus_error(d->name, NULL, r);
        }

        if (ctl->json) {
                ctl_json_end_array(&j);
                ctl_json_finish(&j);
        } else {
                ctl_table_print(t, stdout, ctl->legend);
                ctl_table_free(t);
        }
        return fflush(stdout) == 0 ? CTL_EXIT_OK : CTL_EXIT_FAILURE;
}
