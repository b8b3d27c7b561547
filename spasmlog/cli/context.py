"""Daily context commands: checkin, checkins, exercise add|list."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import typer

from spasmlog.cli import quick_checkin
from spasmlog.cli.common import (
    diary_path,
    interactive,
    note_from,
    open_from,
    parse_at,
    printable,
    say_doubts,
    table,
    when_cell,
)
from spasmlog.cli.corrections import IdArg, IdsArg, delete_and_say, restore_and_say, say_edited
from spasmlog.core import clock, parsing, settings, when
from spasmlog.core.clock import local_time
from spasmlog.core.errors import InvalidInput
from spasmlog.core.settings import LITRES, FluidUnit
from spasmlog.diary import checkins, trials
from spasmlog.diary import exercise as sessions
from spasmlog.diary.checkins import LABELS, Checkin, CheckinInput
from spasmlog.diary.edits import FieldChange
from spasmlog.diary.exercise import ExerciseInput, ExerciseSession
from spasmlog.knowledge.muscles import resolve_muscle

app = typer.Typer()  # the commands of this module; spasmlog.cli.app loads them on demand

DateOpt = Annotated[
    str | None,
    typer.Option(help='The day: "today" (default), "yesterday", "3 days ago", YYYY-MM-DD.'),
]
FluidOpt = Annotated[
    str | None,
    typer.Option(
        help='Fluids drunk that day: "1.5L", "500 ml", "6 glasses" (your glass_ml setting, '
        '250 ml unless set), "40 oz".'
    ),
]
SweatingOpt = Annotated[
    bool | None, typer.Option("--sweating/--no-sweating", help="Sweated a lot?")
]
VomitingOpt = Annotated[bool | None, typer.Option("--vomiting/--no-vomiting", help="Vomited?")]
DiarrheaOpt = Annotated[bool | None, typer.Option("--diarrhea/--no-diarrhea", help="Diarrhea?")]
FeverOpt = Annotated[bool | None, typer.Option("--fever/--no-fever", help="Had a fever?")]
HotOpt = Annotated[bool | None, typer.Option("--hot-weather/--no-hot-weather", help="Was it hot?")]
SleepOpt = Annotated[str | None, typer.Option(help='Hours slept: "7.5" or "7h30m".')]
MagnesiumOpt = Annotated[str | None, typer.Option(help='Magnesium taken, in mg: "400".')]
AlcoholOpt = Annotated[str | None, typer.Option(help='Units of alcohol: "2".')]
TagOpt = Annotated[
    list[str] | None,
    typer.Option(help="A suspected trigger of your own (repeatable; replaces the day's tags)."),
]
NoteOpt = Annotated[
    str | None,
    typer.Option(help='Free text; "-" asks at a prompt so it stays out of shell history.'),
]
ExerciseOpt = Annotated[
    str | None,
    typer.Option(help='Exercise that day: "run 45m vigorous" (stored at 12:00 that day).'),
]
TrialOpt = Annotated[
    str | None,
    typer.Option(help="During a trial: did you take the remedy that night? yes or no."),
]
SameOpt = Annotated[
    bool,
    typer.Option(
        "--same", help="Copy the day before's answers, after showing them and asking once."
    ),
]
NoExerciseOpt = Annotated[
    bool,
    typer.Option(
        "--no-exercise",
        help="No exercise that day: a known no, which the factor report needs (a day without "
        "a session is otherwise unknown).",
    ),
]

_BOOLS = ("sweating", "vomiting", "diarrhea", "fever", "hot_weather")


def shown(field: str, value: Any, unit: FluidUnit = LITRES) -> str:
    """A check-in value as people read it, volumes in their unit; "" when it is not set
    (missing, not zero)."""
    if value is None or value == []:
        return ""
    if field in _BOOLS:
        return "yes" if value else "no"
    if field == "fluid_ml":
        return unit.show(value)
    if field == "sleep_h":
        return f"{value:g} h"
    if field == "magnesium_mg":
        return f"{value:g} mg"
    if field == "alcohol_units":
        return f"{value:g} units"
    if field == "tags":
        return ", ".join(printable(tag) for tag in value)
    if field == "trial_taken":
        return "taken" if value else "not taken"
    if field == "note":  # health text is not echoed back (screens are shared, terminals logged)
        return f"({len(value)} characters)"
    return printable(str(value))


def _change_line(change: FieldChange, unit: FluidUnit) -> str:
    before = shown(change.field, change.before, unit) or "(not set)"
    return f"  {LABELS[change.field]}: {before} -> {shown(change.field, change.after, unit)}"


def _parse_checkin(
    date: str | None,
    fluid: str | None,
    sweating: bool | None,
    vomiting: bool | None,
    diarrhea: bool | None,
    fever: bool | None,
    hot_weather: bool | None,
    sleep: str | None,
    magnesium: str | None,
    alcohol: str | None,
    tag: list[str] | None,
    note: str | None,
    exercise: str | None,
    no_exercise: bool,
    trial: str | None,
    unit: FluidUnit = LITRES,
) -> dict[str, Any]:
    """The options given, parsed and checked, as CheckinInput field values."""
    given: dict[str, Any] = {
        "sweating": sweating, "vomiting": vomiting, "diarrhea": diarrhea, "fever": fever,
        "hot_weather": hot_weather, "exercised": False if no_exercise else None,
    }  # fmt: skip
    if date is not None:
        given["day"] = when.parse_date(date, clock.today())
    if fluid is not None:
        given["fluid_ml"] = unit.parse(fluid)  # "6 glasses" are the person's glasses
    if sleep is not None:
        given["sleep_h"] = parsing.parse_sleep(sleep)
    if magnesium is not None:
        given["magnesium_mg"] = parsing.parse_magnesium(magnesium)
    if alcohol is not None:
        given["alcohol_units"] = parsing.parse_alcohol(alcohol)
    if tag is not None:
        given["tags"] = parsing.parse_tags(tag)
    if exercise is not None:
        given["exercise"] = parsing.parse_exercise(exercise)
    if note is not None:
        given["note"] = note_from(note)
    if trial is not None:
        given["trial_taken"] = parsing.parse_bool(trial, "--trial")
    return {name: value for name, value in given.items() if value is not None}


def _trial_remedy(ctx: typer.Context, day: Any) -> str | None:
    if not diary_path(ctx).exists():  # a new diary has no trial; it is made when written
        return None
    with open_from(ctx, reading=True).reading() as session:
        return trials.remedy_on(session, day)


def _day_as_given(ctx: typer.Context, day: Any) -> dict[str, Any]:
    """The day's check-in as CheckinInput fields ({} when it has none), without the note."""
    with open_from(ctx).reading() as session:
        found = checkins.list_checkins(session, day, day)
    if not found:
        return {}
    row, session_row = found[0].checkin, found[0].exercise
    given: dict[str, Any] = {
        name: getattr(row, name)
        for name in ("fluid_ml", *_BOOLS, "sleep_h", "magnesium_mg", "alcohol_units")
    }
    given |= {"tags": tuple(row.tags) or None, "exercised": row.exercised}
    given["trial_taken"] = row.trial_taken
    if session_row is not None and session_row.minutes:
        spec = parsing.ExerciseSpec(
            session_row.activity, session_row.minutes, session_row.intensity
        )
        given["exercise"], given["exercised"] = spec, None
    return {name: value for name, value in given.items() if value is not None}


