"""Reading an import file and checking every row, without the diary.

A CSV is read line by line as UTF-8 (with or without a BOM; anything else is refused with the line
it fails on), its header checked against the kind's columns, and each row checked in one tight
loop: every cell through its column's parser, each distinct cell of a repetitive column parsed
once. Good rows are kept as tuples (a million of them must fit in memory); bad ones are listed,
all of them counted. A JSON file is the whole diary as `spasmlog export json` writes it.
"""

from __future__ import annotations

import array
import csv
import datetime as dt
import difflib
import io
import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any, BinaryIO

from spasmlog.core.errors import InvalidInput
from spasmlog.diary import trials
from spasmlog.diary.trials import TrialCopy
from spasmlog.interchange.importing.harvest import ImportRejected
from spasmlog.interchange.importing.kinds import KINDS, Column, Kind, Now
from spasmlog.interchange.records import DIARY_SCHEMA, csv_text

Progress = Callable[[str, int, int], None]  # (phase, done, total)
SHOW_AT_MOST = 20  # bad rows listed in full; the rest are counted
_PROGRESS_EVERY = 4096
JSON_ORDER = ("conditions", "meds", "labs", "checkins", "exercise", "episodes")
_SIGNATURES = (
    (b"\xff\xfe", "UTF-16 text"),
    (b"\xfe\xff", "UTF-16 text"),
    (b"PK\x03\x04", "a zip file or an Excel/ODS workbook"),
    (b"SQLite format 3\x00", "a SQLite database (a diary or a backup?)"),
    (b"%PDF", "a PDF"),
)


@dataclass
class CheckedKind:
    """The good rows of one kind, checked without the diary."""

    kind: Kind
    columns: frozenset[str]  # the columns the file has (an update changes only these)
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    places: array.array[int] = field(default_factory=lambda: array.array("q"))
    # each good row's exported ID ("id" column) when the file has one: rows alike in every
    # field but their IDs are two records (two cramps logged alike), not one repeated
    ids: list[str | None] = field(default_factory=list)
    json: bool = False
    deleted_left_out: int = 0

    def where(self, position: int) -> str:
        """Where the good row at `position` is in the file: "line 12" or "episodes[11]"."""
        place = self.places[position]
        return self.where_item(place) if self.json else self.where_line(place)

    def where_line(self, place: int) -> str:
        return f"line {place}"

    def where_item(self, place: int) -> str:
        return f"{self.kind.name}[{place}]"


@dataclass
class CheckedFile:
    source: str
    kinds: list[CheckedKind]
    warnings: list[str] = field(default_factory=list)
    trials: list[TrialCopy] = field(default_factory=list)  # a whole-diary JSON's trials


class Problems:
    """Bad rows, collected while checking: all counted, the first SHOW_AT_MOST kept in full."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.shown: list[str] = []
        self.count = 0

    def add(self, where: str, reasons: Iterable[str]) -> None:
        """One bad row; each of its bad cells gets a line."""
        self.count += 1
        if self.count <= SHOW_AT_MOST:
            self.shown += [f"  {where}: {reason}" for reason in reasons]

    def raise_if_any(self) -> None:
        if not self.count:
            return
        rows = "1 bad row" if self.count == 1 else f"{self.count} bad rows"
        lines = [
            f"{self.source}: {rows}; nothing was imported. Fix "
            f"{'it' if self.count == 1 else 'them'} and import again:",
            *self.shown,
        ]
        if self.count > SHOW_AT_MOST:
            lines.append(f"  ... and {self.count - SHOW_AT_MOST} more bad rows.")
        raise ImportRejected("\n".join(lines))


# --- reading -----------------------------------------------------------------------------------


def _refuse_binary(head: bytes, source: str) -> None:
    for signature, what in _SIGNATURES:
        if head.startswith(signature):
            hint = (
                ' Save it as UTF-8 text ("CSV UTF-8" in Excel) and import again.'
                if "text" in what or "workbook" in what
                else ""
            )
            raise ImportRejected(f"{source} is {what}, not a UTF-8 CSV or JSON file.{hint}")
    if b"\x00" in head:
        raise ImportRejected(f"{source} holds binary data, not a UTF-8 CSV or JSON file.")


def _lines(stream: BinaryIO, source: str, total: int, progress: Progress | None) -> Iterator[str]:
    """The file's lines as text; a byte that is not UTF-8 stops the import, naming its line."""
    done = 0
    for number, raw in enumerate(stream, 1):
        done += len(raw)
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            byte = raw[error.start]
            raise ImportRejected(
                f"{source}, line {number}: byte 0x{byte:02x} is not UTF-8 (was the file saved as "
                'Latin-1 or Windows-1252?). Save it as UTF-8 ("CSV UTF-8" in Excel) and import '
                "again; nothing was imported."
            ) from None
        if number == 1:
            line = line.removeprefix("\ufeff")
        if progress is not None and number % _PROGRESS_EVERY == 0:
            progress("checking", done, total)
        yield line


def _size(stream: BinaryIO) -> int:
    try:
        return os.fstat(stream.fileno()).st_size
    except (OSError, AttributeError, io.UnsupportedOperation):
        return 0


