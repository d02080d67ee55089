/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * The emulated sysfs/udev side of fake-drive (see testbed.h). Per drive srN:
 *
 *   /sys/devices/pci0000:00/0000:00:1f.2/ata<N+1>/host<N>/target<N>:0:0/<N>:0:0:0   scsi_device, type 5,
 *        vendor/model/rev padded to 8/16/4 columns as the kernel prints INQUIRY
 *     └─ block/srN   block disk 11:N, diskseq, events, events_poll_msecs, size; udev properties as
 *                    60-cdrom_id.rules and 60-persistent-storage.rules leave them (ID_CDROM_*, ID_PATH, …)
 *
 * A media change is what the kernel does in disk_check_events(): bump the global diskseq, then a `change`
 * uevent carrying DISK_MEDIA_CHANGE=1. umockdev has no API to drop a property again (pitfall 6), so the
 * uevent file is rewritten without it after the event went out.
 */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "drive-write.h"
#include "testbed.h"
#include "umockdev-handler.h"

#define MAX_NODES 256

struct FakeBed {
        UMockdevTestbed *tb;
        char *root;
        CommandLog *log;
        FakeNode *nodes[MAX_NODES];
        uint64_t diskseq; /* the kernel's global counter: every new disk or medium takes the next value */
};

EmuDrive *fake_node_ref_drive(FakeNode *n) {
        EmuDrive *d;

        g_mutex_lock(&n->lock);
        d = emu_drive_ref(n->drive);
        g_mutex_unlock(&n->lock);
        return d;
}

uint64_t fake_node_get_diskseq(FakeNode *n) {
        uint64_t s;

        g_mutex_lock(&n->lock);
        s = n->diskseq;
        g_mutex_unlock(&n->lock);
        return s;
}

static void drive_log(const char *line, void *userdata) {
        command_log_line(userdata, line);
}

FakeBed *fake_bed_new(CommandLog *log) {
        FakeBed *b = g_new0(FakeBed, 1);

        b->tb = umockdev_testbed_new(); /* sets $UMOCKDEV_DIR for the child */
        b->root = umockdev_testbed_get_root_dir(b->tb);
        b->log = log;
        /* Other disks (the root disk, loops) took the first numbers on a real machine. */
        b->diskseq = 8;
        return b;
}

static void node_free(FakeNode *n) {
        if (!n)
                return;
        if (n->handler)
                g_object_unref(n->handler);
        if (n->store_fd >= 0)
                close(n->store_fd);
        emu_drive_unref(n->drive);
        g_free(n->name);
        g_free(n->devnode);
        g_free(n->syspath);
        g_free(n->parent_syspath);
        g_mutex_clear(&n->lock);
        g_free(n);
}

void fake_bed_free(FakeBed *b) {
        if (!b)
                return;
        /* Teardown order (pitfall 7): the child has exited; detach, then drop the testbed. */
        for (size_t i = 0; i < MAX_NODES; i++) {
                FakeNode *n = b->nodes[i];
                if (!n)
                        continue;
                if (n->handler)
                        (void) umockdev_testbed_detach_ioctl(b->tb, n->devnode, NULL);
                node_free(n);
        }
        g_object_unref(b->tb);
        g_free(b->root);
        g_free(b);
}

/* sysfs prints the INQUIRY strings in their fixed columns; A: values are g_strcompress()ed by umockdev. */
static char *attr_value(const char *s, size_t width) {
        GString *out = g_string_new(NULL);

        for (const char *c = s; *c; c++) {
                if (*c == '\\')
                        g_string_append(out, "\\\\");
                else
                        g_string_append_c(out, *c);
        }
        for (size_t n = strlen(s); n < width; n++)
                g_string_append_c(out, ' ');
        g_string_append(out, "\\n");
        return g_string_free(out, FALSE);
}

/* udev's encoding for ID_MODEL and friends: blanks become '_'. */
static char *udev_word(const char *s) {
        g_autofree char *t = g_strstrip(g_strdup(s));
        return g_strdelimit(g_steal_pointer(&t), " /", '_');
}

