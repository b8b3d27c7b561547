"""The doctor summary: what a busy doctor can read in a minute, as PDF, HTML or Markdown.

Layers, so that the three formats always show the same numbers:
- `build` loads the period's Frames, runs the factor report and the weekly rows, draws the chart;
- `summarise` turns those into SummaryData (reports.documents.content): plain data, no pandas;
- `documents.layout` turns SummaryData into a Document (sections of text, tables, chart);
- `documents.render` draws that Document as PDF, HTML or Markdown, each escaping user text its way.
The same diary, period, paper and day give the same bytes: nothing depends on the time of day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from spasmlog import __version__
from spasmlog.core.settings import LITRES, FluidUnit
from spasmlog.knowledge import conditions, factors
from spasmlog.knowledge.drugs import CLASS_INFO
from spasmlog.knowledge.labs import TESTS_BY_ID
from spasmlog.knowledge.muscles import label as muscle_label
from spasmlog.reports import signs
from spasmlog.reports.documents.content import (
    ConditionLine,
    CurrentMed,
    EpisodeLine,
    FactorLine,
    FluidLine,
    LabLine,
    MedChange,
    Sign,
    SummaryData,
)

if TYPE_CHECKING:
    import pandas as pd
    from pandas.api.typing import NAType

    from spasmlog.db.store import Store
    from spasmlog.reports.factors import FactorReport, FactorResult
    from spasmlog.reports.load import Frames
    from spasmlog.reports.trial import TrialSummary
    from spasmlog.reports.weekly import WeekRow

WINDOW_WEEKS = 4  # "now" and "at the start": the first and last 4 weeks of the period
RISING_BY = 0.10  # "rising" when the rate now is over 10 % above the rate at the start
APPENDIX_LIMIT = 300  # episodes listed (about 8 pages); `spasmlog list` has every one


# --- from the reports to SummaryData ------------------------------------------------------------


def _text(value: str | float | NAType | None) -> str | None:
    """A text cell from a frame: None for SQL NULL (which pandas may hold as NaN or NA)."""
    import pandas as pd

    return None if value is None or pd.isna(value) or value == "" else str(value)


def _signs(episodes: pd.DataFrame, start: float | None, now: float | None) -> tuple[Sign, ...]:
    listed = episodes["symptoms"]
    symptoms = listed[listed.str.len() > 0].explode()  # a row per symptom, on its episode's index
    red = symptoms[symptoms.isin(factors.RED_FLAG_SYMPTOMS)]
    with_flags = episodes.loc[red.index.unique()]
    named = sorted(set(red))
    severe = episodes[signs.severe(episodes)]
    frequent = episodes[signs.frequent(episodes)]
    rising = start is not None and now is not None and now > start * (1 + RISING_BY) and now > 0
    trend = (
        f"{'rising' if rising else 'not rising'}: {now:.1f} a week now vs {start:.1f} at the start"
        if start is not None and now is not None
        else "too few weeks to compare"
    )
    woke = episodes[episodes["woke"].fillna(False).astype(bool)]
    # a night is one analysis day, shown on the date its first cramp had (3 a.m.: that morning)
    nights = tuple(sorted(day.date() for day in woke.groupby("day")["date"].min()))
    long = episodes[episodes["duration_s"].fillna(0) > factors.LONG_EPISODE_S]
    return (
        Sign(
            "With fever, rash or weakness",
            len(with_flags),
            signs.dates(with_flags),
            ", ".join(named),
        ),
        Sign(f"Severe ({factors.SEVERE_AT}-10 of 10)", len(severe), signs.dates(severe)),
        Sign(
            f"Frequent ({factors.FREQUENT_COUNT}+ in {factors.FREQUENT_DAYS} days) or rising",
            len(frequent),
            signs.dates(frequent),
            trend,
            rising,
        ),
        Sign("Sleep disrupted (nights woken)", len(nights), nights),  # the date each began
        Sign(f"Longer than {factors.LONG_EPISODE_S // 60} minutes", len(long), signs.dates(long)),
    )


def _current_meds(frames: Frames) -> tuple[CurrentMed, ...]:
    import pandas as pd

    from spasmlog.reports.load import medication_rows

    end = pd.Timestamp(frames.end)
    meds = frames.medications
    current = meds[meds["stopped_on"].isna() | (meds["stopped_on"] >= end)]
    result = []
    for med in medication_rows(current):
        info = CLASS_INFO.get(str(med.drug_class), CLASS_INFO["other"])
        result.append(
            CurrentMed(
                str(med.name),
                _text(med.dose),
                med.started_on.date(),
                info.label,
                info.linked_to_spasms,
                _text(med.atc),
            )
        )
    return tuple(result)


def _changes(report: FactorReport) -> tuple[MedChange, ...]:
    def weekly(rate: float | None) -> float | None:
        return None if rate is None else rate * 7

    return tuple(
        MedChange(
            name=change.medication,
            class_label=CLASS_INFO[change.drug_class].label
            if change.drug_class in CLASS_INFO
            else change.drug_class,
            change=change.change,
            date=change.date,
            per_week_before=weekly(change.rate_before),
            per_week_after=weekly(change.rate_after),
            episodes_before=change.episodes_before,
            episodes_after=change.episodes_after,
            days_before=change.days_before,
            days_after=change.days_after,
            rate_ratio=change.rate_ratio,
            ci_low=change.ci_low,
            ci_high=change.ci_high,
            doses=(change.dose_before, change.dose_after)
            if change.dose_before is not None and change.dose_after is not None
            else None,
        )
        for change in report.medication_changes
    )


def _latest_labs(frames: Frames) -> tuple[LabLine, ...]:
    """The newest result of each test up to the period's end, in the order of labs.TESTS."""
    from spasmlog.reports.load import lab_rows

    order = {test_id: i for i, test_id in enumerate(TESTS_BY_ID)}
    latest = frames.labs.sort_values(["taken_on", "id"]).drop_duplicates("test", keep="last")
    lines = []
    for lab in sorted(lab_rows(latest), key=lambda r: order.get(r.test, len(order))):
        test = TESTS_BY_ID.get(str(lab.test))
        condition = None
        if test is not None and lab.flag in ("low", "high"):
            condition = test.low_condition if lab.flag == "low" else test.high_condition
        lines.append(
            LabLine(
                test=test.label if test else str(lab.test),
                taken_on=lab.taken_on.date(),
                value=float(lab.value),
                unit=str(lab.unit),
                value_mmol_l=float(lab.value_mmol_l),
                flag=str(lab.flag),
                condition=condition,
                range_low_mmol_l=float(lab.range_low_mmol_l),
                range_high_mmol_l=float(lab.range_high_mmol_l),
                range_source=str(lab.range_source),
            )
        )
    return tuple(lines)