def _buffered(stream: BinaryIO) -> io.BufferedReader:
    return stream if isinstance(stream, io.BufferedReader) else io.BufferedReader(stream)  # type: ignore[arg-type]


def check_file(
    stream: BinaryIO, source: str, kind: str, now: dt.datetime, progress: Progress | None = None
) -> CheckedFile:
    """Read and check a whole file of `kind` (or "json"); ImportRejected lists every bad row."""
    reader = _buffered(stream)
    head = reader.peek(4096)[:4096]
    _refuse_binary(head, source)
    if not head.strip():
        raise ImportRejected(f"{source} is empty; nothing was imported.")
    if kind == "json":
        return _check_json(reader.read(), source, Now(now))
    lines = _lines(reader, source, _size(reader), progress)
    checked, problems = _check_csv(lines, source, KINDS[kind], Now(now), _delimiter(head))
    problems.raise_if_any()
    return CheckedFile(source, [checked])


def _delimiter(head: bytes) -> str:
    """Comma, unless the header has none but has semicolons or tabs (spreadsheets in some locales)."""
    first = head.split(b"\n", 1)[0]
    if b"," not in first:
        for candidate in (b";", b"\t"):
            if candidate in first:
                return candidate.decode()
    return ","


def _header(names: list[str], kind: Kind, source: str, json_keys: bool = False) -> list[str]:
    """The header's column names, checked: required ones present, none unknown or repeated."""
    while names and not names[-1].strip():
        names = names[:-1]  # trailing empty cells that spreadsheets add
    clean = [name.strip().lower() for name in names]
    accepted = ", ".join(c.name + (" (required)" if c.required else "") for c in kind.columns)
    missing = [c.name for c in kind.columns if c.required and c.name not in clean]
    if missing:
        raise ImportRejected(
            f"{source} has no {', '.join(missing)} column{'s' if len(missing) > 1 else ''}, "
            f"which {kind.name} need. Columns for {kind.name}: {accepted}. Nothing was imported."
        )
    repeated = sorted({name for name in clean if clean.count(name) > 1})
    if repeated:
        raise ImportRejected(
            f"{source} has the column {', '.join(repeated)} more than once; nothing was imported."
        )
    unknown = [name for name in clean if name not in kind.accepted]
    if unknown and not json_keys:
        shown = ", ".join(repr(name) + _did_you_mean(name, kind) for name in unknown)
        raise ImportRejected(
            f"{source} has {'columns' if len(unknown) > 1 else 'a column'} that {kind.name} do "
            "not have: "
            f"{shown}. Columns for {kind.name}: {accepted}. Rename or remove "
            f"{'them' if len(unknown) > 1 else 'it'}; nothing was imported."
        )
    return clean


def _did_you_mean(name: str, kind: Kind) -> str:
    close = difflib.get_close_matches(name, kind.accepted, n=1, cutoff=0.75)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _check_csv(
    lines: Iterator[str], source: str, kind: Kind, now: Now, delimiter: str
) -> tuple[CheckedKind, Problems]:
    reader = csv.reader(lines, delimiter=delimiter, strict=True)  # malformed quoting: refuse
    problems = Problems(source)
    line = 0
    try:
        header = _header(next(reader, []), kind, source)
        checked = CheckedKind(kind, frozenset(header))
        check = _row_checker(kind, header, now, checked.where_line)
        width = len(header)
        rows, places = checked.rows, checked.places
        id_at = header.index("id") if "id" in header else None
        line = reader.line_num
        for cells in reader:
            start, line = line + 1, reader.line_num
            if len(cells) != width:
                if not any(cell.strip() for cell in cells):
                    continue  # a blank line
                if len(cells) < width or any(cell.strip() for cell in cells[width:]):
                    problems.add(
                        f"line {start}",
                        [
                            f"has {len(cells)} cells; the header has "
                            f"{width}. Is a comma missing or extra?"
                        ],
                    )
                    continue
            row = check(cells, start, problems)
            if row is not None:
                rows.append(row)
                places.append(start)
                if id_at is not None:
                    checked.ids.append(cells[id_at].strip() or None)
    except csv.Error as error:
        hint = "; is a quote opened there and never closed?" if "end of data" in str(error) else ""
        raise ImportRejected(
            f"{source}, line {line + 1}: not valid CSV ({error}{hint}); nothing was imported."
        ) from None
    return checked, problems


_MISS = object()  # not in a column's cache yet


