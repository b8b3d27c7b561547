"""Electrolyte labs: names and units as typed, conversions to mmol/L, and low/normal/high flags."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spasmlog.core.errors import InvalidInput, NotFound
from spasmlog.knowledge.article import PASSAGES
from spasmlog.knowledge.labs import (
    ARTICLE_LINES,
    TESTS,
    TESTS_BY_ID,
    UCUM_UNIT,
    UNITS,
    LabTest,
    flag,
    from_mmol_l,
    lab_test,
    parse_range,
    parse_test,
    parse_unit,
    reference_range,
    to_mmol_l,
)

TEST_IDS = ("sodium", "potassium", "magnesium", "calcium_total", "calcium_ionized")


def test_test_ids_are_the_contract() -> None:
    assert tuple(TESTS_BY_ID) == TEST_IDS


# --- names and units -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "test_id"),
    [
        ("sodium", "sodium"),
        ("Na", "sodium"),
        ("K", "potassium"),
        ("K+", "potassium"),
        ("Potassium", "potassium"),
        ("Mg", "magnesium"),
        ("Ca", "calcium_total"),
        ("calcium", "calcium_total"),
        ("Total calcium", "calcium_total"),
        ("calcium_total", "calcium_total"),
        ("calcium-ionized", "calcium_ionized"),
        ("iCa", "calcium_ionized"),
        ("ionized calcium", "calcium_ionized"),
        ("Ionised  Calcium", "calcium_ionized"),
        ("Calcium (ionized)", "calcium_ionized"),
    ],
)
def test_parse_test(text: str, test_id: str) -> None:
    assert parse_test(text) == test_id


def test_parse_test_rejects_with_what_is_accepted() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_test("chloride")
    message = str(caught.value)
    assert message.startswith("TEST: invalid value 'chloride'.")
    assert "sodium, potassium, magnesium, calcium_total, calcium_ionized" in message
    assert "Did you mean" not in message


def test_parse_test_suggests_a_near_miss() -> None:
    with pytest.raises(InvalidInput, match=r"^--test: .*Did you mean 'potassium'\?"):
        parse_test("potasium", option="--test")


@pytest.mark.parametrize("ambiguous", ["Ca2+", "Ca++"])
def test_parse_test_refuses_to_guess_which_calcium(ambiguous: str) -> None:
    with pytest.raises(InvalidInput):
        parse_test(ambiguous)


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("mmol/L", "mmol/L"),
        ("mmol/l", "mmol/L"),
        ("MMOL/L", "mmol/L"),
        ("mmol / litre", "mmol/L"),
        ("mmol per liter", "mmol/L"),
        ("mg/dL", "mg/dL"),
        ("mg/dl", "mg/dL"),
        ("mg%", "mg/dL"),
        ("mEq/L", "mEq/L"),
        ("meq/l", "mEq/L"),
        ("mEq", "mEq/L"),
    ],
)
def test_parse_unit(text: str, unit: str) -> None:
    assert parse_unit(text) == unit


@pytest.mark.parametrize("text", ["", "mg", "g/L", "umol/L", "mg/L"])
def test_parse_unit_rejects_with_what_is_accepted(text: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_unit(text)
    assert str(caught.value).startswith("UNIT: invalid value")
    assert "Use one of: mmol/L, mg/dL, mEq/L." in str(caught.value)


# --- conversions -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("test_id", "value", "unit", "mmol"),
    [
        ("magnesium", 2.0, "mg/dL", 0.823),
        ("calcium_total", 10.0, "mg/dL", 2.495),
        ("calcium_ionized", 5.0, "mg/dL", 1.248),
        ("sodium", 322.0, "mg/dL", 140.061),
        ("potassium", 15.6, "mg/dL", 3.990),
        ("potassium", 4.0, "mEq/L", 4.0),
        ("sodium", 140.0, "mEq/L", 140.0),
        ("magnesium", 2.0, "mEq/L", 1.0),
        ("calcium_total", 5.0, "mEq/L", 2.5),
        ("calcium_total", 2.4, "mmol/L", 2.4),
        ("magnesium", 2.0, "mg/dl", 0.823),  # the forgiving spelling works here too
    ],
)
def test_known_conversions(test_id: str, value: float, unit: str, mmol: float) -> None:
    assert to_mmol_l(test_id, value, unit) == pytest.approx(mmol, abs=5e-4)
    assert from_mmol_l(test_id, to_mmol_l(test_id, value, unit), unit) == pytest.approx(value)


def test_exact_factors() -> None:
    assert to_mmol_l("magnesium", 24.305, "mg/dL") == pytest.approx(10.0)
    assert to_mmol_l("calcium_total", 40.078, "mg/dL") == pytest.approx(10.0)
    assert to_mmol_l("sodium", 22.990, "mg/dL") == pytest.approx(10.0)
    assert to_mmol_l("potassium", 39.098, "mg/dL") == pytest.approx(10.0)


@given(
    test_id=st.sampled_from(TEST_IDS),
    unit=st.sampled_from(UNITS),
    value=st.floats(min_value=1e-6, max_value=1e6, allow_nan=False, allow_infinity=False),
)
def test_conversion_round_trip(test_id: str, unit: str, value: float) -> None:
    back = from_mmol_l(test_id, to_mmol_l(test_id, value, unit), unit)
    assert math.isclose(back, value, rel_tol=1e-12)


def test_conversion_rejects_unknown_test_and_unit() -> None:
    with pytest.raises(NotFound, match="Unknown lab test 'chloride'"):
        to_mmol_l("chloride", 100, "mmol/L")
    with pytest.raises(InvalidInput):
        from_mmol_l("sodium", 140, "g/L")
    with pytest.raises(NotFound):
        lab_test("Na")  # ids only; parse_test handles what people type


# --- ranges ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3.5-5.1", (3.5, 5.1)),
        (" 3.5 - 5.1 ", (3.5, 5.1)),
        ("3.5–5.1", (3.5, 5.1)),
        ("3.5 to 5.1", (3.5, 5.1)),
        ("3,5-5,1", (3.5, 5.1)),
        ("135-145", (135.0, 145.0)),
        ("0-1", (0.0, 1.0)),
        (".7-1", (0.7, 1.0)),
    ],
)
def test_parse_range(text: str, expected: tuple[float, float]) -> None:
    assert parse_range(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("5.1-3.5", "LOW must be below HIGH"),
        ("3.5-3.5", "LOW must be below HIGH"),
        ("-1-5", "0 or more"),
        ("-3.5--1", "0 or more"),
        ("3.5", "LOW-HIGH"),
        ("low-high", "LOW-HIGH"),
        ("3.5-5.1 mmol/L", "LOW-HIGH"),
        ("", "LOW-HIGH"),
    ],
)
def test_parse_range_rejects(text: str, reason: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_range(text)
    assert str(caught.value).startswith("--range: invalid value")
    assert reason in str(caught.value)


def test_reference_ranges_as_documented() -> None:
    ranges = {t.id: (t.reference_low, t.reference_high) for t in TESTS}
    assert ranges == {
        "sodium": (136.0, 145.0),
        "potassium": (3.5, 5.1),
        "magnesium": (0.66, 1.07),
        "calcium_total": (2.15, 2.55),
        "calcium_ionized": (1.16, 1.32),
    }
    as_mg_dl = {t.id: reference_range(t.id, "mg/dL") for t in TESTS if t.reference_mg_dl}
    assert as_mg_dl == {
        "magnesium": (1.6, 2.6),
        "calcium_total": (8.6, 10.2),
        "calcium_ionized": (4.64, 5.28),
    }
    for test_id, published in as_mg_dl.items():  # the two printings agree to their last digit
        in_mmol = [to_mmol_l(test_id, limit, "mg/dL") for limit in published]
        assert in_mmol == pytest.approx(ranges[test_id], abs=0.01)


@pytest.mark.parametrize(
    ("test_id", "unit", "expected"),
    [
        ("magnesium", "mmol/L", (0.66, 1.07)),
        ("magnesium", "mEq/L", (1.32, 2.14)),  # valence 2
        ("calcium_total", "mEq/L", (4.3, 5.1)),
        ("potassium", "mEq/L", (3.5, 5.1)),
        ("sodium", "mg/dL", (136 * 2.299, 145 * 2.299)),  # not printed in mg/dL: converted
    ],
)
def test_reference_range_in_each_unit(
    test_id: str, unit: str, expected: tuple[float, float]
) -> None:
    assert reference_range(test_id, unit) == pytest.approx(expected, rel=1e-12)


# --- flags -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("lab", "unit"), [(lab, unit) for lab in TESTS for unit in UNITS], ids=str)
def test_flag_boundaries_against_reference(lab: LabTest, unit: str) -> None:
    low, high = reference_range(lab.id, unit)
    assert flag(lab.id, low, unit).flag == "normal"
    assert flag(lab.id, high, unit).flag == "normal"
    below = flag(lab.id, math.nextafter(low, -math.inf), unit)
    above = flag(lab.id, math.nextafter(high, math.inf), unit)
    assert (below.flag, below.condition) == ("low", lab.low_condition)
    assert (above.flag, above.condition) == ("high", lab.high_condition)
    assert below.range_source == "reference" and below.limits == (low, high)
    # kept as the diary stores them: the published mmol/L limits, whatever the unit
    assert (below.range_low, below.range_high) == (lab.reference_low, lab.reference_high)


@pytest.mark.parametrize(
    ("test_id", "low", "high"),
    [
        ("sodium", "hyponatremia", "hypernatremia"),
        ("potassium", "hypokalemia", "hyperkalemia"),
        ("magnesium", "hypomagnesemia", "hypermagnesemia"),
        ("calcium_total", "hypocalcemia", "hypercalcemia"),
        ("calcium_ionized", "hypocalcemia", "hypercalcemia"),
    ],
)
def test_conditions_are_named(test_id: str, low: str, high: str) -> None:
    assert flag(test_id, 0.01, "mmol/L").condition == low
    assert flag(test_id, 1000.0, "mmol/L").condition == high
    assert flag(test_id, 0.01, "mmol/L").condition in ARTICLE_LINES


def test_normal_has_no_condition() -> None:
    result = flag("potassium", 4.2, "mmol/L")
    assert (result.flag, result.condition, result.range_source) == ("normal", None, "reference")


def test_lab_range_wins_over_reference() -> None:
    # 5.3 is high by the reference (3.5-5.1) but normal by this lab's 3.5-5.5.
    assert flag("potassium", 5.3, "mmol/L").flag == "high"
    result = flag("potassium", 5.3, "mmol/L", (3.5, 5.5))
    assert (result.flag, result.range_low, result.range_high) == ("normal", 3.5, 5.5)
    assert result.range_source == "lab"
    # And the other way: a narrower lab range flags what the reference calls normal.
    assert flag("magnesium", 0.68, "mmol/L").flag == "normal"
    assert flag("magnesium", 0.68, "mmol/L", (0.70, 1.00)).condition == "hypomagnesemia"


@given(
    test_id=st.sampled_from(TEST_IDS),
    unit=st.sampled_from(UNITS),
    limits=st.lists(
        st.decimals(min_value="0.01", max_value="999", places=2),
        min_size=2,
        max_size=2,
        unique=True,
    ).map(sorted),
)
def test_a_result_at_the_lab_s_printed_limit_is_normal(
    test_id: str, unit: str, limits: list[object]
) -> None:
    """As typed: the limits and the value are compared in their unit, not after a conversion."""
    low, high = (float(str(limit)) for limit in limits)
    assert flag(test_id, low, unit, (low, high)).flag == "normal"
    assert flag(test_id, high, unit, (low, high)).flag == "normal"
    assert flag(test_id, math.nextafter(low, 0), unit, (low, high)).flag == "low"
    judged = flag(test_id, high, unit, (low, high))
    assert (judged.range_low, judged.range_high) == (
        to_mmol_l(test_id, low, unit),
        to_mmol_l(test_id, high, unit),
    )


# --- article and export data -----------------------------------------------------------------


def test_article_lines() -> None:
    assert ARTICLE_LINES["hyponatremia"] == (
        "Low sodium levels, known as hyponatremia, can cause muscle spasms, weakness, and fatigue."
    )
    assert set(ARTICLE_LINES) == {t.low_condition for t in TESTS}


def test_article_lines_are_quoted_verbatim() -> None:
    for condition, line in ARTICLE_LINES.items():
        assert any(line in passage for passage in PASSAGES), condition


def test_loinc_codes_are_moles_per_volume() -> None:
    assert {t.id: t.loinc for t in TESTS} == {
        "sodium": "2951-2",
        "potassium": "2823-3",
        "magnesium": "2601-3",
        "calcium_total": "2000-8",
        "calcium_ionized": "1995-0",
    }
    assert all("[Moles/volume]" in t.loinc_name for t in TESTS)
    assert UCUM_UNIT == "mmol/L"
