/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * multisession_derive() on hand-built replies: the edge cases of mmc-multisession.md §3.8, each value
 * worked out from the rules in tests/discs/FORMAT.md. (test-multisession does the same for every disc of
 * the library through the emulated drive.)
 */

#include <errno.h>
#include <glib.h>

#include "multisession.h"

static ProbeData *data_new(uint16_t profile, uint8_t ds, uint8_t sls, uint16_t nses, uint16_t ftls, uint16_t ltls) {
        ProbeData *d = g_new0(ProbeData, 1);

        d->media_present = true;
        d->have_config = true;
        d->config.current_profile = profile;
        d->have_disc = true;
        d->disc = (MmcDiscInfo) {
                .disc_status = ds,
                .last_session_state = sls,
                .first_track = 1,
                .n_sessions = nses,
                .first_track_last_session = ftls,
                .last_track_last_session = ltls,
        };
        return d;
}

static void set_next(ProbeData *d, uint16_t track, uint16_t session, uint32_t start, uint32_t nwa, uint32_t free_blocks) {
        d->have_next = true;
        d->next = (MmcTrackInfo) {
                .track = track,
                .session = session,
                .blank = true,
                .nwa_v = true,
                .start = start,
                .nwa = nwa,
                .free_blocks = free_blocks,
                .track_mode = 4,
        };
}

static void toc_add(MmcToc *t, uint8_t session, uint8_t point, uint8_t control, int32_t lba, uint8_t pmin) {
        t->entries[t->n_entries++] = (MmcTocEntry) {
                .session = session, .point = point, .control = control, .lba = lba, .pmin = pmin,
        };
}

static void test_no_medium(void) {
        g_autofree ProbeData *d = g_new0(ProbeData, 1);
        MediaState s;

        g_assert_cmpint(multisession_derive(d, &s), ==, 0);
        g_assert_false(s.media_present);
        g_assert_cmpint(s.seq_next_writable, ==, -1);
        g_assert_cmpint(s.seq_start_prev, ==, -1);
        g_assert_cmpint(s.seq_last_written_prev, ==, -1);
        g_assert_cmpint(s.seq_free_sectors, ==, 0);
        g_assert_cmpint(s.seq_write_unit, ==, 0);
        g_assert_false(s.seq_first_data_session);
        g_assert_false(s.seq_in_use);
        g_assert_false(s.rw_in_use);
        g_assert_cmpint(s.rw_last_written, ==, -1);
        g_assert_cmpuint(s.media_status, ==, 0);
        g_assert_cmpstr(s.media_type, ==, "");
}

/* CD-R, one closed 10000-block TAO session; the invisible track starts 11400 later (lead-out 6750 +
 * lead-in 4500 + pregap 150) and runs to the 80-minute lead-out at 359849. */
static ProbeData *cdr_appendable(void) {
        ProbeData *d = data_new(MMC_PROFILE_CD_R, MMC_DISC_STATUS_APPENDABLE, MMC_SESSION_EMPTY, 2, 2, 2);

        set_next(d, 2, 2, 21400, 21400, 338449);
        d->have_toc = true;
        d->toc.format = 2;
        toc_add(&d->toc, 1, 0xa0, 4, 0, 1);
        toc_add(&d->toc, 1, 0xa1, 4, 0, 1);
        toc_add(&d->toc, 1, 0xa2, 4, 10002, 2);
        toc_add(&d->toc, 1, 1, 4, 0, 0);
        d->have_last = true;
        d->last = (MmcTrackInfo) { .track = 1, .session = 1, .start = 0, .size = 10000, .track_mode = 4 };
        return d;
}

