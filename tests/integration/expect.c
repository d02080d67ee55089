/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <stdlib.h>
#include <string.h>

#include "expect.h"

static bool parse_signed(const char *s, gint64 *ret) {
        char *end = NULL;
        bool neg = s[0] == '-';
        const char *digits = neg ? s + 1 : s;
        guint64 v;

        if (!*digits)
                return false;
        v = g_ascii_strtoull(digits, &end, 0); /* base 0: "0x…" or decimal */
        if (!end || *end)
                return false;
        *ret = neg ? -(gint64) v : (gint64) v;
        return true;
}

bool expect_value_equal(const char *expected, GVariant *actual) {
        gint64 n;

        switch (g_variant_classify(actual)) {
        case G_VARIANT_CLASS_BOOLEAN:
                if (strcmp(expected, "true") != 0 && strcmp(expected, "false") != 0)
                        return false;
                return g_variant_get_boolean(actual) == (strcmp(expected, "true") == 0);
        case G_VARIANT_CLASS_BYTE:
                return parse_signed(expected, &n) && n == g_variant_get_byte(actual);
        case G_VARIANT_CLASS_INT16:
                return parse_signed(expected, &n) && n == g_variant_get_int16(actual);
        case G_VARIANT_CLASS_UINT16:
                return parse_signed(expected, &n) && n == g_variant_get_uint16(actual);
        case G_VARIANT_CLASS_INT32:
                return parse_signed(expected, &n) && n == g_variant_get_int32(actual);
        case G_VARIANT_CLASS_UINT32:
                return parse_signed(expected, &n) && n == (gint64) g_variant_get_uint32(actual);
        case G_VARIANT_CLASS_INT64:
                return parse_signed(expected, &n) && n == g_variant_get_int64(actual);
        case G_VARIANT_CLASS_UINT64:
                return parse_signed(expected, &n) && (guint64) n == g_variant_get_uint64(actual);
        case G_VARIANT_CLASS_STRING:
        case G_VARIANT_CLASS_OBJECT_PATH:
                return strcmp(expected, g_variant_get_string(actual, NULL)) == 0;
        default:
                return false;
        }
}

const char *expect_iface_for_prefix(const char *prefix) {
        if (strcmp(prefix, "seq") == 0)
                return MSD_SEQ_IFACE;
        if (strcmp(prefix, "rw") == 0)
                return MSD_RW_IFACE;
        if (strcmp(prefix, "drive") == 0)
                return MSD_DRIVE_IFACE;
        return NULL;
}

void expect_check_props(const EmuDisc *media, GVariant *seq, GVariant *drive, GVariant *rw, GString *out) {
        for (size_t i = 0; i < emu_disc_n_expect(media); i++) {
                const char *value, *key = emu_disc_expect_nth(media, i, &value);
                const char *dot = strchr(key, '.');
                g_autofree char *prefix = dot ? g_strndup(key, dot - key) : NULL;
                g_autoptr(GVariant) actual = NULL;
                g_autofree char *shown = NULL;
                GVariant *dict;

                if (!prefix || !expect_iface_for_prefix(prefix))
                        continue; /* msinfo, probe_error */
                dict = strcmp(prefix, "seq") == 0 ? seq : strcmp(prefix, "rw") == 0 ? rw : drive;
                actual = g_variant_lookup_value(dict, dot + 1, NULL);
                if (!actual) {
                        g_string_append_printf(out, "%s: expected %s, but %s has no such property\n", key, value,
                                               expect_iface_for_prefix(prefix));
                        continue;
                }
                if (expect_value_equal(value, actual))
                        continue;
                shown = g_variant_print(actual, TRUE);
                g_string_append_printf(out, "%s: expected '%s', got %s\n", key, value, shown);
        }
}

static void check_string(GString *out, GVariant *dict, const char *key, const char *want) {
        const char *got = NULL;

        if (!g_variant_lookup(dict, key, "&s", &got) && !g_variant_lookup(dict, key, "&o", &got))
                g_string_append_printf(out, "%s: missing or not a string/object path\n", key);
        else if (strcmp(got, want) != 0)
                g_string_append_printf(out, "%s: expected '%s', got '%s'\n", key, want, got);
}

