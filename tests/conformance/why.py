# SPDX-License-Identifier: LGPL-2.1-or-later
"""Why a peer differs from the daemon on purpose: one sentence each, with the peer's source. The tests
print the sentence next to every known difference, and tests/conformance.md lists them."""

CDROM_ID_NOT_READY = (
    "cdrom_id probes once and does not wait: while the drive is becoming ready (02/04/01) its READ TOC and "
    "READ DISC INFORMATION fail and it prints no disc facts; udev runs it again on the next change event. "
    "The daemon retries until the drive is ready (design.md §2.3).")

CDROM_ID_TOC1 = (
    "cdrom_id takes ID_CDROM_MEDIA_SESSION_LAST_OFFSET from READ TOC format 1 only (cdrom_id.c); the drive "
    "refuses that format here. The daemon reads the session start with READ TRACK INFORMATION "
    "(mmc-multisession.md §4.2), so it still knows it.")

CDROM_ID_NO_TOC = (
    "cdrom_id counts data and audio tracks from READ TOC format 0 only (cdrom_id.c); the drive refuses "
    "READ TOC here, so it counts none. The daemon reads the track modes with READ TRACK INFORMATION.")

LIBBURN_CD_TOC = (
    "libburn reads a CD's sessions and tracks from READ TOC format 2 (the full TOC) only (mmc.c "
    "mmc_read_toc_al(); mmc-multisession.md §3.3) and gives up on a drive that refuses it ('Cannot obtain "
    "Table Of Content'); the daemon falls back to READ TRACK INFORMATION by session.")

FRESH_BDR = (
    "A freshly formatted BD-R reports 'appendable' with one empty session; libburn regards it as blank "
    "(mmc.c, 'Freshly formatted, unwritten BD-R pretend to be appendable') and so does the daemon "
    "(FORMAT.md blank_like); cdrom_id prints READ DISC INFORMATION's status as it is.")

CDROM_ID_ZERO_BLOCKS = (
    "cdrom_id calls a DVD+RW/DVD-RW RO/DVD-RAM 'blank' when blocks 0 and 16 read as zeros (a heuristic on "
    "the data). The daemon's CurrentMediaStatus follows READ DISC INFORMATION like IMAPI's, which keeps "
    "content-based blankness in a separate property (MediaHeuristicallyBlank).")

MSINFO_APPENDABLE_ONLY = (
    "cdrskin -msinfo works on appendable sequential media only ('-msinfo can only operate on appendable "
    "(i.e. -multi) discs', cdrskin.c Cdrskin_msinfo; wodim's man page says the same); overwritable media "
    "need --grow_overwriteable_iso. The daemon still publishes the previous session of closed discs and 0 "
    "on blank ones (design.md §2).")

POW = (
    "libburn refuses a BD-R formatted for Pseudo-Overwrite ('-msinfo cannot operate on POW formatted BD-R "
    "discs', 'unsuitable Pseudo Overwrite formatted BD-R'; mmc-multisession.md §3.3). The daemon offers it "
    "through the RandomWrite interface and answers msinfo as growisofs does (0 and the volume end).")

MSINFO_OPEN_SESSION = (
    "On DVD/BD cdrskin -msinfo also walks the open session and, when its first track holds recorded data, "
    "prints that track's start (Cdrskin_msinfo loops over burn_disc_get_incomplete_sessions()). The "
    "daemon's StartAddressOfPreviousSession is the last complete session (design.md §2, IMAPI).")

MSINFO_GUESS = (
    "libburn gives no NWA for a damaged track (mmc_get_nwa(), MMC-5 6.27.3.7) and cdrskin then guesses "
    "'from leadout': the last complete session's lead-out + 6900, a CD constant even on DVD (cdrskin.c). "
    "The daemon publishes the drive's NWA when NWA_V is set and -1 otherwise, and no guess.")

NON_EMPTY_SESSION = (
    "The last session is open with data in it: IMAPI calls this NON_EMPTY_SESSION and does not support "
    "importing it, so GetMultisessionInfo() refuses (design.md §2). cdrskin prints numbers anyway.")

DAMAGED_MSINFO = (
    "The open track is damaged: IMAPI's IsSupportedOnCurrentMediaState is false on DAMAGED media, so "
    "GetMultisessionInfo() refuses; cdrskin prints a guessed address.")

