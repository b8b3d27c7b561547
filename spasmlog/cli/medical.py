"""Medical context commands: meds add|stop|list, conditions add|list|end, labs add|list."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated

import typer

from spasmlog.cli import medical_fixes as fixes
from spasmlog.cli.common import medications_updated, open_from, printable, table
from spasmlog.cli.medical_fixes import ClassOpt, judgement
from spasmlog.core import clock, parsing, when
from spasmlog.diary import conditions, labs, medications
from spasmlog.diary.labs import LabResult
from spasmlog.diary.medications import Medication
from spasmlog.knowledge import conditions as groups
from spasmlog.knowledge import drugs
from spasmlog.knowledge import labs as lab_tests

app = typer.Typer()  # the commands of this module; spasmlog.cli.app loads them on demand

OnOpt = Annotated[str | None, typer.Option("--on", help='Date: "today" (default), YYYY-MM-DD.')]


def _quote_lines(pairs: Iterable[tuple[str, str | None]]) -> list[str]:
    """ "Label: "line"" once per article line (ACE inhibitors and ARBs share theirs)."""
    by_line: dict[str, list[str]] = {}
    for label, line in pairs:
        if line and label not in by_line.setdefault(line, []):
            by_line[line].append(label)
    return [f'  {" / ".join(labels)}: "{line}"' for line, labels in by_line.items()]


# --- medications -------------------------------------------------------------------------------

meds_app = typer.Typer(
    help="Medications over time, classed into the article's drug classes.", no_args_is_help=True
)
app.add_typer(meds_app, name="meds")


def _class_text(row: Medication) -> str:
    info = drugs.CLASS_INFO.get(row.drug_class)
    label = info.label if info else row.drug_class
    return label + (" (set by hand)" if row.class_by_hand else "")


@meds_app.command("add")
def meds_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help='Generic or brand name, e.g. "Lipitor 20mg".')],
    dose: Annotated[str | None, typer.Option(help='Dose as free text: "20 mg".')] = None,
    started: Annotated[str | None, typer.Option(help="First day taken (default today).")] = None,
    stopped: Annotated[
        str | None, typer.Option(help="Last day taken, to record a past period.")
    ] = None,
    class_: ClassOpt = None,
) -> None:
    """Add a medication you take; it is classed from its generic or brand name.

    Example: spasmlog meds add Lipitor --dose "20 mg" --started 2026-01-10
    """
    today = clock.today()
    entry = medications.MedicationInput(
        name=parsing.parse_med_name(name),
        dose=parsing.parse_dose(dose) if dose is not None else None,
        started_on=when.parse_date(started, today, "--started") if started else today,
        stopped_on=when.parse_date(stopped, today, "--stopped") if stopped else None,
        drug_class=drugs.parse_drug_class(class_) if class_ is not None else None,
    )
    store = open_from(ctx)
    with store.writing() as session:
        added = medications.add_medication(session, entry, clock.now())
        row = added.medication
        what = medications.describe(row)
    resolved = f"{row.generic}, " if row.generic and row.generic != row.name.lower() else ""
    atc = f" (ATC {row.atc})" if row.atc else ""
    period = (
        f"since {row.started_on}"
        if row.stopped_on is None
        else (f"{row.started_on} to {row.stopped_on}")
    )
    typer.echo(f"Added {what}: {resolved}{_class_text(row)}{atc}, {period}.")
    if row.generic is None and not row.class_by_hand:
        typer.echo(
            'Not in spasmlog\'s medication table: kept as "other". Use --class to class it by hand.'
        )
    info = drugs.CLASS_INFO[row.drug_class]
    if info.linked_to_spasms and info.article_line:
        typer.echo(f'The article: "{info.article_line}"')
    _say(medications_updated(added.episodes_updated, "in that period"))


@meds_app.command("stop")
def meds_stop(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="NAME|ID", help="Name, generic or ID.")],
    on: OnOpt = None,
) -> None:
    """Stop a current medication; the date given is the last day taken.

    The ID of a period stopped already moves its stop date (a date typed wrong).

    Example: spasmlog meds stop Lipitor --on yesterday
    """
    day = when.parse_date(on, clock.today(), "--on") if on else clock.today()
    store = open_from(ctx)
    with store.writing() as session:
        stopped = medications.stop_medication(session, name, day, clock.now())
        what, start = medications.describe(stopped.medication), stopped.medication.started_on
    if stopped.moved_from is not None:
        typer.echo(
            f"Moved the stop date of {what} from {stopped.moved_from} to {day}: taken from "
            f"{start} to {day}. (`spasmlog undo` reverts it.)"
        )
        _say(medications_updated(stopped.episodes_updated, "between the two dates"))
        return
    typer.echo(f"Stopped {what}: taken from {start} to {day}. (`spasmlog undo` reverts it.)")
    _say(medications_updated(stopped.episodes_updated, f"after {day}"))


def _say(line: str | None) -> None:
    if line:
        typer.echo(line)


def _med_row(row: Medication) -> list[str]:
    linked = drugs.CLASS_INFO.get(row.drug_class)
    mark = " *" if linked and linked.linked_to_spasms else ""
    return [
        str(row.id), printable(row.name, 30), printable(row.dose, 20), row.generic or "",
        row.drug_class + mark, row.atc or "", row.started_on.isoformat(),
        row.stopped_on.isoformat() if row.stopped_on else "",
    ]  # fmt: skip


@meds_app.command("list")
def meds_list(
    ctx: typer.Context,
    all_: Annotated[bool, typer.Option("--all", help="Include stopped periods.")] = False,
) -> None:
    """List current medications (--all: every period); * marks those the article links to spasms.

    Example: spasmlog meds list --all
    """
    store = open_from(ctx, reading=True)
    with store.reading() as session:
        rows = medications.list_medications(session, include_stopped=all_)
        cells = [_med_row(row) for row in rows]
        classes = [drugs.CLASS_INFO.get(row.drug_class) for row in rows]
    if not rows and all_:
        typer.echo(
            'No medications recorded. Add one: spasmlog meds add atorvastatin --dose "20 mg"'
        )
        return
    if not rows:
        typer.echo("No current medications. (`spasmlog meds list --all` shows stopped ones.)")
        return
    headers = ["ID", "Name", "Dose", "Generic", "Class", "ATC", "Started", "Stopped"]
    typer.echo(table(headers, cells))
    quotes = _quote_lines(
        (info.label, info.article_line) for info in classes if info and info.linked_to_spasms
    )
    if quotes:
        typer.echo("* The article links these to muscle spasms:")
        typer.echo("\n".join(quotes))


# --- conditions --------------------------------------------------------------------------------

conditions_app = typer.Typer(
    help="Known conditions, filed under the article's groups.", no_args_is_help=True
)
app.add_typer(conditions_app, name="conditions")


@conditions_app.command("add")
def conditions_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help='e.g. "hypothyroidism", "type 2 diabetes".')],
    since: Annotated[
        str | None,
        typer.Option(help='When it was diagnosed or began: a date, or a month ("2026-10").'),
    ] = None,
    group: Annotated[
        str | None, typer.Option(help=f"File it by hand: {', '.join(groups.GROUPS_BY_ID)}.")
    ] = None,
) -> None:
    """Add a condition; it is filed under the article's groups (any other name is "other").

    Example: spasmlog conditions add "peripheral neuropathy" --since 2024-05-01
    """
    entry = conditions.ConditionInput(
        name=parsing.parse_condition_name(name),
        since=when.parse_date_or_month(since, clock.today(), "--since") if since else None,
        group=groups.parse_group(group) if group is not None else None,
    )
    store = open_from(ctx)
    with store.writing() as session:
        row = conditions.add_condition(session, entry, clock.now())
        what, group_id = conditions.describe_condition(row), row.group
    since_text = f", since {entry.since}" if entry.since else ""
    typer.echo(f"Added {what}: {groups.label(group_id)}{since_text}.")
    line = groups.GROUPS_BY_ID[group_id].article_line
    if line:
        typer.echo(f'The article: "{line}"')
    elif entry.group is None:
        typer.echo('Not one of the article\'s groups: filed as "other" (--group files it by hand).')


@conditions_app.command("end")
def conditions_end(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(metavar="ID|NAME", help="The condition's ID or name.")],
    on: OnOpt = None,
) -> None:
    """Record that a condition ended (resolved or ruled out). Example: spasmlog conditions end 2"""
    day = when.parse_date(on, clock.today(), "--on") if on else clock.today()
    store = open_from(ctx)
    with store.writing() as session:
        what = conditions.describe_condition(
            conditions.end_condition(session, ref, day, clock.now())
        )
    typer.echo(f"Ended {what} on {day}. (`spasmlog undo` reverts it.)")


@conditions_app.command("list")
def conditions_list(ctx: typer.Context) -> None:
    """List conditions, current ones first, with the article's line for each group.

    Example: spasmlog conditions list
    """
    store = open_from(ctx, reading=True)
    with store.reading() as session:
        rows = [
            [str(row.id), printable(row.name, 40), groups.label(row.group),
             row.since.isoformat() if row.since else "", row.until.isoformat() if row.until else ""]
            for row in conditions.list_conditions(session)
        ]  # fmt: skip
        filed = [row.group for row in conditions.list_conditions(session)]
    if not rows:
        typer.echo('No conditions recorded. Add one: spasmlog conditions add "hypothyroidism"')
        return
    typer.echo(table(["ID", "Name", "Group", "Since", "Until"], rows))
    quotes = _quote_lines(
        (groups.label(group), groups.GROUPS_BY_ID[group].article_line) for group in filed
    )
    if quotes:
        typer.echo("The article on these groups:")
        typer.echo("\n".join(quotes))


# --- labs --------------------------------------------------------------------------------------

labs_app = typer.Typer(
    help="Electrolyte lab results, flagged against a range.", no_args_is_help=True
)
app.add_typer(labs_app, name="labs")


def _num(value: float) -> str:
    """3 significant digits (4 from 100 up), so that 0.655 and the limit 0.66 stay apart."""
    return f"{value:.4g}" if abs(value) >= 100 else f"{value:.3g}"


@labs_app.command("add")
def labs_add(
    ctx: typer.Context,
    test: Annotated[
        str,
        typer.Argument(
            help="sodium, potassium, magnesium, calcium_total, calcium_ionized (or Na, K, Mg, Ca, iCa)."
        ),
    ],
    value: Annotated[str, typer.Argument(help="The result, e.g. 3.4.")],
    unit: Annotated[str, typer.Argument(help="mmol/L, mg/dL or mEq/L.")],
    on: Annotated[str | None, typer.Option("--on", help="Date taken (default today).")] = None,
    range_: Annotated[
        str | None,
        typer.Option("--range", help='The lab\'s own range, in the same unit: "3.5-5.1".'),
    ] = None,
) -> None:
    """Add an electrolyte result; it is flagged low/normal/high (the lab's own range wins).

    Example: spasmlog labs add potassium 3.2 mmol/L --on 2026-03-02 --range 3.5-5.1
    """  # noqa: E501
    entry = labs.LabInput(
        test=lab_tests.parse_test(test),
        value=parsing.parse_number(value, "VALUE", low=0, high=labs.MAX_VALUE),
        unit=lab_tests.parse_unit(unit),
        taken_on=when.parse_date(on, clock.today(), "--on") if on else clock.today(),
        lab_range=lab_tests.parse_range(range_) if range_ is not None else None,
    )
    store = open_from(ctx)
    with store.writing() as session:
        added = labs.add_lab(session, entry, clock.now())
        row_id, judged = added.result.id, added.flag
    lab = lab_tests.lab_test(entry.test)
    mmol = (
        ""
        if entry.unit == lab_tests.UCUM_UNIT
        else (f" ({_num(added.result.value_mmol_l)} {lab_tests.UCUM_UNIT})")
    )
    typer.echo(
        f"Added lab #{row_id}: {lab.label} {entry.value:g} {entry.unit}{mmol}, "
        f"taken {entry.taken_on}."
    )
    for line in judgement(judged, entry.unit):
        typer.echo(line)


def _lab_row(row: LabResult) -> list[str]:
    condition = lab_tests.lab_test(row.test)
    named = {"low": condition.low_condition, "high": condition.high_condition}.get(row.flag)
    source = "lab" if row.range_source == "lab" else "ref"
    return [
        str(row.id), row.taken_on.isoformat(), condition.label, f"{row.value:g} {row.unit}",
        _num(row.value_mmol_l),
        f"{_num(row.range_low_mmol_l)}-{_num(row.range_high_mmol_l)} ({source})",
        row.flag + (f": {named}" if named else ""),
    ]  # fmt: skip


@labs_app.command("list")
def labs_list(
    ctx: typer.Context,
    test: Annotated[str | None, typer.Option(help="Only this test, e.g. potassium.")] = None,
) -> None:
    """List lab results, newest first, as entered and in mmol/L, with their flags.

    Example: spasmlog labs list --test magnesium
    """
    wanted = lab_tests.parse_test(test, "--test") if test is not None else None
    store = open_from(ctx, reading=True)
    with store.reading() as session:
        results = labs.list_labs(session, wanted)
        rows = [_lab_row(row) for row in results]
        any_reference = any(row.range_source == "reference" for row in results)
    if not rows and wanted:
        typer.echo(f"No {wanted} results; `spasmlog labs list` shows every test.")
        return
    if not rows:
        typer.echo("No lab results recorded. Add one: spasmlog labs add potassium 4.1 mmol/L")
        return
    headers = ["ID", "Taken", "Test", "Result", "mmol/L", "Range mmol/L", "Flag"]
    typer.echo(table(headers, rows))
    if any_reference:
        typer.echo(
            f"ref: adult reference range, from {lab_tests.REFERENCE_SOURCE}. lab: the lab's own range."
        )


# --- corrections (spasmlog.cli.medical_fixes) ---------------------------------------------------

meds_app.command("edit")(fixes.meds_edit)
meds_app.command("delete")(fixes.meds_delete)
meds_app.command("restore")(fixes.meds_restore)
conditions_app.command("edit")(fixes.conditions_edit)
conditions_app.command("delete")(fixes.conditions_delete)
conditions_app.command("restore")(fixes.conditions_restore)
labs_app.command("edit")(fixes.labs_edit)
labs_app.command("delete")(fixes.labs_delete)
labs_app.command("restore")(fixes.labs_restore)
