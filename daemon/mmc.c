/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * Pure MMC: CDB builders and reply parsers (see mmc.h for the contract).
 *
 * Every parser follows the same three steps: read the reply's own length header (if the reply is long
 * enough to hold it), take the smaller of that and the byte count the drive actually returned as the
 * effective length, and read no field at or past that effective length. Fields the caller cannot do
 * without make a short reply -EBADMSG; optional fields past the end read as 0. The output is written only
 * on success.
 *
 * Tables and sections are those mmc.h cites (MMC-6 r02g, SPC-4); the same layouts are written down in
 * ../shared/reference/mmc-multisession.md §2.
 */

#include <errno.h>
#include <string.h>

#include "macro.h"
#include "mmc.h"

/* ---- Sense data ---- */

int mmc_sense_parse(const uint8_t *buf, size_t len, MmcSense *ret) {
        MmcSense s = {};
        size_t eff;

        if (!buf || !ret || len < 1)
                return -EBADMSG;

        /* SPC-4 4.5.2/4.5.3, byte 0 bits 6..0: RESPONSE CODE (bit 7 is VALID in the fixed format) */
        switch (buf[0] & 0x7f) {
        case 0x70: /* current, fixed format */
        case 0x71: /* deferred, fixed format */
                /* SPC-4 4.5.3 fixed format: byte 7 ADDITIONAL SENSE LENGTH counts the bytes after byte 7.
                 * The kernel's scsi_normalize_sense() cuts at it too. */
                eff = len;
                if (len >= 8)
                        eff = MIN(len, (size_t) 8 + buf[7]);
                if (eff < 14)
                        return -EBADMSG;
                s.key = buf[2] & 0x0f; /* SPC-4 4.5.3, byte 2 bits 3..0: SENSE KEY */
                s.asc = buf[12];       /* SPC-4 4.5.3, byte 12: ADDITIONAL SENSE CODE */
                s.ascq = buf[13];      /* SPC-4 4.5.3, byte 13: ADDITIONAL SENSE CODE QUALIFIER */
                break;
        case 0x72: /* current, descriptor format */
        case 0x73: /* deferred, descriptor format */
                /* Byte 7 of the descriptor format counts only the sense data descriptors, which we do
                 * not read; SK/ASC/ASCQ are in the fixed 4 bytes before it. */
                if (len < 4)
                        return -EBADMSG;
                s.key = buf[1] & 0x0f; /* SPC-4 4.5.2, byte 1 bits 3..0: SENSE KEY */
                s.asc = buf[2];        /* SPC-4 4.5.2, byte 2: ADDITIONAL SENSE CODE */
                s.ascq = buf[3];       /* SPC-4 4.5.2, byte 3: ADDITIONAL SENSE CODE QUALIFIER */
                break;
        default: return -EBADMSG;
        }

        *ret = s;
        return 0;
}

int mmc_sense_to_errno(const MmcSense *s) {
        if (!s)
                return -EIO;

        /* Sense key and ASC/ASCQ values as SPC-4 assigns them; which errno each gets is mmc.h's table. */
        switch (s->key) {
        case 0x02: /* NOT READY */
                /* 3A/xx MEDIUM NOT PRESENT (any qualifier: tray open or closed) */
                if (s->asc == 0x3a)
                        return -ENOMEDIUM;
                /* 04/07 operation in progress, 04/08 long write in progress */
                if (s->asc == 0x04 && (s->ascq == 0x07 || s->ascq == 0x08))
                        return -EBUSY;
                /* 04/01 becoming ready, 04/04 format in progress, any other not-ready */
                return -EAGAIN;
        case 0x06: /* UNIT ATTENTION */
                /* 28/00 NOT READY TO READY CHANGE, MEDIUM MAY HAVE CHANGED */
                if (s->asc == 0x28 && s->ascq == 0x00)
                        return -ESTALE;
                return -ERESTART;
        case 0x05: /* ILLEGAL REQUEST */
                if (s->asc == 0x20 && s->ascq == 0x00)
                        return -EOPNOTSUPP; /* INVALID COMMAND OPERATION CODE */
                if (s->asc == 0x24 && s->ascq == 0x00)
                        return -EINVAL; /* INVALID FIELD IN CDB */
                if (s->asc == 0x21 && s->ascq == 0x00)
                        return -ERANGE; /* LOGICAL BLOCK ADDRESS OUT OF RANGE */
                if (s->asc == 0x30)
                        return -EMEDIUMTYPE; /* INCOMPATIBLE MEDIUM INSTALLED and its relatives */
                return -EIO;
        default: return -EIO;
        }
}

