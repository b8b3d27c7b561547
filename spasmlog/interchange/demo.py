"""A made-up but realistic diary, as CSV files in the import format: the demo, tests, benchmarks.

The story, over the `days` days before `end`: a runner (hard evening runs on Tuesdays and
Thursdays, a long run on Saturday mornings, walks) with night-time calf cramps. Cramps are more
likely on days with under 1.5 L of fluids, after a vigorous run, in hot spells (with sweating
and, the point, too little to drink), and once a statin is started part-way through; a magnesium
supplement tried for a while makes them a little less likely. There are a few electrolyte labs
(the first magnesium low), long-standing hypothyroidism treated with levothyroxine, a two-day
stomach bug, most days checked in and some not (one stretch of a week forgotten).

Deterministic: the same seed, days and end give the same bytes. Fast enough for benchmarks:
`episodes=` asks for an exact number of episodes (spread over the days by the same risk model),
and a million of them take seconds, in one tight loop without any heavy import.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import TypeVar

from spasmlog.interchange.records import CHECKIN_COLUMNS
from spasmlog.knowledge.factors import LOW_FLUID_ML

T = TypeVar("T")
KINDS = ("conditions", "meds", "labs", "checkins", "exercise", "episodes")  # import order
BASE_RATE = 0.2  # cramps per night with no risk factor
MULTIPLIERS = {"low_fluid": 2.2, "vigorous_run": 1.7, "statin": 1.9, "hot": 1.3, "magnesium": 0.7}
_MUSCLES = (("calf", 0.68), ("foot", 0.82), ("toes", 0.88), ("hamstring", 0.95), ("quadriceps", 1))
_RELIEF = (("stretch", 0.7), ("massage", 0.35), ("water", 0.25), ("heat", 0.1), ("rest", 0.1))
_NOTES = (
    "woke me up, walked it off",
    "right after turning over",
    "pointed my toes in my sleep",
    "still sore in the morning",
    "after a long day on my feet",
    "it came back twice",
)
_TAGS = (("coffee", 0.15), ("long drive", 0.03), ("standing all day", 0.05))


@dataclass(frozen=True)
class Day:
    date: dt.date
    checked_in: bool
    fluid_ml: int
    hot: bool
    bug: bool
    run: tuple[int, int, str] | None  # start minute of the day, minutes, intensity
    walk: tuple[int, int] | None
    statin: bool
    magnesium: bool
    risk: float  # expected cramps in the night that ends on this day (23:00 before to 05:30)


@dataclass(frozen=True)
class Story:
    """When the story's events happen, as day indices into the window."""

    first: dt.date
    days: int
    statin_from: int
    magnesium_from: int
    magnesium_to: int
    hot: frozenset[int]
    trip: frozenset[int]
    bug: frozenset[int]
    forgotten: frozenset[int]

    def date(self, index: int) -> dt.date:
        return self.first + dt.timedelta(days=index)


def _spell(rng: random.Random, at: float, days: int, length: int) -> set[int]:
    start = min(max(0, int(at * days)), max(0, days - length))
    return set(range(start, min(days, start + length + rng.randrange(3))))


def _story(rng: random.Random, days: int, end: dt.date) -> Story:
    first = end - dt.timedelta(days=days)
    hot = _spell(rng, 0.12, days, 9)
    trip = _spell(rng, 0.58, days, 8)  # a holiday somewhere hot
    for index in range(days):  # and every summer, a hot spell or two
        day = first + dt.timedelta(days=index)
        if day.month in (7, 8) and day.day in (3, 20) and rng.random() < 0.7:
            hot |= _spell(rng, index / days, days, 5)
    return Story(
        first=first, days=days,
        statin_from=int(days * 0.45),
        magnesium_from=int(days * 0.68), magnesium_to=int(days * 0.86),
        hot=frozenset(hot | trip), trip=frozenset(trip),
        bug=frozenset(_spell(rng, 0.33, days, 2) if days > 20 else ()),
        forgotten=frozenset(_spell(rng, 0.8, days, 6) if days > 30 else ()),
    )  # fmt: skip


