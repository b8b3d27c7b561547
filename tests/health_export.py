"""A made-up Apple Health `export.xml`, day by day, in the realistic mix of a phone and a watch.

Used by the tests (a year, for the end-to-end check that the factor report gets fluids,
exercise and sleep) and by benchmarks/health_import.py (a file of any size, 1 GB by default).
Nothing comes from a real person: every value is drawn from a seeded generator.

Each day has what a phone and a watch write most: heart rate every few minutes (with a
metadata child), steps, distance, active and basal energy, plus on most days water from two
apps (the same drink written twice on some), sleep stages from the watch and "in bed" from the
phone overlapping them, and on some days a workout (legacy attributes or, newer, statistics
children), an alcoholic drink or dietary magnesium, and an activity summary.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO
from zoneinfo import ZoneInfo

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE HealthData [
<!-- HealthKit Export Version: 14 -->
<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary|ClinicalRecord)*)>
<!ATTLIST HealthData
  locale CDATA #REQUIRED
>
<!ELEMENT ExportDate EMPTY>
<!ATTLIST ExportDate
  value CDATA #REQUIRED
>
<!ELEMENT Me EMPTY>
<!ATTLIST Me
  HKCharacteristicTypeIdentifierDateOfBirth         CDATA #REQUIRED
  HKCharacteristicTypeIdentifierBiologicalSex       CDATA #REQUIRED
>
<!ELEMENT Record ((MetadataEntry|HeartRateVariabilityMetadataList)*)>
<!ATTLIST Record
  type          CDATA #REQUIRED
  unit          CDATA #IMPLIED
  value         CDATA #IMPLIED
  sourceName    CDATA #REQUIRED
  sourceVersion CDATA #IMPLIED
  device        CDATA #IMPLIED
  creationDate  CDATA #IMPLIED
  startDate     CDATA #REQUIRED
  endDate       CDATA #REQUIRED
>
<!-- the iOS 16 exports broke here: an ATTLIST for an element declared twice, unclosed -->
<!ELEMENT Workout ((MetadataEntry|WorkoutEvent|WorkoutRoute|WorkoutStatistics)*)>
<!ATTLIST Workout
  workoutActivityType   CDATA #REQUIRED
  duration              CDATA #IMPLIED
  durationUnit          CDATA #IMPLIED
  sourceName            CDATA #REQUIRED
  startDate             CDATA #REQUIRED
  endDate               CDATA #REQUIRED
>
]>
<HealthData locale="en_GB">
 <ExportDate value="{export}"/>
 <Me HKCharacteristicTypeIdentifierDateOfBirth="{born}" HKCharacteristicTypeIdentifierBiologicalSex="HKBiologicalSexFemale"/>
"""
# What some iOS 16 exports wrote inside the DTD: a declaration expat refuses.
BROKEN_DTD_LINE = "<!ATTLIST Record\n  type CDATA #REQUIRED\n  unit CDATA #IMPLIED\n"
TAIL = "</HealthData>\n"
WATCH = "Alex’s Apple Watch"
PHONE = "Alex’s iPhone"
WATCH_DEVICE = (
    "&lt;&lt;HKDevice: 0x283f1a0d0&gt;, name:Apple Watch, manufacturer:Apple Inc., "
    "model:Watch, hardware:Watch6,2, software:10.1&gt;"
)
ACTIVITIES = ("Running", "Cycling", "Walking", "TraditionalStrengthTraining", "Yoga", "Swimming")


def stamp(moment: dt.datetime) -> str:
    """Apple's date form: "2024-03-01 08:05:00 +0100"."""
    return moment.strftime("%Y-%m-%d %H:%M:%S %z")


@dataclass
class Truth:
    """What a correct import of the generated days must find, by local date."""

    water_ml: dict[dt.date, float] = field(default_factory=dict)
    sleep_h: dict[dt.date, float] = field(default_factory=dict)  # on the date of waking
    workouts: dict[dt.date, list[tuple[str, int, str | None]]] = field(default_factory=dict)
    alcohol: dict[dt.date, float] = field(default_factory=dict)
    magnesium_mg: dict[dt.date, float] = field(default_factory=dict)