def _same_as_the_day_before(ctx: typer.Context, given: dict[str, Any], unit: FluidUnit) -> bool:
    """`checkin --same`: show the day before's answers, ask once, copy them under any options
    given (never the note or the trial's answer: a trial's night is its own)."""
    if not interactive():
        raise InvalidInput(
            "--same", "", "", message="--same shows the day before's answers and asks before "
            "copying them, so it needs a terminal."
        )  # fmt: skip
    day = given.setdefault("day", clock.today())
    before = day - dt.timedelta(days=1)
    copied = _day_as_given(ctx, before)
    copied.pop("trial_taken", None)
    if not copied:
        raise InvalidInput(
            "--same", "", "", message=f"{before:%A} {before.day} {before:%b} has no check-in to "
            "copy; `spasmlog checkin` asks the questions."
        )  # fmt: skip
    answers = [
        f"{LABELS[name]} {shown(name, value, unit)}"
        for name, value in copied.items()
        if name in LABELS and name != "exercise"
    ]
    spec = copied.get("exercise")
    done = (
        parsing.format_exercise(spec.activity, spec.minutes, spec.intensity)
        if spec is not None
        else checkins.exercise_answer(copied.get("exercised"), None)
    )
    if done:
        answers.append(f"exercise {done}")
    typer.echo(f"{before:%A} {before.day} {before:%b}: {', '.join(answers)}.")
    if not quick_checkin.one_key(f"The same for {day:%A} {day.day} {day:%b}?", False, skip=False):
        return False
    for name, value in copied.items():
        given.setdefault(name, value)
    remedy = _trial_remedy(ctx, day)
    if remedy is not None and "trial_taken" not in given:
        answer = quick_checkin.one_key(f"Trial: did you take {printable(remedy)} that night?", None)
        if answer is not None:
            given["trial_taken"] = answer
    return True


