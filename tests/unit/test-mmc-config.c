/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * Unit tests for daemon/mmc.c: GET CONFIGURATION (the feature descriptors the probe keeps). Every reply
 * below is written by hand from the MMC-6 / SPC-4 tables cited next to it, never produced by the code under
 * test, and every expected value is worked out by hand. Each sample also goes through check_all_cuts()
 * (mmc-test-util.h): every truncation of it, and the whole of it with every smaller value in its length
 * header.
 */

#include <errno.h>
#include <string.h>

/* Before <glib.h>: macro.h defines MIN/MAX unconditionally, and GLib #undefs them before its own. */
#include "macro.h"
#include "mmc.h"
#include "mmc-test-util.h"

#include <glib.h>

/* ---- GET CONFIGURATION ---- */

/* MMC-6 Table 87 header and feature descriptors (MMC-6 5.3): a CD-R in a DVD/BD writer. The descriptors
 * end at bytes 36, 48, 56, 68 and 76. */
static const uint8_t config_reply[76] = {
        0x00, 0x00, 0x00, 0x48, 0x00, 0x00, 0x00, 0x09, /* Data Length 72, Current Profile 0009h */
        /* 0000h Profile List: persistent+current, 6 profile descriptors, CD-R (0009h) current */
        0x00, 0x00, 0x03, 0x18,
        0x00, 0x41, 0x00, 0x00, 0x00, 0x1b, 0x00, 0x00, 0x00, 0x11, 0x00, 0x00, /* BD-R SRM, DVD+R, DVD-R */
        0x00, 0x0a, 0x00, 0x00, 0x00, 0x09, 0x01, 0x00, 0x00, 0x08, 0x00, 0x00, /* CD-RW, CD-R, CD-ROM */
        /* 0010h Random Readable, current: block size 2048, Blocking 1, PP */
        0x00, 0x10, 0x01, 0x08, 0x00, 0x00, 0x08, 0x00, 0x00, 0x01, 0x01, 0x00,
        /* 001Eh CD Read, version 2, current: not one we keep */
        0x00, 0x1e, 0x0b, 0x04, 0x03, 0x00, 0x00, 0x00,
        /* 0021h Incremental Streaming Writable, version 1, current: 2 link sizes (7, 16), padding */
        0x00, 0x21, 0x05, 0x08, 0x00, 0x01, 0x01, 0x02, 0x07, 0x10, 0x00, 0x00,
        /* 0038h BD-R POW, not current */
        0x00, 0x38, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00,
};

static void check_config(const uint8_t *buf, size_t len, size_t eff, _unused_ const void *expected) {
        static const uint16_t profiles[6] = { 0x41, 0x1b, 0x11, 0x0a, 0x09, 0x08 };
        MmcConfiguration c;
        int r = mmc_parse_configuration(buf, len, &c);

        if (eff < 8) {
                g_assert_cmpint(r, ==, -EBADMSG);
                return;
        }
        g_assert_cmpint(r, ==, 0);
        g_assert_cmpuint(c.current_profile, ==, 0x0009);

        g_assert_cmpuint(c.n_profiles, ==, eff >= 36 ? 6 : 0);
        for (size_t i = 0; i < c.n_profiles; i++) {
                g_assert_cmpuint(c.profiles[i], ==, profiles[i]);
                g_assert_cmpint(c.profile_current[i], ==, profiles[i] == 0x09);
        }

        g_assert_cmpint(c.random_readable_present, ==, eff >= 48);
        g_assert_cmpint(c.random_readable_current, ==, eff >= 48);
        g_assert_cmpuint(c.logical_block_size, ==, eff >= 48 ? 2048 : 0);
        g_assert_cmpuint(c.blocking, ==, eff >= 48 ? 1 : 0);

        g_assert_cmpint(c.incremental_present, ==, eff >= 68);
        g_assert_cmpint(c.incremental_current, ==, eff >= 68);
        g_assert_cmpuint(c.n_link_sizes, ==, eff >= 68 ? 2 : 0);
        g_assert_cmpuint(c.link_sizes[0], ==, eff >= 68 ? 7 : 0);
        g_assert_cmpuint(c.link_sizes[1], ==, eff >= 68 ? 16 : 0);

        g_assert_cmpint(c.pow_present, ==, eff >= 76);
        g_assert_false(c.pow_current);
}

/* Appends a feature descriptor with addlen zero bytes of body at b + *n and updates the Data Length. */
static uint8_t *put_feature(uint8_t *b, size_t *n, uint16_t code, uint8_t flags, uint8_t addlen) {
        uint8_t *d = b + *n;

        put_be16(d, code);
        d[2] = flags;
        d[3] = addlen;
        memset(d + 4, 0, addlen);
        *n += 4 + (size_t) addlen;
        put_be32(b, (uint32_t) (*n - 4));
        return d;
}

