/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * A Transport (daemon/transport.h) that hands each CDB to an in-process EmuDrive instead of SG_IO, for
 * unit tests of the probe. transport_command() (daemon/transport.c) still counts and filters opcodes;
 * this only provides the ops.
 */

#include "drive.h"
#include "transport.h"

/* Takes a reference on drive. Returns 0 or -ENOMEM. */
int fake_transport_new(EmuDrive *drive, Transport **ret);

/* The drive behind a transport made by fake_transport_new() (no new reference), else NULL. */
EmuDrive *fake_transport_get_drive(Transport *t);
