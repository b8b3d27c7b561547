"""The factor report: exposures, the statistics, the JSON contract, the text, and the command."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
from typing import Any

import pandas as pd
import pytest
from scipy.stats import beta
from statsmodels.stats.multitest import multipletests

from spasmlog.knowledge.factors import DISCLAIMER
from spasmlog.reports import exposures, rates
from spasmlog.reports.factor_results import q_above
from spasmlog.reports.factors import (
    ASSOCIATED,
    NOT_ENOUGH,
    PROTECTIVE,
    SCHEMA,
    UNCLEAR,
    Context,
    FactorOptions,
    FactorReport,
    FactorResult,
    analyse,
    change_sentence,
    render_text,
    sentence,
)
from spasmlog.reports.load import Frames, analysis_days
from tests.simulate import Scenario, simulate

START = dt.date(2025, 3, 3)  # a Monday


def _day(n: int) -> pd.Timestamp:
    return pd.Timestamp(START + dt.timedelta(days=n))


def _checkins(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Check-ins as the loader gives them: nullable columns, a tag list, missing days absent."""
    fields = {
        "fluid_ml": "Float64",
        "sweating": "boolean",
        "vomiting": "boolean",
        "diarrhea": "boolean",
        "fever": "boolean",
        "hot_weather": "boolean",
        "sleep_h": "Float64",
        "magnesium_mg": "Float64",
        "alcohol_units": "Float64",
        "exercised": "boolean",
    }
    frame = pd.DataFrame({"date": pd.to_datetime([row["date"] for row in rows])})
    for name, dtype in fields.items():
        frame[name] = pd.array([row.get(name) for row in rows], dtype=dtype)
    frame["tags"] = [row.get("tags", []) for row in rows]
    return frame


def _timed(times: list[pd.Timestamp], **columns: Any) -> pd.DataFrame:
    local = pd.Series(pd.to_datetime(times), dtype="datetime64[s]")
    return pd.DataFrame(
        {
            "start_local": local,
            "date": local.dt.normalize(),
            "start_utc": local.dt.tz_localize("UTC"),
            **columns,
        }
    )


def _episodes(times: list[pd.Timestamp]) -> pd.DataFrame:
    """Episodes as the loader gives them, with their analysis day (noon to noon)."""
    episodes = _timed(times, muscle="calf")
    return episodes.assign(day=analysis_days(episodes["start_local"]))


def _exercise(sessions: list[tuple[pd.Timestamp, str | None, str]]) -> pd.DataFrame:
    return _timed(
        [t for t, _, _ in sessions],
        intensity=[i for _, i, _ in sessions],
        source=[s for _, _, s in sessions],
    )


def make_frames(
    days: int,
    checkins: list[dict[str, Any]],
    episodes: list[pd.Timestamp],
    exercise: list[tuple[pd.Timestamp, str | None, str]] = (),  # type: ignore[assignment]
    medications: pd.DataFrame | None = None,
    conditions: pd.DataFrame | None = None,
    labs: pd.DataFrame | None = None,
) -> Frames:
    end = START + dt.timedelta(days=days - 1)
    loaded = _episodes(episodes)
    return Frames(
        start=START,
        end=end,
        episodes=loaded[loaded["day"].between(pd.Timestamp(START), pd.Timestamp(end))],
        checkins=_checkins(checkins),
        exercise=_exercise(exercise),
        medications=medications
        if medications is not None
        else pd.DataFrame(
            {
                "name": [],
                "generic": [],
                "drug_class": [],
                "started_on": pd.to_datetime([]),
                "stopped_on": pd.to_datetime([]),
            }
        ),
        conditions=conditions
        if conditions is not None
        else pd.DataFrame(
            {"name": [], "group": [], "since": pd.to_datetime([]), "until": pd.to_datetime([])}
        ),
        labs=labs
        if labs is not None
        else pd.DataFrame(
            {
                "taken_on": pd.to_datetime([]),
                "test": [],
                "value": [],
                "unit": [],
                "value_mmol_l": [],
                "flag": [],
            }
        ),
    )


def by_id(report: Any) -> dict[str, FactorResult]:
    return {result.id: result for result in report.factors}


# --- which days and episodes are compared --------------------------------------------------------


