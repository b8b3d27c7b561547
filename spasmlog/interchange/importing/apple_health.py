"""Apple Health: `export.zip` (holding apple_health_export/export.xml) or the bare export.xml.

Streamed (spasmlog.interchange.importing.safe_xml): only the start of each element is looked at,
and of those only a few record types are kept, so a file of several GB reads in constant memory.

- Water (HKQuantityTypeIdentifierDietaryWater) -> `fluid_ml`, summed per local date of each
  sample's own start (its own UTC offset), from mL, L, fl_oz_us, fl_oz_imp or cup_us. The export
  holds every app's samples, and two apps often write the same drink: samples with the same start
  instant and amount are one drink, counted as many times as the app that wrote it most often
  wrote it (so two apps writing one glass give one glass; one app logging two glasses at once
  gives two). `--source NAME` keeps only the named apps' records, of every type.
- Sleep (HKCategoryTypeIdentifierSleepAnalysis, the asleep values only: not in bed, not awake)
  -> `sleep_h`. The asleep spans of every source are merged (a phone's and a watch's overlapping
  night counts once), and each merged span goes on the date of waking: the local date of its end,
  where an end after 18:00 belongs to the next night.
- Workouts -> exercise sessions: start, activity (HKWorkoutActivityTypeTraditionalStrengthTraining
  -> "traditional strength training"), minutes (duration, else end minus start), intensity from
  the average METs (HKAverageMETs: under 3 light, 3-6 moderate, over 6 vigorous), else from the
  average heart rate against 220 minus the age on that day (under 64% light, under 77% moderate,
  else vigorous: ACSM's bands), else unknown. The same workout from two apps (same activity, same
  start minute) is kept once. A day with a workout is also answered "exercised".
- Alcoholic beverages (HKQuantityTypeIdentifierNumberOfAlcoholicBeverages, a count of US
  standard drinks of 14 g of alcohol) -> `alcohol_units` at 1.75 UK units a drink; dietary
  magnesium (mg, g or mcg) -> `magnesium_mg`, both per local date with the same-drink rule.

Dates look like "2024-03-01 08:05:00 +0100", or in some exports "2024-03-01 8:05:00 PM +0100".
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO

from spasmlog.core.parsing import MAX_EXERCISE_MIN, MAX_SLEEP_H
from spasmlog.interchange.importing import safe_xml
from spasmlog.interchange.importing.harvest import Harvest, ImportRejected, Progress, SessionRow
from spasmlog.interchange.importing.sources import Opened, Options, SimpleFormat, Sniff

NAME = "apple-health"
MEMBER = "apple_health_export/export.xml"
WATER = "HKQuantityTypeIdentifierDietaryWater"
SLEEP = "HKCategoryTypeIdentifierSleepAnalysis"
ALCOHOL = "HKQuantityTypeIdentifierNumberOfAlcoholicBeverages"
MAGNESIUM = "HKQuantityTypeIdentifierDietaryMagnesium"
ASLEEP = frozenset(
    "HKCategoryValueSleepAnalysis" + stage
    for stage in ("Asleep", "AsleepUnspecified", "AsleepCore", "AsleepDeep", "AsleepREM")
)
TO_ML = {"ml": 1.0, "l": 1000.0, "dl": 100.0, "cl": 10.0, "fl_oz_us": 29.5735,
         "fl_oz_imp": 28.4131, "cup_us": 236.588}  # fmt: skip
TO_MG = {"mg": 1.0, "g": 1000.0, "mcg": 0.001, "µg": 0.001}
UK_UNITS_PER_DRINK = 1.75  # a US standard drink, 14 g of alcohol; a UK unit is 8 g
NIGHT_ENDS = dt.timedelta(hours=6)  # sleep ending after 18:00 goes on the next date
METS = ((3.0, "light"), (6.0, "moderate"))  # up to and including: else vigorous
HEART_SHARE = ((0.64, "light"), (0.77, "moderate"))  # below: else vigorous
SHOW_AT_MOST = 20

_TWELVE_HOUR = re.compile(
    r"(\d{4}-\d{2}-\d{2}) (\d{1,2}):(\d{2}):(\d{2}) ?([AaPp])\.?[Mm]\.? ([+-]\d{4})$"
)
_NUMBER = re.compile(r"\s*([0-9]+(?:\.[0-9]+)?)")


def when(text: str) -> dt.datetime:
    """Apple's "YYYY-MM-DD HH:MM:SS +HHMM" (or its 12-hour form) as an aware datetime."""
    try:
        return dt.datetime.strptime(text, "%Y-%m-%d %H:%M:%S %z")
    except ValueError:
        match = _TWELVE_HOUR.match(text.strip())
        if match is None:
            raise
        day, hour, minute, second, half, offset = match.groups()
        clock = int(hour) % 12 + (12 if half.lower() == "p" else 0)
        if not 1 <= int(hour) <= 12:
            raise ValueError(text) from None
        return dt.datetime.strptime(
            f"{day} {clock:02d}:{minute}:{second} {offset}", "%Y-%m-%d %H:%M:%S %z"
        )


