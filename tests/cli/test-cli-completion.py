#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The bash completion of multisessionctl (shell-completion/bash/multisessionctl), run in bash as readline
would: commands, options, and the drive names of the bus the command line names (--address=…), which come
from the built multisessionctl talking to the daemon on emulated drives. Prints TAP."""

import os
import subprocess

import clitest

COMPLETION = os.path.join(clitest.SOURCE, "shell-completion", "bash", "multisessionctl")


def complete(line, env=None):
    """COMPREPLY for the command line LINE with the cursor at its end, one word per list item."""
    script = f"""
        source {COMPLETION!r}
        COMP_LINE={line!r}
        COMP_POINT=${{#COMP_LINE}}
        read -ra COMP_WORDS <<<"$COMP_LINE"
        [[ $COMP_LINE == *' ' ]] && COMP_WORDS+=("")
        COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1))
        _multisessionctl multisessionctl "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD - 1]}}"
        printf '%s\\n' "${{COMPREPLY[@]}}"
    """
    e = dict(env or clitest.BASE_ENV)
    e["PATH"] = os.path.dirname(os.path.abspath(clitest.CTL)) + ":" + e.get("PATH", "/usr/bin:/bin")
    p = subprocess.run(["bash", "--norc", "--noprofile", "-c", script], capture_output=True, text=True, env=e,
                       timeout=clitest.TIMEOUT)
    return sorted(w for w in p.stdout.splitlines() if w), p.stderr


def main(tap):
    got, err = complete("multisessionctl ")
    want = sorted(["list", "status", "msinfo", "tracks", "refresh", "monitor", "inhibit"])
    tap.ok(got == want, "the commands", f"{got}\n{err}")
    got, err = complete("multisessionctl st")
    tap.ok(got == ["status"], "a command's prefix", f"{got}\n{err}")
    got, err = complete("multisessionctl --js")
    tap.ok(got == ["--json"], "an option's prefix", f"{got}\n{err}")
    got, err = complete("multisessionctl --")
    tap.ok({"--json", "--no-legend", "--system", "--session", "--address=", "--help", "--version"} <= set(got),
           "every long option", f"{got}\n{err}")

    with clitest.Service(["cdr-appendable-1session", "none"]) as svc:
        addr = f"--address={svc.address}"
        got, err = complete(f"multisessionctl {addr} status ")
        tap.ok(got == ["sr0", "sr1"], "status: the drives of the bus on the command line", f"{got}\n{err}")
        got, err = complete(f"multisessionctl {addr} msinfo /dev/sr")
        tap.ok(got == ["/dev/sr0", "/dev/sr1"], "msinfo: device nodes after a slash", f"{got}\n{err}")
        got, err = complete(f"multisessionctl {addr} --json tracks sr1 ")
        tap.ok(got == [], "nothing after the drive", f"{got}\n{err}")
        got, err = complete(f"multisessionctl {addr} list ")
        tap.ok(got == [], "list takes no drive", f"{got}\n{err}")
        env = dict(clitest.BASE_ENV, DBUS_SYSTEM_BUS_ADDRESS=svc.address)
        got, err = complete("multisessionctl refresh s", env=env)
        tap.ok(got == ["sr0", "sr1"], "the system bus by default (DBUS_SYSTEM_BUS_ADDRESS)", f"{got}\n{err}")


if __name__ == "__main__":
    clitest.run(main)
