"""What each import kind's columns mean: the parser of every column, and a row's cross-checks.

Every cell goes through the same parser as the command option it corresponds to (spasmlog.core.parsing,
the knowledge modules, and the check-in, medication, condition and lab use cases), given the
column's name as `option` so that a message names the column. A parsed row is a tuple in the
order of its kind's `fields`, to keep a million of them small in memory.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from spasmlog.core import parsing, when
from spasmlog.core.clock import local_offset_min
from spasmlog.core.errors import InvalidInput
from spasmlog.db.models import EXERCISE_SOURCES
from spasmlog.diary import labs as lab_results
from spasmlog.interchange.records import CHECKIN_COLUMNS
from spasmlog.knowledge import conditions, drugs, factors, labs
from spasmlog.knowledge.muscles import resolve_muscle

Cell = str | tuple[Any, ...]  # a CSV cell is text; a JSON list is a tuple


@dataclass(frozen=True)
class Now:
    """The clock every row of one import is checked against."""

    moment: dt.datetime

    @functools.cached_property
    def today(self) -> dt.date:
        return self.moment.date()

    @functools.cached_property
    def latest(self) -> dt.datetime:
        """The latest time a row may have: parse_when's tolerance for clocks a little ahead."""
        return self.moment + when.FUTURE_TOLERANCE


@dataclass(frozen=True)
class Column:
    name: str
    parse: Callable[[Cell, Now], Any]
    required: bool = False
    repeats: bool = True  # few distinct cells (muscle, severity...): parse each text once


@dataclass(frozen=True)
class Kind:
    """One kind of row: its columns, and what makes two rows the same.

    Two rows are duplicates only when every field the file's columns give is equal; `identity`
    is the looser match that `--update` overwrites a stored row by (the fields a file cannot
    change without meaning another row). Both compare only what the file's columns give.
    """

    name: str
    noun: str  # one row, in messages: "episode"
    columns: tuple[Column, ...]
    fields: tuple[str, ...]  # what `finish` returns, in this order
    finish: Callable[[dict[str, Any]], dict[str, Any]]  # parsed cells -> fields; cross-checks
    identity: tuple[str, ...]  # fields naming the stored row an --update overwrites
    identity_words: str  # the identity, in messages: "start, muscle and side"
    compared: dict[str, tuple[str, ...]] = field(default_factory=dict)  # column -> its fields,
    # when not the field of its own name
    normal: dict[str, Callable[[Any], Any]] = field(default_factory=dict)  # compared as normalized
    ignored: tuple[str, ...] = ()  # accepted for round trips, not read

    @property
    def accepted(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns) + self.ignored

    @property
    def nouns(self) -> str:
        return self.noun + "s"

    def index(self, name: str) -> int:
        return self.fields.index(name)

    def given(self, columns: frozenset[str]) -> tuple[str, ...]:
        """The fields a file with these columns gives, in field order."""
        named = {
            name
            for column in columns
            if column not in self.ignored
            for name in self.compared.get(column, (column,))
        }
        return tuple(name for name in self.fields if name in named)

    def same_key(self, columns: frozenset[str]) -> Callable[[tuple[Any, ...]], Hashable]:
        """Equal for two rows (file rows, or stored rows laid out like them) exactly when they
        are duplicates: every field the file gives, lists as lists, names as normalized."""
        return self._key(self.given(columns))

    def identity_key(self, columns: frozenset[str]) -> Callable[[tuple[Any, ...]], Hashable]:
        """Equal for two rows when an --update of one would overwrite the other."""
        given = self.given(columns)
        return self._key(tuple(name for name in self.identity if name in given))

    def _key(self, names: tuple[str, ...]) -> Callable[[tuple[Any, ...]], Hashable]:
        at = [self.index(name) for name in names]
        if not any(name in self.normal for name in names):
            return itemgetter(*at)  # the fast path: a million episodes are keyed
        fixes = [(i, self.normal.get(name, _as_is)) for i, name in zip(at, names, strict=True)]
        return lambda row: tuple(fix(row[i]) for i, fix in fixes)


def _as_is(value: Any) -> Any:
    return value


def utc_text(moment: dt.datetime) -> str:
    """An aware time as the diary stores it: naive UTC, "YYYY-MM-DD HH:MM:SS.ffffff"."""
    return moment.astimezone(dt.UTC).isoformat(" ", "microseconds")[:26]  # without "+00:00"


