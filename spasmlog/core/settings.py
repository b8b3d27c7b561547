"""The person's settings: one TOML file, read by every front end, written by `spasmlog config`.

The file is `config.toml` in the platform's config folder (platformdirs: `~/.config/spasmlog` on
Linux, `~/Library/Application Support/spasmlog` on macOS, `%LOCALAPPDATA%\\spasmlog` on Windows);
`$SPASMLOG_CONFIG` names another file. A missing file, or a key not in it, means the default.
Settings change what people *see* (units, the start of a week, reminders, notices); exports and
imports never depend on them: CSV, JSON and FHIR keep their documented units (litres).

The state folder (`state_dir`, `$SPASMLOG_STATE` to move it) holds what spasmlog remembers about
itself, never health data: the nudge's "already shown today" mark, the installed reminder, and
`serve.json`, where a running `spasmlog serve` says where it listens (see `spasmlog.core.serving`).

Writes replace the whole file at once (a temporary file renamed over it, 0600 in a 0700 folder),
so a rejected value leaves the file byte-identical and a crash never leaves half a file.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spasmlog.core.errors import InvalidInput
from spasmlog.core.parsing import SIDES, VOLUME_HELP, parse_bool, parse_side, parse_volume

CONFIG_VAR = "SPASMLOG_CONFIG"
STATE_VAR = "SPASMLOG_STATE"
FILE_NAME = "config.toml"
HEADER = (
    "# spasmlog settings. `spasmlog config list` explains each key; `config set` changes one.\n"
)


def config_path() -> Path:
    """The settings file: $SPASMLOG_CONFIG, else config.toml in the platform's config folder."""
    chosen = os.environ.get(CONFIG_VAR)
    if chosen:
        return Path(chosen).expanduser().absolute()
    import platformdirs

    return platformdirs.user_config_path("spasmlog", appauthor=False) / FILE_NAME


def state_dir() -> Path:
    """Where spasmlog keeps its own small state (marks, the reminder it installed, serve.json):
    $SPASMLOG_STATE, else the platform's state folder."""
    chosen = os.environ.get(STATE_VAR)
    if chosen:
        return Path(chosen).expanduser().absolute()
    import platformdirs

    return platformdirs.user_state_path("spasmlog", appauthor=False)


# --- fluid units ---------------------------------------------------------------------------------

UNITS = ("L", "ml", "glass", "oz")
_UNIT_WORDS = {
    "l": "L", "litre": "L", "litres": "L", "liter": "L", "liters": "L",
    "ml": "ml", "millilitres": "ml", "milliliters": "ml",
    "glass": "glass", "glasses": "glass",
    "oz": "oz", "fl oz": "oz", "us fl oz": "oz", "floz": "oz", "ounces": "oz",
}  # fmt: skip
ML_PER_OZ = 29.5735  # one US fluid ounce, as spasmlog.core.parsing reads "40 oz"


