/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "multisession.h"

/* Aborts when a MediaState breaks a promise of design.md §2 (sentinels, one interface in use, the strict
 * GetMultisessionInfo answer). Shared by the probe and derivation targets. */
void fuzz_check_media_state(const MediaState *s);