@dataclass
class Generator:
    first: dt.date
    zone: str = "Europe/Berlin"
    seed: int = 17
    busy: int = 1  # background records, in units of a real watch's (0: none)
    truth: Truth = field(default_factory=Truth)

    def __post_init__(self) -> None:
        self.random = random.Random(self.seed)
        self.tz = ZoneInfo(self.zone)

    def at(self, day: dt.date, hour: float) -> dt.datetime:
        naive = dt.datetime.combine(day, dt.time()) + dt.timedelta(hours=hour)
        return naive.replace(tzinfo=self.tz)

    def record(
        self,
        kind: str,
        unit: str | None,
        value: str,
        source: str,
        start: dt.datetime,
        end: dt.datetime,
        children: str = "",
        device: bool = False,
    ) -> str:
        unit_attr = f' unit="{unit}"' if unit else ""
        device_attr = f' device="{WATCH_DEVICE}"' if device else ""
        head = (
            f' <Record type="{kind}" sourceName="{source}" sourceVersion="10.1"{device_attr}'
            f'{unit_attr} creationDate="{stamp(end)}" startDate="{stamp(start)}" '
            f'endDate="{stamp(end)}" value="{value}"'
        )
        return f"{head}>\n{children} </Record>\n" if children else f"{head}/>\n"

    def background(self, day: dt.date) -> Iterator[str]:
        """The bulk of a real export: heart rate, steps, distance and energy, all day long."""
        rnd = self.random
        if not self.busy:
            return
        for minute in range(0, 24 * 60, max(1, 5 // self.busy)):
            start = self.at(day, minute / 60)
            end = start + dt.timedelta(seconds=1)
            meta = '  <MetadataEntry key="HKMetadataKeyHeartRateMotionContext" value="0"/>\n'
            yield self.record(
                "HKQuantityTypeIdentifierHeartRate",
                "count/min",
                str(rnd.randint(52, 140)),
                WATCH,
                start,
                end,
                meta,
                device=True,
            )
            if minute % 10 == 0:
                end = start + dt.timedelta(minutes=10)
                yield self.record(
                    "HKQuantityTypeIdentifierStepCount", "count", str(rnd.randint(0, 900)),
                    PHONE, start, end,
                )  # fmt: skip
                yield self.record(
                    "HKQuantityTypeIdentifierDistanceWalkingRunning", "km",
                    f"{rnd.random() * 0.6:.5f}", PHONE, start, end,
                )  # fmt: skip
                yield self.record(
                    "HKQuantityTypeIdentifierActiveEnergyBurned", "kcal",
                    f"{rnd.random() * 20:.3f}", WATCH, start, end, device=True,
                )  # fmt: skip
                yield self.record(
                    "HKQuantityTypeIdentifierBasalEnergyBurned", "kcal",
                    f"{10 + rnd.random() * 3:.3f}", WATCH, start, end, device=True,
                )  # fmt: skip

    def water(self, day: dt.date) -> Iterator[str]:
        rnd = self.random
        total = 0.0
        for _ in range(rnd.randint(3, 8)):
            start = self.at(day, rnd.uniform(7, 22.5)).replace(second=0, microsecond=0)
            ml = rnd.choice((150, 200, 250, 330, 500))
            total += ml
            yield self.record(
                "HKQuantityTypeIdentifierDietaryWater", "mL", str(ml), "WaterLog", start, start
            )
            if rnd.random() < 0.3:  # a second app writes the same drink: counted once
                yield self.record(
                    "HKQuantityTypeIdentifierDietaryWater", "mL", str(ml), "FitTrack", start, start
                )
        if rnd.random() < 0.2:  # a glass logged in US fluid ounces by a third app
            start = self.at(day, 12.25)
            total += 8 * 29.5735
            yield self.record(
                "HKQuantityTypeIdentifierDietaryWater", "fl_oz_us", "8", "OuncesApp", start, start
            )
        self.truth.water_ml[day] = total

    def sleep(self, day: dt.date) -> Iterator[str]:
        """The night that ends on `day`: watch stages, the phone's "in bed" and an overlapping
        "asleep" from the phone (merged with the watch's, never added to them)."""
        rnd = self.random
        start = self.at(day, rnd.uniform(-2.5, 0.5)).replace(microsecond=0)
        end = start
        asleep: list[tuple[dt.datetime, dt.datetime]] = []
        stages = (
            "HKCategoryValueSleepAnalysisAsleepCore",
            "HKCategoryValueSleepAnalysisAsleepDeep",
            "HKCategoryValueSleepAnalysisAsleepREM",
            "HKCategoryValueSleepAnalysisAwake",
        )
        for _ in range(rnd.randint(8, 14)):
            stage = rnd.choice(stages)
            minutes = rnd.randint(2, 10) if stage.endswith("Awake") else rnd.randint(15, 55)
            length = dt.timedelta(minutes=minutes)
            if not stage.endswith("Awake"):
                asleep.append((end, end + length))
            yield self.record(
                "HKCategoryTypeIdentifierSleepAnalysis", None, stage, WATCH, end, end + length
            )
            end += length
        yield self.record(
            "HKCategoryTypeIdentifierSleepAnalysis", None,
            "HKCategoryValueSleepAnalysisInBed", PHONE, start - dt.timedelta(minutes=20), end,
        )  # fmt: skip
        # the phone's own guess covers the first half hour, which the watch counted already
        phone = (start, start + dt.timedelta(minutes=30))
        yield self.record(
            "HKCategoryTypeIdentifierSleepAnalysis", None,
            "HKCategoryValueSleepAnalysisAsleepUnspecified", PHONE, *phone,
        )  # fmt: skip
        self.truth.sleep_h[day] = union_hours([*asleep, phone])

    def workout(self, day: dt.date) -> Iterator[str]:
        rnd = self.random
        activity = rnd.choice(ACTIVITIES)
        start = self.at(day, rnd.uniform(6, 19)).replace(microsecond=0)
        minutes = rnd.randint(20, 90)
        end = start + dt.timedelta(minutes=minutes)
        duration = f"{minutes}"
        heart = rnd.choice((None, 105, 128, 162))
        stats = ""
        if heart is not None:
            stats = (
                f'  <WorkoutStatistics type="HKQuantityTypeIdentifierHeartRate" '
                f'startDate="{stamp(start)}" endDate="{stamp(end)}" average="{heart}" '
                f'minimum="{heart - 30}" maximum="{heart + 15}" unit="count/min"/>\n'
            )
        mets = rnd.choice((None, 2.4, 4.5, 9.1)) if heart is None else None
        meta = (
            f'  <MetadataEntry key="HKAverageMETs" value="{mets} kcal/hr·kg"/>\n'
            if mets is not None
            else ""
        )
        intensity = None
        if mets is not None:
            intensity = "light" if mets < 3 else "moderate" if mets <= 6 else "vigorous"
        elif heart is not None:  # born 1986: about 38 years old, maximum 182
            share = heart / (220 - (day.year - 1986))
            intensity = "light" if share < 0.64 else "moderate" if share < 0.77 else "vigorous"
        events = (
            f'  <WorkoutEvent type="HKWorkoutEventTypeSegment" date="{stamp(start)}" '
            f'duration="{minutes / 2}" durationUnit="min"/>\n'
        )
        yield (
            f' <Workout workoutActivityType="HKWorkoutActivityType{activity}" '
            f'duration="{duration}" durationUnit="min" sourceName="{WATCH}" '
            f'sourceVersion="10.1" device="{WATCH_DEVICE}" creationDate="{stamp(end)}" '
            f'startDate="{stamp(start)}" endDate="{stamp(end)}">\n'
            f"{meta}{events}{stats} </Workout>\n"
        )
        words = "".join(" " + c.lower() if c.isupper() else c for c in activity).strip()
        self.truth.workouts.setdefault(day, []).append((words, minutes, intensity))

    def extras(self, day: dt.date) -> Iterator[str]:
        rnd = self.random
        if rnd.random() < 0.15:
            start = self.at(day, 20)
            drinks = rnd.choice((1, 2, 3))
            self.truth.alcohol[day] = float(drinks)
            yield self.record(
                "HKQuantityTypeIdentifierNumberOfAlcoholicBeverages", "count", str(drinks),
                "DrinkControl", start, start,
            )  # fmt: skip
        if rnd.random() < 0.3:
            start = self.at(day, 21)
            self.truth.magnesium_mg[day] = 300.0
            yield self.record(
                "HKQuantityTypeIdentifierDietaryMagnesium", "mg", "300", "PillBox", start, start
            )
        yield (
            f' <ActivitySummary dateComponents="{day}" activeEnergyBurned="{rnd.randint(200, 900)}" '
            'activeEnergyBurnedGoal="500" activeEnergyBurnedUnit="kcal" appleExerciseTime="31" '
            'appleExerciseTimeGoal="30" appleStandHours="10" appleStandHoursGoal="12"/>\n'
        )

    def day(self, day: dt.date) -> Iterator[str]:
        rnd = self.random
        if rnd.random() < 0.9:
            yield from self.sleep(day)
        yield from self.background(day)
        if rnd.random() < 0.95:
            yield from self.water(day)
        if rnd.random() < 0.4:
            yield from self.workout(day)
        yield from self.extras(day)

    def head(self, broken_dtd: bool = False) -> str:
        export = self.at(self.first, 0) + dt.timedelta(days=400)
        text = HEAD.format(export=stamp(export), born="1986-05-04")
        if broken_dtd:
            text = text.replace("<!ELEMENT Workout", BROKEN_DTD_LINE + "<!ELEMENT Workout")
        return text


def union_hours(spans: list[tuple[dt.datetime, dt.datetime]]) -> float:
    """Hours covered by the union of the spans (in UTC: a night the clocks change is not 8 h
    of wall-clock time)."""
    total = 0.0
    high: dt.datetime | None = None
    utc = sorted((low.astimezone(dt.UTC), end.astimezone(dt.UTC)) for low, end in spans)
    for low, end in utc:
        if high is None or low > high:
            total += (end - low).total_seconds()
            high = end
        elif end > high:
            total += (end - high).total_seconds()
            high = end
    return total / 3600


def write_export(
    out: BinaryIO,
    first: dt.date,
    days: int | None = None,
    size: int | None = None,
    busy: int = 1,
    broken_dtd: bool = False,
    seed: int = 17,
) -> Generator:
    """Write an export of `days` days, or of days until it is `size` bytes; returns the
    generator, whose `truth` says what the import must find."""
    gen = Generator(first, seed=seed, busy=busy)
    written = out.write(gen.head(broken_dtd).encode())
    day = first
    count = 0
    while (days is not None and count < days) or (size is not None and written < size):
        chunk = "".join(gen.day(day)).encode()
        written += out.write(chunk)
        day += dt.timedelta(days=1)
        count += 1
    out.write(TAIL.encode())
    return gen


def export_file(path: Path, first: dt.date, days: int, **options: object) -> Truth:
    with open(path, "wb") as out:
        return write_export(out, first, days=days, **options).truth  # type: ignore[arg-type]