static void test_cdr_appendable(void) {
        g_autofree ProbeData *d = cdr_appendable();
        int32_t start, next;
        MediaState s;

        g_assert_cmpint(multisession_derive(d, &s), ==, 0);
        g_assert_true(s.seq_in_use);
        g_assert_true(s.seq_supported);
        g_assert_false(s.rw_in_use);
        g_assert_cmpint(s.seq_start_prev, ==, 0);
        g_assert_cmpint(s.seq_last_written_prev, ==, 9999); /* TI size, not the TOC's lead-out with run-out */
        g_assert_cmpint(s.seq_next_writable, ==, 21400);
        g_assert_cmpint(s.seq_free_sectors, ==, 338449);
        g_assert_false(s.seq_first_data_session);
        g_assert_cmpint(s.seq_write_unit, ==, 1);
        g_assert_cmpuint(s.session_count, ==, 1);
        g_assert_cmpuint(s.track_count, ==, 1);
        g_assert_cmpint(s.total_sectors, ==, 359849);
        g_assert_cmphex(s.media_status, ==, IMAPI_MEDIA_STATE_APPENDABLE);
        g_assert_cmpuint(s.physical_type, ==, 2);
        g_assert_cmpstr(s.media_type, ==, "optical_cd_r");

        g_assert_cmpint(multisession_msinfo(&s, -1, &start, &next), ==, 0);
        g_assert_cmpint(start, ==, 0);
        g_assert_cmpint(next, ==, 21400);

        /* Without READ TRACK INFORMATION of the last track, the lead-out (A2h) minus one: it includes
         * the two TAO run-out blocks. */
        d->have_last = false;
        g_assert_cmpint(multisession_derive(d, &s), ==, 0);
        g_assert_cmpint(s.seq_last_written_prev, ==, 10001);
}

static void test_cd_nwa_minus_150(void) {
        g_autofree ProbeData *d = cdr_appendable();
        MediaState s;

        d->next.nwa = (uint32_t) -150;
        g_assert_cmpint(multisession_derive(d, &s), ==, 0);
        g_assert_cmpint(s.seq_next_writable, ==, 21400);
}

static void test_toc_contradiction(void) {
        g_autofree ProbeData *d = cdr_appendable();
        MediaState s;

        /* The disc says one complete session; a TOC with no A0h for it cannot be used. */
        d->have_last = false;
        d->toc.entries[0].session = 2;
        g_assert_cmpint(multisession_derive(d, &s), ==, -EBADMSG);
}

static void test_cd_extra(void) {
        g_autofree ProbeData *d = cdr_appendable();
        MediaState s;

        /* Session 1 is audio: the next session is the first with data. */
        for (size_t i = 0; i < d->toc.n_entries; i++)
                d->toc.entries[i].control = 0;
        d->last.track_mode = 0;
        g_assert_cmpint(multisession_derive(d, &s), ==, 0);
        g_assert_true(s.seq_first_data_session);
        g_assert_true(s.seq_supported);
}

static void test_incomplete_session(void) {
        g_autofree ProbeData *d = cdr_appendable();
        int32_t start, next;
        MediaState s;

        d->disc.last_session_state = MMC_SESSION_INCOMPLETE;
        g_assert_cmpint(multisession_derive(d, &s), ==, 0);
        g_assert_false(s.seq_supported);
        g_assert_cmpint(s.seq_next_writable, ==, 21400); /* still published */
        g_assert_cmphex(s.media_status, ==, IMAPI_MEDIA_STATE_APPENDABLE | IMAPI_MEDIA_STATE_NON_EMPTY_SESSION);
        g_assert_cmpint(multisession_msinfo(&s, -1, &start, &next), ==, -EROFS);
}

static void test_damaged(void) {
        g_autofree ProbeData *d = cdr_appendable();
        MediaState s;

        d->next.damage = true;
        d->next.nwa_v = false;
        g_assert_cmpint(multisession_derive(d, &s), ==, 0);
        g_assert_false(s.seq_supported);
        g_assert_cmpint(s.seq_next_writable, ==, -1);
        g_assert_cmphex(s.media_status, ==, IMAPI_MEDIA_STATE_APPENDABLE | IMAPI_MEDIA_STATE_DAMAGED);
}

