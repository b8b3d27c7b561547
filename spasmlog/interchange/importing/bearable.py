"""Bearable's CSV export: one row per logged item, with a date and a part of the day, no clock time.

Columns, by position: date, date formatted (YYYY-MM-DD; older exports lack it and have "30th Nov
2021" only), weekday, time of day (pre, am, mid, pm or empty), category, rating/amount, detail,
notes. What each category fills:

- Symptom ("Calf cramp (Severe)", rating 0-4, several joined with "|": the highest is kept):
  a cramp or spasm naming a muscle is an episode on that date, no clock time (the part of the
  day goes into its note), its severity converted from 0-4 (x 2.5, marked converted); sweating,
  vomiting, diarrhea and fever set the check-in's yes/no fields; any other symptom rated 1 or
  more is a tag. Other symptoms of the same date and part of the day that spasmlog knows
  (numbness, tingling, weakness...) are the episode's symptoms.
- Meds/Supplements: medication periods from runs of days (see app_csv); magnesium with an amount
  in mg also fills the day's magnesium.
- Sleep ("6h 50m", "7:30" or "7.5"): hours slept, on the row's date (Bearable logs a night on the
  day it ends). Health measurements named water, fluid or hydration: fluids, in the unit the
  name gives (L by default). Other measurements, mood, energy and sleep quality are left out;
  any other category's items are tags.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

from spasmlog.core import parsing
from spasmlog.core.errors import InvalidInput
from spasmlog.interchange.importing import app_csv
from spasmlog.interchange.importing.harvest import (
    EpisodeRow,
    Harvest,
    Progress,
    convert_severity,
)
from spasmlog.interchange.importing.sources import Opened, Options, SimpleFormat, Sniff
from spasmlog.knowledge.factors import SYMPTOMS

NAME = "bearable"
PARTS = {"pre": "early morning", "am": "morning", "mid": "afternoon", "pm": "evening"}
HEADERS = (
    (
        "date",
        "dateformatted",
        "weekday",
        "timeofday",
        "category",
        "ratingamount",
        "detail",
        "notes",
    ),
    ("date", "weekday", "timeofday", "category", "ratingoramount", "detail", "notes"),
)
FLUID_UNITS = {"l": 1000.0, "litre": 1000.0, "liter": 1000.0, "ml": 1.0, "oz": 29.5735,
               "fl oz": 29.5735, "cup": 240.0, "cups": 240.0, "glass": 250.0, "glasses": 250.0}  # fmt: skip
LEFT_OUT = {"health measurements", "mood", "energy", "sleep quality"}
_SEVERITY_WORD = re.compile(r"\s*\(([A-Za-z ]+)\)\s*$")
_HUMAN_DATE = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3})[a-z]*\s+(\d{4})")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _normal(cell: str) -> str:
    return re.sub(r"[^a-z]", "", cell.lower())


def recognises(sniff: Sniff) -> bool:
    return tuple(_normal(cell) for cell in sniff.header) in HEADERS


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        match = _HUMAN_DATE.fullmatch(text.strip())
        if match is None or match.group(2).lower() not in _MONTHS:
            raise
        day, month, year = match.groups()
        return dt.date(int(year), _MONTHS.index(month.lower()) + 1, int(day))


def _rating(text: str) -> float | None:
    values = [float(v) for v in re.findall(r"[0-9]+(?:\.[0-9]+)?", text)]
    return max(values) if values else None


def _sleep(text: str) -> float:
    text = text.strip().lower()
    if re.fullmatch(r"\d{1,2}:\d{2}", text):
        hours, minutes = text.split(":")
        return round(int(hours) + int(minutes) / 60, 2)
    return parsing.parse_sleep(text.replace(" ", ""), "rating/amount")


def _fluid_ml(name: str, amount: str) -> float:
    unit_match = re.search(r"\(([^)]*)\)", name)
    unit = (unit_match.group(1) if unit_match else "l").strip().lower()
    value = float(amount)
    return value * FLUID_UNITS.get(unit, 1000.0 if value < 20 else 1.0)


def read(opened: Opened, options: Options, progress: Progress | None) -> Harvest:
    harvest = Harvest(NAME, "Bearable", opened.name, opened.modified)
    problems = app_csv.Problems(opened.name)
    runs = app_csv.Runs()
    cramps: dict[tuple[dt.date, str, str], EpisodeRow] = {}
    symptoms: dict[tuple[dt.date, str], list[str]] = {}
    left_out: set[str] = set()
    unnamed = 0
    for line, cells in app_csv.rows(opened, progress):
        if len(cells) == 7:
            cells = [cells[0], "", *cells[1:]]
        if len(cells) != 8:
            problems.add(line, f"has {len(cells)} cells; a Bearable row has 8 (or 7).")
            continue
        _, formatted, _, part, category, amount, detail, notes = (c.strip() for c in cells)
        try:
            day = _date(formatted or cells[0])
        except ValueError:
            problems.add(line, f"date {formatted or cells[0]!r} is not a date.")
            continue
        runs.recorded.add(day)
        kind = category.lower()
        try:
            if kind == "symptom":
                name = _SEVERITY_WORD.sub("", detail).strip()
                rating = _rating(amount)
                flag = app_csv.flag_for(name)
                muscle = app_csv.muscle_of(name, notes)
                if app_csv.is_cramp(name) and muscle is not None:
                    if rating is not None and not 0 <= rating <= 4:
                        raise InvalidInput("rating/amount", amount, "A symptom is rated 0-4.")
                    when = f" ({PARTS[part]})" if part in PARTS else ""
                    key = f"{day}|{part}|{name.lower()}"
                    cramps[(day, part, name.lower())] = EpisodeRow(
                        key, app_csv.noon(day), False, muscle, app_csv.side_of(name, notes),
                        None if rating is None else convert_severity(rating, "0-4"),
                        None if rating is None else "0-4",
                        (notes + when).strip() or None,
                    )  # fmt: skip
                elif rating is not None and rating >= 1:
                    if flag is not None:
                        harvest.set(day, flag, True)
                    else:
                        unnamed += app_csv.is_cramp(name)
                        harvest.tag(day, app_csv.tag_of(name), f"Symptom: {name}")
                    symptoms.setdefault((day, part), []).append(name.lower())
            elif kind == "meds/supplements":
                runs.taken(detail, day, None)
                mg = app_csv.magnesium_mg(detail, amount)
                count = _rating(amount) if "mg" not in amount.lower() else 1.0
                app_csv.add_magnesium(harvest, day, None if mg is None else mg * (count or 1.0))
            elif kind == "sleep":
                harvest.set(day, "sleep_h", _sleep(amount))
            elif kind == "health measurements" and re.search(r"water|fluid|hydrat", detail, re.I):
                harvest.add(day, "fluid_ml", _fluid_ml(detail, amount))
            elif kind in LEFT_OUT or not detail:
                left_out.add(category)
            else:
                harvest.tag(day, app_csv.tag_of(detail), f"{category}: {detail}")
        except (InvalidInput, ValueError) as error:
            problems.add(line, f"{category} {detail!r}: {error}")
    problems.raise_if_any()
    for (day, part, _), episode in cramps.items():
        known = [s for s in symptoms.get((day, part), []) if s in SYMPTOMS]
        harvest.episodes.append(replace(episode, symptoms=tuple(dict.fromkeys(known))))
    for values in harvest.days.values():
        if "fluid_ml" in values:
            values["fluid_ml"] = round(values["fluid_ml"])
        if "magnesium_mg" in values:
            values["magnesium_mg"] = round(values["magnesium_mg"], 1)
    harvest.periods = runs.periods(NAME)
    harvest.notes.append("severity converted from Bearable's 0-4 (x 2.5; see the README)")
    if unnamed:
        harvest.notes.append(
            f"{unnamed} cramp rows name no muscle spasmlog knows: kept as tags, not episodes"
        )
    if left_out:
        harvest.notes.append(f"left out: {', '.join(sorted(left_out))}")
    return harvest


FORMAT = SimpleFormat(
    NAME,
    "Bearable",
    "a CSV header date,date formatted,weekday,time of day,category,rating/amount,detail,notes",
    recognises,
    read,
)
