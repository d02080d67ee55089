# SPDX-License-Identifier: LGPL-2.1-or-later
"""Item 1: SG_IO commands per media-change probe, per disc, beside cdrom_id's and libburn's on the same disc.

The daemon's count comes from a running daemon: one empty drive that knows every profile, each disc
inserted through the control FIFO in turn, and the commands between one "# insert" line of the command log
and the next. bench-bus waits for each change to settle before the next insert, so a segment holds exactly
one media change. The peers each run once per disc under a fresh fake-drive: their SG_IO lines are the
whole run. Counts do not depend on load: this table is the same on any machine."""

import os

import benchlib as b

# --quick: the discs with the most tracks and sessions, and one of each kind.
QUICK = ["none", "cdr-blank", "cdr-appendable-1session", "cdr-99tracks", "cdr-closed", "cdrom-pressed",
         "dvdplusr-150sessions", "dvdplusr-153sessions", "dvdr-appendable-2sessions", "dvdplusrw-iso",
         "bdr-appendable-2sessions", "bdre-iso", "quirk-unit-attention", "quirk-becoming-ready"]
SMOKE = ["cdr-appendable-1session", "dvdplusr-150sessions"]

PEERS = [("cdrom_id", ["/usr/lib/udev/cdrom_id", "/dev/sr0"]),
         ("xorriso -toc", ["xorriso", "-outdev", "/dev/sr0", "-toc"]),
         ("cdrskin -msinfo", ["cdrskin", "dev=/dev/sr0", "-msinfo"])]
TARGET = 6


def segments(lines, node="sr0"):
    """[(path, lines)] per "# insert NODE PATH" line: the log lines after it up to the next insert."""
    out = []
    prefix = f"# insert {node} "
    for line in lines:
        if line.startswith(prefix):
            out.append((line[len(prefix):], []))
        elif out:
            out[-1][1].append(line)
    return out


def probe_attempts(lines, node="sr0"):
    """Commands per probe attempt: every probe begins with GET CONFIGURATION (probe.c)."""
    attempts = []
    for line in lines:
        c = b.sgio_line(line)
        if not c or c[0] != node:
            continue
        if c[1] == 0x46 or not attempts:
            attempts.append(0)
        attempts[-1] += 1
    return attempts


def daemon_counts(discs, tmp):
    drive = b.write_drive_disc(tmp, b.library())
    paths = [b.disc_path(d) for d in discs]
    with b.Session([drive]) as s:
        s.wait(lambda: s.settled(["sr0"]), "the coldplug probe")
        out = s.client([os.path.join(b.BENCH, "bench-bus"), "swap", s.address, "sr0", s.fifo, str(len(paths))]
                       + paths)
        states = [line.split()[7] for line in out.splitlines() if line.startswith("swap ")]
        seg = segments(s.log())
    if [p for p, _ in seg] != paths or len(states) != len(paths):
        raise b.BenchError("the command log does not hold one insert per disc")
    counts = {}
    for d, (_, lines), st in zip(discs, seg, states):
        counts[d] = (b.count_sgio(lines, "sr0"), probe_attempts(lines), st)
    return counts


def oneshot_count(disc, tmp):
    log = os.path.join(tmp, "oneshot.log")
    _, lines = b.fake_drive_run([disc], [b.DAEMON, "--probe", "/dev/sr0", "--json"], log)
    return b.count_sgio(lines)


def peer_count(disc, argv, tmp):
    log = os.path.join(tmp, "peer.log")
    _, lines = b.fake_drive_run([disc], argv, log, timeout=300)
    return b.count_sgio(lines)


def ratio(a, c):
    return f"{a / c:.2f}" if c else "—"


def run(opts):
    discs = SMOKE if opts.smoke else QUICK if opts.quick else b.library()
    with b.TempDir() as tmp:
        daemon = daemon_counts(discs, tmp)
        rows, total, worst, over = [], [0] * 5, 0, []
        for d in discs:
            n, attempts, state = daemon[d]
            per = max(attempts) if attempts else 0
            worst = max(worst, per)
            if per > TARGET:
                over.append(d)
            one = oneshot_count(d, tmp)
            peers = [peer_count(d, argv, tmp) for _, argv in PEERS]
            for i, v in enumerate([n, one] + peers):
                total[i] += v
            rows.append([d, b.read_disc(d)["tracks"], state, n, len(attempts), per, one] + peers
                        + [ratio(n, c) for c in peers])
        rows.append(["**total**", "", "", total[0], "", f"max {worst}", total[1]] + total[2:]
                    + [ratio(total[0], c) for c in total[2:]])
    b.table("1. SG_IO commands per media change (command log, fake-drive)",
            ["disc", "tracks", "state", "daemon", "probes", "max/probe", "one-shot"]
            + [p for p, _ in PEERS] + ["÷ " + p for p, _ in PEERS],
            rows,
            ["daemon: commands the running daemon sent between this disc's `# insert` and the next; probes: "
             "probe attempts (each starts with GET CONFIGURATION; a retry after becoming-ready or UNIT ATTENTION "
             "is another); max/probe: the most commands of one attempt. one-shot: `multisessiond --probe --json`, "
             "which also reads INQUIRY and the whole track list (not a media-change probe). Peers: one run each "
             "under a fresh fake-drive, SG_IO only (plain ioctls not counted). ÷: daemon ÷ peer.",
             f"Target ≤ {TARGET} per probe on every disc: {'met' if not over else 'MISSED on ' + ', '.join(over)} "
             f"(max {worst})."])