@dataclass(frozen=True)
class FluidUnit:
    """How a person reads volumes: litres, millilitres, glasses of `glass_ml`, or US fl oz."""

    name: str = "L"
    glass_ml: int = 250

    @property
    def label(self) -> str:
        """For an axis or a column: "litres", "ml", "glasses of 250 ml", "US fl oz"."""
        return {
            "L": "litres",
            "ml": "ml",
            "glass": f"glasses of {self.glass_ml} ml",
            "oz": "US fl oz",
        }[self.name]

    def amount(self, ml: float) -> float:
        """Millilitres in this unit."""
        per = {"L": 1000.0, "ml": 1.0, "glass": float(self.glass_ml), "oz": ML_PER_OZ}[self.name]
        return ml / per

    def show(self, ml: float) -> str:
        """ "1.5 L", "1500 ml", "6 glasses", "50.7 oz": a volume as this person reads it."""
        value = self.amount(ml)
        if self.name == "ml":
            return f"{round(value)} ml"
        text = f"{round(value, 1 if self.name != 'L' else 2):g}"
        if self.name == "glass":
            return f"{text} glass" + ("" if text == "1" else "es")
        return f"{text} {self.name}"

    def both(self, ml: float) -> str:
        """Litres, and this unit beside them when it is another: "1.5 L (6 glasses)"."""
        litres = LITRES.show(ml)
        return litres if self.name == "L" else f"{litres} ({self.show(ml)})"

    def parse(self, text: str, option: str = "--fluid", bare: bool = False) -> int:
        """A typed volume with a unit, as everywhere ("1.5L"; "6 glasses" of this glass size),
        or with `bare` (a prompt that names the unit) a number in this unit ("1.5": litres)."""
        if bare and re.fullmatch(r"\s*(\d+(?:[.,]\d+)?|[.,]\d+)\s*", text):
            suffix = {"L": "l", "ml": "ml", "glass": "glasses", "oz": "oz"}[self.name]
            return self.parse(f"{text.strip()} {suffix}", option)
        millilitres = parse_volume(text, option)
        if re.search(r"glass", text, re.IGNORECASE):  # a glass is the person's glass
            millilitres = round(millilitres / 250 * self.glass_ml)
        return millilitres

    def written_as(self, text: str) -> FluidUnit:
        """The unit a typed volume is in ("2 L": litres), this one for a bare number."""
        word = " ".join(re.sub(r"^[\d.,\s]+", "", text.strip().lower()).split())
        name = _UNIT_WORDS.get(word)
        return self if name is None else FluidUnit(name, self.glass_ml)

    @property
    def example(self) -> str:
        return {"L": "1.5", "ml": "1500", "glass": "6", "oz": "50"}[self.name]


LITRES = FluidUnit("L")


# --- the keys -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Key:
    """A documented setting: its meaning, its default, what is accepted, and how to read it."""

    name: str
    meaning: str
    default: Any
    accepted: str
    parse: Callable[[str], Any]  # typed text (or a TOML string) -> the stored value

    def check(self, value: Any) -> Any:
        """A value read from the file, as stored: strings go through `parse`, others must
        already have the stored type."""
        if isinstance(value, str):
            return self.parse(value)
        if isinstance(self.default, bool) and isinstance(value, bool):
            return value
        if isinstance(self.default, int) and not isinstance(self.default, bool):
            if isinstance(value, int) and not isinstance(value, bool):
                return self.parse(str(value))
        raise InvalidInput(self.name, repr(value), self.accepted)


def _unit(text: str) -> str:
    unit = _UNIT_WORDS.get(" ".join(text.strip().lower().split()))
    if unit is None:
        raise InvalidInput("fluid_unit", text, "Use one of: L, ml, glass, oz (US fl oz).")
    return unit


def _glass(text: str) -> int:
    match = re.fullmatch(r"\s*(\d{2,4})\s*(?:ml)?\s*", text.lower())
    if not match or not 50 <= int(match.group(1)) <= 1000:
        raise InvalidInput("glass_ml", text, "Use whole millilitres from 50 to 1000, e.g. 300.")
    return int(match.group(1))


def _low_fluid(text: str, glass_ml: int = 250) -> int:
    bare = re.fullmatch(r"\s*(\d+)\s*", text)
    try:
        ml = int(bare.group(1)) if bare else FluidUnit("L", glass_ml).parse(text, "low_fluid_ml")
    except InvalidInput:
        raise InvalidInput("low_fluid_ml", text, VOLUME_HELP) from None
    if not 100 <= ml <= 10_000:
        raise InvalidInput("low_fluid_ml", text, 'Use a volume from 100 ml to 10 L, e.g. "1.5L".')
    return ml


def parse_clock_time(text: str, option: str = "reminder_time") -> str:
    """ "21:30", "9:05", "21.30" -> "21:30" (24-hour clock)."""
    match = re.fullmatch(r"\s*(\d{1,2})[:.h](\d{2})\s*", text)
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise InvalidInput(option, text, 'Use a 24-hour time, e.g. "21:30".')
    return f"{int(match.group(1)):02d}:{match.group(2)}"


DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAYS_HELP = (
    'Use "daily", "weekdays", "weekends", a range like "mon-fri" or a list like "mon,wed,fri".'
)


