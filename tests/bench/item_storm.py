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
RATES = (None, None, 400, 200, 100)  # commands per second; None: as fast as the FIFO takes them


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


class Overrun(Exception):
    """fake-drive died mid-storm: umockdev 0.17 exits when a listener's uevent socket is full."""

    def __init__(self, applied, why):
        super().__init__(why)
        self.applied, self.why = applied, why


def feed(s, lines, rate):
    """Control lines as fast as the FIFO takes them (rate None), or about rate per second."""
    if rate is None:
        s.control(lines)
        return
    step = max(1, rate // 100)
    for i in range(0, len(lines), step):
        s.control(lines[i:i + step])
        time.sleep(step / rate)


def applied(log):
    return sum(1 for x in log if x.startswith(("# insert", "# eject", "# error")))


def storm(drive, nodes, lines, last, burst, burst_last, rate):
    with b.Session([drive] * len(nodes)) as s:
        s.wait(lambda: s.settled(nodes), "the coldplug probes", timeout=b.TIMEOUT * 2)
        objs = s.objects()
        base = max(objs[b.drive_path(n)][b.IFACES["drive"]]["DiskSeq"] for n in nodes)
        want_seq = {n: objs[b.drive_path(n)][b.IFACES["drive"]]["DiskSeq"] for n in nodes}
        for n, (i, _) in last.items():
            want_seq[n] = base + 1 + i
        r = {"rss0": b.smaps_rollup(s.pid)}
        mark = len(s.log())
        cpu0, t0 = s.cpu_seconds(), time.monotonic()
        try:
            feed(s, lines, rate)
            s.wait(lambda: applied(s.log()[mark:]) >= len(lines), "fake-drive to apply the storm", timeout=3600,
                   interval=0.1)
        except b.BenchError as e:
            if s.fake.poll() is None:
                raise
            out = s.output()
            raise Overrun(applied(s.log()[mark:]), "umockdev's uevent sender found the daemon's socket full"
                          if "uevent_sender" in out else str(e)[:200]) from None
        r["t_applied"] = time.monotonic() - t0
        s.wait(lambda: s.settled(nodes, want_seq), "every drive to settle on its last medium", timeout=600,
               interval=0.1)
        r["t_settled"] = time.monotonic() - t0
        r["cpu"] = s.cpu_seconds() - cpu0
        r["rss1"] = b.smaps_rollup(s.pid)
        r["log"] = s.log()[mark:]
        r["wrong"] = check(s, nodes, {n: last.get(n, (None, "none"))[1] for n in nodes})

        # The same rate on one drive: events now come faster than its probes end, so they coalesce.
        seq = {"sr0": base + len(lines) + 1 + burst_last["sr0"][0]}
        bmark = len(s.log())
        try:
            feed(s, burst, rate)
            s.wait(lambda: s.settled(["sr0"], seq), "sr0 to settle after the burst", timeout=600, interval=0.1)
        except b.BenchError:
            if s.fake.poll() is None:
                raise
            raise Overrun(applied(s.log()[bmark:]), "the one-drive burst: " + s.output()[-200:]) from None
        r["blog"] = s.log()[bmark:]
        r["bwrong"] = check(s, ["sr0"], {"sr0": burst_last["sr0"][1]})
        return r


def run(opts):
    n_drives = 2 if opts.smoke else 32
    n_commands = 20 if opts.smoke else 1000 if opts.quick else 5000
    n_burst = 10 if opts.smoke else 200 if opts.quick else 1000
    # Quirk discs are left out: their quirks outlive an eject (README: the drive keeps them), so what an
    # empty drive publishes after one would not be none.disc's.
    discs = b.library(include_quirks=False)
    lines, last = plan(n_drives, n_commands, discs)
    burst, burst_last = plan(1, n_burst, discs)
    nodes = [f"sr{i}" for i in range(n_drives)]

    # As fast as the FIFO takes them, twice; then slower, for a result despite umockdev 0.17's limit.
    attempts = []
    with b.TempDir() as tmp:
        drive = b.write_drive_disc(tmp, discs)
        for rate in RATES:
            try:
                r = storm(drive, nodes, lines, last, burst, burst_last, rate)
                break
            except Overrun as e:
                attempts.append(f"{'as fast as the FIFO takes them' if rate is None else f'{rate}/s'}: fake-drive "
                                f"died after {e.applied} commands ({e.why})")
        else:
            raise b.BenchError("every storm attempt ended with fake-drive dying: " + "; ".join(attempts))
    log, blog, wrong, bwrong = r["log"], r["blog"], r["wrong"], r["bwrong"]
    cpu, rss0, rss1, t_applied, t_settled = r["cpu"], r["rss0"], r["rss1"], r["t_applied"], r["t_settled"]

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
             f"{len(discs)} non-quirk discs), written to the FIFO "
             f"{'in one go' if rate is None else f'at about {rate}/s'}. Load average {b.load()} after."]
    notes += [f"- Attempt {i + 1}, {a}. umockdev 0.17 sends uevents on non-blocking sockets and exits when one "
              f"is full: the daemon's udev socket holds 10 datagrams (net.unix.max_dgram_qlen), where a kernel "
              f"netlink socket holds its 4 MiB receive buffer." for i, a in enumerate(attempts)]
    notes += [f"- {n}: {w}" for n, w in sorted(wrong.items()) + sorted(bwrong.items())]
    b.table("5. Storm: 32 drives, random media changes", ["", "value"], rows, notes)
