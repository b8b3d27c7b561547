"""Electrolyte lab results: the five tests the article names, their units and reference ranges.

The diary stores every result in mmol/L (the UCUM unit "mmol/L" of the LOINC codes below), so
results from labs that report mg/dL or mEq/L can be compared and charted together. Conversions:

    mg/dL -> mmol/L:  mmol/L = mg/dL * 10 / molar mass   (10 dL in a litre; mg / (g/mol) = mmol)
    mEq/L -> mmol/L:  mmol/L = mEq/L / valence           (one mmol of a 2+ ion is 2 mEq)

    element    molar mass (g/mol)  valence
    sodium     Na  22.990          1
    potassium  K   39.098          1
    magnesium  Mg  24.305          2
    calcium    Ca  40.078          2

So magnesium 2.0 mg/dL = 0.823 mmol/L, calcium 10 mg/dL = 2.495 mmol/L, potassium 4 mEq/L =
4 mmol/L and magnesium 2 mEq/L = 1 mmol/L.

A result is flagged against the lab's own range when the user gives one (it was set for that
lab's method and population), and against the adult reference range below otherwise, always in
the unit the result was typed in: the lab's range is typed in that unit, and the reference range
is kept as published in mmol/L and mg/dL (mEq/L is mmol/L times the valence, exactly). A result
at a printed limit is then in range, which a limit converted to another unit and back, with its
rounding, would not promise (magnesium 1.6 mg/dL is 0.6583 mmol/L, under the printed 0.66).
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass

from spasmlog.core.errors import InvalidInput, NotFound

UCUM_UNIT = "mmol/L"
UNITS: tuple[str, ...] = ("mmol/L", "mg/dL", "mEq/L")

# Adult reference intervals in mmol/L, all from one source so that they agree with each other:
# Tietz Textbook of Clinical Chemistry and Molecular Diagnostics, 4th ed. (Burtis CA, Ashwood ER,
# Bruns DE, eds.; Elsevier Saunders, 2006), appendix "Reference Information for the Clinical
# Laboratory" (Roberts WL et al.), adult serum/plasma values.
REFERENCE_SOURCE = (
    "Tietz Textbook of Clinical Chemistry and Molecular Diagnostics, 4th ed. (2006), "
    "adult reference intervals"
)


@dataclass(frozen=True)
class LabTest:
    id: str
    label: str
    aliases: tuple[str, ...]
    molar_mass: float  # g/mol
    valence: int
    reference_low: float  # mmol/L, adult
    reference_high: float  # mmol/L, adult
    reference_mg_dl: tuple[float, float] | None  # as published; None: not printed in mg/dL
    low_condition: str
    high_condition: str
    loinc: str  # the Moles/volume code, since results are stored in mmol/L
    loinc_name: str


TESTS: tuple[LabTest, ...] = (
    LabTest(
        id="sodium",
        label="Sodium",
        aliases=("na", "na+", "serum sodium"),
        molar_mass=22.990,
        valence=1,
        reference_low=136.0,
        reference_high=145.0,
        reference_mg_dl=None,
        low_condition="hyponatremia",
        high_condition="hypernatremia",
        loinc="2951-2",
        loinc_name="Sodium [Moles/volume] in Serum or Plasma",
    ),
    LabTest(
        id="potassium",
        label="Potassium",
        aliases=("k", "k+", "serum potassium"),
        molar_mass=39.098,
        valence=1,
        reference_low=3.5,
        reference_high=5.1,
        reference_mg_dl=None,
        low_condition="hypokalemia",
        high_condition="hyperkalemia",
        loinc="2823-3",
        loinc_name="Potassium [Moles/volume] in Serum or Plasma",
    ),
    LabTest(
        id="magnesium",
        label="Magnesium",
        aliases=("mg", "mg2+", "mag", "serum magnesium"),
        molar_mass=24.305,
        valence=2,
        reference_low=0.66,
        reference_high=1.07,
        reference_mg_dl=(1.6, 2.6),
        low_condition="hypomagnesemia",
        high_condition="hypermagnesemia",
        loinc="2601-3",  # 19123-9 is the Mass/volume code, for results kept in mg/dL
        loinc_name="Magnesium [Moles/volume] in Serum or Plasma",
    ),
    LabTest(
        id="calcium_total",
        label="Calcium (total)",
        aliases=("ca", "calcium", "total calcium", "serum calcium", "ca total"),
        molar_mass=40.078,
        valence=2,
        reference_low=2.15,
        reference_high=2.55,
        reference_mg_dl=(8.6, 10.2),
        low_condition="hypocalcemia",
        high_condition="hypercalcemia",
        loinc="2000-8",  # 17861-6 is the Mass/volume code
        loinc_name="Calcium [Moles/volume] in Serum or Plasma",
    ),
    LabTest(
        id="calcium_ionized",
        label="Calcium (ionized)",
        # Not "Ca2+"/"Ca++": reports use them for both kinds, and the ranges differ twofold.
        aliases=("ica", "ionized calcium", "ionised calcium", "calcium ionised", "free calcium"),
        molar_mass=40.078,
        valence=2,
        reference_low=1.16,  # serum
        reference_high=1.32,
        reference_mg_dl=(4.64, 5.28),
        low_condition="hypocalcemia",
        high_condition="hypercalcemia",
        # 1994-3 is the same measurement in whole blood, as blood-gas analysers report it; the
        # outpatient results a diary copies are usually serum.
        loinc="1995-0",
        loinc_name="Calcium.ionized [Moles/volume] in Serum or Plasma",
    ),
)
TESTS_BY_ID: dict[str, LabTest] = {test.id: test for test in TESTS}

# The article's sentence for each low condition, verbatim.
ARTICLE_LINES: dict[str, str] = {
    "hyponatremia": "Low sodium levels, known as hyponatremia, can cause muscle spasms, weakness, "
    "and fatigue.",
    "hypokalemia": "Low potassium levels, known as hypokalemia, can lead to muscle weakness, "
    "spasms, and abnormal heart rhythms.",
    "hypomagnesemia": "Low magnesium levels, known as hypomagnesemia, can cause muscle spasms, "
    "cramps, and tingling sensations.",
    "hypocalcemia": "Low calcium levels, known as hypocalcemia, can cause muscle spasms, cramps, "
    "and numbness.",
}


@dataclass(frozen=True)
class LabFlag:
    flag: str  # "low" | "normal" | "high"
    condition: str | None  # "hypokalemia", ...; None when normal
    range_low: float  # mmol/L, the limits the value was judged against (as the diary keeps them)
    range_high: float
    range_source: str  # "lab" | "reference"
    limits: tuple[float, float]  # the same limits as compared: in the unit of the value


def _normal_name(text: str) -> str:
    return re.sub(r"[\s_\-()]+", " ", text.lower()).strip()


_TEST_NAMES: dict[str, str] = {
    **{_normal_name(t.id): t.id for t in TESTS},
    **{_normal_name(t.label): t.id for t in TESTS},
    **{alias: t.id for t in TESTS for alias in t.aliases},
}
_TESTS_HELP = f'Use one of: {", ".join(TESTS_BY_ID)} (or Na, K, Mg, Ca, iCa, "ionized calcium").'


def lab_test(test_id: str) -> LabTest:
    """The test with that id; NotFound names the ids there are."""
    try:
        return TESTS_BY_ID[test_id]
    except KeyError:
        raise NotFound(f"Unknown lab test {test_id!r}. {_TESTS_HELP}") from None


def parse_test(text: str, option: str = "TEST") -> str:
    """A test id from what people type: "K", "Potassium", "ionised calcium"."""
    name = _normal_name(text)
    found = _TEST_NAMES.get(name)
    if found is None:
        close = difflib.get_close_matches(name, _TEST_NAMES, n=1, cutoff=0.75)
        hint = f"Did you mean {_TEST_NAMES[close[0]]!r}? " if close else ""
        raise InvalidInput(option, text, hint + _TESTS_HELP)
    return found


_UNIT_NAMES: dict[str, str] = {
    "mmol/l": "mmol/L",
    "mmol": "mmol/L",
    "mg/dl": "mg/dL",
    "mg%": "mg/dL",
    "mg/100ml": "mg/dL",
    "meq/l": "mEq/L",
    "meq": "mEq/L",
}


def parse_unit(text: str, option: str = "UNIT") -> str:
    """A unit as labs print it, spelled forgivingly: "mmol/l", "MEQ/L", "mmol per litre"."""
    name = re.sub(r"\s+", "", text.lower()).replace("per", "/")
    name = re.sub(r"(?<=/)(litre|liter)$", "l", name)
    found = _UNIT_NAMES.get(name)
    if found is None:
        raise InvalidInput(option, text, f"Use one of: {', '.join(UNITS)}.")
    return found


def _factor(lab: LabTest, unit: str) -> float:
    """mmol/L per one of `unit`."""
    canonical = parse_unit(unit, option="unit")
    if canonical == "mg/dL":
        return 10 / lab.molar_mass
    if canonical == "mEq/L":
        return 1 / lab.valence
    return 1.0


def to_mmol_l(test: str, value: float, unit: str) -> float:
    """A result in `unit` -> mmol/L, the unit the diary stores."""
    lab = lab_test(test)
    return value * _factor(lab, unit)


def from_mmol_l(test: str, value_mmol: float, unit: str) -> float:
    """mmol/L -> `unit`, to show a result the way the user's lab reports it."""
    lab = lab_test(test)
    return value_mmol / _factor(lab, unit)


