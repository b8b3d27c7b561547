"""Flaredown's CSV export (e-mailed): one row per check-in day, one column per thing tracked.

Header: Date, then one column per condition, symptom and treatment (in no particular order, the
header does not say which is which, and two may share a name: read by position), then Tags and
Foods. Dates are YYYY-MM-DD without a time. A column whose every filled cell is a whole number
0-4 is a rating (condition or symptom); any other is a treatment, its cells a dose ("400 mg").

- a rating column named like a cramp or spasm, naming a muscle ("Leg cramps" does not: "Calf
  cramps" does), gives an episode on each day rated 1 or more: no clock time, severity converted
  from 0-4 (x 2.5, marked converted);
- a rating column named sweat*, vomit*, diarrh* or fever* sets that yes/no field on days rated 1+;
- any other rating is a tag (its name) on days rated 1 or more;
- a treatment gives medication periods from runs of days with a dose (see app_csv); magnesium
  with a dose in mg also fills the day's magnesium;
- Tags (joined with "; ") are tags; Foods are left out.
"""

from __future__ import annotations

import csv
import datetime as dt
import re

from spasmlog.interchange.importing import app_csv
from spasmlog.interchange.importing.harvest import EpisodeRow, Harvest, Progress, convert_severity
from spasmlog.interchange.importing.sources import Opened, Options, SimpleFormat, Sniff

NAME = "flaredown"
_RATING = re.compile(r"[0-4]")


def recognises(sniff: Sniff) -> bool:
    header = sniff.header
    return len(header) >= 3 and header[0] == "date" and header[-2:] == ("tags", "foods")


def read(opened: Opened, options: Options, progress: Progress | None) -> Harvest:
    harvest = Harvest(NAME, "Flaredown", opened.name, opened.modified)
    problems = app_csv.Problems(opened.name)
    names = _header(opened)
    table: list[tuple[int, dt.date, list[str]]] = []
    for line, cells in app_csv.rows(opened, progress):
        if len(cells) != len(names):
            problems.add(line, f"has {len(cells)} cells; the header has {len(names)}.")
            continue
        try:
            table.append((line, dt.date.fromisoformat(cells[0].strip()), cells))
        except ValueError:
            problems.add(line, f"Date {cells[0]!r} is not a date like 2024-03-01.")
    problems.raise_if_any()
    runs = app_csv.Runs(recorded={day for _, day, _ in table})
    unnamed: set[str] = set()
    for column in range(1, len(names) - 2):
        name = names[column]
        filled = [(day, cells[column].strip()) for _, day, cells in table if cells[column].strip()]
        if all(_RATING.fullmatch(value) for _, value in filled):
            nth = names[1:column].count(name)  # two columns may share a name
            _rating(harvest, name, nth, [(d, int(v)) for d, v in filled], unnamed)
        else:
            for day, dose in filled:
                runs.taken(name, day, dose)
                app_csv.add_magnesium(harvest, day, app_csv.magnesium_mg(name, dose))
    for _, day, cells in table:
        for tag in (t.strip() for t in cells[-2].split(";")):
            if tag:
                harvest.tag(day, app_csv.tag_of(tag), "Tags")
                harvest.tag_columns["Tags"] = "each tag as it is"
    harvest.periods = runs.periods(NAME)
    harvest.notes.append("severity converted from Flaredown's 0-4 (x 2.5; see the README)")
    harvest.notes.append("Foods left out")
    if unnamed:
        harvest.notes.append(
            f"cramp columns naming no muscle spasmlog knows, kept as tags: {', '.join(sorted(unnamed))}"
        )
    return harvest


def _rating(
    harvest: Harvest, name: str, nth: int, ratings: list[tuple[dt.date, int]], unnamed: set[str]
) -> None:
    flag = app_csv.flag_for(name)
    muscle = app_csv.muscle_of(name)
    for day, rating in ratings:
        if rating < 1:
            continue
        if flag is not None:
            harvest.set(day, flag, True)
            harvest.tag_columns.setdefault(name, flag)
        elif app_csv.is_cramp(name) and muscle is not None:
            key = f"{day}|{name.lower()}|{nth}"
            harvest.episodes.append(
                EpisodeRow(
                    key,
                    app_csv.noon(day),
                    False,
                    muscle,
                    app_csv.side_of(name),
                    convert_severity(rating, "0-4"),
                    "0-4",
                    None,
                )  # fmt: skip
            )
        else:
            if app_csv.is_cramp(name):
                unnamed.add(name)
            harvest.tag(day, app_csv.tag_of(name), name)


def _header(opened: Opened) -> list[str]:
    first = opened.head().split(b"\n", 1)[0].decode("utf-8", "replace").removeprefix("\ufeff")
    return [cell.strip() for cell in next(csv.reader([first.rstrip("\r")]))]


FORMAT = SimpleFormat(
    NAME,
    "Flaredown",
    "a CSV header whose first cell is Date and last two are Tags,Foods",
    recognises,
    read,
)
