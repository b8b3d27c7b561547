"""The small interface every import format implements, and finding which one a file is.

A format is a module of this package with a FORMAT: its name (as `--from` takes it), a label, the
signature it looks for (said when no format recognises a file), a `recognises` test on a
`Sniff` of the file (its first bytes, the members of a ZIP, the cells of its first line), and a
`read` that turns the opened file into checked rows: a Harvest (other apps) or a CheckedFile
(spasmlog's own CSV and JSON, read by spasmlog.interchange.importing.read as before). A new
format is a new module with a FORMAT, added to `registry.formats`, and a sample in
examples/imports/.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Protocol

from spasmlog.interchange.importing.harvest import Harvest, Progress

if TYPE_CHECKING:
    from spasmlog.interchange.importing.read import CheckedFile

SNIFF_BYTES = 65_536


@dataclass(frozen=True)
class Options:
    """What the person said about the file, beyond its name."""

    now: dt.datetime
    kind: str | None = None  # --kind, for spasmlog's own CSVs
    source_names: tuple[str, ...] = ()  # --source: keep only these apps' records (Apple Health)


@dataclass
class Opened:
    """An import file, opened once: a path (None for standard input) and its byte stream."""

    name: str  # as named in messages
    stream: io.BufferedReader
    path: Path | None = None
    size: int = 0
    modified: dt.datetime | None = None  # the file's modification time: a CSV's export date
    zip_names: tuple[str, ...] | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        if self.path is not None and self.head().startswith(b"PK\x03\x04"):
            try:
                with zipfile.ZipFile(self.path) as archive:
                    self.zip_names = tuple(archive.namelist())
            except (zipfile.BadZipFile, OSError, EOFError):
                self.zip_names = ()  # a ZIP, damaged (cut short?)

    def head(self) -> bytes:
        return self.stream.peek(SNIFF_BYTES)[:SNIFF_BYTES]


def opened(stream: BinaryIO, name: str, path: Path | None, now: dt.datetime) -> Opened:
    """An import file's stream, with what detection and the export date need to know."""
    size, modified = 0, now
    try:
        stat = os.fstat(stream.fileno())
        size = stat.st_size
        if path is not None:
            modified = dt.datetime.fromtimestamp(stat.st_mtime, dt.UTC).astimezone(now.tzinfo)
    except (OSError, AttributeError, io.UnsupportedOperation):
        pass
    buffered: io.BufferedReader = (
        stream if isinstance(stream, io.BufferedReader) else io.BufferedReader(stream, 1 << 20)  # type: ignore[arg-type]
    )
    return Opened(name, buffered, path, size, modified)


@dataclass(frozen=True)
class Sniff:
    """What detection looks at, read once."""

    head: bytes
    zip_names: tuple[str, ...] | None  # None: not a ZIP
    header: tuple[str, ...]  # the first line's cells, stripped and lower-cased

    @staticmethod
    def of(opened: Opened) -> Sniff:
        head = opened.head()
        header: tuple[str, ...] = ()
        if opened.zip_names is None and not head.lstrip().startswith((b"<", b"{", b"[")):
            first = head.split(b"\n", 1)[0].decode("utf-8", "replace").removeprefix("\ufeff")
            delimiter = "," if "," in first or ";" not in first else ";"
            cells = next(csv.reader([first.rstrip("\r")], delimiter=delimiter), [])
            header = tuple(cell.strip().lower() for cell in cells)
        return Sniff(head, opened.zip_names, header)

    def xml_root(self) -> str | None:
        """The name of the first element of an XML file (after its prolog and DTD), if any."""
        text = self.head.lstrip(b"\xef\xbb\xbf \t\r\n")
        if not text.startswith(b"<"):
            return None
        at = 0
        while True:
            at = text.find(b"<", at)
            if at < 0 or at + 1 >= len(text):
                return None
            if text[at + 1 : at + 2] not in (b"?", b"!"):
                name = text[at + 1 :].split(None, 1)[0].split(b">", 1)[0].split(b"/", 1)[0]
                return name.decode("utf-8", "replace")
            if text.startswith(b"<!DOCTYPE", at):
                end = text.find(b"]>", at)
                at = end + 2 if end > 0 and b"[" in text[at : text.find(b">", at)] else at + 2
            else:
                at += 2


Read = Callable[[Opened, Options, "Progress | None"], "Harvest | CheckedFile"]


class Format(Protocol):
    name: str
    label: str
    looks_for: str

    def recognises(self, sniff: Sniff) -> bool: ...

    def read(
        self, opened: Opened, options: Options, progress: Progress | None
    ) -> Harvest | CheckedFile: ...


@dataclass(frozen=True)
class SimpleFormat:
    """A Format made of functions (each source module has one)."""

    name: str
    label: str
    looks_for: str
    test: Callable[[Sniff], bool]
    reader: Read

    def recognises(self, sniff: Sniff) -> bool:
        return self.test(sniff)

    def read(
        self, opened: Opened, options: Options, progress: Progress | None
    ) -> Harvest | CheckedFile:
        return self.reader(opened, options, progress)