def _factor_lines(
    report: FactorReport,
) -> tuple[tuple[FactorLine, ...], int, tuple[FactorLine, ...], tuple[str, ...]]:
    """The associated and protective factors, how many were tested, the unconfirmed signals and
    the labels of those without enough data."""
    from spasmlog.reports.factors import ASSOCIATED, NOT_ENOUGH, PROTECTIVE

    def line(f: FactorResult) -> FactorLine:
        assert f.rate_ratio is not None
        return FactorLine(
            f.label,
            f.verdict,
            f.rate_ratio,
            f.ci_low,
            f.ci_high,
            f.exposed_episodes,
            f.exposed_days,
            f.unexposed_episodes,
            f.unexposed_days,
            f.q_value,
        )

    shown = tuple(
        line(f)
        for f in report.factors
        if f.verdict in (ASSOCIATED, PROTECTIVE) and f.rate_ratio is not None
    )
    unconfirmed = tuple(line(f) for f in report.factors if f.unconfirmed_signal)
    tested = sum(1 for f in report.factors if f.verdict != NOT_ENOUGH)
    not_enough = tuple(f.label for f in report.factors if f.verdict == NOT_ENOUGH)
    return shown, tested, unconfirmed, not_enough


def _appendix(episodes: pd.DataFrame) -> tuple[EpisodeLine, ...]:
    """The most recent APPENDIX_LIMIT episodes of the period, oldest first."""
    import pandas as pd

    from spasmlog.reports.load import episode_rows

    latest = episodes.sort_values(["start_utc", "id"]).tail(APPENDIX_LIMIT)
    return tuple(
        EpisodeLine(
            date=row.start_local.date(),
            time=f"{row.start_local:%H:%M}",
            muscle=muscle_label(str(row.muscle)),
            side=_text(row.side) or "",
            duration_s=None if pd.isna(row.duration_s) else int(row.duration_s),
            severity=None if pd.isna(row.severity) else int(row.severity),
            note=_text(row.note) or "",
        )
        for row in episode_rows(latest)
    )


def _diary_days(frames: Frames) -> int:
    """The period's days from the start of the diary on (all of them before it began: 0)."""
    if frames.observed_from is None:
        return 0
    return max(0, (frames.end - max(frames.start, frames.observed_from)).days + 1)