def test_missing_days_and_blank_fields_are_left_out() -> None:
    frames = make_frames(
        5,
        [
            {
                "date": _day(0),
                "fluid_ml": 1000,
                "sweating": False,
                "vomiting": False,
                "diarrhea": False,
                "fever": False,
            },
            {"date": _day(1), "fluid_ml": 2000, "sweating": True},  # fluid loss known: a yes
            {"date": _day(3), "sweating": False},
        ],  # fluids blank; fluid loss unknown (others blank)
        [
            _day(0) + pd.Timedelta(hours=15),
            _day(2) + pd.Timedelta(hours=15),  # day 2: no check-in
            _day(3) + pd.Timedelta(hours=13),
            _day(3) + pd.Timedelta(hours=14),
        ],
    )
    report = analyse(frames)
    assert (report.days_in_period, report.analysable_days) == (5, 3)
    assert (report.episodes_total, report.episodes_analysed) == (4, 3)
    low_fluid, fluid_loss = by_id(report)["low_fluid"], by_id(report)["fluid_loss"]
    assert (low_fluid.exposed_days, low_fluid.unexposed_days, low_fluid.unknown_days) == (1, 1, 1)
    assert (low_fluid.exposed_episodes, low_fluid.unexposed_episodes) == (1, 0)
    assert (fluid_loss.exposed_days, fluid_loss.unexposed_days, fluid_loss.unknown_days) == (
        1,
        1,
        1,
    )


def test_day_level_factor_definitions() -> None:
    frames = make_frames(
        2,
        [
            {
                "date": _day(0),
                "magnesium_mg": 0,
                "alcohol_units": 2,
                "sleep_h": 5.9,
                "hot_weather": True,
                "tags": ["coffee", "new shoes"],
            },
            {
                "date": _day(1),
                "magnesium_mg": 300,
                "alcohol_units": 0,
                "sleep_h": 6.0,
                "hot_weather": False,
                "tags": ["coffee"],
            },
        ],
        [],
    )
    found = by_id(analyse(frames))
    exposed = {
        key: found[key].exposed_days
        for key in (
            "magnesium",
            "alcohol",
            "short_sleep",
            "hot_weather",
            "tag:coffee",
            "tag:new shoes",
        )
    }
    assert exposed == {
        "magnesium": 1,
        "alcohol": 1,
        "short_sleep": 1,
        "hot_weather": 1,
        "tag:coffee": 2,
        "tag:new shoes": 1,
    }
    assert found["tag:coffee"].unexposed_days == 0


def test_fluid_threshold_option_moves_the_cut() -> None:
    frames = make_frames(
        2, [{"date": _day(0), "fluid_ml": 1800}, {"date": _day(1), "fluid_ml": 2500}], []
    )
    assert by_id(analyse(frames))["low_fluid"].exposed_days == 0
    report = analyse(frames, FactorOptions(fluid_threshold_ml=2000))
    assert by_id(report)["low_fluid"].exposed_days == 1
    assert by_id(report)["low_fluid"].label == "Low fluids (under 2 L)"


def _at(day: int, hour: float) -> pd.Timestamp:
    return _day(day) + pd.Timedelta(hours=hour)


def test_episodes_count_for_the_day_before_their_night() -> None:
    """A 3 a.m. cramp follows the evening before, whose low fluids came first."""
    frames = make_frames(
        2,
        [{"date": _day(0), "fluid_ml": 1000}, {"date": _day(1), "fluid_ml": 2500}],
        [_at(1, 3), _at(1, 11.9), _at(1, 12)],
    )
    low_fluid = by_id(analyse(frames))["low_fluid"]
    assert (low_fluid.exposed_episodes, low_fluid.unexposed_episodes) == (2, 1)


def test_the_day_still_going_on_is_not_compared_yet() -> None:
    """Today's analysis day runs until tomorrow noon: counting it would read its missing spasms
    as a day with few."""
    frames = make_frames(
        3,
        [{"date": _day(n), "fluid_ml": 1000 if n == 2 else 2000} for n in range(3)],
        [_at(0, 20), _at(1, 20), _at(2, 13)],
    )
    today = dataclasses.replace(frames, ongoing_from=_day(2).date())
    report = analyse(today)
    assert (report.analysable_days, report.episodes_total, report.episodes_analysed) == (2, 3, 2)
    assert by_id(report)["low_fluid"].exposed_days == 0
    assert analyse(frames).analysable_days == 3


