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


def _collect(rollups):
    out = {}
    for r in rollups:
        for k, v in r.items():
            out.setdefault(k, []).append(v)
    return out


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


def median_of(snaps):
    """The per-key median of several snapshots' rollups (RSS moves with which shared pages a run touched);
    the mapping breakdown and the thread count of the run whose RSS is the median."""
    keys = set().union(*(r[0] for r in snaps))
    rollup = {k: b.median([r[0].get(k, 0) for r in snaps]) for k in keys}
    mid = sorted(snaps, key=lambda r: r[0]["Rss"])[len(snaps) // 2]
    return rollup, mid[1], mid[2]


def run(opts):
    counts = [1, 2] if opts.smoke else [1, 16, 32]
    reps = 1 if opts.smoke else 3
    # A binary built moments ago has dirty page-cache pages, which smaps counts as Private_Dirty of the
    # process that maps them: write them back first.
    os.sync()
    with b.TempDir() as tmp:
        plain0 = median_of([daemon_with(0, tmp, preload=False) for _ in range(reps)])
        pre0 = median_of([daemon_with(0, tmp) for _ in range(reps)])
        runs = {n: median_of([daemon_with(n, tmp) for _ in range(reps)]) for n in counts}
        sleep_plain = {k: b.median(v) for k, v in _collect([trivial(False, tmp) for _ in range(reps)]).items()}
        sleep_pre = {k: b.median(v) for k, v in _collect([trivial(True, tmp) for _ in range(reps)]).items()}

    rows = [["daemon, no drive, no preload (as on a machine without drives)", plain0[2]]
            + [plain0[0].get(k, 0) for k in KEYS],
            ["daemon, no drive, under the preload", pre0[2]] + [pre0[0].get(k, 0) for k in KEYS]]
    rows += [[f"daemon, {n} drive{'s' if n > 1 else ''} with media, under the preload", runs[n][2]]
             + [runs[n][0].get(k, 0) for k in KEYS] for n in counts]
    rows += [["sleep, no preload", 1] + [sleep_plain.get(k, 0) for k in KEYS],
             ["sleep, under the preload", 1] + [sleep_pre.get(k, 0) for k in KEYS]]
    preload_rss = pre0[0]["Rss"] - plain0[0]["Rss"]
    first, last = counts[0], counts[-1]

    def slope(a, z, key):
        return (runs[z][0][key] - runs[a][0][key]) / (z - a)

    base = runs[first][0]["Rss"] - max(preload_rss, 0)
    steady = f"; {counts[-2]} → {last}: {slope(counts[-2], last, 'Rss'):.1f} KiB RSS, " \
             f"{slope(counts[-2], last, 'Anonymous'):.1f} KiB anonymous (same thread count)" \
        if len(counts) > 2 else ""
    b.table("4. Daemon memory (KiB, smaps_rollup, median of {reps} runs)".format(reps=reps),
            ["process", "threads"] + list(KEYS), rows,
            [f"The preload costs the daemon {preload_rss} KiB RSS with no drive "
             f"({pre0[0]['Private_Dirty'] - plain0[0]['Private_Dirty']} KiB private dirty); in `sleep` it costs "
             f"{sleep_pre['Rss'] - sleep_plain['Rss']} KiB RSS. Per extra drive, {first} → {last}: "
             f"{slope(first, last, 'Rss'):.1f} KiB RSS, {slope(first, last, 'Anonymous'):.1f} KiB anonymous (the "
             f"daemon's own: heap, stacks, arenas), worker threads included (the pool grows to 4 on demand)"
             f"{steady}.",
             f"Target ≤ {TARGET_BASE_KIB} KiB RSS with 1 drive: "
             f"{'met' if base <= TARGET_BASE_KIB else 'MISSED'} ({runs[first][0]['Rss']} KiB measured, {base} KiB "
             f"without the preload's share). Target ≤ {TARGET_PER_DRIVE_KIB} KiB per drive: "
             f"{'met' if slope(first, last, 'Rss') <= TARGET_PER_DRIVE_KIB else 'MISSED'} "
             f"({slope(first, last, 'Rss'):.1f} KiB RSS per drive, {first} → {last})."])

    kinds = sorted({k for n in (first, last) for k in runs[n][1]} | set(plain0[1]),
                   key=lambda k: -runs[last][1].get(k, {}).get("Rss", 0))
    b.table("4b. Where the RSS is (KiB: Rss / Anonymous)", ["mapping", "no drive, no preload"]
            + [f"{n} drive{'s' if n > 1 else ''}" for n in (first, last)],
            [[k] + [f"{r[1].get(k, {}).get('Rss', 0)} / {r[1].get(k, {}).get('Anonymous', 0)}"
                    for r in (plain0, runs[first], runs[last])] for k in kinds],
            ["Shared libraries' clean pages are shared with every process that maps them (Pss divides them); "
             "Anonymous is memory only this daemon holds: heap, thread stacks, malloc arenas (a worker's "
             "allocations live in its own arena), and the library pages it relocated."])
