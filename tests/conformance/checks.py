# SPDX-License-Identifier: LGPL-2.1-or-later
"""The comparisons: for each peer and quantity, how the daemon's published value relates to the peer's.

A check returns a Verdict: "ok" (the values agree, or relate the way the peer's documented definition
says — cdrom_id counting the open session, say), "known" (the peer differs on purpose; `why` gives the
peer's reason and source), or "fail". Each check runs against the one-shot JSON and against the D-Bus
service; both must pass. Checks for discs the daemon cannot probe at all are in refusals.py."""

import math

import why as W
from ours import BLANK, DAMAGED, FINAL_SESSION
from peers import parse_size

CD_PROFILES = (0x08, 0x09, 0x0a)


class Verdict:
    def __init__(self, status, detail, why=None):
        self.status, self.detail, self.why = status, detail, why


def ok(detail):
    return Verdict("ok", detail)


def known(detail, why):
    return Verdict("known", detail, why)


def fail(detail):
    return Verdict("fail", detail)


def opt(v):
    return "none" if v is None else str(v)


# ---- facts of the disc file that name a peer's reason (never what the daemon must publish) ----

def open_session_start(disc):
    """Start of the first track of the disc's open last session when the drive reports it as recorded:
    not blank, and NWA_V, or LRA_V with the LRA past the start (cdrskin.c Cdrskin_msinfo's test); else
    None."""
    last = max(t["session"] for t in disc.tracks)
    t = next(t for t in disc.tracks if t["session"] == last)
    if disc.last_session != "incomplete" or t["state"] in ("invisible", "blank"):
        return None
    nwa_v = t["nwa"] is not None and t["state"] != "damaged"
    return t["start"] if nwa_v or (t["lra"] is not None and t["lra"] > t["start"]) else None


def last_closed_leadout(disc):
    """End of the last track before the last session: where cdrskin's guess starts."""
    last = max(t["session"] for t in disc.tracks)
    return max(t["start"] + t["size"] for t in disc.tracks if t["session"] < last)


def libburn_needs_full_toc(disc):
    """A CD in a drive that refuses READ TOC: libburn cannot read it at all."""
    return disc.profile in CD_PROFILES and disc.has_quirk("sense", 0x43)


def libburn_refuses(disc, o, rc, message):
    """The verdict for a disc libburn cannot read, or None."""
    if not libburn_needs_full_toc(disc):
        return None
    detail = f"ours {o.cls}, libburn exit {rc}: {message}"
    return known(detail, W.LIBBURN_CD_TOC) if rc != 0 else fail(detail + " (libburn read it after all)")


def atip_leadout(disc):
    """The ATIP lead-out the emulator reports: lead_out_max, by default the end of the last track."""
    return disc.lead_out_max if disc.lead_out_max is not None else max(t["start"] + t["size"] for t in disc.tracks)


# ---- systemd cdrom_id ----

def cdrom_id_pre(disc, o, p):
    props = p["props"]
    if p["rc"] != 0:
        return fail(f"cdrom_id exit {p['rc']}: {p['stderr']}")
    if o.cls == "none":
        return ok("no medium, cdrom_id agrees") if "ID_CDROM_MEDIA" not in props else \
            fail("cdrom_id reports a medium")
    if "ID_CDROM_MEDIA_SESSION_COUNT" not in props:
        if disc.has_quirk("becoming_ready"):
            return known("cdrom_id read no disc facts", W.CDROM_ID_NOT_READY)
        return fail("cdrom_id read no disc facts")
    return None


def cdrom_id_prev(disc, o, p):
    off = p["props"].get("ID_CDROM_MEDIA_SESSION_LAST_OFFSET")
    peer = int(off) // 2048 if off else None
    detail = f"ours {o.prev}, cdrom_id offset {opt(off)} (/2048 = {opt(peer)})"
    if off and int(off) % 2048:
        return fail(detail + ": not a multiple of 2048")
    if o.prev > 0:
        if peer == o.prev:
            return ok(detail)
        if peer is None and (disc.has_quirk("no_toc1") or disc.has_quirk("sense", 0x43)):
            return known(detail, W.CDROM_ID_TOC1)
        return fail(detail)
    # cdrom_id prints the offset only when it is > 0 and there is more than one session
    return ok(detail + " (omitted when 0)") if peer is None else fail(detail)


