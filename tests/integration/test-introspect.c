/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * design.md §2: "The XML in dbus/ is the source of truth …; a test compares it with the live
 * introspection." Both are parsed with GDBusNodeInfo and compared per interface: properties (name, type,
 * access), methods (name, in and out signatures), signals (name, signature). Annotations, argument names
 * and documentation are not compared, nor are the standard org.freedesktop.DBus.* interfaces.
 *   /introspect/root     the root object's interfaces (Manager) against the XML
 *   /introspect/drive    a drive object's interfaces against the XML
 *   /introspect/complete every interface of the XML is served on the root or on a drive object
 */

#include <string.h>

#include "harness.h"

#define XML_NAME "org.example.MultisessionSequential.xml"

static Harness *h;
static GDBusNodeInfo *file_info;

static char *args_signature(GDBusArgInfo **args) {
        GString *s = g_string_new(NULL);

        for (size_t i = 0; args && args[i]; i++)
                g_string_append(s, args[i]->signature);
        return g_string_free(s, FALSE);
}

static const char *access_name(GDBusPropertyInfoFlags f) {
        if ((f & G_DBUS_PROPERTY_INFO_FLAGS_READABLE) && (f & G_DBUS_PROPERTY_INFO_FLAGS_WRITABLE))
                return "readwrite";
        if (f & G_DBUS_PROPERTY_INFO_FLAGS_WRITABLE)
                return "write";
        return "read";
}

/* One line per member: "property Name type access", "method Name (in) → (out)", "signal Name (sig)". */
static GHashTable *members(GDBusInterfaceInfo *i) {
        GHashTable *set = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

        for (size_t k = 0; i->properties && i->properties[k]; k++)
                g_hash_table_add(set, g_strdup_printf("property %s %s %s", i->properties[k]->name,
                                                      i->properties[k]->signature, access_name(i->properties[k]->flags)));
        for (size_t k = 0; i->methods && i->methods[k]; k++) {
                g_autofree char *in = args_signature(i->methods[k]->in_args);
                g_autofree char *out = args_signature(i->methods[k]->out_args);
                g_hash_table_add(set, g_strdup_printf("method %s (%s) -> (%s)", i->methods[k]->name, in, out));
        }
        for (size_t k = 0; i->signals && i->signals[k]; k++) {
                g_autofree char *sig = args_signature(i->signals[k]->args);
                g_hash_table_add(set, g_strdup_printf("signal %s (%s)", i->signals[k]->name, sig));
        }
        return set;
}

