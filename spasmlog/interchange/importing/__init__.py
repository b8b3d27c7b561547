"""Bringing a file into the diary, all or nothing.

spasmlog's own files (CSV of one kind, whole-diary JSON): `check_file` reads and checks every row
without the diary, then `apply` writes them in one undoable change (or, dry, says what it would).
Inside: `read` (files, cells and their checks), `kinds` (each kind's columns and parsers), `plan`
(duplicates and clashes with the diary), `write` (the bulk writes), `importer` (the two steps).

Other apps' exports, one module each behind the interface of `sources` (`apple_health`,
`bearable`, `daylio`, `flaredown`; `own` is spasmlog's): `opened` and `detect` find the format,
its `read` gives a `Harvest` (`harvest`), and `merge` fills, updates or keeps each value with its
provenance (`merge`, `merge_write`).
"""

from spasmlog.interchange.importing.harvest import Harvest, ImportRejected
from spasmlog.interchange.importing.importer import ImportResult, KindResult, apply
from spasmlog.interchange.importing.merge import MergeResult, Tally, merge
from spasmlog.interchange.importing.read import CheckedFile, Progress, check_file
from spasmlog.interchange.importing.registry import detect, names
from spasmlog.interchange.importing.sources import Format, Opened, Options, opened

__all__ = [
    "CheckedFile",
    "Format",
    "Harvest",
    "ImportRejected",
    "ImportResult",
    "KindResult",
    "MergeResult",
    "Opened",
    "Options",
    "Progress",
    "Tally",
    "apply",
    "check_file",
    "detect",
    "merge",
    "names",
    "opened",
]
