/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * The ioctl handler of an emulated /dev/srN. It runs in umockdev's worker thread (umockdev-harness.md §1):
 * the client's sg_io_hdr and the buffers it points to are copied in with umockdev_ioctl_data_resolve(),
 * filled, and flushed back by umockdev_ioctl_client_complete(), which must be called exactly once per
 * ioctl (pitfall 7: the client blocks every signal until then).
 */

#include <errno.h>
#include <linux/cdrom.h>
#include <linux/fs.h>
#include <scsi/scsi.h>
#include <scsi/sg.h>
#include <stddef.h>
#include <string.h>

#include "umockdev-handler.h"

#ifndef BLKGETDISKSEQ
#define BLKGETDISKSEQ _IOR(0x12, 128, uint64_t)
#endif

#define SG_VERSION_NUM 30527 /* what the kernel's sg driver reports (3.5.27) */
#define DRIVER_SENSE 0x08

/* Resolves a pointer-sized "out" argument of n bytes and writes src into it; completes the ioctl. */
static void complete_out(UMockdevIoctlClient *client, const void *src, size_t n) {
        g_autoptr(GError) error = NULL;
        g_autoptr(UMockdevIoctlData) out = NULL;

        out = umockdev_ioctl_data_resolve(umockdev_ioctl_client_get_arg(client), 0, n, &error);
        if (!out) {
                umockdev_ioctl_client_complete(client, -1, EFAULT);
                return;
        }
        memcpy(out->data, src, n);
        umockdev_ioctl_client_complete(client, 0, 0);
}

/* include/uapi/linux/cdrom.h CDC_* bits of the sr driver for an MMC drive; the media-specific ones follow
 * the drive's profile list. */
static long drive_capability(EmuDrive *drive) {
        uint16_t p[EMU_MAX_PROFILES];
        size_t n = MIN(emu_drive_get_profiles(drive, p, G_N_ELEMENTS(p)), G_N_ELEMENTS(p));
        long cap = CDC_CLOSE_TRAY | CDC_OPEN_TRAY | CDC_LOCK | CDC_SELECT_SPEED | CDC_MULTI_SESSION | CDC_MCN |
                   CDC_MEDIA_CHANGED | CDC_PLAY_AUDIO | CDC_RESET | CDC_DRIVE_STATUS | CDC_GENERIC_PACKET;

        for (size_t i = 0; i < n; i++) {
                if (p[i] == 0x09)
                        cap |= CDC_CD_R;
                else if (p[i] == 0x0a)
                        cap |= CDC_CD_RW;
                else if (p[i] == 0x12)
                        cap |= CDC_DVD | CDC_DVD_RAM | CDC_RAM;
                else if (p[i] == 0x11 || p[i] == 0x14 || p[i] == 0x15 || p[i] == 0x16)
                        cap |= CDC_DVD | CDC_DVD_R;
                else if (emu_profile_is_dvd(p[i]) || emu_profile_is_bd(p[i]))
                        cap |= CDC_DVD;
        }
        return cap;
}

/* CDROM_DRIVE_STATUS as the sr driver answers it (drivers/scsi/sr_ioctl.c sr_drive_status(), Linux 6.1):
 * the kernel sends TEST UNIT READY through scsi_test_unit_ready(), which retries while the drive reports a
 * UNIT ATTENTION (up to MAX_RETRIES = 3 times) — so the kernel, not the caller, consumes the attention of a
 * media change. GOOD → CDS_DISC_OK; 02/04/01 becoming ready → CDS_DRIVE_NOT_READY; 02/04/02 → CDS_TRAY_OPEN;
 * another 02/04/xx (format in progress) → CDS_DISC_OK; 02/3A → CDS_NO_DISC; anything else (no connection) →
 * CDS_TRAY_OPEN. The kernel asks GET EVENT STATUS NOTIFICATION in between; for this model it says what the
 * sense already said, so it is not sent (it would also consume the drive's one NewMedia report). The TUR
 * reaches the model and its log, as it reaches a real drive. */
