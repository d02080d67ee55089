/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <wchar.h>

#include "ctl.h"

struct CtlTable {
        size_t n_columns;
        char **cells; /* row-major; the first row holds the headers */
        size_t n_rows;
        bool *right;
};

CtlTable *ctl_table_new(size_t n_columns, const char *const *headers, const bool *right_aligned) {
        CtlTable *t = calloc(1, sizeof(CtlTable));

        if (!t)
                return NULL;
        t->n_columns = n_columns;
        t->right = calloc(n_columns, sizeof(bool));
        if (!t->right || ctl_table_add_row(t, headers) < 0) {
                ctl_table_free(t);
                return NULL;
        }
        if (right_aligned)
                memcpy(t->right, right_aligned, n_columns * sizeof(bool));
        return t;
}

int ctl_table_add_row(CtlTable *t, const char *const *cells) {
        char **grown = realloc(t->cells, (t->n_rows + 1) * t->n_columns * sizeof(char *));

        if (!grown)
                return -ENOMEM;
        t->cells = grown;
        for (size_t c = 0; c < t->n_columns; c++) {
                char **cell = &t->cells[t->n_rows * t->n_columns + c];

                *cell = strdup(cells[c] ? cells[c] : "");
                if (!*cell) {
                        while (c-- > 0)
                                free(t->cells[t->n_rows * t->n_columns + c]);
                        return -ENOMEM;
                }
        }
        t->n_rows++;
        return 0;
}

void ctl_table_free(CtlTable *t) {
        if (!t)
                return;
        for (size_t i = 0; i < t->n_rows * t->n_columns; i++)
                free(t->cells[i]);
        free(t->cells);
        free(t->right);
        free(t);
}

/* Columns on screen, not bytes: translated headings ("GRÖSSE") must line up too. */
static size_t display_width(const char *s) {
        size_t n = mbstowcs(NULL, s, 0);
        wchar_t *w;
        int width;

        if (n == (size_t) -1)
                return strlen(s);
        w = calloc(n + 1, sizeof(wchar_t));
        if (!w)
                return strlen(s);
        mbstowcs(w, s, n + 1);
        width = wcswidth(w, n);
        free(w);
        return width < 0 ? strlen(s) : (size_t) width;
}

void ctl_table_print(const CtlTable *t, FILE *f, bool headers) {
        size_t *widths = calloc(t->n_columns, sizeof(size_t));

        if (!widths)
                return;
        for (size_t r = headers ? 0 : 1; r < t->n_rows; r++)
                for (size_t c = 0; c < t->n_columns; c++) {
                        size_t w = display_width(t->cells[r * t->n_columns + c]);
                        if (w > widths[c])
                                widths[c] = w;
                }

        for (size_t r = headers ? 0 : 1; r < t->n_rows; r++) {
                for (size_t c = 0; c < t->n_columns; c++) {
                        const char *cell = t->cells[r * t->n_columns + c];
                        size_t pad = widths[c] - display_width(cell);
                        bool last = c + 1 == t->n_columns;

                        if (c > 0)
                                fputs("  ", f);
                        if (t->right[c])
                                fprintf(f, "%*s%s", (int) pad, "", cell);
                        else
                                fprintf(f, "%s%*s", cell, last ? 0 : (int) pad, "");
                }
                fputc('\n', f);
        }
        free(widths);
}

char *ctl_format_mib(int64_t sectors) {
        char *s;

        /* 2048-byte sectors: 512 of them are one MiB. */
        if (asprintf(&s, _("%.1f MiB"), (double) sectors / 512.0) < 0)
                return NULL;
        return s;
}

/* MMC-6 Table 91. */
static const char *profile_name(uint64_t p) {
        static const struct {
                uint16_t profile;
                const char *name;
        } names[] = {
                { 0x0008, "CD-ROM" },
                { 0x0009, "CD-R" },
                { 0x000A, "CD-RW" },
                { 0x0010, "DVD-ROM" },
                { 0x0011, "DVD-R Sequential Recording" },
                { 0x0012, "DVD-RAM" },
                { 0x0013, "DVD-RW Restricted Overwrite" },
                { 0x0014, "DVD-RW Sequential Recording" },
                { 0x0015, "DVD-R DL Sequential Recording" },
                { 0x0016, "DVD-R DL Layer Jump Recording" },
                { 0x001A, "DVD+RW" },
                { 0x001B, "DVD+R" },
                { 0x002A, "DVD+RW DL" },
                { 0x002B, "DVD+R DL" },
                { 0x0040, "BD-ROM" },
                { 0x0041, "BD-R SRM" },
                { 0x0042, "BD-R RRM" },
                { 0x0043, "BD-RE" },
        };

        for (size_t i = 0; i < ELEMENTSOF(names); i++)
                if (names[i].profile == p)
                        return names[i].name;
        return NULL;
}

