/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * fake-drive end to end: a child under the preload sees the emulated drives, media changes through the
 * control FIFO arrive as `change` uevents with a new DISKSEQ, add/remove as add/remove uevents, an fd held
 * across an unplug gets DID_NO_CONNECT, the exit status is passed through, and the real peers (cdrom_id,
 * cdrskin, xorriso) read the disc as the .disc describes it.
 *
 * FAKE_DRIVE and DRIVE_CLIENT give the binaries (set by meson).
 */

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gio.h>

static const char CDR_APPENDABLE[] =
        "vendor = HL-DT-ST\nproduct = DVDRAM GH24NSD1\nrevision = LG00\nserial = K1234567\n"
        "profile = 0x09\ndisc_status = appendable\nlast_session = empty\nfeatures = 0x0010 0x001e 0x0021\n"
        "track = session=1 start=0 size=10000\n"
        "track = session=2 start=21400 size=338447 state=invisible nwa=21400 free=338447\n";

static const char DVDPLUSR_BLANK[] =
        "profile = 0x1b\ndisc_status = blank\nlast_session = empty\n"
        "track = session=1 start=0 size=2295104 state=invisible nwa=0 free=2295104\n";

typedef struct Fixture {
        char *dir;
        char *fifo;
        char *log;
        char *cdr;
        char *dvd;
        const char *fake_drive;
        const char *client;
} Fixture;

static char *write_file(const char *dir, const char *name, const char *text) {
        char *path = g_build_filename(dir, name, NULL);
        g_autoptr(GError) error = NULL;

        g_assert_true(g_file_set_contents(path, text, -1, &error));
        return path;
}

static void fixture_setup(Fixture *f, gconstpointer data) {
        g_autoptr(GError) error = NULL;

        f->fake_drive = g_getenv("FAKE_DRIVE");
        f->client = g_getenv("DRIVE_CLIENT");
        f->dir = g_dir_make_tmp("fake-drive-XXXXXX", &error);
        g_assert_no_error(error);
        f->fifo = g_build_filename(f->dir, "control", NULL);
        f->log = g_build_filename(f->dir, "commands.log", NULL);
        f->cdr = write_file(f->dir, "cdr appendable.disc", CDR_APPENDABLE); /* a blank in the name on purpose */
        f->dvd = write_file(f->dir, "dvdplusr-blank.disc", DVDPLUSR_BLANK);
}

static void fixture_teardown(Fixture *f, gconstpointer data) {
        const char *names[] = { "control", "commands.log", "cdr appendable.disc", "dvdplusr-blank.disc" };

        for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
                g_autofree char *p = g_build_filename(f->dir, names[i], NULL);
                (void) unlink(p);
        }
        (void) rmdir(f->dir);
        g_free(f->dir);
        g_free(f->fifo);
        g_free(f->log);
        g_free(f->cdr);
        g_free(f->dvd);
}

static bool have_binaries(Fixture *f) {
        if (!f->fake_drive || !g_file_test(f->fake_drive, G_FILE_TEST_IS_EXECUTABLE) || !f->client) {
                g_test_skip("FAKE_DRIVE / DRIVE_CLIENT not built");
                return false;
        }
        return true;
}

static GSubprocess *spawn(GSubprocessFlags flags, GError **error, ...) G_GNUC_NULL_TERMINATED;
static GSubprocess *spawn(GSubprocessFlags flags, GError **error, ...) {
        g_autoptr(GPtrArray) argv = g_ptr_array_new();
        va_list ap;
        const char *a;

        va_start(ap, error);
        while ((a = va_arg(ap, const char *)))
                g_ptr_array_add(argv, (char *) a);
        va_end(ap);
        g_ptr_array_add(argv, NULL);
        return g_subprocess_newv((const char *const *) argv->pdata, flags, error);
}

static char *read_line(GDataInputStream *in) {
        g_autoptr(GError) error = NULL;
        char *line = g_data_input_stream_read_line_utf8(in, NULL, NULL, &error);

        g_assert_no_error(error);
        g_assert_nonnull(line);
        return line;
}

static void control(Fixture *f, const char *text) {
        /* A new writer each time: fake-drive must keep reading after writers go away. */
        int fd = open(f->fifo, O_WRONLY | O_CLOEXEC);

        g_assert_cmpint(fd, >=, 0);
        g_assert_cmpint(write(fd, text, strlen(text)), ==, (ssize_t) strlen(text));
        close(fd);
}

static int wait_status(GSubprocess *p) {
        g_autoptr(GError) error = NULL;

        g_assert_true(g_subprocess_wait(p, NULL, &error));
        g_assert_no_error(error);
        g_assert_true(g_subprocess_get_if_exited(p));
        return g_subprocess_get_exit_status(p);
}

