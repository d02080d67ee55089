# SPDX-License-Identifier: LGPL-2.1-or-later
"""Running the peers and the daemon against one emulated drive, and reading what they print.

Every program runs in a fake-drive of its own (`fake-drive --disc X -- PROGRAM`), so each one meets
the drive fresh from power-on, with the disc's per-insert quirks still armed: no peer eats a UNIT
ATTENTION meant for another. The device is always named (`dev=/dev/sr0`): a bus scan would overflow
umockdev 0.17's fd map (umockdev-harness.md §4)."""

import concurrent.futures
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile

CDROM_ID = "/usr/lib/udev/cdrom_id"
TIMEOUT = 120  # generous: CI machines are slow; nothing here asserts time

SEQ = "org.example.MultisessionSequential"
DRIVE = "org.example.MultisessionSequential.Drive"
RW = "org.example.MultisessionRandomWrite"
ERROR_PREFIX = "org.example.MultisessionSequential.Error."


class Env:
    """Where the binaries are."""

    def __init__(self, build_root, source_root):
        self.fake_drive = os.path.join(build_root, "tests", "fake-drive")
        self.daemon = os.path.join(build_root, "daemon", "multisessiond")
        self.dbus_read = os.path.join(source_root, "tests", "conformance", "dbus-read")
        self.tools = {
            "cdrom_id": CDROM_ID if os.access(CDROM_ID, os.X_OK) else None,
            "cdrskin": shutil.which("cdrskin"),
            "xorriso": shutil.which("xorriso"),
            "dbus": shutil.which("dbus-daemon") if shutil.which("busctl") and shutil.which("gdbus") else None,
        }


def run_under(env, disc, argv):
    """(exit status, stdout, stderr) of argv run by fake-drive on disc. A run that hangs is killed with
    everything it started (its own process group) and reported as exit 124; one that cannot start, as
    126."""
    try:
        p = subprocess.Popen([env.fake_drive, "--disc", disc.path, "--"] + argv, stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace",
                             start_new_session=True)
    except OSError as e:  # a check of its own, not the end of the run
        return 126, "", f"cannot run fake-drive: {e}"
    try:
        out, err = p.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, err = p.communicate()
        return 124, out, f"timed out after {TIMEOUT} s: {' '.join(argv)}\n{err}"
    return p.returncode, out, err


def failure_message(text):
    """The first FATAL line of libburn's or cdrskin's diagnostics, else the first FAILURE or SORRY line."""
    lines = [line.strip() for line in text.splitlines() if re.search(r"\b(FATAL|FAILURE|SORRY)\b", line)]
    fatal = [line for line in lines if "FATAL" in line]
    return (fatal or lines or [""])[0]


# ---- systemd's cdrom_id ----

def cdrom_id(env, disc):
    rc, out, err = run_under(env, disc, [env.tools["cdrom_id"], "/dev/sr0"])
    props = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
    return {"rc": rc, "props": props, "stderr": err.strip()}


# ---- cdrskin -msinfo (libburn) ----

def msinfo(env, disc):
    rc, out, err = run_under(env, disc, [env.tools["cdrskin"], "dev=/dev/sr0", "-msinfo"])
    m = re.search(r"^(-?\d+),(-?\d+)$", out, re.M)
    return {"rc": rc, "start": int(m.group(1)) if m else None, "next": int(m.group(2)) if m else None,
            "message": failure_message(err), "guessed": "Guessing next writeable address" in err}


# ---- xorriso -toc (libburn through libisoburn) ----

TOC_LINE = re.compile(r"^(ISO session|Other session|Incmp session|ISO track|Other track)\s*:\s*(\d+)\s*,"
                      r"\s*(-?\d+)\s*,\s*(\d+)s")
SCALE = "bkmgtp"


def parse_size(text):
    """xorriso's Sfile_scale() text ("661m", "22.6g", "0") → (bytes, half a unit of the last digit)."""
    m = re.fullmatch(r"\s*([\d.]+)([bkmgtp]?)\s*", text)
    if not m:
        return None
    unit = 1024 ** SCALE.index(m.group(2) or "b")
    decimals = len(m.group(1).split(".")[1]) if "." in m.group(1) else 0
    return float(m.group(1)) * unit, 0.5 * unit / 10 ** decimals


