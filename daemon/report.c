/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <inttypes.h>
#include <string.h>
#include <wchar.h>

#include "i18n.h"
#include "json.h"
#include "macro.h"
#include "report.h"

static const char *const interfaces[] = { IFACE_SEQUENTIAL, IFACE_DRIVE, IFACE_RANDOM_WRITE };

static void json_value(JsonWriter *w, const PropertyValue *x) {
        switch (x->type) {
        case 'b': json_bool(w, x->b); break;
        case 'i': json_int(w, x->i); break;
        case 'u': json_uint(w, x->u); break;
        case 'q': json_uint(w, x->q); break;
        case 't': json_uint(w, x->t); break;
        default: json_string(w, x->s); break;
        }
}

void report_json(FILE *f, const DriveView *v, const TrackEntry *tracks, size_t n_tracks) {
        JsonWriter w;

        json_init(&w, f);
        json_begin_object(&w);
        for (size_t k = 0; k < ELEMENTSOF(interfaces); k++) {
                json_key(&w, interfaces[k]);
                json_begin_object(&w);
                for (unsigned p = 0; p < n_drive_properties; p++) {
                        PropertyValue x;

                        if (strcmp(drive_properties[p].interface, interfaces[k]) != 0)
                                continue;
                        drive_property_get(v, &drive_properties[p], &x);
                        json_key(&w, drive_properties[p].name);
                        json_value(&w, &x);
                }
                if (strcmp(interfaces[k], IFACE_DRIVE) == 0) {
                        /* A one-shot probe holds no inhibitors; the key keeps the bus object's shape. */
                        json_key(&w, "Inhibitors");
                        json_begin_array(&w);
                        json_end_array(&w);
                }
                json_end_object(&w);
        }

        json_key(&w, "Tracks");
        json_begin_array(&w);
        for (size_t i = 0; i < n_tracks; i++) {
                const TrackEntry *t = &tracks[i];

                json_begin_object(&w);
                json_key(&w, "Session");
                json_uint(&w, t->session);
                json_key(&w, "Track");
                json_uint(&w, t->track);
                json_key(&w, "Start");
                json_int(&w, t->start);
                json_key(&w, "Size");
                json_int(&w, t->size);
                json_key(&w, "LastRecorded");
                json_int(&w, t->last_recorded);
                json_key(&w, "IsData");
                json_bool(&w, t->is_data);
                json_key(&w, "State");
                json_string(&w, track_state_to_string(t->state));
                json_end_object(&w);
        }
        json_end_array(&w);
        json_end_object(&w);
}

static void text_value(FILE *f, const PropertyDef *p, const PropertyValue *x) {
        switch (x->type) {
        case 'b': fputs(x->b ? _("yes") : _("no"), f); break;
        case 'i': fprintf(f, "%" PRId32, x->i); break;
        case 'u':
                if (strcmp(p->name, "CurrentMediaStatus") == 0)
                        fprintf(f, "0x%04" PRIx32, x->u);
                else
                        fprintf(f, "%" PRIu32, x->u);
                break;
        case 'q': fprintf(f, "0x%04x (%s)", x->q, mmc_profile_to_string(x->q)); break;
        case 't': fprintf(f, "%" PRIu64, x->t); break;
        default: fputs(x->s && *x->s ? x->s : "-", f); break;
        }
}

/* Pads to a width in screen columns, not bytes: translated headings ("Größe", "données") are UTF-8. */
static void put_padded(FILE *f, const char *s, int width, bool right) {
        wchar_t w[128];
        size_t n = mbstowcs(w, s, ELEMENTSOF(w) - 1);
        int cols = n == (size_t) -1 ? (int) strlen(s) : wcswidth(w, n);

        if (cols < 0)
                cols = (int) strlen(s);
        if (right)
                fprintf(f, "%*s%s", MAX(width - cols, 0), "", s);
        else
                fprintf(f, "%s%*s", s, MAX(width - cols, 0), "");
}

void report_text(FILE *f, const DriveView *v, const TrackEntry *tracks, size_t n_tracks) {
        for (size_t k = 0; k < ELEMENTSOF(interfaces); k++) {
                fprintf(f, "%s%s:\n", k > 0 ? "\n" : "", interfaces[k]);
                for (unsigned p = 0; p < n_drive_properties; p++) {
                        PropertyValue x;

                        if (strcmp(drive_properties[p].interface, interfaces[k]) != 0)
                                continue;
                        drive_property_get(v, &drive_properties[p], &x);
                        fprintf(f, "  %-36s ", drive_properties[p].name);
                        text_value(f, &drive_properties[p], &x);
                        fputc('\n', f);
                }
        }

        fprintf(f, "\n%s:\n", _("Tracks"));
        if (n_tracks == 0) {
                fprintf(f, "  %s\n", _("(none)"));
                return;
        }
        fputs("  ", f);
        put_padded(f, _("Sess"), 4, true);
        fputc(' ', f);
        put_padded(f, _("Track"), 5, true);
        fputc(' ', f);
        put_padded(f, _("Start"), 10, true);
        fputc(' ', f);
        put_padded(f, _("Size"), 10, true);
        fputc(' ', f);
        put_padded(f, _("LastRec"), 10, true);
        fputc(' ', f);
        put_padded(f, _("Type"), 7, false);
        fprintf(f, " %s\n", _("State"));
        for (size_t i = 0; i < n_tracks; i++) {
                const TrackEntry *t = &tracks[i];

                fprintf(f, "  %4" PRIu32 " %5" PRIu32 " %10" PRId32 " %10" PRId32 " %10" PRId32 " ",
                        t->session, t->track, t->start, t->size, t->last_recorded);
                put_padded(f, t->is_data ? _("data") : _("audio"), 7, false);
                fprintf(f, " %s\n", track_state_to_string(t->state));
        }
}