const char *mmc_sense_to_string(const MmcSense *s, char buf[static 9]) {
        static const char hex[] = "0123456789ABCDEF";
        const uint8_t v[3] = { s->key, s->asc, s->ascq };

        for (size_t i = 0; i < 3; i++) {
                buf[i * 3] = hex[v[i] >> 4];
                buf[i * 3 + 1] = hex[v[i] & 0x0f];
                buf[i * 3 + 2] = i < 2 ? '/' : '\0';
        }
        return buf;
}

/* ---- CDB builders ---- */

size_t mmc_cdb_test_unit_ready(uint8_t cdb[static MMC_CDB_MAX]) {
        memset(cdb, 0, MMC_CDB_MAX);
        cdb[0] = MMC_TEST_UNIT_READY; /* SPC-4 TEST UNIT READY: all other bytes zero */
        return 6;
}

size_t mmc_cdb_inquiry(uint8_t cdb[static MMC_CDB_MAX], uint16_t alloc) {
        memset(cdb, 0, MMC_CDB_MAX);
        cdb[0] = MMC_INQUIRY;
        /* SPC-4 6.6: byte 1 bit 0 EVPD = 0 (standard data), byte 2 PAGE CODE = 0 */
        put_be16(cdb + 3, alloc); /* SPC-4 6.6, bytes 3..4: ALLOCATION LENGTH */
        return 6;
}

size_t mmc_cdb_get_configuration(uint8_t cdb[static MMC_CDB_MAX], uint8_t rt, uint16_t start_feature,
                                 uint16_t alloc) {
        memset(cdb, 0, MMC_CDB_MAX);
        cdb[0] = MMC_GET_CONFIGURATION;
        cdb[1] = rt & 0x03;               /* MMC-6 6.6, byte 1 bits 1..0: RT */
        put_be16(cdb + 2, start_feature); /* MMC-6 6.6, bytes 2..3: Starting Feature Number */
        put_be16(cdb + 7, alloc);         /* MMC-6 6.6, bytes 7..8: Allocation Length */
        return 10;
}

size_t mmc_cdb_read_disc_information(uint8_t cdb[static MMC_CDB_MAX], uint16_t alloc) {
        memset(cdb, 0, MMC_CDB_MAX);
        cdb[0] = MMC_READ_DISC_INFORMATION;
        /* MMC-6 6.22, byte 1 bits 2..0: Data Type 000b = Standard Disc Information */
        put_be16(cdb + 7, alloc); /* MMC-6 6.22, bytes 7..8: Allocation Length */
        return 10;
}

size_t mmc_cdb_read_track_information(uint8_t cdb[static MMC_CDB_MAX], MmcTrackAddressType type,
                                      uint32_t number, uint16_t alloc) {
        memset(cdb, 0, MMC_CDB_MAX);
        cdb[0] = MMC_READ_TRACK_INFORMATION;
        cdb[1] = (uint8_t) type & 0x03; /* MMC-6 Table 571, byte 1 bits 1..0 */
        put_be32(cdb + 2, number);      /* MMC-6 Table 571, bytes 2..5: LBA/Track/Session Number */
        put_be16(cdb + 7, alloc);       /* MMC-6 Table 571, bytes 7..8: Allocation Length */
        return 10;
}

size_t mmc_cdb_read_toc(uint8_t cdb[static MMC_CDB_MAX], uint8_t format, uint8_t track_session,
                        uint16_t alloc) {
        memset(cdb, 0, MMC_CDB_MAX);
        cdb[0] = MMC_READ_TOC;
        /* MMC-6 6.26, byte 1 bit 1: MSF. Format 2 (Raw TOC) is MSF by definition, so the bit is set for
         * it; formats 0 and 1 are asked for as LBAs. */
        if ((format & 0x0f) == 2)
                cdb[1] = 0x02;
        cdb[2] = format & 0x0f;   /* MMC-6 6.26, byte 2 bits 3..0: Format */
        cdb[6] = track_session;   /* MMC-6 6.26, byte 6: Track/Session Number */
        put_be16(cdb + 7, alloc); /* MMC-6 6.26, bytes 7..8: Allocation Length */
        return 10;
}