def activity_words(kind: str) -> str:
    """ "HKWorkoutActivityTypeTraditionalStrengthTraining" -> "traditional strength training"."""
    name = kind.removeprefix("HKWorkoutActivityType") or "other"
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).lower()[:80]


@dataclass
class _Workout:
    source: str
    activity: str
    start: dt.datetime
    minutes: int
    mets: float | None = None
    heart: float | None = None


@dataclass
class _Reading:
    """What the stream has given so far."""

    keep: frozenset[str]  # --source: only these apps (empty: all)
    file: str
    line: Callable[[], int] = lambda: 0
    root: str | None = None
    exported: dt.datetime | None = None
    born: dt.date | None = None
    sources: dict[str, int] = field(default_factory=dict)  # sourceName -> records kept
    amounts: dict[str, dict[tuple[float, float], dict[str, int]]] = field(default_factory=dict)
    local_day: dict[float, dt.date] = field(default_factory=dict)  # instant -> its local date
    sleep: list[tuple[float, float, int]] = field(default_factory=list)  # start, end, offset s
    workouts: list[_Workout] = field(default_factory=list)
    open_workout: _Workout | None = None
    problems: list[str] = field(default_factory=list)
    bad: int = 0

    def problem(self, reason: str) -> None:
        self.bad += 1
        if self.bad <= SHOW_AT_MOST:
            self.problems.append(f"  line {self.line()}: {reason}")

    def start(self, name: str, attrs: dict[str, str]) -> None:
        """The one handler: called for every element's start, millions of times."""
        if name == "Record":  # most elements: one lookup decides
            self.open_workout = None
            handler = _RECORDS.get(attrs.get("type", ""))
            if handler is not None and self._kept(attrs):
                handler(self, attrs)
        elif name == "MetadataEntry" and self.open_workout is None:
            return  # a record's metadata (a heart rate's motion context...): the next most
        elif self.open_workout is not None and name in ("MetadataEntry", "WorkoutStatistics"):
            self._workout_detail(self.open_workout, name, attrs)
        elif name == "Workout":
            self.open_workout = None
            if self._kept(attrs):
                self._workout(attrs)
        elif name not in ("WorkoutEvent", "WorkoutRoute", "FileReference"):
            self.open_workout = None
            if name == "ExportDate":
                self.exported = self._date(attrs, "value")
            elif name == "Me":
                born = attrs.get("HKCharacteristicTypeIdentifierDateOfBirth", "")
                try:
                    self.born = dt.date.fromisoformat(born) if born else None
                except ValueError:
                    self.born = None
            elif self.root is None:
                self.root = name
                if name != "HealthData":
                    raise ImportRejected(
                        f"{self.file} is XML, but its root element is {name}, not HealthData: "
                        "not an Apple Health export. Nothing was imported."
                    )

    def _kept(self, attrs: dict[str, str]) -> bool:
        source = attrs.get("sourceName", "")
        self.sources[source] = self.sources.get(source, 0) + 1
        return not self.keep or source in self.keep

    def _date(self, attrs: dict[str, str], name: str) -> dt.datetime | None:
        text = attrs.get(name, "")
        try:
            return when(text)
        except ValueError:
            self.problem(f"{name} {text!r} is not a date like 2024-03-01 08:05:00 +0100.")
            return None

    def _amount(self, attrs: dict[str, str], kind: str, units: dict[str, float]) -> None:
        start = self._date(attrs, "startDate")
        unit = attrs.get("unit", "")
        factor = units.get(unit.lower())
        try:
            value = float(attrs.get("value", ""))
        except ValueError:
            value = -1.0
        if factor is None:
            self.problem(f"{kind}: unit {unit!r} is not one of {', '.join(units)}.")
        elif not 0 <= value < 1e6:
            self.problem(f"{kind}: value {attrs.get('value')!r} is not an amount.")
        elif start is not None:
            instant = start.timestamp()
            self.local_day[instant] = start.date()
            same = self.amounts.setdefault(kind, {}).setdefault((instant, value * factor), {})
            source = attrs.get("sourceName", "")
            same[source] = same.get(source, 0) + 1

    def _sleep(self, attrs: dict[str, str]) -> None:
        if attrs.get("value") not in ASLEEP:
            return
        start, end = self._date(attrs, "startDate"), self._date(attrs, "endDate")
        if start is not None and end is not None and end > start:
            offset = end.utcoffset()
            seconds = int(offset.total_seconds()) if offset is not None else 0
            self.sleep.append((start.timestamp(), end.timestamp(), seconds))

    def _workout(self, attrs: dict[str, str]) -> None:
        start, end = self._date(attrs, "startDate"), self._date(attrs, "endDate")
        if start is None or end is None:
            return
        minutes = (end - start).total_seconds() / 60
        unit = attrs.get("durationUnit", "min")
        if attrs.get("duration"):
            try:
                per = {"min": 1.0, "s": 1 / 60, "sec": 1 / 60, "hr": 60.0, "h": 60.0}[unit]
                minutes = float(attrs["duration"]) * per
            except (KeyError, ValueError):
                self.problem(f"Workout: duration {attrs['duration']!r} {unit!r} is not a length.")
                return
        self.open_workout = _Workout(
            attrs.get("sourceName", ""),
            activity_words(attrs.get("workoutActivityType", "")),
            start,
            max(1, min(MAX_EXERCISE_MIN, int(minutes + 0.5))),
        )
        self.workouts.append(self.open_workout)

    def _workout_detail(self, workout: _Workout, name: str, attrs: dict[str, str]) -> None:
        if name == "MetadataEntry" and attrs.get("key") == "HKAverageMETs":
            match = _NUMBER.match(attrs.get("value", ""))
            workout.mets = float(match.group(1)) if match else None
        elif attrs.get("type") == "HKQuantityTypeIdentifierHeartRate" and attrs.get("average"):
            try:
                workout.heart = float(attrs["average"])
            except ValueError:
                workout.heart = None


