/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * Every disc of the library, probed through the emulated drive: each published value must equal the
 * disc's hand-written `expect.` line (tests/discs/FORMAT.md), and GetMultisessionInfo's answer its
 * `expect.msinfo`.
 */

#include <errno.h>
#include <inttypes.h>

#include "disc-probe.h"
#include "errors.h"

static const char *interface_of(const char *prefix) {
        if (g_str_equal(prefix, "seq"))
                return IFACE_SEQUENTIAL;
        if (g_str_equal(prefix, "rw"))
                return IFACE_RANDOM_WRITE;
        if (g_str_equal(prefix, "drive"))
                return IFACE_DRIVE;
        return NULL;
}

static void check_value(const char *disc, const char *key, const PropertyValue *x, const char *expected) {
        gint64 want;
        char *end;

        switch (x->type) {
        case 'b':
                if (!g_str_equal(expected, x->b ? "true" : "false"))
                        g_error("%s: %s = %s, expected %s", disc, key, x->b ? "true" : "false", expected);
                return;
        case 's':
        case 'o':
                if (!g_str_equal(expected, x->s))
                        g_error("%s: %s = '%s', expected '%s'", disc, key, x->s, expected);
                return;
        default:
                want = g_ascii_strtoll(expected, &end, 0);
                if (*expected == 0 || *end)
                        g_error("%s: %s: '%s' is not a number", disc, key, expected);
                gint64 got = x->type == 'i' ? x->i : x->type == 'u' ? x->u : x->type == 'q' ? x->q : (gint64) x->t;
                if (got != want)
                        g_error("%s: %s = %" G_GINT64_FORMAT ", expected %s", disc, key, got, expected);
        }
}

static void test_disc(gconstpointer data) {
        const char *path = data;
        g_autofree char *base = g_path_get_basename(path);
        DriveInfo info = { .name = (char *) "sr0", .devnode = (char *) "/dev/sr0" };
        const char *probe_error, *msinfo;
        DiscProbe p;
        DriveView v;
        unsigned checked = 0;

        disc_probe_run(&p, path);

        probe_error = emu_disc_expect(p.disc, "probe_error");
        if (probe_error) {
                if (p.r >= 0)
                        g_error("%s: the probe succeeded, expected %s", base, probe_error);
                g_assert_cmpstr(msd_error_from_errno(p.r)->name, ==, probe_error);
                disc_probe_done(&p);
                return;
        }
        if (p.r < 0)
                g_error("%s: probe failed: %s (%s)", base, g_strerror(-p.r), msd_error_from_errno(p.r)->name);

        v = (DriveView) {
                .info = &info,
                .media = &p.media,
                .object_path = "/org/example/MultisessionSequential/drive/sr0",
                .probe_state = p.media.media_present ? "idle" : "no-medium",
                .last_error = "",
        };
        for (size_t i = 0; i < emu_disc_n_expect(p.disc); i++) {
                const char *value, *key = emu_disc_expect_nth(p.disc, i, &value);
                g_auto(GStrv) parts = g_strsplit(key, ".", 2);
                const PropertyDef *def;
                PropertyValue x;

                if (!parts[1])
                        continue; /* msinfo, probe_error */
                def = drive_property_find(interface_of(parts[0]), parts[1]);
                if (!def)
                        g_error("%s: unknown expectation %s", base, key);
                drive_property_get(&v, def, &x);
                check_value(base, key, &x, value);
                checked++;
        }
        /* Every disc states every media value: 8 Sequential, 5 RandomWrite and 10 Drive ones. */
        g_assert_cmpuint(checked, >=, 23);

        msinfo = emu_disc_expect(p.disc, "msinfo");
        g_assert_nonnull(msinfo);
        {
                int64_t iso = -1;
                int32_t start, next;
                uint32_t blocks;
                int r;

                if (p.media.rw_in_use && probe_iso_volume_blocks(p.transport, &blocks) >= 0)
                        iso = blocks;
                r = multisession_msinfo(&p.media, iso, &start, &next);
                if (r < 0)
                        g_assert_cmpstr(msd_error_from_errno(r)->name, ==, msinfo);
                else {
                        g_autofree char *got = g_strdup_printf("%" PRIi32 ",%" PRIi32, start, next);
                        g_assert_cmpstr(got, ==, msinfo);
                }
        }
        disc_probe_done(&p);
}

int main(int argc, char *argv[]) {
        g_auto(GStrv) discs = NULL;

        g_test_init(&argc, &argv, NULL);
        discs = disc_library_list();
        g_assert_cmpuint(g_strv_length(discs), >=, 30);
        for (char **d = discs; *d; d++) {
                g_autofree char *base = g_path_get_basename(*d);
                g_autofree char *name = g_strdup_printf("/multisession/%s", base);

                g_test_add_data_func(name, *d, test_disc);
        }
        return g_test_run();
}