size_t mmc_cdb_read_capacity(uint8_t cdb[static MMC_CDB_MAX]) {
        memset(cdb, 0, MMC_CDB_MAX);
        cdb[0] = MMC_READ_CAPACITY; /* MMC-6 6.23: LBA and PMI are obsolete and zero */
        return 10;
}

size_t mmc_cdb_read10(uint8_t cdb[static MMC_CDB_MAX], uint32_t lba, uint16_t blocks) {
        memset(cdb, 0, MMC_CDB_MAX);
        cdb[0] = MMC_READ_10;
        put_be32(cdb + 2, lba);    /* MMC-6 6.16, bytes 2..5: Logical Block Address */
        put_be16(cdb + 7, blocks); /* MMC-6 6.16, bytes 7..8: Transfer Length */
        return 10;
}

/* ---- INQUIRY ---- */

/* Copies a fixed-width ASCII field (SPC-4: printable ASCII, blank padded). Anything that is not printable
 * ASCII counts as a blank: some drives pad with NUL, and the result goes out over D-Bus, whose strings
 * must be valid UTF-8. Trailing blanks are stripped. */
static void copy_ascii_field(char *dst, const uint8_t *src, size_t n) {
        size_t end = 0;

        for (size_t i = 0; i < n; i++) {
                bool printable = src[i] > 0x20 && src[i] < 0x7f;

                dst[i] = printable ? (char) src[i] : ' ';
                if (printable)
                        end = i + 1;
        }
        dst[end] = '\0';
}

int mmc_parse_inquiry(const uint8_t *buf, size_t len, MmcInquiry *ret) {
        MmcInquiry q = {};

        /* SPC-4 Table 148, byte 4: ADDITIONAL LENGTH (n-4). It is deliberately not used to cut the reply:
         * like the kernel's scsi_probe_lun() ("INQUIRY result too short, using 36") we accept devices
         * that under-report it, as long as the 36 standard bytes really arrived. */
        if (!buf || !ret || len < 36)
                return -EBADMSG;

        /* SPC-4 Table 148, standard INQUIRY data: */
        q.peripheral_type = buf[0] & 0x1f;         /* byte 0 bits 4..0: PERIPHERAL DEVICE TYPE */
        q.removable = buf[1] & 0x80;               /* byte 1 bit 7: RMB */
        copy_ascii_field(q.vendor, buf + 8, 8);    /* bytes 8..15: T10 VENDOR IDENTIFICATION */
        copy_ascii_field(q.product, buf + 16, 16); /* bytes 16..31: PRODUCT IDENTIFICATION */
        copy_ascii_field(q.revision, buf + 32, 4); /* bytes 32..35: PRODUCT REVISION LEVEL */

        *ret = q;
        return 0;
}

/* ---- GET CONFIGURATION ---- */