def _text(cell: Cell, option: str) -> str:
    if not isinstance(cell, str):
        raise InvalidInput(option, cell, "Give one value here, not a list.")
    return cell


def _named(parse: Callable[[str, str], Any], option: str) -> Callable[[Cell, Now], Any]:
    return lambda cell, now: parse(_text(cell, option), option)


def _when(option: str) -> Callable[[Cell, Now], Any]:
    """when.parse_when, with a shortcut for the cell it would read the slow way.

    A time that `datetime.fromisoformat` reads with a UTC offset, between 1900 and now, is
    taken as it reads it: exactly what parse_when returns for it (none of its phrases is an ISO
    date), at a fraction of the cost, which matters at 100,000 rows. Everything else, every
    phrase, local time and refusal, goes through parse_when itself (a property test in
    tests/test_import.py holds the two equal).
    """

    def parse(cell: Cell, now: Now) -> dt.datetime:
        text = _text(cell, option)
        try:
            moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            moment = None
        if moment is not None and moment.tzinfo is not None:
            if moment.year >= 1900 and moment <= now.latest:
                return moment
        return when.parse_when(text, now.moment, option)

    return parse


def _date(option: str) -> Callable[[Cell, Now], Any]:
    return lambda cell, now: when.parse_date(_text(cell, option), now.today, option)


def _items(cell: Cell) -> list[str]:
    """A list cell: ";"-joined text (CSV) or a JSON array."""
    if isinstance(cell, tuple):
        return [str(item).strip() for item in cell if str(item).strip()]
    return parsing.parse_list(cell)


def _choices(option: str, allowed: tuple[str, ...]) -> Callable[[Cell, Now], tuple[str, ...]]:
    """Words from a fixed list (relief, symptoms); "," separates them too, as on the command line."""

    def parse(cell: Cell, now: Now) -> tuple[str, ...]:
        picked: list[str] = []
        for item in _items(cell.replace(",", ";") if isinstance(cell, str) else cell):
            choice = parsing.parse_choice(item, option, allowed)
            if choice not in picked:
                picked.append(choice)
        return tuple(picked)

    return parse


def _free_list(cell: Cell, now: Now) -> tuple[str, ...]:
    return tuple(_items(cell))


def _tags(cell: Cell, now: Now) -> tuple[str, ...]:
    return parsing.parse_tags(_items(cell), "tags")


def _muscles(cell: Cell, now: Now) -> tuple[str, ...]:
    found: list[str] = []
    for item in _items(cell):
        muscle = resolve_muscle(item, "muscles")
        if muscle not in found:
            found.append(muscle)
    return tuple(found)


def _note(cell: Cell, now: Now) -> str:
    return _text(cell, "note")


def _seconds(cell: Cell, now: Now) -> int:
    """`duration_s`: whole seconds, as `export csv` writes them (1 s to 24 h)."""
    text = _text(cell, "duration_s").strip()
    if not text.isdigit():
        raise InvalidInput(
            "duration_s", cell, 'Use whole seconds, e.g. 90 (or a "duration" column with "1m30s").'
        )
    try:
        return parsing.parse_duration(f"{text}s", "duration_s")
    except InvalidInput as error:
        raise InvalidInput("duration_s", cell, error.accepted) from None


def _score(option: str) -> Callable[[Cell, Now], int]:
    return lambda cell, now: parsing.parse_score(_text(cell, option), option)


def _bool(option: str) -> Callable[[Cell, Now], bool]:
    return lambda cell, now: parsing.parse_bool(_text(cell, option), option)


def _litres(option: str) -> Callable[[Cell, Now], int]:
    return lambda cell, now: parsing.litres_to_ml(_text(cell, option), option)


def norm_name(text: str) -> str:
    return " ".join(text.lower().split())


# --- episodes ----------------------------------------------------------------------------------


def _episode(v: dict[str, Any]) -> dict[str, Any]:
    seconds, human = v["duration_s"], v["duration"]
    if seconds is not None and human is not None and seconds != human:
        raise InvalidInput(
            "duration",
            v["duration"],
            "",
            message=f"duration ({human} s) and duration_s ({seconds} s) disagree; "
            "give one of them.",
        )
    started: dt.datetime = v["started_at"]
    v["relief"], v["symptoms"] = v["relief"] or (), v["symptoms"] or ()
    v["medications"] = v["medications"] or ()
    v["started_utc"], v["utc_offset_min"] = utc_text(started), local_offset_min(started)
    if seconds is None:
        v["duration_s"] = human
    return v


