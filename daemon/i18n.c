/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <stdlib.h>

#include "config.h"
#include "i18n.h"

void i18n_setup(void) {
        /* Tests point the catalogs at a staging tree; installed binaries use LOCALEDIR. */
        const char *dir = secure_getenv("MULTISESSIOND_LOCALEDIR");

        setlocale(LC_ALL, "");
        bindtextdomain(GETTEXT_PACKAGE, dir && *dir ? dir : LOCALEDIR);
        bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
        textdomain(GETTEXT_PACKAGE);
}
