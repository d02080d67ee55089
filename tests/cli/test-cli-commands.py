#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""multisessionctl list, status, tracks and refresh against the daemon on emulated drives: text and JSON
checked against the discs' expect and track lines and against busctl's independent reading of the bus;
the DRIVE rules (the only drive, sr0, /dev/sr0, the object path, several drives, an unknown name); the
documented exit codes; --help, --version and usage errors. Prints TAP."""

import os
import re

import clitest
from clitest import DRIVE, IFACES, RW, SEQ

DISC = "cdr-appendable-3sessions"
OTHER = "dvdplusr-blank"
PATH0 = clitest.ROOT + "/drive/sr0"


def mib(sectors):
    # multisessionctl(1): one sector is 2048 bytes; a MiB is 512 sectors. One decimal, as printed.
    return f"{sectors * 2048 / 1048576:.1f} MiB"


def status_line(out, prop, iface):
    """The value column of PROP in the section of IFACE in status' text."""
    section = None
    for line in out.splitlines():
        if line.endswith(":") and not line.startswith(" "):
            section = line[:-1]
        elif section == iface and line.split() and line.split()[0] == prop:
            return line.split(None, 1)[1]
    return None


def check_expect(tap, what, data, disc):
    bad = []
    for key, want in disc["expect"].items():
        if "." not in key:
            continue
        short, prop = key.split(".", 1)
        got = data.get(IFACES[short], {}).get(prop)
        if got is None or not clitest.expected_value(want, got):
            bad.append(f"{key}: got {got!r}, expected {want!r}")
    tap.ok(not bad, f"{what}: every expect line of the disc", "\n".join(bad))