def _days(rng: random.Random, plot: Story) -> list[Day]:
    result: list[Day] = []
    for index in range(plot.days):
        date = plot.date(index)
        hot, bug = index in plot.hot, index in plot.bug
        busy = rng.random() < 0.1  # a day too busy to drink much
        litres = rng.gauss(1.25, 0.2) if hot or busy else rng.gauss(2.1, 0.35)
        fluid_ml = int(round(min(3.5, max(0.6, 0.9 if bug else litres)), 1) * 1000)
        weekday = date.weekday()
        run = None
        if weekday in (1, 3) and rng.random() < 0.85 and not bug:
            run = (
                18 * 60 + 30 + rng.randrange(-20, 20),
                rng.randrange(35, 55),
                "vigorous" if rng.random() < 0.7 else "moderate",
            )
        elif weekday == 5 and rng.random() < 0.9 and not bug:
            run = (8 * 60 + rng.randrange(0, 45), rng.randrange(60, 95), "vigorous")
        walk = (12 * 60 + 30, rng.randrange(25, 50)) if run is None and rng.random() < 0.3 else None
        statin = index >= plot.statin_from
        magnesium = plot.magnesium_from <= index < plot.magnesium_to
        risk = BASE_RATE
        risk *= MULTIPLIERS["low_fluid"] if fluid_ml < LOW_FLUID_ML else 1
        risk *= MULTIPLIERS["vigorous_run"] if run and run[2] == "vigorous" else 1  # that night
        risk *= MULTIPLIERS["statin"] if statin else 1
        risk *= MULTIPLIERS["hot"] if hot else 1
        risk *= MULTIPLIERS["magnesium"] if magnesium else 1
        checked_in = index not in plot.forgotten and rng.random() < 0.9
        result.append(Day(date, checked_in, fluid_ml, hot, bug, run, walk, statin, magnesium, risk))
    return result


class _Stamps:
    """Local wall-clock times as ISO text with the offset each had in `zone` (its own date's,
    by the zone's rules). Days without a clock change share one offset, worked out once; on a
    day with one, a time the clocks skipped is moved to the one it became (02:30 -> 03:30)."""

    def __init__(self, zone: dt.tzinfo) -> None:
        self.zone = zone
        self.days: dict[dt.date, str | None] = {}

    def _day_offset(self, date: dt.date) -> str | None:
        """The offset all day long, or None on a day the clocks change."""
        if date not in self.days:
            first = dt.datetime.combine(date, dt.time(0), self.zone).utcoffset()
            last = dt.datetime.combine(date, dt.time(23, 59), self.zone).utcoffset()
            self.days[date] = _offset_text(first) if first == last else None
        return self.days[date]

    def __call__(self, date: dt.date, second: int) -> str:
        """The local time `second` seconds after the start of `date`."""
        offset = self._day_offset(date)
        if offset is not None:
            return f"{date.isoformat()}T{dt.timedelta(seconds=second) + _MIDNIGHT:%H:%M:%S}{offset}"
        naive = dt.datetime.combine(date, dt.time()) + dt.timedelta(seconds=second)
        moment = naive.replace(tzinfo=self.zone).astimezone(dt.UTC).astimezone(self.zone)
        return moment.isoformat(timespec="seconds")


_MIDNIGHT = dt.datetime(2000, 1, 1)


