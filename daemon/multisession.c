/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * From parsed MMC replies to the published values. The formulas and their sources are in
 * ../shared/reference/mmc-multisession.md §4; the exact rules, as one list, in tests/discs/FORMAT.md.
 */

#include <errno.h>

#include "macro.h"
#include "multisession.h"

bool profile_is_cd(uint16_t p) {
        return p >= MMC_PROFILE_CD_ROM && p <= MMC_PROFILE_CD_RW;
}

bool profile_is_dvd(uint16_t p) {
        /* MMC-6 Table 91: 0010h..0018h, 001Ah, 001Bh, 002Ah, 002Bh. */
        return (p >= MMC_PROFILE_DVD_ROM && p <= 0x0018) || p == MMC_PROFILE_DVD_PLUS_RW ||
               p == MMC_PROFILE_DVD_PLUS_R || p == MMC_PROFILE_DVD_PLUS_RW_DL ||
               p == MMC_PROFILE_DVD_PLUS_R_DL;
}

bool profile_is_bd(uint16_t p) {
        return p >= MMC_PROFILE_BD_ROM && p <= MMC_PROFILE_BD_RE;
}

bool profile_is_rom(uint16_t p) {
        return p == MMC_PROFILE_CD_ROM || p == MMC_PROFILE_DVD_ROM || p == MMC_PROFILE_BD_ROM;
}

bool profile_is_sequential(uint16_t p, bool pow_current) {
        switch (p) {
        case MMC_PROFILE_CD_R:
        case MMC_PROFILE_CD_RW:
        case MMC_PROFILE_DVD_R_SEQ:
        case MMC_PROFILE_DVD_RW_SEQ:
        case MMC_PROFILE_DVD_R_DL_SEQ:
        case MMC_PROFILE_DVD_R_DL_JUMP:
        case MMC_PROFILE_DVD_PLUS_R:
        case MMC_PROFILE_DVD_PLUS_R_DL: return true;
        case MMC_PROFILE_BD_R_SRM:
                /* Feature 0038h current: pseudo-overwrite, which "prevents sequential multi-session"
                 * (libburn burn_drive_get_bd_r_pow). */
                return !pow_current;
        default: return false;
        }
}

bool profile_is_overwritable(uint16_t p, bool pow_current) {
        switch (p) {
        case MMC_PROFILE_DVD_RAM:
        case MMC_PROFILE_DVD_RW_RO:
        case MMC_PROFILE_DVD_PLUS_RW:
        case MMC_PROFILE_DVD_PLUS_RW_DL:
        case MMC_PROFILE_BD_RE: return true;
        case MMC_PROFILE_BD_R_SRM: return pow_current;
        default: return false;
        }
}

uint32_t profile_next_track(uint16_t p, const MmcDiscInfo *di) {
        if (profile_is_cd(p) || p == MMC_PROFILE_DVD_PLUS_R || p == MMC_PROFILE_DVD_PLUS_R_DL)
                return 0xff;
        return di->last_track_last_session;
}

uint32_t profile_physical_type(uint16_t p) {
        /* IMAPI_MEDIA_PHYSICAL_TYPE (imapi2.h), mmc-multisession.md §1.7. */
        switch (p) {
        case MMC_PROFILE_CD_ROM: return 1;
        case MMC_PROFILE_CD_R: return 2;
        case MMC_PROFILE_CD_RW: return 3;
        case MMC_PROFILE_DVD_ROM: return 4;
        case MMC_PROFILE_DVD_RAM: return 5;
        case MMC_PROFILE_DVD_PLUS_R: return 6;
        case MMC_PROFILE_DVD_PLUS_RW: return 7;
        case MMC_PROFILE_DVD_PLUS_R_DL: return 8;
        case MMC_PROFILE_DVD_R_SEQ: return 9;
        case MMC_PROFILE_DVD_RW_RO:
        case MMC_PROFILE_DVD_RW_SEQ: return 10;
        case MMC_PROFILE_DVD_R_DL_SEQ:
        case MMC_PROFILE_DVD_R_DL_JUMP: return 11;
        case MMC_PROFILE_DVD_PLUS_RW_DL: return 13;
        case MMC_PROFILE_BD_ROM: return 17;
        case MMC_PROFILE_BD_R_SRM:
        case MMC_PROFILE_BD_R_RRM: return 18;
        case MMC_PROFILE_BD_RE: return 19;
        default: return 0;
        }
}

