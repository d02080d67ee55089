#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The burn round trip on one emulated medium, as TAP.

usage: roundtrip.py --profile cdr|dvdplusr|dvdr|bdr [--save-dir DIR] [--keep]

From the blank disc of the library, on an emulated drive that records (tests/emulator/drive-write.c),
with the real daemon on a private bus:
  1. xorriso -outdev /dev/sr0 -map DIR1 / -close off        session 1
  2. genisoimage -C "$(msinfo)" -M /dev/sr0 … ; cdrskin -multi -tao    session 2, placed by our msinfo
  3. xorriso -dev /dev/sr0 -map DIR3 /third -close on         session 3, and the disc is finalized
After each burn the daemon must publish the new state by itself (the burner's close of the node is its
only cue: a burn produces no uevent), and what it publishes must equal what the layout rules of
tests/discs/README.md give for the blocks the burner actually wrote (counted in fake-drive's command log,
not asked of the daemon). `cdrskin -msinfo` must agree with the daemon's msinfo after every step, and the
files of every session must be readable.

The script runs twice: outside, it starts a private dbus-daemon and fake-drive; fake-drive runs this same
script (--inside) under the umockdev preload, and everything started from there — the daemon, xorriso,
cdrskin, genisoimage, busctl, gdbus — shares the emulated drive.

--save-dir DIR writes the drive's state after each session as DIR/<blank>-after-sN.disc (`save sr0`);
that is how the regression discs in tests/discs/ were made.
"""

import argparse
import filecmp
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

NAME = "org.example.MultisessionSequential"
PATH = "/org/example/MultisessionSequential/drive/sr0"
SEQ = NAME
DRIVE = NAME + ".Drive"
ERROR_PREFIX = NAME + ".Error."
TOOLS = ["xorriso", "cdrskin", "genisoimage", "busctl", "gdbus", "dbus-daemon"]

# Per profile: the blank disc, the unit a closed track is padded to, and the gap between the end of
# session k and the start of session k + 1 (tests/discs/README.md; mmc-multisession.md §3.8).
PROFILES = {
    "cdr": {"disc": "cdr-blank.disc", "unit": 1, "gap": lambda k: 11400 if k == 1 else 6900},
    "dvdplusr": {"disc": "dvdplusr-blank.disc", "unit": 16, "gap": lambda k: 2048},
    "dvdr": {"disc": "dvdr-blank.disc", "unit": 16, "gap": lambda k: 28688},
    "bdr": {"disc": "bdr-blank.disc", "unit": 32, "gap": lambda k: 0},
}

PUBLISH_TIMEOUT = 30  # s; libburn alone keeps the node open and locked for a few seconds


def round_up(v, unit):
    return (v + unit - 1) // unit * unit


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, desc, diag=None):
        self.n += 1
        if not cond:
            self.failed += 1
        print(("ok" if cond else "not ok"), self.n, "-", desc)
        if diag and not cond:
            for line in str(diag).splitlines():
                print("#", line)
        sys.stdout.flush()
        return cond

    def eq(self, got, want, desc):
        return self.ok(got == want, desc, f"got:  {got!r}\nwant: {want!r}")

    def note(self, msg):
        print("#", msg)
        sys.stdout.flush()

    def done(self):
        print(f"1..{self.n}")
        return 1 if self.failed else 0


def read_expect(path):
    """The hand-written expect. lines of a library disc, typed as the daemon publishes them."""
    out = {}
    with open(path) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if not line.startswith("expect.") or "=" not in line:
                continue
            key, value = (s.strip() for s in line.split("=", 1))
            key = key[len("expect."):]
            if value in ("true", "false"):
                out[key] = value == "true"
            elif re.fullmatch(r"-?(0x[0-9a-fA-F]+|\d+)", value):
                out[key] = int(value, 0)
            else:
                out[key] = value
    return out


def run(cmd, timeout=120, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kw)


class Bus:
    def __init__(self, address):
        self.address = address

    def get_all(self, iface):
        r = run(["busctl", f"--address={self.address}", "--json=short", "call", NAME, PATH,
                 "org.freedesktop.DBus.Properties", "GetAll", "s", iface])
        if r.returncode != 0:
            raise RuntimeError(f"GetAll {iface}: {r.stderr.strip()}")
        return {k: v["data"] for k, v in json.loads(r.stdout)["data"][0].items()}

    def get(self, iface, prop):
        r = run(["busctl", f"--address={self.address}", "--json=short", "get-property", NAME, PATH, iface, prop])
        return json.loads(r.stdout)["data"] if r.returncode == 0 else None

    def call(self, method):
        """gdbus, because it names the error: (True, '(0, 2384)') or (False, 'org.example….Error.X')."""
        r = run(["gdbus", "call", "--address", self.address, "--dest", NAME, "--object-path", PATH,
                 "--method", method])
        if r.returncode == 0:
            return True, r.stdout.strip()
        m = re.search(r"GDBus\.Error:([\w.]+)", r.stderr)
        return False, m.group(1) if m else r.stderr.strip()

    def msinfo(self):
        ok, out = self.call(f"{SEQ}.GetMultisessionInfo")
        if not ok:
            return out[len(ERROR_PREFIX):] if out.startswith(ERROR_PREFIX) else out
        m = re.fullmatch(r"\((-?\d+), (-?\d+)\)", out)
        return f"{m.group(1)},{m.group(2)}" if m else out


class CommandLog:
    """fake-drive's --command-log: what the burners sent, read from where the last step ended."""

    def __init__(self, path):
        self.path = path
        self.pos = 0

    def mark(self):
        self.pos = os.path.getsize(self.path)

    def since_mark(self):
        with open(self.path) as f:
            f.seek(self.pos)
            return [line.split() for line in f if line.startswith("sr0 ") and not line.startswith("sr0 ioctl")]


