# SPDX-License-Identifier: LGPL-2.1-or-later
"""Harness of the multisessionctl tests: a private dbus-daemon, `fake-drive --disc … --control FIFO --
multisessiond --address=ADDR` on it, and multisessionctl run against that bus. Expectations come from the
discs' hand-written expect lines (tests/discs/FORMAT.md), never from the code under test. Every wait has a
deadline and polls; nothing sleeps for a fixed time to let something happen."""

import ctypes
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

BUILD = os.environ.get("MSD_BUILD_ROOT", "build")
SOURCE = os.environ.get("MSD_SOURCE_ROOT", ".")
DISCS = os.environ.get("MSD_DISCS", os.path.join(SOURCE, "tests", "discs"))
CTL = os.environ.get("MULTISESSIONCTL", os.path.join(BUILD, "cli", "multisessionctl"))
FAKE = os.path.join(BUILD, "tests", "fake-drive")
DAEMON = os.path.join(BUILD, "daemon", "multisessiond")

SERVICE = "org.example.MultisessionSequential"
ROOT = "/org/example/MultisessionSequential"
SEQ = "org.example.MultisessionSequential"
DRIVE = "org.example.MultisessionSequential.Drive"
RW = "org.example.MultisessionRandomWrite"
IFACES = {"seq": SEQ, "drive": DRIVE, "rw": RW}

# CI machines are slow and quirk discs make the daemon wait on purpose.
TIMEOUT = 30.0

# The exit codes multisessionctl(1) documents, per error name of design.md §2.4.
EXIT_FOR_ERROR = {
    "NoMedium": 2,
    "InvalidMediaState": 3,
    "MediaIncompatible": 4,
    "Busy": 5,
    "BecomingReady": 5,
    "Timeout": 1,
    "InvalidResponse": 1,
    "DeviceGone": 1,
    "Failed": 1,
}

# English output, whatever the machine's locale: the i18n test sets its own.
BASE_ENV = {k: v for k, v in os.environ.items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")}
BASE_ENV["LANG"] = "C.UTF-8"


def die_with_parent():
    # PR_SET_PDEATHSIG: a test killed by meson's timeout must not leave a bus or a daemon behind.
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(1, signal.SIGKILL, 0, 0, 0)


def disc_path(name):
    return name if "/" in name else os.path.join(DISCS, name + ".disc")


def all_discs():
    return sorted(f[:-5] for f in os.listdir(DISCS) if f.endswith(".disc"))


def read_disc(name):
    """The lines of a .disc: keys (last wins), tracks as dicts, quirks, and expect.* without the prefix."""
    keys, tracks, quirks, expect = {}, [], [], {}
    with open(disc_path(name)) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if "=" not in line:
                continue
            key, value = (s.strip() for s in line.split("=", 1))
            if key.startswith("expect."):
                expect[key[len("expect."):]] = value
            elif key == "track":
                tracks.append(dict(w.split("=", 1) for w in value.split()))
            elif key == "quirk":
                quirks.append(value)
            else:
                keys[key] = value
    return {"keys": keys, "tracks": tracks, "quirks": quirks, "expect": expect}


def expected_value(text, got):
    """Compares an expect line's text with a JSON value of the matching type."""
    if isinstance(got, bool):
        return text == ("true" if got else "false")
    if isinstance(got, int):
        return int(text, 0) == got
    return text == got


class Tap:
    """A TAP stream; a failing check prints why as # lines and the script exits non-zero."""

    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, name, why=""):
        self.n += 1
        print(f"{'ok' if cond else 'not ok'} {self.n} {name}", flush=True)
        if not cond:
            self.failed += 1
            for line in str(why).splitlines():
                print(f"# {line}", flush=True)
        return cond

    def skip(self, name, why):
        self.n += 1
        print(f"ok {self.n} {name} # SKIP {why}", flush=True)

    def done(self):
        print(f"1..{self.n}", flush=True)
        return 1 if self.failed else 0


class Result:
    def __init__(self, p):
        self.code = p.returncode
        self.out = p.stdout
        self.err = p.stderr

    def __repr__(self):
        return f"exit {self.code}\nstdout: {self.out!r}\nstderr: {self.err!r}"

    def json(self):
        return json.loads(self.out)


def ctl(*args, env=None):
    """Runs multisessionctl with ARGS (no bus option added)."""
    p = subprocess.run([CTL, *args], capture_output=True, text=True, timeout=TIMEOUT,
                       env=env if env is not None else BASE_ENV)
    return Result(p)