static int parse_feature(const uint8_t *d, size_t addlen, MmcConfiguration *c) {
        uint16_t code = be16(d); /* MMC-6 5.3 Feature Descriptor header, bytes 0..1: Feature Code */
        bool current = d[2] & 1; /* MMC-6 5.3 Feature Descriptor header, byte 2 bit 0: Current */

        /* Every feature's Additional Length is a multiple of 4 (mmc.h); anything else is garbage. */
        if (addlen % 4 != 0)
                return -EBADMSG;

        switch (code) {
        case MMC_FEATURE_PROFILE_LIST:
                /* MMC-6 5.3.1: Profile Descriptors of 4 bytes each from byte 4 */
                for (size_t o = 4; o + 4 <= 4 + addlen; o += 4) {
                        if (c->n_profiles >= MMC_MAX_PROFILES)
                                break;
                        c->profiles[c->n_profiles] = be16(d + o);         /* bytes 0..1: Profile Number */
                        c->profile_current[c->n_profiles] = d[o + 2] & 1; /* byte 2 bit 0: CurrentP */
                        c->n_profiles++;
                }
                break;

        case MMC_FEATURE_RANDOM_READABLE:
                /* MMC-6 5.3.5: Additional Length 08h, fixed fields through byte 10 */
                if (addlen < 8)
                        return -EBADMSG;
                c->random_readable_present = true;
                c->random_readable_current = current;
                c->logical_block_size = be32(d + 4); /* MMC-6 5.3.5, bytes 4..7: Logical Block Size */
                c->blocking = be16(d + 8);           /* MMC-6 5.3.5, bytes 8..9: Blocking */
                break;

        case MMC_FEATURE_INCREMENTAL_STREAMING: {
                size_t n;

                /* MMC-6 5.3.14: Data Block Types Supported (4..5), flags (6), Number of Link Sizes (7) */
                if (addlen < 4)
                        return -EBADMSG;
                c->incremental_present = true;
                c->incremental_current = current;
                n = d[7];               /* MMC-6 5.3.14, byte 7: Number of Link Sizes */
                n = MIN(n, addlen - 4); /* the link sizes must lie inside this descriptor */
                n = MIN(n, (size_t) MMC_MAX_LINK_SIZES);
                for (size_t i = 0; i < n; i++)
                        c->link_sizes[i] = d[8 + i]; /* MMC-6 5.3.14, bytes 8..: Link Size */
                c->n_link_sizes = n;
                break;
        }

        case MMC_FEATURE_BD_R_POW:
                /* MMC-6 5.3.27: only the Current bit of the generic header matters */
                c->pow_present = true;
                c->pow_current = current;
                break;

        default: break;
        }

        return 0;
}

int mmc_parse_configuration(const uint8_t *buf, size_t len, MmcConfiguration *ret) {
        MmcConfiguration c = {};
        uint64_t total;
        size_t eff;
        int r;

        if (!buf || !ret || len < 4)
                return -EBADMSG;

        /* MMC-6 Table 87, bytes 0..3: Data Length, the bytes after this field. 64-bit so that a garbage
         * FFFFFFFFh cannot wrap. */
        total = (uint64_t) be32(buf) + 4;
        if (total < 8)
                return -EBADMSG;
        eff = (size_t) MIN((uint64_t) len, total);
        if (eff < 8)
                return -EBADMSG;

        c.current_profile = be16(buf + 6); /* MMC-6 Table 87, bytes 6..7: Current Profile */

        /* Feature descriptors from byte 8. One that does not fit ends the walk: a reply cut at the
         * allocation length is how the drive answers a short buffer. */
        for (size_t o = 8; o + 4 <= eff;) {
                /* MMC-6 5.3 Feature Descriptor header, byte 3: Additional Length */
                size_t addlen = buf[o + 3];

                if (addlen > eff - o - 4)
                        break;

                r = parse_feature(buf + o, addlen, &c);
                if (r < 0)
                        return r;

                o += 4 + addlen;
        }

        *ret = c;
        return 0;
}

/* ---- READ DISC INFORMATION ---- */

