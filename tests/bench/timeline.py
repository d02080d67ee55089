# SPDX-License-Identifier: LGPL-2.1-or-later
"""Where a media change's time goes inside the daemon (item 2c), from syscall tracepoints recorded with
`perf record` on the daemon's threads: the main thread receives the uevent (recvmsg on the udev monitor,
flags 0), a worker opens the node, sends the probe's commands (through umockdev's socket: no ioctl reaches
the kernel) and writes the pool's eventfd, the main thread wakes from epoll_wait and sends the
PropertiesChanged signals (sendmsg on the bus). Optional: needs perf and tracefs; skipped without them."""

import os
import re
import shutil
import signal
import subprocess
import time

import benchlib as b

EVENTS = ["syscalls:sys_enter_recvmsg", "syscalls:sys_exit_recvmsg", "syscalls:sys_exit_openat",
          "syscalls:sys_enter_write", "syscalls:sys_exit_epoll_wait", "syscalls:sys_enter_sendmsg",
          "syscalls:sys_enter_epoll_wait"]
LINE = re.compile(r"\s*(\d+)\s+([\d.]+):\s+(\S+):\s*(.*)")


def available():
    if not shutil.which("perf") or not os.path.isdir("/sys/kernel/tracing/events/syscalls"):
        return False
    p = subprocess.run(["perf", "record", "-q", "-o", "/dev/null", "-e", EVENTS[0], "--", "true"],
                       capture_output=True, timeout=b.TIMEOUT)
    return p.returncode == 0


def record(pid, workload, tmp):
    """Runs workload() while perf records the daemon's syscalls; returns the perf script lines."""
    data = os.path.join(tmp, "perf.data")
    p = subprocess.Popen(["perf", "record", "-q", "-o", data, "-e", ",".join(EVENTS), "-p", str(pid)],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)  # perf attaches asynchronously
    try:
        workload()
        time.sleep(0.2)
    finally:
        p.send_signal(signal.SIGINT)
        p.wait(timeout=b.TIMEOUT)
    out = subprocess.run(["perf", "script", "-i", data, "-F", "tid,time,event,trace"], capture_output=True,
                         text=True, timeout=b.TIMEOUT).stdout
    return out.splitlines()


def intervals(lines, main_tid):
    """Per media change, in µs: uevent received → worker opens the node → worker done (eventfd) → main
    thread awake → first signal sent → last signal sent before the loop sleeps again."""
    ev = []
    for line in lines:
        m = LINE.match(line)
        if m:
            ev.append((int(m.group(1)), float(m.group(2)) * 1e6, m.group(3).split(":")[-1], m.group(4)))
    out, i = [], 0
    while i < len(ev):
        tid, t, name, args = ev[i]
        # The udev monitor's recvmsg has flags 0; sd-bus's have MSG_DONTWAIT|MSG_CMSG_CLOEXEC.
        if not (tid == main_tid and name == "sys_enter_recvmsg" and args.rstrip().endswith("flags: 0x00000000")):
            i += 1
            continue
        t_recv, steps = t, {}
        for tid2, t2, name2, args2 in ev[i + 1:]:
            if "open" not in steps:
                if tid2 != main_tid and name2 == "sys_exit_openat":
                    steps["open"] = t2
            elif "done" not in steps:
                if tid2 != main_tid and name2 == "sys_enter_write" and "count: 0x00000008" in args2:
                    steps["done"] = t2
            elif "wake" not in steps:
                if tid2 == main_tid and name2 == "sys_exit_epoll_wait":
                    steps["wake"] = t2
            elif tid2 == main_tid and name2 == "sys_enter_sendmsg":
                steps.setdefault("first", t2)
                steps["last"] = t2
            elif tid2 == main_tid and name2 == "sys_enter_epoll_wait" and "first" in steps:
                break
            elif tid2 == main_tid and name2 == "sys_enter_recvmsg" and "flags: 0x00000000" in args2:
                break  # the next change began: this one is incomplete
        if "last" in steps:
            out.append({"uevent → worker opens the node": steps["open"] - t_recv,
                        "open → probe done (the commands, close, eventfd)": steps["done"] - steps["open"],
                        "eventfd → main thread awake": steps["wake"] - steps["done"],
                        "awake → first PropertiesChanged sent": steps["first"] - steps["wake"],
                        "first → last PropertiesChanged sent": steps["last"] - steps["first"],
                        "uevent → last PropertiesChanged sent": steps["last"] - t_recv})
        i += 1
    return out


def table(changes, n_cmds):
    if not changes:
        print("### 2c. Inside the daemon: no complete media change in the trace\n")
        return
    rows = []
    for key in changes[0]:
        v = [c[key] for c in changes]
        rows.append([key, f"{b.median(v):.0f} / {b.percentile(v, 99):.0f}"])
    b.table("2c. Inside the daemon, per media change (µs, p50 / p99; perf syscall tracepoints)",
            ["interval", "p50 / p99"], rows,
            [f"{len(changes)} media changes (median {n_cmds} commands each). Everything but \"open → probe "
             "done\" is the daemon's own time on the critical path; that interval is the emulator's round "
             "trips as the daemon sees them."])
