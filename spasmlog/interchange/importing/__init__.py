"""Bringing a file into the diary, all or nothing: `check_file` reads and checks every row
without the diary, then `apply` writes them in one undoable change (or, dry, says what it would).

Inside: `read` (files, cells and their checks), `kinds` (each kind's columns and parsers), `plan`
(duplicates and clashes with the diary), `write` (the bulk writes) and `importer` (the two steps).
"""

from spasmlog.interchange.importing.importer import ImportResult, KindResult, apply
from spasmlog.interchange.importing.read import CheckedFile, ImportRejected, Progress, check_file

__all__ = [
    "CheckedFile",
    "ImportRejected",
    "ImportResult",
    "KindResult",
    "Progress",
    "apply",
    "check_file",
]