/* cdrom_id's names for the drive's profiles (systemd src/udev/cdrom_id/cdrom_id.c, feature_to_string). */
static const char *profile_property(uint16_t p) {
        switch (p) {
        case 0x08: return "CD";
        case 0x09: return "CD_R";
        case 0x0a: return "CD_RW";
        case 0x10: return "DVD";
        case 0x11: return "DVD_R";
        case 0x12: return "DVD_RAM";
        case 0x13: return "DVD_RW_RO";
        case 0x14: return "DVD_RW_SEQ";
        case 0x15: return "DVD_R_DL_SEQ";
        case 0x16: return "DVD_R_DL_JR";
        case 0x17: return "DVD_RW_DL";
        case 0x18: return "DVD_R_DDR";
        case 0x1a: return "DVD_PLUS_RW";
        case 0x1b: return "DVD_PLUS_R";
        case 0x2a: return "DVD_PLUS_RW_DL";
        case 0x2b: return "DVD_PLUS_R_DL";
        case 0x40: return "BD";
        case 0x41: return "BD_R_SRM";
        case 0x42: return "BD_R_RRM";
        case 0x43: return "BD_RE";
        default: return NULL;
        }
}

/* The block device's udev properties, "KEY=value\n" each (DEVNAME without /dev/, as in the uevent file). */
static char *block_properties(FakeNode *n, EmuDrive *drive, uint64_t diskseq, bool media_change) {
        GString *s = g_string_new(NULL);
        g_autofree char *vendor = emu_drive_get_vendor(drive), *product = emu_drive_get_product(drive);
        g_autofree char *revision = emu_drive_get_revision(drive), *serial = emu_drive_get_serial(drive);
        g_autofree char *w_vendor = udev_word(vendor), *w_product = udev_word(product), *w_rev = udev_word(revision);
        uint16_t prof[EMU_MAX_PROFILES];
        size_t n_prof = MIN(emu_drive_get_profiles(drive, prof, G_N_ELEMENTS(prof)), G_N_ELEMENTS(prof));
        bool dvd_rw = false, dvd_r_dl = false, bd_r = false;

        g_string_append_printf(s, "DEVNAME=%s\nDEVTYPE=disk\nMAJOR=11\nMINOR=%u\nSUBSYSTEM=block\n", n->name, n->index);
        g_string_append_printf(s, "DISKSEQ=%" G_GUINT64_FORMAT "\n", diskseq);
        if (media_change)
                g_string_append(s, "DISK_MEDIA_CHANGE=1\n");
        g_string_append(s, "ID_CDROM=1\n");
        for (size_t i = 0; i < n_prof; i++) {
                const char *p = profile_property(prof[i]);
                if (p)
                        g_string_append_printf(s, "ID_CDROM_%s=1\n", p);
                dvd_rw = dvd_rw || prof[i] == 0x13 || prof[i] == 0x14;
                dvd_r_dl = dvd_r_dl || prof[i] == 0x15 || prof[i] == 0x16;
                bd_r = bd_r || prof[i] == 0x41 || prof[i] == 0x42;
        }
        if (dvd_rw)
                g_string_append(s, "ID_CDROM_DVD_RW=1\n");
        if (dvd_r_dl)
                g_string_append(s, "ID_CDROM_DVD_R_DL=1\n");
        if (bd_r)
                g_string_append(s, "ID_CDROM_BD_R=1\n");
        g_string_append_printf(s, "ID_BUS=ata\nID_TYPE=cd\nID_VENDOR=%s\nID_MODEL=%s\nID_REVISION=%s\n", w_vendor,
                               w_product, w_rev);
        if (serial[0]) {
                g_autofree char *w_serial = udev_word(serial);
                g_string_append_printf(s, "ID_SERIAL=%s_%s_%s\nID_SERIAL_SHORT=%s\n", w_vendor, w_product, w_serial,
                                       w_serial);
        } else
                g_string_append_printf(s, "ID_SERIAL=%s_%s\n", w_vendor, w_product);
        g_string_append_printf(s, "ID_PATH=pci-0000:00:1f.2-ata-%u\nID_PATH_TAG=pci-0000_00_1f_2-ata-%u\n", n->index + 1,
                               n->index + 1);
        g_string_append(s, "TAGS=:systemd:\nCURRENT_TAGS=:systemd:\n");
        return g_string_free(s, FALSE);
}