def _offset_text(offset: dt.timedelta | None) -> str:
    minutes = int((offset or dt.timedelta()).total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{rest:02d}"


def _csv(header: tuple[str, ...], rows: list[list[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def _checkins(rng: random.Random, plot: Story, days: list[Day]) -> str:
    rows: list[list[object]] = []
    for index, day in enumerate(days):
        if not day.checked_in:
            continue
        weekend = day.date.weekday() >= 4
        alcohol = rng.choice((1, 2, 3, 4)) if weekend and rng.random() < 0.6 else 0
        tags = [tag for tag, chance in _TAGS if rng.random() < chance]
        tags += ["holiday"] if index in plot.trip else []
        magnesium = 300 if day.magnesium and rng.random() < 0.9 else 0
        sweating = day.hot or bool(day.run and day.run[2] == "vigorous")
        rows.append(
            [
                day.date.isoformat(),
                day.fluid_ml / 1000,
                int(sweating),
                int(day.bug),
                int(day.bug),
                0,
                int(day.hot),
                round(min(10.0, max(4.0, rng.gauss(7.2, 0.8))), 1),
                magnesium,
                alcohol,
                ";".join(tags),
                "stomach bug" if day.bug else "",
                int(bool(day.run or day.walk)),  # answered every day: `checkin --no-exercise`
                "",  # no trial in the demo
            ]
        )
    return _csv(CHECKIN_COLUMNS, rows)


def _exercise(days: list[Day], stamp: _Stamps) -> str:
    rows: list[list[object]] = []
    for day in days:
        if day.run:
            start, minutes, intensity = day.run
            muscles = "calf;hamstring;quadriceps" if minutes >= 60 else "calf"
            rows.append([stamp(day.date, start * 60), "run", minutes, intensity, muscles])
        if day.walk:
            rows.append([stamp(day.date, day.walk[0] * 60), "walk", day.walk[1], "light", ""])
    return _csv(("started_at", "activity", "minutes", "intensity", "muscles"), rows)


def _poisson(rng: random.Random, mean: float) -> int:
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _table(draw: Callable[[], T], size: int) -> list[T]:
    """`size` draws made up front: one random index then picks from the distribution, fast."""
    return [draw() for _ in range(size)]


def _episodes(rng: random.Random, days: list[Day], stamp: _Stamps, count: int | None) -> str:
    """One row per cramp; mostly at night (23:00-05:30), some in the hours after a run.

    A night's cramps follow the day the night begins on, as the reports attribute them (noon to
    noon): that day's fluids, heat and hard run come before them.

    The per-episode draws come from tables filled once from the same generator, so that a
    million episodes cost a few random numbers and one string each.
    """
    if count is None:
        nights = [i for i, day in enumerate(days) for _ in range(_poisson(rng, day.risk))]
    else:
        nights = sorted(rng.choices(range(len(days)), weights=[d.risk for d in days], k=count))
    size = 4096
    night_minute = _table(lambda: int(rng.triangular(1380, 1770, 1590)), size)  # 23:00-05:30
    after_run = _table(lambda: int(rng.triangular(20, 180, 60)), size)
    muscles = _table(lambda: next(m for m, upto in _MUSCLES if rng.random() < upto), size)
    duration = _table(lambda: min(900, max(5, int(math.exp(rng.gauss(4.4, 0.6))))), size)

    def severity_draw(mean: float) -> Callable[[], int]:
        return lambda: min(10, max(1, round(rng.gauss(mean, 1.6))))

    severity = [_table(severity_draw(4.6), size), _table(severity_draw(5.6), size)]  # statin: +1

    def relief() -> tuple[str, int | str]:
        tried = [name for name, chance in _RELIEF if rng.random() < chance]
        return ";".join(tried), (3 + rng.randrange(7)) if tried else ""

    reliefs = _table(relief, size)
    sides = ("left",) * 9 + ("right",) * 9 + ("both",) * 2
    random_ = rng.random
    last = len(days) * 86400 - 1  # the last second of the window
    rows: list[list[object]] = []
    for index in nights:
        day = days[index]
        pick = int(random_() * size)
        if day.run and random_() < 0.15:  # during the day, an hour or three after a run
            minute = day.run[0] + day.run[1] + after_run[pick]
            muscle, woke = ("hamstring" if random_() < 0.4 else "calf"), 0
        else:
            minute, muscle = night_minute[pick], muscles[(pick * 7 + 3) % size]
            woke = int(random_() < 0.92)
        roll = random_()
        tried, score = reliefs[int(roll * size)]
        fluid = (day.fluid_ml / 1000) if day.checked_in and random_() < 0.8 else ""
        symptoms = "tingling" if roll < 0.03 else "weakness" if roll > 0.99 else ""
        note = _NOTES[pick % len(_NOTES)] if random_() < 0.06 else ""
        second = index * 86400 + minute * 60 + pick % 60
        if second > last:  # the last night runs past the window: its cramp the night before
            second -= 86400
        rows.append(
            [
                max(0, second),
                muscle,
                sides[int(roll * 20)],
                duration[(pick * 13 + 5) % size],
                severity[day.statin][(pick * 31 + 7) % size],
                woke,
                fluid,
                tried,
                score,
                symptoms,
                note,
            ]
        )
    _times(rows, days[0].date if days else dt.date.today(), stamp)
    header = (
        "started_at",
        "muscle",
        "side",
        "duration_s",
        "severity",
        "woke",
        "fluid_l_24h",
        "relief",
        "relief_score",
        "symptoms",
        "note",
    )
    return _csv(header, rows)


def _times(rows: list[list[object]], first: dt.date, stamp: _Stamps) -> None:
    """Seconds into the window -> ISO times, in time order and each one distinct (a clash moves
    a second later), so that no two generated episodes are duplicates of each other."""
    rows.sort(key=itemgetter(0))
    dates: dict[int, tuple[str, str | None]] = {}
    clock = [f"T{m // 60:02d}:{m % 60:02d}:" for m in range(1440)]
    seconds = [f"{s:02d}" for s in range(60)]
    previous = -1
    for row in rows:
        second = max(int(row[0]), previous + 1)  # type: ignore[call-overload]
        previous = second
        day, rest = divmod(second, 86400)
        if day not in dates:
            date = first + dt.timedelta(days=day)
            dates[day] = (date.isoformat(), stamp._day_offset(date))
        text, offset = dates[day]
        if offset is None:  # a day the clocks change
            row[0] = stamp(first + dt.timedelta(days=day), rest)
        else:
            row[0] = text + clock[rest // 60] + seconds[rest % 60] + offset


def _labs(plot: Story) -> str:
    """A panel about every four months; the first magnesium is low, later ones normal."""
    rows: list[list[object]] = []
    for number, index in enumerate(range(min(20, plot.days - 1), plot.days, 120)):
        taken = plot.date(index).isoformat()
        rows += [
            [taken, "sodium", 139 - number % 3, "mmol/L", "136-145"],
            [taken, "potassium", round(4.1 - 0.1 * (number % 4), 1), "mmol/L", "3.5-5.1"],
        ]
        if number == 0:
            rows.append([taken, "magnesium", 0.62, "mmol/L", "0.70-1.00"])
        else:
            rows.append([taken, "magnesium", 1.9, "mg/dL", "1.7-2.4"])
    if plot.days > plot.magnesium_to + 7:  # a check after the supplement
        rows.append([plot.date(plot.magnesium_to + 7).isoformat(), "magnesium", 0.78, "mmol/L", ""])
    return _csv(("taken_on", "test", "value", "unit", "range"), rows)


def _meds(plot: Story) -> str:
    rows: list[list[object]] = [
        ["Levothyroxine", "50 mcg", (plot.first - dt.timedelta(days=3 * 365)).isoformat(), ""],
        ["Atorvastatin", "20 mg", plot.date(plot.statin_from).isoformat(), ""],
        [
            "Magnesium",
            "300 mg",
            plot.date(plot.magnesium_from).isoformat(),
            plot.date(plot.magnesium_to - 1).isoformat(),
        ],
    ]
    return _csv(("name", "dose", "started_on", "stopped_on"), rows)


def _conditions(plot: Story) -> str:
    since = (plot.first - dt.timedelta(days=4 * 365)).isoformat()
    return _csv(("name", "since", "until"), [["Hypothyroidism", since, ""]])


def generate(
    seed: int = 7,
    days: int = 182,
    end: dt.date | None = None,
    episodes: int | None = None,
    zone: dt.tzinfo = dt.UTC,
) -> dict[str, str]:
    """Kind -> CSV text in the import format, for the `days` days before `end` (default today).

    `episodes` asks for exactly that many episodes instead of the model's own count; times carry
    the offset their date had in `zone`.
    """
    if end is None:
        from spasmlog.core import clock

        end = clock.today()
    rng = random.Random(seed)
    plot = _story(rng, max(1, days), end)
    daily = _days(rng, plot)
    stamp = _Stamps(zone)
    return {
        "conditions": _conditions(plot),
        "meds": _meds(plot),
        "labs": _labs(plot),
        "checkins": _checkins(rng, plot, daily),
        "exercise": _exercise(daily, stamp),
        "episodes": _episodes(rng, daily, stamp, episodes),
    }


def write_csvs(
    folder: Path,
    seed: int = 7,
    days: int = 182,
    end: dt.date | None = None,
    episodes: int | None = None,
    zone: dt.tzinfo = dt.UTC,
) -> dict[str, Path]:
    """The generated diary as folder/<kind>.csv files; kind -> path, in import order."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for kind, text in generate(seed, days, end, episodes, zone).items():
        paths[kind] = folder / f"{kind}.csv"
        paths[kind].write_text(text, encoding="utf-8")
    return paths


# --- `spasmlog demo` ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoRun:
    """What `spasmlog demo` made: the throw-away diary, and the files written from it."""

    diary: Path
    csv_folder: Path
    first: dt.date
    last: dt.date
    imported: dict[str, int]  # kind -> rows
    files: tuple[tuple[Path, str], ...]  # (path, what it is)
    trend: str
    findings: tuple[str, ...]  # the factor report's clearest lines


def run(out: Path, seed: int, days: int, now: dt.datetime) -> DemoRun:
    """Generate a diary in a new temporary folder, import it the way `spasmlog import` does, and
    write the weekly chart, the factor report and the doctor summary into `out`."""
    import tempfile

    from spasmlog.core import clock
    from spasmlog.core.paths import make_private_dir, write_private_bytes
    from spasmlog.db.store import open_store
    from spasmlog.interchange import importing as importer
    from spasmlog.reports import charts, factors, summary, weekly
    from spasmlog.reports import load as frames
    from spasmlog.reports.documents import render

    folder = Path(tempfile.mkdtemp(prefix="spasmlog-demo-"))
    end = now.date()
    paths = write_csvs(folder / "csv", seed, days, end, zone=clock.zone())
    store = open_store(folder / "diary.db")
    try:
        imported = {}
        for kind, path in paths.items():
            with path.open("rb") as stream:
                checked = importer.check_file(stream, path.name, kind, now)
            imported[kind] = importer.apply(store, checked, now).kinds[0].added
        first, last = end - dt.timedelta(days=days), end - dt.timedelta(days=1)
        loaded = frames.load(store, first, last, now)
        rows = weekly.weekly_rows(loaded)
        report = factors.analyse(loaded)
        document = summary.build(store, first, last, now)
        outputs = (
            (
                "weekly.png",
                charts.weekly_chart(loaded, rows, LOW_FLUID_ML, "png"),
                "the weekly chart",
            ),
            ("factors.txt", factors.render_text(report).encode(), "the risk-factor report"),
            (
                "factors.json",
                (json.dumps(report.to_json(), indent=2) + "\n").encode(),
                "the risk-factor report as JSON",
            ),
            ("summary.pdf", render.render(document, "pdf", "a4"), "the doctor summary"),
            (
                "summary.html",
                render.render(document, "html", "a4"),
                "the doctor summary as a web page",
            ),
        )
    finally:
        store.close()
    make_private_dir(out)
    for name, data, _ in outputs:
        write_private_bytes(out / name, data, overwrite=True)
    clear = (factors.ASSOCIATED, factors.PROTECTIVE)
    findings = [factors.sentence(f) for f in report.factors if f.verdict in clear]
    findings += [
        factors.change_sentence(change, report.options.window_weeks)
        for change in report.medication_changes
    ]
    return DemoRun(
        diary=folder / "diary.db",
        csv_folder=folder / "csv",
        first=first,
        last=last,
        imported=imported,
        files=tuple((out / name, what) for name, _, what in outputs),
        trend=weekly.trend(rows).sentence(),
        findings=tuple(findings),
    )