void expect_check_identity(const EmuDisc *identity, const EmuDisc *media, const char *node, guint64 since,
                           GVariant *seq, GVariant *drive, GVariant *rw, GString *out) {
        g_autofree char *path = harness_drive_path(node);
        g_autofree char *dev = g_strdup_printf("/dev/%s", node);
        g_autofree char *sysfs_tail = g_strdup_printf("/block/%s", node);
        const char *s = NULL;
        guint64 t, now = (guint64) g_get_real_time();
        gboolean b;
        unsigned index = (unsigned) g_ascii_strtoull(node + 2, NULL, 10);

        check_string(out, drive, "Vendor", identity->vendor);
        check_string(out, drive, "Product", identity->product);
        check_string(out, drive, "Revision", identity->revision);
        check_string(out, drive, "Device", dev);
        check_string(out, seq, "ImportRecorder", path);
        check_string(out, rw, "ImportRecorder", path);

        /* sr is block major 11 (devices.txt); fake-drive gives srN minor N. */
        if (!g_variant_lookup(drive, "DeviceNumber", "t", &t))
                g_string_append(out, "Drive.DeviceNumber: missing or not t\n");
        else if (t != ((11u << 8) | index))
                g_string_append_printf(out, "Drive.DeviceNumber: expected %u (11:%u), got %" G_GUINT64_FORMAT "\n",
                                       (11u << 8) | index, index, t);
        if (!g_variant_lookup(drive, "SysfsPath", "&s", &s) || !g_str_has_prefix(s, "/sys/") ||
            !g_str_has_suffix(s, sysfs_tail))
                g_string_append_printf(out, "Drive.SysfsPath: expected /sys/...%s, got '%s'\n", sysfs_tail, s ?: "(none)");
        if (!g_variant_lookup(drive, "Id", "&s", &s) || !*s)
                g_string_append(out, "Drive.Id: empty or missing\n");
        if (!g_variant_lookup(drive, "Inhibited", "b", &b) || b)
                g_string_append(out, "Drive.Inhibited: expected false\n");

        if (emu_disc_expect(media, "probe_error"))
                return; /* nothing about the medium is known */
        if (!g_variant_lookup(drive, "TimeMediaDetected", "t", &t))
                g_string_append(out, "Drive.TimeMediaDetected: missing or not t\n");
        else if (!media->present && t != 0)
                g_string_append_printf(out, "Drive.TimeMediaDetected: expected 0 without a medium, got %" G_GUINT64_FORMAT "\n", t);
        else if (media->present && (t < since || t > now))
                g_string_append_printf(out, "Drive.TimeMediaDetected: expected us since the epoch between %" G_GUINT64_FORMAT
                                       " (test start) and %" G_GUINT64_FORMAT " (now), got %" G_GUINT64_FORMAT "\n",
                                       since, now, t);
}

char *expect_error_name(const GError *error) {
        g_autofree char *remote = g_dbus_error_get_remote_error(error);

        if (!remote)
                return g_strdup_printf("(not a D-Bus error: %s)", error->message);
        if (g_str_has_prefix(remote, MSD_ERROR_PREFIX))
                return g_strdup(remote + strlen(MSD_ERROR_PREFIX));
        return g_steal_pointer(&remote);
}

void expect_check_msinfo(Harness *h, const EmuDisc *media, const char *node, GString *out) {
        g_autofree char *path = harness_drive_path(node);
        g_autoptr(GError) error = NULL;
        g_autoptr(GVariant) r = NULL;
        g_autofree char *got = NULL;
        const char *want = emu_disc_expect(media, "msinfo");

        if (!want)
                return;
        r = harness_call(h, path, MSD_SEQ_IFACE, "GetMultisessionInfo", NULL, G_VARIANT_TYPE("(ii)"), &error);
        if (r) {
                gint32 start, next;
                g_variant_get(r, "(ii)", &start, &next);
                got = g_strdup_printf("%d,%d", start, next);
        } else {
                got = expect_error_name(error);
        }
        if (strcmp(want, got) != 0)
                g_string_append_printf(out, "msinfo: GetMultisessionInfo() expected %s, got %s%s%s\n", want, got,
                                       error ? ": " : "", error ? error->message : "");
}