static char *node_description(FakeNode *n, EmuDrive *drive, uint64_t diskseq) {
        g_autofree char *vendor = emu_drive_get_vendor(drive), *product = emu_drive_get_product(drive);
        g_autofree char *revision = emu_drive_get_revision(drive);
        g_autofree char *a_vendor = attr_value(vendor, 8), *a_model = attr_value(product, 16),
                        *a_rev = attr_value(revision, 4);
        g_autofree char *props = block_properties(n, drive, diskseq, false);
        g_auto(GStrv) lines = g_strsplit(props, "\n", -1);
        GString *s = g_string_new(NULL);

        /* the parent first, so the add uevents come in the kernel's order */
        g_string_append_printf(s,
                               "P: %s\n"
                               "E: DEVTYPE=scsi_device\nE: DRIVER=sr\nE: SUBSYSTEM=scsi\nE: MODALIAS=scsi:t-0x05\n"
                               "A: type=5\\n\nA: vendor=%s\nA: model=%s\nA: rev=%s\nA: scsi_level=6\\n\n"
                               "A: state=running\\n\n\n",
                               n->parent_syspath + strlen("/sys"), a_vendor, a_model, a_rev);

        g_string_append_printf(s, "P: %s\nN: %s\nL: device=../../../%u:0:0:0\n", n->syspath + strlen("/sys"),
                               n->name, n->index);
        if (n->index == 0)
                g_string_append(s, "S: cdrom\n");
        for (char **l = lines; *l; l++)
                if (**l) {
                        if (g_str_has_prefix(*l, "DEVNAME="))
                                g_string_append_printf(s, "E: DEVNAME=/dev/%s\n", *l + strlen("DEVNAME="));
                        else
                                g_string_append_printf(s, "E: %s\n", *l);
                }
        g_string_append_printf(s,
                               "A: dev=11:%u\\n\nA: capability=119\\n\nA: events=media_change eject_request\\n\n"
                               "A: events_async=\\n\nA: events_poll_msecs=2000\\n\nA: removable=1\\n\nA: ro=0\\n\n"
                               "A: hidden=0\\n\nA: range=1\\n\nA: ext_range=1\\n\n"
                               "A: size=%" G_GUINT64_FORMAT "\\n\nA: diskseq=%" G_GUINT64_FORMAT "\\n\n\n",
                               n->index, (guint64) emu_drive_get_capacity(drive) * 4, diskseq);
        return g_string_free(s, FALSE);
}

static FakeNode *lookup(FakeBed *b, unsigned index, bool want_present, GError **error) {
        FakeNode *n = index < MAX_NODES ? b->nodes[index] : NULL;

        if (!n || n->present != want_present) {
                g_set_error(error, G_IO_ERROR, want_present ? G_IO_ERROR_NOT_FOUND : G_IO_ERROR_EXISTS,
                            want_present ? "sr%u is not present" : "sr%u is already present", index);
                return NULL;
        }
        return n;
}

/* Written sectors live in the node file itself (drive-write.h): a plain read() of /dev/srN, which umockdev
 * does not route to the handler, sees them too (burn-harness.md pitfall 1, 2). The file is opened by its
 * real path: this process runs under the preload, and /dev/srN would be redirected and ioctl-attached. The
 * fd stays open for the whole run: closing a writable fd is the IN_CLOSE_WRITE the daemon watches for. A
 * node that was removed and added again has a new file. */
static void attach_store(FakeBed *b, FakeNode *n, EmuDrive *drive) {
        g_autofree char *path = g_build_filename(b->root, n->devnode, NULL);

        if (n->store_fd >= 0)
                close(n->store_fd);
        n->store_fd = open(path, O_RDWR | O_CLOEXEC);
        if (n->store_fd < 0)
                g_warning("%s: cannot open %s, burns keep no data: %s", n->name, path, g_strerror(errno));
        else if (ftruncate(n->store_fd, 0) < 0)
                g_warning("%s: cannot empty %s: %s", n->name, path, g_strerror(errno));
        emu_drive_set_store(drive, n->store_fd);
}

gboolean fake_bed_add(FakeBed *b, unsigned index, EmuDisc *disc, GError **error) {
        g_autoptr(EmuDisc) owned = disc;
        g_autofree char *desc = NULL;
        FakeNode *n;
        EmuDrive *drive;

        if (index >= MAX_NODES) {
                g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "sr%u: at most %d drives", index, MAX_NODES);
                return FALSE;
        }
        n = b->nodes[index];
        if (n && n->present) {
                g_set_error(error, G_IO_ERROR, G_IO_ERROR_EXISTS, "sr%u is already present", index);
                return FALSE;
        }
        if (!n) {
                n = g_new0(FakeNode, 1);
                g_mutex_init(&n->lock);
                n->store_fd = -1;
                n->index = index;
                n->name = g_strdup_printf("sr%u", index);
                n->devnode = g_strdup_printf("/dev/sr%u", index);
                n->parent_syspath = g_strdup_printf(
                        "/sys/devices/pci0000:00/0000:00:1f.2/ata%u/host%u/target%u:0:0/%u:0:0:0", index + 1, index,
                        index, index);
                n->syspath = g_strdup_printf("%s/block/sr%u", n->parent_syspath, index);
                n->log = b->log;
                b->nodes[index] = n;
        }

        drive = emu_drive_new(n->name, g_steal_pointer(&owned));
        emu_drive_set_log_func(drive, drive_log, b->log);
        g_mutex_lock(&n->lock);
        if (n->drive)
                emu_drive_unref(n->drive);
        n->drive = drive;
        n->diskseq = ++b->diskseq;
        g_mutex_unlock(&n->lock);

        /* One handler per node name for the whole run: after a remove it keeps answering (DID_NO_CONNECT)
         * any fd the child still holds, and a later add reuses it. It is attached before the node appears:
         * add_from_string() sends the add uevent, and a client reacting to it must find the handler. */
        if (!n->handler) {
                n->handler = fake_node_handler_new(n);
                if (!umockdev_testbed_attach_ioctl(b->tb, n->devnode, n->handler, error))
                        return FALSE;
        }

        desc = node_description(n, drive, n->diskseq);
        if (!umockdev_testbed_add_from_string(b->tb, desc, error))
                return FALSE;
        n->present = true;
        attach_store(b, n, drive);
        return TRUE;
}