def cdrom_id_sessions(disc, o, p):
    peer = int(p["props"]["ID_CDROM_MEDIA_SESSION_COUNT"])
    open_session = disc.last_session != "complete"
    detail = f"ours {o.sessions}, cdrom_id {peer}"
    if peer == o.sessions + open_session:
        return ok(detail + (" = ours + the open session" if open_session else ""))
    return fail(detail)


def cdrom_id_tracks(disc, o, p):
    peer = int(p["props"]["ID_CDROM_MEDIA_TRACK_COUNT"])
    n = disc.n_open_tracks
    detail = f"ours {o.tracks}, cdrom_id {peer}"
    if peer == o.tracks + n:
        return ok(detail + (" = ours + the invisible track" if n else ""))
    return fail(detail)


def cdrom_id_first_data(disc, o, p):
    props = p["props"]
    n_data = int(props.get("ID_CDROM_MEDIA_TRACK_COUNT_DATA", 0))
    n_audio = int(props.get("ID_CDROM_MEDIA_TRACK_COUNT_AUDIO", 0))
    detail = f"ours IsFirstDataSession {str(o.first_data).lower()}, cdrom_id {n_data} data/{n_audio} audio tracks"
    # Both look at complete sessions only: the TOC holds no other.
    if o.first_data == (n_data == 0):
        return ok(detail)
    if n_data + n_audio == 0 and disc.has_quirk("sense", 0x43):
        return known(detail, W.CDROM_ID_NO_TOC)
    return fail(detail)


CDROM_ID_REEXAMINED = (0x1a, 0x2a, 0x13, 0x12)  # DVD+RW, DVD+RW DL, DVD-RW RO, DVD-RAM


def cdrom_id_state(disc, o, p):
    peer = p["props"].get("ID_CDROM_MEDIA_STATE")
    detail = f"ours {o.cls} 0x{o.state:x}, cdrom_id {opt(peer)}"
    want = {"blank": "blank", "appendable": "appendable", "closed": "complete"}.get(o.cls)
    if o.cls == "rom":
        # cdrom_id omits the state for the CD-ROM profile ("some fake cdroms return 0 for blank")
        want = None if disc.profile == 0x08 else "complete"
    elif o.cls == "blank" and disc.profile == 0x41 and disc.disc_status == "appendable":
        return known(detail, W.FRESH_BDR) if peer == "appendable" else fail(detail)
    elif o.cls == "overwrite":
        if o.state & BLANK:
            want = "blank"
        elif (disc.profile in CDROM_ID_REEXAMINED and disc.disc_status in ("complete", "other")
              and not disc.iso_blocks):
            return known(detail, W.CDROM_ID_ZERO_BLOCKS) if peer == "blank" else fail(detail)
        else:
            # cdrom_id prints READ DISC INFORMATION's status; IMAPI has OVERWRITE_ONLY for all of them
            want = disc.disc_status
            detail += " (the disc status of overwritable media)"
    return ok(detail) if peer == want else fail(detail)


# ---- cdrskin -msinfo ----

MSINFO_FAILS = ("none", "blank", "closed", "rom", "overwrite")


def msinfo_pre(disc, o, p):
    refused = libburn_refuses(disc, o, p["rc"], p["message"])
    if refused:
        return refused
    detail = f"cdrskin exit {p['rc']}: {p['message']}" if p["rc"] else f"cdrskin {p['start']},{p['next']}"
    if o.cls in MSINFO_FAILS:
        if p["rc"] == 0:
            return fail(f"ours {o.cls}, but {detail}")
        expected = "POW formatted" if disc.pow else ("appendable" if o.cls != "none" else "")
        if expected not in p["message"]:
            return fail(f"ours {o.cls}, {detail}: expected a message about '{expected}'")
        if o.cls == "none":
            return ok("no medium: " + detail)
        return known(f"ours {o.cls}: {detail}", W.POW if disc.pow else W.MSINFO_APPENDABLE_ONLY)
    if p["rc"] != 0:
        return fail(f"ours {o.cls}, {detail}")
    return None