def parse_days(text: str, option: str = "--days") -> tuple[int, ...]:
    """ "mon-fri", "mon,wed,fri", "sat-sun", "daily", "weekdays" -> weekday numbers (Monday 0)."""
    raw = text.strip().lower().replace(" ", "")
    named = {"daily": range(7), "everyday": range(7), "weekdays": range(5), "weekends": (5, 6)}
    if raw in named:
        return tuple(named[raw])
    days: set[int] = set()
    for part in raw.split(","):
        ends = part.split("-")
        try:
            first, last = (DAY_NAMES.index(end[:3]) for end in (ends[0], ends[-1]))
        except ValueError:
            raise InvalidInput(option, text, DAYS_HELP) from None
        if len(ends) > 2 or not all(len(end) >= 3 for end in ends):
            raise InvalidInput(option, text, DAYS_HELP)
        days.update(day % 7 for day in range(first, last + (7 if last < first else 0) + 1))
    return tuple(sorted(days))


def days_text(days: tuple[int, ...]) -> str:
    """Weekday numbers -> "daily", "mon-fri", "mon,wed,fri"."""
    if len(days) == 7:
        return "daily"
    runs: list[list[int]] = []
    for day in days:
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return ",".join(
        DAY_NAMES[run[0]] if len(run) == 1 else f"{DAY_NAMES[run[0]]}-{DAY_NAMES[run[-1]]}"
        for run in runs
    )


def _days(text: str) -> str:
    return days_text(parse_days(text, "reminder_days"))


def _switch(name: str) -> Callable[[str], bool]:
    def parse(text: str) -> bool:
        value = text.strip().lower()
        if value in ("on", "off"):
            return value == "on"
        try:
            return parse_bool(value, name)
        except InvalidInput:
            raise InvalidInput(name, text, "Use on or off.") from None

    return parse


def _choice(name: str, choices: tuple[str, ...]) -> Callable[[str], str]:
    def parse(text: str) -> str:
        value = " ".join(text.strip().lower().split())
        if value not in choices:
            raise InvalidInput(name, text, f"Use one of: {', '.join(choices)}.")
        return value

    return parse


def _side(text: str) -> str:
    try:
        return parse_side(text, "default_side")
    except InvalidInput:
        raise InvalidInput("default_side", text, f"Use one of: {', '.join(SIDES)}.") from None


KEYS: dict[str, Key] = {
    key.name: key
    for key in (
        Key("fluid_unit", "How volumes are shown and asked for (human output only; CSV, JSON and "
            "FHIR stay in litres).", "L", "L, ml, glass or oz (US fl oz)", _unit),
        Key("glass_ml", "The size of one of your glasses, for fluid_unit glass and for "
            '"6 glasses" typed.', 250, "whole ml from 50 to 1000", _glass),
        Key("low_fluid_ml", "Daily fluids below this are low: the weekly chart's line and the "
            "factor report's default.", 1500, 'a volume such as "1.5L" or 1500 (ml)', _low_fluid),
        Key("reminder_time", "When `spasmlog remind set` (with no time) reminds you to check in.",
            "21:30", 'a 24-hour time, e.g. "21:30"', parse_clock_time),
        Key("reminder_days", "The days `spasmlog remind set` (with no --days) reminds you on.",
            "daily", '"daily", "mon-fri", "mon,wed,fri"', _days),
        Key("nudge", "On a terminal, the next day's one-line note when a day had no check-in.",
            True, "on or off", _switch("nudge")),
        Key("default_side", "The side `spasmlog log` takes when none is given (muscles with a "
            "left and a right).", None,
            ", ".join(SIDES), _side),
        Key("week_start", "The first day of a week in the weekly report.", "monday",
            "monday or sunday", _choice("week_start", ("monday", "sunday"))),
        Key("doctor_notice", "How often the see-a-doctor notice shows for the same sign.",
            "once a day", '"once a day" or "every time"',
            _choice("doctor_notice", ("once a day", "every time"))),
    )
}  # fmt: skip


@dataclass(frozen=True)
class Settings:
    """Every key's value, the file's or the default."""

    values: Mapping[str, Any]
    path: Path

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    @property
    def fluid(self) -> FluidUnit:
        return FluidUnit(self.values["fluid_unit"], self.values["glass_ml"])

    @property
    def week_start(self) -> int:
        """The weekday a week starts on: 0 (Monday) or 6 (Sunday)."""
        return 6 if self.values["week_start"] == "sunday" else 0


