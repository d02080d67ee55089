#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The one-shot probe on the real SG_IO path: `fake-drive --disc X -- multisessiond --probe /dev/sr0 --json`
for every disc of the library. Each printed value must equal the disc's hand-written expect line, the JSON
must have the shape of design.md §2.5, and a disc the probe cannot finish must exit non-zero with the
error's name on stderr. Prints TAP."""

import json
import os
import subprocess
import sys

BUILD = os.environ.get("MSD_BUILD_ROOT", "build")
DISCS = os.environ.get("MSD_DISCS", "tests/discs")
FAKE = os.path.join(BUILD, "tests", "fake-drive")
DAEMON = os.path.join(BUILD, "daemon", "multisessiond")
IFACES = {
    "seq": "org.example.MultisessionSequential",
    "drive": "org.example.MultisessionSequential.Drive",
    "rw": "org.example.MultisessionRandomWrite",
}
TRACK_KEYS = {"Session", "Track", "Start", "Size", "LastRecorded", "IsData", "State"}


def read_disc(path):
    expect, ident, tracks = {}, {}, []
    with open(path) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if "=" not in line:
                continue
            key, value = (s.strip() for s in line.split("=", 1))
            if key.startswith("expect."):
                expect[key[len("expect."):]] = value
            elif key in ("vendor", "product", "revision"):
                ident[key] = value
            elif key == "track":
                tracks.append(dict(w.split("=", 1) for w in value.split()))
    return expect, ident, tracks


def same(expected, got):
    if isinstance(got, bool):
        return expected == ("true" if got else "false")
    if isinstance(got, int):
        return int(expected, 0) == got
    return expected == got


def check(path):
    """Returns a list of problems (empty when the disc passes)."""
    name = os.path.basename(path)
    expect, ident, tracks = read_disc(path)
    p = subprocess.run([FAKE, "--disc", path, "--", DAEMON, "--probe", "/dev/sr0", "--json"],
                       capture_output=True, text=True, timeout=60)
    if "probe_error" in expect:
        want = "org.example.MultisessionSequential.Error." + expect["probe_error"]
        if p.returncode == 0:
            return [f"{name}: exit 0, expected a failure with {want}"]
        if want not in p.stderr or "/dev/sr0" not in p.stderr:
            return [f"{name}: stderr does not name the device and {want}: {p.stderr.strip()!r}"]
        return []
    if p.returncode != 0:
        return [f"{name}: exit {p.returncode}: {p.stderr.strip()}"]
    try:
        out = json.loads(p.stdout)
    except json.JSONDecodeError as e:
        return [f"{name}: not JSON: {e}"]

    problems = []
    if set(out) != set(IFACES.values()) | {"Tracks"}:
        problems.append(f"{name}: top-level keys {sorted(out)}")
        return problems
    for key, value in expect.items():
        if "." not in key:
            continue
        prefix, prop = key.split(".", 1)
        got = out[IFACES[prefix]].get(prop)
        if got is None:
            problems.append(f"{name}: {key} missing from the JSON")
        elif not same(value, got):
            problems.append(f"{name}: {key} = {got!r}, expected {value!r}")

    drive = out[IFACES["drive"]]
    for key, prop in (("vendor", "Vendor"), ("product", "Product"), ("revision", "Revision")):
        if key in ident and drive[prop] != ident[key]:
            problems.append(f"{name}: {prop} = {drive[prop]!r}, expected {ident[key]!r}")
    if drive["Device"] != "/dev/sr0":
        problems.append(f"{name}: Device = {drive['Device']!r}")
    path_ = "/org/example/MultisessionSequential/drive/sr0"
    for prefix in ("seq", "rw"):
        if out[IFACES[prefix]]["ImportRecorder"] != path_:
            problems.append(f"{name}: {prefix}.ImportRecorder = {out[IFACES[prefix]]['ImportRecorder']!r}")

    got_tracks = out["Tracks"]
    if any(set(t) != TRACK_KEYS for t in got_tracks):
        problems.append(f"{name}: a track lacks keys: {got_tracks[:1]}")
    elif drive["MediaPresent"] and "no_track_info" not in open(path).read():
        if len(got_tracks) != len(tracks):
            problems.append(f"{name}: {len(got_tracks)} tracks, expected {len(tracks)}")
        for i, (t, g) in enumerate(zip(tracks, got_tracks)):
            want = (int(t["session"]), i + 1, int(t["start"], 0), int(t["size"], 0),
                    int(t["lra"], 0) if "lra" in t else -1, t.get("mode", "data") == "data")
            have = (g["Session"], g["Track"], g["Start"], g["Size"], g["LastRecorded"], g["IsData"])
            if want != have:
                problems.append(f"{name}: track {i + 1} = {have}, expected {want}")
    return problems


def main():
    discs = sorted(os.path.join(DISCS, f) for f in os.listdir(DISCS) if f.endswith(".disc"))
    print(f"1..{len(discs) + 1}")
    failed = 0
    for i, path in enumerate(discs, 1):
        problems = check(path)
        status = "ok" if not problems else "not ok"
        failed += bool(problems)
        print(f"{status} {i} {os.path.basename(path)}")
        for line in problems:
            print(f"# {line}")
    # A node that is no drive at all: a clear error naming it, exit non-zero.
    p = subprocess.run([DAEMON, "--probe", "/nonexistent/sr9", "--json"], capture_output=True, text=True)
    ok = p.returncode != 0 and "/nonexistent/sr9" in p.stderr and "Error." in p.stderr
    print(f"{'ok' if ok else 'not ok'} {len(discs) + 1} missing device fails with a named error")
    failed += not ok
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
