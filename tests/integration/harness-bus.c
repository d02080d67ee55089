/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* See harness.h: the command log, the control FIFO, recorded signals, calls and waiting for a probe. */

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "harness-private.h"

/* ---- command log and control ---- */

void harness_log_refresh(Harness *h) {
        g_autoptr(GFile) f = g_file_new_for_path(h->log_path);
        g_autoptr(GFileInputStream) in = g_file_read(f, NULL, NULL);
        char buf[16384];
        gssize n;

        if (!in)
                return; /* not created yet */
        if (!g_seekable_seek(G_SEEKABLE(in), h->log_offset, G_SEEK_SET, NULL, NULL))
                return;
        while ((n = g_input_stream_read(G_INPUT_STREAM(in), buf, sizeof(buf), NULL, NULL)) > 0) {
                h->log_offset += n;
                g_string_append_len(h->log_partial, buf, n);
        }
        for (char *nl; (nl = memchr(h->log_partial->str, '\n', h->log_partial->len));) {
                g_ptr_array_add(h->log_lines, g_strndup(h->log_partial->str, nl - h->log_partial->str));
                g_string_erase(h->log_partial, 0, nl - h->log_partial->str + 1);
        }
}

guint harness_log_mark(Harness *h) {
        harness_log_refresh(h);
        return h->log_lines->len;
}

char **harness_log_lines(Harness *h, guint from) {
        GPtrArray *a = g_ptr_array_new();

        harness_log_refresh(h);
        for (guint i = from; i < h->log_lines->len; i++)
                g_ptr_array_add(a, g_strdup(h->log_lines->pdata[i]));
        g_ptr_array_add(a, NULL);
        return (char **) g_ptr_array_free(a, FALSE);
}

/* "sr0 46 00 …" → TRUE with the node and the opcode; "sr0 ioctl …" and "# …" → FALSE. */
static bool parse_sgio_line(const char *line, char node[16], guint8 *opcode) {
        const char *sp = strchr(line, ' ');
        size_t len;

        if (!g_str_has_prefix(line, "sr") || !sp || (len = (size_t) (sp - line)) >= 16)
                return false;
        if (!g_ascii_isxdigit(sp[1]) || !g_ascii_isxdigit(sp[2]) || (sp[3] != ' ' && sp[3] != '\0'))
                return false;
        memcpy(node, line, len);
        node[len] = '\0';
        *opcode = (guint8) (g_ascii_xdigit_value(sp[1]) << 4 | g_ascii_xdigit_value(sp[2]));
        return true;
}

guint harness_log_count_opcode(char **lines, const char *node, guint8 opcode) {
        guint n = 0;

        for (size_t i = 0; lines && lines[i]; i++) {
                char name[16];
                guint8 op;
                if (parse_sgio_line(lines[i], name, &op) && op == opcode && (!node || strcmp(name, node) == 0))
                        n++;
        }
        return n;
}

gboolean harness_log_check_allowlist(char **lines, GString *offenders, guint *ret_n_sgio) {
        /* design.md §3 / transport-sg.c: TEST UNIT READY, REQUEST SENSE, INQUIRY, READ CAPACITY, READ(10),
         * READ TOC/PMA/ATIP, GET CONFIGURATION, GET EVENT STATUS NOTIFICATION, READ DISC INFORMATION,
         * READ TRACK INFORMATION, MODE SENSE(10), READ(12). */
        static const guint8 allow[] = { 0x00, 0x03, 0x12, 0x25, 0x28, 0x43, 0x46, 0x4a, 0x51, 0x52, 0x5a, 0xa8 };
        gboolean ok = TRUE;
        guint n = 0;

        for (size_t i = 0; lines && lines[i]; i++) {
                char name[16];
                guint8 op;
                bool allowed = false;
                if (!parse_sgio_line(lines[i], name, &op))
                        continue;
                n++;
                for (size_t k = 0; k < G_N_ELEMENTS(allow); k++)
                        allowed = allowed || allow[k] == op;
                if (!allowed) {
                        g_string_append_printf(offenders, "  log line %zu: %s\n", i + 1, lines[i]);
                        ok = FALSE;
                }
        }
        if (ret_n_sgio)
                *ret_n_sgio = n;
        return ok;
}

