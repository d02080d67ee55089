/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "ctl.h"

void ctl_json_init(CtlJson *j, FILE *f, bool pretty) {
        *j = (CtlJson){ .f = f, .pretty = pretty };
}

static void newline(CtlJson *j) {
        if (!j->pretty)
                return;
        fputc('\n', j->f);
        for (unsigned i = 0; i < j->depth; i++)
                fputs("  ", j->f);
}

/* Before any value or key: the comma and indent its position needs. */
static void before_value(CtlJson *j) {
        if (j->after_key) {
                j->after_key = false;
                return;
        }
        if (j->depth == 0)
                return;
        if (j->need_comma[j->depth])
                fputc(',', j->f);
        j->need_comma[j->depth] = true;
        newline(j);
}

static void begin(CtlJson *j, char c) {
        before_value(j);
        fputc(c, j->f);
        if (j->depth + 1 < ELEMENTSOF(j->need_comma))
                j->depth++;
        j->need_comma[j->depth] = false;
}

static void end(CtlJson *j, char c) {
        bool had_items = j->need_comma[j->depth];

        if (j->depth > 0)
                j->depth--;
        if (had_items)
                newline(j);
        fputc(c, j->f);
}

void ctl_json_begin_object(CtlJson *j) {
        begin(j, '{');
}

void ctl_json_end_object(CtlJson *j) {
        end(j, '}');
}

void ctl_json_begin_array(CtlJson *j) {
        begin(j, '[');
}

void ctl_json_end_array(CtlJson *j) {
        end(j, ']');
}

static void write_string(CtlJson *j, const char *s) {
        fputc('"', j->f);
        for (const unsigned char *p = (const unsigned char *) s; *p; p++)
                switch (*p) {
                case '"': fputs("\\\"", j->f); break;
                case '\\': fputs("\\\\", j->f); break;
                case '\n': fputs("\\n", j->f); break;
                case '\t': fputs("\\t", j->f); break;
                case '\r': fputs("\\r", j->f); break;
                default:
                        /* D-Bus strings are valid UTF-8 already; only the C0 controls need escaping. */
                        if (*p < 0x20)
                                fprintf(j->f, "\\u%04x", *p);
                        else
                                fputc(*p, j->f);
                }
        fputc('"', j->f);
}

void ctl_json_key(CtlJson *j, const char *key) {
        before_value(j);
        write_string(j, key);
        fputs(j->pretty ? ": " : ":", j->f);
        j->after_key = true;
}

void ctl_json_string(CtlJson *j, const char *s) {
        before_value(j);
        write_string(j, s ? s : "");
}

void ctl_json_int(CtlJson *j, int64_t v) {
        before_value(j);
        fprintf(j->f, "%" PRId64, v);
}

void ctl_json_uint(CtlJson *j, uint64_t v) {
        before_value(j);
        fprintf(j->f, "%" PRIu64, v);
}

void ctl_json_bool(CtlJson *j, bool v) {
        before_value(j);
        fputs(v ? "true" : "false", j->f);
}

static bool is_dict(const CtlValue *v) {
        /* a{s…}: an object; any other array stays an array. */
        if (v->type != 'a' || v->n_items == 0)
                return false;
        for (size_t i = 0; i < v->n_items; i++)
                if (v->items[i].type != 'e' || v->items[i].n_items != 2 || v->items[i].items[0].type != 's')
                        return false;
        return true;
}

void ctl_json_value(CtlJson *j, const CtlValue *v) {
        switch (v->type) {
        case 'b': ctl_json_bool(j, v->b); break;
        case 'n':
        case 'i':
        case 'x': ctl_json_int(j, v->i); break;
        case 'y':
        case 'q':
        case 'u':
        case 't':
        case 'h': ctl_json_uint(j, v->u); break;
        case 'd':
                before_value(j);
                /* JSON has no NaN or infinity. */
                if (isfinite(v->d))
                        fprintf(j->f, "%.17g", v->d);
                else
                        fputs("null", j->f);
                break;
        case 's':
        case 'o':
        case 'g': ctl_json_string(j, v->s); break;
        default:
                if (is_dict(v)) {
                        ctl_json_begin_object(j);
                        for (size_t i = 0; i < v->n_items; i++) {
                                ctl_json_key(j, v->items[i].items[0].s);
                                ctl_json_value(j, &v->items[i].items[1]);
                        }
                        ctl_json_end_object(j);
                        break;
                }
                /* Structs and arrays both become arrays: Inhibitors a(ssu) → [["who", "why", 0], …]. */
                ctl_json_begin_array(j);
                for (size_t i = 0; i < v->n_items; i++)
                        ctl_json_value(j, &v->items[i]);
                ctl_json_end_array(j);
                break;
        }
}

/* The order of `multisessiond --probe --json` (design.md §2.5): the same keys, without "Tracks". */
static const char *const interface_order[] = { IFACE_SEQUENTIAL, IFACE_DRIVE, IFACE_RANDOM_WRITE };

static void json_interface(CtlJson *j, const CtlInterface *i) {
        ctl_json_key(j, i->name);
        ctl_json_begin_object(j);
        for (size_t p = 0; p < i->n_properties; p++) {
                ctl_json_key(j, i->properties[p].name);
                ctl_json_value(j, &i->properties[p].value);
        }
        ctl_json_end_object(j);
}

void ctl_json_interfaces(CtlJson *j, const CtlDrive *d) {
        ctl_json_begin_object(j);
        for (size_t k = 0; k < ELEMENTSOF(interface_order); k++) {
                const CtlInterface *i = ctl_drive_interface(d, interface_order[k]);

                if (i)
                        json_interface(j, i);
        }
        /* Interfaces a newer daemon may add. */
        for (size_t n = 0; n < d->n_interfaces; n++) {
                bool known = false;

                for (size_t k = 0; k < ELEMENTSOF(interface_order); k++)
                        known = known || strcmp(d->interfaces[n].name, interface_order[k]) == 0;
                if (!known)
                        json_interface(j, &d->interfaces[n]);
        }
        ctl_json_end_object(j);
}

void ctl_json_finish(CtlJson *j) {
        fputc('\n', j->f);
}