def burn_facts(lines):
    """Blocks written at LBA >= 0 (a CD SAO pregap lies below), the first LBA, the largest RESERVE TRACK
    size, and whether a cue sheet armed CD SAO."""
    written, first, reserved, cue = 0, None, 0, False
    for w in lines:
        b = [int(x, 16) for x in w[1:]]
        if b[0] in (0x2A, 0xAA):
            lba = int.from_bytes(bytes(b[2:6]), "big", signed=True)
            n = int.from_bytes(bytes(b[7:9] if b[0] == 0x2A else b[6:10]), "big")
            if lba >= 0:
                written += n
                first = lba if first is None else min(first, lba)
        elif b[0] == 0x53 and not b[1] & 1:
            reserved = max(reserved, int.from_bytes(bytes(b[5:9]), "big"))
        elif b[0] == 0x5D:
            cue = True
    return written, first, reserved, cue


class RoundTrip:
    def __init__(self, args, tap):
        self.args = args
        self.tap = tap
        self.prof = PROFILES[args.profile]
        self.blank = read_expect(os.path.join(args.discs, self.prof["disc"]))
        self.bus = Bus(args.address)
        self.log = CommandLog(args.command_log)
        self.work = args.work
        self.monitor_path = os.path.join(self.work, "signals")
        self.daemon = self.monitor = None
        self.sessions = []  # (start, end) per burned session
        ctl = os.path.join(args.build, "cli", "multisessionctl")
        self.ctl = ctl if os.access(ctl, os.X_OK) else None

    # ---- processes ----

    def start(self):
        env = dict(os.environ, MULTISESSIOND_LOG_LEVEL="debug")
        self.daemon_log = open(os.path.join(self.work, "daemon.log"), "w")
        self.daemon = subprocess.Popen([os.path.join(self.args.build, "daemon", "multisessiond"),
                                        f"--address={self.args.address}"], stderr=self.daemon_log, env=env)
        idle = self.wait(lambda: self.bus.get(DRIVE, "ProbeState") == "idle"
                         and self.bus.get(DRIVE, "MediaPresent") is True, 20)
        self.tap.ok(idle, f"the daemon probed the blank {self.prof['disc']} (ProbeState idle)")
        # Every PropertiesChanged from now on, to see what the daemon publishes without being asked.
        self.monitor = subprocess.Popen(["gdbus", "monitor", "--address", self.args.address, "--dest", NAME,
                                         "--object-path", PATH], stdout=open(self.monitor_path, "w"),
                                        stderr=subprocess.STDOUT)
        self.wait(lambda: "is owned by" in open(self.monitor_path).read(), 10)
        return idle

    def stop(self):
        for p in (self.monitor, self.daemon):
            if p and p.poll() is None:
                p.terminate()
                try:
                    p.wait(10)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()

    @staticmethod
    def wait(cond, timeout):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                if cond():
                    return True
            except (RuntimeError, ValueError, OSError):
                pass
            time.sleep(0.1)
        return False

    def save(self, name):
        if not self.args.save_dir:
            return
        path = os.path.abspath(os.path.join(self.args.save_dir, name))
        with open(self.args.control, "w") as f:
            f.write(f"save sr0 {path}\n")
        if self.wait(lambda: f"# save sr0 {path}" in open(self.args.command_log).read(), 10):
            self.tap.note(f"saved {path}")

    # ---- what must be published ----

    def expected(self, finalized):
        """The published values after the sessions burned so far (design.md §2, FORMAT.md rules)."""
        total = self.blank["drive.TotalSectorsOnMedia"]  # = the blank disc's free blocks from LBA 0
        start, end = self.sessions[-1]
        k = len(self.sessions)
        nwa = -1 if finalized else end + self.prof["gap"](k)
        seq = {
            "IsSupportedOnCurrentMediaState": not finalized,
            "InUse": True,
            "FreeSectorsOnMedia": 0 if finalized else total - nwa,
            "IsFirstDataSession": False,
            "LastWrittenAddressOfPreviousSession": end - 1,
            "NextWritableAddress": nwa,
            "StartAddressOfPreviousSession": start,
            "WriteUnitSize": self.blank["seq.WriteUnitSize"],
        }
        drive = {
            "MediaPresent": True,
            "CurrentProfile": self.blank["drive.CurrentProfile"],
            "MediaType": self.blank["drive.MediaType"],
            "MediaPhysicalType": self.blank["drive.MediaPhysicalType"],
            "CurrentMediaStatus": 0x4000 if finalized else 0x4,
            "SessionCount": k,
            "TrackCount": k,
            # appendable: NWA + free = the whole disc; finalized: READ CAPACITY, the end of the last session
            "TotalSectorsOnMedia": end if finalized else total,
            "ProbeState": "idle",
            "LastError": "",
        }
        msinfo = "InvalidMediaState" if finalized else f"{start},{nwa}"
        return seq, drive, msinfo

    def snapshot(self, seq, drive):
        got_seq, got_drive = self.bus.get_all(SEQ), self.bus.get_all(DRIVE)
        return {k: got_seq.get(k) for k in seq}, {k: got_drive.get(k) for k in drive}

    def published_signal(self, prop, value):
        return re.search(rf"'{prop}': <(uint32 )?{value}>", open(self.monitor_path).read()) is not None

    def check_published(self, step, finalized):
        seq, drive, msinfo = self.expected(finalized)
        nwa = seq["NextWritableAddress"]
        # The unprompted update: a PropertiesChanged carrying the new NWA, with nobody asking.
        came = self.wait(lambda: self.published_signal("NextWritableAddress", nwa), PUBLISH_TIMEOUT)
        if not self.tap.ok(came, f"{step}: the daemon published NextWritableAddress {nwa} by itself "
                                 "(close-after-write, no uevent)",
                           f"no PropertiesChanged with NextWritableAddress {nwa} within {PUBLISH_TIMEOUT} s; "
                           "falling back to Refresh()\n" + open(self.monitor_path).read()[-2000:]):
            ok, out = self.bus.call(f"{DRIVE}.Refresh")
            self.tap.note(f"Refresh(): {ok} {out}")
        # A probe that ran while the burner still worked may have published first; let the last one land.
        self.wait(lambda: self.snapshot(seq, drive) == (seq, drive), 15)
        got_seq, got_drive = self.bus.get_all(SEQ), self.bus.get_all(DRIVE)
        self.tap.eq({k: got_seq.get(k) for k in seq}, seq, f"{step}: {SEQ} as the layout rules give")
        self.tap.eq({k: got_drive.get(k) for k in drive}, drive, f"{step}: {DRIVE} as the layout rules give")
        daemon_msinfo = self.bus.msinfo()
        self.tap.eq(daemon_msinfo, msinfo, f"{step}: GetMultisessionInfo")
        self.tap.note(f"{step}: NextWritableAddress {got_seq.get('NextWritableAddress')}, "
                      f"StartAddressOfPreviousSession {got_seq.get('StartAddressOfPreviousSession')}, "
                      f"FreeSectorsOnMedia {got_seq.get('FreeSectorsOnMedia')}, "
                      f"SessionCount {got_drive.get('SessionCount')}, msinfo {daemon_msinfo}")
        self.check_msinfo_oracles(step, daemon_msinfo)
        return daemon_msinfo

    def check_msinfo_oracles(self, step, daemon_msinfo):
        """cdrskin -msinfo (libburn's own reading of the drive) and multisessionctl agree with the daemon."""
        r = run(["cdrskin", "dev=/dev/sr0", "-msinfo"])
        lines = [ln for ln in r.stdout.splitlines() if re.fullmatch(r"-?\d+,-?\d+", ln.strip())]
        cdrskin = lines[-1].strip() if r.returncode == 0 and lines else None
        if re.fullmatch(r"-?\d+,-?\d+", daemon_msinfo):
            self.tap.eq(cdrskin, daemon_msinfo, f"{step}: cdrskin -msinfo agrees with the daemon")
        else:
            self.tap.ok(cdrskin is None, f"{step}: cdrskin -msinfo refuses too ({daemon_msinfo})",
                        r.stdout + r.stderr)
        if self.ctl:
            r = run([self.ctl, f"--address={self.args.address}", "msinfo", "sr0"])
            out = r.stdout.strip() if r.returncode == 0 else None
            want = daemon_msinfo if re.fullmatch(r"-?\d+,-?\d+", daemon_msinfo) else None
            self.tap.eq(out, want, f"{step}: multisessionctl msinfo agrees")

    # ---- steps ----

    def burn(self, step, cmd, session_start):
        """Runs a burner; returns (start, end) of the session it wrote, from the command log."""
        self.log.mark()
        t0 = time.monotonic()
        r = run(cmd, timeout=180)
        self.tap.ok(r.returncode == 0, f"{step}: {' '.join(os.path.basename(c) for c in cmd[:1])} "
                                       f"{' '.join(cmd[1:])} succeeded", r.stdout[-3000:] + r.stderr[-3000:])
        written, first, reserved, cue = burn_facts(self.log.since_mark())
        self.tap.note(f"{step}: {written} blocks written from LBA {first} in {time.monotonic() - t0:.1f} s"
                      + (f", RESERVE TRACK {reserved}" if reserved else "") + (", CD SAO" if cue else ""))
        self.tap.eq(first, session_start, f"{step}: the burner wrote at the NextWritableAddress published "
                                          "before it")
        # CD TAO ends a track with 2 run-out blocks; DVD and BD pad a closed track to the ECC block /
        # cluster; a reserved track keeps the size reserved.
        cd = self.prof["unit"] == 1
        size = max(written, reserved) + (2 if cd and not cue else 0)
        start = first if first is not None else session_start
        end = start + round_up(size, self.prof["unit"])
        self.sessions.append((start, end))
        return start, end

    def files_on_disc(self):
        r = run(["xorriso", "-indev", "/dev/sr0", "-find", "/", "-type", "f"])
        return {ln.strip().strip("'") for ln in r.stdout.splitlines() if ln.startswith("'")}, r

    def main(self):
        tap, w = self.tap, self.work
        d1, d2, d3 = (os.path.join(w, d) for d in ("d1", "d2", "d3"))
        for d in (d1, d2, os.path.join(d3)):
            os.makedirs(d)
        with open(os.path.join(d1, "a.txt"), "w") as f:
            f.write("session one\n")
        with open(os.path.join(d1, "big.bin"), "wb") as f:
            f.write(os.urandom(300 * 1024))
        with open(os.path.join(d2, "b.txt"), "w") as f:
            f.write("session two\n")
        with open(os.path.join(d3, "c.txt"), "w") as f:
            f.write("session three\n")

        if not self.start():
            return
        got = {k: v for k, v in self.bus.get_all(SEQ).items()}
        want = {k[len("seq."):]: v for k, v in self.blank.items() if k.startswith("seq.")}
        tap.eq({k: got.get(k) for k in want}, want, f"blank: {SEQ} as {self.prof['disc']} expects")
        self.check_msinfo_oracles("blank", self.bus.msinfo())
        nwa = got.get("NextWritableAddress")

        # 1. the first session, straight from a directory
        self.burn("session 1", ["xorriso", "-outdev", "/dev/sr0", "-map", d1, "/", "-close", "off"], nwa)
        msinfo = self.check_published("session 1", False)
        self.save(f"{self.args.profile}-after-s1.disc")

        # 2. the second session, placed by the daemon's msinfo
        if self.ctl:
            r = run([self.ctl, f"--address={self.args.address}", "msinfo"])
            tap.note(f"session 2: genisoimage -C from multisessionctl msinfo: {r.stdout.strip()}")
            msinfo = r.stdout.strip() or msinfo
        else:
            tap.note(f"session 2: genisoimage -C from GetMultisessionInfo: {msinfo} "
                     "(build/cli/multisessionctl not built)")
        s2 = os.path.join(w, "s2.iso")
        r = run(["genisoimage", "-R", "-C", msinfo, "-M", "/dev/sr0", "-o", s2, d2])
        tap.ok(r.returncode == 0 and "Rock Ridge signatures found" in r.stderr,
               f"session 2: genisoimage -C {msinfo} -M /dev/sr0 read session 1 through the node",
               r.stderr[-2000:])
        start2 = int(msinfo.split(",")[1]) if "," in msinfo else None
        self.burn("session 2", ["cdrskin", "dev=/dev/sr0", "-multi", "-tao", s2], start2)
        self.check_published("session 2", False)
        self.save(f"{self.args.profile}-after-s2.disc")

        files, r = self.files_on_disc()
        tap.ok({"/a.txt", "/big.bin", "/b.txt"} <= files,
               "xorriso -indev lists the files of both sessions", r.stdout + r.stderr[-2000:])
        out = os.path.join(w, "big.out")
        r = run(["xorriso", "-osirrox", "on", "-indev", "/dev/sr0", "-extract", "/big.bin", out])
        tap.ok(r.returncode == 0 and os.path.exists(out) and filecmp.cmp(out, os.path.join(d1, "big.bin"),
                                                                          shallow=False),
               "a file of session 1 reads back (READ (10) over SG_IO) equal to its original", r.stderr[-2000:])

        # 3. a third session grown by xorriso, and the disc closed
        nwa = self.bus.get(SEQ, "NextWritableAddress")
        self.burn("closing session 3", ["xorriso", "-dev", "/dev/sr0", "-map", d3, "/third", "-close", "on"],
                  nwa)
        self.check_published("closing session 3", True)
        files, r = self.files_on_disc()
        tap.ok({"/a.txt", "/big.bin", "/b.txt", "/third/c.txt"} <= files,
               "after closing, the files of all three sessions are listed", r.stdout + r.stderr[-2000:])


