/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * seed-gen DISCS OUT: the seed corpus of every fuzz target, from the disc library. Each disc goes into an
 * emulated drive (tests/emulator), the daemon's own probe runs against it through a transport that records
 * every answer, and the answers become seeds:
 *
 *   OUT/fuzz-probe/        the whole answer stream of probe_media, probe_tracks and
 *                          probe_iso_volume_blocks in fuzz-transport.h's format (a replay retraces the
 * probe) OUT/fuzz-<parser>/     each reply on its own (fuzz-toc: the format byte first) OUT/fuzz-derive/ the
 * ProbeData of the probe (probe-data-codec.h) OUT/fuzz-disc-file/    the .disc file itself
 *
 * Files are named by their SHA-1, as libFuzzer names its own, so equal seeds collapse.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "disc.h"
#include "drive.h"
#include "fuzz-transport.h"
#include "probe-data-codec.h"
#include "probe.h"

typedef struct RecTransport {
        Transport base;
        EmuDrive *drive;
        GByteArray *stream;
} RecTransport;

static const char *out_dir;
static unsigned n_written;

static void write_seed(const char *target, const void *data, size_t size) {
        g_autofree char *sum = g_compute_checksum_for_data(G_CHECKSUM_SHA1, data, size);
        g_autofree char *dir = g_build_filename(out_dir, target, NULL);
        g_autofree char *path = g_build_filename(dir, sum, NULL);
        g_autoptr(GError) error = NULL;

        if (g_mkdir_with_parents(dir, 0755) < 0)
                g_error("%s: %s", dir, g_strerror(errno));
        if (g_file_test(path, G_FILE_TEST_EXISTS))
                return;
        if (!g_file_set_contents(path, data, (gssize) size, &error))
                g_error("%s", error->message);
        n_written++;
}

/* A reply on its own, as the parser targets take it. */
static void write_reply_seed(const uint8_t *cdb, const uint8_t *reply, size_t len) {
        switch (cdb[0]) {
        case MMC_INQUIRY:
                write_seed("fuzz-inquiry", reply, len);
                break;
        case MMC_GET_CONFIGURATION:
                write_seed("fuzz-configuration", reply, len);
                break;
        case MMC_READ_DISC_INFORMATION:
                write_seed("fuzz-disc-information", reply, len);
                break;
        case MMC_READ_TRACK_INFORMATION:
                write_seed("fuzz-track-information", reply, len);
                break;
        case MMC_READ_CAPACITY:
                write_seed("fuzz-capacity", reply, len);
                break;
        case MMC_READ_TOC: {
                g_autofree uint8_t *s = g_malloc(len + 1);

                s[0] = cdb[2] & 0x0f; /* MMC-6 6.26, byte 2 bits 3..0: Format */
                memcpy(s + 1, reply, len);
                write_seed("fuzz-toc", s, len + 1);
                break;
        }
        default:
                break;
        }
}

static void record_failure(RecTransport *rt, int r) {
        int i = fuzz_failure_index(r);
        uint8_t k;

        g_assert(i >= 0);
        k = (uint8_t) (FUZZ_KIND_FAILURE | i << 2);
        g_byte_array_append(rt->stream, &k, 1);
}

/* The fake transport's mapping (tests/emulator/fake-transport.c), writing each answer to the stream. */
static int rec_command(Transport *t, const uint8_t *cdb, size_t cdb_len, uint8_t *buf, size_t len,
                       size_t *ret_len, MmcSense *ret_sense) {
        RecTransport *rt = (RecTransport *) t;
        EmuResult res;
        MmcSense sense;
        uint8_t rec[3];
        int r;

        r = emu_drive_command(rt->drive, cdb, cdb_len, buf, len, &res);
        if (r < 0)
                return r;

        switch (res.host_status) {
        case EMU_DID_OK:
                break;
        case EMU_DID_NO_CONNECT:
                record_failure(rt, -ENODEV);
                return -ENODEV;
        case EMU_DID_TIME_OUT:
                record_failure(rt, -ETIMEDOUT);
                return -ETIMEDOUT;
        default:
                record_failure(rt, -EIO);
                return -EIO;
        }

        if (res.status == EMU_STATUS_CHECK_CONDITION) {
                rec[0] = FUZZ_KIND_CHECK_CONDITION;
                rec[1] = (uint8_t) res.sense_len;
                g_byte_array_append(rt->stream, rec, 2);
                g_byte_array_append(rt->stream, res.sense, (guint) res.sense_len);
                write_seed("fuzz-sense", res.sense, res.sense_len);
                r = mmc_sense_parse(res.sense, res.sense_len, &sense);
                if (r < 0)
                        return -EIO;
                if (ret_sense)
                        *ret_sense = sense;
                return mmc_sense_to_errno(&sense);
        }
        if (res.status != EMU_STATUS_GOOD) {
                record_failure(rt, -EIO);
                return -EIO;
        }

        g_assert(res.len <= 0xffff);
        rec[0] = FUZZ_KIND_GOOD;
        rec[1] = (uint8_t) (res.len >> 8);
        rec[2] = (uint8_t) res.len;
        g_byte_array_append(rt->stream, rec, 3);
        g_byte_array_append(rt->stream, buf, (guint) res.len);
        write_reply_seed(cdb, buf, res.len);
        *ret_len = res.len;
        return 0;
}