int mmc_parse_disc_information(const uint8_t *buf, size_t len, MmcDiscInfo *ret) {
        MmcDiscInfo d = {};
        size_t eff, total;

        if (!buf || !ret || len < 2)
                return -EBADMSG;

        /* MMC-6 Table 520, bytes 0..1: Disc Information Length, the bytes after this field. Bytes 2..11
         * (through the track/session MSBs) are required. */
        total = (size_t) be16(buf) + 2;
        if (total < 12)
                return -EBADMSG;
        /* Standard disc information is 34 bytes plus 8 per OPC table entry (byte 33 counts at most
         * 255): a longer claim is a firmware's garbage, and nothing after it can be trusted. */
        if (total > 34 + 8 * 255)
                return -EBADMSG;
        eff = MIN(len, total);
        if (eff < 12)
                return -EBADMSG;

        /* MMC-6 Table 520 "Standard Disc Information", byte by byte: */
        d.erasable = buf[2] & 0x10;                         /* byte 2 bit 4: Erasable */
        d.last_session_state = (buf[2] >> 2) & 0x03;        /* byte 2 bits 3..2: State of Last Session */
        d.disc_status = buf[2] & 0x03;                      /* byte 2 bits 1..0: Disc Status */
        d.first_track = buf[3];                             /* byte 3: Number of First Track on Disc */
        d.n_sessions = buf[9] << 8 | buf[4];                /* bytes 9 (MSB), 4 (LSB): Number of Sessions */
        d.first_track_last_session = buf[10] << 8 | buf[5]; /* bytes 10, 5: First Track in Last Session */
        d.last_track_last_session = buf[11] << 8 | buf[6];  /* bytes 11, 6: Last Track in Last Session */
        d.did_v = buf[7] & 0x80;                            /* byte 7 bit 7: DID_V */
        d.dbc_v = buf[7] & 0x40;                            /* byte 7 bit 6: DBC_V */
        d.uru = buf[7] & 0x20;                              /* byte 7 bit 5: URU */
        d.bg_format_status = buf[7] & 0x03;                 /* byte 7 bits 1..0: BG Format Status */
        d.disc_type = buf[8];                               /* byte 8: Disc Type */
        if (eff >= 16)
                d.disc_id = be32(buf + 12); /* MMC-6 Table 520, bytes 12..15: Disc Identification */
        if (eff >= 20)
                d.last_session_lead_in = be32(buf + 16); /* MMC-6 Table 520, bytes 16..19: Lead-in Start */
        if (eff >= 24)
                d.last_possible_lead_out = be32(buf + 20); /* MMC-6 Table 520, bytes 20..23: Lead-out */

        /* A written disc has at least one session, and its last session cannot end before it starts.
         * (First Track on Disc = 0 is not checked: some drives report it on written media.) */
        if (d.disc_status != MMC_DISC_STATUS_BLANK) {
                if (d.n_sessions == 0)
                        return -EBADMSG;
                if (d.first_track_last_session > d.last_track_last_session)
                        return -EBADMSG;
        }

        *ret = d;
        return 0;
}

/* ---- READ TRACK INFORMATION ---- */

int mmc_parse_track_information(const uint8_t *buf, size_t len, MmcTrackInfo *ret) {
        MmcTrackInfo t = {};
        size_t eff, total;

        if (!buf || !ret || len < 2)
                return -EBADMSG;

        /* MMC-6 Table 575, bytes 0..1: Data Length, the bytes after this field. Bytes 2..27 (through
         * Logical Track Size) are required. */
        total = (size_t) be16(buf) + 2;
        if (total < 28)
                return -EBADMSG;
        eff = MIN(len, total);
        if (eff < 28)
                return -EBADMSG;

        t.track = buf[2];                     /* MMC-6 Table 575, byte 2: Logical Track Number LSB */
        t.session = buf[3];                   /* MMC-6 Table 575, byte 3: Session Number LSB */
        t.layer_jump_present = buf[5] & 0xc0; /* MMC-6 Table 575, byte 5 bits 7..6: LJRS */
        t.damage = buf[5] & 0x20;             /* MMC-6 Table 575, byte 5 bit 5: Damage */
        t.copy = buf[5] & 0x10;               /* MMC-6 Table 575, byte 5 bit 4: Copy */
        t.track_mode = buf[5] & 0x0f;         /* MMC-6 Table 575, byte 5 bits 3..0: Track Mode */
        t.rt = buf[6] & 0x80;                 /* MMC-6 Table 575, byte 6 bit 7: RT */
        t.blank = buf[6] & 0x40;              /* MMC-6 Table 575, byte 6 bit 6: Blank */
        t.packet = buf[6] & 0x20;             /* MMC-6 Table 575, byte 6 bit 5: Packet/Inc */
        t.fp = buf[6] & 0x10;                 /* MMC-6 Table 575, byte 6 bit 4: FP */
        t.data_mode = buf[6] & 0x0f;          /* MMC-6 Table 575, byte 6 bits 3..0: Data Mode */
        t.lra_v = buf[7] & 0x02;              /* MMC-6 Table 575, byte 7 bit 1: LRA_V */
        t.nwa_v = buf[7] & 0x01;              /* MMC-6 Table 575, byte 7 bit 0: NWA_V */
        t.start = be32(buf + 8);              /* MMC-6 Table 575, bytes 8..11: Logical Track Start Address */
        t.nwa = be32(buf + 12);               /* MMC-6 Table 575, bytes 12..15: Next Writable Address */
        t.free_blocks = be32(buf + 16);       /* MMC-6 Table 575, bytes 16..19: Free Blocks */
        t.fixed_packet_size = be32(buf + 20); /* MMC-6 Table 575, bytes 20..23: Fixed Packet Size */
        t.size = be32(buf + 24);              /* MMC-6 Table 575, bytes 24..27: Logical Track Size */

        if (eff >= 32)
                t.lra = be32(buf + 28); /* MMC-6 Table 575, bytes 28..31: Last Recorded Address */
        else if (t.lra_v)
                return -EBADMSG; /* the drive says the LRA is valid but did not send it */
        if (eff >= 33)
                t.track |= buf[32] << 8; /* MMC-6 Table 575, byte 32: Logical Track Number MSB */
        if (eff >= 34)
                t.session |= buf[33] << 8; /* MMC-6 Table 575, byte 33: Session Number MSB */
        if (eff >= 40)
                t.read_compat_lba =
                        be32(buf + 36); /* MMC-6 Table 575, bytes 36..39: Read Compatibility LBA */

        *ret = t;
        return 0;
}