_NUMBER = r"\d+(?:[.,]\d+)?|[.,]\d+"
_RANGE = re.compile(rf"\s*({_NUMBER})\s*(?:-|–|—|to|\.\.)\s*({_NUMBER})\s*")
RANGE_HELP = 'Give the lab\'s range as "LOW-HIGH" in the result\'s unit, e.g. "3.5-5.1".'


def parse_range(text: str, option: str = "--range") -> tuple[float, float]:
    """The lab's printed range: "3.5-5.1" or "3.5 to 5.1" -> (3.5, 5.1), in the result's unit."""
    match = _RANGE.fullmatch(text.lower())
    if not match:
        raise InvalidInput(option, text, RANGE_HELP + " Both limits are numbers of 0 or more.")
    low, high = (float(group.replace(",", ".")) for group in match.groups())
    if not math.isfinite(high) or low >= high:
        raise InvalidInput(option, text, RANGE_HELP + " LOW must be below HIGH.")
    return low, high


def reference_range(test: str, unit: str) -> tuple[float, float]:
    """The adult reference range in `unit`: as published in mmol/L or mg/dL, times the valence in
    mEq/L (exact for 1 and 2); converted from mmol/L only for mg/dL limits nobody prints."""
    lab = lab_test(test)
    canonical = parse_unit(unit, option="unit")
    if canonical == "mEq/L":
        return lab.reference_low * lab.valence, lab.reference_high * lab.valence
    if canonical == "mg/dL" and lab.reference_mg_dl is not None:
        return lab.reference_mg_dl
    return (
        from_mmol_l(test, lab.reference_low, canonical),  # mmol/L: divided by 1.0, exact
        from_mmol_l(test, lab.reference_high, canonical),
    )


def flag(
    test: str, value: float, unit: str, lab_range: tuple[float, float] | None = None
) -> LabFlag:
    """Low, normal or high against the lab's range if given, else the reference range, both
    compared with `value` in `unit`, the unit both were typed in (see the module's docstring).

    A value equal to a limit is normal: the range is the closed interval [low, high].
    """
    lab = lab_test(test)
    if lab_range is not None:
        low, high = lab_range
        kept = (to_mmol_l(test, low, unit), to_mmol_l(test, high, unit))
        source = "lab"
    else:
        low, high = reference_range(test, unit)
        kept, source = (lab.reference_low, lab.reference_high), "reference"
    if value < low:
        verdict, condition = "low", lab.low_condition
    elif value > high:
        verdict, condition = "high", lab.high_condition
    else:
        verdict, condition = "normal", None
    return LabFlag(verdict, condition, *kept, source, (low, high))