def test_one_drive(tap):
    disc = clitest.read_disc(DISC)
    with clitest.Service([DISC]) as svc:
        # DRIVE may be left out with one drive; every way of naming it gives the same answer.
        outs = {}
        for arg in (None, "sr0", "/dev/sr0", PATH0):
            r = svc.ctl("status", *([arg] if arg else []))
            outs[arg] = r
            tap.ok(r.code == 0 and r.out.startswith("sr0 (/dev/sr0)"), f"status {arg or '(only drive)'}", r)
        tap.ok(len({r.out for r in outs.values()}) == 1, "status: the same output however sr0 is named")

        text = outs["sr0"].out
        exp = disc["expect"]
        for iface, prop, want in (
                (SEQ, "NextWritableAddress", exp["seq.NextWritableAddress"]),
                (SEQ, "StartAddressOfPreviousSession", exp["seq.StartAddressOfPreviousSession"]),
                (SEQ, "FreeSectorsOnMedia",
                 f"{exp['seq.FreeSectorsOnMedia']} ({mib(int(exp['seq.FreeSectorsOnMedia']))})"),
                (DRIVE, "TotalSectorsOnMedia",
                 f"{exp['drive.TotalSectorsOnMedia']} ({mib(int(exp['drive.TotalSectorsOnMedia']))})"),
                (DRIVE, "CurrentProfile", "0x0009 (CD-R)"),
                (DRIVE, "MediaType", exp["drive.MediaType"]),
                (SEQ, "IsSupportedOnCurrentMediaState", "yes"),
                (RW, "InUse", "no"),
                (RW, "LastWrittenAddress", "-1 (none)")):
            got = status_line(text, prop, iface)
            tap.ok(got == want, f"status text: {iface} {prop} = {want}", f"got {got!r}\n{text}")

        r = svc.ctl("--json", "status")
        data = r.json() if r.code == 0 else {}
        tap.ok(list(data) == [SEQ, DRIVE, RW], "status --json: one key per interface, as --probe --json", r)
        check_expect(tap, "status --json", data, disc)
        ours = {i: p for i, p in (svc.objects() or {}).get("sr0", {}).items() if i in (SEQ, DRIVE, RW)}
        tap.ok(data == ours, "status --json equals busctl's GetManagedObjects, types included",
               f"cli: {data}\nbusctl: {ours}")

        # tracks: one row per track line of the disc, the invisible track last.
        r = svc.ctl("tracks")
        rows = [line.split() for line in r.out.splitlines()]
        tap.ok(r.code == 0 and rows and rows[0][0] == "SESSION", "tracks: a table with headings", r)
        want_rows = []
        for n, t in enumerate(disc["tracks"], 1):
            want_rows.append([t["session"], str(n), str(int(t["start"], 0)), str(int(t["size"], 0)),
                              str(int(t["lra"], 0)) if "lra" in t else "-",
                              "data" if t.get("mode", "data") == "data" else "audio",
                              t.get("state", "complete")])
        tap.ok(rows[1:] == want_rows, "tracks: rows equal the disc's track lines", f"{rows}\n{want_rows}")
        r = svc.ctl("--no-legend", "tracks", "sr0")
        tap.ok(r.code == 0 and [line.split() for line in r.out.splitlines()] == want_rows,
               "tracks --no-legend: rows only", r)
        r = svc.ctl("--json", "tracks", "sr0")
        got = r.json() if r.code == 0 else None
        want = [{"Session": int(row[0]), "Track": int(row[1]), "Start": int(row[2]), "Size": int(row[3]),
                 "LastRecorded": -1 if row[4] == "-" else int(row[4]), "IsData": row[5] == "data",
                 "State": row[6]} for row in want_rows]
        tap.ok(got == want, "tracks --json: the disc's tracks with --probe --json's keys", f"{got}\n{want}")

        # list: one row, the footer, and JSON with the Drive identity.
        r = svc.ctl("list")
        lines = r.out.splitlines()
        tap.ok(r.code == 0 and lines[0].split()[:2] == ["DRIVE", "DEVICE"] and
               lines[1].split()[:5] == ["sr0", "/dev/sr0", "optical_cd_r", "appendable", "idle"] and
               lines[-1] == "1 drive listed.", "list: heading, sr0's row, footer", r)
        r = svc.ctl("--no-legend", "list")
        tap.ok(r.code == 0 and len(r.out.splitlines()) == 1 and r.out.split()[0] == "sr0",
               "list --no-legend: the row only", r)
        r = svc.ctl("--json", "list")
        got = r.json() if r.code == 0 else None
        d = ours.get(DRIVE, {})
        tap.ok(isinstance(got, list) and len(got) == 1 and got[0]["Name"] == "sr0" and got[0]["Path"] == PATH0
               and all(got[0][k] == d[k] for k in ("Device", "Id", "Vendor", "Product", "MediaType",
                                                   "ProbeState", "CurrentMediaStatus")),
               "list --json: name, path and the Drive properties busctl reads", f"{got}\n{d}")
        tap.ok(d.get("Vendor") == disc["keys"]["vendor"], "list --json: the disc's vendor", d)

        # refresh probes again (new READ DISC INFORMATION in the command log) and prints the status.
        before = sum(1 for line in svc.log_lines() if line.startswith("sr0 51 "))
        r = svc.ctl("--json", "refresh")
        after = sum(1 for line in svc.log_lines() if line.startswith("sr0 51 "))
        tap.ok(r.code == 0 and after > before, "refresh: the drive is probed again", f"{before} → {after}\n{r}")
        check_expect(tap, "refresh --json", r.json() if r.code == 0 else {}, disc)
        r = svc.ctl("refresh", "/dev/sr0")
        tap.ok(r.code == 0 and status_line(r.out, "NextWritableAddress", SEQ) == exp["seq.NextWritableAddress"],
               "refresh (text): the status after the probe", r)

        # An unknown drive: exit 6 and the list of drives.
        r = svc.ctl("status", "sr7")
        tap.ok(r.code == 6 and r.out == "" and "sr7" in r.err and "sr0 (/dev/sr0)" in r.err,
               "status sr7: exit 6, names the drives there are", r)

        # The medium goes: NoMedium is exit 2 for tracks, refresh still succeeds.
        svc.insert("sr0", "none")
        r = svc.ctl("--json", "status")
        tap.ok(r.code == 0 and r.json()[DRIVE]["MediaPresent"] is False and
               r.json()[SEQ]["NextWritableAddress"] == -1, "status --json after eject: no medium, sentinels", r)
        r = svc.ctl("tracks")
        tap.ok(r.code == 2 and r.out == "" and r.err.startswith("multisessionctl: sr0: "),
               "tracks on an empty drive: exit 2", r)
        r = svc.ctl("refresh")
        tap.ok(r.code == 0 and status_line(r.out, "MediaPresent", DRIVE) == "no", "refresh on an empty drive", r)
        r = svc.ctl("list")
        tap.ok(r.code == 0 and r.out.splitlines()[1].split()[:5] == ["sr0", "/dev/sr0", "-", "-", "no-medium"],
               "list: an empty drive", r)