/* IMAPI_MEDIA_PHYSICAL_TYPE, without the IMAPI_MEDIA_TYPE_ prefix. */
static const char *physical_type_name(uint64_t t) {
        static const char *const names[] = {
                "UNKNOWN",
                "CDROM",
                "CDR",
                "CDRW",
                "DVDROM",
                "DVDRAM",
                "DVDPLUSR",
                "DVDPLUSRW",
                "DVDPLUSR_DUALLAYER",
                "DVDDASHR",
                "DVDDASHRW",
                "DVDDASHR_DUALLAYER",
                "DISK",
                "DVDPLUSRW_DUALLAYER",
                "HDDVDROM",
                "HDDVDR",
                "HDDVDRAM",
                "BDROM",
                "BDR",
                "BDRE",
        };

        return t < ELEMENTSOF(names) ? names[t] : NULL;
}

/* IMAPI_FORMAT2_DATA_MEDIA_STATE bits, without the IMAPI_FORMAT2_DATA_MEDIA_STATE_ prefix. */
static const struct {
        uint32_t bit;
        const char *name;
} media_state_bits[] = {
        { 0x0001, "OVERWRITE_ONLY" },    { 0x0002, "BLANK" },           { 0x0004, "APPENDABLE" },
        { 0x0008, "FINAL_SESSION" },     { 0x0400, "DAMAGED" },         { 0x0800, "ERASE_REQUIRED" },
        { 0x1000, "NON_EMPTY_SESSION" }, { 0x2000, "WRITE_PROTECTED" }, { 0x4000, "FINALIZED" },
        { 0x8000, "UNSUPPORTED_MEDIA" },
};

static char *format_media_state(uint64_t bits) {
        char buf[256];
        size_t n;

        n = (size_t) snprintf(buf, sizeof(buf), "0x%04" PRIx64, bits);
        for (size_t i = 0, first = 1; i < ELEMENTSOF(media_state_bits); i++)
                if (bits & media_state_bits[i].bit) {
                        n += (size_t) snprintf(buf + n, sizeof(buf) - n, "%s%s", first ? " (" : " | ",
                                               media_state_bits[i].name);
                        first = 0;
                        if (n >= sizeof(buf))
                                break;
                }
        if (bits != 0 && n < sizeof(buf) - 1)
                strcat(buf, ")");
        return strdup(buf);
}