_RECORDS: dict[str, Callable[[_Reading, dict[str, str]], None]] = {
    WATER: lambda r, a: r._amount(a, WATER, TO_ML),
    ALCOHOL: lambda r, a: r._amount(a, ALCOHOL, {"count": 1.0}),
    MAGNESIUM: lambda r, a: r._amount(a, MAGNESIUM, TO_MG),
    SLEEP: _Reading._sleep,
}


def _per_day(reading: _Reading, kind: str) -> dict[dt.date, float]:
    """Per local date: each (instant, amount) once per sample of the app that wrote it most."""
    totals: dict[dt.date, float] = {}
    for (instant, amount), by_source in reading.amounts.get(kind, {}).items():
        day = reading.local_day[instant]
        totals[day] = totals.get(day, 0.0) + amount * max(by_source.values())
    return totals


def _repeats(reading: _Reading, kind: str) -> int:
    return sum(sum(by.values()) - max(by.values()) for by in reading.amounts.get(kind, {}).values())


def _nights(spans: list[tuple[float, float, int]]) -> dict[dt.date, float]:
    """Merged asleep spans, in hours, on the date of waking."""
    hours: dict[dt.date, float] = {}
    merged: list[list[float]] = []
    for start, end, offset in sorted(spans):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1][1], merged[-1][2] = end, offset
        else:
            merged.append([start, end, offset])
    for low, high, seconds in merged:
        woke = dt.datetime.fromtimestamp(high + seconds, dt.UTC) + NIGHT_ENDS
        hours[woke.date()] = hours.get(woke.date(), 0.0) + (high - low) / 3600
    return hours


def _intensity(workout: _Workout, born: dt.date | None) -> str | None:
    if workout.mets is not None:
        return next((word for top, word in METS if workout.mets <= top), "vigorous")
    if workout.heart is not None and born is not None:
        day = workout.start.date()
        age = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
        if 10 <= age <= 110:
            share = workout.heart / (220 - age)
            return next((word for below, word in HEART_SHARE if share < below), "vigorous")
    return None


def _sessions(reading: _Reading, harvest: Harvest) -> None:
    chosen: dict[tuple[str, float], tuple[tuple[object, ...], SessionRow]] = {}
    for workout in reading.workouts:
        intensity = _intensity(workout, reading.born)
        minute = workout.start.replace(second=0, microsecond=0)
        key = (workout.activity, minute.timestamp())
        rank = (intensity is None, -workout.minutes, workout.source)
        row = SessionRow(
            f"workout|{workout.activity}|{minute.astimezone(dt.UTC).isoformat()}",
            workout.start,
            workout.activity,
            workout.minutes,
            intensity,
        )
        if key not in chosen or rank < chosen[key][0]:
            chosen[key] = (rank, row)
    harvest.sessions = sorted((row for _, row in chosen.values()), key=lambda r: r.started_at)
    for row in harvest.sessions:
        harvest.set(row.started_at.date(), "exercised", True)
    if len(reading.workouts) > len(chosen):
        harvest.notes.append(
            f"workouts: {len(reading.workouts) - len(chosen)} recorded by a second app as well, "
            "kept once"
        )