static int sr_drive_status(EmuDrive *drive) {
        static const uint8_t tur[6] = { 0x00 };
        EmuResult res;
        uint8_t sk, asc, ascq;

        for (unsigned retries = 3;;) {
                (void) emu_drive_command(drive, tur, sizeof(tur), NULL, 0, &res);
                if (res.host_status != EMU_DID_OK)
                        return CDS_TRAY_OPEN;
                if (res.status == EMU_STATUS_GOOD)
                        return CDS_DISC_OK;
                sk = res.sense[2] & 0x0f, asc = res.sense[12], ascq = res.sense[13];
                if (sk != 0x06 || --retries == 0)
                        break;
        }
        if (sk == 0x02 && asc == 0x04 && ascq == 0x01)
                return CDS_DRIVE_NOT_READY;
        if (sk == 0x02 && asc == 0x04 && ascq == 0x02)
                return CDS_TRAY_OPEN;
        if (sk == 0x02 && asc == 0x04)
                return CDS_DISC_OK;
        return asc == 0x3a ? CDS_NO_DISC : CDS_TRAY_OPEN;
}

typedef struct Pending {
        UMockdevIoctlClient *client;
} Pending;

static gboolean complete_late(gpointer userdata) {
        Pending *p = userdata;

        umockdev_ioctl_client_complete(p->client, 0, 0);
        g_object_unref(p->client);
        g_free(p);
        return G_SOURCE_REMOVE;
}

/* SG_IO, sg v3 interface (include/scsi/sg.h): data-in into dxferp, sense into sbp, results in the header.
 * Layout of this process's ABI; a 32-bit client would need a compat layout (not supported). */
static void handle_sg_io(FakeNode *node, EmuDrive *drive, UMockdevIoctlClient *client) {
        g_autoptr(GError) error = NULL;
        g_autoptr(UMockdevIoctlData) hdr_d = NULL, cdb_d = NULL, sb_d = NULL, buf_d = NULL;
        UMockdevIoctlData *arg = umockdev_ioctl_client_get_arg(client);
        sg_io_hdr_t *h;
        uint8_t *buf = NULL;
        size_t buf_len = 0, out_len = 0;
        bool out = false;
        EmuResult res;

        hdr_d = umockdev_ioctl_data_resolve(arg, 0, sizeof(sg_io_hdr_t), &error);
        if (!hdr_d) {
                umockdev_ioctl_client_complete(client, -1, EFAULT);
                return;
        }
        h = (sg_io_hdr_t *) hdr_d->data;
        if (h->interface_id != 'S' || h->iovec_count != 0 || h->cmd_len == 0 || h->cmd_len > 16) {
                umockdev_ioctl_client_complete(client, -1, EINVAL);
                return;
        }

        cdb_d = umockdev_ioctl_data_resolve(hdr_d, offsetof(sg_io_hdr_t, cmdp), h->cmd_len, &error);
        if (!cdb_d) {
                umockdev_ioctl_client_complete(client, -1, EFAULT);
                return;
        }
        /* resolve() rewrote the header's pointers to local copies: re-read h after each one. */
        h = (sg_io_hdr_t *) hdr_d->data;
        if (h->mx_sb_len > 0 && h->sbp) {
                sb_d = umockdev_ioctl_data_resolve(hdr_d, offsetof(sg_io_hdr_t, sbp), h->mx_sb_len, &error);
                g_clear_error(&error);
        }
        h = (sg_io_hdr_t *) hdr_d->data;
        if (h->dxfer_len > 0 && h->dxferp &&
            (h->dxfer_direction == SG_DXFER_FROM_DEV || h->dxfer_direction == SG_DXFER_TO_FROM_DEV)) {
                buf_d = umockdev_ioctl_data_resolve(hdr_d, offsetof(sg_io_hdr_t, dxferp), h->dxfer_len, &error);
                if (!buf_d) {
                        umockdev_ioctl_client_complete(client, -1, EFAULT);
                        return;
                }
                buf = buf_d->data;
                buf_len = h->dxfer_len;
        } else if (h->dxfer_len > 0 && h->dxferp && h->dxfer_direction == SG_DXFER_TO_DEV) {
                /* Data-out (MODE SELECT, WRITE …): the model records it (drive-write.c). */
                buf_d = umockdev_ioctl_data_resolve(hdr_d, offsetof(sg_io_hdr_t, dxferp), h->dxfer_len, &error);
                if (!buf_d) {
                        umockdev_ioctl_client_complete(client, -1, EFAULT);
                        return;
                }
                out = true;
                out_len = h->dxfer_len;
        }
        h = (sg_io_hdr_t *) hdr_d->data;

        (void) emu_drive_command_out(drive, cdb_d->data, h->cmd_len, out ? buf_d->data : NULL, out_len, buf, buf_len,
                                     &res);

        h->status = res.host_status == EMU_DID_OK ? res.status : 0;
        h->masked_status = h->status >> 1;
        h->msg_status = 0;
        h->host_status = res.host_status;
        h->driver_status = 0;
        h->sb_len_wr = 0;
        if (res.host_status == EMU_DID_OK && res.status == EMU_STATUS_CHECK_CONDITION && sb_d) {
                h->sb_len_wr = (uint8_t) MIN(res.sense_len, (size_t) h->mx_sb_len);
                memcpy(sb_d->data, res.sense, h->sb_len_wr);
                h->driver_status = DRIVER_SENSE;
        }
        /* A data-out command that succeeded took all of its data. */
        if (out)
                h->resid = res.host_status == EMU_DID_OK && res.status == EMU_STATUS_GOOD ? 0 : (int) h->dxfer_len;
        else
                h->resid = (int) (h->dxfer_len - (buf ? res.len : 0));
        h->duration = res.delay_ms;
        h->info = (h->status || h->host_status || h->driver_status) ? SG_INFO_CHECK : SG_INFO_OK;

        if (res.delay_ms > 0) {
                /* Complete later from the worker's own main context, without blocking other clients. */
                g_autoptr(GMainContext) ctx = g_main_context_ref_thread_default();
                g_autoptr(GSource) s = g_timeout_source_new(res.delay_ms);
                Pending *p = g_new0(Pending, 1);

                p->client = g_object_ref(client);
                g_source_set_callback(s, complete_late, p, NULL);
                g_source_attach(s, ctx);
                return;
        }
        umockdev_ioctl_client_complete(client, 0, 0);
}