static char *format_time(uint64_t usec) {
        char buf[64], *s;
        time_t t = (time_t) (usec / 1000000);
        struct tm tm;

        if (usec == 0)
                return strdup("-");
        if (!localtime_r(&t, &tm) || strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S %Z", &tm) == 0)
                buf[0] = '\0';
        if (asprintf(&s, "%s (%" PRIu64 ")", buf, usec) < 0)
                return NULL;
        return s;
}

static const char *const address_properties[] = {
        "NextWritableAddress",
        "StartAddressOfPreviousSession",
        "LastWrittenAddressOfPreviousSession",
        "LastWrittenAddress",
};

static bool is_address_property(const char *prop) {
        for (size_t i = 0; i < ELEMENTSOF(address_properties); i++)
                if (strcmp(prop, address_properties[i]) == 0)
                        return true;
        return false;
}

/* Lists and structs without JSON's quotes: "xorriso (burning), 0". */
static char *format_container(const CtlValue *v) {
        char *buf = NULL;
        size_t size = 0;
        FILE *f;

        if (v->n_items == 0)
                return strdup("-");
        f = open_memstream(&buf, &size);
        if (!f)
                return NULL;
        for (size_t i = 0; i < v->n_items; i++) {
                _cleanup_free_ char *item = ctl_format_value("", &v->items[i]);
                bool nested = v->items[i].type == 'r' || v->items[i].type == 'e';

                fprintf(f, "%s%s%s%s", i > 0 ? (v->type == 'a' ? "; " : ", ") : "", nested ? "(" : "",
                        item ? item : "?", nested ? ")" : "");
        }
        if (fclose(f) != 0) {
                free(buf);
                return NULL;
        }
        return buf;
}

char *ctl_format_value(const char *prop, const CtlValue *v) {
        char *s = NULL;
        int r = 0;

        switch (v->type) {
        case 'b': return strdup(v->b ? _("yes") : _("no"));
        case 'n':
        case 'i':
        case 'x':
                if (strcmp(prop, "FreeSectorsOnMedia") == 0 || strcmp(prop, "TotalSectorsOnMedia") == 0) {
                        _cleanup_free_ char *mib = ctl_format_mib(v->i);
                        r = asprintf(&s, "%" PRId64 " (%s)", v->i, mib ? mib : "?");
                } else if (strcmp(prop, "WriteUnitSize") == 0 && v->i > 0)
                        /* Translators: a write unit, "16 sectors (32 KiB)". */
                        r = asprintf(&s, _("%lld (%lld KiB)"), (long long) v->i, (long long) v->i * 2);
                else if (is_address_property(prop) && v->i < 0)
                        /* Translators: the −1 sentinel of an address that does not exist. */
                        r = asprintf(&s, _("%lld (none)"), (long long) v->i);
                else
                        r = asprintf(&s, "%" PRId64, v->i);
                break;
        case 'y':
        case 'q':
        case 'u':
        case 't':
        case 'h':
                if (strcmp(prop, "CurrentProfile") == 0) {
                        const char *name = profile_name(v->u);
                        r = name ? asprintf(&s, "0x%04" PRIx64 " (%s)", v->u, name)
                                 : asprintf(&s, "0x%04" PRIx64, v->u);
                } else if (strcmp(prop, "MediaPhysicalType") == 0) {
                        const char *name = physical_type_name(v->u);
                        r = name ? asprintf(&s, "%" PRIu64 " (%s)", v->u, name)
                                 : asprintf(&s, "%" PRIu64, v->u);
                } else if (strcmp(prop, "CurrentMediaStatus") == 0)
                        return format_media_state(v->u);
                else if (strcmp(prop, "TimeMediaDetected") == 0)
                        return format_time(v->u);
                else if (strcmp(prop, "DeviceNumber") == 0)
                        r = asprintf(&s, "%" PRIu64 " (%u:%u)", v->u, major((dev_t) v->u),
                                     minor((dev_t) v->u));
                else
                        r = asprintf(&s, "%" PRIu64, v->u);
                break;
        case 'd': r = asprintf(&s, "%g", v->d); break;
        case 's':
        case 'o':
        case 'g': return strdup(v->s && *v->s ? v->s : "-");
        default: return format_container(v);
        }
        return r < 0 ? NULL : s;
}

char *ctl_format_raw(const CtlValue *v) {
        char *buf = NULL;
        size_t size = 0;
        CtlJson j;
        FILE *f;

        if (v->type == 's' || v->type == 'o' || v->type == 'g')
                return strdup(v->s);
        f = open_memstream(&buf, &size);
        if (!f)
                return NULL;
        ctl_json_init(&j, f, false);
        ctl_json_value(&j, v);
        if (fclose(f) != 0) {
                free(buf);
                return NULL;
        }
        return buf;
}

const char *ctl_media_summary(const CtlDrive *d) {
        int64_t bits = ctl_drive_get_int(d, IFACE_DRIVE, "CurrentMediaStatus", 0);

        if (!ctl_drive_get_bool(d, IFACE_DRIVE, "MediaPresent"))
                return "-";
        /* The most telling bit first: a damaged appendable disc is "damaged". */
        if (bits & 0x8000)
                return C_("medium", "unsupported");
        if (bits & 0x0400)
                return C_("medium", "damaged");
        if (bits & 0x0001)
                return C_("medium", "overwritable");
        if (bits & 0x0002)
                return C_("medium", "blank");
        if (bits & 0x4000)
                return C_("medium", "closed");
        if (bits & 0x1000)
                return C_("medium", "open session");
        if (bits & 0x0004)
                return C_("medium", "appendable");
        return "-";
}
