# SPDX-License-Identifier: LGPL-2.1-or-later
"""What every benchmark item shares: paths, a private bus with fake-drive and the daemon, the command log,
the disc library's expect lines, statistics and tables. Standard library only (Debian 12's python3)."""

import json
import os
import platform
import re
import shutil
import signal
import subprocess
import tempfile
import time

SRC = os.path.abspath(os.environ.get("MSD_SOURCE_ROOT",
                                     os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")))
BUILD = os.path.abspath(os.environ.get("MSD_BUILD_ROOT", os.path.join(SRC, "build")))
DISCS = os.path.abspath(os.environ.get("MSD_DISCS", os.path.join(SRC, "tests", "discs")))
FAKE = os.path.join(BUILD, "tests", "fake-drive")
DAEMON = os.path.join(BUILD, "daemon", "multisessiond")
CTL = os.path.join(BUILD, "cli", "multisessionctl")
BENCH = os.path.join(BUILD, "tests", "bench")
PRELOAD = "libumockdev-preload.so.0"

BUS_NAME = "org.example.MultisessionSequential"
ROOT_PATH = "/org/example/MultisessionSequential"
IFACES = {"seq": "org.example.MultisessionSequential",
          "drive": "org.example.MultisessionSequential.Drive",
          "rw": "org.example.MultisessionRandomWrite"}
SETTLED = ("idle", "no-medium", "error")
TIMEOUT = 60
# umockdev writes every sysfs attribute with g_file_set_contents(), which fsyncs the file and its
# directory: on a disk that is milliseconds per media change, all of it the emulator's, none the daemon's.
# The testbed (fake-drive follows TMPDIR) and our sockets and logs go on a tmpfs when there is one.
TMPDIR = os.environ.get("MSD_BENCH_TMPDIR") or ("/dev/shm" if os.access("/dev/shm", os.W_OK) else None)


class BenchError(Exception):
    pass


def TempDir():  # noqa: N802 (used like a class: `with b.TempDir() as tmp`)
    return tempfile.TemporaryDirectory(prefix="msd-bench-", dir=TMPDIR)


def drive_path(node):
    # sd_bus_path_encode() keeps [A-Za-z0-9] (a leading digit aside): sr0 stays sr0.
    return f"{ROOT_PATH}/drive/{node}"


# ---- statistics -------------------------------------------------------------------------------------

def percentile(values, p):
    """Nearest rank: the smallest sample with at least p % of the samples at or below it."""
    if not values:
        return float("nan")
    s = sorted(values)
    k = max(0, min(len(s) - 1, -(-len(s) * p // 100) - 1))
    return s[int(k)]


def median(values):
    return percentile(values, 50)


def us(ns):
    return ns / 1000.0


# ---- the machine ------------------------------------------------------------------------------------

def load():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def machine():
    model = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    mem = "?"
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem = f"{int(line.split()[1]) // 1024} MiB"
    return {"nproc": os.cpu_count(), "model": model, "memory": mem, "kernel": platform.release(),
            "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"), "load": load()}


# ---- tables -----------------------------------------------------------------------------------------

def table(title, header, rows, notes=()):
    """A Markdown table: readable in a terminal, pasted as is into RESULTS.md."""
    cells = [[str(c) for c in header]] + [[str(c) for c in r] for r in rows]
    width = [max(len(r[i]) for r in cells) for i in range(len(header))]
    line = lambda r: "| " + " | ".join(c.ljust(width[i]) for i, c in enumerate(r)) + " |"
    out = [f"### {title}", "", line(cells[0]), "|" + "|".join("-" * (w + 2) for w in width) + "|"]
    out += [line(r) for r in cells[1:]]
    if notes:
        out.append("")
        out += list(notes)
    print("\n".join(out) + "\n", flush=True)


# ---- the disc library -------------------------------------------------------------------------------

def disc_path(name):
    return name if "/" in name else os.path.join(DISCS, name + ".disc")


def library(include_quirks=True):
    names = sorted(f[:-5] for f in os.listdir(DISCS) if f.endswith(".disc"))
    return [n for n in names if include_quirks or not n.startswith("quirk-")]


def read_disc(name):
    """key → value for every line; "expect" → {short key → value}; "tracks" → number of track lines."""
    keys, expect, profiles, tracks = {}, {}, set(), 0
    with open(disc_path(name)) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if "=" not in line:
                continue
            k, v = (s.strip() for s in line.split("=", 1))
            if k.startswith("expect."):
                expect[k[len("expect."):]] = v
            elif k == "track":
                tracks += 1
            else:
                keys[k] = v
    for p in keys.get("profiles", "").split():
        profiles.add(int(p, 0))
    if keys.get("medium", "present") == "present" and "profile" in keys:
        profiles.add(int(keys["profile"], 0))
    return {"keys": keys, "expect": expect, "profiles": profiles, "tracks": tracks}


def write_drive_disc(directory, names):
    """An empty drive that knows every profile the given discs use: a drive's identity stays while media
    come and go (FORMAT.md), so its GET CONFIGURATION must list whatever profile a disc makes current."""
    profiles = set()
    for n in names:
        profiles |= read_disc(n)["profiles"]
    path = os.path.join(directory, "drive.disc")
    with open(path, "w") as f:
        f.write("# generated by tests/bench\nvendor = MSDBENCH\nproduct = ALL PROFILES\nrevision = 0.01\n"
                "serial = BENCH0000001\nmedium = none\nprofiles = "
                + " ".join(f"0x{p:02x}" for p in sorted(profiles)) + "\n")
    return path


def compare_expect(expect, objects, msinfo):
    """The differences between a disc's expect lines and one drive's published values (a list of
    strings, empty when all agree). objects: interface → {property → value}; msinfo: "start,next" or
    the short error name."""
    bad = []
    for key, want in expect.items():
        if key == "msinfo":
            if msinfo != want:
                bad.append(f"msinfo {msinfo!r} != {want!r}")
            continue
        if "." not in key:
            continue
        short, prop = key.split(".", 1)
        got = objects.get(IFACES.get(short, ""), {}).get(prop)
        if isinstance(got, bool):
            ok = want == ("true" if got else "false")
        elif isinstance(got, int):
            ok = int(want, 0) == got
        else:
            ok = (got or "") == want
        if not ok:
            bad.append(f"{key} {got!r} != {want!r}")
    return bad


# ---- the command log --------------------------------------------------------------------------------

def sgio_line(line):
    """"sr3 46 00 …" → ("sr3", 0x46); ioctl and "#" lines → None."""
    parts = line.split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("sr") or len(parts[1]) != 2:
        return None
    try:
        return parts[0], int(parts[1], 16)
    except ValueError:
        return None


def count_sgio(lines, node=None, opcode=None):
    n = 0
    for line in lines:
        c = sgio_line(line)
        if c and (node is None or c[0] == node) and (opcode is None or c[1] == opcode):
            n += 1
    return n


def fake_drive_run(discs, argv, log_path, timeout=TIMEOUT):
    """One command under a fresh fake-drive; returns (CompletedProcess, log lines)."""
    args = [FAKE]
    for d in discs:
        args += ["--disc", disc_path(d) if d != "none" else "none"]
    args += [f"--command-log={log_path}", "--"] + argv
    p = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
    with open(log_path) as f:
        lines = f.read().splitlines()
    return p, lines


# ---- a daemon on a private bus under fake-drive -----------------------------------------------------

class Session:
    """dbus-daemon + fake-drive (drives, control FIFO, command log) + a child under the testbed: the
    daemon (optionally under a wrapper such as valgrind), or nothing but a placeholder when only the
    emulator is measured. Other clients join the testbed with preload_env()."""

    def __init__(self, discs, daemon=True, wrapper=(), daemon_env=None):
        self.discs = list(discs)
        self.daemon = daemon
        self.wrapper = list(wrapper)
        self.daemon_env = daemon_env or {}
        self.tmp = tempfile.mkdtemp(prefix="msd-bench-", dir=TMPDIR)
        self.log_path = os.path.join(self.tmp, "commands.log")
        self.fifo = os.path.join(self.tmp, "control")
        self.bus = self.fake = None
        self.address = self.umockdev_dir = None
        self.pid = None
        self._fifo_fd = None

    def __enter__(self):
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self):
        self.bus = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--print-address=1",
                                     f"--address=unix:dir={self.tmp}"],
                                    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.address = self.bus.stdout.readline().strip()
        if not self.address:
            raise BenchError("dbus-daemon printed no address")
        child = os.path.join(self.tmp, "child")
        target = self.wrapper + [DAEMON, f"--address={self.address}"] if self.daemon else ["sleep", "86400"]
        args = [FAKE]
        for d in self.discs:
            args += ["--disc", disc_path(d) if d != "none" else "none"]
        # The child reports its PID and the testbed before it becomes the daemon (exec keeps the PID).
        args += [f"--command-log={self.log_path}", f"--control={self.fifo}", "--", "/bin/sh", "-c",
                 f'echo "$$ $UMOCKDEV_DIR" > {child}.new && mv {child}.new {child} && exec "$@"', "sh"] + target
        env = dict(os.environ, **self.daemon_env)
        if TMPDIR:
            env["TMPDIR"] = TMPDIR
        self.out_path = os.path.join(self.tmp, "daemon.out")
        with open(self.out_path, "w") as out:
            self.fake = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + TIMEOUT
        while not os.path.exists(child):
            if self.fake.poll() is not None or time.monotonic() > deadline:
                raise BenchError(f"fake-drive did not start: {self.output()}")
            time.sleep(0.01)
        with open(child) as f:
            pid, self.umockdev_dir = f.read().split()
        self.pid = int(pid)
        if self.daemon:
            self.wait(lambda: self.busctl("call", "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                          "org.freedesktop.DBus", "NameHasOwner", "s", BUS_NAME,
                                          check=False) == {"type": "b", "data": [True]},
                      "the daemon to take its bus name", timeout=TIMEOUT * 5 if self.wrapper else TIMEOUT)

    def output(self):
        try:
            with open(self.out_path) as f:
                return f.read()[-3000:]
        except OSError:
            return ""

    def stop(self):
        if self._fifo_fd is not None:
            os.close(self._fifo_fd)
            self._fifo_fd = None
        # The daemon first, then fake-drive (umockdev-harness.md pitfall 7), then the bus.
        if self.fake and self.fake.poll() is None:
            self.fake.send_signal(signal.SIGTERM)
            try:
                self.fake.wait(timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                if self.pid:
                    os.kill(self.pid, signal.SIGKILL)
                self.fake.kill()
                self.fake.wait()
        # A testbed whose fake-drive had to be killed leaves its directory behind.
        if self.umockdev_dir and os.path.isdir(self.umockdev_dir):
            shutil.rmtree(self.umockdev_dir, ignore_errors=True)
        if self.bus and self.bus.poll() is None:
            self.bus.terminate()
            self.bus.wait()
        if self.bus and self.bus.stdout:
            self.bus.stdout.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def preload_env(self, **extra):
        return dict(os.environ, LD_PRELOAD=PRELOAD, UMOCKDEV_DIR=self.umockdev_dir, **extra)

    def client(self, argv, timeout=TIMEOUT * 10):
        """Runs argv inside the testbed; returns stdout."""
        p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=self.preload_env())
        if p.returncode != 0:
            raise BenchError(f"{' '.join(argv)}: exit {p.returncode}: {p.stderr.strip()[-2000:]}")
        return p.stdout

    def busctl(self, *args, check=True):
        p = subprocess.run(["busctl", f"--address={self.address}", "--json=short"] + list(args),
                           capture_output=True, text=True, timeout=TIMEOUT)
        if p.returncode != 0:
            if check:
                raise BenchError(f"busctl {' '.join(args)}: {p.stderr.strip()}")
            return None
        return json.loads(p.stdout) if p.stdout.strip() else None

    def wait(self, cond, what, timeout=TIMEOUT, interval=0.02):
        deadline = time.monotonic() + timeout
        while not cond():
            if self.fake.poll() is not None:
                raise BenchError(f"fake-drive exited ({self.fake.returncode}) waiting for {what}: {self.output()}")
            if time.monotonic() > deadline:
                raise BenchError(f"timed out waiting for {what}")
            time.sleep(interval)

    # -- control FIFO and log --

    def control(self, lines):
        """Writes control lines (blocking writes: as fast as the FIFO takes them)."""
        if self._fifo_fd is None:
            self._fifo_fd = os.open(self.fifo, os.O_WRONLY)
        data = "".join(line + "\n" for line in lines).encode()
        try:
            while data:
                n = os.write(self._fifo_fd, data)
                data = data[n:]
        except BrokenPipeError:
            # fake-drive stopped reading: it exits when its child (the daemon) does.
            self.fake.wait(timeout=TIMEOUT)
            raise BenchError(f"fake-drive exited ({self.fake.returncode}) while taking control lines: "
                             f"{self.output()}") from None

    def log(self):
        try:
            with open(self.log_path) as f:
                return f.read().splitlines()
        except FileNotFoundError:
            return []

    # -- the daemon's objects --

    def objects(self):
        """object path → interface → {property → plain value}."""
        j = self.busctl("call", BUS_NAME, ROOT_PATH, "org.freedesktop.DBus.ObjectManager", "GetManagedObjects")
        return {path: {iface: {k: v["data"] for k, v in props.items()} for iface, props in ifaces.items()}
                for path, ifaces in j["data"][0].items()}

    def msinfo(self, node):
        """"START,NEXT", or the short name of the error (the form of the expect.msinfo lines)."""
        p = subprocess.run(["gdbus", "call", "--address", self.address, "--dest", BUS_NAME, "--object-path",
                            drive_path(node), "--method", IFACES["seq"] + ".GetMultisessionInfo"],
                           capture_output=True, text=True, timeout=TIMEOUT)
        if p.returncode == 0:
            return ",".join(x.strip() for x in p.stdout.strip().strip("()").split(","))
        m = re.search(re.escape(BUS_NAME) + r"\.Error\.(\w+)", p.stderr)
        return m.group(1) if m else "error: " + p.stderr.strip()

    def settled(self, nodes, diskseq=None):
        """True when every node exists with a settled ProbeState (and, when given, its DiskSeq)."""
        objs = self.objects()
        for node in nodes:
            d = objs.get(drive_path(node), {}).get(IFACES["drive"])
            if not d or d.get("ProbeState") not in SETTLED:
                return False
            if diskseq and d.get("DiskSeq") != diskseq[node]:
                return False
        return True

    def cpu_seconds(self):
        """utime + stime of the daemon (proc(5) fields 14 and 15)."""
        with open(f"/proc/{self.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def smaps_rollup(pid):
    out = {}
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 3 and parts[2] == "kB":
                out[parts[0].rstrip(":")] = int(parts[1])
    return out


def smaps_by_mapping(pid):
    """pathname (or [heap], [stack], anon) → {Rss, Pss, Private_Dirty, …} in kB, summed over mappings."""
    out, cur = {}, None
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            parts = line.split()
            if not parts:
                continue
            if "-" in parts[0] and len(parts) >= 5 and ":" in parts[3]:
                name = parts[5] if len(parts) >= 6 else "[anon]"
                cur = out.setdefault(name, {})
            elif cur is not None and len(parts) >= 3 and parts[2] == "kB":
                k = parts[0].rstrip(":")
                cur[k] = cur.get(k, 0) + int(parts[1])
    return out
