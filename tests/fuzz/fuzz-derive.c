/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * multisession_derive() on any ProbeData the parsers could return (probe-data-codec.h), also on
 * combinations no probe sequence assembles today (a TOC next to a DVD profile, a first track without a
 * disc information): the derivation must not depend on probe.c's choices to stay memory- and UB-safe.
 */

#include <errno.h>

#include "fuzz-checks.h"
#include "fuzz.h"
#include "macro.h"
#include "probe-data-codec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_free_ ProbeData *d = malloc(sizeof(ProbeData));
        MediaState s;
        int r;

        if (!d)
                abort();
        probe_data_decode(data, size, d);
        if (!probe_data_parser_consistent(d))
                return -1; /* not a ProbeData parsers produce: keep it out of the corpus */

        r = multisession_derive(d, &s);
        FUZZ_CHECK(r == 0 || r == -EBADMSG);
        if (r == 0)
                fuzz_check_media_state(&s);
        return 0;
}