def test_vigorous_exercise_counts_only_independent_sessions_and_known_hours() -> None:
    """Hours from noon to noon; exposed for 24 h after an independent vigorous session; known
    to be without it only when their date and the date before have exercise answered."""
    frames = make_frames(
        5,
        [
            {"date": _day(0), "exercised": True},
            {"date": _day(1)},  # not answered, but a session was recorded that day
            {"date": _day(2), "exercised": False},
            {"date": _day(4), "exercised": False},
        ],  # day 3: no check-in
        [
            _at(1, 3),  # day 0, in the run's 24 h: exposed
            _at(0, 14),  # day 0, evening: the day before the period is not answered
            _at(1, 23),  # day 1, after the run's 24 h; the typed session does not count
            _at(2, 13),  # day 2, known and without
            _at(2, 16),  # day 2, after a session of unknown intensity: unknown
            _at(3, 9),  # day 2's morning, in the 24 h of a run that day
            _at(3, 15),  # day 3: no check-in
            _at(4, 13),  # day 4, evening: known and without
            _at(5, 3),  # day 4's night: the date after the period is not answered
        ],
        exercise=[
            (_at(0, 20), "vigorous", "exercise"),
            (_at(1, 8), "moderate", "exercise"),
            (_at(1, 22.25), "vigorous", "log"),  # typed with the 23:00 cramp
            (_at(2, 14), None, "import"),
            (_at(3, 8), "vigorous", "import"),
        ],
    )
    result = by_id(analyse(frames))["vigorous_exercise_24h"]
    # exposed: day 0 20:00-12:00 (16 h), day 1 12:00-20:00 (8 h), day 3 08:00-12:00 (4 h)
    assert result.exposed_days == pytest.approx(28 / 24)
    # without: day 1 20:00-12:00 (16 h), day 2 12:00-14:00 (2 h), day 4 12:00-24:00 (12 h)
    assert result.unexposed_days == pytest.approx(30 / 24)
    assert result.unknown_days == pytest.approx(4 - 58 / 24)
    assert (result.exposed_episodes, result.unexposed_episodes) == (2, 3)


def test_exercise_typed_with_episodes_is_never_an_exposure() -> None:
    """Every cramp logged with `log --exercise`: each falls inside its own 24 h window."""
    cramps = [_at(n, 15) for n in range(60)]
    frames = make_frames(
        60,
        [{"date": _day(n), "exercised": False} for n in range(60)],
        cramps,
        exercise=[(t - pd.Timedelta(minutes=45), "vigorous", "log") for t in cramps[::2]],
    )
    result = by_id(analyse(frames))["vigorous_exercise_24h"]
    assert (result.exposed_days, result.exposed_episodes) == (0, 0)
    assert result.unexposed_days == 59  # the first evening and last morning touch unread dates
    assert result.verdict == NOT_ENOUGH


def test_medication_classes_need_on_and_off_days() -> None:
    medications = pd.DataFrame(
        {
            "name": ["Lipitor", "lisinopril", "baclofen"],
            "generic": ["atorvastatin", "lisinopril", "baclofen"],
            "drug_class": ["statin", "ace_inhibitor", "other"],
            "started_on": pd.to_datetime([_day(2), _day(-30), _day(0)]),
            "stopped_on": pd.to_datetime([None, None, _day(1)]),
        }
    )
    frames = make_frames(4, [{"date": _day(n)} for n in range(4)], [], medications=medications)
    found = by_id(analyse(frames))
    assert "med:ace_inhibitor" not in found  # taken on every day: nothing to compare
    assert (found["med:statin"].exposed_days, found["med:statin"].unexposed_days) == (2, 2)
    assert found["med:statin"].label == "Statins"
    assert found["med:statin"].article_factor == "medications"
    assert found["med:other"].exposed_days == 2  # the stop date is still a day on
    assert found["med:other"].article_factor is None
    assert "baclofen" in found["med:other"].label


# --- the statistics --------------------------------------------------------------------------------


def test_exact_interval_is_the_clopper_pearson_one() -> None:
    counts = rates.Counts(exposed_time=88, unexposed_time=241, exposed=55, unexposed=63)
    ratio, low, high, p = rates.exact(counts)
    total = 118
    p_low = beta.ppf(0.025, 55, total - 55 + 1)
    p_high = beta.ppf(0.975, 55 + 1, total - 55)
    assert ratio == pytest.approx((55 / 88) / (63 / 241))
    assert low == pytest.approx(p_low / (1 - p_low) * 241 / 88)
    assert high == pytest.approx(p_high / (1 - p_high) * 241 / 88)
    assert 0 < p < 1e-4
    none_exposed = rates.exact(rates.Counts(20, 20, 0, 10))
    assert none_exposed[0] == 0 and none_exposed[1] == 0
    assert math.isinf(rates.exact(rates.Counts(20, 20, 10, 0))[2])


