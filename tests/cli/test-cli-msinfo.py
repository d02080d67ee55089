#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""`multisessionctl msinfo` for every disc of the library that has an expect.msinfo line: on stdout exactly
"START,NEXT\n" (cdrecord -msinfo's format) and exit 0, or nothing on stdout, the drive's name and a reason
on stderr and the exit code multisessionctl(1) documents for the expected error. Discs run in batches, one
emulated drive each, so that a daemon start is shared. Prints TAP."""

import clitest

BATCH = 10

# Profiles in RandomWrite use (tests/discs/FORMAT.md, "Interfaces").
RW_PROFILES = {0x12, 0x13, 0x1A, 0x2A, 0x43}


def reason_word(disc):
    """The word the reason for InvalidMediaState must contain, from the disc's own lines (FORMAT.md's
    blank_like / closed / damaged / incomplete rules), checked in the order the states dominate."""
    keys, tracks = disc["keys"], disc["tracks"]
    profile = int(keys.get("profile", "0"), 0)
    features = keys.get("features", "0x0010").split()
    ds, sls = keys.get("disc_status"), keys.get("last_session")
    nses = max((int(t["session"]) for t in tracks), default=1)
    if profile in RW_PROFILES or (profile == 0x41 and "0x0038" in features):
        return "ISO 9660"
    blank_like = ds == "blank" or (profile == 0x41 and ds == "appendable" and sls == "empty" and nses == 1)
    if blank_like:
        return "blank"
    if ds == "complete":
        return "closed"
    last = [t for t in tracks if int(t["session"]) == nses]
    if sls == "damaged" or any(t.get("state") == "damaged" or t.get("damage") == "1" for t in last):
        return "damaged"
    if sls == "incomplete":
        return "open"
    return "incremental"


def check(tap, svc, node, name, disc):
    want = disc["expect"]["msinfo"]
    r = svc.ctl("msinfo", node)
    if "," in want:
        tap.ok(r.code == 0 and r.out == want + "\n" and r.err == "", f"{name}: msinfo prints {want}",
               f"expected exit 0 and stdout {want!r}\n{r}")
        return
    code = clitest.EXIT_FOR_ERROR[want]
    ok = r.code == code and r.out == "" and r.err.startswith(f"multisessionctl: {node}: ")
    why = f"expected exit {code}, empty stdout, '{node}' on stderr\n{r}"
    if ok and want == "InvalidMediaState":
        word = reason_word(disc)
        ok = word in r.err
        why = f"the reason should say '{word}'\n{r}"
    tap.ok(ok, f"{name}: msinfo fails with {want} (exit {code})", why)


def main(tap):
    discs = [(n, clitest.read_disc(n)) for n in clitest.all_discs()]
    discs = [(n, d) for n, d in discs if "msinfo" in d["expect"]]
    for i in range(0, len(discs), BATCH):
        batch = discs[i:i + BATCH]
        with clitest.Service([n for n, _ in batch]) as svc:
            for k, (name, disc) in enumerate(batch):
                check(tap, svc, f"sr{k}", name, disc)
            # --json carries the same two numbers.
            for k, (name, disc) in enumerate(batch):
                want = disc["expect"]["msinfo"]
                if "," not in want:
                    continue
                start, nxt = (int(x) for x in want.split(","))
                r = svc.ctl("--json", "msinfo", f"sr{k}")
                tap.ok(r.code == 0 and r.json() == {"Start": start, "Next": nxt}, f"{name}: msinfo --json",
                       str(r))
                break


if __name__ == "__main__":
    clitest.run(main)
