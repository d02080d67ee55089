# SPDX-License-Identifier: LGPL-2.1-or-later
"""What the daemon published for a disc, read from one source (the one-shot JSON or the D-Bus service),
reduced to the quantities the peers also print."""

from peers import DRIVE, RW, SEQ

# IMAPI_FORMAT2_DATA_MEDIA_STATE bits (design.md §2, CurrentMediaStatus)
OVERWRITE_ONLY = 0x1
BLANK = 0x2
APPENDABLE = 0x4
FINAL_SESSION = 0x8
DAMAGED = 0x400
FINALIZED = 0x4000
UNSUPPORTED = 0x8000


class Ours:
    def __init__(self, source, data):
        self.source = source  # "json" or "dbus"
        self.error = None
        self.msinfo = None  # GetMultisessionInfo(): (start, next), an error's short name, or None (JSON)
        if data is None:
            self.error = "not run"
            return
        if "error" in data:
            self.error = data["error"]
            return
        seq, drive, rw = data[SEQ], data[DRIVE], data[RW]
        if drive.get("ProbeState") == "error":
            # D-Bus: the service stays up and says why the probe failed
            self.error = drive.get("LastError", "").rpartition(".")[2] or "error"
            return
        self.present = drive["MediaPresent"]
        self.state = drive["CurrentMediaStatus"]
        self.prev = seq["StartAddressOfPreviousSession"]
        self.nwa = seq["NextWritableAddress"]
        self.free = seq["FreeSectorsOnMedia"]
        self.lwa = seq["LastWrittenAddressOfPreviousSession"]
        self.first_data = seq["IsFirstDataSession"]
        self.sessions = drive["SessionCount"]
        self.tracks = drive["TrackCount"]
        self.total = drive["TotalSectorsOnMedia"]
        self.seq_in_use = seq["InUse"]
        self.rw_in_use = rw["InUse"]
        if source == "dbus":
            m = data.get("msinfo")
            self.msinfo = tuple(m) if isinstance(m, list) else m

    @property
    def cls(self):
        """The medium's class as every peer understands it: none, rom, overwrite, blank, closed, appendable."""
        if not self.present:
            return "none"
        if self.state & UNSUPPORTED:
            return "rom"
        if self.rw_in_use:
            return "overwrite"
        if self.state & BLANK:
            return "blank"
        if self.state & FINALIZED:
            return "closed"
        if self.state & APPENDABLE:
            return "appendable"
        return "other"

    def describe(self):
        """One line for the table: start,next  sessions/tracks  state  free."""
        if self.error:
            return {"msinfo": "—", "st": "—", "state": f"**{self.error}**", "free": "—"}
        msinfo = f"{self.prev},{self.nwa}"
        if isinstance(self.msinfo, tuple):
            msinfo += f" (msinfo {self.msinfo[0]},{self.msinfo[1]})"
        elif self.msinfo:
            msinfo += f" (msinfo {self.msinfo})"
        return {"msinfo": msinfo, "st": f"{self.sessions}/{self.tracks}", "state": f"{self.cls} 0x{self.state:x}",
                "free": f"{self.free} of {self.total}"}