@app.command()
def checkin(
    ctx: typer.Context,
    date: DateOpt = None,
    fluid: FluidOpt = None,
    sweating: SweatingOpt = None,
    vomiting: VomitingOpt = None,
    diarrhea: DiarrheaOpt = None,
    fever: FeverOpt = None,
    hot_weather: HotOpt = None,
    sleep: SleepOpt = None,
    magnesium: MagnesiumOpt = None,
    alcohol: AlcoholOpt = None,
    tag: TagOpt = None,
    note: NoteOpt = None,
    exercise: ExerciseOpt = None,
    no_exercise: NoExerciseOpt = False,
    trial: TrialOpt = None,
    same: SameOpt = False,
) -> None:
    """Record how a day went; again for the same day changes only the fields given.

    With no field on a terminal, asks the questions the reports use (y/n with one key). A day
    with no check-in is missing, never zero.

    Example: spasmlog checkin --fluid 1.8L --sleep 7 --hot-weather --tag coffee --no-exercise
    """
    unit = settings.load().fluid
    given = _parse_checkin(
        date,
        fluid,
        sweating,
        vomiting,
        diarrhea,
        fever,
        hot_weather,
        sleep,
        magnesium,
        alcohol,
        tag,
        note,
        exercise,
        no_exercise,
        trial,
        unit,
    )
    if same and not _same_as_the_day_before(ctx, given, unit):
        typer.echo("Nothing changed.")
        return
    if not set(given) - {"day"}:
        if not interactive():
            raise InvalidInput.missing(
                "a field", "Give at least one, e.g. --fluid 1.5L, --sleep 7 or --tag coffee."
            )
        day = given.setdefault("day", clock.today())
        quick_checkin.ask(
            given, day, clock.today(), unit, _day_as_given(ctx, day), _trial_remedy(ctx, day),
            lambda name, value: shown(name, value, unit),
        )  # fmt: skip
        given = {name: value for name, value in given.items() if value is not None}
        if not set(given) - {"day"}:
            typer.echo("Nothing entered; nothing changed.")
            return
    given.setdefault("day", clock.today())
    entry = CheckinInput(**given)
    store = open_from(ctx)
    with store.writing() as session:
        result = checkins.record_checkin(session, entry, clock.now())
    day = entry.day.isoformat()
    if result.created:
        parts = [f"{LABELS[c.field]} {shown(c.field, c.after, unit)}" for c in result.changes]
        typer.echo(f"Checked in for {day}: {', '.join(parts)}.")
    elif result.changes:
        typer.echo(f"Updated the check-in for {day}:")
        for change in result.changes:
            typer.echo(_change_line(change, unit))
    else:
        typer.echo(f"The check-in for {day} already says that; nothing changed.")
    if fluid is not None and "fluid_ml" in given:
        doubts = parsing.volume_doubts(fluid, given["fluid_ml"])
        say_doubts([("--fluid", doubt) for doubt in doubts], f"spasmlog checkin --date {day}")


def _checkin_row(row: Checkin, exercise: ExerciseSession | None, unit: FluidUnit) -> list[str]:
    cells = [row.date.isoformat(), shown("fluid_ml", row.fluid_ml, unit)]
    cells += [shown(name, getattr(row, name)) for name in _BOOLS]
    cells += [shown(name, getattr(row, name)) for name in ("sleep_h", "magnesium_mg")]
    cells += [shown("alcohol_units", row.alcohol_units).replace(" units", "")]
    cells.append(shown("exercise", checkins.exercise_answer(row.exercised, exercise)))
    cells += [shown("tags", row.tags), printable(row.note, 30)]
    return cells


