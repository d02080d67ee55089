/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>

/* multisessiond --probe DEVICE [--json]: probe once, print every property, exit (design.md §2.5).
 * Returns the process exit status. */
int oneshot_probe(const char *devnode, bool json, unsigned timeout_ms);