static char *log_contents(Fixture *f) {
        char *text = NULL;

        g_assert_true(g_file_get_contents(f->log, &text, NULL, NULL));
        return text;
}

static void test_media_change(Fixture *f, gconstpointer data) {
        g_autoptr(GError) error = NULL;
        g_autoptr(GSubprocess) p = NULL;
        g_autoptr(GDataInputStream) in = NULL;
        g_autofree char *line = NULL, *cmd = NULL, *log = NULL, *expect = NULL;
        const char *insert, *probe;

        if (!have_binaries(f))
                return;
        p = spawn(G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, f->fake_drive, "--disc", "none", "--control", f->fifo,
                  "--command-log", f->log, "--", f->client, "--events", "2", "--profile", NULL);
        g_assert_no_error(error);
        in = g_data_input_stream_new(g_subprocess_get_stdout_pipe(p));

        line = read_line(in);
        g_assert_cmpstr(line, ==, "READY");
        g_free(line);

        cmd = g_strdup_printf("insert sr0 %s\n", f->cdr);
        control(f, cmd);
        line = read_line(in);
        /* diskseq: 9 for the drive at start, 10 after the change; the child then sees CD-R */
        g_assert_cmpstr(line, ==, "change sr0 DISKSEQ=10 DISK_MEDIA_CHANGE=1 profile=0x0009");
        g_free(line);

        control(f, "eject sr0\n");
        line = read_line(in);
        g_assert_cmpstr(line, ==, "change sr0 DISKSEQ=11 DISK_MEDIA_CHANGE=1 profile=0x0000");
        g_assert_cmpint(wait_status(p), ==, 0);

        /* the control line is logged once applied, before the uevent: the child's probe follows it */
        log = log_contents(f);
        expect = g_strdup_printf("# insert sr0 %s\nsr0 46 00 00 00 00 00 00 00 08 00\n# eject sr0\n"
                                 "sr0 46 00 00 00 00 00 00 00 08 00\n", f->cdr);
        g_assert_cmpstr(log, ==, expect);
        insert = strstr(log, "# insert");
        probe = strstr(log, "sr0 46");
        g_assert_true(insert && probe && insert < probe);
}

static void test_control_batch(Fixture *f, gconstpointer data) {
        g_autoptr(GError) error = NULL;
        g_autoptr(GSubprocess) p = NULL;
        g_autoptr(GDataInputStream) in = NULL;
        g_autofree char *cmd = NULL, *log = NULL;

        if (!have_binaries(f))
                return;
        p = spawn(G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, f->fake_drive, "--disc", f->cdr, "--control", f->fifo,
                  "--command-log", f->log, "--", f->client, "--events", "3", NULL);
        g_assert_no_error(error);
        in = g_data_input_stream_new(g_subprocess_get_stdout_pipe(p));
        g_free(read_line(in));

        /* several lines in one write are applied one by one, in order; a bad line is reported and skipped */
        cmd = g_strdup_printf("eject sr0\nbogus sr0\ninsert sr0 %s\n\ninsert sr9 %s\neject sr0\n", f->dvd, f->dvd);
        control(f, cmd);
        for (int i = 0; i < 3; i++) {
                g_autofree char *line = read_line(in);
                g_autofree char *want = g_strdup_printf("change sr0 DISKSEQ=%d DISK_MEDIA_CHANGE=1", 10 + i);
                g_assert_cmpstr(line, ==, want);
        }
        g_assert_cmpint(wait_status(p), ==, 0);
        log = log_contents(f);
        g_assert_nonnull(strstr(log, "# error bogus sr0: unknown command 'bogus'\n"));
        g_assert_nonnull(strstr(log, "# error insert sr9 "));
        g_assert_nonnull(strstr(log, "sr9 is not present"));
}

