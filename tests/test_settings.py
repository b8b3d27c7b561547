"""`spasmlog config` and spasmlog.core.settings: one TOML file, documented keys, bad input refused
with the file unchanged, and units that change what people see, never what is exported."""

from __future__ import annotations

import os
import stat
import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from spasmlog.core import settings
from spasmlog.core.errors import InvalidInput
from spasmlog.core.settings import FluidUnit
from tests.conftest import Run


@pytest.fixture
def config_file() -> Path:
    return Path(os.environ["SPASMLOG_CONFIG"])


def _ok(run: Run, *args: str) -> str:
    result = run(*args)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_list_shows_every_key_with_its_default_and_creates_nothing(
    run: Run, config_file: Path
) -> None:
    out = _ok(run, "config", "list")
    for name in settings.KEYS:
        assert f"\n{name} " in out
    assert "fluid_unit     L           default" in out
    assert f"File: {config_file} (not created yet: all defaults)" in out
    assert not config_file.exists()


def test_set_get_unset_round_trip_in_a_private_file(run: Run, config_file: Path) -> None:
    assert _ok(run, "config", "set", "fluid_unit", "glasses") == (
        "fluid_unit: L -> glass. (`spasmlog config set fluid_unit L` puts it back.)\n"
    )
    assert _ok(run, "config", "get", "fluid_unit") == "glass\n"
    assert _ok(run, "config", "set", "week-start", "Sunday").startswith("week_start: monday ->")
    assert tomllib.loads(config_file.read_text()) == {"fluid_unit": "glass", "week_start": "sunday"}
    assert stat.S_IMODE(config_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(config_file.parent.stat().st_mode) == 0o700
    assert "fluid_unit     glass       set" in _ok(run, "config", "list")
    assert _ok(run, "config", "unset", "fluid_unit") == "fluid_unit: glass -> L (the default).\n"
    assert _ok(run, "config", "unset", "fluid_unit") == (
        "fluid_unit was not set; it is the default, L.\n"
    )
    assert tomllib.loads(config_file.read_text()) == {"week_start": "sunday"}
    assert _ok(run, "config", "path") == f"{config_file}\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("set", "colour", "red"), "Error: Unknown setting 'colour'. The settings are fluid_unit,"),
        (("set", "nudge", "maybe"), "Error: nudge: invalid value 'maybe'. Use on or off.\n"),
        (("set", "fluid_unit", "gallon"), "Error: fluid_unit: invalid value 'gallon'. Use one of"),
        (("set", "reminder_time", "25:00"), "Error: reminder_time: invalid value '25:00'."),
        (("set", "glass_ml", "5"), "Error: glass_ml: invalid value '5'. Use whole millilitres"),
        (("set", "low_fluid_ml", "lots"), "Error: low_fluid_ml: invalid value 'lots'."),
        (("set", "default_side", "up"), "Error: default_side: invalid value 'up'. Use one of"),
        (("set", "doctor_notice", "never"), "Use one of: once a day, every time.\n"),
        (("get", "colour"), "Error: Unknown setting 'colour'."),
        (("unset", "colour"), "Error: Unknown setting 'colour'."),
    ],
)
def test_bad_input_exits_2_and_leaves_the_file_byte_identical(
    run: Run, config_file: Path, args: tuple[str, ...], message: str
) -> None:
    _ok(run, "config", "set", "fluid_unit", "ml")
    before = config_file.read_bytes()
    result = run("config", *args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr and result.stderr.count("\n") == 1
    assert result.stdout == ""
    assert config_file.read_bytes() == before


def test_bad_input_creates_no_file(run: Run, config_file: Path) -> None:
    assert run("config", "set", "nudge", "maybe").exit_code == 2
    assert not config_file.exists() and not config_file.parent.exists()


def test_a_bad_value_in_the_file_is_one_line_naming_the_key_and_the_fix(
    run: Run, config_file: Path
) -> None:
    config_file.parent.mkdir(mode=0o700)
    config_file.write_text('fluid_unit = "gallon"\nfuture_key = [1, 2]\n')
    result = run("config", "list")
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: The settings file {config_file} has fluid_unit = 'gallon': Use one of: L, ml, "
        "glass, oz (US fl oz). Fix it with `spasmlog config set fluid_unit VALUE` or "
        "`spasmlog config unset fluid_unit`.\n"
    )
    _ok(run, "config", "set", "fluid_unit", "oz")  # the fix works on the broken file
    assert "Unknown keys in the file, ignored: future_key." in run("config", "list").stderr
    assert tomllib.loads(config_file.read_text())["future_key"] == [1, 2]  # kept, not lost