def summarise(
    frames: Frames,
    report: FactorReport,
    rows: Sequence[WeekRow],
    charts: tuple[bytes, bytes],
    generated: dt.date,
) -> SummaryData:
    """The summary's content as plain data: every number the three formats show."""
    from spasmlog.reports.weekly import muscle_sides, per_week, severity_band

    episodes = frames.episodes
    complete = [row for row in rows if row.complete]
    window = min(WINDOW_WEEKS, len(complete) // 2)
    observed = frames.observed_days(frames.start, frames.end)
    start_rate = per_week(complete[:window]) if window else None
    now_rate = per_week(complete[-window:]) if window else None
    if not window and observed:
        now_rate = 7 * len(episodes) / observed  # too short for weeks: over the observed days
    rated = episodes["severity"].dropna().astype(int)
    bands = rated.map({n: severity_band(n) for n in rated.unique()}).value_counts().to_dict()
    bands["not rated"] = len(episodes) - len(rated)
    durations = episodes["duration_s"].dropna()
    shown, tested, unconfirmed, not_enough = _factor_lines(report)
    signs = _signs(episodes, start_rate, now_rate)
    return SummaryData(
        start=frames.start,
        end=frames.end,
        generated=generated,
        version=__version__,
        checkin_days=len(frames.checkins),
        observed_days=observed,
        observed_from=frames.observed_from,
        diary_days=_diary_days(frames),
        episodes=len(episodes),
        trend_weeks=window,
        per_week_start=start_rate,
        per_week_now=now_rate,
        severity_bands=tuple(
            (name, int(bands.get(key, 0)))
            for key, name in (
                ("mild", "mild (0-3)"),
                ("moderate", f"moderate (4-{factors.SEVERE_AT - 1})"),
                ("severe", f"severe ({factors.SEVERE_AT}-10)"),
                ("not rated", "not rated"),
            )
        ),
        median_duration_s=float(durations.median()) if len(durations) else None,
        longest_duration_s=int(durations.max()) if len(durations) else None,
        nights_woken=signs[3].count,
        muscles=tuple(muscle_sides(episodes)),
        signs=signs,
        medications=_current_meds(frames),
        changes=_changes(report),
        change_weeks=report.options.window_weeks,
        conditions=tuple(
            ConditionLine(n.name, conditions.label(n.group), n.since, n.until)
            for n in report.context.conditions
        ),
        labs=_latest_labs(frames),
        factors=shown,
        factors_tested=tested,
        unconfirmed=unconfirmed,
        q_threshold=report.options.q_threshold,
        not_enough=not_enough,
        weekly=tuple((row.first_day, row.episodes if row.has_data else None) for row in rows),
        chart_png=charts[0],
        page_chart_png=charts[1],
        appendix=_appendix(episodes),
    )


# --- the pipeline -----------------------------------------------------------------------------


def fluid_line(frames: Frames, threshold_ml: float, unit: FluidUnit) -> FluidLine:
    """Daily fluids on the period's check-in days that gave them."""
    given = frames.checkins["fluid_ml"].dropna()
    mean = float(given.mean()) if len(given) else None
    return FluidLine(len(given), mean, int((given < threshold_ml).sum()), threshold_ml, unit)


def build(
    diary: Store,
    start: dt.date,
    end: dt.date,
    now: dt.datetime,
    with_chart: bool = True,
    trial: TrialSummary | None = None,
    unit: FluidUnit = LITRES,
    low_fluid_ml: float = factors.LOW_FLUID_ML,
    week_start: int = 0,
) -> SummaryData:
    """Everything the summary shows for the local dates [start, end].

    Without the charts (Markdown shows the weekly counts as text) their PNGs are empty.
    `trial`: a trial of a remedy in the period (spasmlog.reports.trial.summarise), if any. `unit`,
    `low_fluid_ml` and `week_start` are the person's settings (fluids are stated in litres and
    in `unit`; low fluids is the factor report's threshold; weeks start on Monday, 0, or Sunday).
    """
    from spasmlog.reports import factors as factor_report
    from spasmlog.reports import load as loader
    from spasmlog.reports import weekly
    from spasmlog.reports.factor_results import FactorOptions

    frames = loader.load(diary, start, end, now, detail=True)
    report = factor_report.analyse(frames, FactorOptions(fluid_threshold_ml=low_fluid_ml))
    rows = weekly.weekly_rows(frames, week_start)
    pngs = (b"", b"")
    if with_chart:
        from spasmlog.reports import summary_charts

        threshold = round(low_fluid_ml)
        pngs = (
            summary_charts.png(summary_charts.compact_figure(rows)),
            summary_charts.png(summary_charts.page_figure(frames, rows, threshold, unit)),
        )
    data = summarise(frames, report, rows, pngs, now.date())
    return replace(data, trial=trial, fluids=fluid_line(frames, low_fluid_ml, unit))
