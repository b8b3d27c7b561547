"""What an import from another app's export yields, before the diary is looked at: a Harvest.

Every source module (apple_health, bearable, daylio, flaredown) reads its file into one of these:
check-in values by date and field, exercise sessions, episodes and medication periods, each
whole row with a stable key made from the source's own identifiers and times, so that importing
the same export again finds them. The merge (spasmlog.interchange.importing.merge) then fills,
updates or keeps each value against the diary, recording its provenance.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from spasmlog.core.errors import ExitCode, SpasmlogError

Progress = Callable[[str, int, int], None]  # (phase, done, total)

# The check-in columns an import may fill, in the order the dry run lists them, with their words.
DAY_FIELDS: dict[str, str] = {
    "fluid_ml": "fluids",
    "sleep_h": "sleep",
    "exercised": "exercise answer",
    "alcohol_units": "alcohol",
    "magnesium_mg": "magnesium",
    "sweating": "sweating",
    "vomiting": "vomiting",
    "diarrhea": "diarrhea",
    "fever": "fever",
    "hot_weather": "hot weather",
    "tags": "tags",
}


class ImportRejected(SpasmlogError):
    """The file cannot be imported as it is; the message says why. Nothing was written."""

    exit_code = ExitCode.BAD_INPUT


@dataclass(frozen=True)
class SessionRow:
    key: str
    started_at: dt.datetime  # aware, at the offset the source gave
    activity: str
    minutes: int | None
    intensity: str | None

    def value(self) -> dict[str, Any]:
        return {
            "started_at": self.started_at.astimezone(dt.UTC).isoformat(),
            "activity": self.activity,
            "minutes": self.minutes,
            "intensity": self.intensity,
        }


@dataclass(frozen=True)
class EpisodeRow:
    key: str
    started_at: dt.datetime  # aware; 12:00 local on its date when not time_known
    time_known: bool
    muscle: str
    side: str | None
    severity: int | None
    severity_scale: str | None  # "0-4": converted (SEVERITY_TABLES); None: the source's 0-10
    note: str | None
    symptoms: tuple[str, ...] = ()

    def value(self) -> dict[str, Any]:
        return {
            "started_at": self.started_at.astimezone(dt.UTC).isoformat(),
            "time_known": self.time_known,
            "muscle": self.muscle,
            "side": self.side,
            "severity": self.severity,
            "severity_scale": self.severity_scale,
            "note": self.note,
            "symptoms": list(self.symptoms),
        }


@dataclass(frozen=True)
class PeriodRow:
    key: str
    name: str
    dose: str | None
    started_on: dt.date
    stopped_on: dt.date | None  # None: still taken on the export's last day

    def value(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "dose": self.dose,
            "started_on": self.started_on.isoformat(),
            "stopped_on": None if self.stopped_on is None else self.stopped_on.isoformat(),
        }


@dataclass
class Harvest:
    """Everything one export gives, checked, in spasmlog's units."""

    source: str  # the format's name: "apple-health"
    label: str  # "Apple Health"
    file: str  # as named in messages
    exported_at: dt.datetime | None
    days: dict[dt.date, dict[str, Any]] = field(default_factory=dict)  # date -> field -> value
    sessions: list[SessionRow] = field(default_factory=list)
    episodes: list[EpisodeRow] = field(default_factory=list)
    periods: list[PeriodRow] = field(default_factory=list)
    tag_columns: dict[str, str] = field(default_factory=dict)  # source column/activity -> tag
    notes: list[str] = field(default_factory=list)  # what was read, left out or converted

    def set(self, day: dt.date, name: str, value: Any) -> None:
        self.days.setdefault(day, {})[name] = value

    def add(self, day: dt.date, name: str, amount: float) -> None:
        fields = self.days.setdefault(day, {})
        fields[name] = fields.get(name, 0) + amount

    def tag(self, day: dt.date, tag: str, column: str) -> None:
        tags = self.days.setdefault(day, {}).setdefault("tags", [])
        if tag not in tags:
            tags.append(tag)
        self.tag_columns.setdefault(column, tag)

    def is_empty(self) -> bool:
        return not (self.days or self.sessions or self.episodes or self.periods)


# --- conversions every source shares --------------------------------------------------------

# Severity scales converted to spasmlog's 0-10: the value times the factor, rounded half up.
SEVERITY_TABLES: dict[str, float] = {"0-4": 2.5}


def convert_severity(value: float, scale: str) -> int:
    """A rating on another app's scale as spasmlog's 0-10 (0-4: 0, 3, 5, 8, 10)."""
    return int(value * SEVERITY_TABLES[scale] + 0.5)
