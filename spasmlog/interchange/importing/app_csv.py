"""What the CSV exports of diary apps (Bearable, Daylio, Flaredown) share: reading the rows,
words that set a check-in's yes/no fields or mark a cramp, muscles and sides in free text, tags,
and medication periods from runs of days.

Keyword rules, the same for every app (a name matches when one of its words starts so):
- sweat*, vomit*, diarrh*, fever* -> the check-in's sweating, vomiting, diarrhea, fever: yes;
- cramp*, spasm*, charley horse, charlie horse, twitch* -> an episode, when the name or the
  note names a muscle spasmlog knows (`spasmlog muscles`); otherwise a tag, never a guess;
- a medication period runs over the days a medication was recorded, and breaks at a day the
  app recorded without it or after more than RUN_GAP_DAYS days with no record at all.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field

from spasmlog.core import clock
from spasmlog.core.errors import InvalidInput
from spasmlog.core.parsing import MAX_DOSE_CHARS, MAX_NAME_CHARS, MAX_TAG_CHARS
from spasmlog.interchange.importing.harvest import Harvest, ImportRejected, PeriodRow, Progress
from spasmlog.interchange.importing.sources import Opened
from spasmlog.knowledge.muscles import find_muscle

SHOW_AT_MOST = 20
RUN_GAP_DAYS = 3
FLAGS = (("sweat", "sweating"), ("vomit", "vomiting"), ("diarrh", "diarrhea"), ("fever", "fever"))
_CRAMP = re.compile(r"\b(cramp|spasm|charley horse|charlie horse|twitch)", re.IGNORECASE)
_SIDE = (("both", "both"), ("left", "left"), ("right", "right"))
_MG = re.compile(r"([0-9]+(?:[.,][0-9]+)?)\s*mg\b", re.IGNORECASE)


def flag_for(name: str) -> str | None:
    """The check-in yes/no field a symptom or activity name sets, if any."""
    words = name.lower().split()
    for stem, flag in FLAGS:
        if any(word.startswith(stem) for word in words):
            return flag
    return None


def is_cramp(name: str) -> bool:
    return _CRAMP.search(name) is not None


def side_of(*texts: str | None) -> str | None:
    for text in texts:
        words = set(re.findall(r"[a-z]+", (text or "").lower()))
        for word, side in _SIDE:
            if word in words:
                return side
    return None


def muscle_of(*texts: str | None) -> str | None:
    for text in texts:
        if text:
            muscle = find_muscle(text)
            if muscle is not None:
                return muscle
    return None


def tag_of(text: str) -> str:
    """A name as a check-in tag: spaces collapsed, no ';', at most MAX_TAG_CHARS."""
    return " ".join(text.replace(";", ",").split())[:MAX_TAG_CHARS].strip().lower()


def magnesium_mg(*texts: str | None) -> float | None:
    for text in texts:
        match = _MG.search(text or "")
        if match is not None and "magnes" in " ".join(t or "" for t in texts).lower():
            return float(match.group(1).replace(",", "."))
    return None


def noon(day: dt.date) -> dt.datetime:
    """Where an episode with a date but no clock time is stored: its analysis day is `day`."""
    return clock.at(day, dt.time(12))


class Problems:
    def __init__(self, file: str) -> None:
        self.file, self.shown, self.count = file, [], 0  # type: tuple[str, list[str], int]

    def add(self, line: int, reason: str) -> None:
        self.count += 1
        if self.count <= SHOW_AT_MOST:
            self.shown.append(f"  line {line}: {reason}")

    def raise_if_any(self) -> None:
        if self.count:
            more = (
                f"\n  ... and {self.count - SHOW_AT_MOST} more."
                if self.count > SHOW_AT_MOST
                else ""
            )
            rows = "1 bad row" if self.count == 1 else f"{self.count} bad rows"
            raise ImportRejected(
                f"{self.file}: {rows}; nothing was imported:\n" + "\n".join(self.shown) + more
            )


def rows(opened: Opened, progress: Progress | None) -> Iterator[tuple[int, list[str]]]:
    """(line, cells) of every non-blank row after the header, UTF-8 (a BOM is fine)."""
    done = 0

    def lines() -> Iterator[str]:
        nonlocal done
        for number, raw in enumerate(opened.stream, 1):
            done += len(raw)
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise ImportRejected(
                    f"{opened.name}, line {number}: not UTF-8 text. Nothing was imported."
                ) from None
            yield text.removeprefix("\ufeff") if number == 1 else text

    reader = csv.reader(lines(), strict=True)
    try:
        next(reader, None)
        for cells in reader:
            if any(cell.strip() for cell in cells):
                if progress is not None and reader.line_num % 4096 == 0:
                    progress("reading", done, opened.size)
                yield reader.line_num, cells
    except csv.Error as error:
        raise ImportRejected(
            f"{opened.name}, line {reader.line_num}: not valid CSV ({error}); nothing was imported."
        ) from None


def local(day: dt.date, time: dt.time, line: int, problems: Problems) -> dt.datetime | None:
    """A local wall-clock time in the person's zone; a time the clocks skipped is a bad row."""
    try:
        return clock.at(day, time)
    except InvalidInput as error:
        problems.add(line, str(error))
        return None


@dataclass
class Runs:
    """Days each medication was recorded on, and every day the app recorded anything."""

    days: dict[str, dict[dt.date, str | None]] = field(default_factory=dict)  # name -> day -> dose
    recorded: set[dt.date] = field(default_factory=set)

    def taken(self, name: str, day: dt.date, dose: str | None) -> None:
        self.days.setdefault(name, {})[day] = dose

    def periods(self, source: str) -> list[PeriodRow]:
        """One period per run; one still running on the app's last recorded day has no stop."""
        if not self.recorded:
            return []
        recorded = sorted(self.recorded)
        last_recorded = recorded[-1]
        found = []
        for name, taken in sorted(self.days.items()):
            days = sorted(taken)
            start = previous = days[0]
            for day in [*days[1:], None]:
                broken = day is None or (day - previous).days > RUN_GAP_DAYS
                if day is not None and not broken:
                    broken = bisect_right(recorded, previous) < bisect_left(recorded, day)
                if broken:
                    stop = None if previous == last_recorded else previous
                    clean = " ".join(name.split())[:MAX_NAME_CHARS]
                    dose = taken[start]
                    found.append(
                        PeriodRow(
                            f"{source}|{clean.lower()}|{start}",
                            clean,
                            dose[:MAX_DOSE_CHARS] if dose else None,
                            start,
                            stop,
                        )
                    )
                    start = day if day is not None else start
                if day is not None:
                    previous = day
        return found


def add_magnesium(harvest: Harvest, day: dt.date, mg: float | None) -> None:
    if mg is not None:
        harvest.add(day, "magnesium_mg", mg)