def _row_checker(
    kind: Kind, header: list[str], now: Now, where: Callable[[int], str], guarded: bool = True
) -> Callable[[list[Any], int, Problems], tuple[Any, ...] | None]:
    """A function checking one row's cells (in header order) into a tuple of `kind.fields`.

    The hot path is one dict lookup per cell of a repetitive column: its cache maps each
    distinct cell, as read, to its parsed value (the empty cell of an optional column to None),
    so only a cell seen for the first time is parsed. `guarded` (CSV) undoes the export's
    formula guard before a cell is parsed.
    """
    by_name = {column.name: column for column in kind.columns}
    plan = []
    for index, name in enumerate(header):
        column = by_name.get(name)
        if column is not None:
            cache: dict[Any, Any] | None = None
            if column.repeats:
                cache = {} if column.required else {"": None}
            plan.append((index, name, cache, column))
    blank = dict.fromkeys(by_name)
    finish, pick = kind.finish, itemgetter(*kind.fields)

    def parsed(cell: Any, column: Column) -> tuple[Any, str | None]:
        """(value, None) or (None, reason) for a cell not found in a cache."""
        if isinstance(cell, str):
            if not cell or cell.isspace():
                missing = f"{column.name}: missing; every row needs one."
                return None, missing if column.required else None
            if guarded:
                cell = csv_text(cell)
        elif isinstance(cell, NotAValue):
            return None, f"{column.name}: {cell.shown} is not text, a number, true/false or a list."
        try:
            return column.parse(cell, now), None
        except InvalidInput as error:
            return None, str(error) if error.option else f"{column.name}: {error}"

    def check(cells: list[Any], place: int, problems: Problems) -> tuple[Any, ...] | None:
        values = blank.copy()
        reasons = []
        for index, name, cache, column in plan:
            cell = cells[index]
            if cache is not None:
                value = cache.get(cell, _MISS)
                if value is not _MISS:
                    values[name] = value
                    continue
            elif not cell and not column.required:
                continue  # an empty cell of an optional column: no value
            value, reason = parsed(cell, column)
            if reason is not None:
                reasons.append(reason)
                continue
            values[name] = value
            if cache is not None and len(cache) < 50_000:
                cache[cell] = value
        if not reasons:
            try:
                row: tuple[Any, ...] = pick(finish(values))
                return row
            except InvalidInput as error:
                reasons.append(str(error))
        problems.add(where(place), reasons)
        return None

    return check


@dataclass(frozen=True)
class NotAValue:
    """A JSON object or nested list where a column wants one value: refused, never parsed."""

    shown: str


def _json_cell(value: Any) -> Any:
    """A JSON value as the cell the column parsers read: text, or a tuple for a list."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(item, str | int | float) for item in value):
        return tuple(str(item) for item in value)
    return NotAValue(repr(value))


def _check_json(data: bytes, source: str, now: Now) -> CheckedFile:
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ImportRejected(f"{source} is not UTF-8 text; nothing was imported.") from None
    except json.JSONDecodeError as error:
        raise ImportRejected(
            f"{source}, line {error.lineno}: not valid JSON ({error.msg}); nothing was imported."
        ) from None
    if not isinstance(document, dict) or document.get("schema") != DIARY_SCHEMA:
        found = document.get("schema") if isinstance(document, dict) else None
        raise ImportRejected(
            f"{source} is not a spasmlog diary file (its schema is {found!r}, expected "
            f"{DIARY_SCHEMA!r}, as `spasmlog export json` writes). Nothing was imported."
        )
    problems = Problems(source)
    result = CheckedFile(source, [])
    for name in JSON_ORDER:
        records = document.get(name, [])
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            raise ImportRejected(
                f"{source}: {name!r} must be a list of objects; nothing was imported."
            )
        result.kinds.append(_check_json_kind(KINDS[name], records, source, now, problems, result))
    result.trials = _check_json_trials(document.get("trials", []), source, problems)
    problems.raise_if_any()
    return result


def _check_json_trials(records: object, source: str, problems: Problems) -> list[TrialCopy]:
    """The trials of a whole-diary JSON (spasmlog.diary.trials.copy_from_record); deleted
    ones are left out, as deleted rows are."""
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise ImportRejected(f"{source}: 'trials' must be a list of objects; nothing was imported.")
    copies = []
    for place, record in enumerate(records):
        if record.get("deleted_at"):
            continue
        try:
            copies.append(trials.copy_from_record(record))
        except InvalidInput as error:
            problems.add(f"trials, record {place + 1}", [str(error)])
    return copies


def _check_json_kind(
    kind: Kind,
    records: list[dict[str, Any]],
    source: str,
    now: Now,
    problems: Problems,
    result: CheckedFile,
) -> CheckedKind:
    keys: dict[str, None] = {}
    for record in records:
        keys.update(dict.fromkeys(record))
    keys.pop("deleted_at", None)
    header = _header(list(keys), kind, f"{source} ({kind.name})", json_keys=True) if records else []
    unknown = [key for key in header if key not in kind.accepted]
    if unknown:
        result.warnings.append(
            f"{kind.name}: ignored the keys {', '.join(unknown)} (not in this spasmlog's format)."
        )
    checked = CheckedKind(kind, frozenset(header), json=True)
    check = _row_checker(kind, header, now, checked.where_item, guarded=False)
    for place, record in enumerate(records):
        if record.get("deleted_at"):
            checked.deleted_left_out += 1
            continue
        row = check([_json_cell(record.get(key)) for key in header], place, problems)
        if row is not None:
            checked.rows.append(row)
            checked.places.append(place)
            if "id" in header:
                exported = record.get("id")
                checked.ids.append(None if exported is None else str(exported))
    return checked