/* ---- READ TOC/PMA/ATIP ---- */

int32_t mmc_msf_to_lba(uint8_t m, uint8_t s, uint8_t f) {
        int32_t v = ((int32_t) m * 60 + s) * 75 + f;

        /* Red Book addressing as MMC-6 uses it for CD: MSF 00:02:00 is LBA 0; minutes 90 and up are the
         * lead-in and map to negative LBAs. */
        return m >= 90 ? v - 450150 : v - 150;
}

int mmc_parse_toc(const uint8_t *buf, size_t len, uint8_t format, MmcToc *ret) {
        size_t dsize, total, eff, n;

        if (format > 2)
                return -EINVAL;
        if (!buf || !ret || len < 4)
                return -EBADMSG;

        /* Format 0 and 1: 8-byte TOC Track Descriptors (MMC-6 Tables 480, 483); format 2: 11-byte Raw TOC
         * descriptors (MMC-6 Table 486). All start at byte 4. */
        dsize = format == 2 ? 11 : 8;

        /* MMC-6 Tables 480/483/486, bytes 0..1: TOC Data Length, the bytes after this field. It must
         * cover bytes 2..3 and describe a whole number of descriptors. */
        total = (size_t) be16(buf) + 2;
        if (total < 4 || (total - 4) % dsize != 0)
                return -EBADMSG;
        eff = MIN(len, total);

        /* Only whole descriptors that arrived are read. */
        n = (eff - 4) / dsize;
        if (n > MMC_TOC_MAX_ENTRIES)
                return -EBADMSG;

        if (format == 0) {
                /* MMC-6 Table 480: tracks in ascending order, the lead-out (AAh) last. A reply that lost
                 * its lead-out to a short transfer cannot give the last track's size, so it fails. */
                if (n == 0 || buf[4 + (n - 1) * 8 + 2] != 0xaa)
                        return -EBADMSG;
                for (size_t i = 1; i < n; i++)
                        if (buf[4 + i * 8 + 2] <= buf[4 + (i - 1) * 8 + 2])
                                return -EBADMSG;
        } else if (format == 2) {
                /* MMC-6 Table 486: descriptors come grouped by session, sessions in ascending order. */
                for (size_t i = 1; i < n; i++)
                        if (buf[4 + i * 11] < buf[4 + (i - 1) * 11])
                                return -EBADMSG;
        }

        /* Validated: from here on nothing fails, so *ret is written only on success. */
        ret->format = format;
        ret->first = buf[2]; /* MMC-6 Tables 480/483/486, byte 2: First Track / First Complete Session */
        ret->last = buf[3];  /* MMC-6 Tables 480/483/486, byte 3: Last Track / Last Complete Session */
        ret->n_entries = n;

        for (size_t i = 0; i < n; i++) {
                const uint8_t *d = buf + 4 + i * dsize;
                MmcTocEntry *e = ret->entries + i;

                *e = (MmcTocEntry){};
                e->adr = d[1] >> 4;       /* MMC-6 Tables 480/483/486, descriptor byte 1 bits 7..4: ADR */
                e->control = d[1] & 0x0f; /* MMC-6 Tables 480/483/486, descriptor byte 1 bits 3..0 */

                if (format != 2) {
                        e->point = d[2];                /* MMC-6 Tables 480/483, descriptor byte 2 */
                        e->lba = (int32_t) be32(d + 4); /* MMC-6 Tables 480/483, descriptor bytes 4..7 */
                        continue;
                }

                e->session = d[0]; /* MMC-6 Table 486, descriptor byte 0: Session Number */
                /* descriptor byte 2: TNO, always 0 in the lead-in */
                e->point = d[3]; /* MMC-6 Table 486, descriptor byte 3: POINT */
                e->min = d[4];   /* MMC-6 Table 486, descriptor byte 4: Min */
                e->sec = d[5];   /* MMC-6 Table 486, descriptor byte 5: Sec */
                e->frame = d[6]; /* MMC-6 Table 486, descriptor byte 6: Frame */
                /* descriptor byte 7: Zero */
                e->pmin = d[8];    /* MMC-6 Table 486, descriptor byte 8: PMIN */
                e->psec = d[9];    /* MMC-6 Table 486, descriptor byte 9: PSEC */
                e->pframe = d[10]; /* MMC-6 Table 486, descriptor byte 10: PFRAME */

                /* A track start (POINT 01h..99h) or the session's lead-out start (A2h) is an address;
                 * for A0h/A1h PMIN is a track number, and B0h..C1h carry other data. */
                if (e->point < 0xa0 || e->point == 0xa2)
                        e->lba = mmc_msf_to_lba(e->pmin, e->psec, e->pframe);
        }

        return 0;
}

