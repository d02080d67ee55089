/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * mmc_parse_toc() on arbitrary READ TOC/PMA/ATIP data (MMC-6 6.26). The first input byte picks the
 * format (0, 1 and 2, and 3 which the parser must refuse); the rest is the reply.
 */

#include <errno.h>
#include <string.h>

#include "fuzz.h"
#include "macro.h"
#include "mmc.h"

static void check_same(const MmcToc *a, const MmcToc *b) {
        FUZZ_CHECK(a->format == b->format && a->first == b->first && a->last == b->last &&
                   a->n_entries == b->n_entries);
        for (size_t i = 0; i < a->n_entries; i++) {
                const MmcTocEntry *x = &a->entries[i], *y = &b->entries[i];

                FUZZ_CHECK(x->session == y->session && x->adr == y->adr && x->control == y->control &&
                           x->point == y->point && x->lba == y->lba && x->min == y->min &&
                           x->sec == y->sec && x->frame == y->frame && x->pmin == y->pmin &&
                           x->psec == y->psec && x->pframe == y->pframe);
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_free_ uint8_t *buf = NULL;
        _cleanup_free_ MmcToc *toc = malloc(sizeof(MmcToc));
        _cleanup_free_ MmcToc *cut = malloc(sizeof(MmcToc));
        size_t total, dsize;
        uint8_t format;
        int r, r2;

        if (!toc || !cut)
                abort();
        if (size < 1)
                return 0;
        format = data[0] % 4;
        buf = fuzz_dup(data + 1, size - 1);
        size--;

        memset(toc, FUZZ_POISON_BYTE, sizeof(*toc));
        r = mmc_parse_toc(buf, size, format, toc);
        if (format > 2)
                FUZZ_CHECK(r == -EINVAL);
        else
                FUZZ_CHECK(r == 0 || r == -EBADMSG);
        if (r < 0) {
                FUZZ_CHECK(fuzz_untouched(toc, sizeof(*toc)));
                return 0;
        }

        /* Tables 480/483/486: whole descriptors after a 4-byte header, inside both the TOC Data Length
         * and what arrived. */
        dsize = format == 2 ? 11 : 8;
        total = (size_t) be16(buf) + 2;
        FUZZ_CHECK(toc->format == format);
        FUZZ_CHECK(toc->n_entries <= MMC_TOC_MAX_ENTRIES);
        FUZZ_CHECK(4 + toc->n_entries * dsize <= MIN(size, total));
        FUZZ_CHECK((total - 4) % dsize == 0);
        if (format == 0) {
                /* Table 480: ascending track numbers, the lead-out AAh last. */
                FUZZ_CHECK(toc->n_entries > 0 && toc->entries[toc->n_entries - 1].point == 0xaa);
                for (size_t i = 1; i < toc->n_entries; i++)
                        FUZZ_CHECK(toc->entries[i].point > toc->entries[i - 1].point);
        }
        for (size_t i = 0; i < toc->n_entries; i++) {
                const uint8_t *d = buf + 4 + i * dsize;

                FUZZ_CHECK(toc->entries[i].adr == d[1] >> 4 && toc->entries[i].control == (d[1] & 0x0f));
                if (format == 2) {
                        FUZZ_CHECK(toc->entries[i].session == d[0] && toc->entries[i].point == d[3]);
                        if (i > 0)
                                FUZZ_CHECK(toc->entries[i].session >= toc->entries[i - 1].session);
                } else
                        FUZZ_CHECK(toc->entries[i].point == d[2] &&
                                   toc->entries[i].lba == (int32_t) be32(d + 4));
        }

        if (total < size) {
                r = mmc_parse_toc(buf, size, format, toc);
                r2 = mmc_parse_toc(buf, total, format, cut);
                FUZZ_CHECK(r == 0 && r2 == 0);
                check_same(toc, cut);
        }
        return 0;
}
