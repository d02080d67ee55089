#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""`meson install --destdir` puts every file where a distribution expects it, and nothing else: the
expected list is built from the configured prefix and directory options and from what pkg-config's
systemd, udev and bash-completion files say (as a distribution's packaging does), not from meson's own
install plan. Prints TAP."""

import json
import os
import shutil
import subprocess
import tempfile

import clitest

MO_MAGIC = (0x950412DE).to_bytes(4, "little")


def options():
    p = subprocess.run(["meson", "introspect", clitest.BUILD, "--buildoptions"], capture_output=True, text=True,
                       check=True)
    return {o["name"]: o["value"] for o in json.loads(p.stdout)}


def pkg_var(package, variable, defines):
    args = ["pkg-config", f"--variable={variable}"] + [f"--define-variable={k}={v}" for k, v in defines.items()]
    try:
        p = subprocess.run(args + [package], capture_output=True, text=True)
    except FileNotFoundError:
        return ""
    return p.stdout.strip() if p.returncode == 0 else ""


def expected(o):
    prefix = o["prefix"]

    def under(d):
        return d if os.path.isabs(d) else os.path.join(prefix, d)

    datadir = under(o["datadir"])
    unitdir = o.get("systemdsystemunitdir") or pkg_var("systemd", "systemdsystemunitdir", {"prefix": prefix}) \
        or os.path.join(prefix, "lib", "systemd", "system")
    udevdir = o.get("udevrulesdir") or os.path.join(pkg_var("udev", "udevdir", {"prefix": prefix}) or
                                                    os.path.join(prefix, "lib", "udev"), "rules.d")
    completions = pkg_var("bash-completion", "completionsdir", {"datadir": datadir}) or \
        os.path.join(datadir, "bash-completion", "completions")
    dbus = os.path.join(datadir, "dbus-1")

    files = {
        os.path.join(under(o["bindir"]), "multisessionctl"): "executable",
        os.path.join(under(o["libexecdir"]), "multisessiond"): "executable",
        os.path.join(unitdir, "multisessiond.service"): "unit",
        os.path.join(udevdir, "70-multisessiond.rules"): "file",
        os.path.join(o.get("dbuspolicydir") or os.path.join(dbus, "system.d"),
                     "org.example.MultisessionSequential.conf"): "file",
        os.path.join(o.get("dbussystemservicedir") or os.path.join(dbus, "system-services"),
                     "org.example.MultisessionSequential.service"): "file",
        os.path.join(o.get("dbusinterfacesdir") or os.path.join(dbus, "interfaces"),
                     "org.example.MultisessionSequential.xml"): "file",
        os.path.join(completions, "multisessionctl"): "file",
    }
    # The polkit action of Inhibit(), when the tree has one.
    if os.path.exists(os.path.join(clitest.SOURCE, "dbus", "org.example.multisessionsequential.policy.in")):
        files[os.path.join(datadir, "polkit-1", "actions", "org.example.multisessionsequential.policy")] = "file"
    if o.get("man") != "disabled" and shutil.which("scdoc"):
        for name, section in (("multisessiond", 8), ("multisessionctl", 1),
                              ("org.example.MultisessionSequential", 5)):
            files[os.path.join(under(o["mandir"]), f"man{section}", f"{name}.{section}")] = "man"
    with open(os.path.join(clitest.SOURCE, "po", "LINGUAS")) as f:
        for lang in f.read().split():
            files[os.path.join(under(o["localedir"]), lang, "LC_MESSAGES", "multisessiond.mo")] = "mo"
    return files


def main(tap):
    o = options()
    want = expected(o)
    with tempfile.TemporaryDirectory(prefix="msd-install-") as dest:
        p = subprocess.run(["meson", "install", "-C", clitest.BUILD, "--no-rebuild", "--destdir", dest],
                           capture_output=True, text=True, timeout=300)
        if not tap.ok(p.returncode == 0, "meson install --destdir succeeds", p.stdout[-2000:] + p.stderr[-2000:]):
            return
        got = set()
        for root, _, names in os.walk(dest):
            for n in names:
                got.add("/" + os.path.relpath(os.path.join(root, n), dest))

        for path, kind in sorted(want.items()):
            full = dest + path
            ok = os.path.isfile(full)
            why = f"{path} is not installed"
            if ok and kind == "executable":
                ok, why = os.access(full, os.X_OK), f"{path} is not executable"
            elif ok and kind == "mo":
                with open(full, "rb") as f:
                    ok, why = f.read(4) == MO_MAGIC, f"{path} is not a gettext catalog"
            elif ok and kind == "man":
                with open(full) as f:
                    ok, why = ".TH " in f.read(), f"{path} is not a man page"
            elif ok and kind == "unit":
                daemon = os.path.join(o["prefix"], o["libexecdir"], "multisessiond")
                with open(full) as f:
                    ok = f"ExecStart={daemon}\n" in f.read()
                why = f"{path} does not start {daemon}"
            tap.ok(ok, f"installed: {path}", why)
        extra = sorted(got - set(want))
        tap.ok(not extra, "nothing else is installed", "\n".join(extra))


if __name__ == "__main__":
    clitest.run(main)