def _steady(days: int, exposed_every: int, rate_on: int, rate_off: int) -> Frames:
    """Exposed (hot) every n-th day; a fixed number of episodes a day: no randomness at all."""
    checkins, episodes = [], []
    for n in range(days):
        hot = n % exposed_every == 0
        checkins.append({"date": _day(n), "hot_weather": hot})
        episodes += [
            _day(n) + pd.Timedelta(hours=13 + k) for k in range(rate_on if hot else rate_off)
        ]
    return make_frames(days, checkins, episodes)


def test_clear_effect_is_associated_and_reverse_is_protective() -> None:
    hot = by_id(analyse(_steady(140, 4, 3, 1)))["hot_weather"]
    assert hot.verdict == ASSOCIATED and hot.rate_ratio == pytest.approx(3)
    assert hot.ci_low is not None and hot.ci_low > 1 and hot.q_value is not None
    cool = by_id(analyse(_steady(140, 4, 1, 3)))["hot_weather"]
    assert cool.verdict == PROTECTIVE and cool.rate_ratio == pytest.approx(1 / 3)


def test_not_enough_data_thresholds() -> None:
    thirteen = by_id(analyse(_steady(13 * 4, 4, 3, 1)))["hot_weather"]
    assert thirteen.verdict == NOT_ENOUGH
    assert thirteen.rate_ratio is None and thirteen.q_value is None and thirteen.method == "none"
    assert thirteen.exposed_episodes == 39 and thirteen.shortfall == ("14 days with it, has 13",)
    fourteen = by_id(analyse(_steady(14 * 4 - 3, 4, 3, 1)))["hot_weather"]
    assert fourteen.exposed_days == 14 and fourteen.verdict != NOT_ENOUGH
    few = by_id(analyse(_steady(14 * 4, 4, 0, 0)))["hot_weather"]
    assert few.verdict == NOT_ENOUGH and "5 spasms expected with it, has 0.0" in few.shortfall


def test_q_values_cover_only_the_tested_factors() -> None:
    report = analyse(simulate(Scenario(days=300), seed=3).frames)
    tested = [result for result in report.factors if result.verdict != NOT_ENOUGH]
    skipped = [result for result in report.factors if result.verdict == NOT_ENOUGH]
    assert skipped and all(result.q_value is None for result in skipped)
    expected = multipletests([result.p_value for result in tested], method="fdr_bh")[1]
    assert [result.q_value for result in tested] == pytest.approx(list(expected))
    for result in tested:
        assert result.q_value is not None and result.rate_ratio is not None
        flagged = result.q_value <= 0.10
        assert result.verdict == (
            UNCLEAR if not flagged else ASSOCIATED if result.rate_ratio > 1 else PROTECTIVE
        )


def test_method_follows_the_dispersion_check() -> None:
    """Steady counts: exact test. Bursty weeks: the model with the wider interval."""
    steady = by_id(analyse(_steady(140, 4, 3, 1)))["hot_weather"]
    assert steady.method == rates.EXACT
    bursty = analyse(simulate(Scenario(days=400, frailty="week", frailty_shape=1.0), seed=5).frames)
    statin = by_id(bursty)["med:statin"]
    assert statin.method in (rates.CLUSTERED, rates.QUASI)
    assert statin.variance_inflation is not None and statin.variance_inflation > 1.2


# --- medication changes and context ------------------------------------------------------------------


def test_medication_change_before_and_after() -> None:
    started = 60
    medications = pd.DataFrame(
        {
            "name": ["Lipitor 20mg"],
            "generic": ["atorvastatin"],
            "drug_class": ["statin"],
            "started_on": pd.to_datetime([_day(started)]),
            "stopped_on": pd.to_datetime([_day(108)]),
        }
    )
    episodes = [
        _day(n) + pd.Timedelta(hours=20) for n in range(120) for _ in range(1 + (n >= started))
    ]
    frames = make_frames(
        120,
        [{"date": _day(n)} for n in range(120) if n % 10 != 5],
        episodes,
        medications=medications,
    )
    first, second = analyse(frames, FactorOptions(window_weeks=4)).medication_changes
    assert (first.change, first.date, first.drug_class) == (
        "started",
        _day(started).date(),
        "statin",
    )
    assert (first.days_before, first.days_after) == (
        25,
        25,
    )  # 28 days each side, 3 without check-in
    assert (first.rate_before, first.rate_after) == (1, 2)
    assert first.rate_ratio == pytest.approx(2) and first.ci_low is not None and first.ci_low > 1
    assert (second.change, second.date) == ("stopped", _day(108).date())
    assert (second.days_before, second.days_after) == (25, 10)  # after: days 109-119, not 115
    assert second.rate_ratio is None and second.shortfall == ("14 days after, has 10",)


