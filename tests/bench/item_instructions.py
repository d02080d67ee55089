# SPDX-License-Identifier: LGPL-2.1-or-later
"""Item 6 (beside 2 and 3): the daemon's instructions per media change and per query, counted by callgrind.

Wall-clock numbers on a shared 2-core machine move with everyone else's load; instruction counts do not.
The daemon runs under `valgrind --tool=callgrind` inside fake-drive; for each workload the counters are
zeroed (callgrind_control -z), the workload runs from bench-bus outside valgrind, and a dump
(callgrind_control -d) gives the instructions of exactly that workload, split by the object that executed
them (the daemon's own code, libsystemd, libudev, libc, the loader, umockdev's preload)."""

import glob
import os
import re
import shutil
import subprocess
import time

import benchlib as b
from item_latency import SWAP_DISCS


def self_cost_by_object(path):
    """object file name → instructions executed in it (self cost: call lines carry inclusive cost and
    are skipped), from a callgrind output file."""
    names, cost = {}, {}
    ob = "?"
    after_calls = False
    with open(path) as f:
        for line in f:
            if line.startswith(("ob=", "cob=")):
                # Name compression: "(id) name" defines an id, in ob= or cob= lines alike; "(id)" reuses it.
                m = re.match(r"c?ob=\((\d+)\)(?: (.*))?", line.strip())
                if m and m.group(2):
                    names[m.group(1)] = os.path.basename(m.group(2))
                if line.startswith("ob="):
                    ob = names.get(m.group(1), "?") if m else os.path.basename(line[3:].strip())
            elif line.startswith("calls="):
                after_calls = True
            elif line[:1].isdigit() or line[:1] in "+-*":
                if after_calls:
                    after_calls = False
                    continue
                parts = line.split()
                if len(parts) >= 2:
                    cost[ob] = cost.get(ob, 0) + int(parts[1])
    return cost


def group(obj):
    for key, name in (("multisessiond", "daemon (own code)"), ("libsystemd", "libsystemd (sd-bus, sd-event)"),
                      ("libudev", "libudev"), ("libc.so", "libc"), ("ld-linux", "loader (ld.so)"),
                      ("umockdev", "umockdev preload (test only)")):
        if key in obj:
            return name
    return "other"


class Callgrind:
    def __init__(self, session, out_dir):
        self.s, self.dir = session, out_dir
        # callgrind_control finds the process through vgdb's FIFOs, which valgrind made under TMPDIR.
        self.env = dict(os.environ, TMPDIR=b.TMPDIR or "/tmp")

    def control(self, flag):
        subprocess.run(["callgrind_control", flag, str(self.s.pid)], env=self.env, check=True,
                       capture_output=True, timeout=b.TIMEOUT)

    def measure(self, workload):
        """Runs workload() between a zero and a dump; returns {object group: instructions}."""
        before = set(glob.glob(os.path.join(self.dir, "cg.*")))
        self.control("-z")
        workload()
        self.control("-d")
        deadline = time.monotonic() + b.TIMEOUT
        while True:
            new = sorted(set(glob.glob(os.path.join(self.dir, "cg.*"))) - before)
            if new and os.path.getsize(new[-1]) > 0:
                break
            if time.monotonic() > deadline:
                raise b.BenchError("callgrind wrote no dump")
            time.sleep(0.05)
        time.sleep(0.2)  # the dump is written in one go, but let it finish
        out = {}
        for obj, n in self_cost_by_object(new[-1]).items():
            out[group(obj)] = out.get(group(obj), 0) + n
        return out


def run(opts):
    if not shutil.which("valgrind") or not shutil.which("callgrind_control"):
        print("### 6. Instructions (callgrind): skipped, valgrind is not installed\n")
        return
    n_swaps = 4 if opts.smoke else 60 if opts.quick else 240
    n_calls = 4 if opts.smoke else 300 if opts.quick else 1000
    bus = os.path.join(b.BENCH, "bench-bus")
    paths = [b.disc_path(d) for d in SWAP_DISCS]

    with b.TempDir() as tmp:
        drive = b.write_drive_disc(tmp, b.library())
        wrapper = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={tmp}/cg.%p"]
        with b.Session([drive], wrapper=wrapper) as s:
            s.wait(lambda: s.settled(["sr0"]), "the coldplug probe", timeout=b.TIMEOUT * 5)
            cg = Callgrind(s, tmp)
            s.client([bus, "swap", s.address, "sr0", s.fifo, "1", paths[0]])  # warm: first-use allocations
            res = {
                "media change": (n_swaps, cg.measure(lambda: s.client(
                    [bus, "swap", s.address, "sr0", s.fifo, str(n_swaps)] + paths, timeout=3600))),
            }
            # The queries need a disc that can take a session, whatever the swaps left in the tray.
            s.client([bus, "swap", s.address, "sr0", s.fifo, "1", paths[0]])
            res |= {
                "Peer.Ping": (n_calls, cg.measure(lambda: s.client(
                    [bus, "queries", s.address, "sr0", str(n_calls), "1", "ping"]))),
                "GetAll(MultisessionSequential)": (n_calls, cg.measure(lambda: s.client(
                    [bus, "queries", s.address, "sr0", str(n_calls), "1", "getall"]))),
                "GetMultisessionInfo": (n_calls, cg.measure(lambda: s.client(
                    [bus, "queries", s.address, "sr0", str(n_calls), "1", "msinfo"]))),
                "idle, 2 s": (1, cg.measure(lambda: time.sleep(2))),
            }

    groups = ["daemon (own code)", "libsystemd (sd-bus, sd-event)", "libudev", "libc", "loader (ld.so)",
              "umockdev preload (test only)", "other"]
    rows = []
    for name, (n, cost) in res.items():
        total = sum(cost.values())
        rows.append([name, n, f"**{total / n:,.0f}**"] + [f"{cost.get(g, 0) / n:,.0f}" for g in groups])
    b.table("6. Daemon instructions per operation (callgrind, load-independent)",
            ["operation", "n", "Ir per op"] + groups, rows,
            [f"Media changes cycle through {', '.join(SWAP_DISCS)}; each includes the udev event, the probe on a "
             f"worker thread, and the PropertiesChanged signals. Queries come from one sd-bus client (bench-bus) "
             f"outside valgrind. Self cost per object."])
