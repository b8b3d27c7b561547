"""Corrections of the medical context: `meds`, `conditions` and `labs` edit, delete and
restore (spasmlog.cli.medical registers them under its groups)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import typer

from spasmlog.cli.common import medications_updated, open_from, printable
from spasmlog.cli.corrections import IdArg, IdsArg, delete_and_say, restore_and_say, say_edited
from spasmlog.core import clock, parsing, when
from spasmlog.core.errors import InvalidInput
from spasmlog.diary import conditions, labs, medications
from spasmlog.knowledge import conditions as groups
from spasmlog.knowledge import drugs
from spasmlog.knowledge import labs as lab_tests
from spasmlog.knowledge.labs import LabFlag

T = TypeVar("T")


def say(line: str | None) -> None:
    if line:
        typer.echo(line)


def range_in(judged: LabFlag, unit: str) -> str:
    low, high = judged.limits
    whose = "the lab's range" if judged.range_source == "lab" else "the adult reference range"
    return f"{whose} {low:g}-{high:g} {unit}"


def judgement(judged: LabFlag, unit: str) -> list[str]:
    """ "Low: hypokalemia (below the lab's range 3.5-5.1 mmol/L)." and the article's line."""
    where = range_in(judged, unit)
    if judged.flag == "normal":
        return [f"Normal: within {where}."]
    side = "below" if judged.flag == "low" else "above"
    lines = [f"{judged.flag.capitalize()}: {judged.condition} ({side} {where})."]
    line = lab_tests.ARTICLE_LINES.get(judged.condition or "")
    return lines + ([f'The article: "{line}"'] if line else [])


MED_LABELS = {"started_on": "started", "stopped_on": "stopped", "drug_class": "class"}


def _none_or(text: str, parse: Callable[[str], T]) -> T | None:
    """ "none" (or an empty value) clears a field; anything else is parsed."""
    return None if text.strip().lower() in ("", "none") else parse(text)


def _med_shown(name: str, value: Any) -> str:
    if value is None:
        return ""
    if name == "drug_class":
        info = drugs.CLASS_INFO.get(str(value))
        return info.label if info else str(value)
    if name == "stopped_on" and value is None:
        return "still taking it"
    return printable(str(value))


ClassOpt = Annotated[
    str | None,
    typer.Option("--class", help=f"Class it by hand: {', '.join(drugs.DRUG_CLASSES)}."),
]


def meds_edit(
    ctx: typer.Context,
    med_id: IdArg,
    name: Annotated[str | None, typer.Option(help="Its name; classed again from it.")] = None,
    dose: Annotated[str | None, typer.Option(help='Dose as free text; "none" clears it.')] = None,
    started: Annotated[str | None, typer.Option(help="First day taken.")] = None,
    stopped: Annotated[
        str | None, typer.Option(help='Last day taken; "none": still taking it.')
    ] = None,
    class_: ClassOpt = None,
) -> None:
    """Correct a medication period, current or stopped; says what changed.

    Name, dose, start or stop date, class: the episodes of the days concerned follow.

    Example: spasmlog meds edit 2 --started 2026-01-05 --dose "40 mg"
    """
    today = clock.today()
    updates: dict[str, Any] = {}
    if name is not None:
        updates["name"] = parsing.parse_med_name(name, "--name")
    if dose is not None:
        updates["dose"] = parsing.parse_dose(dose)
    if started is not None:
        updates["started_on"] = when.parse_date(started, today, "--started")
    if stopped is not None:
        updates["stopped_on"] = _none_or(stopped, lambda t: when.parse_date(t, today, "--stopped"))
    if class_ is not None:
        updates["drug_class"] = drugs.parse_drug_class(class_)
    if not updates:
        raise InvalidInput("edit", "", 'Give a field to change, e.g. --dose "40 mg".')
    store = open_from(ctx)
    with store.writing() as session:
        edited = medications.edit_medication(session, med_id, updates, clock.now())
        what = medications.describe(edited.medication)
    say_edited(what, edited.changes, MED_LABELS, _med_shown)
    say(medications_updated(edited.episodes_updated, "to follow the period"))


def meds_delete(ctx: typer.Context, med_ids: IdsArg) -> None:
    """Delete medication periods (recoverable), e.g. one added by mistake.

    The episodes of its days follow. To record that you stopped taking it, use `meds stop`.

    Example: spasmlog meds delete 2
    """
    delete_and_say(
        ctx, med_ids, medications.delete_medications, medications.describe, "spasmlog meds restore"
    )


def meds_restore(ctx: typer.Context, med_ids: IdsArg) -> None:
    """Bring back deleted medication periods. Example: spasmlog meds restore 2"""
    restore_and_say(ctx, med_ids, medications.restore_medications, medications.describe)


CONDITION_LABELS: dict[str, str] = {}


def _condition_shown(name: str, value: Any) -> str:
    if value is None:
        return ""
    return groups.label(str(value)) if name == "group" else printable(str(value))