#define CLIENT_DRIVE_KEY "fake-drive-emu-drive"

/* An fd belongs to the device it was opened on: bind the connection (one per open()) to the node's
 * drive of that moment, so an fd held across remove + add still talks to the unplugged drive. */
static void on_client_connected(UMockdevIoctlBase *base, UMockdevIoctlClient *client, gpointer userdata) {
        FakeNode *node = userdata;

        g_object_set_data_full(G_OBJECT(client), CLIENT_DRIVE_KEY, fake_node_ref_drive(node),
                               (GDestroyNotify) emu_drive_unref);
}

static EmuDrive *client_ref_drive(FakeNode *node, UMockdevIoctlClient *client) {
        EmuDrive *d = g_object_get_data(G_OBJECT(client), CLIENT_DRIVE_KEY);

        return d ? emu_drive_ref(d) : fake_node_ref_drive(node);
}

static gboolean on_handle_ioctl(UMockdevIoctlBase *base, UMockdevIoctlClient *client, gpointer userdata) {
        FakeNode *node = userdata;
        gulong req = umockdev_ioctl_client_get_request(client);
        g_autoptr(EmuDrive) drive = client_ref_drive(node, client);
        bool gone = emu_drive_is_gone(drive);

        if (req == SG_IO) {
                handle_sg_io(node, drive, client);
                return TRUE;
        }

        command_log_printf(node->log, "%s ioctl 0x%lx", node->name, (unsigned long) req);
        if (gone) {
                umockdev_ioctl_client_complete(client, -1, ENODEV);
                return TRUE;
        }

        switch (req) {
        case CDROM_GET_CAPABILITY:
                umockdev_ioctl_client_complete(client, drive_capability(drive), 0);
                break;
        case CDROM_DRIVE_STATUS:
                umockdev_ioctl_client_complete(client, sr_drive_status(drive), 0);
                break;
        case SG_GET_VERSION_NUM: {
                int v = SG_VERSION_NUM;
                complete_out(client, &v, sizeof(v));
                break;
        }
        case SCSI_IOCTL_GET_IDLUN: {
                /* dev_id = id | lun << 8 | channel << 16 | host << 24; host_unique_id = host */
                int idlun[2] = { (int) (node->index << 24), (int) node->index };
                complete_out(client, idlun, sizeof(idlun));
                break;
        }
        case SCSI_IOCTL_GET_BUS_NUMBER: {
                int host = (int) node->index;
                complete_out(client, &host, sizeof(host));
                break;
        }
        case BLKGETDISKSEQ: {
                uint64_t seq = fake_node_get_diskseq(node);
                complete_out(client, &seq, sizeof(seq));
                break;
        }
        default:
                umockdev_ioctl_client_complete(client, -1, ENOTTY);
        }
        return TRUE;
}

UMockdevIoctlBase *fake_node_handler_new(FakeNode *node) {
        UMockdevIoctlBase *h = umockdev_ioctl_base_new();

        g_signal_connect(h, "client-connected", G_CALLBACK(on_client_connected), node);
        g_signal_connect(h, "handle-ioctl", G_CALLBACK(on_handle_ioctl), node);
        return h;
}