static void test_add_remove(Fixture *f, gconstpointer data) {
        g_autoptr(GError) error = NULL;
        g_autoptr(GSubprocess) p = NULL;
        g_autoptr(GDataInputStream) in = NULL;
        g_autofree char *cmd = NULL, *line = NULL;

        if (!have_binaries(f))
                return;
        /* the child holds /dev/sr1 open across its removal */
        p = spawn(G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, f->fake_drive, "--disc", f->cdr, "--disc", "none",
                  "--control", f->fifo, "--", f->client, "--events", "3", "--profile", "--hold", "/dev/sr1", NULL);
        g_assert_no_error(error);
        in = g_data_input_stream_new(g_subprocess_get_stdout_pipe(p));
        g_free(read_line(in));

        control(f, "remove sr1\n");
        line = read_line(in);
        g_assert_cmpstr(line, ==, "remove sr1 DISKSEQ=10 DISK_MEDIA_CHANGE=");
        g_free(line);

        cmd = g_strdup_printf("add sr2 %s\n", f->dvd);
        control(f, cmd);
        line = read_line(in);
        g_assert_cmpstr(line, ==, "add sr2 DISKSEQ=11 DISK_MEDIA_CHANGE= profile=0x001b");
        g_free(line);

        control(f, "add sr1 none\n");
        line = read_line(in);
        g_assert_cmpstr(line, ==, "add sr1 DISKSEQ=12 DISK_MEDIA_CHANGE= profile=0x0000");
        g_free(line);

        /* the fd opened before the removal belongs to the gone device */
        line = read_line(in);
        g_assert_cmpstr(line, ==, "held: ioctl=0 host_status=0x01");
        g_assert_cmpint(wait_status(p), ==, 0);
}

static void test_exit_status(Fixture *f, gconstpointer data) {
        g_autoptr(GError) error = NULL;
        g_autoptr(GSubprocess) p = NULL, q = NULL, r = NULL;

        if (!have_binaries(f))
                return;
        p = spawn(G_SUBPROCESS_FLAGS_NONE, &error, f->fake_drive, "--disc", "none", "--", "sh", "-c", "exit 3", NULL);
        g_assert_no_error(error);
        g_assert_cmpint(wait_status(p), ==, 3);

        q = spawn(G_SUBPROCESS_FLAGS_NONE, &error, f->fake_drive, "--", "sh", "-c", "kill -TERM $$", NULL);
        g_assert_no_error(error);
        g_assert_cmpint(wait_status(q), ==, 128 + 15);

        r = spawn(G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error, f->fake_drive, "--disc", "/nonexistent.disc", "--",
                  "true", NULL);
        g_assert_no_error(error);
        g_assert_cmpint(wait_status(r), ==, 2);
}

static char *run_output(Fixture *f, const char *const *argv, int *ret_status) {
        g_autoptr(GError) error = NULL;
        g_autoptr(GSubprocess) p = g_subprocess_newv(argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE,
                                                     &error);
        char *out = NULL;

        g_assert_no_error(error);
        g_assert_true(g_subprocess_communicate_utf8(p, NULL, NULL, &out, NULL, &error));
        g_assert_no_error(error);
        *ret_status = g_subprocess_get_exit_status(p);
        return out;
}

static void test_cdrom_id(Fixture *f, gconstpointer data) {
        g_autofree char *out = NULL, *log = NULL;
        int status;

        if (!have_binaries(f))
                return;
        if (!g_file_test("/usr/lib/udev/cdrom_id", G_FILE_TEST_IS_EXECUTABLE)) {
                g_test_skip("no /usr/lib/udev/cdrom_id");
                return;
        }
        out = run_output(f, (const char *const[]) { f->fake_drive, "--disc", f->cdr, "--command-log", f->log, "--",
                                                     "/usr/lib/udev/cdrom_id", "/dev/sr0", NULL },
                         &status);
        g_assert_cmpint(status, ==, 0);
        g_assert_nonnull(strstr(out, "ID_CDROM_MEDIA_CD_R=1\n"));
        g_assert_nonnull(strstr(out, "ID_CDROM_MEDIA_STATE=appendable\n"));
        g_assert_nonnull(strstr(out, "ID_CDROM_MEDIA_SESSION_NEXT=2\n"));
        g_assert_nonnull(strstr(out, "ID_CDROM_MEDIA_SESSION_COUNT=2\n"));
        g_assert_nonnull(strstr(out, "ID_CDROM_MEDIA_TRACK_COUNT=2\n"));
        g_assert_nonnull(strstr(out, "ID_CDROM_MEDIA_TRACK_COUNT_DATA=1\n"));

        /* cdrom_id's sequence (umockdev-harness.md §4): two plain ioctls — CDROM_DRIVE_STATUS makes the sr
         * driver send TEST UNIT READY —, INQUIRY(36), GET CONFIGURATION … */
        log = log_contents(f);
        g_assert_true(g_str_has_prefix(log, "sr0 ioctl 0x5331\nsr0 ioctl 0x5326\nsr0 00 00 00 00 00 00\n"
                                            "sr0 12 00 00 00 24 00\n"
                                            "sr0 46 00 00 00 00 00 00 00 08 00\n"));
}

/* CDROM_DRIVE_STATUS is the sr driver's TEST UNIT READY: the kernel retries a UNIT ATTENTION away, so
 * cdrom_id then reads the medium. While the drive is becoming ready the answer is CDS_DRIVE_NOT_READY,
 * which cdrom_id ignores: it still names the profile, but its READ TOC and READ DISC INFORMATION fail, so
 * it prints no media state. */