def msinfo_prev(disc, o, p):
    detail = f"ours {o.prev}, cdrskin {p['start']}"
    if p["start"] == o.prev:
        return ok(detail)
    if disc.profile not in CD_PROFILES and p["start"] == open_session_start(disc):
        return known(detail, W.MSINFO_OPEN_SESSION)
    return fail(detail)


def msinfo_next(disc, o, p):
    detail = f"ours {o.nwa}, cdrskin {p['next']}"
    if p["next"] == o.nwa:
        return ok(detail)
    if disc.damaged and p["guessed"] and p["next"] == last_closed_leadout(disc) + 6900:
        return known(detail + f" = lead-out {last_closed_leadout(disc)} + 6900", W.MSINFO_GUESS)
    return fail(detail)


def msinfo_call(disc, o, p):
    """GetMultisessionInfo() (D-Bus only) against cdrskin -msinfo."""
    m = o.msinfo
    peer = f"cdrskin {p['start']},{p['next']}" if p["rc"] == 0 else f"cdrskin exit {p['rc']}: {p['message']}"
    if isinstance(m, tuple):
        detail = f"ours {m[0]},{m[1]}, {peer}"
        if p["rc"] == 0:
            return ok(detail) if (p["start"], p["next"]) == m else fail(detail)
        if o.cls == "overwrite":
            return known(detail, W.POW if disc.pow else W.MSINFO_OVERWRITE)
        if libburn_needs_full_toc(disc):
            return known(detail, W.LIBBURN_CD_TOC)
        return fail(detail)
    detail = f"ours {m}, {peer}"
    if p["rc"] != 0:
        return ok(detail + " (both refuse)")
    if disc.last_session == "incomplete":
        return known(detail, W.NON_EMPTY_SESSION)
    if disc.damaged:
        return known(detail, W.DAMAGED_MSINFO)
    if disc.profile in (0x11, 0x14) and 0x0021 not in disc.features:
        return known(detail, W.NO_INCREMENTAL)
    return fail(detail)


# ---- xorriso -toc ----

def toc_pre(disc, o, p):
    refused = libburn_refuses(disc, o, p["rc"], p["message"])
    if refused:
        return refused
    if p["rc"] != 0:
        return fail(f"xorriso exit {p['rc']}: {p['message']}")
    return None


def toc_status(disc, o, p):
    peer = p.get("status", "")
    detail = f"ours {o.cls} 0x{o.state:x}, xorriso '{peer}'"
    if "will need -close" in peer and not o.state & FINAL_SESSION:
        return fail(detail + ": xorriso says one session only, ours has no FINAL_SESSION")
    if o.cls == "overwrite":
        if disc.pow:
            return known(detail, W.POW) if peer.startswith("is unsuitable , is POW") else fail(detail)
        if o.state & BLANK:
            want = "is blank"
        elif disc.iso_blocks:
            want = "is written , is appendable"
            detail += " (libisoburn grows the ISO volume)"
        else:
            return known(detail, W.XORRISO_NO_ISO) if peer.startswith("is blank") else fail(detail)
    else:
        want = {"none": "is not present", "blank": "is blank", "appendable": "is written , is appendable",
                "closed": "is written , is closed", "rom": "is written , is closed"}.get(o.cls, "?")
    if not peer.startswith(want):
        return fail(detail)
    if o.cls == "appendable" and ("next track is damaged" in peer) != bool(o.state & DAMAGED):
        return fail(detail + ": DAMAGED differs")
    return ok(detail)