typedef struct ControlWait {
        const char *done; /* "# LINE" */
        char *error;      /* "# error LINE…" when fake-drive refused it */
        guint from;
} ControlWait;

static gboolean cond_control(Harness *h, gpointer data) {
        ControlWait *w = data;
        g_autofree char *err_prefix = g_strdup_printf("# error %s", w->done + 2);

        harness_log_refresh(h);
        for (guint i = w->from; i < h->log_lines->len; i++) {
                const char *l = h->log_lines->pdata[i];
                if (strcmp(l, w->done) == 0)
                        return TRUE;
                if (g_str_has_prefix(l, err_prefix)) {
                        w->error = g_strdup(l);
                        return TRUE;
                }
        }
        return FALSE;
}

gboolean harness_control(Harness *h, const char *fmt, ...) {
        g_autofree char *line = NULL, *buf = NULL, *done = NULL;
        ControlWait w = {};
        va_list ap;
        size_t len;

        va_start(ap, fmt);
        line = g_strdup_vprintf(fmt, ap);
        va_end(ap);
        done = g_strdup_printf("# %s", line);
        buf = g_strdup_printf("%s\n", line);
        len = strlen(buf);

        w.done = done;
        w.from = harness_log_mark(h);
        if (g_str_has_prefix(line, "add "))
                h->had_drive = true;
        /* Shorter than PIPE_BUF: one atomic write, or EAGAIN only if fake-drive stopped reading. */
        if (write(h->fifo_fd, buf, len) != (ssize_t) len)
                return harness_fail(h, "cannot write '%s' to %s: %s", line, h->fifo_path, g_strerror(errno));
        if (!harness_wait(h, cond_control, &w, HARNESS_TIMEOUT_MS))
                return h->watching ? harness_fail(h, "fake-drive did not apply '%s' within %u ms (no '%s' in %s)",
                                                  line, HARNESS_TIMEOUT_MS, done, h->log_path)
                                   : FALSE;
        if (w.error) {
                harness_fail(h, "fake-drive refused '%s': %s", line, w.error);
                g_free(w.error);
                return FALSE;
        }
        return TRUE;
}

/* ---- signals ---- */

guint harness_signals_mark(Harness *h) {
        return h->signals->len;
}

guint harness_n_signals(Harness *h) {
        return h->signals->len;
}

const HarnessSignal *harness_signal(Harness *h, guint index) {
        return index < h->signals->len ? h->signals->pdata[index] : NULL;
}

/* ---- calls ---- */

GVariant *harness_call(Harness *h, const char *path, const char *iface, const char *method, GVariant *params,
                       const GVariantType *reply_type, GError **error) {
        return g_dbus_connection_call_sync(h->bus, MSD_BUS_NAME, path, iface, method, params, reply_type,
                                           G_DBUS_CALL_FLAGS_NO_AUTO_START, HARNESS_TIMEOUT_MS, NULL, error);
}

GVariant *harness_get_all(Harness *h, const char *path, const char *iface) {
        g_autoptr(GError) error = NULL;
        g_autoptr(GVariant) r = harness_call(h, path, DBUS_PROPERTIES_IFACE, "GetAll", g_variant_new("(s)", iface),
                                             G_VARIANT_TYPE("(a{sv})"), &error);
        if (!r) {
                harness_fail(h, "GetAll(%s) on %s failed: %s", iface, path, error->message);
                return NULL;
        }
        return g_variant_get_child_value(r, 0);
}

GVariant *harness_get(Harness *h, const char *path, const char *iface, const char *prop) {
        g_autoptr(GError) error = NULL;
        g_autoptr(GVariant) r = harness_call(h, path, DBUS_PROPERTIES_IFACE, "Get",
                                             g_variant_new("(ss)", iface, prop), G_VARIANT_TYPE("(v)"), &error);
        GVariant *v;

        if (!r) {
                harness_fail(h, "Get(%s.%s) on %s failed: %s", iface, prop, path, error->message);
                return NULL;
        }
        g_variant_get(r, "(v)", &v);
        return v;
}