static int cmp_strp(gconstpointer a, gconstpointer b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

/* Lines of a not in b, sorted, each prefixed. */
static void difference(GHashTable *a, GHashTable *b, const char *prefix, GString *out) {
        g_autoptr(GPtrArray) lines = g_ptr_array_new();
        GHashTableIter it;
        gpointer key;

        g_hash_table_iter_init(&it, a);
        while (g_hash_table_iter_next(&it, &key, NULL))
                if (!g_hash_table_contains(b, key))
                        g_ptr_array_add(lines, key);
        g_ptr_array_sort(lines, cmp_strp);
        for (guint i = 0; i < lines->len; i++)
                g_string_append_printf(out, "  %s %s\n", prefix, (char *) lines->pdata[i]);
}

static bool setup(void) {
        g_autofree char *file = harness_disc_path("cdr-appendable-1session");
        g_autofree char *xml_path = g_build_filename(harness_source_root(), "dbus", XML_NAME, NULL);
        g_autofree char *xml = NULL;
        g_autoptr(GError) error = NULL;
        const char *files[] = { file, NULL };

        if (h)
                return true;
        if (!g_file_get_contents(xml_path, &xml, NULL, &error)) {
                g_test_fail_printf("cannot read %s: %s", xml_path, error->message);
                return false;
        }
        file_info = g_dbus_node_info_new_for_xml(xml, &error);
        if (!file_info) {
                g_test_fail_printf("%s does not parse as D-Bus introspection XML: %s", xml_path, error->message);
                return false;
        }
        h = harness_start(files);
        return h && harness_wait_settled(h, "sr0", HARNESS_ANY_DISKSEQ);
}

static GDBusNodeInfo *introspect(const char *path) {
        g_autoptr(GError) error = NULL;
        g_autoptr(GVariant) r = NULL;
        GDBusNodeInfo *live;
        const char *xml;

        r = harness_call(h, path, "org.freedesktop.DBus.Introspectable", "Introspect", NULL, G_VARIANT_TYPE("(s)"),
                         &error);
        if (!r) {
                harness_fail(h, "Introspect() on %s failed: %s", path, error->message);
                return NULL;
        }
        g_variant_get(r, "(&s)", &xml);
        live = g_dbus_node_info_new_for_xml(xml, &error);
        if (!live)
                harness_fail(h, "the live introspection of %s does not parse: %s", path, error->message);
        return live;
}

static void compare_object(const char *path) {
        g_autoptr(GDBusNodeInfo) live = NULL;
        g_autoptr(GString) out = g_string_new(NULL);

        if (!setup() || !(live = introspect(path)))
                return;
        for (size_t i = 0; live->interfaces && live->interfaces[i]; i++) {
                GDBusInterfaceInfo *li = live->interfaces[i];
                GDBusInterfaceInfo *fi = g_dbus_node_info_lookup_interface(file_info, li->name);
                g_autoptr(GHashTable) lm = NULL, fm = NULL;

                if (g_str_has_prefix(li->name, "org.freedesktop.DBus."))
                        continue;
                if (!fi) {
                        g_string_append_printf(out, "%s serves %s, which dbus/%s does not describe\n", path, li->name,
                                               XML_NAME);
                        continue;
                }
                lm = members(li);
                fm = members(fi);
                {
                        g_autoptr(GString) diff = g_string_new(NULL);
                        difference(lm, fm, "live only:", diff);
                        difference(fm, lm, "XML only: ", diff);
                        if (diff->len)
                                g_string_append_printf(out, "%s on %s differs from the XML:\n%s", li->name, path, diff->str);
                }
        }
        if (out->len)
                harness_fail(h, "live introspection differs from dbus/%s:\n%s", XML_NAME, out->str);
}

static void test_root(void) {
        compare_object(MSD_ROOT_PATH);
}

static void test_drive(void) {
        g_autofree char *path = harness_drive_path("sr0");
        compare_object(path);
}

static void test_complete(void) {
        g_autofree char *drive_path = harness_drive_path("sr0");
        g_autoptr(GString) out = g_string_new(NULL);
        g_autoptr(GDBusNodeInfo) root = NULL, drive = NULL;

        if (!setup() || !(root = introspect(MSD_ROOT_PATH)) || !(drive = introspect(drive_path)))
                return;
        for (size_t i = 0; file_info->interfaces && file_info->interfaces[i]; i++) {
                const char *name = file_info->interfaces[i]->name;
                if (!g_dbus_node_info_lookup_interface(root, name) && !g_dbus_node_info_lookup_interface(drive, name))
                        g_string_append_printf(out, "  %s\n", name);
        }
        if (out->len)
                harness_fail(h, "dbus/%s describes interfaces served on neither the root nor a drive object:\n%s",
                             XML_NAME, out->str);
        (void) harness_stop(g_steal_pointer(&h));
}

int main(int argc, char **argv) {
        int r;

        harness_test_init(&argc, &argv);
        g_test_add_func("/introspect/root", test_root);
        g_test_add_func("/introspect/drive", test_drive);
        g_test_add_func("/introspect/complete", test_complete);
        r = g_test_run();
        if (h)
                (void) harness_stop(g_steal_pointer(&h));
        g_clear_pointer(&file_info, g_dbus_node_info_unref);
        return r;
}
