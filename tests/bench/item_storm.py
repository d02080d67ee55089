# SPDX-License-Identifier: LGPL-2.1-or-later
"""Item 5: an event storm. 32 drives, 5,000 random insert/eject commands written to fake-drive's control FIFO
as fast as it takes them, then: does every drive publish the state of its last medium (checked against
that disc's hand-written expect lines, none.disc's after an eject), how many probes ran against how many
events (GET CONFIGURATION starts every probe), and how much CPU the daemon spent.

The DiskSeq each drive must end with is known in advance: the testbed has one counter, the drives took
the first values and every control command takes the next one (tests/emulator/README.md), so "settled"
means every drive is idle/no-medium/error with the DiskSeq of its last command — the daemon has seen it."""

import random
import time

import benchlib as b

SEED = 20240611
EJECT_SHARE = 0.2


def plan(n_drives, n_commands, discs):
    """The commands, and per drive the index of its last command and what it left in the tray."""
    rng = random.Random(SEED)
    lines, last = [], {}
    for i in range(n_commands):
        node = f"sr{rng.randrange(n_drives)}"
        if rng.random() < EJECT_SHARE:
            lines.append(f"eject {node}")
            last[node] = (i, "none")
        else:
            d = rng.choice(discs)
            lines.append(f"insert {node} {b.disc_path(d)}")
            last[node] = (i, d)
    return lines, last


def check(s, nodes, discs):
    """node → what differs from the expect lines of the disc it should hold (only nodes that differ)."""
    objs, wrong = s.objects(), {}
    for n in nodes:
        expect = b.read_disc(discs[n])["expect"]
        bad = b.compare_expect(expect, objs[b.drive_path(n)], s.msinfo(n) if "msinfo" in expect else None)
        if bad:
            wrong[n] = f"{discs[n]}: {'; '.join(bad)}"
    return wrong


def run(opts):
    n_drives = 2 if opts.smoke else 32
    n_commands = 20 if opts.smoke else 1000 if opts.quick else 5000
    n_burst = 10 if opts.smoke else 200 if opts.quick else 1000
    # Quirk discs are left out: their quirks outlive an eject (README: the drive keeps them), so what an
    # empty drive publishes after one would not be none.disc's.
    discs = b.library(include_quirks=False)
    lines, last = plan(n_drives, n_commands, discs)
    nodes = [f"sr{i}" for i in range(n_drives)]

    with b.TempDir() as tmp:
        drive = b.write_drive_disc(tmp, discs)
        with b.Session([drive] * n_drives) as s:
            s.wait(lambda: s.settled(nodes), "the coldplug probes", timeout=b.TIMEOUT * 2)
            objs = s.objects()
            base = max(objs[b.drive_path(n)][b.IFACES["drive"]]["DiskSeq"] for n in nodes)
            want_seq = {n: objs[b.drive_path(n)][b.IFACES["drive"]]["DiskSeq"] for n in nodes}
            for n, (i, _) in last.items():
                want_seq[n] = base + 1 + i
            rss0 = b.smaps_rollup(s.pid)
            mark = len(s.log())
            cpu0, t0 = s.cpu_seconds(), time.monotonic()

            s.control(lines)
            s.wait(lambda: sum(1 for x in s.log()[mark:] if x.startswith(("# insert", "# eject", "# error")))
                   >= n_commands, "fake-drive to apply the storm", timeout=3600, interval=0.1)
            t_applied = time.monotonic() - t0
            s.wait(lambda: s.settled(nodes, want_seq), "every drive to settle on its last medium",
                   timeout=600, interval=0.1)
            t_settled = time.monotonic() - t0
            cpu = s.cpu_seconds() - cpu0
            rss1 = b.smaps_rollup(s.pid)
            log = s.log()[mark:]

            wrong = check(s, nodes, {n: last.get(n, (None, "none"))[1] for n in nodes})

            # The same rate on one drive: events now come faster than its probes end, so they coalesce.
            burst, burst_last = plan(1, n_burst, discs)
            seq = {"sr0": base + n_commands + 1 + burst_last["sr0"][0]}
            bmark = len(s.log())
            s.control(burst)
            s.wait(lambda: s.settled(["sr0"], seq), "sr0 to settle after the burst", timeout=600, interval=0.1)
            blog = s.log()[bmark:]
            bwrong = check(s, ["sr0"], {"sr0": burst_last["sr0"][1]})

    errors = [x for x in log + blog if x.startswith("# error")]
    per_events = {n: 0 for n in nodes}
    for line in lines:
        per_events[line.split()[1]] += 1
    per_probes = {n: b.count_sgio(log, n, 0x46) for n in nodes}
    sgio = b.count_sgio(log)
    ev, pr = sum(per_events.values()), sum(per_probes.values())
    ratios = [per_probes[n] / per_events[n] for n in nodes if per_events[n]]
    rows = [["control commands (insert/eject), all drives", ev],
            ["fake-drive: time to apply them (s)", f"{t_applied:.1f} ({ev / t_applied:.0f}/s)"],
            ["until every drive settled on its last medium (s)", f"{t_settled:.1f}"],
            ["probes run (GET CONFIGURATION)", f"{pr} ({pr / ev:.2f} per event)"],
            ["probes per event, per drive: min / median / max",
             f"{min(ratios):.2f} / {b.median(ratios):.2f} / {max(ratios):.2f}"],
            ["SG_IO commands in all", f"{sgio} ({sgio / max(pr, 1):.1f} per probe)"],
            ["daemon CPU (utime + stime, s)", f"{cpu:.2f} ({cpu / ev * 1e3:.2f} ms per event)"],
            ["daemon RSS / anonymous before → after (KiB)",
             f"{rss0['Rss']} / {rss0['Anonymous']} → {rss1['Rss']} / {rss1['Anonymous']}"],
            ["drives whose published state matches their last disc's expect lines",
             f"**{n_drives - len(wrong)} / {n_drives}**"],
            ["control lines fake-drive refused", len(errors)],
            [f"one drive, {n_burst} commands in one go: probes (GET CONFIGURATION)",
             f"{b.count_sgio(blog, 'sr0', 0x46)} ({b.count_sgio(blog, 'sr0', 0x46) / n_burst:.2f} per event)"],
            ["one drive: published state matches its last disc", "yes" if not bwrong else "**no**"]]
    notes = [f"{n_drives} drives, {n_commands} commands (seed {SEED}, {EJECT_SHARE:.0%} ejects, inserts of the "
             f"{len(discs)} non-quirk discs), written in one go to the FIFO. Load average {b.load()} after."]
    notes += [f"- {n}: {w}" for n, w in sorted(wrong.items()) + sorted(bwrong.items())]
    b.table("5. Storm: 32 drives, random media changes", ["", "value"], rows, notes)