def inside(args):
    tap = Tap()
    rt = RoundTrip(args, tap)
    try:
        rt.main()
    except Exception as e:  # report, then let the plan show how far it got
        tap.ok(False, f"unexpected error: {type(e).__name__}", str(e))
    finally:
        rt.stop()
        if tap.failed:
            for name in ("daemon.log",):
                p = os.path.join(args.work, name)
                if os.path.exists(p):
                    tap.note(f"--- {name} (last lines)")
                    for line in open(p).read().splitlines()[-40:]:
                        tap.note(line)
    return tap.done()


def outside(args):
    missing = [t for t in TOOLS if not shutil.which(t)]
    if missing:
        print(f"1..0 # SKIP missing {' '.join(missing)}")
        return 0
    fake = os.path.join(args.build, "tests", "fake-drive")
    work = tempfile.mkdtemp(prefix="burn-")
    bus = None
    try:
        bus = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--print-address=1",
                                f"--address=unix:dir={work}"], stdout=subprocess.PIPE, text=True,
                               stderr=subprocess.DEVNULL)
        address = bus.stdout.readline().strip()
        if not address:
            print("Bail out! dbus-daemon printed no address")
            return 1
        control, log = os.path.join(work, "control"), os.path.join(work, "commands")
        disc = os.path.join(args.discs, PROFILES[args.profile]["disc"])
        cmd = [fake, "--disc", disc, "--control", control, "--command-log", log, "--",
               sys.executable, os.path.abspath(__file__), "--inside", "--profile", args.profile,
               "--address", address, "--work", work, "--control-path", control, "--command-log", log,
               "--build", args.build, "--discs", args.discs]
        if args.save_dir:
            cmd += ["--save-dir", os.path.abspath(args.save_dir)]
        return subprocess.run(cmd, timeout=600).returncode
    finally:
        if bus:
            bus.terminate()
            bus.wait()
        if args.keep:
            print(f"# kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    source = os.environ.get("MSD_SOURCE_ROOT", os.path.dirname(os.path.dirname(here)))
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--profile", choices=sorted(PROFILES), required=True)
    p.add_argument("--build", default=os.environ.get("MSD_BUILD_ROOT", os.path.join(source, "build")))
    p.add_argument("--discs", default=os.environ.get("MSD_DISCS", os.path.join(source, "tests", "discs")))
    p.add_argument("--save-dir")
    p.add_argument("--keep", action="store_true", help="keep the work directory")
    p.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--address", help=argparse.SUPPRESS)
    p.add_argument("--work", help=argparse.SUPPRESS)
    p.add_argument("--control-path", dest="control", help=argparse.SUPPRESS)
    p.add_argument("--command-log", help=argparse.SUPPRESS)
    args = p.parse_args()
    return inside(args) if args.inside else outside(args)


if __name__ == "__main__":
    sys.exit(main())