def test_set_and_unset_keep_what_was_written_by_hand(run: Run, config_file: Path) -> None:
    config_file.parent.mkdir(mode=0o700)
    config_file.write_text(
        "# glasses here are the blue ones\nglass_ml = 300  # measured\n\nweek_start = 'sunday'\n"
    )
    _ok(run, "config", "set", "fluid_unit", "glass")
    _ok(run, "config", "unset", "week_start")
    assert config_file.read_text() == (
        '# glasses here are the blue ones\nglass_ml = 300  # measured\n\nfluid_unit = "glass"\n'
    )
    assert oct(config_file.stat().st_mode & 0o777) == "0o600"


def test_a_file_that_is_not_toml_is_refused(run: Run, config_file: Path) -> None:
    config_file.parent.mkdir(mode=0o700)
    config_file.write_text("fluid_unit = \n")
    before = config_file.read_bytes()
    result = run("config", "set", "nudge", "off")
    assert result.exit_code == 2 and "is not valid TOML" in result.stderr
    assert config_file.read_bytes() == before


def test_glasses_are_the_persons_glasses(run: Run) -> None:
    _ok(run, "config", "set", "glass_ml", "300 ml")
    assert _ok(run, "config", "set", "low_fluid_ml", "6 glasses") == (
        "low_fluid_ml: 1500 -> 1800. (`spasmlog config set low_fluid_ml 1500` puts it back.)\n"
    )
    assert _ok(run, "config", "get", "low_fluid_ml") == "1800\n"
    assert _ok(run, "config", "set", "low_fluid_ml", "2L").startswith("low_fluid_ml: 1800 -> 2000.")


# --- the pure parts -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("unit", "ml", "shown"),
    [
        (FluidUnit("L"), 1500, "1.5 L"),
        (FluidUnit("L"), 1250, "1.25 L"),
        (FluidUnit("ml"), 1500, "1500 ml"),
        (FluidUnit("glass"), 1500, "6 glasses"),
        (FluidUnit("glass", 300), 300, "1 glass"),
        (FluidUnit("glass", 300), 1000, "3.3 glasses"),
        (FluidUnit("oz"), 1500, "50.7 oz"),
    ],
)
def test_a_volume_is_shown_in_the_persons_unit(unit: FluidUnit, ml: int, shown: str) -> None:
    assert unit.show(ml) == shown


def test_both_units_for_the_doctor() -> None:
    assert FluidUnit("glass", 300).both(1500) == "1.5 L (5 glasses)"
    assert FluidUnit("L").both(1500) == "1.5 L"


@given(st.integers(min_value=0, max_value=19_900), st.sampled_from(settings.UNITS))
def test_a_shown_volume_reads_back_close_to_itself(ml: int, name: str) -> None:
    unit = FluidUnit(name, 250)
    text = unit.show(ml)
    tolerance = {"L": 5, "ml": 0.5, "glass": 12.5, "oz": 1.5}[name]
    assert abs(unit.parse(text) - ml) <= tolerance


def test_a_bare_number_is_read_in_the_unit_only_where_the_prompt_names_it() -> None:
    assert FluidUnit("glass", 300).parse("6", bare=True) == 1800
    assert FluidUnit("L").parse("1.5", bare=True) == 1500
    assert FluidUnit("glass", 300).parse("1L", bare=True) == 1000
    with pytest.raises(InvalidInput):
        FluidUnit("L").parse("1.5")


