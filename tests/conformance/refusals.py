# SPDX-License-Identifier: LGPL-2.1-or-later
"""Discs the daemon cannot probe (expect.probe_error): what each peer makes of the same drive.

The daemon must fail with the disc's expected error, through the one-shot probe and on D-Bus; each peer's
answer is compared with the one-line summary written here by hand after reading the peer's source, so a
change in either shows up."""

import re

import why as W
from checks import fail, known


def short(message):
    """A diagnostic without its "cdrskin: FATAL :" / "libburn : FAILURE :" prefix."""
    return re.sub(r"^.*?\b(FATAL|FAILURE|SORRY)\s*:\s*", "", message)


def summary(peer, p):
    """A peer's answer in one line (also the cells of tests/conformance.md)."""
    if p is None:
        return "not run"
    if peer == "cdrom_id":
        props = p["props"]
        if p["rc"]:
            return f"exit {p['rc']}"
        if "ID_CDROM_MEDIA" not in props:
            return "no medium"
        if "ID_CDROM_MEDIA_SESSION_COUNT" not in props:
            return "medium, no disc facts"
        off = props.get("ID_CDROM_MEDIA_SESSION_LAST_OFFSET")
        return (f"{props.get('ID_CDROM_MEDIA_STATE', '(no state)')} "
                f"S{props['ID_CDROM_MEDIA_SESSION_COUNT']}/T{props.get('ID_CDROM_MEDIA_TRACK_COUNT', '?')}"
                + (f" offset {int(off) // 2048}" if off else ""))
    if peer == "msinfo":
        if p["rc"]:
            return f"exit {p['rc']}: {short(p['message'])}"
        return f"{p['start']},{p['next']}" + (" (guessed)" if p["guessed"] else "")
    if peer == "toc":
        if p["rc"]:
            return f"exit {p['rc']}: {short(p['message'])}"
        s = p.get("status", "?").replace("is written , ", "")
        if "nwa" in p:
            s += f", nwa {p['nwa']}"
        if "summary" in p:
            s += f"; {p['summary']}"
        return s
    raise ValueError(peer)


# (disc, peer) → the peer's answer, hand-checked against the peer's source
REFUSALS = {
    # READ DISC INFORMATION claims 0xFFFF bytes. cdrom_id and libburn read the fixed fields and ignore the
    # length, so they see cdr-appendable-1session: appendable, 2 sessions, next session at 21400.
    ("quirk-garbage-disc-info", "cdrom_id"): "appendable S2/T2",
    ("quirk-garbage-disc-info", "msinfo"): "0,21400",
    ("quirk-garbage-disc-info", "toc"):
        "is appendable, nwa 21400; 1 session, 10000 data blocks, 19.5m data,  661m free",
    # Every command fails with DID_NO_CONNECT. cdrom_id's INQUIRY fails and it prints the drive's
    # capabilities (from the sr driver) only; libburn's INQUIRY fails and it drops the drive.
    ("quirk-gone", "cdrom_id"): "no medium",
    ("quirk-gone", "msinfo"): "exit 3: Lost connection to drive",
    ("quirk-gone", "toc"): "exit 5: Lost connection to drive",
    # READ TRACK INFORMATION is cut to 8 bytes with a header claiming the full reply. cdrom_id never sends
    # it; libburn reads the missing bytes as zeros: track start 0, NWA 0, no free blocks.
    ("quirk-short-track-info", "cdrom_id"): "appendable S2/T2",
    ("quirk-short-track-info", "msinfo"): "0,0",
    ("quirk-short-track-info", "toc"): "is appendable; 1 session, 0 data blocks,     0 data,     0 free",
    # READ TRACK INFORMATION times out. cdrom_id never sends it. libburn cannot build its TOC: -msinfo
    # finds no track and xorriso aborts on the failure.
    ("quirk-timeout", "cdrom_id"): "appendable S3/T3 offset 262176",
    ("quirk-timeout", "msinfo"): "exit 12: Cannot find any track on CD",
    ("quirk-timeout", "toc"): "exit 5: SCSI command 52h yielded host problem: 0x3 SG_ERR_DID_TIME_OUT "
                              "(Timed out for miscellaneous reasons)",
}


def check_refused(disc, views, peer, p):
    """One verdict per peer for a disc the daemon cannot probe."""
    for v in views:
        if v.error != disc.probe_error:
            return fail(f"ours ({v.source}) {v.error or 'probed'}, expected {disc.probe_error}")
    got = summary(peer, p)
    want = REFUSALS.get((disc.name, peer))
    detail = f"ours {disc.probe_error}, {peer}: {got}"
    if want is None:
        return fail(detail + " (no recorded answer for this peer: add one to refusals.py)")
    return known(detail, W.PROBE_REFUSED) if got == want else fail(detail + f", recorded: {want}")
