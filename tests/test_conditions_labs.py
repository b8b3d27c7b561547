"""`spasmlog conditions add|list|end` and `labs add|list`: groups, units, flags at the limits."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spasmlog.knowledge import conditions
from spasmlog.knowledge.labs import ARTICLE_LINES
from tests.conftest import Run, diary_fingerprint


def _ok(run: Run, *args: str) -> str:
    result = run(*args)
    assert result.exit_code == 0, result.output
    return result.stdout


def _refused(run: Run, db_path: Path, args: list[str], message: str) -> None:
    before = diary_fingerprint(db_path)
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert result.stderr == message + "\n"
    assert diary_fingerprint(db_path) == before


def _rows(db_path: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db_path) as connection:
        return connection.execute(sql).fetchall()


# --- conditions --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "group"),
    [
        ("peripheral neuropathy", "nerve_damage"),
        ("Spinal cord injury (T10)", "nerve_damage"),
        ("MS", "nerve_damage"),
        ("stroke", "nerve_damage"),
        ("diabetic neuropathy", "nerve_damage"),
        ("Hashimoto's thyroiditis", "thyroid"),
        ("Graves' disease", "thyroid"),
        ("overactive thyroid", "thyroid"),
        ("hypothyroidism", "thyroid"),
        ("Addison's disease", "addisons"),
        ("chronic kidney disease stage 3", "kidney"),
        ("CKD", "kidney"),
        ("diabetic kidney disease", "kidney"),
        ("cirrhosis", "liver"),
        ("type 2 diabetes", "diabetes"),
        ("T1D", "diabetes"),
        ("asthma", "other"),
        ("heat stroke", "other"),
    ],
)
def test_names_map_to_the_articles_groups(name: str, group: str) -> None:
    assert conditions.group_for(name) == group


def test_add_names_the_group_and_quotes_the_article(run: Run, db_path: Path) -> None:
    out = _ok(run, "conditions", "add", "Hashimoto's thyroiditis", "--since", "2019-04-01")
    assert out == (
        "Added #1 Hashimoto's thyroiditis: Thyroid disorder, since 2019-04-01.\n"
        'The article: "An overactive or underactive thyroid gland can cause muscle spasms as a '
        'symptom."\n'
    )
    out = _ok(run, "conditions", "add", "type 2 diabetes")
    assert "such as diabetes and kidney disease, can cause excessive fluid loss" in out
    assert "can interfere with the absorption of magnesium" in out
    out = _ok(run, "conditions", "add", "restless legs syndrome")
    assert out == (
        "Added #3 restless legs syndrome: Other.\n"
        'Not one of the article\'s groups: filed as "other" (--group files it by hand).\n'
    )
    _ok(run, "conditions", "add", "sciatica", "--group", "nerve damage")
    assert _rows(db_path, 'SELECT name, "group", since FROM conditions') == [
        ("Hashimoto's thyroiditis", "thyroid", "2019-04-01"),
        ("type 2 diabetes", "diabetes", None),
        ("restless legs syndrome", "other", None),
        ("sciatica", "nerve_damage", None),
    ]


def test_near_miss_gets_a_did_you_mean(run: Run, db_path: Path) -> None:
    _ok(run, "conditions", "add", "asthma")
    _refused(run, db_path, ["conditions", "add", "diabetis"],
             "Error: Unknown condition 'diabetis'. Did you mean 'diabetes'? "
             "Use --group other to keep it as typed.")  # fmt: skip
    _ok(run, "conditions", "add", "diabetis", "--group", "other")


def test_list_ended_and_article_lines(run: Run) -> None:
    _ok(run, "conditions", "add", "hypothyroidism", "--since", "2020-01-01")
    _ok(run, "conditions", "add", "peripheral neuropathy")
    _ok(run, "conditions", "add", "Graves' disease", "--since", "2010-01-01")
    out = _ok(run, "conditions", "end", "graves' DISEASE", "--on", "2015-06-01")
    assert out == "Ended #3 Graves' disease on 2015-06-01. (`spasmlog undo` reverts it.)\n"
    lines = _ok(run, "conditions", "list").splitlines()
    assert [line.split("  ")[0] for line in lines[2:5]] == ["2", "1", "3"]
    assert lines[4].endswith("2010-01-01  2015-06-01")
    thyroid = conditions.GROUPS_BY_ID["thyroid"].article_line
    nerve = conditions.GROUPS_BY_ID["nerve_damage"].article_line
    assert lines[5:] == [
        "The article on these groups:",
        f'  Nerve damage: "{nerve}"',
        f'  Thyroid disorder: "{thyroid}"',
    ]


def test_end_refusals_and_undo(run: Run, db_path: Path) -> None:
    _ok(run, "conditions", "add", "hypothyroidism", "--since", "2020-01-01")
    _refused(run, db_path, ["conditions", "add", "Hypothyroidism"],
             "Error: #1 hypothyroidism is already on your list. End it first with "
             "`spasmlog conditions end 1`.")  # fmt: skip
    _refused(run, db_path, ["conditions", "end", "1", "--on", "2019-12-31"],
             "Error: --on: invalid value '2019-12-31'. #1 hypothyroidism began on 2020-01-01; it "
             "cannot end before that.")  # fmt: skip
    _refused(
        run,
        db_path,
        ["conditions", "end", "9"],
        "Error: No condition with ID 9. See `spasmlog conditions list`.",
    )
    _refused(run, db_path, ["conditions", "end", "hypothyroidsm"],
             "Error: No condition named 'hypothyroidsm'. Did you mean 'hypothyroidism'? See "
             "`spasmlog conditions list`.")  # fmt: skip
    _ok(run, "conditions", "end", "hypothyroidism", "--on", "2026-03-01")
    _refused(
        run,
        db_path,
        ["conditions", "end", "hypothyroidism"],
        "Error: #1 hypothyroidism already ended on 2026-03-01.",
    )
    assert _ok(run, "undo") == "Undid: ended condition #1 hypothyroidism.\n"
    assert _rows(db_path, "SELECT until FROM conditions") == [(None,)]
    assert _ok(run, "undo") == "Undid: added condition #1 hypothyroidism.\n"
    assert _ok(run, "conditions", "list").startswith("No conditions recorded.")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["conditions", "add", ""],
         "Error: NAME: invalid value ''. Give the condition's name (1-120 characters), e.g. "
         "\"hypothyroidism\" or \"type 2 diabetes\"."),
        (["conditions", "add", "gout", "--group", "joints"],
         "Error: --group: invalid value 'joints'. Use one of: nerve_damage, thyroid, addisons, "
         "kidney, liver, diabetes, other."),
        (["conditions", "add", "gout", "--since", "next year"],
         "Error: --since: invalid value 'next year'. Use YYYY-MM-DD, a month (\"2026-10\", "
         "\"Oct 2026\") or a phrase such as \"yesterday\"."),
        (["conditions", "end", "asthma", "--on", "2026-04-01"],
         "Error: --on: invalid value '2026-04-01'. That date is in the future; give one that has "
         "passed."),
    ],
)  # fmt: skip
def test_condition_bad_input(run: Run, db_path: Path, args: list[str], message: str) -> None:
    _ok(run, "conditions", "add", "asthma")
    _refused(run, db_path, args, message)


# --- labs --------------------------------------------------------------------------------------


def test_add_low_result_names_the_condition_and_quotes_the_article(run: Run) -> None:
    out = _ok(run, "labs", "add", "potassium", "3.2", "mmol/L", "--on", "2026-03-02")
    assert out == (
        "Added lab #1: Potassium 3.2 mmol/L, taken 2026-03-02.\n"
        "Low: hypokalemia (below the adult reference range 3.5-5.1 mmol/L).\n"
        f'The article: "{ARTICLE_LINES["hypokalemia"]}"\n'
    )


@pytest.mark.parametrize(
    ("args", "stored"),
    [
        # mg/dL -> mmol/L = mg/dL * 10 / molar mass
        (["Mg", "2.0", "mg/dL"], ("magnesium", 2.0, "mg/dL", 20 / 24.305)),
        (["calcium", "10", "mg/dl"], ("calcium_total", 10.0, "mg/dL", 100 / 40.078)),
        (["iCa", "4.8", "MG/DL"], ("calcium_ionized", 4.8, "mg/dL", 48 / 40.078)),
        (["Na", "322", "mg/dL"], ("sodium", 322.0, "mg/dL", 3220 / 22.990)),
        # mEq/L -> mmol/L = mEq/L / valence
        (["magnesium", "2", "mEq/L"], ("magnesium", 2.0, "mEq/L", 1.0)),
        (["K", "4", "meq/l"], ("potassium", 4.0, "mEq/L", 4.0)),
        (["calcium", "5", "mEq/L"], ("calcium_total", 5.0, "mEq/L", 2.5)),
        (["sodium", "140", "mmol"], ("sodium", 140.0, "mmol/L", 140.0)),
    ],
)
def test_units_convert_to_mmol_per_litre(
    run: Run, db_path: Path, args: list[str], stored: tuple[str, float, str, float]
) -> None:
    _ok(run, "labs", "add", *args)
    [(test, value, unit, mmol)] = _rows(db_path, "SELECT test, value, unit, value_mmol_l FROM labs")
    assert (test, value, unit) == stored[:3]
    assert mmol == pytest.approx(stored[3], rel=1e-12)
    shown = _ok(run, "labs", "list").splitlines()[2].split()
    assert f"{mmol:.3g}" in shown or f"{mmol:.4g}" in shown


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        # the adult reference range is closed: [3.5, 5.1] mmol/L for potassium
        (["K", "3.5", "mmol/L"], "normal"),
        (["K", "3.49", "mmol/L"], "low"),
        (["K", "5.1", "mmol/L"], "normal"),
        (["K", "5.11", "mmol/L"], "high"),
        (["sodium", "136", "mEq/L"], "normal"),
        (["sodium", "135.9", "mEq/L"], "low"),
        # magnesium 0.66-1.07 mmol/L is 1.32-2.14 mEq/L exactly (valence 2)
        (["Mg", "1.32", "mEq/L"], "normal"),
        (["Mg", "1.31", "mEq/L"], "low"),
        (["Mg", "2.14", "mEq/L"], "normal"),
        (["Mg", "2.15", "mEq/L"], "high"),
        # the lab's own range, in the result's unit, wins over the reference
        (["Mg", "1.7", "mg/dL", "--range", "1.7-2.2"], "normal"),
        (["Mg", "1.69", "mg/dL", "--range", "1.7-2.2"], "low"),
        (["Mg", "2.2", "mg/dL", "--range", "1.7-2.2"], "normal"),
        (["Mg", "2.21", "mg/dL", "--range", "1.7-2.2"], "high"),
        (["K", "3.4", "mmol/L", "--range", "3.3-5.3"], "normal"),
        (["calcium", "8.4", "mg/dL", "--range", "8.4-10.2"], "normal"),
        (["calcium", "8.39", "mg/dL", "--range", "8.4-10.2"], "low"),
    ],
)
def test_flags_exactly_at_range_limits(run: Run, db_path: Path, args: list[str], flag: str) -> None:
    out = _ok(run, "labs", "add", *args)
    assert out.splitlines()[1].startswith(flag.capitalize() + ":")
    source = "lab" if "--range" in args else "reference"
    assert _rows(db_path, "SELECT flag, range_source FROM labs") == [(flag, source)]
    words = _ok(run, "labs", "list").splitlines()[2].split()
    assert words[-1] == "normal" if flag == "normal" else words[-2] == f"{flag}:"


# The reference range's printed limits, in the unit typed, are in range; a step past is not.
REFERENCE_EDGES = [
    ("magnesium", "1.6", "mg/dL", "normal"),
    ("magnesium", "2.6", "mg/dL", "normal"),
    ("magnesium", "1.59", "mg/dL", "low"),
    ("magnesium", "2.61", "mg/dL", "high"),
    ("calcium_total", "8.6", "mg/dL", "normal"),
    ("calcium_total", "10.2", "mg/dL", "normal"),
    ("calcium_total", "8.59", "mg/dL", "low"),
    ("calcium_total", "10.21", "mg/dL", "high"),
    ("calcium_ionized", "4.64", "mg/dL", "normal"),
    ("calcium_ionized", "5.28", "mg/dL", "normal"),
    ("calcium_ionized", "5.29", "mg/dL", "high"),
    ("magnesium", "0.66", "mmol/L", "normal"),
    ("magnesium", "1.07", "mmol/L", "normal"),
    ("magnesium", "0.659", "mmol/L", "low"),
    ("calcium_total", "4.3", "mEq/L", "normal"),
    ("calcium_total", "5.1", "mEq/L", "normal"),
    ("calcium_total", "4.29", "mEq/L", "low"),
    ("calcium_total", "5.11", "mEq/L", "high"),
]


@pytest.mark.parametrize(("test", "value", "unit", "flag"), REFERENCE_EDGES)
def test_reference_limits_compare_in_the_unit_typed(
    run: Run, db_path: Path, test: str, value: str, unit: str, flag: str
) -> None:
    out = _ok(run, "labs", "add", test, value, unit)
    assert out.splitlines()[1].startswith(flag.capitalize() + ":"), out
    assert _rows(db_path, "SELECT flag FROM labs") == [(flag,)]
    words = _ok(run, "labs", "list").splitlines()[2].split()
    assert words[-1] == "normal" if flag == "normal" else words[-2] == f"{flag}:"


def test_the_reference_range_is_shown_as_published_in_the_unit_typed(run: Run) -> None:
    out = _ok(run, "labs", "add", "ionized calcium", "4.64", "mg/dL")
    assert out.splitlines()[1] == ("Normal: within the adult reference range 4.64-5.28 mg/dL.")


def test_an_imported_lab_is_flagged_as_labs_add_flags_it(
    run: Run, db_path: Path, tmp_path: Path
) -> None:
    rows = [f"2026-03-01,{test},{value},{unit}" for test, value, unit, _ in REFERENCE_EDGES]
    source = tmp_path / "labs.csv"
    source.write_text("taken_on,test,value,unit\n" + "\n".join(rows) + "\n")
    assert run("import", str(source), "--kind", "labs").exit_code == 0
    flags = _rows(db_path, "SELECT flag FROM labs ORDER BY id")
    assert flags == [(flag,) for *_, flag in REFERENCE_EDGES]


def test_lab_range_is_stored_in_mmol_and_shown_in_the_unit(run: Run, db_path: Path) -> None:
    out = _ok(run, "labs", "add", "magnesium", "1.5", "mg/dL", "--range", "1.7-2.2")
    assert out.splitlines()[:2] == [
        "Added lab #1: Magnesium 1.5 mg/dL (0.617 mmol/L), taken 2026-03-15.",
        "Low: hypomagnesemia (below the lab's range 1.7-2.2 mg/dL).",
    ]
    [(low, high)] = _rows(db_path, "SELECT range_low_mmol_l, range_high_mmol_l FROM labs")
    assert (low, high) == (pytest.approx(17 / 24.305), pytest.approx(22 / 24.305))
    listed = _ok(run, "labs", "list").splitlines()
    assert listed[2].split("  ")[0] == "1"
    assert "1.5 mg/dL" in listed[2] and "0.617" in listed[2] and "0.699-0.905 (lab)" in listed[2]
    assert "low: hypomagnesemia" in listed[2]


def test_high_result_and_list_filters(run: Run) -> None:
    out = _ok(run, "labs", "add", "ionized calcium", "1.4", "mmol/L")
    assert out.splitlines()[1] == (
        "High: hypercalcemia (above the adult reference range 1.16-1.32 mmol/L)."
    )
    assert len(out.splitlines()) == 2  # the article only speaks of low levels
    _ok(run, "labs", "add", "K", "4.0", "mmol/L", "--on", "yesterday")
    lines = _ok(run, "labs", "list", "--test", "potassium").splitlines()
    assert len(lines) == 4 and "Potassium" in lines[2]
    assert lines[3].startswith("ref: adult reference range, from Tietz Textbook")
    assert _ok(run, "labs", "list", "--test", "Na") == (
        "No sodium results; `spasmlog labs list` shows every test.\n"
    )


def test_implausible_value_suggests_the_unit(run: Run, db_path: Path) -> None:
    _ok(run, "labs", "add", "K", "4.0", "mmol/L")
    _refused(run, db_path, ["labs", "add", "calcium", "9.5", "mmol/L"],
             "Error: Calcium (total) 9.5 mmol/L is outside what a blood test can show "
             "(0.8-5 mmol/L): a typo or the wrong unit? Did you mean 9.5 mg/dL?")  # fmt: skip
    _refused(run, db_path, ["labs", "add", "sodium", "0", "mmol/L"],
             "Error: Sodium 0 mmol/L is outside what a blood test can show (90-200 mmol/L): a "
             "typo or the wrong unit?")  # fmt: skip


def test_undo_of_a_lab(run: Run) -> None:
    _ok(run, "labs", "add", "K", "3.2", "mmol/L", "--on", "2026-03-02")
    assert _ok(run, "undo") == "Undid: added lab result #1 potassium 3.2 mmol/L, 2026-03-02.\n"
    assert _ok(run, "labs", "list").startswith("No lab results recorded.")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["sodum", "140", "mmol/L"],
         "Error: TEST: invalid value 'sodum'. Did you mean 'sodium'? Use one of: sodium, "
         "potassium, magnesium, calcium_total, calcium_ionized (or Na, K, Mg, Ca, iCa, "
         "\"ionized calcium\")."),
        (["sodium", "lots", "mmol/L"],
         "Error: VALUE: invalid value 'lots'. Use a number from 0 to 10000."),
        (["sodium", "140", "g/L"],
         "Error: UNIT: invalid value 'g/L'. Use one of: mmol/L, mg/dL, mEq/L."),
        (["K", "4", "mmol/L", "--range", "5.1-3.5"],
         "Error: --range: invalid value '5.1-3.5'. Give the lab's range as \"LOW-HIGH\" in the "
         "result's unit, e.g. \"3.5-5.1\". LOW must be below HIGH."),
        (["K", "4", "mmol/L", "--range", "normal"],
         "Error: --range: invalid value 'normal'. Give the lab's range as \"LOW-HIGH\" in the "
         "result's unit, e.g. \"3.5-5.1\". Both limits are numbers of 0 or more."),
        (["K", "4", "mmol/L", "--on", "2026-03-16"],
         "Error: --on: invalid value '2026-03-16'. That date is in the future; give one that has "
         "passed."),
    ],
)  # fmt: skip
def test_lab_bad_input(run: Run, db_path: Path, args: list[str], message: str) -> None:
    _ok(run, "labs", "add", "K", "4.0", "mmol/L")
    _refused(run, db_path, ["labs", "add", *args], message)
    _refused(run, db_path, ["labs", "list", "--test", "iron"],
             "Error: --test: invalid value 'iron'. Use one of: sodium, potassium, magnesium, "
             "calcium_total, calcium_ionized (or Na, K, Mg, Ca, iCa, \"ionized calcium\").")  # fmt: skip


@given(st.text(max_size=60))
def test_any_name_files_under_a_group(name: str) -> None:
    group = conditions.group_for(name)
    assert group in conditions.GROUPS_BY_ID
    hint = conditions.suggest(name)
    assert hint is None or conditions.group_for(hint) != "other"
