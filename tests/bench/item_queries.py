# SPDX-License-Identifier: LGPL-2.1-or-later
"""Item 3: queries. In-process: Properties.GetAll(org.example.MultisessionSequential) and
GetMultisessionInfo against Peer.Ping to the same daemon from the same sd-bus client in the same run,
interleaved in rounds (bench-bus queries). Whole processes: `multisessionctl msinfo` against
`cdrskin dev=/dev/sr0 -msinfo` on the same disc, timed by hyperfine (or by a plain loop without it)."""

import json
import os
import shutil
import subprocess
import time

import benchlib as b
from item_latency import pq, samples

DISC = "cdr-appendable-1session"
TARGET_GETALL = 0.8
TARGET_MSINFO = 10.0


def rate(values):
    return len(values) / (sum(values) / 1e9) if values else float("nan")


def time_commands(env, commands, runs, tmp):
    """name → (median s, p99 s, runs, tool) for each (name, argv), run with env."""
    out = {}
    if shutil.which("hyperfine"):
        for name, argv in commands:
            path = os.path.join(tmp, "hyperfine.json")
            # -N: no shell between hyperfine and the command. Every command must succeed: a CLI that cannot
            # start (a build in progress) would otherwise be timed as a very fast one.
            subprocess.run(["hyperfine", "-N", "--style=none", "--warmup", "3", "--runs",
                            str(runs), "--export-json", path, " ".join(argv)], env=env, check=True,
                           stdout=subprocess.DEVNULL, timeout=3600)
            with open(path) as f:
                t = json.load(f)["results"][0]["times"]
            out[name] = (b.median(t), b.percentile(t, 99), len(t), "hyperfine")
        return out
    for name, argv in commands:
        t = []
        for _ in range(runs):
            t0 = time.monotonic()
            subprocess.run(argv, capture_output=True, env=env, timeout=b.TIMEOUT, check=True)
            t.append(time.monotonic() - t0)
        out[name] = (b.median(t), b.percentile(t, 99), len(t), "loop")
    return out


def run(opts):
    n = 6 if opts.smoke else 3000 if opts.quick else 20000
    rounds = 2 if opts.smoke else 10 if opts.quick else 20
    runs = 2 if opts.smoke else 20 if opts.quick else 100
    load_before = b.load()

    with b.TempDir() as tmp:
        with b.Session([DISC]) as s:
            s.wait(lambda: s.settled(["sr0"]), "the coldplug probe")
            out = s.client([os.path.join(b.BENCH, "bench-bus"), "queries", s.address, "sr0", str(n),
                            str(rounds)])
            if os.access(b.CTL, os.X_OK):
                ctl = ("multisessionctl msinfo", [b.CTL, f"--address={s.address}", "msinfo", "sr0"])
            else:
                ctl = ("busctl call … GetMultisessionInfo (no multisessionctl)",
                       ["busctl", f"--address={s.address}", "call", b.BUS_NAME, b.drive_path("sr0"),
                        b.IFACES["seq"], "GetMultisessionInfo"])
            answer = s.client(ctl[1]).strip()
            mine = time_commands(s.preload_env(), [ctl, ("/bin/true", ["/bin/true"])], runs, tmp)
            # The client needs no drive: without the preload it runs as on a real machine.
            plain = time_commands(os.environ, [ctl], runs, tmp)
        # cdrskin in a testbed of its own: its O_RDWR close would make the daemon re-probe (close-after-write,
        # design.md §2.3) and share the emulated drive with it while hyperfine counts.
        with b.Session([DISC], daemon=False) as s:
            peer_cmd = ["cdrskin", "dev=/dev/sr0", "-msinfo"]
            peer_answer = subprocess.run(peer_cmd, capture_output=True, text=True, env=s.preload_env(),
                                         timeout=b.TIMEOUT).stdout.strip()
            peer = time_commands(s.preload_env(), [("cdrskin -msinfo", peer_cmd)], runs, tmp)

    ping, getall, msinfo = samples(out, "ping"), samples(out, "getall"), samples(out, "msinfo")
    rp, rg, rm = rate(ping), rate(getall), rate(msinfo)
    b.table("3. Queries from one sd-bus client to the daemon (same run, interleaved)",
            ["call", "calls", "latency p50 / p99 (µs)", "rate (calls/s)", "÷ Ping rate"],
            [["Peer.Ping", len(ping), pq(ping), f"{rp:.0f}", "1.00"],
             ["GetAll(MultisessionSequential)", len(getall), pq(getall), f"{rg:.0f}", f"**{rg / rp:.2f}**"],
             ["GetMultisessionInfo", len(msinfo), pq(msinfo), f"{rm:.0f}", f"{rm / rp:.2f}"]],
            [f"{rounds} rounds of {n // rounds} calls of each kind; rate = calls ÷ the sum of their round trips. "
             f"Target GetAll ≥ {TARGET_GETALL} × Ping's rate: {'met' if rg / rp >= TARGET_GETALL else 'MISSED'} "
             f"({rg / rp:.2f}×). Load average {load_before} before."])

    (cname, (cm, c99, cn, tool)), (pname, (pm, p99, pn, _)) = list(mine.items())[0], list(peer.items())[0]
    qm, q99, qn, _ = list(plain.values())[0]
    tm, t99, tn, _ = mine["/bin/true"]
    b.table(f"3b. `msinfo` as a process, {DISC} ({tool})",
            ["command", "runs", "wall p50 (ms)", "wall p99 (ms)", "answer", "cdrskin p50 ÷ this p50"],
            [[cname + " (preload)", cn, f"{cm * 1e3:.2f}", f"{c99 * 1e3:.2f}", answer, f"**{pm / cm:.1f}**"],
             [cname + " (no preload)", qn, f"{qm * 1e3:.2f}", f"{q99 * 1e3:.2f}", answer, f"{pm / qm:.1f}"],
             [pname + " (preload)", pn, f"{pm * 1e3:.2f}", f"{p99 * 1e3:.2f}", peer_answer, "1.0"],
             ["/bin/true (preload): starting any process", tn, f"{tm * 1e3:.2f}", f"{t99 * 1e3:.2f}", "", ""]],
            [f"cdrskin needs the emulated drive, so it runs under the umockdev preload; the CLI only needs the "
             f"bus, and is timed both ways (the first row is the like-for-like comparison). The daemon answered "
             f"from its published state. Target ≥ {TARGET_MSINFO}× faster: "
             f"{'met' if pm / cm >= TARGET_MSINFO else 'MISSED'} ({pm / cm:.1f}×). Load average {b.load()} after."])