def conditions_edit(
    ctx: typer.Context,
    condition_id: IdArg,
    name: Annotated[str | None, typer.Option(help="Its name; filed again from it.")] = None,
    group: Annotated[
        str | None, typer.Option(help=f"File it by hand: {', '.join(groups.GROUPS_BY_ID)}.")
    ] = None,
    since: Annotated[
        str | None, typer.Option(help='When it began: a date or a month; "none": not known.')
    ] = None,
    until: Annotated[str | None, typer.Option(help='When it ended; "none": it has not.')] = None,
) -> None:
    """Correct a condition: name, group, since or until; says what changed.

    Example: spasmlog conditions edit 1 --since 2023-04
    """
    today = clock.today()
    updates: dict[str, Any] = {}
    if name is not None:
        updates["name"] = parsing.parse_condition_name(name, "--name")
    if group is not None:
        updates["group"] = groups.parse_group(group)
    if since is not None:
        updates["since"] = _none_or(since, lambda t: when.parse_date_or_month(t, today, "--since"))
    if until is not None:
        updates["until"] = _none_or(until, lambda t: when.parse_date(t, today, "--until"))
    if not updates:
        raise InvalidInput("edit", "", "Give a field to change, e.g. --since 2024-05.")
    store = open_from(ctx)
    with store.writing() as session:
        edited = conditions.edit_condition(session, condition_id, updates, clock.now())
        what = conditions.describe_condition(edited.condition)
    say_edited(what, edited.changes, CONDITION_LABELS, _condition_shown)


def conditions_delete(ctx: typer.Context, condition_ids: IdsArg) -> None:
    """Delete conditions (recoverable), e.g. one added by mistake; one that ended is `end`ed.

    Example: spasmlog conditions delete 2
    """
    delete_and_say(
        ctx,
        condition_ids,
        conditions.delete_conditions,
        conditions.describe_condition,
        "spasmlog conditions restore",
    )


def conditions_restore(ctx: typer.Context, condition_ids: IdsArg) -> None:
    """Bring back deleted conditions. Example: spasmlog conditions restore 2"""
    restore_and_say(
        ctx, condition_ids, conditions.restore_conditions, conditions.describe_condition
    )


LAB_LABELS = {"taken_on": "taken", "lab_range": "the lab's range"}


def _lab_shown(name: str, value: Any) -> str:
    if value is None:
        return "the reference range" if name == "lab_range" else ""
    if name == "lab_range":
        return f"{value[0]:g}-{value[1]:g}"
    if name == "value":
        return f"{value:g}"
    return str(value)


def labs_edit(
    ctx: typer.Context,
    lab_id: IdArg,
    test: Annotated[str | None, typer.Option(help="sodium, potassium, magnesium, ...")] = None,
    value: Annotated[str | None, typer.Option(help="The result, e.g. 3.4.")] = None,
    unit: Annotated[str | None, typer.Option(help="mmol/L, mg/dL or mEq/L.")] = None,
    on: Annotated[str | None, typer.Option("--on", help="Date taken.")] = None,
    range_: Annotated[
        str | None,
        typer.Option(
            "--range", help='The lab\'s own range, "3.5-5.1"; "none": the reference range.'
        ),
    ] = None,
) -> None:
    """Correct a lab result; it is judged again, and says what changed.

    Example: spasmlog labs edit 3 --value 3.4
    """
    updates: dict[str, Any] = {}
    if test is not None:
        updates["test"] = lab_tests.parse_test(test, "--test")
    if value is not None:
        updates["value"] = parsing.parse_number(value, "--value", low=0, high=labs.MAX_VALUE)
    if unit is not None:
        updates["unit"] = lab_tests.parse_unit(unit, "--unit")
    if on is not None:
        updates["taken_on"] = when.parse_date(on, clock.today(), "--on")
    if range_ is not None:
        updates["lab_range"] = _none_or(range_, lab_tests.parse_range)
    if not updates:
        raise InvalidInput("edit", "", "Give a field to change, e.g. --value 3.4.")
    store = open_from(ctx)
    with store.writing() as session:
        edited = labs.edit_lab(session, lab_id, updates, clock.now())
        what, result = f"lab {labs.describe_lab(edited.result)}", edited.result
        unit_now, judged = result.unit, edited.flag
    say_edited(what, edited.changes, LAB_LABELS, _lab_shown)
    if edited.changes:
        for line in judgement(judged, unit_now):
            typer.echo(line)


def labs_delete(ctx: typer.Context, lab_ids: IdsArg) -> None:
    """Delete lab results (recoverable). Example: spasmlog labs delete 3"""
    delete_and_say(ctx, lab_ids, labs.delete_labs, labs.describe_lab, "spasmlog labs restore")


def labs_restore(ctx: typer.Context, lab_ids: IdsArg) -> None:
    """Bring back deleted lab results. Example: spasmlog labs restore 3"""
    restore_and_say(ctx, lab_ids, labs.restore_labs, labs.describe_lab)