@app.command("checkins")
def checkins_(
    ctx: typer.Context,
    since: Annotated[str | None, typer.Option(help="Only from this date on.")] = None,
    until: Annotated[str | None, typer.Option(help="Only up to this date.")] = None,
) -> None:
    """List daily check-ins, newest first; blank means not recorded, never zero.

    Example: spasmlog checkins --since "7 days ago"
    """
    today = clock.today()
    unit = settings.load().fluid
    start = when.parse_date(since, today, "--since", future_ok=True) if since else None
    end = when.parse_date(until, today, "--until", future_ok=True) if until else None
    store = open_from(ctx, reading=True)
    with store.reading() as session:
        days = checkins.list_checkins(session, start, end)
        rows = [_checkin_row(day.checkin, day.exercise, unit) for day in days]
    if not rows and (since or until):
        typer.echo("No check-ins in that period; `spasmlog checkins` with no filters shows all.")
        return
    if not rows:
        typer.echo("No check-ins yet. Add one: spasmlog checkin --fluid 1.5L --sleep 7")
        return
    headers = ["Date", "Fluids", "Sweat", "Vomit", "Diarrhea", "Fever", "Hot", "Sleep", "Mg",
               "Alcohol", "Exercise", "Tags", "Note"]  # fmt: skip
    typer.echo(table(headers, rows))
    first = start or days[-1].checkin.date  # the period asked for, else the one covered
    last = min(end, today) if end else days[0].checkin.date
    gaps = (last - first).days + 1 - len(days)
    if gaps:
        typer.echo(
            f"{gaps} day(s) between {first} and {last} have no check-in: "
            "they count as missing, not as zero."
        )


# --- exercise ----------------------------------------------------------------------------------

exercise_app = typer.Typer(
    help="Exercise sessions: when, what, how long, how hard.", no_args_is_help=True
)
app.add_typer(exercise_app, name="exercise")


@exercise_app.command("add")
def exercise_add(
    ctx: typer.Context,
    at: Annotated[
        str | None,
        typer.Option(
            help='When it started: "now" (default), "today 7:00", '
            '"yesterday 18:30", "2h ago", ISO 8601.'
        ),
    ] = None,
    activity: Annotated[str | None, typer.Option(help='What: "run", "swim", "gym".')] = None,
    minutes: Annotated[
        str | None, typer.Option(help='How long: "45" (minutes) or "1h15m".')
    ] = None,
    intensity: Annotated[
        str | None,
        typer.Option(help=f"How hard: {', '.join(parsing.INTENSITIES)} (or easy, medium, hard)."),
    ] = None,
    muscle: Annotated[
        list[str] | None,
        typer.Option("--muscle", "-m", help="A muscle worked (repeatable), e.g. calf, hamstring."),
    ] = None,
) -> None:
    """Record an exercise session. Several a day are fine.

    Example: spasmlog exercise add --at "today 7:00" --activity run --minutes 45 --intensity vigorous --muscle calf
    """  # noqa: E501
    if activity is None:
        raise InvalidInput.missing("--activity", "Say what it was, e.g. --activity run.")
    if minutes is None:
        raise InvalidInput.missing("--minutes", "Say how long it lasted, e.g. --minutes 45.")
    now = clock.now()
    muscles: list[str] = []
    for name in muscle or []:
        resolved = resolve_muscle(name)
        if resolved not in muscles:
            muscles.append(resolved)
    entry = ExerciseInput(
        started_at=parse_at(at) if at else now,
        activity=parsing.parse_activity(activity),
        minutes=parsing.parse_minutes(minutes),
        intensity=parsing.parse_intensity(intensity) if intensity else None,
        muscles=tuple(muscles),
    )
    store = open_from(ctx)
    with store.writing() as session:
        row = sessions.add_exercise(session, entry, clock.now())
        name = sessions.describe_exercise(row)
    typer.echo(f"Added exercise session {name}.")


