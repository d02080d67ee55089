/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <string.h>

#include "macro.h"
#include "properties.h"

enum {
        P_SEQ_SUPPORTED,
        P_SEQ_IN_USE,
        P_SEQ_IMPORT_RECORDER,
        P_SEQ_FREE,
        P_SEQ_FIRST_DATA,
        P_SEQ_LAST_WRITTEN,
        P_SEQ_NWA,
        P_SEQ_START,
        P_SEQ_WRITE_UNIT,

        P_DRIVE_ID,
        P_DRIVE_DEVICE,
        P_DRIVE_DEVICE_NUMBER,
        P_DRIVE_SYSFS_PATH,
        P_DRIVE_VENDOR,
        P_DRIVE_PRODUCT,
        P_DRIVE_REVISION,
        P_DRIVE_MEDIA_PRESENT,
        P_DRIVE_PROFILE,
        P_DRIVE_PHYSICAL_TYPE,
        P_DRIVE_MEDIA_TYPE,
        P_DRIVE_MEDIA_STATUS,
        P_DRIVE_SESSIONS,
        P_DRIVE_TRACKS,
        P_DRIVE_TOTAL,
        P_DRIVE_DISKSEQ,
        P_DRIVE_PROBE_STATE,
        P_DRIVE_LAST_ERROR,
        P_DRIVE_TIME_DETECTED,
        P_DRIVE_INHIBITED,

        P_RW_SUPPORTED,
        P_RW_IN_USE,
        P_RW_IMPORT_RECORDER,
        P_RW_LAST_WRITTEN,
        P_RW_TOTAL,
        P_RW_WRITE_UNIT,
};

/* Order within an interface is the order of design.md §2 and of the XML in dbus/. */
const PropertyDef drive_properties[] = {
        { IFACE_SEQUENTIAL, "IsSupportedOnCurrentMediaState", "b", false, P_SEQ_SUPPORTED },
        { IFACE_SEQUENTIAL, "InUse", "b", false, P_SEQ_IN_USE },
        { IFACE_SEQUENTIAL, "ImportRecorder", "o", false, P_SEQ_IMPORT_RECORDER },
        { IFACE_SEQUENTIAL, "FreeSectorsOnMedia", "i", false, P_SEQ_FREE },
        { IFACE_SEQUENTIAL, "IsFirstDataSession", "b", false, P_SEQ_FIRST_DATA },
        { IFACE_SEQUENTIAL, "LastWrittenAddressOfPreviousSession", "i", false, P_SEQ_LAST_WRITTEN },
        { IFACE_SEQUENTIAL, "NextWritableAddress", "i", false, P_SEQ_NWA },
        { IFACE_SEQUENTIAL, "StartAddressOfPreviousSession", "i", false, P_SEQ_START },
        { IFACE_SEQUENTIAL, "WriteUnitSize", "i", false, P_SEQ_WRITE_UNIT },

        { IFACE_DRIVE, "Id", "s", true, P_DRIVE_ID },
        { IFACE_DRIVE, "Device", "s", true, P_DRIVE_DEVICE },
        { IFACE_DRIVE, "DeviceNumber", "t", true, P_DRIVE_DEVICE_NUMBER },
        { IFACE_DRIVE, "SysfsPath", "s", true, P_DRIVE_SYSFS_PATH },
        { IFACE_DRIVE, "Vendor", "s", true, P_DRIVE_VENDOR },
        { IFACE_DRIVE, "Product", "s", true, P_DRIVE_PRODUCT },
        { IFACE_DRIVE, "Revision", "s", true, P_DRIVE_REVISION },
        { IFACE_DRIVE, "MediaPresent", "b", false, P_DRIVE_MEDIA_PRESENT },
        { IFACE_DRIVE, "CurrentProfile", "q", false, P_DRIVE_PROFILE },
        { IFACE_DRIVE, "MediaPhysicalType", "u", false, P_DRIVE_PHYSICAL_TYPE },
        { IFACE_DRIVE, "MediaType", "s", false, P_DRIVE_MEDIA_TYPE },
        { IFACE_DRIVE, "CurrentMediaStatus", "u", false, P_DRIVE_MEDIA_STATUS },
        { IFACE_DRIVE, "SessionCount", "u", false, P_DRIVE_SESSIONS },
        { IFACE_DRIVE, "TrackCount", "u", false, P_DRIVE_TRACKS },
        { IFACE_DRIVE, "TotalSectorsOnMedia", "i", false, P_DRIVE_TOTAL },
        { IFACE_DRIVE, "DiskSeq", "t", false, P_DRIVE_DISKSEQ },
        { IFACE_DRIVE, "ProbeState", "s", false, P_DRIVE_PROBE_STATE },
        { IFACE_DRIVE, "LastError", "s", false, P_DRIVE_LAST_ERROR },
        { IFACE_DRIVE, "TimeMediaDetected", "t", false, P_DRIVE_TIME_DETECTED },
        { IFACE_DRIVE, "Inhibited", "b", false, P_DRIVE_INHIBITED },

        { IFACE_RANDOM_WRITE, "IsSupportedOnCurrentMediaState", "b", false, P_RW_SUPPORTED },
        { IFACE_RANDOM_WRITE, "InUse", "b", false, P_RW_IN_USE },
        { IFACE_RANDOM_WRITE, "ImportRecorder", "o", true, P_RW_IMPORT_RECORDER },
        { IFACE_RANDOM_WRITE, "LastWrittenAddress", "i", false, P_RW_LAST_WRITTEN },
        { IFACE_RANDOM_WRITE, "TotalSectorsOnMedia", "i", false, P_RW_TOTAL },
        { IFACE_RANDOM_WRITE, "WriteUnitSize", "i", false, P_RW_WRITE_UNIT },
};