def _periods(*rows: tuple[str, str | None, str, int, int | None]) -> pd.DataFrame:
    """Medication periods: (name, generic, dose, started day, stopped day or None)."""
    return pd.DataFrame(
        {
            "name": [row[0] for row in rows],
            "generic": [row[1] for row in rows],
            "drug_class": "statin",
            "dose": [row[2] for row in rows],
            "started_on": pd.to_datetime([_day(row[3]) for row in rows]),
            "stopped_on": pd.to_datetime(
                [None if row[4] is None else _day(row[4]) for row in rows]
            ),
        }
    )


def test_a_dose_change_is_not_a_stop() -> None:
    """Lipitor 20 mg stopped on a day and 40 mg started the next: one atorvastatin exposure."""
    medications = _periods(
        ("Lipitor 20mg", "atorvastatin", "20 mg", 30, 69),
        ("Lipitor 40mg", "atorvastatin", "40 mg", 70, None),
    )
    frames = make_frames(
        120,
        [{"date": _day(n)} for n in range(120)],
        [_at(n, 20) for n in range(120)],
        medications=medications,
    )
    report = analyse(frames, FactorOptions(window_weeks=4))
    started, changed = report.medication_changes
    assert (started.change, started.date) == ("started", _day(30).date())
    assert (changed.change, changed.date, changed.medication) == (
        "dose changed",
        _day(70).date(),
        "Lipitor 40mg",
    )
    assert (changed.dose_before, changed.dose_after) == ("20 mg", "40 mg")
    assert (changed.days_before, changed.days_after) == (28, 28)
    statin = by_id(report)["med:statin"]
    assert (statin.exposed_days, statin.unexposed_days) == (90, 30)
    data = json.loads(json.dumps(report.to_json()))["medication_changes"][1]
    assert (data["change"], data["dose_before"], data["dose_after"]) == (
        "dose changed",
        "20 mg",
        "40 mg",
    )
    text = " ".join(render_text(report).split())
    assert (
        "Lipitor 40mg (atorvastatin; statins): dose changed (20 mg -> 40 mg) on 2025-05-12: "
        in (text)
    )
    assert "Stopped Lipitor" not in text and "Started Lipitor 40mg" not in text


def test_same_drug_same_day_same_dose_is_no_change_and_a_gap_is_a_stop() -> None:
    medications = _periods(
        ("Lipitor", "atorvastatin", "20 mg", 10, 20),
        ("atorvastatin", "atorvastatin", "20 mg", 20, 40),  # the same day, the same dose
        ("Lipitor", "atorvastatin", "20 mg", 43, None),  # three days off: a stop and a start
        ("Zocor", "simvastatin", "20 mg", 41, 41),  # another drug: its own start and stop
    )
    frames = make_frames(60, [{"date": _day(n)} for n in range(60)], [], medications=medications)
    changes = analyse(frames).medication_changes
    assert [(c.change, c.date, c.medication) for c in changes] == [
        ("started", _day(10).date(), "Lipitor"),
        ("stopped", _day(40).date(), "atorvastatin"),
        ("started", _day(41).date(), "Zocor"),
        ("stopped", _day(41).date(), "Zocor"),
        ("started", _day(43).date(), "Lipitor"),
    ]


def test_a_window_with_no_days_on_one_side_is_not_enough_data() -> None:
    medications = _periods(("Lipitor 20mg", "atorvastatin", "20 mg", 0, None))
    frames = make_frames(
        30,
        [{"date": _day(n)} for n in range(30)],
        [_at(n, 20) for n in range(30)],
        medications=medications,
    )
    (change,) = analyse(frames).medication_changes
    assert (change.days_before, change.days_after, change.rate_ratio) == (0, 30, None)
    text = " ".join(change_sentence(change, 8).split())
    assert text == (
        "Started Lipitor 20mg (atorvastatin; statins) on 2025-03-03: 30 spasms over 30 days in "
        "the 8 weeks after, no check-in days before; too little to compare (needs 14 days "
        "before, has 0)."
    )


