#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""multisessionctl monitor: after a medium change through fake-drive's FIFO it prints one line per changed
property with the new disc's expected values, a line per drive plugged in or out, and it leaves with
status 0 on SIGINT; --json prints one valid JSON object per line. Prints TAP."""

import json
import queue
import signal
import threading
import time

import clitest
from clitest import DRIVE, RW, SEQ


class Lines:
    """Collects a pipe's lines on a thread, so a test can wait for one with a deadline."""

    def __init__(self, pipe):
        self.q = queue.Queue()
        self.seen = []
        threading.Thread(target=self._read, args=(pipe,), daemon=True).start()

    def _read(self, pipe):
        for line in pipe:
            self.q.put(line.rstrip("\n"))
        self.q.put(None)

    def wait(self, pred, timeout=clitest.TIMEOUT):
        """The first line so far or to come that satisfies pred, or None at the deadline or EOF."""
        for line in self.seen:
            if pred(line):
                return line
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            try:
                line = self.q.get(timeout=left)
            except queue.Empty:
                return None
            if line is None:
                return None
            self.seen.append(line)
            if pred(line):
                return line


def start_monitor(svc, *args):
    p = svc.popen_ctl(*args, "monitor")
    out, err = Lines(p.stdout), Lines(p.stderr)
    # The line on stderr comes once the matches are installed: from then on nothing is missed.
    ready = err.wait(lambda line: line.startswith("Monitoring"))
    return p, out, err, ready


def stop_monitor(p):
    p.send_signal(signal.SIGINT)
    try:
        return p.wait(timeout=clitest.TIMEOUT)
    except Exception:  # noqa: BLE001
        p.kill()
        p.wait()
        return None


def main(tap):
    plusr = clitest.read_disc("dvdplusr-appendable-1session")["expect"]
    plusrw = clitest.read_disc("dvdplusrw-iso")["expect"]
    with clitest.Service(["cdr-appendable-1session", "none"]) as svc:
        p, out, err, ready = start_monitor(svc)
        tap.ok(ready is not None, "monitor says on stderr that it is monitoring", "\n".join(err.seen))

        svc.insert("sr1", "dvdplusr-appendable-1session")
        for prop, key in (("NextWritableAddress", "seq.NextWritableAddress"),
                          ("StartAddressOfPreviousSession", "seq.StartAddressOfPreviousSession"),
                          ("MediaType", "drive.MediaType"), ("MediaPresent", "drive.MediaPresent")):
            want = f"sr1: {prop}={plusr[key]}"
            tap.ok(out.wait(lambda line, w=want: line == w) is not None, f"insert → '{want}'",
                   "\n".join(out.seen))
        tap.ok(out.wait(lambda line: line == "sr1: ProbeState=idle") is not None, "insert → 'sr1: ProbeState=idle'",
               "\n".join(out.seen))
        tap.ok(not any(line.startswith("sr0:") for line in out.seen), "no line about the drive that did not change",
               "\n".join(out.seen))

        # RandomWrite repeats names of the other interfaces: its lines carry the interface.
        svc.insert("sr1", "dvdplusrw-iso")
        want = f"sr1: RandomWrite.InUse={plusrw['rw.InUse']}"
        tap.ok(out.wait(lambda line: line == want) is not None, f"insert DVD+RW → '{want}'", "\n".join(out.seen))

        svc.control(f"add sr2 {clitest.disc_path('cdr-blank')}")
        tap.ok(out.wait(lambda line: line == "sr2: drive added (/dev/sr2)") is not None,
               "hot-plug → 'sr2: drive added (/dev/sr2)'", "\n".join(out.seen))
        svc.wait_settled(want=["sr0", "sr1", "sr2"])
        svc.control("remove sr2")
        tap.ok(out.wait(lambda line: line == "sr2: drive removed") is not None, "unplug → 'sr2: drive removed'",
               "\n".join(out.seen))

        code = stop_monitor(p)
        tap.ok(code == 0, "SIGINT ends monitor with status 0", f"exit {code}\n" + "\n".join(err.seen))

        # --json: one object per line.
        p, out, err, ready = start_monitor(svc, "--json")
        tap.ok(ready is not None, "monitor --json is ready", "\n".join(err.seen))
        svc.insert("sr1", "dvdplusr-appendable-1session")
        want = {"Drive": "sr1", "Interface": SEQ, "Property": "NextWritableAddress",
                "Value": int(plusr["seq.NextWritableAddress"])}

        def is_want(line):
            try:
                return json.loads(line) == want
            except ValueError:
                return False

        tap.ok(out.wait(is_want) is not None, f"monitor --json prints {want}", "\n".join(out.seen))
        out.wait(lambda line: '"ProbeState","Value":"idle"' in line)
        # The daemon stops: monitor says so and keeps waiting for it to come back.
        svc.fake.terminate()
        svc.fake.wait(timeout=clitest.TIMEOUT)
        gone = out.wait(lambda line: line == '{"Event":"ServiceStopped"}')
        tap.ok(gone is not None, "monitor --json: the daemon leaving the bus is an event", "\n".join(out.seen))
        code = stop_monitor(p)
        bad = []
        for line in out.seen:
            try:
                obj = json.loads(line)
                if obj != {"Event": "ServiceStopped"} and (obj.get("Interface") not in (SEQ, DRIVE, RW) or
                                                           obj.get("Drive") != "sr1"):
                    bad.append(line)
            except ValueError:
                bad.append(line)
        tap.ok(code == 0 and out.seen and not bad, "monitor --json: every line a JSON object about sr1",
               f"exit {code}\n" + "\n".join(bad or out.seen))

        # The bus itself goes away: monitor does not hang, it fails.
        p, out, err, ready = start_monitor(svc)
        svc.bus.terminate()
        try:
            code = p.wait(timeout=clitest.TIMEOUT)
        except Exception:  # noqa: BLE001
            p.kill()
            code = p.wait()
        tap.ok(ready is not None and code == 1 and err.wait(lambda line: "Disconnected" in line) is not None,
               "monitor exits 1 when the bus goes away", f"exit {code}\n" + "\n".join(err.seen))


if __name__ == "__main__":
    clitest.run(main)
