# SPDX-License-Identifier: LGPL-2.1-or-later
"""The facts of a .disc file (tests/discs/FORMAT.md) that the conformance rules need.

Only the inputs the emulator answers from (profile, disc status, tracks, quirks …) are read here; the
rules use them to say *why* a peer differs, never to compute what the daemon must publish — the
comparison is always between what the daemon published and what a peer printed."""

import os


class Disc:
    def __init__(self, path):
        self.path = path
        self.name = os.path.basename(path)[:-len(".disc")]
        self.medium = "present"
        self.profile = None
        self.disc_status = None
        self.last_session = None
        self.features = [0x0010]
        self.lead_out_max = None
        self.iso_blocks = None
        self.tracks = []
        self.quirks = []
        self.expect = {}
        with open(path) as f:
            for line in f:
                line = line.split("#", 1)[0].strip()
                if "=" not in line:
                    continue
                key, value = (s.strip() for s in line.split("=", 1))
                if key.startswith("expect."):
                    self.expect[key[len("expect."):]] = value
                elif key == "medium":
                    self.medium = value
                elif key == "profile":
                    self.profile = int(value, 0)
                elif key == "disc_status":
                    self.disc_status = value
                elif key == "last_session":
                    self.last_session = value
                elif key == "features":
                    self.features = [int(v, 0) for v in value.split()]
                elif key == "lead_out_max":
                    self.lead_out_max = int(value, 0)
                elif key == "iso_blocks":
                    self.iso_blocks = int(value, 0)
                elif key == "track":
                    words = dict(w.split("=", 1) for w in value.split())
                    self.tracks.append({
                        "session": int(words["session"], 0),
                        "start": int(words["start"], 0),
                        "size": int(words["size"], 0),
                        "state": words.get("state", "complete"),
                        "mode": words.get("mode", "data"),
                        "damage": words.get("damage") == "1" or words.get("state") == "damaged",
                        "nwa": int(words["nwa"], 0) if "nwa" in words else None,
                        "lra": int(words["lra"], 0) if "lra" in words else None,
                    })
                elif key == "quirk":
                    self.quirks.append(value.split())

    @property
    def present(self):
        return self.medium == "present"

    @property
    def probe_error(self):
        """The error the daemon must fail with on this disc (expect.probe_error), or None."""
        return self.expect.get("probe_error")

    def has_quirk(self, name, *args):
        return any(q[0] == name and [int(a, 0) for a in q[1:1 + len(args)]] == list(args)
                   for q in self.quirks)

    @property
    def n_open_tracks(self):
        """Tracks that hold no data yet (the invisible/blank next track): READ DISC INFORMATION's last
        track number counts them, the daemon's TrackCount does not."""
        return sum(t["state"] in ("invisible", "blank") for t in self.tracks)

    @property
    def damaged(self):
        return self.last_session == "damaged" or any(t["damage"] for t in self.tracks)

    @property
    def pow(self):
        """BD-R with Pseudo-Overwrite (feature 0038h current)."""
        return self.profile == 0x41 and 0x0038 in self.features


def load_all(directory):
    return [Disc(os.path.join(directory, f)) for f in sorted(os.listdir(directory)) if f.endswith(".disc")]