static void test_configuration(void) {
        static const struct {
                uint16_t code;
                uint8_t addlen;
        } bad[] = {
                { 0x0000, 6 }, /* not a multiple of 4 */
                { 0x1234, 1 }, /* not a multiple of 4, unknown feature */
                { 0x0010, 4 }, /* too short for Blocking */
                { 0x0010, 0 }, /* ditto */
                { 0x0021, 0 }, /* too short for Number of Link Sizes */
        };
        uint8_t b[600] = {};
        MmcConfiguration c;
        uint8_t *d;
        size_t n;

        check_all_cuts(config_reply, sizeof config_reply, 0, 4, check_config, NULL);

        /* Garbage Data Length FFFFFFFFh: cut at what arrived, without wrapping around. */
        memcpy(b, config_reply, sizeof config_reply);
        put_be32(b, 0xffffffff);
        check_config(b, sizeof config_reply, sizeof config_reply, NULL);

        /* No medium: header only, current profile 0. */
        memset(b, 0, sizeof b);
        n = 8;
        put_be32(b, 4);
        g_assert_cmpint(mmc_parse_configuration(b, n, &c), ==, 0);
        g_assert_cmpuint(c.current_profile, ==, 0);
        g_assert_cmpuint(c.n_profiles, ==, 0);

        /* POW current; the profile list capped at MMC_MAX_PROFILES (70 profiles in two descriptors). */
        put_be16(b + 6, 0x0041);
        d = put_feature(b, &n, 0x0000, 0x03, 4 * 40);
        for (unsigned i = 0; i < 40; i++)
                put_be16(d + 4 + 4 * i, (uint16_t) (0x100 + i));
        d = put_feature(b, &n, 0x0000, 0x03, 4 * 30);
        for (unsigned i = 0; i < 30; i++)
                put_be16(d + 4 + 4 * i, (uint16_t) (0x200 + i));
        d[4 + 4 * 29 + 2] = 0x01; /* the 70th is current, but beyond the cap */
        d[4 + 2] = 0xfe;          /* the 41st: reserved bits set, CurrentP clear */
        put_feature(b, &n, 0x0038, 0x01, 4);
        d = put_feature(b, &n, 0x0010, 0x00, 8); /* Random Readable, not current: DVD block, Blocking 16 */
        put_be32(d + 4, 2048);
        put_be16(d + 8, 16);
        g_assert_cmpint(mmc_parse_configuration(b, n, &c), ==, 0);
        g_assert_cmpuint(c.current_profile, ==, 0x0041);
        g_assert_cmpuint(c.n_profiles, ==, MMC_MAX_PROFILES);
        g_assert_cmpuint(c.profiles[39], ==, 0x127);
        g_assert_cmpuint(c.profiles[40], ==, 0x200);
        g_assert_cmpuint(c.profiles[MMC_MAX_PROFILES - 1], ==, 0x200 + MMC_MAX_PROFILES - 41);
        for (size_t i = 0; i < c.n_profiles; i++)
                g_assert_false(c.profile_current[i]);
        g_assert_true(c.pow_present);
        g_assert_true(c.pow_current);
        g_assert_true(c.random_readable_present);
        g_assert_false(c.random_readable_current);
        g_assert_cmpuint(c.logical_block_size, ==, 2048);
        g_assert_cmpuint(c.blocking, ==, 16);

        /* 0021h: more link sizes claimed than the descriptor holds, or than MMC_MAX_LINK_SIZES; none. */
        n = 8;
        d = put_feature(b, &n, 0x0021, 0x00, 8);
        d[7] = 9; /* only 4 fit in bytes 8..11 */
        d[8] = 16;
        d[11] = 32;
        g_assert_cmpint(mmc_parse_configuration(b, n, &c), ==, 0);
        g_assert_true(c.incremental_present);
        g_assert_false(c.incremental_current);
        g_assert_cmpuint(c.n_link_sizes, ==, 4);
        g_assert_cmpuint(c.link_sizes[0], ==, 16);
        g_assert_cmpuint(c.link_sizes[3], ==, 32);
        n = 8;
        d = put_feature(b, &n, 0x0021, 0x01, 24);
        d[7] = 20;
        for (unsigned i = 0; i < 20; i++)
                d[8 + i] = (uint8_t) (i + 1);
        g_assert_cmpint(mmc_parse_configuration(b, n, &c), ==, 0);
        g_assert_cmpuint(c.n_link_sizes, ==, MMC_MAX_LINK_SIZES);
        g_assert_cmpuint(c.link_sizes[MMC_MAX_LINK_SIZES - 1], ==, MMC_MAX_LINK_SIZES);
        n = 8;
        put_feature(b, &n, 0x0021, 0x01, 4);
        g_assert_cmpint(mmc_parse_configuration(b, n, &c), ==, 0);
        g_assert_true(c.incremental_current);
        g_assert_cmpuint(c.n_link_sizes, ==, 0);

        /* Malformed descriptors that arrived whole are -EBADMSG; cut by the end of the data, the same
         * descriptor only ends the walk. */
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                n = 8;
                put_feature(b, &n, 0x0000, 0x03, 4);
                put_feature(b, &n, bad[i].code, 0x01, bad[i].addlen);
                g_assert_cmpint(mmc_parse_configuration(b, n, &c), ==, -EBADMSG);
                g_assert_cmpint(mmc_parse_configuration(b, n - 1, &c), ==, 0);
        }
}

int main(int argc, char *argv[]) {
        g_test_init(&argc, &argv, NULL);

        g_test_add_func("/mmc/configuration", test_configuration);

        return g_test_run();
}
