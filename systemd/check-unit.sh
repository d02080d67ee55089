#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Checks of the built unit file, run by meson test (suite integration-files):
#   check-unit.sh verify   UNIT [EXECUTABLE]   systemd-analyze verify finds nothing to say
#   check-unit.sh security UNIT MAX            systemd-analyze security exposure ≤ MAX (e.g. 2.0)
# Exit 77 (skip) when systemd-analyze is missing or too old for offline checks.

set -eu

mode=${1:?mode}
unit=${2:?unit}

if ! command -v systemd-analyze >/dev/null 2>&1; then
        echo "systemd-analyze not found, skipping"
        exit 77
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

case "$mode" in
verify)
        # verify insists that ExecStart= names an existing executable, and the unit names the installed
        # path. Check a copy under the same name whose ExecStart= is the built daemon (or /bin/true before
        # the daemon builds); nothing else changes.
        exe=${3:-/bin/true}
        case "$exe" in
        /*) ;;
        *) exe="$PWD/$exe" ;; # meson passes build targets relative to the build directory
        esac
        name=$(basename "$unit")
        sed "s|^ExecStart=[^ ]*|ExecStart=$exe|" "$unit" >"$tmp/$name"
        # --man=no: the man pages are not installed in a build tree. verify exits 0 on "Unknown key" and
        # "Failed to parse" warnings, so any output at all is a failure.
        out=$(systemd-analyze verify --man=no "$tmp/$name" 2>&1) || {
                printf '%s\n' "$out"
                echo "FAIL: systemd-analyze verify failed"
                exit 1
        }
        if [ -n "$out" ]; then
                printf '%s\n' "$out"
                echo "FAIL: systemd-analyze verify complained"
                exit 1
        fi
        echo "PASS: systemd-analyze verify $name (ExecStart=$exe)"
        ;;
security)
        max=${3:?max}
        if ! systemd-analyze security --help 2>&1 | grep -q -- '--offline'; then
                echo "systemd-analyze has no --offline (systemd < 250), skipping"
                exit 77
        fi
        out=$(systemd-analyze security --offline=yes --no-pager "$unit" 2>&1) || {
                printf '%s\n' "$out"
                echo "FAIL: systemd-analyze security failed"
                exit 1
        }
        # "→ Overall exposure level for multisessiond.service: 1.4 OK 🙂"
        score=$(printf '%s\n' "$out" | sed -n 's/.*Overall exposure level for [^:]*: \([0-9][0-9.]*\).*/\1/p')
        if [ -z "$score" ]; then
                printf '%s\n' "$out"
                echo "FAIL: no exposure level in the output"
                exit 1
        fi
        printf '%s\n' "$out" | grep -E '^(✗|- )' || true   # the settings that cost points
        if awk -v s="$score" -v m="$max" 'BEGIN { exit !(s + 0 <= m + 0) }'; then
                echo "PASS: exposure $score ≤ $max"
        else
                echo "FAIL: exposure $score > $max"
                exit 1
        fi
        ;;
*)
        echo "unknown mode $mode" >&2
        exit 2
        ;;
esac
