#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The README's examples work: its multisessionctl, busctl and gdbus command lines and its Python programs
(GLib and dbus-python, run with the system's python3) against the daemon on emulated drives, reached as
the system bus through DBUS_SYSTEM_BUS_ADDRESS; and its sample `multisessionctl tracks` output is what
the tool prints for that disc. Prints TAP."""

import os
import re
import shlex
import subprocess

import clitest

README = os.path.join(clitest.SOURCE, "README.md")
# The disc whose numbers the README shows (msinfo 33300,43200 and the four-track table).
DISC = "cdr-appendable-3sessions"
# Distribution modules (python3-gi, python3-dbus) live in the system's interpreter, not in a virtualenv's.
SYSTEM_PYTHON = "/usr/bin/python3"


def sections():
    """{heading: [(language, code)]} of the README's fenced blocks."""
    out, heading, block, lang = {}, None, None, None
    with open(README) as f:
        for line in f:
            if block is None and line.startswith("## "):
                heading = line[3:].strip()
            elif block is None and line.startswith("```"):
                block, lang = [], line[3:].strip()
            elif block is not None and line.startswith("```"):
                out.setdefault(heading, []).append((lang, "".join(block)))
                block = None
            elif block is not None:
                block.append(line)
    return out


def commands(code):
    """Shell lines of a block, continuations joined, comments dropped."""
    text = code.replace("\\\n", " ")
    for line in text.splitlines():
        line = " ".join(line.split(" #", 1)[0].split())
        if line and not line.startswith("#"):
            yield line


def main(tap):
    blocks = sections()
    ctl_dir = os.path.dirname(os.path.abspath(clitest.CTL))
    with clitest.Service([DISC]) as svc:
        env = dict(clitest.BASE_ENV, DBUS_SYSTEM_BUS_ADDRESS=svc.address)
        env["PATH"] = ctl_dir + ":" + env.get("PATH", "/usr/bin:/bin")

        # The command list of "multisessionctl" (monitor runs until Ctrl+C: the monitor test covers it).
        first = next(code for lang, code in blocks["multisessionctl"] if lang == "sh")
        for line in commands(first):
            if " monitor" in line:
                continue
            p = subprocess.run(shlex.split(line), capture_output=True, text=True, env=env, timeout=clitest.TIMEOUT)
            ok = p.returncode == 0 or ("sr1" in line and p.returncode == 6)  # the README's sr1 is an example
            tap.ok(ok, f"README: {line}", p.stdout[-500:] + p.stderr[-500:])
            if line.startswith("multisessionctl msinfo"):
                tap.ok(p.stdout == "33300,43200\n", "README: msinfo prints the pair the README shows", p.stdout)

        sample = next(code for lang, code in blocks["multisessionctl"] if lang == "")
        want = sample.split("\n", 1)[1]
        r = svc.ctl("tracks")
        tap.ok(sample.startswith("$ multisessionctl tracks\n") and r.out == want,
               "README: the sample tracks table is what multisessionctl prints", f"{r.out}\n---\n{want}")

        for lang, code in blocks["From other programs"]:
            if lang == "sh":
                for line in commands(code):
                    p = subprocess.run(shlex.split(line), capture_output=True, text=True, env=env,
                                       timeout=clitest.TIMEOUT)
                    tap.ok(p.returncode == 0 and p.stdout.strip(), f"README: {line[:70]}",
                           p.stdout[-500:] + p.stderr[-500:])
            elif lang == "python":
                module = "gi" if "gi.repository" in code else "dbus"
                p = subprocess.run([SYSTEM_PYTHON, "-c", f"import {module}"], capture_output=True)
                if p.returncode != 0:
                    tap.skip(f"README: Python example with {module}", f"{SYSTEM_PYTHON} has no {module} module")
                    continue
                p = subprocess.run([SYSTEM_PYTHON, "-c", code], capture_output=True, text=True, env=env,
                                   timeout=clitest.TIMEOUT)
                tap.ok(p.returncode == 0 and re.search(r"\b33300,43200\b", p.stdout),
                       f"README: Python example with {module} prints the msinfo", p.stdout + p.stderr)


if __name__ == "__main__":
    clitest.run(main)