def show(name: str, value: Any) -> str:
    """A stored value as `config get` prints it (and `config set` accepts it back)."""
    if value is None:
        return "(not set)"
    if isinstance(value, bool):
        return "on" if value else "off"
    return str(value)


# --- reading and writing -------------------------------------------------------------------------


def _read_table(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as error:
        raise InvalidInput(
            "", "", "", message=f"Cannot read the settings file {path}: {error.strerror}."
        ) from None
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise InvalidInput(
            "",
            "",
            "",
            message=f"The settings file {path} is not valid TOML ({error}). Fix it in an editor, "
            "or remove it to go back to the defaults.",
        ) from None


def defaults() -> dict[str, Any]:
    """Every key's default: the settings with no file."""
    return {name: key.default for name, key in KEYS.items()}


def _checked(path: Path, table: Mapping[str, Any]) -> dict[str, Any]:
    values = defaults()
    for name, value in table.items():
        key = KEYS.get(name)
        if key is None:
            continue  # a newer spasmlog's key, or a typo: `config list` names it
        try:
            values[name] = key.check(value)
        except InvalidInput as error:
            raise InvalidInput(
                name,
                value,
                error.accepted,
                message=f"The settings file {path} has {name} = {value!r}: {error.accepted} "
                f"Fix it with `spasmlog config set {name} VALUE` or `spasmlog config unset "
                f"{name}`.",
            ) from None
    return values


def load(path: Path | None = None) -> Settings:
    """The settings in force; raises InvalidInput (one line naming the file and the key) when
    the file cannot be read or holds a bad value."""
    where = path or config_path()
    return Settings(_checked(where, _read_table(where)), where)


def file_table(path: Path | None = None) -> dict[str, Any]:
    """What the file holds, as written (keys this spasmlog does not know included)."""
    return _read_table(path or config_path())


def key_named(name: str) -> Key:
    key = KEYS.get(name.strip().lower().replace("-", "_"))
    if key is None:
        raise InvalidInput(
            "KEY",
            name,
            "",
            message=f"Unknown setting {name!r}. The settings are {', '.join(KEYS)} "
            "(`spasmlog config list` explains them).",
        )
    return key


@dataclass(frozen=True)
class Changed:
    key: str
    before: Any  # the value in force before (the default when the file had none)
    after: Any


def set_value(name: str, text: str, path: Path | None = None) -> Changed:
    """Store one key's value; the file is written only if the value is accepted."""
    key = key_named(name)
    where = path or config_path()
    table = _read_table(where)
    before = _lenient(key, table[key.name]) if key.name in table else key.default
    if key.name == "low_fluid_ml":  # "6 glasses" are glasses of the person's size
        glass = _lenient(KEYS["glass_ml"], table.get("glass_ml", 250))
        value = _low_fluid(text, glass if isinstance(glass, int) else 250)
    else:
        value = key.parse(text)
    _rewrite(where, key.name, value)
    return Changed(key.name, before, value)


def unset_value(name: str, path: Path | None = None) -> Changed:
    """Remove one key from the file: its default is in force again."""
    key = key_named(name)
    where = path or config_path()
    table = _read_table(where)
    if key.name not in table:
        return Changed(key.name, key.default, key.default)
    before = _lenient(key, table[key.name])
    _rewrite(where, key.name, None)
    return Changed(key.name, before, key.default)


def _lenient(key: Key, value: Any) -> Any:
    """A value from the file for showing what it was, even a bad one."""
    try:
        return key.check(value)
    except InvalidInput:
        return value


def _rewrite(path: Path, name: str, value: Any) -> None:
    """Set one key in the file (None: remove it), keeping everything else as it was written:
    comments, order, other keys (tomlkit edits the document rather than dumping a table)."""
    import tomlkit

    from spasmlog.core.paths import make_private_dir

    document = tomlkit.parse(path.read_text(encoding="utf-8")) if path.exists() else None
    if document is None:
        document = tomlkit.document()
        document.add(tomlkit.comment(HEADER.removeprefix("# ").rstrip("\n")))
    if value is None:
        document.remove(name)
    else:
        document[name] = value
    data = tomlkit.dumps(document).encode("utf-8")
    make_private_dir(path.parent)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