static void test_bdr_fresh_formatted(void) {
        g_autofree ProbeData *d = data_new(MMC_PROFILE_BD_R_SRM, MMC_DISC_STATUS_APPENDABLE, MMC_SESSION_EMPTY, 1, 1, 1);
        int32_t start, next;
        MediaState s;

        set_next(d, 1, 1, 0, 0, 11826176);
        g_assert_cmpint(multisession_derive(d, &s), ==, 0);
        g_assert_true(s.seq_in_use);
        g_assert_false(s.seq_supported);
        g_assert_cmpint(s.seq_next_writable, ==, 0);
        g_assert_cmpint(s.seq_start_prev, ==, -1);
        g_assert_cmpint(s.seq_last_written_prev, ==, -1);
        g_assert_true(s.seq_first_data_session);
        g_assert_cmpuint(s.session_count, ==, 0);
        g_assert_cmpuint(s.track_count, ==, 0);
        g_assert_cmpint(s.seq_write_unit, ==, 32);
        g_assert_cmphex(s.media_status, ==, IMAPI_MEDIA_STATE_BLANK);
        g_assert_cmpint(multisession_msinfo(&s, -1, &start, &next), ==, -EROFS);
}

static void test_bdr_pow(void) {
        g_autofree ProbeData *d = data_new(MMC_PROFILE_BD_R_SRM, MMC_DISC_STATUS_APPENDABLE, MMC_SESSION_EMPTY, 2, 2, 2);
        int32_t start, next;
        MediaState s;

        d->config.pow_current = true;
        d->have_capacity = true;
        d->capacity.last_lba = 12219391;
        d->have_next = true;
        d->next = (MmcTrackInfo) { .track = 2, .session = 2, .lra_v = true, .lra = 40031 };
        g_assert_cmpint(multisession_derive(d, &s), ==, 0);
        g_assert_false(s.seq_in_use);
        g_assert_true(s.rw_in_use);
        g_assert_true(s.rw_supported);
        g_assert_cmpint(s.rw_total_sectors, ==, 12219392);
        g_assert_cmpint(s.rw_last_written, ==, 40031);
        g_assert_cmpint(s.rw_write_unit, ==, 32);
        g_assert_cmphex(s.media_status, ==, IMAPI_MEDIA_STATE_OVERWRITE_ONLY);
        /* growisofs/xorriso: 0 and the volume end rounded up to the 32-block cluster. */
        g_assert_cmpint(multisession_msinfo(&s, 40001, &start, &next), ==, 0);
        g_assert_cmpint(start, ==, 0);
        g_assert_cmpint(next, ==, 40032);
        g_assert_cmpint(multisession_msinfo(&s, -1, &start, &next), ==, -EROFS);
}

static void test_dvdr_without_incremental(void) {
        g_autofree ProbeData *d = data_new(MMC_PROFILE_DVD_R_SEQ, MMC_DISC_STATUS_APPENDABLE, MMC_SESSION_EMPTY, 2, 2, 2);
        MediaState s;

        set_next(d, 2, 2, 196608, 196608, 2098496);
        d->have_first = d->have_last = true;
        d->first = d->last = (MmcTrackInfo) { .track = 1, .session = 1, .start = 0, .size = 150000, .track_mode = 4 };
        g_assert_cmpint(multisession_derive(d, &s), ==, 0);
        g_assert_false(s.seq_supported);
        g_assert_cmphex(s.media_status, ==, IMAPI_MEDIA_STATE_APPENDABLE | IMAPI_MEDIA_STATE_FINAL_SESSION);
        g_assert_cmpint(s.seq_write_unit, ==, 16);

        d->config.incremental_current = true;
        g_assert_cmpint(multisession_derive(d, &s), ==, 0);
        g_assert_true(s.seq_supported);
        g_assert_cmphex(s.media_status, ==, IMAPI_MEDIA_STATE_APPENDABLE);
        g_assert_cmpint(s.seq_start_prev, ==, 0);
        g_assert_cmpint(s.seq_last_written_prev, ==, 149999);
        g_assert_cmpint(s.total_sectors, ==, 2295104);
}