NO_INCREMENTAL = (
    "DVD-R/RW without feature 0021h (Incremental Streaming) takes no further session (libburn "
    "burn_disc_get_multi_caps; mmc-multisession.md §3.8.8), so GetMultisessionInfo() refuses; cdrskin "
    "-msinfo does not check the write mode and prints the numbers.")

MSINFO_OVERWRITE = (
    "On overwritable media GetMultisessionInfo() answers as growisofs -C does: 0 and the ISO volume end "
    "rounded up to 16 blocks (design.md §2); cdrskin -msinfo refuses such media unless "
    "--grow_overwriteable_iso is given.")

XORRISO_NO_ISO = (
    "libisoburn emulates sessions on overwritable media from the ISO 9660 superblock; without one it calls "
    "the medium blank (burn_wrap.c). The daemon reports what READ DISC INFORMATION says (one complete "
    "session, OVERWRITE_ONLY), as IMAPI does.")

XORRISO_OPEN_SESSION = (
    "xorriso lists an open session holding a closed track as 'Incmp session' and counts it in 'Media "
    "summary' (drive_mgt.c: num_sessions + open_sessions); the daemon's SessionCount counts complete "
    "sessions only (design.md §2), as libburn's own complete_sessions does.")

RW_NO_SEQ_NWA = (
    "The Sequential NextWritableAddress does not apply to overwritable media (design.md §2: −1); the "
    "daemon's answer for them is GetMultisessionInfo(), compared on D-Bus.")

ALIGN32 = (
    "libisoburn aligns the next address on overwritable media to 32 blocks (Libisoburn_nwa_alignemenT, for "
    "BD-RE clusters); the daemon rounds to 16 like growisofs (mmc-multisession.md §3.5/§3.6, §4.6).")

DAMAGED_NWA = (
    "libburn refuses any NWA of a damaged track (mmc_get_nwa()). With Damage = 1 and NWA_V = 1 MMC-5 "
    "6.27.3.7 says the track 'may be recorded further in an incremental manner', so the daemon publishes "
    "the drive's NWA (and marks the medium DAMAGED).")

RW_NO_FREE = (
    "FreeSectorsOnMedia belongs to the Sequential interface and is 0 when it is not in use "
    "(design.md §2); IMultisessionRandomWrite has no free-space member. libburn counts the space after its "
    "own next address.")

DAMAGED_FREE = (
    "libburn takes the free blocks from READ TRACK INFORMATION only together with a valid NWA "
    "(mmc_get_nwa()); the damaged track has none, so it reports 0. The daemon publishes the drive's Free "
    "Blocks of the open track.")

PARTIAL_FORMAT = (
    "On a partly formatted DVD-RW in Restricted Overwrite libburn sizes the medium from READ FORMAT "
    "CAPACITIES' 15h descriptor and growisofs from 00h (get_2k_capacity()): the whole disc, which they "
    "reach by growing the format while writing. The daemon reports READ CAPACITY, the formatted part a "
    "random-access writer can use without FORMAT UNIT (FORMAT.md). Raised with the lead as a question.")

CDRW_ATIP = (
    "On a closed CD-RW xorriso takes the medium's size from the ATIP lead-out minus 2 (drive_mgt.c, 'If "
    "closed CD-RW : obtain ATIP lead out address'); the daemon reports READ CAPACITY like on every "
    "closed disc.")

OVERALL_NO_NWA = (
    "Without an NWA xorriso's 'overall' is readable + writable (drive_mgt.c); the daemon's "
    "TotalSectorsOnMedia is the drive's NWA + free blocks, or READ CAPACITY.")

XORRISO_ISO_SESSION = (
    "On overwritable media libisoburn's session is the ISO image, as long as its superblock says; the "
    "daemon's previous session is the recorded track, which on these media spans the formatted medium "
    "(READ TRACK INFORMATION), so LastWrittenAddressOfPreviousSession is its end.")

PROBE_REFUSED = (
    "The daemon refuses a reply it cannot trust (design.md §2.4: InvalidResponse, Timeout, DeviceGone) and "
    "publishes no values; the peer's own answer to the same drive is recorded here.")
