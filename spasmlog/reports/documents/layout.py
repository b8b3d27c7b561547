"""The doctor summary as a Document: its sections, sentences and tables, in plain text.

The PDF, HTML and Markdown renderers draw this one Document, so every number and word agrees
across the formats. Text here is not escaped: user text (names, doses, notes) goes in as typed and
each renderer escapes it for its own format.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from spasmlog.core.parsing import format_duration
from spasmlog.knowledge import factors
from spasmlog.reports.documents.content import (
    COMPACT_CHART_IN,
    PAGE_CHART_IN,
    FactorLine,
    FluidLine,
    MedChange,
    SummaryData,
)
from spasmlog.reports.factor_results import q_above

if TYPE_CHECKING:
    from spasmlog.reports.trial import TrialSummary

TITLE = "Muscle spasm diary: summary for the doctor"
FOOTER = "self-reported diary, not a diagnosis"
LINKED_MARK = "*"
MAX_DATES = 8
NOTE_CHARS = 400  # a note longer than this, or than NOTE_LINES lines, is cut in the appendix
NOTE_LINES = 6


@dataclass(frozen=True)
class Facts:
    """Label/value pairs: the key numbers."""

    pairs: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]  # shares of the text width
    marked: tuple[bool, ...] = ()  # rows to draw the eye to
    empty: str = "None."


@dataclass(frozen=True)
class Note:
    """A small, muted line: sources, caveats, legends."""

    text: str


@dataclass(frozen=True)
class Chart:
    png: bytes
    alt: str
    width_in: float
    height_in: float
    text: str  # what the chart shows, as text, for Markdown


@dataclass(frozen=True)
class Beside:
    """Two blocks side by side (one after the other where a format has no columns); `share`:
    the left one's share of the text width."""

    left: Facts | Chart
    right: Facts | Chart
    share: float


Block = str | Facts | Table | Note | Chart | Beside


@dataclass(frozen=True)
class Section:
    title: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Document:
    """Page 1 (`sections`: the whole summary), page 2 (`chart_page`: the weekly chart, None
    without charts), then the appendix. `as_of`: the day the summary describes the diary as of."""

    title: str
    header: tuple[str, ...]
    sections: tuple[Section, ...]
    chart_page: Section | None
    appendix: Section
    footer: str
    as_of: dt.date


def _day(day: dt.date) -> str:
    return day.isoformat()


def _dates(days: tuple[dt.date, ...]) -> str:
    if not days:
        return "-"
    shown = ", ".join(f"{day.day} {day:%b}" for day in days[:MAX_DATES])
    more = len(days) - MAX_DATES
    return shown + (f" and {more} more" if more > 0 else "")


