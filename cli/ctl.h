/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * multisessionctl: a client of multisessiond that reads everything from the bus. It shares no code with
 * the daemon on purpose, so that it sees the API exactly as any other client does (design.md §2).
 */

#include <libintl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <systemd/sd-bus.h>

#define _(s)  gettext(s)
#define N_(s) (s)
/* A message with a context, where one English word needs two translations ("damaged" track and medium
 * take different genders in French). xgettext's glib preset extracts C_(context, text). */
#define C_(context, s) ctl_pgettext(context "\004" s, s)

static inline const char *ctl_pgettext(const char *context_and_id, const char *msgid) {
        const char *t = gettext(context_and_id);

        return t == context_and_id ? msgid : t;
}

#define _cleanup_(f)   __attribute__((cleanup(f)))
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define ELEMENTSOF(x)  (sizeof(x) / sizeof((x)[0]))

static inline void freep(void *p) {
        free(*(void **) p);
}
#define _cleanup_free_ _cleanup_(freep)

#define SERVICE_NAME        "org.example.MultisessionSequential"
#define OBJECT_ROOT         "/org/example/MultisessionSequential"
#define OBJECT_DRIVE_PREFIX "/org/example/MultisessionSequential/drive"
#define IFACE_SEQUENTIAL    "org.example.MultisessionSequential"
#define IFACE_DRIVE         "org.example.MultisessionSequential.Drive"
#define IFACE_RANDOM_WRITE  "org.example.MultisessionRandomWrite"
#define IFACE_MANAGER       "org.example.MultisessionSequential.Manager"
#define ERROR_PREFIX        "org.example.MultisessionSequential.Error."

/* Exit codes, documented in --help and multisessionctl(1). 2..5 let a burn script tell why msinfo has no
 * answer without parsing text; 64 is sysexits.h's EX_USAGE, since 2 is taken by "no medium". */
enum {
        CTL_EXIT_OK = 0,
        CTL_EXIT_FAILURE = 1,
        CTL_EXIT_NO_MEDIUM = 2,
        CTL_EXIT_CANNOT_APPEND = 3,
        CTL_EXIT_INCOMPATIBLE = 4,
        CTL_EXIT_NOT_READY = 5,
        CTL_EXIT_NO_DRIVE = 6,
        CTL_EXIT_NO_SERVICE = 7,
        CTL_EXIT_USAGE = 64,
};

typedef enum CtlBusKind {
        CTL_BUS_SYSTEM,
        CTL_BUS_SESSION,
        CTL_BUS_ADDRESS,
} CtlBusKind;

typedef struct Ctl {
        sd_bus *bus;
        bool json;
        bool legend;
} Ctl;

/* A D-Bus value of any signature, read out of a message (ctl-drives.c). Containers hold their items. */
typedef struct CtlValue {
        char type; /* b y n q i u x t d s o g h; 'a' array, 'r' struct, 'e' dict entry */
        union {
                bool b;
                int64_t i;  /* n i x */
                uint64_t u; /* y q u t h */
                double d;
                char *s; /* s o g */
        };
        struct CtlValue *items;
        size_t n_items;
} CtlValue;

typedef struct CtlProperty {
        char *name;
        CtlValue value;
} CtlProperty;

typedef struct CtlInterface {
        char *name;
        CtlProperty *properties;
        size_t n_properties;
} CtlInterface;

typedef struct CtlDrive {
        char *path;
        char *name; /* the kernel name, decoded from the object path: "sr0" */
        CtlInterface *interfaces;
        size_t n_interfaces;
} CtlDrive;

typedef struct CtlDriveList {
        CtlDrive *drives;
        size_t n_drives;
} CtlDriveList;

/* ctl-inhibit.c: holds an inhibitor on the drive while command runs; returns its exit status. */
int ctl_inhibit(Ctl *ctl, const char *drive, const char *why, char **command);