const char *profile_media_type(uint16_t p) {
        /* udisks' Drive.Media names (udiskslinuxdrive.c), so integrations can compare them. */
        switch (p) {
        case MMC_PROFILE_CD_ROM: return "optical_cd";
        case MMC_PROFILE_CD_R: return "optical_cd_r";
        case MMC_PROFILE_CD_RW: return "optical_cd_rw";
        case MMC_PROFILE_DVD_ROM: return "optical_dvd";
        case MMC_PROFILE_DVD_R_SEQ:
        case MMC_PROFILE_DVD_R_DL_SEQ:
        case MMC_PROFILE_DVD_R_DL_JUMP: return "optical_dvd_r";
        case MMC_PROFILE_DVD_RAM: return "optical_dvd_ram";
        case MMC_PROFILE_DVD_RW_RO:
        case MMC_PROFILE_DVD_RW_SEQ: return "optical_dvd_rw";
        case MMC_PROFILE_DVD_PLUS_RW: return "optical_dvd_plus_rw";
        case MMC_PROFILE_DVD_PLUS_R: return "optical_dvd_plus_r";
        case MMC_PROFILE_DVD_PLUS_RW_DL: return "optical_dvd_plus_rw_dl";
        case MMC_PROFILE_DVD_PLUS_R_DL: return "optical_dvd_plus_r_dl";
        case MMC_PROFILE_BD_ROM: return "optical_bd";
        case MMC_PROFILE_BD_R_SRM:
        case MMC_PROFILE_BD_R_RRM: return "optical_bd_r";
        case MMC_PROFILE_BD_RE: return "optical_bd_re";
        default: return "";
        }
}

int32_t profile_write_unit(uint16_t p, const MmcConfiguration *c) {
        /* Feature 0010h Blocking is the drive's own word (MMC-6 5.3.5). Without it: a CD sector, a DVD
         * ECC block of 16 sectors (growisofs pads to it), a BD cluster of 32 (libisoburn aligns to it). */
        if (c && c->random_readable_current && c->blocking > 0)
                return c->blocking;
        if (profile_is_dvd(p))
                return 16;
        if (profile_is_bd(p))
                return 32;
        return 1;
}

uint32_t disc_complete_sessions(const MmcDiscInfo *di) {
        if (di->disc_status == MMC_DISC_STATUS_BLANK || di->n_sessions == 0)
                return 0;
        /* DI bytes 4/9 count the empty or incomplete last session too. */
        return di->n_sessions - (di->last_session_state != MMC_SESSION_COMPLETE ? 1 : 0);
}

bool disc_blank_like(uint16_t p, const MmcDiscInfo *di) {
        if (di->disc_status == MMC_DISC_STATUS_BLANK)
                return true;
        if (di->disc_status != MMC_DISC_STATUS_APPENDABLE)
                return false;
        /* libburn: "Freshly formatted, unwritten BD-R pretend to be appendable". One session, empty. */
        if (p == MMC_PROFILE_BD_R_SRM && di->last_session_state == MMC_SESSION_EMPTY && di->n_sessions == 1)
                return true;
        /* cdrom_id: DVD-RW in restricted overwrite reporting appendable is blank. */
        return p == MMC_PROFILE_DVD_RW_RO;
}

uint32_t disc_last_complete_track(const MmcDiscInfo *di) {
        if (di->disc_status == MMC_DISC_STATUS_APPENDABLE)
                return di->first_track_last_session > 0 ? di->first_track_last_session - 1u : 0;
        return di->last_track_last_session;
}

static int32_t lba_clamp(uint64_t v) {
        return v > INT32_MAX ? INT32_MAX : (int32_t) v;
}