# import_write.write_episodes unpacks episode rows in this order.
EPISODE_FIELDS = (
    "started_at",
    "started_utc",
    "utc_offset_min",
    "muscle",
    "side",
    "duration_s",
    "severity",
    "woke",
    "fluid_l_24h",
    "exercise",
    "relief",
    "relief_score",
    "symptoms",
    "medications",
    "note",
)
EPISODES = Kind(
    name="episodes",
    noun="episode",
    columns=(
        Column("started_at", _when("started_at"), required=True, repeats=False),
        Column("muscle", _named(resolve_muscle, "muscle"), required=True),
        Column("side", _named(parsing.parse_side, "side")),
        Column("duration_s", _seconds),
        Column("duration", _named(parsing.parse_duration, "duration")),
        Column("severity", _score("severity")),
        Column("woke", _bool("woke")),
        Column("fluid_l_24h", _litres("fluid_l_24h")),
        Column("exercise", _named(parsing.parse_exercise, "exercise")),
        Column("relief", _choices("relief", factors.RELIEF)),
        Column("relief_score", _score("relief_score")),
        Column("symptoms", _choices("symptoms", factors.SYMPTOMS)),
        Column("medications", _free_list),
        Column("note", _note, repeats=False),
    ),
    fields=EPISODE_FIELDS,
    finish=_episode,
    identity=("started_utc", "muscle", "side"),
    identity_words="start, muscle and side",
    compared={"started_at": ("started_utc",), "duration": ("duration_s",)},
    ignored=("id",),
)

# --- check-ins and exercise --------------------------------------------------------------------

CHECKINS = Kind(
    name="checkins",
    noun="check-in",
    columns=(
        Column("date", _date("date"), required=True, repeats=False),
        Column("fluid_l", _litres("fluid_l")),
        *(
            Column(name, _bool(name))
            for name in ("sweating", "vomiting", "diarrhea", "fever", "hot_weather")
        ),
        Column("sleep_h", _named(parsing.parse_sleep, "sleep_h")),
        Column("magnesium_mg", _named(parsing.parse_magnesium, "magnesium_mg")),
        Column("alcohol_units", _named(parsing.parse_alcohol, "alcohol_units")),
        Column("tags", _tags),
        Column("note", _note, repeats=False),
        Column("exercised", _bool("exercised")),
        Column("trial_taken", _bool("trial_taken")),
    ),
    fields=CHECKIN_COLUMNS,
    finish=lambda v: {**v, "tags": v["tags"] or ()},
    identity=("date",),  # one check-in a day: the table's date is unique
    identity_words="date",
)


def _exercise(v: dict[str, Any]) -> dict[str, Any]:
    started: dt.datetime = v["started_at"]
    v["muscles"] = v["muscles"] or ()
    v["source"] = v["source"] or "import"
    v["started_utc"], v["utc_offset_min"] = utc_text(started), local_offset_min(started)
    return v


EXERCISE = Kind(
    name="exercise",
    noun="exercise session",
    columns=(
        Column("started_at", _when("started_at"), required=True, repeats=False),
        Column("activity", _named(parsing.parse_activity, "activity"), required=True),
        Column("minutes", _named(parsing.parse_minutes, "minutes"), required=True),
        Column(
            "intensity",
            lambda cell, now: parsing.parse_choice(
                _text(cell, "intensity"), "intensity", parsing.INTENSITIES
            ),
        ),
        Column("muscles", _muscles),
        Column(
            "source",
            lambda cell, now: parsing.parse_choice(
                _text(cell, "source"), "source", EXERCISE_SOURCES
            ),
        ),
    ),
    fields=(
        "started_at",
        "started_utc",
        "utc_offset_min",
        "activity",
        "minutes",
        "intensity",
        "muscles",
        "source",
    ),
    finish=_exercise,
    identity=("started_utc", "activity"),
    identity_words="start and activity",
    compared={"started_at": ("started_utc",)},
)

# --- medications, conditions, labs -------------------------------------------------------------


