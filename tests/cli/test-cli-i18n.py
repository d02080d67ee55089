#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Translations: multisessionctl (and multisessiond --help) speak German and French with LANG=C.UTF-8 and
LANGUAGE=de/fr, from the catalogs built into build/po (MULTISESSIONCTL_LOCALEDIR); numbers, JSON and
msinfo's line stay as they are; translated table headings still line up; po/de.po and po/fr.po
translate every message the sources mark today, and the polkit action carries both. Prints TAP."""

import os
import subprocess
import tempfile
import unicodedata

import clitest

LOCALEDIR = os.path.join(clitest.BUILD, "po")
PO = os.path.join(clitest.SOURCE, "po")


def env_for(lang):
    env = dict(clitest.BASE_ENV)
    # glibc ignores LANGUAGE in the C locale but not in C.UTF-8, which every glibc ≥ 2.35 has built in:
    # no locale needs to be generated on the test machine.
    env.update(LANG="C.UTF-8", LANGUAGE=lang, MULTISESSIONCTL_LOCALEDIR=LOCALEDIR,
               MULTISESSIOND_LOCALEDIR=LOCALEDIR)
    return env


def width(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def check_catalogs(tap):
    for lang in ("de", "fr"):
        po = os.path.join(PO, f"{lang}.po")
        p = subprocess.run(["msgfmt", "--check", "--statistics", "-o", "/dev/null", po], capture_output=True,
                           text=True)
        tap.ok(p.returncode == 0 and "untranslated" not in p.stderr and "fuzzy" not in p.stderr,
               f"po/{lang}.po: valid, no fuzzy or untranslated message", p.stderr)

    # Every message the sources mark now (POTFILES, the glib preset's keywords) has a translation.
    with tempfile.TemporaryDirectory() as tmp:
        pot = os.path.join(tmp, "now.pot")
        p = subprocess.run(["xgettext", "--from-code=UTF-8", "--keyword=_", "--keyword=N_", "--keyword=C_:1c,2",
                            "--keyword=NC_:1c,2", "-f", os.path.join(PO, "POTFILES"), "-D", clitest.SOURCE,
                            "-o", pot], capture_output=True, text=True)
        if not tap.ok(p.returncode == 0, "xgettext reads every file of po/POTFILES", p.stderr):
            return
        for lang in ("de", "fr"):
            p = subprocess.run(["msgcmp", os.path.join(PO, f"{lang}.po"), pot], capture_output=True, text=True)
            tap.ok(p.returncode == 0, f"po/{lang}.po translates every marked message of the sources",
                   p.stderr + "\n(ninja -C build multisessiond-update-po, then translate)")


def check_policy(tap):
    """The polkit action is merged with the catalogs (dbus/meson.build's i18n.merge_file)."""
    policy = os.path.join(clitest.BUILD, "dbus", "org.example.multisessionsequential.policy")
    if not os.path.exists(policy):
        tap.skip("polkit action translated", "the tree builds no polkit action")
        return
    with open(policy) as f:
        text = f.read()
    tap.ok('<message xml:lang="de">' in text and '<message xml:lang="fr">' in text,
           "the polkit action's message in German and French", text)


def main(tap):
    check_catalogs(tap)
    check_policy(tap)
    de, fr = env_for("de"), env_for("fr")

    r = clitest.ctl("--help", env=de)
    tap.ok(r.code == 0 and "Befehle:" in r.out and "LAUFWERK" in r.out, "LANGUAGE=de: --help in German", r)
    r = clitest.ctl("bogus", env=fr)
    tap.ok(r.code == 64 and "Commande inconnue « bogus »." in r.err, "LANGUAGE=fr: a usage error in French", r)
    p = subprocess.run([clitest.DAEMON, "--help"], capture_output=True, text=True, env=de)
    tap.ok(p.returncode == 0 and "Diese Hilfe zeigen" in p.stdout, "LANGUAGE=de: multisessiond --help in German",
           p.stdout + p.stderr)

    with clitest.Service(["cdr-appendable-3sessions", "cdr-blank"]) as svc:
        r = svc.ctl("status", "sr0", env=de)
        tap.ok(r.code == 0 and "Medium: optical_cd_r, erweiterbar" in r.out and
               "(618.5 MiB)" in r.out and "-1 (keine)" in r.out,
               "LANGUAGE=de: status in German, numbers untouched", r)
        r = svc.ctl("status", "sr0", env=fr)
        tap.ok(r.code == 0 and "Support : optical_cd_r, ajout possible" in r.out and "(618.5 Mio)" in r.out,
               "LANGUAGE=fr: status in French, sizes in Mio", r)

        r = svc.ctl("msinfo", "sr1", env=de)
        tap.ok(r.code == 3 and r.out == "" and "Die Disc ist leer" in r.err,
               "LANGUAGE=de: msinfo on a blank disc says why in German, exit 3", r)
        r = svc.ctl("msinfo", "sr0", env=de)
        tap.ok(r.code == 0 and r.out == "33300,43200\n", "LANGUAGE=de: msinfo's line is the same", r)

        r = svc.ctl("list", env=de)
        lines = r.out.splitlines()
        tap.ok(r.code == 0 and lines[0].startswith("LAUFWERK") and lines[-1] == "2 Laufwerke aufgelistet.",
               "LANGUAGE=de: list headings and the plural footer", r)
        r = svc.ctl("status", env=fr)
        tap.ok(r.code == 6 and "Il y a plusieurs lecteurs" in r.err, "LANGUAGE=fr: several drives, in French", r)

        # Right-aligned columns end at the same screen column in every row, "GRÖSSE" included.
        r = svc.ctl("tracks", "sr0", env=de)
        lines = r.out.splitlines()
        head = lines[0] if lines else ""
        end = head.find("GRÖSSE") + len("GRÖSSE") if "GRÖSSE" in head else -1
        aligned = end > 0 and all(width(line[:end]) == width(head[:end]) and line[end - 1].isdigit()
                                  for line in lines[1:])
        tap.ok(r.code == 0 and "SITZUNG" in head and aligned and "vollständig" in r.out and "Daten" in r.out,
               "LANGUAGE=de: tracks headings translated and aligned", r)

        en = svc.ctl("--json", "status", "sr0")
        loc = svc.ctl("--json", "status", "sr0", env=de)
        same = en.code == 0 and loc.code == 0 and {k: v for k, v in en.json().items()} == loc.json()
        tap.ok(same, "LANGUAGE=de: --json is never translated", f"{en}\n{loc}")


if __name__ == "__main__":
    clitest.run(main)