gboolean fake_bed_save(FakeBed *b, unsigned index, const char *path, GError **error) {
        g_autoptr(EmuDrive) drive = NULL;
        g_autoptr(EmuDisc) disc = NULL;
        g_autofree char *header = NULL, *msg = NULL, *source = NULL;
        FakeNode *n = lookup(b, index, true, error);

        if (!n)
                return FALSE;
        drive = fake_node_ref_drive(n);
        disc = emu_drive_copy_medium(drive);
        source = g_path_get_basename(disc->name ?: "medium");
        header = g_strdup_printf("%s as fake-drive saved it from %s (no expect lines: add them by hand).", source,
                                 n->name);
        if (emu_disc_save(disc, path, header, &msg) < 0) {
                g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_FAILED, msg);
                return FALSE;
        }
        return TRUE;
}

/* Rewrites the block device's uevent file (what the next uevent and libudev read). */
static void write_uevent_file(FakeBed *b, FakeNode *n, EmuDrive *drive, uint64_t diskseq, bool media_change) {
        g_autofree char *props = block_properties(n, drive, diskseq, media_change);

        umockdev_testbed_set_attribute(b->tb, n->syspath, "uevent", props);
}

gboolean fake_bed_insert(FakeBed *b, unsigned index, EmuDisc *disc, const char *announce, GError **error) {
        g_autoptr(EmuDrive) drive = NULL;
        g_autofree char *seq = NULL, *size = NULL;
        FakeNode *n = lookup(b, index, true, error);
        uint64_t diskseq;

        if (!n) {
                emu_disc_free(disc);
                return FALSE;
        }

        g_mutex_lock(&n->lock);
        drive = emu_drive_ref(n->drive);
        emu_drive_insert(drive, disc);
        diskseq = n->diskseq = ++b->diskseq;
        g_mutex_unlock(&n->lock);

        seq = g_strdup_printf("%" G_GUINT64_FORMAT "\n", diskseq);
        size = g_strdup_printf("%" G_GUINT64_FORMAT "\n", (guint64) emu_drive_get_capacity(drive) * 4);
        umockdev_testbed_set_attribute(b->tb, n->syspath, "diskseq", seq);
        umockdev_testbed_set_attribute(b->tb, n->syspath, "size", size);
        write_uevent_file(b, n, drive, diskseq, true);
        if (announce)
                command_log_line(b->log, announce);
        umockdev_testbed_uevent(b->tb, n->syspath, "change");
        write_uevent_file(b, n, drive, diskseq, false);
        return TRUE;
}

gboolean fake_bed_remove(FakeBed *b, unsigned index, const char *announce, GError **error) {
        g_autofree char *sys_block = NULL, *link = NULL;
        FakeNode *n = lookup(b, index, true, error);

        if (!n)
                return FALSE;

        emu_drive_set_gone(n->drive, true);
        if (announce)
                command_log_line(b->log, announce);
        umockdev_testbed_uevent(b->tb, n->syspath, "remove");
        umockdev_testbed_uevent(b->tb, n->parent_syspath, "remove");
        umockdev_testbed_remove_device(b->tb, n->syspath);
        umockdev_testbed_remove_device(b->tb, n->parent_syspath);
        /* remove_device() (0.17) leaves /sys/block/srN and the S: symlink behind; a later add would trip
         * over the first. */
        sys_block = g_build_filename(b->root, "sys", "block", n->name, NULL);
        (void) unlink(sys_block);
        if (n->index == 0) {
                link = g_build_filename(b->root, "dev", "cdrom", NULL);
                (void) unlink(link);
        }
        n->present = false;
        return TRUE;
}