/* FORMAT.md → GetTracks() state: the drive reports a blank track as the invisible one, and the Damage
 * bit wins over the state (the XML: "damaged" (Damage set)). */
static const char *expected_track_state(const EmuTrack *t) {
        const char *s = emu_track_state_string(t);

        if (t->damage)
                return "damaged";
        if (strcmp(s, "blank") == 0)
                return "invisible";
        return s;
}

void expect_check_tracks(Harness *h, const EmuDisc *media, const char *node, GString *out) {
        g_autofree char *path = harness_drive_path(node);
        g_autoptr(GError) error = NULL;
        g_autoptr(GVariant) r = NULL;
        g_autoptr(GVariant) list = NULL;
        size_t n;

        if (emu_disc_expect(media, "probe_error"))
                return;
        r = harness_call(h, path, MSD_DRIVE_IFACE, "GetTracks", NULL, G_VARIANT_TYPE("(a(uuiiibs))"), &error);
        if (!media->present) {
                g_autofree char *name = r ? NULL : expect_error_name(error);
                if (r || strcmp(name, "NoMedium") != 0)
                        g_string_append_printf(out, "GetTracks(): expected the error NoMedium on an empty drive, got %s\n",
                                               r ? "a reply" : name);
                return;
        }
        if (!r) {
                g_autofree char *name = expect_error_name(error);
                g_string_append_printf(out, "GetTracks(): failed with %s: %s\n", name, error->message);
                return;
        }
        list = g_variant_get_child_value(r, 0);
        n = g_variant_n_children(list);
        if (n != emu_disc_n_tracks(media))
                g_string_append_printf(out, "GetTracks(): expected %zu tracks, got %zu\n", emu_disc_n_tracks(media), n);
        for (size_t i = 0; i < MIN(n, emu_disc_n_tracks(media)); i++) {
                const EmuTrack *t = emu_disc_track(media, i);
                guint32 session, number;
                gint32 start, size, lra;
                gboolean data;
                const char *state;
                g_autofree char *want = NULL, *got = NULL;

                g_variant_get_child(list, i, "(uuiiib&s)", &session, &number, &start, &size, &lra, &data, &state);
                want = g_strdup_printf("session %u track %u start %d size %d lra %d %s %s", emu_track_session(t),
                                       emu_track_number(t), (gint32) emu_track_start(t), (gint32) emu_track_size(t),
                                       (gint32) emu_track_lra(t), emu_track_is_data(t) ? "data" : "audio",
                                       expected_track_state(t));
                got = g_strdup_printf("session %u track %u start %d size %d lra %d %s %s", session, number, start,
                                      size, lra, data ? "data" : "audio", state);
                if (strcmp(want, got) != 0)
                        g_string_append_printf(out, "GetTracks()[%zu]: expected (%s), got (%s)\n", i, want, got);
        }
}

gboolean expect_check_drive(Harness *h, const char *node, const EmuDisc *media, const EmuDisc *identity,
                            guint64 since) {
        g_autofree char *path = harness_drive_path(node);
        g_autoptr(GVariant) seq = harness_get_all(h, path, MSD_SEQ_IFACE);
        g_autoptr(GVariant) drive = seq ? harness_get_all(h, path, MSD_DRIVE_IFACE) : NULL;
        g_autoptr(GVariant) rw = drive ? harness_get_all(h, path, MSD_RW_IFACE) : NULL;
        g_autoptr(GString) out = g_string_new(NULL);

        if (!rw)
                return FALSE;
        expect_check_props(media, seq, drive, rw, out);
        expect_check_identity(identity, media, node, since, seq, drive, rw, out);
        expect_check_msinfo(h, media, node, out);
        expect_check_tracks(h, media, node, out);
        guint n = 0;

        if (out->len == 0)
                return TRUE;
        for (const char *p = out->str; (p = strchr(p, '\n')); p++)
                n++;
        return harness_fail(h, "%s with %s: %u mismatches (expected values from the .disc file):\n%s", node,
                            media->name, n, out->str);
}
