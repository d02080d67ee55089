/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <inttypes.h>

#include "json.h"

void json_init(JsonWriter *w, FILE *f) {
        *w = (JsonWriter){ .f = f };
}

static void indent(JsonWriter *w) {
        fputc('\n', w->f);
        for (unsigned i = 0; i < w->depth; i++)
                fputs("  ", w->f);
}

/* Before a value: a comma and a new line unless it follows its key or opens the container. */
static void before_value(JsonWriter *w) {
        if (w->after_key) {
                w->after_key = false;
                return;
        }
        if (w->depth == 0)
                return;
        if (w->need_comma[w->depth])
                fputc(',', w->f);
        w->need_comma[w->depth] = true;
        indent(w);
}

static void begin(JsonWriter *w, char c) {
        before_value(w);
        fputc(c, w->f);
        if (w->depth + 1 < JSON_MAX_DEPTH)
                w->depth++;
        w->need_comma[w->depth] = false;
}

static void end(JsonWriter *w, char c) {
        bool had_items = w->need_comma[w->depth];

        if (w->depth > 0)
                w->depth--;
        if (had_items)
                indent(w);
        fputc(c, w->f);
        if (w->depth == 0)
                fputc('\n', w->f);
}

void json_begin_object(JsonWriter *w) {
        begin(w, '{');
}

void json_end_object(JsonWriter *w) {
        end(w, '}');
}

void json_begin_array(JsonWriter *w) {
        begin(w, '[');
}

void json_end_array(JsonWriter *w) {
        end(w, ']');
}

static void write_string(FILE *f, const char *s) {
        fputc('"', f);
        for (const unsigned char *p = (const unsigned char *) (s ? s : ""); *p; p++) {
                if (*p == '"' || *p == '\\')
                        fprintf(f, "\\%c", *p);
                else if (*p == '\n')
                        fputs("\\n", f);
                else if (*p == '\t')
                        fputs("\\t", f);
                else if (*p < 0x20 || *p >= 0x7f) /* control bytes; non-ASCII read as Latin-1 */
                        fprintf(f, "\\u%04x", *p);
                else
                        fputc(*p, f);
        }
        fputc('"', f);
}

void json_key(JsonWriter *w, const char *key) {
        before_value(w);
        write_string(w->f, key);
        fputs(": ", w->f);
        w->after_key = true;
}

void json_string(JsonWriter *w, const char *s) {
        before_value(w);
        write_string(w->f, s);
}

void json_int(JsonWriter *w, int64_t v) {
        before_value(w);
        fprintf(w->f, "%" PRId64, v);
}

void json_uint(JsonWriter *w, uint64_t v) {
        before_value(w);
        fprintf(w->f, "%" PRIu64, v);
}

void json_bool(JsonWriter *w, bool v) {
        before_value(w);
        fputs(v ? "true" : "false", w->f);
}
