"""Episode commands: log, list, show, muscles (corrections: spasmlog.cli.episode_fixes)."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from spasmlog.cli.common import (
    ask,
    interactive,
    note_from,
    open_from,
    parse_at,
    printable,
    say_doubts,
    table,
    when_cell,
)
from spasmlog.core import clock, notices, parsing, settings, when
from spasmlog.core.clock import local_time
from spasmlog.core.errors import InvalidInput, NotFound
from spasmlog.core.settings import LITRES, FluidUnit
from spasmlog.diary import episodes
from spasmlog.diary.access import Store
from spasmlog.interchange.records import EPISODE_COLUMNS, episode_record, write_csv
from spasmlog.knowledge import factors
from spasmlog.knowledge.muscles import MUSCLES, muscle_and_side, resolve_muscle

app = typer.Typer()  # the commands of this module; spasmlog.cli.app loads them on demand

MuscleOpt = Annotated[
    str | None,
    typer.Option(
        "--muscle",
        "-m",
        help="Muscle, e.g. calf, 'right calf', 'lower back', 'charley horse' (see "
        "`spasmlog muscles`).",
    ),
]
SideOpt = Annotated[str | None, typer.Option(help="left, right, both or none.")]
AtOpt = Annotated[
    str | None,
    typer.Option(
        help='When it started: "now", "yesterday 23:30", "2h ago", "last night 3am", ISO 8601.'
    ),
]
DurationOpt = Annotated[str | None, typer.Option(help='How long: "45s", "2m", "1m30s", "1.5 min".')]
SeverityOpt = Annotated[str | None, typer.Option(help='0 (none) to 10 (worst): "7" or "7/10".')]
WokeOpt = Annotated[bool | None, typer.Option("--woke/--no-woke", help="Did it wake you?")]
FluidOpt = Annotated[
    str | None,
    typer.Option(
        help='Fluids in the 24 h before: "1.5L", "500 ml", "6 glasses" (250 ml), "40 oz", '
        '"2 pints" (UK).'
    ),
]
ExerciseOpt = Annotated[
    str | None,
    typer.Option(
        help='Exercise in the 24 h before: "run 45m vigorous". Kept with the episode; the factor '
        "report counts only exercise recorded on its own (`exercise add`, `checkin --exercise`)."
    ),
]
ReliefOpt = Annotated[
    list[str] | None,
    typer.Option(help=f"What you tried (repeatable): {', '.join(factors.RELIEF)}."),
]
ReliefScoreOpt = Annotated[
    str | None, typer.Option(help="How much it helped, 0 (not at all) to 10 (fully).")
]
SymptomOpt = Annotated[
    list[str] | None,
    typer.Option(help=f"Other symptoms (repeatable): {', '.join(factors.SYMPTOMS)}."),
]
NoteOpt = Annotated[
    str | None,
    typer.Option(help='Free text; "-" asks at a prompt so it stays out of shell history.'),
]
MedOpt = Annotated[
    list[str] | None,
    typer.Option(help="An extra medication taken (repeatable), e.g. a one-off painkiller."),
]

MAX_ID = 2**63 - 1  # the largest integer SQLite stores


def _episode_id(text: str) -> int:
    """An ID as typed: not a number is bad input; one SQLite could never hold is not found."""
    try:
        value = int(text)
    except ValueError:
        raise InvalidInput("ID", text, "Use the number `spasmlog list` shows.") from None
    if not 0 < value <= MAX_ID:
        raise NotFound(f"No episode with ID {text}. See `spasmlog list`.")
    return value


IdArg = Annotated[int, typer.Argument(metavar="ID", parser=_episode_id)]


def _choices(
    values: list[str] | None,
    option: str,
    allowed: tuple[str, ...],
    words: dict[str, str] | None = None,
) -> list[str]:
    """Each value (comma-separated too) as one of `allowed`, or an everyday word for one."""
    picked: list[str] = []
    for value in values or []:
        for item in parsing.parse_list(value.replace(",", ";")):
            if item.startswith("-"):
                raise InvalidInput(
                    option,
                    item,
                    "A minus takes an item out with `spasmlog edit`; leave it out here.",
                )
            word = " ".join(item.lower().split())
            choice = parsing.parse_choice((words or {}).get(word, word), option, allowed)
            if choice not in picked:
                picked.append(choice)
    return picked


def _parse_fields(
    muscle: str | None,
    side: str | None,
    at: str | None,
    duration: str | None,
    severity: str | None,
    woke: bool | None,
    fluid: str | None,
    exercise: str | None,
    relief: list[str] | None,
    relief_score: str | None,
    symptom: list[str] | None,
    note: str | None,
    med: list[str] | None,
    unit: FluidUnit = LITRES,
) -> dict[str, Any]:
    """The options that were given, parsed and checked, as EpisodeInput field values."""
    given: dict[str, Any] = {}
    said = None
    if muscle is not None:
        given["muscle"], said = muscle_and_side(muscle)  # "right calf": the side too
    if side is not None:
        given["side"] = parsing.parse_side(side)
        if said is not None and given["side"] != said:
            raise InvalidInput(
                "--side", side, f"--muscle {muscle!r} says {said}; give the side once."
            )
    elif said is not None:
        given["side"] = said
    if at is not None:
        given["started_at"] = parse_at(at)
    if duration is not None:
        given["duration_s"] = parsing.parse_duration(duration)
    if severity is not None:
        given["severity"] = parsing.parse_score(severity, "--severity")
    if woke is not None:
        given["woke"] = woke
    if fluid is not None:
        given["fluid_ml_24h"] = unit.parse(fluid)  # "6 glasses" are the person's glasses
    if exercise is not None:
        given["exercise"] = parsing.parse_exercise(exercise)
    if relief is not None:
        given["relief"] = _choices(relief, "--relief", factors.RELIEF, factors.RELIEF_WORDS)
    if relief_score is not None:
        given["relief_score"] = parsing.parse_score(relief_score, "--relief-score")
    if symptom is not None:
        given["symptoms"] = _choices(symptom, "--symptom", factors.SYMPTOMS)
    if med is not None:
        given["extra_medications"] = [name.strip() for name in med if name.strip()]
    if note is not None:
        given["note"] = note_from(note)
    return given


def _lateral(muscle: str) -> bool:
    return any(known.lateral for known in MUSCLES if known.name == muscle)


def _doubts(
    fluid: str | None, duration: str | None, given: dict[str, Any]
) -> list[tuple[str, parsing.Doubt]]:
    """Values taken as typed that may not be what was meant ("17L", a three-hour cramp)."""
    found = []
    if fluid is not None:
        found += [("--fluid", d) for d in parsing.volume_doubts(fluid, given["fluid_ml_24h"])]
    long = parsing.duration_doubt(duration, given["duration_s"]) if duration is not None else None
    if long is not None:
        found.append(("--duration", long))
    return found


def _ask_fields(given: dict[str, Any], mine: settings.Settings) -> None:
    """Interactive `log`: ask for what was not given, with defaults; Enter skips optional ones."""
    answer = ask("Muscle (e.g. calf, foot, lower back)", muscle_and_side, required=True)
    assert answer is not None  # required: asked until given
    given["muscle"], said = answer
    if said is not None and "side" not in given:
        given["side"] = said
    if "side" not in given:
        side = (mine["default_side"] or "") if _lateral(given["muscle"]) else ""
        given["side"] = ask("Side (left/right/both/none)", parsing.parse_side, side)
    if "started_at" not in given:
        given["started_at"] = ask("When did it start", parse_at, "now")
    if "duration_s" not in given:
        given["duration_s"] = ask('How long ("45s", "2m")', parsing.parse_duration)
    if "severity" not in given:
        given["severity"] = ask("Severity 0-10", lambda t: parsing.parse_score(t, "--severity"))
    if "woke" not in given:
        given["woke"] = ask("Did it wake you (y/n)", lambda t: parsing.parse_bool(t, "--woke"))
    if "fluid_ml_24h" not in given:
        unit = mine.fluid
        given["fluid_ml_24h"] = ask(
            f"Fluids in the last 24 h, in {unit.label} (e.g. {unit.example})",
            lambda text: unit.parse(text, bare=True),
        )
    if "exercise" not in given:
        given["exercise"] = ask(
            'Exercise in the last 24 h ("run 45m vigorous")', parsing.parse_exercise
        )
    if "relief" not in given:
        given["relief"] = (
            ask(
                f"What helped ({', '.join(factors.RELIEF)}; comma-separated)",
                lambda t: _choices([t], "--relief", factors.RELIEF, factors.RELIEF_WORDS),
            )
            or []
        )
    if given["relief"] and "relief_score" not in given:
        given["relief_score"] = ask(
            "How much did it help, 0-10", lambda t: parsing.parse_score(t, "--relief-score")
        )
    if "symptoms" not in given:
        given["symptoms"] = (
            ask(
                f"Other symptoms ({', '.join(factors.SYMPTOMS)}; comma-separated)",
                lambda t: _choices([t], "--symptom", factors.SYMPTOMS),
            )
            or []
        )
    if "note" not in given:
        given["note"] = ask("Note (not saved in shell history)", lambda t: t.strip())


def _summary_line(record: dict[str, Any]) -> str:
    parts = [record["muscle"] + (f" ({record['side']})" if record["side"] else "")]
    parts.append(when_cell(record["started_at"]))
    if record["duration_s"]:
        parts.append(parsing.format_duration(record["duration_s"]))
    if record["severity"] is not None:
        parts.append(f"severity {record['severity']}/10")
    return ", ".join(parts)


@app.command()
def log(
    ctx: typer.Context,
    muscle: MuscleOpt = None,
    side: SideOpt = None,
    at: AtOpt = None,
    duration: DurationOpt = None,
    severity: SeverityOpt = None,
    woke: WokeOpt = None,
    fluid: FluidOpt = None,
    exercise: ExerciseOpt = None,
    relief: ReliefOpt = None,
    relief_score: ReliefScoreOpt = None,
    symptom: SymptomOpt = None,
    note: NoteOpt = None,
    med: MedOpt = None,
) -> None:
    """Log a spasm. With no --muscle on a terminal, asks for each field.

    Example: spasmlog log --muscle calf --side left --at "last night 3am" --duration 2m --severity 7
    """
    mine = settings.load()
    given = _parse_fields(
        muscle,
        side,
        at,
        duration,
        severity,
        woke,
        fluid,
        exercise,
        relief,
        relief_score,
        symptom,
        note,
        med,
        mine.fluid,
    )
    if "muscle" not in given:
        if not interactive():
            raise InvalidInput.missing("--muscle", "Give the muscle, e.g. --muscle calf.")
        _ask_fields(given, mine)
    if given.get("side") is None and mine["default_side"] and _lateral(given["muscle"]):
        given["side"] = mine["default_side"]  # the default_side setting
    given.setdefault("started_at", clock.now())
    entry = episodes.EpisodeInput(**given)
    store = open_from(ctx)
    if interactive() and not _log_it_again(store, entry):
        typer.echo("Nothing was logged.")
        return
    with store.writing() as session:
        logged = episodes.log_episode(session, entry, clock.now())
        record = episode_record(logged.episode, None)
        twin = None if logged.twin is None else episodes.describe(logged.twin)
    new_id = logged.episode.id
    typer.echo(f"Logged #{new_id}: {_summary_line(record)}.")
    typer.echo(f"Tip: {logged.tip.text}")
    shown = [sign.id for sign in logged.signs]
    due = notices.due(shown, store.path, clock.today(), mine["doctor_notice"])
    signs = [sign for sign in logged.signs if sign.id in due]
    if signs:
        reasons = "; ".join(sign.message for sign in signs)
        typer.echo(f"See a doctor: this episode was {reasons}. {factors.SEE_DOCTOR_QUOTE}")
    if twin is not None and not interactive():
        typer.echo(
            f"Note: {twin} started within a minute of this one, on the same muscle and side: the "
            f"same cramp logged twice? `spasmlog delete {new_id}` removes this one.",
            err=True,
        )
    say_doubts(_doubts(fluid, duration, given), f"spasmlog edit {new_id}")


def _log_it_again(store: Store, entry: episodes.EpisodeInput) -> bool:
    """On a terminal, when an episode of the same muscle and side started within a minute of
    this one: ask before logging what may be the same cramp twice."""
    with store.reading() as session:
        twin = episodes.near_duplicate(session, entry)
        name = None if twin is None else episodes.describe(twin)
    if name is None:
        return True
    return typer.confirm(
        f"{name} started within a minute of this one, on the same muscle and side. "
        "Log this one as well?",
        default=False,
    )


@app.command("list")
def list_(
    ctx: typer.Context,
    since: Annotated[str | None, typer.Option(help="Only from this date/time on.")] = None,
    until: Annotated[str | None, typer.Option(help="Only up to this date/time.")] = None,
    muscle: MuscleOpt = None,
    limit: Annotated[
        int | None, typer.Option(min=1, help="At most this many, newest first.")
    ] = None,
    format: Annotated[str, typer.Option("--format", "-f", help="table, json or csv.")] = "table",
    deleted: Annotated[bool, typer.Option("--deleted", help="Include deleted episodes.")] = False,
) -> None:
    """List episodes, newest first. Example: spasmlog list --since "7 days ago" --format json"""
    fmt = parsing.parse_choice(format, "--format", ("table", "json", "csv"))
    now = clock.now()
    start = when.parse_bound(since, now, "--since") if since else None
    end = when.parse_bound(until, now, "--until") if until else None
    wanted = resolve_muscle(muscle) if muscle else None
    store = open_from(ctx, reading=True)
    with store.reading() as session:
        rows = episodes.list_episodes(session, start, end, wanted, limit, include_deleted=deleted)
        records = [episode_record(episode, exercise) for episode, exercise in rows]
        deleted_ids = {episode.id for episode, _ in rows if episode.deleted_at is not None}
    if fmt == "json":
        typer.echo(json.dumps(records, indent=2, ensure_ascii=False))
    elif fmt == "csv":
        # color=True: click would otherwise strip escape codes from notes when piped.
        typer.echo(write_csv(records, EPISODE_COLUMNS), nl=False, color=True)
    elif not records and (since or until or muscle):
        typer.echo("No episodes match; `spasmlog list` with no filters shows them all.")
    elif not records:
        typer.echo("No episodes yet. Log one: spasmlog log --muscle calf")
    else:
        typer.echo(_table(records, deleted_ids, settings.load().fluid))


def _table(records: list[dict[str, Any]], deleted_ids: set[int], unit: FluidUnit) -> str:
    rows = [
        [
            str(r["id"]) + (" (deleted)" if r["id"] in deleted_ids else ""),
            when_cell(r["started_at"]),
            r["muscle"],
            r["side"] or "",
            parsing.format_duration(r["duration_s"]),
            "" if r["severity"] is None else str(r["severity"]),
            {True: "yes", False: "no", None: ""}[r["woke"]],
            "" if r["fluid_l_24h"] is None else unit.show(r["fluid_l_24h"] * 1000),
            ",".join(r["symptoms"]),
            printable(r["note"], 30),
        ]
        for r in records
    ]
    headers = [
        "ID",
        "Started",
        "Muscle",
        "Side",
        "Duration",
        "Sev",
        "Woke",
        "Fluid",
        "Symptoms",
        "Note",
    ]
    return table(headers, rows)


SHOWN = (
    ("started_at", "Started"), ("muscle", "Muscle"), ("side", "Side"),
    ("duration_s", "Duration"), ("severity", "Severity"), ("woke", "Woke you"),
    ("fluid_l_24h", "Fluids in the 24 h before"), ("exercise", "Exercise in the 24 h before"),
    ("relief", "What you tried"), ("relief_score", "How much it helped"),
    ("symptoms", "Other symptoms"), ("medications", "Medications"), ("note", "Note"),
)  # fmt: skip


def _shown(key: str, value: Any, unit: FluidUnit = LITRES) -> str:
    """One field of an episode as a person reads it; a blank is "not recorded", never a zero."""
    if value is None:
        return "not recorded"
    if isinstance(value, list):
        return ", ".join(printable(item) for item in value) or "none"
    if key == "started_at":
        return when_cell(value)
    if key == "duration_s":
        return parsing.format_duration(value)
    if key in ("severity", "relief_score"):
        return f"{value}/10"
    if key == "woke":
        return "yes" if value else "no"
    if key == "fluid_l_24h":
        return unit.both(round(value * 1000))
    return printable(str(value))


@app.command()
def show(
    ctx: typer.Context,
    episode_id: IdArg,
    format: Annotated[
        str, typer.Option("--format", "-f", help="text, or json for the raw record.")
    ] = "text",
) -> None:
    """Show every field of one episode. Example: spasmlog show 12"""
    fmt = parsing.parse_choice(format, "--format", ("text", "json"))
    store = open_from(ctx, reading=True)
    with store.reading() as session:
        episode, exercise = episodes.show_episode(session, episode_id)
        record = episode_record(episode, exercise)
        deleted = episode.deleted_at
    if fmt == "json":
        typer.echo(json.dumps(record, indent=2, ensure_ascii=False))
        return
    unit = settings.load().fluid
    width = max(len(label) for _, label in SHOWN) + 1
    typer.echo(f"Episode #{episode_id}")
    for key, label in SHOWN:
        typer.echo(f"  {label + ':':<{width}} {_shown(key, record[key], unit)}")
    if deleted is not None:
        when = local_time(deleted, clock.local_offset_min(clock.now())).strftime("%Y-%m-%d %H:%M")
        label = "Deleted:"
        typer.echo(
            f"  {label:<{width}} {when} (bring it back with `spasmlog restore {episode_id}`)"
        )


@app.command()
def muscles() -> None:
    """List the muscle names spasmlog knows, with the words it accepts for each."""
    rows = [[muscle.name, ", ".join(muscle.aliases)] for muscle in MUSCLES]
    typer.echo(table(["Muscle", "Also accepted"], rows))