static void rec_free(Transport *t) {
        RecTransport *rt = (RecTransport *) t;

        emu_drive_unref(rt->drive);
        g_byte_array_unref(rt->stream);
        g_free(rt);
}

static const TransportOps rec_ops = {
        .command = rec_command,
        .free = rec_free,
};

/* Replies the probe does not ask for, so each parser target has seeds of every kind. */
static void extra_commands(Transport *t) {
        uint8_t cdb[MMC_CDB_MAX];
        g_autofree uint8_t *buf = g_malloc(0xffff);
        size_t n, l;

        l = mmc_cdb_inquiry(cdb, 96);
        (void) transport_command(t, cdb, l, buf, 96, &n, NULL);
        for (uint8_t format = 0; format <= 2; format++) {
                l = mmc_cdb_read_toc(cdb, format, format == 2 ? 1 : 0, 0xffff);
                (void) transport_command(t, cdb, l, buf, 0xffff, &n, NULL);
        }
        l = mmc_cdb_read_capacity(cdb);
        (void) transport_command(t, cdb, l, buf, 8, &n, NULL);
}

static void seeds_from_disc(const char *path) {
        g_autofree char *text = NULL, *error = NULL;
        g_autofree uint8_t *pd_bytes = NULL;
        g_autofree ProbeData *pd = g_new0(ProbeData, 1);
        g_autofree TrackEntry *tracks = NULL;
        g_autoptr(GError) gerror = NULL;
        RecTransport *rt;
        EmuDisc *disc;
        MediaState s;
        size_t n_tracks, pd_size;
        uint32_t iso;
        gsize len;
        int r;

        if (!g_file_get_contents(path, &text, &len, &gerror))
                g_error("%s", gerror->message);
        write_seed("fuzz-disc-file", text, len);
        if (emu_disc_parse(text, path, &disc, &error) < 0)
                g_error("%s", error);

        rt = g_new0(RecTransport, 1);
        rt->base.ops = &rec_ops;
        rt->drive = emu_drive_new("sr0", disc);
        rt->stream = g_byte_array_new();

        r = probe_media(&rt->base, pd, &s);
        if (r == 0 && probe_data_encode(pd, &pd_bytes, &pd_size) == 0)
                write_seed("fuzz-derive", pd_bytes, pd_size);
        r = probe_tracks(&rt->base, &tracks, &n_tracks);
        (void) r;
        (void) probe_iso_volume_blocks(&rt->base, &iso);
        write_seed("fuzz-probe", rt->stream->data, rt->stream->len);

        extra_commands(&rt->base);
        transport_free(&rt->base);
}

/* Shapes the library has no disc for. */
static void hand_written_seeds(void) {
        /* SPC-4 4.5.2 descriptor format: 72h, SK 02h, 3Ah/00h, no descriptors. */
        static const uint8_t sense_descriptor[] = { 0x72, 0x02, 0x3a, 0x00, 0, 0, 0, 0 };
        /* SPC-4 4.5.3 fixed format with VALID set, deferred, ADDITIONAL SENSE LENGTH cutting at 14. */
        static const uint8_t sense_fixed_short[] = { 0xf1, 0, 0x06, 0, 0, 0, 0, 6, 0, 0, 0, 0, 0x28, 0x00 };
        /* TOC format 3 (refused by the parser). */
        static const uint8_t toc_format3[] = { 3, 0x00, 0x02, 0x01, 0x01 };

        write_seed("fuzz-sense", sense_descriptor, sizeof(sense_descriptor));
        write_seed("fuzz-sense", sense_fixed_short, sizeof(sense_fixed_short));
        write_seed("fuzz-toc", toc_format3, sizeof(toc_format3));
}

int main(int argc, char **argv) {
        g_autoptr(GDir) dir = NULL;
        g_autoptr(GError) error = NULL;
        const char *name;
        unsigned n_discs = 0;

        if (argc != 3) {
                fprintf(stderr, "usage: %s DISCS-DIR OUT-DIR\n", argv[0]);
                return 2;
        }
        out_dir = argv[2];
        dir = g_dir_open(argv[1], 0, &error);
        if (!dir)
                g_error("%s", error->message);
        while ((name = g_dir_read_name(dir))) {
                g_autofree char *path = NULL;

                if (!g_str_has_suffix(name, ".disc"))
                        continue;
                path = g_build_filename(argv[1], name, NULL);
                seeds_from_disc(path);
                n_discs++;
        }
        hand_written_seeds();
        printf("seed-gen: %u discs, %u seeds in %s\n", n_discs, n_written, out_dir);
        return 0;
}
