"""Episode commands: log, list, show, edit, delete, restore, undo, muscles."""

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
    table,
    when_cell,
)
from spasmlog.core import clock, parsing, settings, when
from spasmlog.core.clock import local_time
from spasmlog.core.errors import InvalidInput, NotFound
from spasmlog.core.settings import LITRES, FluidUnit
from spasmlog.diary import episodes
from spasmlog.diary import undo as undoing
from spasmlog.interchange.records import EPISODE_COLUMNS, episode_record, write_csv
from spasmlog.knowledge import factors
from spasmlog.knowledge.muscles import MUSCLES, resolve_muscle

app = typer.Typer()  # the commands of this module; spasmlog.cli.app loads them on demand

MuscleOpt = Annotated[
    str | None,
    typer.Option(
        "--muscle",
        "-m",
        help="Muscle, e.g. calf, 'lower back', 'charley horse' (see `spasmlog muscles`).",
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
SeverityOpt = Annotated[str | None, typer.Option(help="0 (none) to 10 (worst).")]
WokeOpt = Annotated[bool | None, typer.Option("--woke/--no-woke", help="Did it wake you?")]
FluidOpt = Annotated[
    str | None,
    typer.Option(
        help='Fluids in the 24 h before: "1.5L", "500 ml", "6 glasses" (250 ml), "40 oz".'
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


def _choices(values: list[str] | None, option: str, allowed: tuple[str, ...]) -> list[str]:
    picked: list[str] = []
    for value in values or []:
        for item in parsing.parse_list(value.replace(",", ";")):
            choice = parsing.parse_choice(item, option, allowed)
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
    if muscle is not None:
        given["muscle"] = resolve_muscle(muscle)
    if side is not None:
        given["side"] = parsing.parse_side(side)
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
        given["relief"] = _choices(relief, "--relief", factors.RELIEF)
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


def _ask_fields(given: dict[str, Any], mine: settings.Settings) -> None:
    """Interactive `log`: ask for what was not given, with defaults; Enter skips optional ones."""
    given["muscle"] = ask("Muscle (e.g. calf, foot, lower back)", resolve_muscle, required=True)
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
                lambda t: _choices([t], "--relief", factors.RELIEF),
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
    with store.writing() as session:
        logged = episodes.log_episode(session, entry, clock.now())
        record = episode_record(logged.episode, None)
    typer.echo(f"Logged #{logged.episode.id}: {_summary_line(record)}.")
    typer.echo(f"Tip: {logged.tip.text}")
    if logged.signs:
        reasons = "; ".join(sign.message for sign in logged.signs)
        typer.echo(f"See a doctor: this episode was {reasons}. {factors.SEE_DOCTOR_QUOTE}")


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
    store = open_from(ctx)
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


@app.command()
def show(ctx: typer.Context, episode_id: IdArg) -> None:
    """Show every field of one episode. Example: spasmlog show 12"""
    store = open_from(ctx)
    with store.reading() as session:
        episode, exercise = episodes.show_episode(session, episode_id)
        record = episode_record(episode, exercise)
        deleted = episode.deleted_at
    for key, value in record.items():
        shown = ", ".join(value) if isinstance(value, list) else "" if value is None else str(value)
        typer.echo(f"{key:>13}: {printable(shown)}")
    if deleted is not None:
        when = local_time(deleted, clock.local_offset_min(clock.now())).isoformat()
        typer.echo(f"{'deleted':>13}: {when} (restore with `spasmlog restore {episode_id}`)")


@app.command()
def edit(
    ctx: typer.Context,
    episode_id: IdArg,
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
    """Correct fields of an episode (same options and checks as `log`).

    Example: spasmlog edit 12 --severity 6 --duration 90s
    """
    updates = _parse_fields(
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
        settings.load().fluid,
    )
    if not updates:
        raise InvalidInput("edit", "", "Give at least one field to change, e.g. --severity 6.")
    store = open_from(ctx)
    with store.writing() as session:
        episode = episodes.edit_episode(session, episode_id, updates, clock.now())
        summary = _summary_line(episode_record(episode, None))
    typer.echo(f"Updated #{episode_id}: {summary}. (`spasmlog undo` reverts it.)")


@app.command()
def delete(ctx: typer.Context, episode_id: IdArg) -> None:
    """Delete an episode (recoverable). Example: spasmlog delete 12"""
    store = open_from(ctx)
    with store.writing() as session:
        episode = episodes.delete_episode(session, episode_id, clock.now())
        name = episodes.describe(episode)
    typer.echo(f"Deleted {name}. Bring it back with `spasmlog restore {episode_id}`.")


@app.command()
def restore(ctx: typer.Context, episode_id: IdArg) -> None:
    """Bring back a deleted episode. Example: spasmlog restore 12"""
    store = open_from(ctx)
    with store.writing() as session:
        name = episodes.describe(episodes.restore_episode(session, episode_id, clock.now()))
    typer.echo(f"Restored {name}.")


@app.command()
def undo(ctx: typer.Context) -> None:
    """Revert the last change, whatever it was, and say what it was. Example: spasmlog undo"""
    store = open_from(ctx)
    with store.writing() as session:
        summary = undoing.undo_last(session, clock.now())
    typer.echo(f"Undid: {summary}.")


@app.command()
def muscles() -> None:
    """List the muscle names spasmlog knows, with the words it accepts for each."""
    rows = [[muscle.name, ", ".join(muscle.aliases)] for muscle in MUSCLES]
    typer.echo(table(["Muscle", "Also accepted"], rows))
