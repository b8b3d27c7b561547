"""Episodes as plain records: the one shape shared by `list`, the CSV/JSON exports and import.

Column names are a contract (see the README's CSV formats). Lists are JSON arrays in JSON and
";"-joined in CSV. CSV text cells that a spreadsheet would run as a formula are neutralised.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from spasmlog.db.models import Episode, ExerciseSession
from spasmlog.parsing import format_exercise

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
)
EXERCISE_COLUMNS = ("started_at", "activity", "minutes", "intensity", "muscles")
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


def local_time(moment: dt.datetime, offset_min: int) -> dt.datetime:
    """An instant shown at the UTC offset the person had when they logged it."""
    return moment.astimezone(dt.timezone(dt.timedelta(minutes=offset_min)))


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
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_cell(row.get(column)) for column in columns])
    return buffer.getvalue()
