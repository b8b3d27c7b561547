"""Correcting episodes, and taking changes back: edit, delete, restore, undo, redo.

Kept apart from spasmlog.cli.episodes (log, list, show) so that `spasmlog log` loads only what
it needs; the options and checks are the same as `log`'s.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from spasmlog.cli.common import open_from, say_doubts, when_cell
from spasmlog.cli.corrections import IdsArg, delete_and_say, restore_and_say, say_edited
from spasmlog.cli.episodes import (
    AtOpt,
    DurationOpt,
    ExerciseOpt,
    FluidOpt,
    IdArg,
    MedOpt,
    MuscleOpt,
    NoteOpt,
    ReliefScoreOpt,
    SeverityOpt,
    SideOpt,
    WokeOpt,
    _choices,
    _doubts,
    _parse_fields,
    _shown,
)
from spasmlog.core import clock, parsing, settings
from spasmlog.core.errors import Conflict, InvalidInput
from spasmlog.core.settings import FluidUnit
from spasmlog.diary import episodes
from spasmlog.diary import undo as undoing
from spasmlog.diary.edits import ListEdit
from spasmlog.knowledge import factors

app = typer.Typer()  # the commands of this module; spasmlog.cli.app loads them on demand

EditReliefOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--relief",
        help=f'Add what you tried (repeatable): {", ".join(factors.RELIEF)}; "-heat" takes '
        'one out, "none" empties the list.',
    ),
]
EditSymptomOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--symptom",
        help=f'Add a symptom (repeatable): {", ".join(factors.SYMPTOMS)}; "-fever" takes one '
        'out, "none" empties the list.',
    ),
]


def _list_edit(
    values: list[str],
    option: str,
    allowed: tuple[str, ...] | None = None,
    words: dict[str, str] | None = None,
) -> ListEdit:
    """`--symptom fever` adds it, `--symptom -fever` takes it out, `--symptom none` empties
    the list (then adds what else is given). Without `allowed`, any name (--med)."""
    add: list[str] = []
    remove: list[str] = []
    clear = False
    for value in values:
        for item in parsing.parse_list(value.replace(",", ";")):
            if item.lower() == "none":
                clear = True
                continue
            target = remove if item.startswith("-") else add
            name = item.lstrip("+-").strip()
            if allowed is None:
                target += [name] if name else []
            else:
                target += _choices([name], option, allowed, words)
    return ListEdit(tuple(add), tuple(remove), clear)


EDIT_LABELS = {
    "started_at": "started", "duration_s": "duration", "woke": "woke you",
    "fluid_ml_24h": "fluids", "relief": "what you tried", "relief_score": "how much it helped",
    "extra_medications": "extra medications",
}  # fmt: skip


def _edit_shown(name: str, value: Any, unit: FluidUnit) -> str:
    """An episode's field as `edit` says it changed ("" when not set)."""
    if value is None:
        return ""
    if value == []:
        return "none"
    if name == "started_at":
        return when_cell(value.isoformat())
    if name == "fluid_ml_24h":
        return unit.both(value)
    if name == "note":  # health text is not echoed back (screens are shared, terminals logged)
        return f"({len(value)} characters)"
    return _shown({"fluid_ml_24h": "fluid_l_24h"}.get(name, name), value)


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
    relief: EditReliefOpt = None,
    relief_score: ReliefScoreOpt = None,
    symptom: EditSymptomOpt = None,
    note: NoteOpt = None,
    med: MedOpt = None,
) -> None:
    """Correct fields of an episode (same options as `log`); says what changed.

    --symptom, --relief and --med add to the episode's list; "-fever" takes one out, "none"
    empties it (--med: the extras beyond the medication list, which the list itself sets).

    Example: spasmlog edit 12 --severity 6 --duration 90s --symptom -fever
    """
    unit = settings.load().fluid
    updates = _parse_fields(
        muscle, side, at, duration, severity, woke, fluid, exercise, None, relief_score, None,
        note, None, unit,
    )  # fmt: skip
    if med is not None:
        updates["extra_medications"] = _list_edit(med, "--med")
    if relief is not None:
        updates["relief"] = _list_edit(relief, "--relief", factors.RELIEF, factors.RELIEF_WORDS)
    if symptom is not None:
        updates["symptoms"] = _list_edit(symptom, "--symptom", factors.SYMPTOMS)
    if not updates:
        raise InvalidInput("edit", "", "Give at least one field to change, e.g. --severity 6.")
    store = open_from(ctx)
    with store.writing() as session:
        edited = episodes.edit_episode(session, episode_id, updates, clock.now())
        what = episodes.describe(edited.episode)
    say_edited(
        what, edited.changes, EDIT_LABELS, lambda name, value: _edit_shown(name, value, unit)
    )
    say_doubts(_doubts(fluid, duration, updates), f"spasmlog edit {episode_id}")


@app.command()
def delete(ctx: typer.Context, episode_ids: IdsArg) -> None:
    """Delete episodes (recoverable). Example: spasmlog delete 12 13, or 12-15

    All of them are one change: `spasmlog undo` brings them all back.
    """
    delete_and_say(
        ctx, episode_ids, episodes.delete_episodes, episodes.describe, "spasmlog restore"
    )


@app.command()
def restore(ctx: typer.Context, episode_ids: IdsArg) -> None:
    """Bring back deleted episodes. Example: spasmlog restore 12"""
    restore_and_say(ctx, episode_ids, episodes.restore_episodes, episodes.describe)


@app.command()
def undo(ctx: typer.Context) -> None:
    """Revert the last change, whatever it was, and say what it was. Example: spasmlog undo"""
    store = open_from(ctx, reading=True)  # a diary that does not exist has nothing to undo
    try:
        with store.writing() as session:
            summary = undoing.undo_last(session, clock.now())
    except undoing.RestoreNotUndoable as refused:
        if refused.kept is None:
            raise
        kept = store.path.with_name(refused.kept)
        raise Conflict(
            "The last change was a `db restore`, which undo cannot revert. The diary as it was "
            f'before it is kept as {kept}; to go back to it: spasmlog db restore "{kept}"'
        ) from None
    typer.echo(f"Undid: {summary}.")


@app.command()
def redo(ctx: typer.Context) -> None:
    """Put back what the last `undo` took away, and say what it was. Example: spasmlog redo"""
    store = open_from(ctx, reading=True)
    with store.writing() as session:
        summary = undoing.redo_last(session, clock.now())
    typer.echo(f"Redid: {summary}.")