def test_context_conditions_and_out_of_range_labs() -> None:
    conditions = pd.DataFrame(
        {
            "name": ["type 2 diabetes", "sciatica"],
            "group": ["diabetes", "nerve_damage"],
            "since": pd.to_datetime(["2019-01-01", _day(10)]),
            "until": pd.to_datetime([None, None]),
        }
    )
    labs = pd.DataFrame(
        {
            "taken_on": pd.to_datetime([_day(3), _day(4), _day(-90)]),
            "test": ["potassium", "sodium", "magnesium"],
            "value": [3.1, 140.0, 0.5],
            "unit": ["mmol/L"] * 3,
            "value_mmol_l": [3.1, 140.0, 0.5],
            "flag": ["low", "normal", "low"],
        }
    )
    report = analyse(make_frames(30, [], [], conditions=conditions, labs=labs))
    diabetes, sciatica = report.context.conditions
    assert diabetes.all_along and not sciatica.all_along
    (lab,) = report.context.lab_flags
    assert (lab.test, lab.flag, lab.condition) == ("potassium", "low", "hypokalemia")
    text = render_text(report)
    assert "type 2 diabetes (Diabetes): present all along, so a diary cannot test it." in text
    assert "Potassium 3.1 mmol/L on 2025-03-06: low (hypokalemia)" in text


# --- the JSON contract and the text ------------------------------------------------------------------

FACTOR_KEYS = {
    "id": str,
    "label": str,
    "method": str,
    "exposed_days": float,
    "unexposed_days": float,
    "exposed_episodes": int,
    "unexposed_episodes": int,
    "verdict": str,
}
NULLABLE = ("article_factor", "rate_ratio", "ci_low", "ci_high", "p_value", "q_value")
CHANGE_KEYS = (
    "medication",
    "class",
    "change",
    "date",
    "rate_before",
    "rate_after",
    "rate_ratio",
    "ci_low",
    "ci_high",
)


def test_json_contract() -> None:
    report = analyse(simulate(Scenario(days=420), seed=4).frames)
    data = json.loads(json.dumps(report.to_json(), allow_nan=False))
    assert data["schema"] == SCHEMA == "spasmlog.factors/1"
    assert data["period"] == {"start": "2024-06-03", "end": "2025-07-27"}
    for key in ("days_in_period", "analysable_days", "episodes_total", "episodes_analysed"):
        assert isinstance(data[key], int)
    assert data["episodes_analysed"] <= data["episodes_total"]
    assert {f["id"] for f in data["factors"]} >= {
        "low_fluid",
        "fluid_loss",
        "vigorous_exercise_24h",
        "magnesium",
        "alcohol",
        "hot_weather",
        "short_sleep",
        "med:statin",
        "tag:coffee",
        "tag:new shoes",
    }
    for factor in data["factors"]:
        for key, kind in FACTOR_KEYS.items():
            assert isinstance(factor[key], kind), key
        for key in NULLABLE:
            assert factor[key] is None or isinstance(factor[key], str | float)
        assert factor["verdict"] in (ASSOCIATED, PROTECTIVE, UNCLEAR, NOT_ENOUGH)
    assert [c["change"] for c in data["medication_changes"]] == ["started", "stopped", "started"]
    for change in data["medication_changes"]:
        assert set(CHANGE_KEYS) <= set(change)
        dt.date.fromisoformat(change["date"])
    assert set(data["context"]) >= {"conditions", "lab_flags"}


def test_sentence_reads_like_the_issue() -> None:
    result = FactorResult(
        id="low_fluid",
        label="Low fluids (under 1.5 L)",
        article_factor="dehydration",
        method=rates.EXACT,
        exposed_days=88,
        unexposed_days=241,
        exposed_episodes=55,
        unexposed_episodes=63,
        rate_ratio=2.4,
        ci_low=1.6,
        ci_high=3.5,
        p_value=1e-6,
        q_value=1e-5,
        verdict=ASSOCIATED,
        phrase="On days you drank under 1.5 L",
        expected_exposed=31.6,
        unknown_days=0,
        variance_inflation=None,
        shortfall=(),
    )
    assert sentence(result) == (
        "On days you drank under 1.5 L you had 2.4x as many spasms (95% CI 1.6-3.5; 0.62 vs 0.26 a "
        "day, over 88 and 241 days)."
    )


