# SPDX-License-Identifier: LGPL-2.1-or-later
"""Item 4: the daemon's memory with 1, 16 and 32 drives holding media, from /proc/PID/smaps_rollup and
/proc/PID/smaps once every drive has been probed.

Under test the daemon runs with umockdev's preload, which a real daemon has not. Its share is measured two
ways in the same run: the daemon with no drive with and without the preload, and a trivial program
(sleep) with and without it. Memory does not depend on load; it does depend on how many worker threads
the daemon happened to start (manager.c: at most 4), which the table reports."""

import os
import subprocess
import time

import benchlib as b

DISC = "cdr-appendable-1session"
TARGET_BASE_KIB = 4096
TARGET_PER_DRIVE_KIB = 16
KEYS = ("Rss", "Pss", "Shared_Clean", "Private_Clean", "Private_Dirty", "Anonymous")


def kind(name):
    base = os.path.basename(name)
    for key, label in (("multisessiond", "daemon binary"), ("libsystemd", "libsystemd"), ("libudev", "libudev"),
                       ("libc.so", "libc"), ("ld-linux", "ld.so"), ("umockdev", "umockdev preload"),
                       ("[heap]", "heap"), ("[stack]", "main stack"), ("[anon]", "anonymous (threads, arenas)")):
        if key in base:
            return label
    if base.startswith("["):
        return "kernel ([vdso] …)"
    return "other libraries"


def threads(pid):
    return len(os.listdir(f"/proc/{pid}/task"))


def snapshot(pid):
    by_kind = {}
    for name, v in b.smaps_by_mapping(pid).items():
        k = by_kind.setdefault(kind(name), {})
        for key in KEYS:
            k[key] = k.get(key, 0) + v.get(key, 0)
    return b.smaps_rollup(pid), by_kind, threads(pid)


def daemon_with(n, tmp, preload=True):
    """smaps of the daemon with n drives holding DISC, settled."""
    if preload:
        with b.Session([DISC] * n) as s:
            nodes = [f"sr{i}" for i in range(n)]
            s.wait(lambda: s.settled(nodes), f"{n} drives to be probed", timeout=b.TIMEOUT * 2)
            time.sleep(0.5)
            return snapshot(s.pid)
    # No testbed at all: the machine's own /sys, where there is no optical drive to find.
    bus = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--print-address=1",
                            f"--address=unix:dir={tmp}"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                           text=True)
    address = bus.stdout.readline().strip()
    d = subprocess.Popen([b.DAEMON, f"--address={address}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(1.0)
        if d.poll() is not None:
            raise b.BenchError("the daemon exited without a testbed")
        return snapshot(d.pid)
    finally:
        d.terminate()
        d.wait()
        bus.terminate()
        bus.wait()
        bus.stdout.close()


def trivial(preload, tmp):
    env = dict(os.environ)
    if preload:
        # The preload needs a testbed to point at: an empty one (fake-drive with no drive).
        with b.Session([], daemon=False) as s:
            p = subprocess.Popen(["sleep", "30"], env=s.preload_env())
            try:
                time.sleep(0.5)
                return b.smaps_rollup(p.pid)
            finally:
                p.kill()
                p.wait()
    p = subprocess.Popen(["sleep", "30"], env=env)
    try:
        time.sleep(0.5)
        return b.smaps_rollup(p.pid)
    finally:
        p.kill()
        p.wait()


def run(opts):
    counts = [1, 2] if opts.smoke else [1, 16, 32]
    with b.TempDir() as tmp:
        plain0 = daemon_with(0, tmp, preload=False)
        pre0 = daemon_with(0, tmp)
        runs = {n: daemon_with(n, tmp) for n in counts}
        sleep_plain, sleep_pre = trivial(False, tmp), trivial(True, tmp)

    rows = [["daemon, no drive, no preload (as on a machine without drives)", plain0[2]]
            + [plain0[0].get(k, 0) for k in KEYS],
            ["daemon, no drive, under the preload", pre0[2]] + [pre0[0].get(k, 0) for k in KEYS]]
    rows += [[f"daemon, {n} drive{'s' if n > 1 else ''} with media, under the preload", runs[n][2]]
             + [runs[n][0].get(k, 0) for k in KEYS] for n in counts]
    rows += [["sleep, no preload", 1] + [sleep_plain.get(k, 0) for k in KEYS],
             ["sleep, under the preload", 1] + [sleep_pre.get(k, 0) for k in KEYS]]
    preload_rss = pre0[0]["Rss"] - plain0[0]["Rss"]
    first, last = counts[0], counts[-1]
    slope = (runs[last][0]["Rss"] - runs[first][0]["Rss"]) / (last - first)
    slope_pd = (runs[last][0]["Private_Dirty"] - runs[first][0]["Private_Dirty"]) / (last - first)
    base = runs[first][0]["Rss"] - preload_rss
    b.table("4. Daemon memory (KiB, smaps_rollup)", ["process", "threads"] + list(KEYS), rows,
            [f"The preload costs the daemon {preload_rss} KiB RSS with no drive ({pre0[0]['Private_Dirty'] - plain0[0]['Private_Dirty']} "
             f"KiB private dirty); in `sleep` it costs {sleep_pre['Rss'] - sleep_plain['Rss']} KiB RSS. "
             f"Per extra drive ({first} → {last}): {slope:.1f} KiB RSS, {slope_pd:.1f} KiB private dirty.",
             f"Target ≤ {TARGET_BASE_KIB} KiB RSS with 1 drive: "
             f"{'met' if base <= TARGET_BASE_KIB else 'MISSED'} ({runs[first][0]['Rss']} KiB measured, {base} KiB "
             f"without the preload's share). Target ≤ {TARGET_PER_DRIVE_KIB} KiB per drive: "
             f"{'met' if slope <= TARGET_PER_DRIVE_KIB else 'MISSED'} ({slope:.1f} KiB)."])

    kinds = sorted({k for n in (first, last) for k in runs[n][1]} | set(plain0[1]),
                   key=lambda k: -runs[last][1].get(k, {}).get("Rss", 0))
    b.table("4b. Where the RSS is (KiB: Rss / Private_Dirty)", ["mapping", "no drive, no preload"]
            + [f"{n} drive{'s' if n > 1 else ''}" for n in (first, last)],
            [[k] + [f"{r[1].get(k, {}).get('Rss', 0)} / {r[1].get(k, {}).get('Private_Dirty', 0)}"
                    for r in (plain0, runs[first], runs[last])] for k in kinds],
            ["Shared libraries' clean pages are shared with every process that maps them (Pss divides them); "
             "Private_Dirty is memory only this daemon holds: heap, thread stacks, malloc arenas, relocated data."])