static void test_dvdplusr_last_session(void) {
        g_autofree ProbeData *d = data_new(MMC_PROFILE_DVD_PLUS_R, MMC_DISC_STATUS_APPENDABLE, MMC_SESSION_EMPTY, 153, 153, 153);
        MediaState s;

        set_next(d, 153, 153, 2000000, 2000000, 295104);
        g_assert_cmpint(multisession_derive(d, &s), ==, 0);
        g_assert_cmphex(s.media_status, ==, IMAPI_MEDIA_STATE_APPENDABLE | IMAPI_MEDIA_STATE_FINAL_SESSION);
        g_assert_cmpuint(s.session_count, ==, 152);
        g_assert_cmpuint(s.track_count, ==, 152);
}

static void test_closed_cdrw(void) {
        g_autofree ProbeData *d = data_new(MMC_PROFILE_CD_RW, MMC_DISC_STATUS_COMPLETE, MMC_SESSION_COMPLETE, 1, 1, 1);
        MediaState s;

        d->disc.erasable = true;
        d->have_capacity = true;
        d->capacity.last_lba = 9999;
        g_assert_cmpint(multisession_derive(d, &s), ==, 0);
        g_assert_cmphex(s.media_status, ==, IMAPI_MEDIA_STATE_FINALIZED | IMAPI_MEDIA_STATE_ERASE_REQUIRED);
        g_assert_cmpint(s.seq_next_writable, ==, -1);
        g_assert_cmpint(s.seq_free_sectors, ==, 0);
        g_assert_cmpint(s.total_sectors, ==, 10000);
        g_assert_false(s.seq_supported);
}

static void test_rom(void) {
        g_autofree ProbeData *d = data_new(MMC_PROFILE_DVD_ROM, MMC_DISC_STATUS_COMPLETE, MMC_SESSION_COMPLETE, 1, 1, 1);
        int32_t start, next;
        MediaState s;

        d->have_toc = d->have_toc1 = true;
        d->toc.format = 0;
        toc_add(&d->toc, 0, 1, 4, 0, 0);
        toc_add(&d->toc, 0, 0xaa, 4, 2000000, 0);
        d->toc1.format = 1;
        toc_add(&d->toc1, 0, 1, 4, 0, 0);
        g_assert_cmpint(multisession_derive(d, &s), ==, 0);
        g_assert_false(s.seq_in_use);
        g_assert_false(s.rw_in_use);
        g_assert_cmpint(s.seq_start_prev, ==, 0);
        g_assert_cmpint(s.seq_last_written_prev, ==, 1999999);
        g_assert_false(s.seq_first_data_session);
        g_assert_cmphex(s.media_status, ==, IMAPI_MEDIA_STATE_UNSUPPORTED_MEDIA);
        g_assert_cmpint(multisession_msinfo(&s, -1, &start, &next), ==, -EMEDIUMTYPE);
}

int main(int argc, char *argv[]) {
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/derive/no-medium", test_no_medium);
        g_test_add_func("/derive/cdr-appendable", test_cdr_appendable);
        g_test_add_func("/derive/cd-nwa-minus-150", test_cd_nwa_minus_150);
        g_test_add_func("/derive/toc-contradiction", test_toc_contradiction);
        g_test_add_func("/derive/cd-extra", test_cd_extra);
        g_test_add_func("/derive/incomplete-session", test_incomplete_session);
        g_test_add_func("/derive/damaged", test_damaged);
        g_test_add_func("/derive/bdr-fresh-formatted", test_bdr_fresh_formatted);
        g_test_add_func("/derive/bdr-pow", test_bdr_pow);
        g_test_add_func("/derive/dvdr-without-incremental", test_dvdr_without_incremental);
        g_test_add_func("/derive/dvdplusr-last-session", test_dvdplusr_last_session);
        g_test_add_func("/derive/closed-cdrw", test_closed_cdrw);
        g_test_add_func("/derive/rom", test_rom);
        return g_test_run();
}
