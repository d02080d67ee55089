/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * The only file that issues SG_IO. The node is opened O_RDONLY|O_NONBLOCK|O_CLOEXEC: read-only because the
 * kernel lets an unprivileged reader send the read-safe MMC commands (drivers/scsi/scsi_ioctl.c), and
 * non-blocking so an empty tray does not fail the open. It is never opened exclusively: a burner holds
 * the drive that way, and we must neither fail it nor be failed by it. The fd lives for one probe only.
 */

#include <errno.h>
#include <fcntl.h>
#include <scsi/sg.h>
#include <sys/ioctl.h>
#include <time.h>

#include "fault.h"
#include "macro.h"
#include "transport.h"

/* SAM-5 status codes and Linux host bytes (include/scsi/scsi_status.h; not exported to user space). */
#define SAM_STAT_CHECK_CONDITION 0x02
#define SG_DRIVER_SENSE          0x08
#define SG_DID_NO_CONNECT        0x01
#define SG_DID_TIME_OUT          0x03
#define SG_DID_BAD_TARGET        0x04

/* A drive that is spinning up or held by another opener answers EBUSY for a moment; cdrom_id retries
 * opens for about a second. We back off 10, 20, 40, 80, 160 ms. */
#define SG_BUSY_RETRIES 5

/* The node or the device behind it went away (unplug, or the sr driver unbound). */
#define IN_SET_GONE(r) ((r) == -ENODEV || (r) == -ENXIO || (r) == -ENOENT)

typedef struct SgTransport {
        Transport base;
        int fd;
        unsigned timeout_ms;
} SgTransport;

static void sleep_ms(unsigned ms) {
        struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long) (ms % 1000) * 1000000L };

        while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
                ;
}

static int sg_command(Transport *t, const uint8_t *cdb, size_t cdb_len, uint8_t *buf, size_t len,
                      size_t *ret_len, MmcSense *ret_sense) {
        SgTransport *s = (SgTransport *) t;
        uint8_t sense[32];
        sg_io_hdr_t h;
        int r;

        /* Defence in depth: transport_command() checks this too, but this is where SG_IO happens. */
        if (!transport_opcode_allowed(cdb[0]))
                return -EPERM;
        if (len > UINT32_MAX)
                return -EINVAL;

        for (unsigned attempt = 0;; attempt++) {
                h = (sg_io_hdr_t){
                        .interface_id = 'S',
                        .dxfer_direction = len > 0 ? SG_DXFER_FROM_DEV : SG_DXFER_NONE,
                        .cmd_len = (unsigned char) cdb_len,
                        .mx_sb_len = sizeof(sense),
                        .dxfer_len = (unsigned) len,
                        .dxferp = len > 0 ? buf : NULL,
                        .cmdp = (unsigned char *) cdb,
                        .sbp = sense,
                        .timeout = s->timeout_ms,
                };
                memset(sense, 0, sizeof(sense));

                if (ioctl(s->fd, SG_IO, &h) >= 0)
                        break;
                r = negative_errno();
                if (r == -EINTR)
                        continue;
                if (r == -EBUSY && attempt < SG_BUSY_RETRIES) {
                        sleep_ms(10u << attempt);
                        continue;
                }
                if (IN_SET_GONE(r))
                        return -ENODEV;
                return r;
        }

        switch (h.host_status) {
        case 0: break;
        case SG_DID_NO_CONNECT:
        case SG_DID_BAD_TARGET: return -ENODEV;
        case SG_DID_TIME_OUT: return -ETIMEDOUT;
        default: return -EIO;
        }

        if (h.status == SAM_STAT_CHECK_CONDITION || (h.driver_status & SG_DRIVER_SENSE)) {
                MmcSense ms;

                r = mmc_sense_parse(sense, MIN((size_t) h.sb_len_wr, sizeof(sense)), &ms);
                if (r < 0)
                        return -EIO;
                if (ret_sense)
                        *ret_sense = ms;
                r = mmc_sense_to_errno(&ms);
                return r < 0 ? r : -EIO;
        }
        if (h.status != 0)
                return -EIO; /* BUSY, RESERVATION CONFLICT, TASK SET FULL … */

        /* resid is what the drive did not transfer; a negative or oversized value is a driver bug,
         * and then nothing of the buffer can be trusted. */
        if (h.resid < 0 || (size_t) h.resid > len)
                return -EBADMSG;
        *ret_len = len - (size_t) h.resid;
        return 0;
}

static void sg_free(Transport *t) {
        SgTransport *s = (SgTransport *) t;

        if (s->fd >= 0)
                close(s->fd);
        free(s);
}

static const TransportOps sg_ops = {
        .command = sg_command,
        .free = sg_free,
};

int transport_sg_open(const char *devnode, unsigned timeout_ms, Transport **ret) {
        _cleanup_close_ int fd = -1;
        SgTransport *s;

        if (!devnode || !ret)
                return -EINVAL;

        for (unsigned attempt = 0;; attempt++) {
                int injected = fault_open_check();

                fd = injected < 0 ? (errno = -injected, -1)
                                  : open(devnode, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
                if (fd >= 0)
                        break;
                if (errno == EBUSY && attempt < SG_BUSY_RETRIES) {
                        sleep_ms(10u << attempt);
                        continue;
                }
                if (IN_SET_GONE(-errno))
                        return -ENODEV;
                /* The daemon itself may not open the node (a sandbox or permission problem): that is
                 * Failed, not the caller's NotAuthorized, which belongs to polkit. */
                if (errno == EACCES || errno == EPERM)
                        return -EIO;
                return negative_errno();
        }

        /* A burner that follows libburn's convention holds a write lock on the node (F_SETLK F_WRLCK)
         * while it writes: then we send nothing, and come back when it is gone. */
        struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
        if (fcntl(fd, F_GETLK, &fl) >= 0 && fl.l_type != F_UNLCK)
                return -EBUSY;

        s = calloc(1, sizeof(*s));
        if (!s)
                return -ENOMEM;
        s->base.ops = &sg_ops;
        s->fd = TAKE_FD(fd);
        s->timeout_ms = timeout_ms > 0 ? timeout_ms : 30000;
        *ret = &s->base;
        return 0;
}