/* ctl-bus.c */
int ctl_connect(CtlBusKind kind, const char *address, sd_bus **ret);
void ctl_log(const char *drive, const char *fmt, ...) _printf_(2, 3);
/* Prints why a call failed and returns the exit code for it. */
int ctl_bus_error(const char *drive, const sd_bus_error *error, int r);
int ctl_exit_code_for_error(const sd_bus_error *error);

/* ctl-drives.c */
int ctl_value_read(sd_bus_message *m, CtlValue *ret);
void ctl_value_done(CtlValue *v);
int ctl_interfaces_read(sd_bus_message *m, CtlInterface **ret, size_t *ret_n);
void ctl_interfaces_free(CtlInterface *ifaces, size_t n);
int ctl_drives_load(sd_bus *bus, CtlDriveList *ret, sd_bus_error *error);
void ctl_drives_done(CtlDriveList *l);
/* Loads the drives and picks the one arg names (or the only one); prints the reason and returns an exit
 * code when it cannot. */
int ctl_drives_load_one(Ctl *ctl, const char *arg, CtlDriveList *list, const CtlDrive **ret);
const CtlInterface *ctl_drive_interface(const CtlDrive *d, const char *iface);
const CtlValue *ctl_drive_get(const CtlDrive *d, const char *iface, const char *prop);
int64_t ctl_drive_get_int(const CtlDrive *d, const char *iface, const char *prop, int64_t def);
bool ctl_drive_get_bool(const CtlDrive *d, const char *iface, const char *prop);
const char *ctl_drive_get_string(const CtlDrive *d, const char *iface, const char *prop);
char *ctl_drive_name_from_path(const char *path);

/* ctl-json.c: RFC 8259 output, pretty (two-space indents) or one object per line. */
typedef struct CtlJson {
        FILE *f;
        bool pretty;
        unsigned depth;
        bool need_comma[32];
        bool after_key;
} CtlJson;

void ctl_json_init(CtlJson *j, FILE *f, bool pretty);
void ctl_json_begin_object(CtlJson *j);
void ctl_json_end_object(CtlJson *j);
void ctl_json_begin_array(CtlJson *j);
void ctl_json_end_array(CtlJson *j);
void ctl_json_key(CtlJson *j, const char *key);
void ctl_json_string(CtlJson *j, const char *s);
void ctl_json_int(CtlJson *j, int64_t v);
void ctl_json_uint(CtlJson *j, uint64_t v);
void ctl_json_bool(CtlJson *j, bool v);
void ctl_json_value(CtlJson *j, const CtlValue *v);
/* The interfaces of a drive as one object, keyed by interface name (GetManagedObjects' shape). */
void ctl_json_interfaces(CtlJson *j, const CtlDrive *d);
void ctl_json_finish(CtlJson *j);

/* ctl-output.c */
typedef struct CtlTable CtlTable;
CtlTable *ctl_table_new(size_t n_columns, const char *const *headers, const bool *right_aligned);
int ctl_table_add_row(CtlTable *t, const char *const *cells);
void ctl_table_print(const CtlTable *t, FILE *f, bool headers);
void ctl_table_free(CtlTable *t);
/* "41.8 MiB": sectors of 2048 bytes. */
char *ctl_format_mib(int64_t sectors);
/* A value as people read it; the property name picks annotations (sizes, profile names, status bits). */
char *ctl_format_value(const char *prop, const CtlValue *v);
/* A value as monitor prints it: strings bare, everything else as compact JSON. */
char *ctl_format_raw(const CtlValue *v);
/* One word for the state of the medium: "blank", "appendable", "closed", … (translated). */
const char *ctl_media_summary(const CtlDrive *d);

/* The commands. Each returns the process exit code. */
int ctl_list(Ctl *ctl);
int ctl_status(Ctl *ctl, const char *drive);
int ctl_refresh(Ctl *ctl, const char *drive);
int ctl_msinfo(Ctl *ctl, const char *drive);
int ctl_tracks(Ctl *ctl, const char *drive);
int ctl_monitor(Ctl *ctl);