def _rate(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _ratio(value: float) -> str:
    if not math.isfinite(value):
        return "no episodes without it"
    return f"{value:.2f}" if value < 0.995 else f"{value:.1f}"


def _interval(low: float | None, high: float | None) -> str:
    if low is None:
        return ""
    if high is None or not math.isfinite(high):
        return f"95% CI {_ratio(low)} and up"
    return f"95% CI {_ratio(low)}-{_ratio(high)}"


def _days(value: float) -> str:
    return f"{value:.0f}" if abs(value - round(value)) < 0.05 else f"{value:.1f}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _muscles(data: SummaryData) -> str:
    if not data.muscles:
        return "-"
    parts = []
    for m in data.muscles:
        sides = [
            f"{side} {n}"
            for side, n in (("left", m.left), ("right", m.right), ("both", m.both))
            if n
        ]
        if sides and m.unsided:
            sides.append(f"no side {m.unsided}")
        parts.append(f"{m.label} {m.total}" + (f" ({', '.join(sides)})" if sides else ""))
    return "; ".join(parts)


def _key_numbers(data: SummaryData) -> Section:
    weeks = "complete week" if data.trend_weeks == 1 else f"{data.trend_weeks} complete weeks"
    per_week = f"{_rate(data.per_week_now)} now (last {weeks})"
    if not data.trend_weeks:
        per_week = (
            f"{_rate(data.per_week_now)} over {_count(data.observed_days, 'observed day')} "
            "(too few complete weeks for a trend)"
        )
    elif data.per_week_start is not None:
        per_week += f" vs {_rate(data.per_week_start)} at the start (first {weeks})"
    duration = "-"
    if data.median_duration_s is not None and data.longest_duration_s is not None:
        duration = (
            f"median {format_duration(round(data.median_duration_s))}, "
            f"longest {format_duration(data.longest_duration_s)}"
        )
    pairs = (
        ("Episodes", str(data.episodes)),
        ("Episodes a week", per_week),
        ("Severity", ", ".join(f"{name} {n}" for name, n in data.severity_bands if n) or "-"),
        ("Duration", duration),
        ("Nights woken", str(data.nights_woken)),
        ("Muscles and sides", _muscles(data)),
        *((("Daily fluids", _fluids(data.fluids)),) if data.fluids else ()),
    )
    facts = Facts(pairs)
    if not data.chart_png:
        return Section("Key numbers", (facts, _weekly_text(data), Note(COUNTING_RULES)))
    width, height = COMPACT_CHART_IN
    chart = Chart(data.chart_png, COMPACT_ALT, width, height, _weekly_text(data))
    return Section("Key numbers", (Beside(facts, chart, KEY_NUMBERS_SHARE), Note(COUNTING_RULES)))


KEY_NUMBERS_SHARE = 0.57  # of the text width; the compact chart of episodes a week takes the rest
COMPACT_ALT = "Bar chart of episodes a week with the 4-week mean; the full chart is on page 2."


def _fluids(line: FluidLine) -> str:
    """Litres, and the person's own unit beside them: "1.6 L (6.4 glasses) a day ..."."""
    if line.mean_ml is None:
        return "not recorded on any check-in day"
    unit = line.unit
    days = _count(line.days, "check-in day")
    return (
        f"{unit.both(line.mean_ml)} a day on average over {days} that recorded them; under "
        f"{unit.both(line.threshold_ml)} on {line.low_days} of them"
    )


COUNTING_RULES = (
    "How this diary counts: every week from the first entry (or a start the person set) is "
    "observed, so a week without episodes is 0 and only weeks before it are no data. A night "
    "runs noon to noon: a cramp before noon counts for the day before, whose fluids and activity "
    "preceded it. Exposures come only from records kept apart from spasms (check-ins, exercise "
    "sessions, the medication list), never from what was noted with an episode."
)


def _signs(data: SummaryData) -> Section:
    rows = tuple(
        (
            sign.label,
            str(sign.count),
            _dates(sign.dates) + (f" ({sign.detail})" if sign.detail else ""),
        )
        for sign in data.signs
    )
    found = sum(sign.found for sign in data.signs)
    table = Table(
        ("Sign", "Count", "Dates"),
        rows,
        (0.34, 0.08, 0.58),
        tuple(sign.found for sign in data.signs),
    )
    return Section(
        f"See-a-doctor signs from the article: {found} of {len(data.signs)} found",
        (table, Note(f'The article: "{factors.SEE_DOCTOR_QUOTE}"')),
    )


def _side(episodes: int, days: float, where: str) -> str:
    """ "4 episodes in 7 check-in days after", or "no check-in days after": never a rate over
    0 days."""
    if days == 0:
        return f"no check-in days {where}"
    checkins = f"{_days(days)} check-in day" + ("" if _days(days) == "1" else "s")
    return f"{_count(episodes, 'episode')} in {checkins} {where}"


def _change(change: MedChange, weeks: int) -> str:
    named = f"{change.name} ({change.class_label})"
    if change.doses is not None:
        head = f"{named}: dose changed ({change.doses[0]} -> {change.doses[1]})"
    else:
        head = f"{change.change.capitalize()} {named}"
    head += f" on {_day(change.date)}"
    if change.rate_ratio is None:
        return (
            f"{head}: {_side(change.episodes_before, change.days_before, 'before')}, "
            f"{_side(change.episodes_after, change.days_after, 'after')} ({weeks} weeks each "
            "side); too few days to compare."
        )
    rates = (
        f"{_rate(change.per_week_before)} to {_rate(change.per_week_after)} episodes a week "
        f"({change.episodes_before} in {_days(change.days_before)} check-in days before, "
        f"{change.episodes_after} in {_days(change.days_after)} after; {weeks} weeks each "
        "side)"
    )
    interval = _interval(change.ci_low, change.ci_high)
    return f"{head}: {rates}; rate ratio {_ratio(change.rate_ratio)} ({interval})."


def _medications(data: SummaryData) -> Section:
    rows = tuple(
        (
            med.name,
            med.dose or "-",
            _day(med.started_on),
            med.class_label + (f" {LINKED_MARK}" if med.linked else ""),
            med.atc or "-",
        )
        for med in data.medications
    )
    blocks: list[Block] = [
        Table(
            ("Current medication", "Dose", "Since", "Class", "ATC"),
            rows,
            (0.3, 0.15, 0.15, 0.28, 0.12),
            empty="No current medications recorded.",
        )
    ]
    if any(med.linked for med in data.medications):
        blocks.append(Note(f"{LINKED_MARK} a class the article links to muscle spasms."))
    blocks += [_change(change, data.change_weeks) for change in data.changes]
    return Section("Medications", tuple(blocks))


def _lab_result(line_value: float, unit: str, mmol: float) -> str:
    shown = f"{line_value:g} {unit}"
    return shown if unit == "mmol/L" else f"{shown} ({mmol:.3g} mmol/L)"


def _conditions_and_labs(data: SummaryData) -> Section:
    conditions = (
        "; ".join(
            f"{c.name} ({c.group})"
            + (f", since {_day(c.since)}" if c.since else "")
            + (f", until {_day(c.until)}" if c.until else "")
            for c in data.conditions
        )
        or "none recorded"
    )
    rows = tuple(
        (
            lab.test,
            _day(lab.taken_on),
            _lab_result(lab.value, lab.unit, lab.value_mmol_l),
            f"{lab.range_low_mmol_l:.3g}-{lab.range_high_mmol_l:.3g}"
            + (" (lab's)" if lab.range_source == "lab" else ""),
            lab.flag.upper() + (f": {lab.condition}" if lab.condition else "")
            if lab.flag != "normal"
            else "normal",
        )
        for lab in data.labs
    )
    table = Table(
        ("Latest electrolytes", "Taken", "Result", "Range, mmol/L", "Flag"),
        rows,
        (0.2, 0.14, 0.27, 0.19, 0.2),
        tuple(lab.flag != "normal" for lab in data.labs),
        empty="No electrolyte results recorded.",
    )
    return Section("Conditions and electrolytes", (f"Conditions: {conditions}.", table))


def _factor(line: FactorLine) -> str:
    more = "More" if line.verdict == "associated" else "Fewer"
    return (
        f"{more} spasms with {line.label}: rate ratio {_ratio(line.rate_ratio)} "
        f"({_interval(line.ci_low, line.ci_high)}); {line.exposed_episodes} in "
        f"{_days(line.exposed_days)} days with it, {line.unexposed_episodes} in "
        f"{_days(line.unexposed_days)} days without."
    )


def _factors(data: SummaryData) -> Section:
    days = _count(data.checkin_days, "check-in day")
    tested = f"{_count(data.factors_tested, 'factor')} tested on {days}"
    blocks: list[Block] = [_factor(line) for line in data.factors]
    if not data.factors_tested:
        blocks.append(f"No factor could be tested yet ({days}).")
    elif not data.factors:
        blocks.append(f"None of the {tested} stood out as associated or protective.")
    else:
        blocks.append(f"{tested}; the others showed no clear association.")
    if data.unconfirmed:
        possible = "; ".join(
            f"{line.label} (rate ratio {_ratio(line.rate_ratio)}, "
            f"{_interval(line.ci_low, line.ci_high)}, q {q_above(line.q_value, data.q_threshold)})"
            for line in data.unconfirmed
            if line.q_value is not None
        )
        blocks.append(
            f"Possible but not confirmed after testing {_count(data.factors_tested, 'factor')}: "
            f"{possible}."
        )
    if data.not_enough:
        blocks.append(f"Not enough data to test: {', '.join(data.not_enough)}.")
    blocks.append(
        Note(
            "An association in this diary, not proof of cause (q-values correct for "
            "testing many factors at once)."
        )
    )
    return Section("Risk factors from the factor report", tuple(blocks))


def _trial(trial: TrialSummary) -> Section:
    """A randomised single-person trial: its design and state, its result, its caveat."""
    return Section("Trial of a remedy", (*trial.lines, Note(trial.note)))


def _weekly_text(data: SummaryData) -> str:
    weeks = ", ".join(
        f"{monday.day} {monday:%b} {'no data' if n is None else n}" for monday, n in data.weekly
    )
    return f"Episodes a week (weeks starting): {weeks}."


def _chart_page(data: SummaryData) -> Section | None:
    """Page 2: the weekly report's five panels at the size they are printed."""
    if not data.page_chart_png:
        return None
    alt = (
        "Five panels: episodes a week by the week's worst severity with the 4-week mean; fluids a "
        "day on check-in days with episode days marked; medications from start to stop; muscles "
        "by side; episodes by hour of day."
    )
    width, height = PAGE_CHART_IN
    chart = Chart(data.page_chart_png, alt, width, height, "")
    return Section(f"Weekly chart, {_day(data.start)} to {_day(data.end)}", (chart,))


def clip_note(note: str) -> str:
    """A note short enough for one table row: the full text is in the CSV and JSON exports."""
    lines = note.splitlines()
    text = "\n".join(lines[:NOTE_LINES]) + (" …" if len(lines) > NOTE_LINES else "")
    if len(text) > NOTE_CHARS:
        text = f"{text[:NOTE_CHARS]}… (+{len(text) - NOTE_CHARS} characters)"
    return text


def _appendix(data: SummaryData) -> Section:
    rows = tuple(
        (
            _day(e.date),
            e.time,
            e.muscle,
            e.side or "-",
            format_duration(e.duration_s) or "-",
            "-" if e.severity is None else str(e.severity),
            clip_note(e.note),
        )
        for e in data.appendix
    )
    table = Table(
        ("Date", "Time", "Muscle", "Side", "Duration", "Severity", "Notes"),
        rows,
        (0.12, 0.07, 0.15, 0.07, 0.1, 0.1, 0.39),
        tuple(e.severity is not None and e.severity >= factors.SEVERE_AT for e in data.appendix),
        empty="No episodes in this period.",
    )
    period = f"{_day(data.start)} to {_day(data.end)}"
    if len(data.appendix) == data.episodes:
        return Section(f"Appendix: every episode, {period}", (table,))
    every = f"spasmlog list --since {_day(data.start)} --until {_day(data.end)} --format csv"
    return Section(
        f"Appendix: the latest {len(data.appendix):,} of {data.episodes:,} episodes, {period}",
        (Note(f"Every episode of the period, as a spreadsheet: {every}"), table),
    )


def layout(data: SummaryData) -> Document:
    coverage = data.checkin_days / data.diary_days if data.diary_days else 0.0
    observed = f"{data.diary_days} days"
    if data.observed_from is not None and data.observed_from > data.start:
        observed += f" since the diary began on {_day(data.observed_from)}"
    header = (
        f"Period: {_day(data.start)} to {_day(data.end)} ({data.days} days)",
        f"Days covered by the diary: {data.checkin_days} of {observed} have a daily "
        f"check-in ({coverage:.0%})",
        f"Generated {_day(data.generated)} by spasmlog {data.version}",
    )
    sections = (
        _key_numbers(data),
        _signs(data),
        _medications(data),
        _conditions_and_labs(data),
        _factors(data),
        *(() if data.trial is None else (_trial(data.trial),)),
    )
    footer = f"spasmlog {data.version} · {FOOTER}"
    return Document(
        TITLE, header, sections, _chart_page(data), _appendix(data), footer, data.generated
    )