def toc_next(disc, o, p):
    x = p.get("nwa")
    if o.cls == "overwrite":
        if disc.pow:
            return known(f"ours msinfo {opt(o.msinfo)}, xorriso nwa {opt(x)}", W.POW) if x is None else \
                fail(f"xorriso nwa {x} on POW")
        if o.source == "json":
            return known(f"ours Sequential NWA {o.nwa}, xorriso nwa {opt(x)}", W.RW_NO_SEQ_NWA)
        detail = f"ours msinfo {opt(o.msinfo)}, xorriso nwa {opt(x)}"
        if isinstance(o.msinfo, tuple):
            want = 32 * math.ceil(o.msinfo[1] / 32)
            return known(detail + f" = {o.msinfo[1]} rounded up to 32", W.ALIGN32) if x == want else fail(detail)
        return ok(detail) if x is None else fail(detail)
    detail = f"ours {o.nwa}, xorriso {opt(x)}"
    if o.cls == "appendable" and o.nwa > 0:
        if x == o.nwa:
            return ok(detail)
        if x is None and disc.damaged:
            return known(detail, W.DAMAGED_NWA)
        return fail(detail)
    # xorriso prints "Media nwa" only for appendable media with an NWA other than 0
    return ok(detail + " (not printed)") if x is None else fail(detail)


def toc_prev(disc, o, p):
    sessions = [e for e in p["entries"] if e[0] in ("ISO session", "Other session")]
    x = sessions[-1][2] if sessions else None
    detail = f"ours {o.prev}, xorriso last session at {opt(x)}"
    if o.prev >= 0:
        if x == o.prev:
            return ok(detail)
        if x is None and o.cls == "overwrite" and not disc.iso_blocks:
            return known(detail, W.XORRISO_NO_ISO)
        return fail(detail)
    return ok(detail) if x is None else fail(detail)


def toc_lwa(disc, o, p):
    """The end of the last complete session in libburn's TOC (start + size of its last track, which on CD
    libburn takes from the session's lead-out) is one past LastWrittenAddressOfPreviousSession."""
    entries = []
    for e in p["entries"]:
        if e[0] == "Incmp session":
            break
        entries.append(e)
    x = entries[-1][2] + entries[-1][3] if entries else None
    detail = f"ours {o.lwa}, xorriso last session ends at {opt(x)}"
    if (x is None and o.lwa == -1) or (x is not None and x - 1 == o.lwa):
        return ok(detail)
    if o.cls == "overwrite" and not disc.iso_blocks and x is None:
        return known(detail, W.XORRISO_NO_ISO)
    if o.cls == "overwrite" and entries and entries[-1][0] == "ISO session" and x == disc.iso_blocks:
        return known(detail + " (the ISO volume's size)", W.XORRISO_ISO_SESSION)
    return fail(detail)


def toc_sessions(disc, o, p):
    x = p.get("n_sessions")
    detail = f"ours {o.sessions}, xorriso {opt(x)}"
    if o.cls == "none":
        return ok(detail) if x is None else fail(detail)
    if disc.pow:
        return known(detail + f" ('{p.get('summary')}')", W.POW) if x is None else fail(detail)
    if x == o.sessions:
        return ok(detail)
    if x == o.sessions + 1 and any(e[0] == "Incmp session" for e in p["entries"]):
        return known(detail, W.XORRISO_OPEN_SESSION)
    if o.cls == "overwrite" and not disc.iso_blocks and x == 0:
        return known(detail, W.XORRISO_NO_ISO)
    return fail(detail)


def toc_free(disc, o, p):
    x = p.get("writable")
    detail = f"ours {o.free}, xorriso {opt(x)} writable"
    if o.cls == "none":
        return ok(detail) if x is None else fail(detail)
    if o.cls == "overwrite":
        return known(detail, W.RW_NO_FREE) if o.free == 0 else fail(detail)
    if x == o.free:
        return ok(detail)
    if disc.damaged and "nwa" not in p and x == 0:
        return known(detail, W.DAMAGED_FREE)
    return fail(detail)


