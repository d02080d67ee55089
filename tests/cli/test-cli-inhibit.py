#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""multisessionctl inhibit [DRIVE] [--why TEXT] -- COMMAND: while COMMAND runs the drive is inhibited (listed
in Inhibitors, ProbeState "inhibited", no command reaches it even across a media change); when COMMAND
ends the daemon probes once and publishes the new medium; COMMAND's exit status is passed on. Prints TAP."""

import subprocess

import clitest
from clitest import DRIVE, SEQ

FIRST, SECOND = "cdr-appendable-1session", "dvdplusr-appendable-2sessions"


def sg_lines(svc):
    return [line for line in svc.log_lines() if not line.startswith("#") and " ioctl " not in line]


def main():
    tap = clitest.Tap()
    with clitest.Service([FIRST]) as svc:
        held = svc.popen_ctl("inhibit", "sr0", "--why", "burning session 2", "--", "sleep", "30")
        inhibited = svc.wait_for(lambda: (svc.objects() or {}).get("sr0", {}).get(DRIVE, {}).get("Inhibited"),
                                 "the drive to be inhibited")
        d = svc.objects()["sr0"][DRIVE]
        tap.ok(inhibited and d["ProbeState"] == "inhibited", "inhibited while the command runs",
               f"ProbeState={d['ProbeState']}")
        tap.ok(d["Inhibitors"] == [["sleep", "burning session 2", 0]], "Inhibitors names who, why and uid",
               repr(d["Inhibitors"]))

        before = len(sg_lines(svc))
        svc.control(f"insert sr0 {clitest.disc_path(SECOND)}")
        # Give a (wrong) probe every chance to happen: a Refresh is refused as Busy, and a round trip
        # to the daemon lets it act on the uevent it has received by now.
        r = svc.ctl("refresh", "sr0")
        tap.ok(r.code == clitest.EXIT_FOR_ERROR["Busy"], "refresh while inhibited fails as busy",
               f"exit {r.code}: {r.err}")
        tap.ok(len(sg_lines(svc)) == before, "no command reaches the drive while inhibited",
               "\n".join(sg_lines(svc)[before:]))

        held.terminate()  # passed on to sleep; multisessionctl waits for it to end, then lets go
        held.wait(timeout=clitest.TIMEOUT)
        expect = clitest.read_disc(SECOND)["expect"]
        objs = svc.wait_for(lambda: (lambda o: o if o and o["sr0"][DRIVE]["MediaType"] ==
                                     expect["drive.MediaType"] and o["sr0"][DRIVE]["ProbeState"] == "idle"
                                     else None)(svc.objects()), "the new disc after the release")
        tap.ok(objs["sr0"][SEQ]["NextWritableAddress"] == int(expect["seq.NextWritableAddress"]),
               "the new disc is published after the release")
        probes = [line for line in sg_lines(svc)[before:] if line.split()[1] == "46"]
        tap.ok(len(probes) == 1, "exactly one probe after the release", f"{len(probes)} GET CONFIGURATION")
        tap.ok(held.returncode == 128 + 15, "the command's status is passed on (killed by SIGTERM)",
               f"exit {held.returncode}")

        r = svc.ctl("inhibit", "--", "sh", "-c", "exit 3")
        tap.ok(r.code == 3, "an exit status is passed on", f"exit {r.code}: {r.err}")
        r = svc.ctl("inhibit", "sr0")
        tap.ok(r.code == 64, "inhibit without a command is a usage error", f"exit {r.code}")
        r = svc.ctl("msinfo", "--why", "x")
        tap.ok(r.code == 64, "--why belongs to inhibit only", f"exit {r.code}")
    return tap.done()


if __name__ == "__main__":
    raise SystemExit(main())