def test_render_text_has_every_part() -> None:
    report = analyse(simulate(Scenario(days=420), seed=4).frames)
    text = render_text(report)
    assert text.startswith("Risk factors and your spasms, 2024-06-03 to 2025-07-27\nCoverage: ")
    assert "More spasms with (associated, q <= 0.10):" in text
    assert "Not enough data yet" in text and "Tag: new shoes:" in text
    assert "Medication changes (spasms in the 8 weeks after vs before):" in text
    assert "Started Lipitor 20mg (atorvastatin; statins) on" in text
    assert "association in your own diary, not proof of cause" in text
    assert " ".join(text.split()).endswith(DISCLAIMER)
    assert max(len(line) for line in text.splitlines()) <= 100
    for result in report.factors:
        assert " ".join(sentence(result).split()) in " ".join(text.split())


def _result(
    id_: str, label: str, verdict: str, ratio: float | None = None, **numbers: Any
) -> FactorResult:
    """A hand-made result: 20 spasms over 30 days with it, 20 over 60 without, unless told."""
    values: dict[str, Any] = {
        "article_factor": None,
        "method": rates.EXACT if ratio is not None else "none",
        "exposed_days": 30.0,
        "unexposed_days": 60.0,
        "exposed_episodes": 20,
        "unexposed_episodes": 20,
        "ci_low": None,
        "ci_high": None,
        "p_value": None,
        "q_value": None,
        "phrase": f"With {label.lower()}",
        "expected_exposed": 13.3,
        "unknown_days": 0.0,
        "variance_inflation": None,
        "shortfall": (),
        **numbers,
    }
    return FactorResult(id=id_, label=label, verdict=verdict, rate_ratio=ratio, **values)


def _report(*factors: FactorResult) -> FactorReport:
    return FactorReport(
        start=START,
        end=START + dt.timedelta(days=89),
        days_in_period=90,
        analysable_days=90,
        episodes_total=40,
        episodes_analysed=40,
        factors=factors,
        medication_changes=(),
        context=Context((), ()),
        options=FactorOptions(),
    )


def _section(text: str, title: str) -> str:
    """One section of the text report, from its title to the next blank line, on one line."""
    return " ".join(text.split(title, 1)[1].split("\n\n", 1)[0].split())


def test_a_signal_that_does_not_survive_testing_is_possible_not_unclear() -> None:
    hot = _result("hot_weather", "Hot weather", UNCLEAR, 1.6, ci_low=1.1, ci_high=2.3, p_value=0.02,
                  q_value=0.14)  # fmt: skip
    alcohol = _result("alcohol", "Alcohol", UNCLEAR, 1.1, ci_low=0.8, ci_high=1.5, p_value=0.5,
                      q_value=0.6)  # fmt: skip
    fluids = _result("low_fluid", "Low fluids", ASSOCIATED, 2.4, ci_low=1.6, ci_high=3.5,
                     p_value=1e-5, q_value=3e-5)  # fmt: skip
    report = _report(fluids, hot, alcohol)
    assert [r.unconfirmed_signal for r in report.factors] == [False, True, False]
    text = render_text(report)
    possible = _section(text, "Possible, but not confirmed after testing 3 factors")
    assert possible.startswith(
        '(the 95% CI does not include 1.0x, "no difference", but q is above 0.10: with this many '
        "factors tested, it may be chance):"
    )
    assert "- With hot weather you had 1.6x as many spasms (95% CI 1.1-2.3;" in possible
    assert possible.endswith("over 30 and 60 days). q = 0.14.")
    assert max(len(line) for line in text.splitlines()) <= 100
    assert q_above(0.14, 0.10) == "0.14" and q_above(0.1004, 0.10) == "0.1004"  # never "0.10"
    unclear = _section(text, "No clear association:")
    assert "With alcohol" in unclear and "hot weather" not in unclear
    data = report.to_json()["factors"]
    assert [(f["verdict"], f["unconfirmed_signal"]) for f in data] == [
        (ASSOCIATED, False),
        (UNCLEAR, True),
        (UNCLEAR, False),
    ]


