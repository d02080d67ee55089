# SPDX-License-Identifier: LGPL-2.1-or-later
"""Item 2: media change → PropertiesChanged at a client, against a floor measured in the same run.

One daemon, one drive. bench-bus writes "insert sr0 DISC" to the control FIFO and times, from that write:
the change uevent at its own libudev monitor (the daemon's kind; both get the same datagram), the first
PropertiesChanged of the drive ({DiskSeq, ProbeState=probing}, when the daemon announces the probe before
it ends) and the settled one (…Drive with ProbeState idle/no-medium/error for the new DiskSeq; the
…MultisessionSequential values of the same probe were emitted just before it). The reported latency is
the settled one, what a client waits for before it can use the new values — from the FIFO write (the
issue's definition) and from the uevent (the daemon's share; the rest is fake-drive's and umockdev's).

Floor (the issue's definition) = the disc's commands in this change × the emulator's SG_IO round trip
(bench-sgio, TEST UNIT READY, same testbed, same run) + one Peer.Ping round trip to the same daemon."""

import os

import benchlib as b
from item_commands import segments

SWAP_DISCS = ["cdr-appendable-1session", "dvdplusr-appendable-2sessions", "bdr-appendable-2sessions", "none",
              "cdr-99tracks", "dvdplusr-150sessions"]
TARGET = 1.5


def samples(out, kind):
    return [int(line.split()[1]) for line in out.splitlines() if line.startswith(kind + " ")]


def pq(values):
    """"p50 / p99" in µs."""
    if not values:
        return "—"
    return f"{b.us(b.median(values)):.0f} / {b.us(b.percentile(values, 99)):.0f}"


def run(opts):
    n_swaps = 2 if opts.smoke else 240 if opts.quick else 1200
    n_rtt = 2 if opts.smoke else 300 if opts.quick else 2000
    discs = SWAP_DISCS[:2] if opts.smoke else SWAP_DISCS
    paths = [b.disc_path(d) for d in discs]
    load_before = b.load()

    with b.TempDir() as tmp:
        drive = b.write_drive_disc(tmp, b.library())
        with b.Session([drive]) as s:
            s.wait(lambda: s.settled(["sr0"]), "the coldplug probe")
            bus = os.path.join(b.BENCH, "bench-bus")
            # Round trips with a medium in (TEST UNIT READY answers GOOD), in the daemon's testbed.
            s.client([bus, "swap", s.address, "sr0", s.fifo, "1", paths[0]])
            sg = s.client([os.path.join(b.BENCH, "bench-sgio"), "/dev/sr0", str(n_rtt)])
            ping = samples(s.client([bus, "queries", s.address, "sr0", str(n_rtt), "10", "ping"]), "ping")
            mark = len(s.log())
            out = s.client([bus, "swap", s.address, "sr0", s.fifo, str(n_swaps)] + paths, timeout=3600)
            log = s.log()[mark:]

    tur, rdi, opn = samples(sg, "tur"), samples(sg, "rdi"), samples(sg, "open")
    swaps = [line.split()[1:] for line in out.splitlines() if line.startswith("swap ")]
    segs = segments(log)
    if len(segs) != len(swaps):
        raise b.BenchError(f"{len(swaps)} swaps but {len(segs)} inserts in the command log")
    rtt, ping50 = b.median(tur), b.median(ping)

    keys = ("cmds", "uevent", "probing", "settled", "ratio", "own", "own_ratio")
    per = {k: {key: [] for key in keys} for k in range(len(discs))}
    every = {key: [] for key in keys}
    timeouts = 0
    for (i, k, first, probing, settled, uevent, state), (_, lines) in zip(swaps, segs):
        if state == "timeout" or int(uevent) < 0:
            timeouts += 1
            continue
        cmds = b.count_sgio(lines, "sr0")
        floor = cmds * rtt + ping50
        settled, uevent, probing = int(settled), int(uevent), int(probing)
        got = {"cmds": cmds, "uevent": uevent, "settled": settled, "ratio": settled / floor,
               "own": settled - uevent, "own_ratio": (settled - uevent) / floor}
        if probing >= 0:
            got["probing"] = probing
        for key, v in got.items():
            per[int(k)][key].append(v)
            every[key].append(v)

    def row(name, r):
        if not r["settled"]:
            return [name] + ["—"] * 9
        floor = b.median(r["cmds"]) * rtt + ping50
        return [name, len(r["settled"]), b.median(r["cmds"]), f"{b.us(floor):.0f}", pq(r["uevent"]),
                f"{len(r['probing'])}: {pq(r['probing'])}", pq(r["settled"]),
                f"{b.median(r['ratio']):.2f}", pq(r["own"]), f"{b.median(r['own_ratio']):.2f}"]

    rows = [row(d, per[k]) for k, d in enumerate(discs)]
    total = row("**all**", every)
    total[2] = total[3] = ""
    rows.append(total)
    overall = b.median(every["ratio"]) if every["ratio"] else float("nan")
    own = b.median(every["own_ratio"]) if every["own_ratio"] else float("nan")
    b.table("2. Media change → PropertiesChanged at a client (µs, p50 / p99)",
            ["disc", "swaps", "cmds", "floor", "uevent", "probing PC: n, time", "settled PC",
             "settled p50 ÷ floor", "settled − uevent", "÷ floor"], rows,
            [f"Floor = cmds × SG_IO round trip (TEST UNIT READY p50 {b.us(rtt):.0f} µs) + Ping round trip "
             f"(p50 {b.us(ping50):.0f} µs). Times from the FIFO write: uevent = the change uevent at the client's "
             f"libudev monitor; settled PC = the PropertiesChanged on …Drive with ProbeState idle/no-medium for the "
             f"new DiskSeq (the reported latency); \"probing PC\": how many changes announced ProbeState=probing "
             f"first, and when. settled − uevent: the daemon's share. Swaps cycle through the discs; "
             f"{timeouts} of {len(swaps)} timed out. Ratios are medians of per-swap ratios.",
             f"Target p50 ≤ {TARGET} × floor: {'met' if overall <= TARGET else 'MISSED'} ({overall:.2f}× from the "
             f"FIFO write; {own:.2f}× from the uevent). Load average {load_before} before, {b.load()} after."])
    b.table("2b. The floor's parts and what it leaves out (µs)",
            ["component", "samples", "p50 / p99"],
            [["SG_IO TEST UNIT READY round trip (the floor's unit)", len(tur), pq(tur)],
             ["SG_IO READ DISC INFORMATION round trip (34 bytes in)", len(rdi), pq(rdi)],
             ["Peer.Ping round trip to the daemon", len(ping), pq(ping)],
             ["open() + close() of /dev/sr0 under umockdev (once per probe; not in the floor)", len(opn), pq(opn)],
             ["fake-drive: FIFO write → change uevent at a client (not in the floor)", len(every["uevent"]),
              pq(every["uevent"])]])