/* The next writable address of the next track. Pioneer BDR-205 and LITE-ON LTR-48125S report −150 on
 * blank media (libburn mmc_get_nwa): an NWA below the track start, read as signed, is the start. */
static uint32_t next_nwa(const MmcTrackInfo *t) {
        return (int32_t) t->nwa < (int32_t) t->start ? t->start : t->nwa;
}

void media_state_init_empty(MediaState *s) {
        *s = (MediaState){
                .media_type = "",
                .seq_last_written_prev = -1,
                .seq_next_writable = -1,
                .seq_start_prev = -1,
                .rw_last_written = -1,
        };
}

static const MmcTocEntry *toc_find(const MmcToc *t, uint8_t session, uint8_t point) {
        for (size_t i = 0; i < t->n_entries; i++)
                if (t->entries[i].point == point && (session == 0 || t->entries[i].session == session))
                        return &t->entries[i];
        return NULL;
}

/* Start of the first track of the last complete session (the first number of cdrecord -msinfo). */
static int start_of_last_session(const ProbeData *d, uint32_t ncomplete, int32_t *ret) {
        if (d->have_first) {
                *ret = lba_clamp(d->first.start);
                return 0;
        }
        if (d->have_toc && d->toc.format == 2) {
                /* Full TOC, MMC-6 Table 487: POINT A0h of a session has the first track in PMIN. */
                const MmcTocEntry *a0 = toc_find(&d->toc, (uint8_t) ncomplete, 0xa0), *t;

                /* A session cannot start in the lead-in (MSF ≥ 90 minutes reads negative). */
                if (!a0 || !(t = toc_find(&d->toc, (uint8_t) ncomplete, a0->pmin)) || t->lba < 0)
                        return -EBADMSG;
                *ret = t->lba;
                return 0;
        }
        if (d->have_toc1 && d->toc1.n_entries > 0) {
                /* Format 1 (MMC-6 Table 484): the first track in the last complete session. */
                if (d->toc1.entries[0].lba < 0)
                        return -EBADMSG;
                *ret = d->toc1.entries[0].lba;
                return 0;
        }
        *ret = -1;
        return 0;
}

static int last_written_of_last_session(const ProbeData *d, uint32_t ncomplete, int32_t *ret) {
        if (d->have_last) {
                /* LRA when the drive vouches for it, else the track's extent (the track is closed, so
                 * the kernel's packet-writing "free + 7" term does not apply). */
                if (d->last.lra_v)
                        *ret = lba_clamp(d->last.lra);
                else
                        *ret = lba_clamp((uint64_t) d->last.start +
                                         (d->last.size > 0 ? d->last.size - 1 : 0));
                return 0;
        }
        if (d->have_toc) {
                /* The session's lead-out (A2h in format 2, AAh in format 0) minus one. On TAO CDs this
                 * counts the two run-out blocks; only READ TRACK INFORMATION knows better. */
                const MmcTocEntry *lo = d->toc.format == 2 ? toc_find(&d->toc, (uint8_t) ncomplete, 0xa2)
                                                           : toc_find(&d->toc, 0, 0xaa);
                if (!lo)
                        return -EBADMSG;
                *ret = lo->lba > 0 ? lo->lba - 1 : 0;
                return 0;
        }
        *ret = -1;
        return 0;
}

/* Is there a data track in a complete session? On DVD and BD every track is data. */
static bool data_in_complete_sessions(const ProbeData *d, uint32_t ncomplete) {
        if (ncomplete == 0)
                return false;
        if (d->have_toc && profile_is_cd(d->config.current_profile)) {
                for (size_t i = 0; i < d->toc.n_entries; i++) {
                        const MmcTocEntry *e = &d->toc.entries[i];

                        if (e->point < 1 || e->point > 99)
                                continue;
                        if (d->toc.format == 2 && e->session > ncomplete)
                                continue;
                        if (mmc_track_mode_is_data(e->control))
                                return true;
                }
                return false;
        }
        if (profile_is_cd(d->config.current_profile) && (d->have_first || d->have_last))
                return (d->have_first && mmc_track_mode_is_data(d->first.track_mode)) ||
                       (d->have_last && mmc_track_mode_is_data(d->last.track_mode));
        return true;
}