@exercise_app.command("list")
def exercise_list(
    ctx: typer.Context,
    since: Annotated[str | None, typer.Option(help="Only from this date or time on.")] = None,
    until: Annotated[
        str | None, typer.Option(help="Only up to this date (inclusive) or time.")
    ] = None,
) -> None:
    """List exercise sessions from every source (exercise add, log, checkin), newest first.

    Example: spasmlog exercise list --since "7 days ago"
    """
    start = when.parse_bound(since, clock.now(), "--since") if since else None
    stop = when.parse_bound(until, clock.now(), "--until") if until else None
    store = open_from(ctx, reading=True)
    with store.reading() as session:
        rows = [
            [
                str(row.id),
                when_cell(local_time(row.started_at, row.utc_offset_min).isoformat()),
                printable(row.activity, 30),
                "" if row.minutes is None else str(row.minutes),
                row.intensity or "",
                ", ".join(row.muscles),
                row.source,
            ]
            for row in sessions.list_exercise(session, start, stop)
        ]
    if not rows and (since or until):
        typer.echo("No exercise sessions in that period; `spasmlog exercise list` shows all.")
        return
    if not rows:
        typer.echo(
            "No exercise sessions yet. Add one: spasmlog exercise add --activity run --minutes 30"
        )
        return
    typer.echo(
        table(["ID", "Started", "Activity", "Minutes", "Intensity", "Muscles", "Source"], rows)
    )


EXERCISE_LABELS = {"started_at": "started"}


def _exercise_shown(name: str, value: Any) -> str:
    if value is None or value == []:
        return ""
    if name == "started_at":
        return when_cell(value.astimezone(clock.zone()).isoformat())
    if name == "muscles":
        return ", ".join(value)
    if name == "minutes":
        return f"{value} min"
    return printable(str(value))


@exercise_app.command("edit")
def exercise_edit(
    ctx: typer.Context,
    session_id: IdArg,
    at: Annotated[str | None, typer.Option(help='When it started: "today 7:00", ISO 8601.')] = None,
    activity: Annotated[str | None, typer.Option(help='What: "run", "swim".')] = None,
    minutes: Annotated[str | None, typer.Option(help='How long: "45" or "1h15m".')] = None,
    intensity: Annotated[
        str | None, typer.Option(help="light, moderate or vigorous (or easy, medium, hard).")
    ] = None,
    muscle: Annotated[
        list[str] | None,
        typer.Option("--muscle", "-m", help='The muscles worked (replaces them; "none" clears).'),
    ] = None,
) -> None:
    """Correct an exercise session, whichever command recorded it; says what changed.

    Example: spasmlog exercise edit 4 --minutes 40 --intensity moderate
    """
    updates: dict[str, Any] = {}
    if at is not None:
        updates["started_at"] = parse_at(at)
    if activity is not None:
        updates["activity"] = parsing.parse_activity(activity)
    if minutes is not None:
        updates["minutes"] = parsing.parse_minutes(minutes)
    if intensity is not None:
        updates["intensity"] = parsing.parse_intensity(intensity)
    if muscle is not None:
        names = [] if [m.lower() for m in muscle] == ["none"] else muscle
        updates["muscles"] = list(dict.fromkeys(resolve_muscle(name) for name in names))
    if not updates:
        raise InvalidInput("edit", "", "Give a field to change, e.g. --minutes 40.")
    store = open_from(ctx)
    with store.writing() as session:
        edited = sessions.edit_exercise(session, session_id, updates, clock.now())
        what = f"exercise session {sessions.describe_exercise(edited.session)}"
    say_edited(what, edited.changes, EXERCISE_LABELS, _exercise_shown)


@exercise_app.command("delete")
def exercise_delete(ctx: typer.Context, session_ids: IdsArg) -> None:
    """Delete exercise sessions (recoverable), whichever command recorded them.

    A run recorded twice, by `log --exercise` and `checkin --exercise`, keeps one copy.

    Example: spasmlog exercise delete 4
    """
    delete_and_say(
        ctx,
        session_ids,
        sessions.delete_exercise,
        sessions.describe_exercise,
        "spasmlog exercise restore",
    )


@exercise_app.command("restore")
def exercise_restore(ctx: typer.Context, session_ids: IdsArg) -> None:
    """Bring back deleted exercise sessions. Example: spasmlog exercise restore 4"""
    restore_and_say(ctx, session_ids, sessions.restore_exercise, sessions.describe_exercise)