class Service:
    """One private bus and one daemon on emulated drives sr0, sr1, … (one per disc, 'none' = empty)."""

    def __init__(self, discs):
        self.tmp = tempfile.mkdtemp(prefix="msd-cli-")
        self.fifo = os.path.join(self.tmp, "control")
        self.log = os.path.join(self.tmp, "commands.log")
        self.output = open(os.path.join(self.tmp, "daemon.out"), "w")
        self.bus = subprocess.Popen(
            ["dbus-daemon", "--session", "--nofork", "--print-address=1", f"--address=unix:dir={self.tmp}"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, preexec_fn=die_with_parent)
        self.address = self.bus.stdout.readline().strip()
        if not self.address:
            raise RuntimeError("dbus-daemon printed no address")
        argv = [FAKE]
        for d in discs:
            argv += ["--disc", "none" if d == "none" else disc_path(d)]
        argv += [f"--control={self.fifo}", f"--command-log={self.log}", "--", DAEMON, f"--address={self.address}"]
        self.fake = subprocess.Popen(argv, stdout=self.output, stderr=subprocess.STDOUT,
                                     preexec_fn=die_with_parent)
        self.wait_for(self.name_has_owner, "the daemon to take its name")
        self.wait_settled()

    # -- waiting ---------------------------------------------------------------------------------------

    def wait_for(self, cond, what, timeout=TIMEOUT):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.fake.poll() is not None:
                raise RuntimeError(f"fake-drive exited with {self.fake.returncode}:\n{self.daemon_output()}")
            value = cond()
            # {} (no drives) is an answer; None and False mean "not yet".
            if value is not None and value is not False:
                return value
            time.sleep(0.02)
        raise RuntimeError(f"timed out waiting for {what}:\n{self.daemon_output()}")

    def busctl(self, *args):
        return subprocess.run(["busctl", f"--address={self.address}", *args], capture_output=True, text=True,
                              timeout=TIMEOUT)

    def name_has_owner(self):
        p = self.busctl("call", "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                        "NameHasOwner", "s", SERVICE)
        return p.returncode == 0 and p.stdout.strip() == "b true"

    def objects(self):
        """GetManagedObjects through busctl (not through the code under test): {name: {iface: {prop: v}}}."""
        p = self.busctl("--json=short", "call", SERVICE, ROOT, "org.freedesktop.DBus.ObjectManager",
                        "GetManagedObjects")
        if p.returncode != 0:
            return None
        drives = {}
        for path, ifaces in json.loads(p.stdout)["data"][0].items():
            name = path.rsplit("/", 1)[1]
            drives[name] = {i: {k: v["data"] for k, v in props.items()} for i, props in ifaces.items()}
        return drives

    def settled(self, want=None, old_diskseq=None):
        objs = self.objects()
        if objs is None:
            return None
        if want is not None and sorted(objs) != sorted(want):
            return None
        for name, o in objs.items():
            d = o.get(DRIVE, {})
            if d.get("ProbeState") not in ("idle", "no-medium", "error"):
                return None
            if old_diskseq and name in old_diskseq and d.get("DiskSeq") == old_diskseq[name]:
                return None
        return objs

    def wait_settled(self, want=None, old_diskseq=None):
        return self.wait_for(lambda: self.settled(want, old_diskseq), "every drive to settle")

    def diskseqs(self):
        return {n: o[DRIVE]["DiskSeq"] for n, o in (self.objects() or {}).items()}

    # -- the control FIFO --------------------------------------------------------------------------------

    def log_lines(self):
        try:
            with open(self.log) as f:
                return f.read().splitlines()
        except FileNotFoundError:
            return []

    def control(self, line):
        """Writes a FIFO line and waits until fake-drive logs it applied."""
        with open(self.fifo, "w") as f:
            f.write(line + "\n")
        self.wait_for(lambda: f"# {line}" in self.log_lines(), f"fake-drive to apply '{line}'")

    def insert(self, node, disc):
        before = self.diskseqs()
        self.control(f"insert {node} {disc_path(disc) if disc != 'none' else 'none'}")
        self.wait_settled(old_diskseq={node: before.get(node)})

    # -- the client ----------------------------------------------------------------------------------------

    def ctl(self, *args, env=None):
        return ctl(f"--address={self.address}", *args, env=env)

    def popen_ctl(self, *args, env=None):
        return subprocess.Popen([CTL, f"--address={self.address}", *args], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=env if env is not None else BASE_ENV,
                                preexec_fn=die_with_parent)

    # -- teardown ------------------------------------------------------------------------------------------

    def daemon_output(self):
        self.output.flush()
        try:
            with open(os.path.join(self.tmp, "daemon.out")) as f:
                return "".join(f.readlines()[-20:])
        except OSError:
            return ""

    def stop(self):
        # fake-drive forwards SIGTERM to the daemon and tears its testbed down after it.
        if self.fake.poll() is None:
            self.fake.send_signal(signal.SIGTERM)
            try:
                self.fake.wait(timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                self.fake.kill()
                self.fake.wait()
        self.bus.terminate()
        self.bus.wait()
        self.bus.stdout.close()
        self.output.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def run(main):
    """Runs main(tap) and exits with the TAP result; a harness failure is one failed test, not a crash."""
    tap = Tap()
    try:
        main(tap)
    except Exception as e:  # noqa: BLE001 - report anything as a failed test point
        tap.ok(False, "harness", f"{type(e).__name__}: {e}")
    sys.exit(tap.done())