static void test_drive_status(Fixture *f, gconstpointer data) {
        g_autofree char *ua = NULL, *ready = NULL, *text_ua = NULL, *text_ready = NULL;
        g_autofree char *out = NULL, *log = NULL;
        int status;

        if (!have_binaries(f))
                return;
        if (!g_file_test("/usr/lib/udev/cdrom_id", G_FILE_TEST_IS_EXECUTABLE)) {
                g_test_skip("no /usr/lib/udev/cdrom_id");
                return;
        }
        text_ua = g_strconcat(CDR_APPENDABLE, "quirk = unit_attention\n", NULL);
        text_ready = g_strconcat(CDR_APPENDABLE, "quirk = becoming_ready 5\n", NULL);
        ua = write_file(f->dir, "ua.disc", text_ua);
        ready = write_file(f->dir, "ready.disc", text_ready);

        out = run_output(f, (const char *const[]) { f->fake_drive, "--disc", ua, "--command-log", f->log, "--",
                                                     "/usr/lib/udev/cdrom_id", "/dev/sr0", NULL },
                         &status);
        g_assert_cmpint(status, ==, 0);
        g_assert_nonnull(strstr(out, "ID_CDROM_MEDIA_STATE=appendable\n"));
        log = log_contents(f);
        /* the first TUR meets the attention (06/28/00), the kernel's retry is GOOD */
        g_assert_true(g_str_has_prefix(log, "sr0 ioctl 0x5331\nsr0 ioctl 0x5326\nsr0 00 00 00 00 00 00\n"
                                            "sr0 00 00 00 00 00 00\nsr0 12 00 00 00 24 00\n"));
        g_clear_pointer(&out, g_free);

        out = run_output(f, (const char *const[]) { f->fake_drive, "--disc", ready, "--", "/usr/lib/udev/cdrom_id",
                                                     "/dev/sr0", NULL },
                         &status);
        g_assert_cmpint(status, ==, 0);
        g_assert_nonnull(strstr(out, "ID_CDROM_MEDIA_CD_R=1\n"));
        g_assert_null(strstr(out, "ID_CDROM_MEDIA_STATE"));

        g_assert_cmpint(unlink(ua), ==, 0);
        g_assert_cmpint(unlink(ready), ==, 0);
}

static void test_libburn(Fixture *f, gconstpointer data) {
        g_autofree char *cdrskin = g_find_program_in_path("cdrskin"), *xorriso = g_find_program_in_path("xorriso");
        g_autofree char *out = NULL, *toc = NULL;
        int status;

        if (!have_binaries(f))
                return;
        if (!cdrskin || !xorriso) {
                g_test_skip("cdrskin/xorriso not installed");
                return;
        }
        out = run_output(f, (const char *const[]) { f->fake_drive, "--disc", f->cdr, "--", cdrskin, "dev=/dev/sr0",
                                                     "-msinfo", NULL },
                         &status);
        g_assert_cmpint(status, ==, 0);
        g_assert_nonnull(strstr(out, "\n0,21400\n") ?: (g_str_has_prefix(out, "0,21400\n") ? out : NULL));

        toc = run_output(f, (const char *const[]) { f->fake_drive, "--disc", f->cdr, "--", xorriso, "-outdev",
                                                     "/dev/sr0", "-toc", NULL },
                         &status);
        g_assert_cmpint(status, ==, 0);
        g_assert_nonnull(strstr(toc, "Media current: CD-R"));
        g_assert_nonnull(strstr(toc, "is written , is appendable"));
        g_assert_nonnull(strstr(toc, "Media nwa    : 21400s"));
}

int main(int argc, char **argv) {
        g_test_init(&argc, &argv, NULL);

        g_test_add("/fake-drive/media-change", Fixture, NULL, fixture_setup, test_media_change, fixture_teardown);
        g_test_add("/fake-drive/control-batch", Fixture, NULL, fixture_setup, test_control_batch, fixture_teardown);
        g_test_add("/fake-drive/add-remove", Fixture, NULL, fixture_setup, test_add_remove, fixture_teardown);
        g_test_add("/fake-drive/exit-status", Fixture, NULL, fixture_setup, test_exit_status, fixture_teardown);
        g_test_add("/fake-drive/cdrom-id", Fixture, NULL, fixture_setup, test_cdrom_id, fixture_teardown);
        g_test_add("/fake-drive/drive-status", Fixture, NULL, fixture_setup, test_drive_status, fixture_teardown);
        g_test_add("/fake-drive/libburn", Fixture, NULL, fixture_setup, test_libburn, fixture_teardown);

        return g_test_run();
}