def _medication(v: dict[str, Any]) -> dict[str, Any]:
    """The checks of `meds add`: a near-miss name needs a class; a period cannot end first."""
    match = drugs.classify(v["name"])
    given = v["class"]
    if match.generic is None and given is None:
        hint = drugs.suggest(v["name"])
        if hint is not None:
            raise InvalidInput(
                "name",
                v["name"],
                "",
                message=f"name: unknown medication {v['name']!r}. Did you mean "
                f"{hint!r}? Give a class column (e.g. other) to keep it as typed.",
            )
    if v["stopped_on"] is not None and v["stopped_on"] < v["started_on"]:
        raise InvalidInput(
            "stopped_on",
            v["stopped_on"].isoformat(),
            f"It must be on or after started_on, {v['started_on']}.",
        )
    drug_class = given or match.drug_class
    return {
        **v,
        "generic": match.generic,
        "drug_class": drug_class,
        "atc": match.atc if match.drug_class == drug_class else None,
        # An exported file names every class: only one that differs was set by hand.
        "class_by_hand": given is not None and given != match.drug_class,
    }


MEDS = Kind(
    name="meds",
    noun="medication period",
    columns=(
        Column("name", _named(parsing.parse_med_name, "name"), required=True),
        Column("dose", _named(parsing.parse_dose, "dose")),
        Column("class", _named(drugs.parse_drug_class, "class")),
        Column("started_on", _date("started_on"), required=True),
        Column("stopped_on", _date("stopped_on")),
    ),
    fields=(
        "name",
        "generic",
        "drug_class",
        "atc",
        "class_by_hand",
        "dose",
        "started_on",
        "stopped_on",
    ),
    finish=_medication,
    identity=("name", "started_on"),
    identity_words="name and start date",
    compared={"class": ("drug_class",)},
    normal={"name": norm_name},
)


def _condition(v: dict[str, Any]) -> dict[str, Any]:
    """The checks of `conditions add` and `conditions end`."""
    group = v["group"] or conditions.group_for(v["name"])
    if v["group"] is None and group == "other":
        hint = conditions.suggest(v["name"])
        if hint is not None:
            raise InvalidInput(
                "name",
                v["name"],
                "",
                message=f"name: unknown condition {v['name']!r}. Did you mean "
                f"{hint!r}? Give a group column (e.g. other) to keep it as typed.",
            )
    if v["since"] is not None and v["until"] is not None and v["until"] < v["since"]:
        raise InvalidInput(
            "until", v["until"].isoformat(), f"It began on {v['since']}; it cannot end before that."
        )
    return {**v, "group": group}


CONDITIONS = Kind(
    name="conditions",
    noun="condition",
    columns=(
        Column("name", _named(parsing.parse_condition_name, "name"), required=True),
        Column("group", _named(conditions.parse_group, "group")),
        Column("since", _date("since")),
        Column("until", _date("until")),
    ),
    fields=("name", "group", "since", "until"),
    finish=_condition,
    identity=("name", "since"),
    identity_words="name and since date",
    normal={"name": norm_name},
)


def _lab(v: dict[str, Any]) -> dict[str, Any]:
    """The checks and derived values of `labs add`: plausible value, mmol/L, flag."""
    entry = lab_results.LabInput(
        test=v["test"],
        value=v["value"],
        unit=v["unit"],
        taken_on=v["taken_on"],
        lab_range=v["range"],
    )
    try:
        value_mmol, judged = lab_results.evaluate(entry)
    except InvalidInput as error:
        raise InvalidInput("value", error.value, "", message=f"value: {error}") from None
    return {
        **v,
        "value_mmol_l": value_mmol,
        "range_low_mmol_l": judged.range_low,
        "range_high_mmol_l": judged.range_high,
        "range_source": judged.range_source,
        "flag": judged.flag,
    }


LABS = Kind(
    name="labs",
    noun="lab result",
    columns=(
        Column("taken_on", _date("taken_on"), required=True),
        Column("test", _named(labs.parse_test, "test"), required=True),
        Column(
            "value",
            lambda cell, now: parsing.parse_number(
                _text(cell, "value"), "value", low=0, high=lab_results.MAX_VALUE
            ),
            required=True,
        ),
        Column("unit", _named(labs.parse_unit, "unit"), required=True),
        Column("range", _named(labs.parse_range, "range")),
    ),
    fields=(
        "taken_on",
        "test",
        "value",
        "unit",
        "value_mmol_l",
        "range_low_mmol_l",
        "range_high_mmol_l",
        "range_source",
        "flag",
    ),
    finish=_lab,
    identity=("test", "taken_on"),
    identity_words="test and date",
    # the lab's own range as it is kept (mmol/L), or the reference range when none was given
    compared={"range": ("range_source", "range_low_mmol_l", "range_high_mmol_l")},
)

KINDS: dict[str, Kind] = {
    kind.name: kind for kind in (CONDITIONS, MEDS, LABS, CHECKINS, EXERCISE, EPISODES)
}