def test_words_have_plurals_and_no_ids_or_model_names() -> None:
    one = _result("tag:coffee", "Tag: coffee", NOT_ENOUGH, exposed_days=1.0, exposed_episodes=1,
                  unexposed_days=1.0, unexposed_episodes=0, shortfall=("14 days with it, has 1",))  # fmt: skip
    assert sentence(one) == (
        "Tag: coffee: 1 spasm over 1 day with it, 0 spasms over 1 day without it; too little to "
        "compare (needs 14 days with it, has 1)."
    )
    statin = _result("med:statin", "Statins", ASSOCIATED, 2.0, ci_low=1.4, ci_high=2.9,
                     p_value=1e-4, q_value=1e-4, method=rates.CLUSTERED)  # fmt: skip
    hot = _result("hot_weather", "Hot weather", UNCLEAR, 1.1, ci_low=0.8, ci_high=1.5,
                  p_value=0.5, q_value=0.5)  # fmt: skip
    text = render_text(_report(statin, hot, one))
    prose, methods = text.split("\nMethods: ")
    assert "med:" not in prose and "tag:" not in prose and "clustered" not in prose
    assert "corrected for testing 2 factors at once" in " ".join(prose.split())
    assert "so the intervals of statins are widened to allow for it" in " ".join(prose.split())
    assert " ".join(methods.split()).startswith(
        "exact conditional (binomial) test on the two Poisson counts (hot weather); Poisson model "
        "on person-time with errors clustered by week (statins); q-values by Benjamini-Hochberg."
    )
    assert " ".join(text.split()).endswith(DISCLAIMER)
    alone = " ".join(render_text(_report(one)).split())
    assert "testing 0 factors" not in alone and "Methods:" not in alone and "q is the" not in alone


def test_the_coverage_line_counts_in_the_singular_too() -> None:
    frames = make_frames(1, [{"date": _day(0)}], [_at(0, 20)])
    text = " ".join(render_text(analyse(frames)).split())
    assert "Coverage: 1 of 1 day has a check-in (100%); 1 of 1 spasm fell on those days" in text


def test_the_report_states_its_rules() -> None:
    text = " ".join(render_text(_report()).split())
    assert "Which days count: only days with a check-in." in text
    assert "a day runs from noon to noon, so a cramp at 3 a.m. counts with the day before" in text
    assert "Exercise typed with an episode (`log --exercise`) is not counted" in text
    assert "an hour counts as without it only when the exercise of its date and the date" in text


def test_blanks_that_starve_a_factor_name_the_answer_that_feeds_it() -> None:
    """Alcohol typed only on drinking days: the other days are blank, not "no"."""
    checkins = [{"date": _day(n), "alcohol_units": 2 if n % 3 == 0 else None} for n in range(60)]
    frames = make_frames(60, checkins, [_at(n, 20) for n in range(60)])
    found = by_id(analyse(frames))
    alcohol, exercise, fluids = found["alcohol"], found["vigorous_exercise_24h"], found["low_fluid"]
    assert (alcohol.verdict, alcohol.exposed_days, alcohol.unexposed_days) == (NOT_ENOUGH, 20, 0)
    assert alcohol.answer_hint == "answer `spasmlog checkin --alcohol 0` on days without alcohol"
    assert sentence(alcohol) == (
        "Alcohol: 20 spasms over 20 days with it, no days without it; too little to compare "
        "(needs 14 days without it, has 0). Not known on 40 days with a check-in: to compare, "
        "answer `spasmlog checkin --alcohol 0` on days without alcohol."
    )
    assert exercise.answer_hint is not None and "`spasmlog checkin --no-exercise`" in (
        exercise.answer_hint
    )
    assert fluids.answer_hint is not None  # fluids blank on every day
    assert analyse(frames).to_json()["factors"][4]["answer_hint"] == alcohol.answer_hint
    answered = [{"date": _day(n), "alcohol_units": 2 if n % 3 == 0 else 0} for n in range(60)]
    assert by_id(analyse(make_frames(60, answered, [])))["alcohol"].answer_hint is None


def test_empty_diary_says_there_is_nothing_to_compare() -> None:
    report = analyse(make_frames(1, [], []))
    assert report.analysable_days == 0 and report.medication_changes == ()
    assert all(result.verdict == NOT_ENOUGH for result in report.factors)
    assert "There is nothing to compare yet" in render_text(report)


@pytest.mark.slow
def test_fourteen_years_of_100k_episodes_is_fast() -> None:
    import time

    frames = simulate(Scenario(days=5110, base_rate=10, start=dt.date(2012, 1, 2)), seed=1).frames
    assert len(frames.episodes) > 100_000
    analyse(frames)  # imports and warm-up
    started = time.perf_counter()
    analyse(frames)
    assert time.perf_counter() - started < 3


def test_exposure_rows_are_consistent_with_the_totals() -> None:
    sim = simulate(Scenario(days=200), seed=8)
    days = exposures.day_table(sim.frames)
    for exposure in exposures.exposures(sim.frames, days, 1500):
        counts = rates.Counts.of(exposure.rows)
        assert counts.exposed + counts.unexposed <= days["count"].sum()
        assert counts.exposed_time + counts.unexposed_time == pytest.approx(
            len(days) - exposure.unknown_days
        )