@pytest.mark.parametrize(
    ("text", "days", "canonical"),
    [
        ("mon-fri", (0, 1, 2, 3, 4), "mon-fri"),
        ("weekdays", (0, 1, 2, 3, 4), "mon-fri"),
        ("Sat-Sun", (5, 6), "sat-sun"),
        ("mon,wed,fri", (0, 2, 4), "mon,wed,fri"),
        ("daily", tuple(range(7)), "daily"),
        ("fri-mon", (0, 4, 5, 6), "mon,fri-sun"),
        ("monday, tuesday", (0, 1), "mon-tue"),
    ],
)
def test_days(text: str, days: tuple[int, ...], canonical: str) -> None:
    assert settings.parse_days(text) == days
    assert settings.days_text(days) == canonical


@pytest.mark.parametrize("text", ["", "funday", "mon-", "mon-tue-wed", "mo"])
def test_bad_days(text: str) -> None:
    with pytest.raises(InvalidInput, match="--days"):
        settings.parse_days(text)


@given(st.sets(st.integers(min_value=0, max_value=6), min_size=1))
def test_days_round_trip(days: set[int]) -> None:
    ordered = tuple(sorted(days))
    assert settings.parse_days(settings.days_text(ordered)) == ordered


@hypothesis_settings(max_examples=40)  # each example writes (and fsyncs) a file
@given(st.dictionaries(st.sampled_from(list(settings.KEYS)), st.text(max_size=12)))
def test_whatever_is_typed_the_file_only_ever_holds_accepted_values(
    typed: dict[str, str],
) -> None:
    path = Path(os.environ["SPASMLOG_CONFIG"]).with_name("hypothesis.toml")
    path.unlink(missing_ok=True)
    for name, text in typed.items():
        try:
            settings.set_value(name, text, path)
        except InvalidInput:
            pass
    loaded = settings.load(path)  # never raises: only checked values were written
    assert set(loaded.values) == set(settings.KEYS)


# --- what the settings change, and what they never change -----------------------------------------


def test_default_side_for_muscles_with_sides(run: Run) -> None:
    _ok(run, "config", "set", "default_side", "left")
    assert _ok(run, "log", "--muscle", "calf").startswith("Logged #1: calf (left),")
    assert _ok(run, "log", "--muscle", "neck").startswith("Logged #2: neck,")  # no sides
    assert _ok(run, "log", "--muscle", "calf", "--side", "right").startswith(
        "Logged #3: calf (right)"
    )


def test_tables_use_the_unit_and_exports_stay_in_litres(run: Run) -> None:
    _ok(run, "config", "set", "fluid_unit", "ml")
    _ok(run, "log", "--muscle", "calf", "--fluid", "1.2L")
    assert "1200 ml" in _ok(run, "list")
    assert ",1.2," in _ok(run, "list", "--format", "csv")
    assert '"fluid_l_24h": 1.2' in _ok(run, "list", "--format", "json")
    assert _ok(run, "checkin", "--fluid", "2L") == "Checked in for 2026-03-15: fluids 2000 ml.\n"
    _ok(run, "config", "set", "fluid_unit", "oz")
    assert _ok(run, "checkin", "--fluid", "1.5L") == (
        "Updated the check-in for 2026-03-15:\n  fluids: 67.6 oz -> 50.7 oz\n"
    )


def test_the_doctor_summary_states_litres_and_the_persons_unit(run: Run, tmp_path: Path) -> None:
    _ok(run, "config", "set", "fluid_unit", "glass")
    for day, fluid in (("2026-03-13", "1L"), ("2026-03-14", "2L"), ("2026-03-15", "1.5L")):
        _ok(run, "checkin", "--date", day, "--fluid", fluid)
    out = tmp_path / "summary.md"
    _ok(run, "export", "doctor", "--out", str(out))
    assert (
        "Daily fluids: 1.5 L (6 glasses) a day on average over 3 check-in days that recorded "
        "them; under 1.5 L (6 glasses) on 1 of them"
    ) in out.read_text().replace("**", "")
