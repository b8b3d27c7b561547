"""Diary rows as plain records: the one shape shared by `list`, the CSV/JSON exports and import.

Column names are a contract (see the README's CSV formats). Lists are JSON arrays in JSON and
";"-joined in CSV. CSV text cells that a spreadsheet would run as a formula are neutralised.

The whole-diary JSON file (`spasmlog export json`, read back by `spasmlog import --kind json`)::

    {
      "schema": "spasmlog.diary/1",
      "spasmlog_version": "0.1.0",
      "exported_at": "2026-03-15T12:00:00+01:00",
      "episodes":   [{"id": 1, "started_at": "2026-03-14T03:10:00+01:00", "muscle": "calf", ...}],
      "checkins":   [{"date": "2026-03-14", "fluid_l": 1.2, "sweating": true, ...}],
      "exercise":   [{"started_at": "...", "activity": "run", "minutes": 45, ...}],
      "meds":       [{"name": "Lipitor 20mg", "dose": "20 mg", "class": "statin", ...}],
      "conditions": [{"name": "hypothyroidism", "group": "thyroid", "since": null, ...}],
      "labs":       [{"taken_on": "2026-02-01", "test": "potassium", "value": 3.3, ...}]
    }

- Each list holds records whose keys are exactly that kind's CSV columns (COLUMNS_BY_KIND; the
  JSON keys are the kind names), in the same order. Values keep their JSON types: numbers are
  numbers, booleans true/false, lists (relief, symptoms, medications, tags, muscles) arrays,
  unknown values null. Times are ISO 8601 with the offset the person had; dates are YYYY-MM-DD.
  Text is never formula-guarded in JSON: the guard is for spreadsheets.
- Units are the columns' own: litres for fluids (`fluid_l`, `fluid_l_24h`), seconds for
  `duration_s`. A lab's `value` and `unit` are as entered; `range` is the lab's own range in that
  unit ("3.5-5.1"), null when the result was judged against the built-in reference range.
- Rows are in time order (episodes, exercise by start; check-ins by date; meds by start date;
  labs by date; conditions as entered). Soft-deleted rows are left out unless exported with
  `--include-deleted`; then every record also has a "deleted_at" key (an ISO 8601 UTC time, or
  null for a live row).
- Exercise: `exercise` lists every session, also those logged with `log --exercise` or
  `checkin --exercise` (the sessions table is the one source of truth). An episode's `exercise`
  field names the session it was logged with, which by construction started `minutes` before the
  episode; an importer links the two by that start time and activity instead of making a second
  session.
- An exercise record's `source` is the command that made it: exercise, log, checkin or import.
- A check-in's `exercised` is the day's answer to "did you exercise?": true, false for a known
  "no" (`checkin --no-exercise`), null when not answered; `trial_taken` the night's answer to
  "did you take the trial's remedy?" (`checkin --trial`), null outside a trial.
- `trials` lists the single-person trials (`spasmlog trial`), each with its protocol, its secret
  seed and the fingerprint printed at its start, so that an imported trial goes on as it was.
- The schema id changes only when a key changes meaning or goes away; new keys may be added.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from spasmlog.core.clock import local_time
from spasmlog.core.parsing import format_exercise
from spasmlog.db.models import (
    Checkin,
    Condition,
    Episode,
    ExerciseSession,
    LabResult,
    Medication,
)
from spasmlog.knowledge.labs import from_mmol_l

DIARY_SCHEMA = "spasmlog.diary/1"

EPISODE_COLUMNS = (
    "id",
    "started_at",
    "muscle",
    "side",
    "duration_s",
    "severity",
    "woke",
    "fluid_l_24h",
    "exercise",
    "relief",
    "relief_score",
    "symptoms",
    "medications",
    "note",
)
# The CSV formats of `export csv` and `import` (one header row; lists joined with ";"; times
# ISO 8601 with offset; booleans 1/0). Required columns for import are listed in the README.
CHECKIN_COLUMNS = (
    "date",
    "fluid_l",
    "sweating",
    "vomiting",
    "diarrhea",
    "fever",
    "hot_weather",
    "sleep_h",
    "magnesium_mg",
    "alcohol_units",
    "tags",
    "note",
    "exercised",  # the day's exercise answer: 1 yes, 0 a known no, empty not answered
    "trial_taken",  # during a trial (`checkin --trial`): took the remedy that night, 1 or 0
)
EXERCISE_COLUMNS = ("started_at", "activity", "minutes", "intensity", "muscles", "source")
MEDICATION_COLUMNS = ("name", "dose", "class", "started_on", "stopped_on")
CONDITION_COLUMNS = ("name", "group", "since", "until")
LAB_COLUMNS = ("taken_on", "test", "value", "unit", "range")
COLUMNS_BY_KIND = {
    "episodes": EPISODE_COLUMNS,
    "checkins": CHECKIN_COLUMNS,
    "exercise": EXERCISE_COLUMNS,
    "meds": MEDICATION_COLUMNS,
    "conditions": CONDITION_COLUMNS,
    "labs": LAB_COLUMNS,
}
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def episode_record(episode: Episode, exercise: ExerciseSession | None) -> dict[str, Any]:
    return {
        "id": episode.id,
        "started_at": local_time(episode.started_at, episode.utc_offset_min).isoformat(),
        "muscle": episode.muscle,
        "side": episode.side,
        "duration_s": episode.duration_s,
        "severity": episode.severity,
        "woke": episode.woke,
        "fluid_l_24h": None if episode.fluid_ml_24h is None else episode.fluid_ml_24h / 1000,
        "exercise": None
        if exercise is None
        else format_exercise(exercise.activity, exercise.minutes, exercise.intensity),
        "relief": list(episode.relief),
        "relief_score": episode.relief_score,
        "symptoms": list(episode.symptoms),
        "medications": list(episode.medications),
        "note": episode.note,
    }


def checkin_record(checkin: Checkin) -> dict[str, Any]:
    return {
        "date": checkin.date.isoformat(),
        "fluid_l": None if checkin.fluid_ml is None else checkin.fluid_ml / 1000,
        "sweating": checkin.sweating,
        "vomiting": checkin.vomiting,
        "diarrhea": checkin.diarrhea,
        "fever": checkin.fever,
        "hot_weather": checkin.hot_weather,
        "sleep_h": checkin.sleep_h,
        "magnesium_mg": checkin.magnesium_mg,
        "alcohol_units": checkin.alcohol_units,
        "tags": list(checkin.tags),
        "note": checkin.note,
        "exercised": checkin.exercised,
        "trial_taken": checkin.trial_taken,
    }


def exercise_record(exercise: ExerciseSession) -> dict[str, Any]:
    return {
        "started_at": local_time(exercise.started_at, exercise.utc_offset_min).isoformat(),
        "activity": exercise.activity,
        "minutes": exercise.minutes,
        "intensity": exercise.intensity,
        "muscles": list(exercise.muscles),
        "source": exercise.source,
    }


def medication_record(medication: Medication) -> dict[str, Any]:
    return {
        "name": medication.name,
        "dose": medication.dose,
        "class": medication.drug_class,
        "started_on": medication.started_on.isoformat(),
        "stopped_on": _iso_date(medication.stopped_on),
    }


def condition_record(condition: Condition) -> dict[str, Any]:
    return {
        "name": condition.name,
        "group": condition.group,
        "since": _iso_date(condition.since),
        "until": _iso_date(condition.until),
    }


def lab_record(lab: LabResult) -> dict[str, Any]:
    """A result as entered; `range` is the lab's own one, given back in the result's unit."""
    lab_range = None
    if lab.range_source == "lab":
        low, high = (
            _plain_number(from_mmol_l(lab.test, limit, lab.unit))
            for limit in (lab.range_low_mmol_l, lab.range_high_mmol_l)
        )
        lab_range = f"{low}-{high}"
    return {
        "taken_on": lab.taken_on.isoformat(),
        "test": lab.test,
        "value": lab.value,
        "unit": lab.unit,
        "range": lab_range,
    }


def _iso_date(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def _plain_number(value: float) -> str:
    """3.5000000000000004 -> "3.5": undo the float noise of a unit conversion round trip."""
    return format(round(value, 6), "g")


def csv_cell(value: Any) -> str:
    """One value as CSV text: lists joined with ";", booleans 1/0, formula-like text guarded.

    OWASP's advice for CSV injection: prefix a single quote to any text cell starting with
    = + - @ tab or carriage return (and to text that already starts with quotes before one, so
    that `csv_text` can undo it exactly). Numbers (including negative ones) are not text and stay as
    they are.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, float) else str(value)
    if isinstance(value, list | tuple):
        value = ";".join(str(item) for item in value)
    text = str(value)
    return "'" + text if _looks_guarded(text) else text


def _looks_guarded(text: str) -> bool:
    """Formula-like text, or text that would read back as guarded formula text."""
    return text.lstrip("'").startswith(_FORMULA_STARTS)


def csv_text(cell: str) -> str:
    """The inverse of the guard in csv_cell, used by import: drop the one quote it added."""
    return cell[1:] if cell.startswith("'") and _looks_guarded(cell) else cell


def write_csv(rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> str:
    """Rows as RFC 4180 CSV: lines end in CRLF, as spreadsheets write them.

    The csv module quotes a cell holding a character of the line terminator, so with CRLF a
    note's bare "\r" (old Mac text) is quoted like "\n"; with "\n" alone it would be left bare
    (before Python 3.11.9) and split the row. `spasmlog import` reads either line end.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_cell(row.get(column)) for column in columns])
    return buffer.getvalue()