def toc_free_summary(disc, o, p):
    text = p.get("free_text")
    size = parse_size(text) if text else None
    detail = f"ours {o.free} blocks, xorriso summary '{opt(text)} free'"
    if o.cls == "none":
        return ok(detail) if text is None else fail(detail)
    if disc.pow:
        return known(detail + f" ('{p.get('summary')}')", W.POW) if text is None else fail(detail)
    if size is None:
        return fail(detail)
    if o.cls == "overwrite":
        return known(detail, W.RW_NO_FREE)
    value, tolerance = size
    if abs(value - o.free * 2048) <= tolerance:
        return ok(detail)
    if disc.damaged and "nwa" not in p and value == 0:
        return known(detail, W.DAMAGED_FREE)
    return fail(detail)


def toc_total(disc, o, p):
    x = p.get("overall")
    detail = f"ours {o.total}, xorriso {opt(x)} overall"
    if o.cls == "none":
        return ok(detail) if x is None else fail(detail)
    if x == o.total:
        return ok(detail)
    if disc.profile == 0x13 and o.cls == "overwrite" and x == disc.lead_out_max and o.total < x:
        return known(detail + " (the whole disc; formatted: ours)", W.PARTIAL_FORMAT)
    if disc.profile == 0x0a and o.cls == "closed" and x == atip_leadout(disc) - 2:
        return known(detail + f" = ATIP lead-out {atip_leadout(disc)} - 2", W.CDRW_ATIP)
    if disc.damaged and "nwa" not in p and x == p.get("readable", 0) + p.get("writable", 0):
        return known(detail + " = readable + writable", W.OVERALL_NO_NWA)
    return fail(detail)


# (peer, quantity, precondition, check, sources)
CHECKS = [
    ("cdrom_id", "prev", cdrom_id_pre, cdrom_id_prev, ("json", "dbus")),
    ("cdrom_id", "sessions", cdrom_id_pre, cdrom_id_sessions, ("json", "dbus")),
    ("cdrom_id", "tracks", cdrom_id_pre, cdrom_id_tracks, ("json", "dbus")),
    ("cdrom_id", "state", cdrom_id_pre, cdrom_id_state, ("json", "dbus")),
    ("cdrom_id", "first-data", cdrom_id_pre, cdrom_id_first_data, ("json", "dbus")),
    ("msinfo", "prev", msinfo_pre, msinfo_prev, ("json", "dbus")),
    ("msinfo", "next", msinfo_pre, msinfo_next, ("json", "dbus")),
    ("msinfo", "GetMultisessionInfo", None, msinfo_call, ("dbus",)),
    ("toc", "status", toc_pre, toc_status, ("json", "dbus")),
    ("toc", "prev", toc_pre, toc_prev, ("json", "dbus")),
    ("toc", "next", toc_pre, toc_next, ("json", "dbus")),
    ("toc", "lwa", toc_pre, toc_lwa, ("json", "dbus")),
    ("toc", "sessions", toc_pre, toc_sessions, ("json", "dbus")),
    ("toc", "free", toc_pre, toc_free, ("json", "dbus")),
    ("toc", "free-summary", toc_pre, toc_free_summary, ("json", "dbus")),
    ("toc", "total", toc_pre, toc_total, ("json", "dbus")),
]

PEER_NAMES = {"cdrom_id": "cdrom_id", "msinfo": "cdrskin -msinfo", "toc": "xorriso -toc"}


def run_check(disc, views, peer_obs, pre, check, sources):
    """Runs one check against each source; both must agree with the peer."""
    verdicts = []
    for v in views:
        if v.source not in sources:
            continue
        if v.error:
            verdicts.append((v.source, fail(f"ours ({v.source}) failed: {v.error}")))
            continue
        verdict = pre(disc, v, peer_obs) if pre else None
        verdicts.append((v.source, verdict or check(disc, v, peer_obs)))
    if not verdicts:
        return Verdict("skip", "no source")
    details = {vd.detail for _, vd in verdicts}
    status = "fail" if any(vd.status == "fail" for _, vd in verdicts) else \
        "known" if any(vd.status == "known" for _, vd in verdicts) else "ok"
    if len(details) == 1:
        detail = verdicts[0][1].detail
    else:
        detail = "; ".join(f"{src}: {vd.detail}" for src, vd in verdicts)
    why = next((vd.why for _, vd in verdicts if vd.why), None)
    return Verdict(status, detail, why)