def test_two_drives(tap):
    other = clitest.read_disc(OTHER)
    with clitest.Service([DISC, OTHER]) as svc:
        for cmd in ("status", "msinfo", "tracks", "refresh"):
            r = svc.ctl(cmd)
            tap.ok(r.code == 6 and r.out == "" and "sr0 (/dev/sr0)" in r.err and "sr1 (/dev/sr1)" in r.err,
                   f"{cmd} without DRIVE among two drives: exit 6 listing both", r)
        r = svc.ctl("list")
        names = [line.split()[0] for line in r.out.splitlines()[1:3]]
        tap.ok(r.code == 0 and names == ["sr0", "sr1"] and r.out.splitlines()[-1] == "2 drives listed.",
               "list: both drives in order, plural footer", r)
        outs = [svc.ctl("--json", "status", arg) for arg in ("sr1", "/dev/sr1", clitest.ROOT + "/drive/sr1")]
        tap.ok(all(r.code == 0 for r in outs) and len({r.out for r in outs}) == 1 and
               outs[0].json()[DRIVE]["Device"] == "/dev/sr1", "status sr1, /dev/sr1, object path: sr1", outs[0])
        check_expect(tap, "status --json sr1", outs[0].json() if outs[0].code == 0 else {}, other)


def test_no_drives(tap):
    with clitest.Service([]) as svc:
        r = svc.ctl("list")
        tap.ok(r.code == 0 and r.out == "0 drives listed.\n", "list without drives", r)
        r = svc.ctl("--json", "list")
        tap.ok(r.code == 0 and r.json() == [], "list --json without drives: []", r)
        r = svc.ctl("status")
        tap.ok(r.code == 6 and r.out == "" and r.err != "", "status without drives: exit 6", r)
        # The daemon goes away: exit 7, not reachable.
        svc.fake.terminate()
        svc.fake.wait(timeout=clitest.TIMEOUT)
        r = svc.ctl("list")
        tap.ok(r.code == 7 and "not running" in r.err, "list without the daemon on the bus: exit 7", r)


def test_usage(tap):
    ctl = clitest.ctl
    r = ctl("--help")
    tap.ok(r.code == 0 and all(c in r.out for c in ("list", "status", "msinfo", "tracks", "refresh", "monitor")),
           "--help lists every command", r)
    with open(os.path.join(clitest.SOURCE, "meson.build")) as f:
        version = re.search(r"version\s*:\s*'([^']+)'", f.read()).group(1)
    r = ctl("--version")
    tap.ok(r.code == 0 and r.out == f"multisessionctl {version}\n", f"--version prints {version}", r)
    for args, what in ((["bogus"], "an unknown command"), ([], "no command"), (["list", "sr0"], "an extra argument"),
                       (["status", "sr0", "sr1"], "two drives"), (["--bogus", "list"], "an unknown option")):
        r = ctl(*args)
        tap.ok(r.code == 64 and r.out == "" and r.err != "", f"usage error: {what} exits 64", r)
    r = ctl("--address=unix:path=/nonexistent/bus", "list")
    tap.ok(r.code == 7 and "/nonexistent/bus" in r.err, "an address with no bus: exit 7", r)


def main(tap):
    test_usage(tap)
    test_one_drive(tap)
    test_two_drives(tap)
    test_no_drives(tap)


if __name__ == "__main__":
    clitest.run(main)