def toc(env, disc):
    rc, out, err = run_under(env, disc, [env.tools["xorriso"], "-outdev", "/dev/sr0", "-toc"])
    r = {"rc": rc, "message": failure_message(out + err), "entries": []}
    # -outdev prints a short status first; -toc repeats it in full: the last value of a key wins.
    for line in out.splitlines():
        key, _, value = line.partition(":")
        key, value = key.strip(), value.strip()
        if key == "Media status":
            r["status"] = value
        elif key == "Media current":
            r["media"] = value
        elif key == "Media blocks":
            m = re.match(r"(\d+) readable , (\d+) (writable|unused) , (\d+) overall", value)
            if m:
                r["readable"], r["writable"], r["overall"] = int(m.group(1)), int(m.group(2)), int(m.group(4))
        elif key == "Media summary":
            r["summary"] = value
            m = re.match(r"(\d+) sessions?, (\d+) data blocks, (.+) data, (.+) free", value)
            if m:
                r["n_sessions"], r["data_blocks"] = int(m.group(1)), int(m.group(2))
                r["free_text"] = m.group(4).strip()
        elif key == "Media nwa":
            r["nwa"] = int(value.rstrip("s"))
        m = TOC_LINE.match(line)
        if m:  # (kind, index, start, size) of each session and track, in disc order
            r["entries"].append((m.group(1), int(m.group(2)), int(m.group(3)), int(m.group(4))))
    return r


# ---- the daemon: one-shot JSON and the service on a private bus ----

def flatten(parsed):
    """The JSON of --probe, with the interfaces flattened into one dict per interface."""
    return {iface: parsed.get(iface, {}) for iface in (SEQ, DRIVE, RW)}


def error_name(text):
    m = re.search(re.escape(ERROR_PREFIX) + r"(\w+)", text)
    return m.group(1) if m else None


def ours_json(env, disc):
    rc, out, err = run_under(env, disc, [env.daemon, "--probe", "/dev/sr0", "--json"])
    if rc != 0:
        return {"error": error_name(err) or f"exit {rc}: {err.strip()}"}
    try:
        return flatten(json.loads(out))
    except json.JSONDecodeError as e:
        return {"error": f"not JSON: {e}"}


def ours_dbus(env, disc):
    """The service on a private bus of its own under fake-drive: Refresh, then every property and
    GetMultisessionInfo() as the dbus-read helper prints them."""
    bus = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--print-address=1",
                            f"--address=unix:tmpdir={tempfile.gettempdir()}"],
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                           text=True)
    try:
        address = bus.stdout.readline().strip()
        if not address:
            return {"error": "dbus-daemon printed no address"}
        rc, out, err = run_under(env, disc, ["/usr/bin/python3", env.dbus_read, address, env.daemon])
        if rc != 0:
            return {"error": f"dbus-read exit {rc}: {err.strip()}"}
        try:
            r = json.loads(out)
        except json.JSONDecodeError as e:
            return {"error": f"dbus-read printed no JSON: {e}"}
        d = flatten(r)
        d["msinfo"] = r.get("msinfo")
        return d
    finally:
        bus.terminate()
        bus.wait()


def observe(env, disc):
    """Everything every party says about one disc. The two libburn programs spend most of their time in
    libburn's own waits (half a second after each START STOP UNIT), not on the CPU: they run next to the
    others, each in a fake-drive of its own."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        msinfo_f = pool.submit(msinfo, env, disc) if env.tools["cdrskin"] else None
        toc_f = pool.submit(toc, env, disc) if env.tools["xorriso"] else None
        obs = {"json": ours_json(env, disc)}
        obs["dbus"] = ours_dbus(env, disc) if env.tools["dbus"] else None
        obs["cdrom_id"] = cdrom_id(env, disc) if env.tools["cdrom_id"] else None
        obs["msinfo"] = msinfo_f.result() if msinfo_f else None
        obs["toc"] = toc_f.result() if toc_f else None
    return obs