gboolean harness_sync(Harness *h) {
        g_autoptr(GError) error = NULL;
        g_autoptr(GVariant) r = harness_call(h, MSD_ROOT_PATH, "org.freedesktop.DBus.Peer", "Ping", NULL, NULL,
                                             &error);
        if (!r)
                return harness_fail(h, "Ping to the daemon failed: %s", error->message);
        /* Signals that arrived before the reply are queued on the main context by now. */
        harness_drain(h);
        return TRUE;
}

/* ---- probe state ---- */

bool harness_probe_state_is_final(const char *state) {
        return g_strcmp0(state, "idle") == 0 || g_strcmp0(state, "no-medium") == 0 ||
               g_strcmp0(state, "error") == 0;
}

typedef struct SettleWait {
        const char *path;
        guint64 old_diskseq;
        char *state; /* last seen, for the message */
        guint64 diskseq;
        char *call_error;
} SettleWait;

static gboolean cond_settled(Harness *h, gpointer data) {
        SettleWait *w = data;
        g_autoptr(GError) error = NULL;
        g_autoptr(GVariant) r = harness_call(h, w->path, DBUS_PROPERTIES_IFACE, "GetAll",
                                             g_variant_new("(s)", MSD_DRIVE_IFACE), G_VARIANT_TYPE("(a{sv})"),
                                             &error);
        g_autoptr(GVariant) props = NULL;
        const char *state = NULL;

        if (!r) {
                g_free(w->call_error);
                w->call_error = g_strdup(error->message);
                return FALSE;
        }
        props = g_variant_get_child_value(r, 0);
        if (!g_variant_lookup(props, "ProbeState", "&s", &state) ||
            !g_variant_lookup(props, "DiskSeq", "t", &w->diskseq)) {
                g_free(w->call_error);
                w->call_error = g_strdup("GetAll lacks ProbeState (s) or DiskSeq (t)");
                return FALSE;
        }
        g_free(w->state);
        w->state = g_strdup(state);
        return harness_probe_state_is_final(state) &&
               (w->old_diskseq == HARNESS_ANY_DISKSEQ || w->diskseq != w->old_diskseq);
}

gboolean harness_wait_settled(Harness *h, const char *node, guint64 old_diskseq) {
        g_autofree char *path = harness_drive_path(node);
        SettleWait w = { .path = path, .old_diskseq = old_diskseq };
        gboolean ok = harness_wait(h, cond_settled, &w, HARNESS_TIMEOUT_MS);

        if (!ok && h->watching) {
                if (w.call_error)
                        harness_fail(h, "%s did not settle within %u ms: %s", node, HARNESS_TIMEOUT_MS, w.call_error);
                else if (old_diskseq != HARNESS_ANY_DISKSEQ && w.diskseq == old_diskseq)
                        harness_fail(h, "%s: DiskSeq stayed %" G_GUINT64_FORMAT " for %u ms after the media change "
                                     "(ProbeState %s)", node, w.diskseq, HARNESS_TIMEOUT_MS, w.state);
                else
                        harness_fail(h, "%s: ProbeState still '%s' after %u ms (expected idle, no-medium or error)",
                                     node, w.state, HARNESS_TIMEOUT_MS);
        }
        g_free(w.state);
        g_free(w.call_error);
        return ok;
}

guint64 harness_diskseq(Harness *h, const char *node) {
        g_autofree char *path = harness_drive_path(node);
        g_autoptr(GVariant) v = harness_get(h, path, MSD_DRIVE_IFACE, "DiskSeq");

        if (!v)
                return HARNESS_ANY_DISKSEQ;
        if (!g_variant_is_of_type(v, G_VARIANT_TYPE_UINT64)) {
                harness_fail(h, "%s DiskSeq has type %s, expected t", node, g_variant_get_type_string(v));
                return HARNESS_ANY_DISKSEQ;
        }
        return g_variant_get_uint64(v);
}

gboolean harness_insert(Harness *h, const char *node, const char *file) {
        guint64 old = harness_diskseq(h, node);

        if (old == HARNESS_ANY_DISKSEQ)
                return FALSE;
        if (file ? !harness_control(h, "insert %s %s", node, file) : !harness_control(h, "eject %s", node))
                return FALSE;
        return harness_wait_settled(h, node, old);
}

