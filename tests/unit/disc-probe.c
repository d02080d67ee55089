/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>

#include "disc-probe.h"

static int compare_paths(gconstpointer a, gconstpointer b) {
        return g_strcmp0(*(char *const *) a, *(char *const *) b);
}

char **disc_library_list(void) {
        const char *dir = g_getenv("MSD_DISCS");
        g_autoptr(GPtrArray) l = g_ptr_array_new();
        g_autoptr(GDir) d = NULL;
        const char *name;

        if (!dir)
                dir = MSD_SOURCE_DISCS;
        d = g_dir_open(dir, 0, NULL);
        g_assert_nonnull(d);
        while ((name = g_dir_read_name(d)))
                if (g_str_has_suffix(name, ".disc"))
                        g_ptr_array_add(l, g_build_filename(dir, name, NULL));
        g_ptr_array_sort(l, compare_paths);
        g_ptr_array_add(l, NULL);
        return (char **) g_ptr_array_steal(l, NULL);
}

void disc_probe_run(DiscProbe *p, const char *path) {
        g_autofree char *error = NULL;
        int r;

        *p = (DiscProbe) {};
        r = emu_disc_load(path, &p->disc, &error);
        if (r < 0)
                g_error("%s", error);
        p->drive = emu_drive_new("sr0", emu_disc_copy(p->disc));
        g_assert_cmpint(fake_transport_new(p->drive, &p->transport), ==, 0);

        for (unsigned i = 0; i < 20; i++) {
                unsigned before = p->transport->n_commands;

                p->r = probe_media(p->transport, NULL, &p->media);
                p->n_commands = p->transport->n_commands - before;
                if (p->r != -EAGAIN)
                        break;
        }
}

void disc_probe_done(DiscProbe *p) {
        transport_free(p->transport);
        emu_drive_unref(p->drive);
        emu_disc_free(p->disc);
        *p = (DiscProbe) {};
}
