/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Every property a drive object publishes, as one table. The D-Bus vtables, the one-shot JSON and the
 * human output all read it, so a property is named, typed and computed in exactly one place.
 */

#include <stdbool.h>
#include <stdint.h>

#include "drive-info.h"
#include "multisession.h"

#define IFACE_SEQUENTIAL    "org.example.MultisessionSequential"
#define IFACE_DRIVE         "org.example.MultisessionSequential.Drive"
#define IFACE_RANDOM_WRITE  "org.example.MultisessionRandomWrite"
#define IFACE_MANAGER       "org.example.MultisessionSequential.Manager"
#define OBJECT_ROOT         "/org/example/MultisessionSequential"
#define OBJECT_DRIVE_PREFIX "/org/example/MultisessionSequential/drive"

/* A drive as the outside sees it at one moment. */
typedef struct DriveView {
        const DriveInfo *info;
        const MediaState *media;
        const char *object_path;
        const char *probe_state; /* "idle", "probing", … */
        const char *last_error;  /* full D-Bus error name, or "" */
        uint64_t time_media_detected;
        bool inhibited;
} DriveView;

typedef struct PropertyValue {
        char type; /* D-Bus signature character: b i u q t s o */
        union {
                bool b;
                int32_t i;
                uint32_t u;
                uint16_t q;
                uint64_t t;
                const char *s; /* also 'o' */
        };
} PropertyValue;

typedef struct PropertyDef {
        const char *interface;
        const char *name;
        const char *signature;
        bool is_const; /* never changes while the object lives */
        unsigned id;
} PropertyDef;

extern const PropertyDef drive_properties[];
extern const unsigned n_drive_properties;

/* The value of one property. */
void drive_property_get(const DriveView *v, const PropertyDef *p, PropertyValue *ret);
const PropertyDef *drive_property_find(const char *interface, const char *name);
bool property_value_equal(const PropertyValue *a, const PropertyValue *b);