static uint32_t media_status(const ProbeData *d, const MediaState *s, bool blank_like, bool damaged) {
        const MmcDiscInfo *di = &d->disc;
        uint16_t p = s->profile;
        uint32_t st = 0;

        if (!s->seq_in_use && !s->rw_in_use)
                return IMAPI_MEDIA_STATE_UNSUPPORTED_MEDIA;
        if (s->rw_in_use)
                return IMAPI_MEDIA_STATE_OVERWRITE_ONLY | (blank_like ? IMAPI_MEDIA_STATE_BLANK : 0);

        if (blank_like)
                st |= IMAPI_MEDIA_STATE_BLANK;
        else if (di->disc_status == MMC_DISC_STATUS_APPENDABLE) {
                st |= IMAPI_MEDIA_STATE_APPENDABLE;
                if (di->last_session_state == MMC_SESSION_INCOMPLETE)
                        st |= IMAPI_MEDIA_STATE_NON_EMPTY_SESSION;
        } else if (di->disc_status == MMC_DISC_STATUS_COMPLETE) {
                st |= IMAPI_MEDIA_STATE_FINALIZED;
                if (di->erasable)
                        st |= IMAPI_MEDIA_STATE_ERASE_REQUIRED;
        }
        if (damaged)
                st |= IMAPI_MEDIA_STATE_DAMAGED;

        /* "can have only one additional session added to it, or the media does not support multiple
         * sessions": DVD-R DL, DVD-R/-RW outside incremental mode, DVD+R at its last session. */
        if (di->disc_status == MMC_DISC_STATUS_BLANK || di->disc_status == MMC_DISC_STATUS_APPENDABLE) {
                bool incremental = d->have_config && d->config.incremental_current;

                if (p == MMC_PROFILE_DVD_R_DL_SEQ || p == MMC_PROFILE_DVD_R_DL_JUMP ||
                    ((p == MMC_PROFILE_DVD_R_SEQ || p == MMC_PROFILE_DVD_RW_SEQ) && !incremental) ||
                    ((p == MMC_PROFILE_DVD_PLUS_R || p == MMC_PROFILE_DVD_PLUS_R_DL) &&
                     di->n_sessions >= DVD_PLUS_R_MAX_SESSIONS))
                        st |= IMAPI_MEDIA_STATE_FINAL_SESSION;
        }
        return st;
}