def _members(opened: Opened) -> Iterator[tuple[IO[bytes], int]]:
    """The export.xml stream and its size: the ZIP's member, or the file itself."""
    if opened.zip_names is None:
        yield opened.stream, opened.size
        return
    names = opened.zip_names
    member = (
        MEMBER if MEMBER in names else next((n for n in names if n.endswith("/export.xml")), "")
    )
    if opened.path is None or not member:
        raise ImportRejected(
            f"{opened.name} is a ZIP file without {MEMBER} (or is damaged: was it cut short?). "
            "Nothing was imported."
        )
    with zipfile.ZipFile(opened.path) as archive, archive.open(member) as stream:
        yield stream, archive.getinfo(member).file_size


def read(opened: Opened, options: Options, progress: Progress | None) -> Harvest:
    reading = _Reading(frozenset(options.source_names), opened.name)
    parser = safe_xml.StreamParser(reading.start)
    reading.line = lambda: parser.line

    def moved(total: int) -> Callable[[int], None] | None:
        return None if progress is None else lambda done: progress("reading", done, total)

    try:
        for stream, size in _members(opened):
            parser.run(safe_xml.without_dtd(stream, opened.name), opened.name, moved(size))
    except (zipfile.BadZipFile, zlib.error, EOFError) as error:
        raise ImportRejected(
            f"{opened.name} is a damaged ZIP file ({error}); was it cut short? Export it again "
            "from the Health app. Nothing was imported."
        ) from None
    if reading.root is None:
        raise ImportRejected(f"{opened.name} holds no XML elements. Nothing was imported.")
    if reading.bad:
        more = (
            f"\n  ... and {reading.bad - SHOW_AT_MOST} more." if reading.bad > SHOW_AT_MOST else ""
        )
        raise ImportRejected(
            f"{opened.name}: {reading.bad} record{'s' if reading.bad > 1 else ''} spasmlog cannot "
            "read; nothing was imported:\n" + "\n".join(reading.problems) + more
        )
    missing = [name for name in options.source_names if name not in reading.sources]
    if missing:
        seen = ", ".join(sorted(reading.sources)) or "none"
        raise ImportRejected(
            f"{opened.name} has no records from {', '.join(missing)} (--source). Apps in the "
            f"file: {seen}. Nothing was imported."
        )
    return _harvest(reading, opened.name)


def _harvest(reading: _Reading, file: str) -> Harvest:
    harvest = Harvest(NAME, "Apple Health", file, reading.exported)
    for day, ml in _per_day(reading, WATER).items():
        harvest.set(day, "fluid_ml", round(ml))
    for day, drinks in _per_day(reading, ALCOHOL).items():
        harvest.set(day, "alcohol_units", round(drinks * UK_UNITS_PER_DRINK, 2))
    for day, mg in _per_day(reading, MAGNESIUM).items():
        harvest.set(day, "magnesium_mg", round(mg, 1))
    for day, hours in _nights(reading.sleep).items():
        harvest.set(day, "sleep_h", round(min(hours, MAX_SLEEP_H), 2))
    _sessions(reading, harvest)
    for kind, what in ((WATER, "water"), (ALCOHOL, "alcohol"), (MAGNESIUM, "magnesium")):
        repeats = _repeats(reading, kind)
        if repeats:
            harvest.notes.append(
                f"{what}: {repeats} sample{'s' if repeats > 1 else ''} repeating the same amount "
                "at the same moment from another app, counted once"
            )
    kept = ", ".join(f"{name} ({count:,})" for name, count in sorted(reading.sources.items()))
    harvest.notes.append(f"apps in the file (records): {kept or 'none'}")
    return harvest


def recognises(sniff: Sniff) -> bool:
    if sniff.zip_names is not None:
        return MEMBER in sniff.zip_names
    return sniff.xml_root() == "HealthData"


FORMAT = SimpleFormat(
    NAME,
    "Apple Health",
    f"a ZIP holding {MEMBER}, or an XML file whose root is HealthData",
    recognises,
    read,
)