/* ---- READ CAPACITY ---- */

int mmc_parse_capacity(const uint8_t *buf, size_t len, MmcCapacity *ret) {
        /* MMC-6 Table 523: a fixed 8-byte reply with no length header. */
        if (!buf || !ret || len < 8)
                return -EBADMSG;

        *ret = (MmcCapacity){
                .last_lba = be32(buf),       /* MMC-6 Table 523, bytes 0..3: Logical Block Address */
                .block_size = be32(buf + 4), /* MMC-6 Table 523, bytes 4..7: Block Length in Bytes */
        };
        return 0;
}

/* ---- Names ---- */

const char *mmc_profile_to_string(uint16_t profile) {
        /* MMC-6 Table 91 */
        switch (profile) {
        case MMC_PROFILE_NONE: return "none";
        case MMC_PROFILE_CD_ROM: return "CD-ROM";
        case MMC_PROFILE_CD_R: return "CD-R";
        case MMC_PROFILE_CD_RW: return "CD-RW";
        case MMC_PROFILE_DVD_ROM: return "DVD-ROM";
        case MMC_PROFILE_DVD_R_SEQ: return "DVD-R";
        case MMC_PROFILE_DVD_RAM: return "DVD-RAM";
        case MMC_PROFILE_DVD_RW_RO: return "DVD-RW restricted overwrite";
        case MMC_PROFILE_DVD_RW_SEQ: return "DVD-RW";
        case MMC_PROFILE_DVD_R_DL_SEQ: return "DVD-R DL";
        case MMC_PROFILE_DVD_R_DL_JUMP: return "DVD-R DL layer jump";
        case MMC_PROFILE_DVD_PLUS_RW: return "DVD+RW";
        case MMC_PROFILE_DVD_PLUS_R: return "DVD+R";
        case MMC_PROFILE_DVD_PLUS_RW_DL: return "DVD+RW DL";
        case MMC_PROFILE_DVD_PLUS_R_DL: return "DVD+R DL";
        case MMC_PROFILE_BD_ROM: return "BD-ROM";
        case MMC_PROFILE_BD_R_SRM: return "BD-R SRM";
        case MMC_PROFILE_BD_R_RRM: return "BD-R RRM";
        case MMC_PROFILE_BD_RE: return "BD-RE";
        default: return "unknown";
        }
}