int multisession_derive(const ProbeData *d, MediaState *ret) {
        const MmcDiscInfo *di = &d->disc;
        MediaState s;
        uint32_t ncomplete;
        bool blank_like, damaged, pow;
        int r;

        media_state_init_empty(&s);
        if (!d->media_present) {
                *ret = s;
                return 0;
        }

        s.media_present = true;
        s.profile = d->have_config ? d->config.current_profile : 0;
        s.physical_type = profile_physical_type(s.profile);
        s.media_type = profile_media_type(s.profile);
        pow = d->have_config && d->config.pow_current;
        s.seq_in_use = profile_is_sequential(s.profile, pow);
        s.rw_in_use = profile_is_overwritable(s.profile, pow);
        s.seq_write_unit = profile_write_unit(s.profile, d->have_config ? &d->config : NULL);

        if (!d->have_disc) {
                /* A drive that answers GET CONFIGURATION but not READ DISC INFORMATION leaves only what
                 * the profile says. */
                s.media_status = s.seq_in_use || s.rw_in_use ? IMAPI_MEDIA_STATE_UNKNOWN
                                                             : IMAPI_MEDIA_STATE_UNSUPPORTED_MEDIA;
                *ret = s;
                return 0;
        }

        ncomplete = disc_complete_sessions(di);
        blank_like = disc_blank_like(s.profile, di);
        damaged = di->last_session_state == MMC_SESSION_DAMAGED || (d->have_next && d->next.damage);
        if (blank_like)
                ncomplete = 0;

        s.session_count = ncomplete;
        if (di->disc_status != MMC_DISC_STATUS_BLANK && di->last_track_last_session >= di->first_track) {
                bool invisible = di->disc_status == MMC_DISC_STATUS_APPENDABLE &&
                                 (d->have_next ? d->next.blank && !d->next.rt
                                               : di->last_session_state == MMC_SESSION_EMPTY);

                s.track_count = di->last_track_last_session - di->first_track + 1u - (invisible ? 1u : 0u);
        }

        if (ncomplete > 0) {
                r = start_of_last_session(d, ncomplete, &s.seq_start_prev);
                if (r < 0)
                        return r;
                r = last_written_of_last_session(d, ncomplete, &s.seq_last_written_prev);
                if (r < 0)
                        return r;
        }
        s.seq_first_data_session = !data_in_complete_sessions(d, ncomplete);

        /* Published whatever the interface: it is the drive's word about where a write would go (on
         * BD-R POW and fresh restricted-overwrite DVD-RW too), −1 where it has none. */
        if (blank_like)
                s.seq_next_writable = 0; /* "Blank media begin writing at location zero." */
        else if (di->disc_status == MMC_DISC_STATUS_APPENDABLE && d->have_next && d->next.nwa_v)
                s.seq_next_writable = lba_clamp(next_nwa(&d->next));

        if (s.seq_in_use && di->disc_status <= MMC_DISC_STATUS_APPENDABLE && d->have_next)
                s.seq_free_sectors = lba_clamp(d->next.free_blocks);

        /* "Appendable after imported data": a complete session to import and a place to write the next
         * one, or GetMultisessionInfo would hand mkisofs a −1. */
        s.seq_supported = s.seq_in_use && di->disc_status == MMC_DISC_STATUS_APPENDABLE &&
                          di->last_session_state == MMC_SESSION_EMPTY && !blank_like && !damaged &&
                          ncomplete > 0 && s.seq_start_prev >= 0 && s.seq_next_writable >= 0;
        /* DVD-R and DVD-RW sequential do multisession only in incremental mode (feature 0021h). */
        if ((s.profile == MMC_PROFILE_DVD_R_SEQ || s.profile == MMC_PROFILE_DVD_RW_SEQ) &&
            !(d->have_config && d->config.incremental_current))
                s.seq_supported = false;

        if (s.seq_in_use && di->disc_status <= MMC_DISC_STATUS_APPENDABLE && d->have_next)
                s.total_sectors = lba_clamp((uint64_t) (d->next.nwa_v ? next_nwa(&d->next) : d->next.start) +
                                            d->next.free_blocks);
        else if (d->have_capacity && d->capacity.last_lba > 0)
                s.total_sectors = lba_clamp((uint64_t) d->capacity.last_lba + 1);

        if (s.rw_in_use) {
                s.rw_supported = true;
                s.rw_write_unit = s.seq_write_unit;
                s.rw_total_sectors = d->have_capacity && d->capacity.last_lba > 0
                                             ? lba_clamp((uint64_t) d->capacity.last_lba + 1)
                                             : 0;
                if (d->have_next && d->next.lra_v)
                        s.rw_last_written = lba_clamp(d->next.lra);
        }

        s.media_status = media_status(d, &s, blank_like, damaged);
        *ret = s;
        return 0;
}

int multisession_msinfo(const MediaState *s, int64_t iso_blocks, int32_t *ret_start, int32_t *ret_next) {
        if (!s->media_present)
                return -ENOMEDIUM;
        if (s->seq_in_use) {
                if (!s->seq_supported)
                        return -EROFS;
                *ret_start = s->seq_start_prev;
                *ret_next = s->seq_next_writable;
                return 0;
        }
        if (s->rw_in_use) {
                int64_t unit = s->rw_write_unit > 0 ? s->rw_write_unit : 1;

                if (iso_blocks <= 0)
                        return -EROFS;
                *ret_start = 0;
                *ret_next = lba_clamp((uint64_t) ((iso_blocks + unit - 1) / unit * unit));
                return 0;
        }
        return -EMEDIUMTYPE;
}
