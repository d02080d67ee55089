/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* gettext for the messages people read: --help, the one-shot probe's errors and labels. Log records and
 * D-Bus error texts stay untranslated (they go to journals and programs). */

#include <libintl.h>
#include <locale.h>

#define _(s)  gettext(s)
#define N_(s) (s)

void i18n_setup(void);
