/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * The in-process transport: the TransportOps.command contract of transport.h on top of emu_drive_command().
 * GOOD → data length; CHECK CONDITION → the drive's sense decoded by mmc_sense_parse() and mapped with
 * mmc_sense_to_errno(); host status DID_NO_CONNECT → -ENODEV, DID_TIME_OUT → -ETIMEDOUT, others → -EIO.
 * A `delay` quirk really sleeps, so timing-dependent code sees the same latency as over umockdev.
 */

#include <errno.h>

#include <glib.h>

#include "fake-transport.h"

typedef struct FakeTransport {
        Transport base; /* first: Transport * and FakeTransport * are interchangeable */
        EmuDrive *drive;
} FakeTransport;

static int fake_command(Transport *t, const uint8_t *cdb, size_t cdb_len, uint8_t *buf, size_t len,
                        size_t *ret_len, MmcSense *ret_sense) {
        FakeTransport *f = (FakeTransport *) t;
        EmuResult res;
        MmcSense sense;
        int r;

        r = emu_drive_command(f->drive, cdb, cdb_len, buf, len, &res);
        if (r < 0)
                return r;
        if (res.delay_ms > 0)
                g_usleep((gulong) res.delay_ms * 1000);

        switch (res.host_status) {
        case EMU_DID_OK:
                break;
        case EMU_DID_NO_CONNECT:
                return -ENODEV;
        case EMU_DID_TIME_OUT:
                return -ETIMEDOUT;
        default:
                return -EIO;
        }

        if (res.status == EMU_STATUS_CHECK_CONDITION) {
                r = mmc_sense_parse(res.sense, res.sense_len, &sense);
                if (r < 0)
                        return -EIO;
                if (ret_sense)
                        *ret_sense = sense;
                return mmc_sense_to_errno(&sense);
        }
        if (res.status != EMU_STATUS_GOOD)
                return -EIO;

        if (ret_len)
                *ret_len = res.len;
        return 0;
}

static void fake_free(Transport *t) {
        FakeTransport *f = (FakeTransport *) t;

        emu_drive_unref(f->drive);
        g_free(f);
}

static const TransportOps fake_ops = {
        .command = fake_command,
        .free = fake_free,
};

int fake_transport_new(EmuDrive *drive, Transport **ret) {
        FakeTransport *f;

        g_return_val_if_fail(drive, -EINVAL);
        g_return_val_if_fail(ret, -EINVAL);

        f = g_try_new0(FakeTransport, 1);
        if (!f)
                return -ENOMEM;
        f->base.ops = &fake_ops;
        f->drive = emu_drive_ref(drive);
        *ret = &f->base;
        return 0;
}

EmuDrive *fake_transport_get_drive(Transport *t) {
        if (!t || t->ops != &fake_ops)
                return NULL;
        return ((FakeTransport *) t)->drive;
}