const unsigned n_drive_properties = ELEMENTSOF(drive_properties);

static const char *str(const char *s) {
        return s ? s : "";
}

void drive_property_get(const DriveView *v, const PropertyDef *p, PropertyValue *ret) {
        const MediaState *m = v->media;
        const DriveInfo *i = v->info;
        PropertyValue x = { .type = p->signature[0] };

        switch (p->id) {
        case P_SEQ_SUPPORTED: x.b = m->seq_supported; break;
        case P_SEQ_IN_USE: x.b = m->seq_in_use; break;
        case P_SEQ_IMPORT_RECORDER:
        case P_RW_IMPORT_RECORDER: x.s = str(v->object_path); break;
        case P_SEQ_FREE: x.i = m->seq_free_sectors; break;
        case P_SEQ_FIRST_DATA: x.b = m->seq_first_data_session; break;
        case P_SEQ_LAST_WRITTEN: x.i = m->seq_last_written_prev; break;
        case P_SEQ_NWA: x.i = m->seq_next_writable; break;
        case P_SEQ_START: x.i = m->seq_start_prev; break;
        case P_SEQ_WRITE_UNIT: x.i = m->seq_write_unit; break;

        case P_DRIVE_ID: x.s = str(i->id); break;
        case P_DRIVE_DEVICE: x.s = str(i->devnode); break;
        case P_DRIVE_DEVICE_NUMBER: x.t = (uint64_t) i->devnum; break;
        case P_DRIVE_SYSFS_PATH: x.s = str(i->syspath); break;
        case P_DRIVE_VENDOR: x.s = str(i->vendor); break;
        case P_DRIVE_PRODUCT: x.s = str(i->product); break;
        case P_DRIVE_REVISION: x.s = str(i->revision); break;
        case P_DRIVE_MEDIA_PRESENT: x.b = m->media_present; break;
        case P_DRIVE_PROFILE: x.q = m->profile; break;
        case P_DRIVE_PHYSICAL_TYPE: x.u = m->physical_type; break;
        case P_DRIVE_MEDIA_TYPE: x.s = str(m->media_type); break;
        case P_DRIVE_MEDIA_STATUS: x.u = m->media_status; break;
        case P_DRIVE_SESSIONS: x.u = m->session_count; break;
        case P_DRIVE_TRACKS: x.u = m->track_count; break;
        case P_DRIVE_TOTAL: x.i = m->total_sectors; break;
        case P_DRIVE_DISKSEQ: x.t = i->diskseq; break;
        case P_DRIVE_PROBE_STATE: x.s = str(v->probe_state); break;
        case P_DRIVE_LAST_ERROR: x.s = str(v->last_error); break;
        case P_DRIVE_TIME_DETECTED: x.t = v->time_media_detected; break;
        case P_DRIVE_INHIBITED: x.b = v->inhibited; break;

        case P_RW_SUPPORTED: x.b = m->rw_supported; break;
        case P_RW_IN_USE: x.b = m->rw_in_use; break;
        case P_RW_LAST_WRITTEN: x.i = m->rw_last_written; break;
        case P_RW_TOTAL: x.i = m->rw_total_sectors; break;
        case P_RW_WRITE_UNIT: x.i = m->rw_write_unit; break;
        }
        *ret = x;
}

const PropertyDef *drive_property_find(const char *interface, const char *name) {
        for (unsigned k = 0; k < n_drive_properties; k++)
                if (streq_ptr(drive_properties[k].interface, interface) &&
                    streq_ptr(drive_properties[k].name, name))
                        return &drive_properties[k];
        return NULL;
}

bool property_value_equal(const PropertyValue *a, const PropertyValue *b) {
        if (a->type != b->type)
                return false;
        switch (a->type) {
        case 'b': return a->b == b->b;
        case 'i': return a->i == b->i;
        case 'u': return a->u == b->u;
        case 'q': return a->q == b->q;
        case 't': return a->t == b->t;
        default: return streq_ptr(a->s, b->s);
        }
}
