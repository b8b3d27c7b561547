"""`spasmlog trial ...`: randomised single-person trials of a remedy, ON and OFF pair by pair.

`start`, `today`, `status`, `stop` and `list` stay light (no pandas, numpy or scipy); `start`
imports the statistics only to estimate its design's power, `report` to compute the result.
"""

from __future__ import annotations

import json
import textwrap
from typing import TYPE_CHECKING, Annotated, Any

import typer

from spasmlog.cli.common import open_from, printable, table
from spasmlog.core import clock, parsing
from spasmlog.diary import trials
from spasmlog.knowledge.trials import OFF, Adherence, TrialData, adherence, harm

if TYPE_CHECKING:
    pass

app = typer.Typer()  # the commands of this module; spasmlog.cli.app loads them on demand
trial_app = typer.Typer(
    help="Randomised trials of a remedy on yourself, ON and OFF by pairs: does it help you?",
    no_args_is_help=True,
)
app.add_typer(trial_app, name="trial")

FORMATS = ("table", "json")
STATUS_SCHEMA = "spasmlog.trial-status/1"
WIDTH = 100
FormatOpt = Annotated[str, typer.Option("--format", help="table or json.")]


def _echo(text: str) -> None:
    """Text that carries what the person typed (the remedy, a reason), made terminal-safe, its
    paragraphs wrapped at 100 columns as the reports are (indented lines are left as they are)."""
    lines = []
    for line in text.splitlines():
        safe = printable(line)
        if safe.startswith(" ") or len(safe) <= WIDTH:
            lines.append(safe)
        else:
            lines += textwrap.wrap(safe, WIDTH, break_on_hyphens=False)
    typer.echo("\n".join(lines))


def _weeks(days: int) -> str:
    return f"{days / 7:g} weeks"


@trial_app.command("start")
def start(
    ctx: typer.Context,
    remedy: Annotated[str, typer.Argument(help="What you try, as you would say it tonight.")],
    pairs: Annotated[
        str, typer.Option(help="Pairs of periods, one ON and one OFF each, 3-10.")
    ] = "6",
    period_days: Annotated[str, typer.Option(help="Nights in each period, 7-28.")] = "14",
    ignore_days: Annotated[
        str, typer.Option(help="Nights left out at the start of each period (carry-over).")
    ] = "3",
    skip_run_in: Annotated[
        bool, typer.Option("--skip-run-in", help="Start although the last 14 nights are thin.")
    ] = False,
) -> None:
    """Start a trial: the protocol and a secret random ON/OFF order are fixed before any result.

    Needs a run-in: over the last 14 nights, check-ins on 80% of them and 2 or more cramps a week.
    Says how likely the design is to detect a halving of your cramps, and what would do better.

    Example: spasmlog trial start "magnesium 300 mg at bedtime" --pairs 6 --period-days 14
    """
    period = trials.parse_period_days(period_days)
    plan = trials.TrialPlan(
        remedy=trials.parse_remedy(remedy),
        pairs=trials.parse_pairs(pairs),
        period_days=period,
        ignore_days=trials.parse_ignore_days(ignore_days, period),
        skip_run_in=skip_run_in,
    )
    with open_from(ctx).writing() as session:
        started = trials.start_trial(session, plan, clock.now())
    from spasmlog.reports import trial as report

    data, seen = started.trial, started.run_in
    protocol = data.protocol
    lines = [
        f"Started trial #{data.id} of {protocol.remedy}: {protocol.pairs} pairs of "
        f"{protocol.period_days}-night periods, {protocol.started_on} to {protocol.ends_on} "
        f"({_weeks(2 * protocol.pairs * protocol.period_days)}). (`spasmlog undo` reverts it.)",
        f"Run-in, {seen.first} to {seen.last}: check-ins on {seen.checked_in} of {seen.nights} "
        f"nights, {seen.cramps} cramps on them ({seen.per_week:.1f} a week).",
        "Each pair has an ON and an OFF period, in an order drawn at random and kept secret: "
        "`spasmlog trial today` says each evening which it is, from the first night of a period. "
        f"The first {protocol.ignore_days} nights of each period are left out (a remedy needs "
        "time to act and to wear off), and so are nights without a check-in.",
        f"Decision rule, fixed now: {report.rule_text(protocol.rule)}.",
        "Protocol fingerprint (SHA-256 of the protocol and the secret seed; the report shows "
        f"both, so you can check that neither changed): {data.stored_hash}",
    ]
    if protocol.open_label:
        lines.append(report.caveat(data))
    shown = [line for text in lines for line in report.paragraph(text)]
    shown += report.power_lines(protocol, seen.per_week, seen.cramps, seen.checked_in)
    _echo("\n".join([*shown, "Tonight: spasmlog trial today"]))


@trial_app.command("today")
def today(ctx: typer.Context) -> None:
    """Tonight's instruction: ON or OFF, revealed only when a period begins.

    Example: spasmlog trial today
    """
    with open_from(ctx, reading=True).reading() as session:
        found = trials.tonight(session, clock.now())
    data, period, protocol = found.trial, found.period, found.trial.protocol
    danger = harm(data)
    if danger.stop and data.status == "running":
        _echo(_harm_stop(data.protocol.remedy, danger.on_signs, danger.off_signs))
        return
    if data.status != "running":
        ended = (
            f"was stopped on {data.stopped_on} ({data.stop_reason})"
            if data.status == "stopped"
            else f"ended with the night of {protocol.ends_on}"
        )
        _echo(
            f"No trial tonight: trial #{data.id} of {protocol.remedy} {ended}. "
            "Its result: spasmlog trial report"
        )
        return
    if period is None:
        _echo(
            f"The last night of trial #{data.id} ({protocol.ends_on}) ends at noon today; then "
            "its result: spasmlog trial report"
        )
        return
    when = f"{found.night:%a} {found.night.day} {found.night:%b}"
    if period.arm == OFF:
        lines = [f"OFF tonight ({when}): no {protocol.remedy}."]
        if protocol.open_label:
            lines.append("Do your control routine of the same length instead.")
    else:
        lines = [f"ON tonight ({when}): {protocol.remedy}."]
    night = (found.night - period.start).days + 1
    lines.append(
        f"Pair {period.pair} of {protocol.pairs}, period {period.half} of 2, night {night} of "
        f"{protocol.period_days} (this period ends {period.end})."
    )
    lines.append("Then check in: spasmlog checkin --trial yes (you took it) or --trial no.")
    _echo("\n".join(lines))


def _harm_stop(remedy: str, on_signs: int, off_signs: int) -> str:
    return (
        f"Stop: cramps with a see-a-doctor sign came more often on ON nights ({on_signs}) than "
        f"on OFF nights ({off_signs}). Stop {remedy} and talk to your doctor; then record it: "
        'spasmlog trial stop --reason "..."'
    )


def _adherence_line(counts: Adherence) -> str:
    return (
        f"ON nights: took it on {counts.on_taken}, not on {counts.on_skipped}, "
        f"{counts.on_unanswered} not answered; OFF nights: took it on {counts.off_taken}, not on "
        f"{counts.off_skipped}, {counts.off_unanswered} not answered."
    )


def _status_json(data: TrialData) -> dict[str, Any]:
    begun = data.begun()
    shown = begun if data.status == "running" else data.periods
    nights = list(data.nights.values())
    danger = harm(data)
    return {
        "schema": STATUS_SCHEMA,
        **data.head_json(),
        "pairs_complete": len(data.complete_pairs()),
        "protocol_hash": data.stored_hash,
        "schedule": [period.to_json() for period in shown],
        "nights_so_far": len(nights),
        "nights_logged": sum(night.checked_in for night in nights),
        "adherence": adherence(data, begun).to_json(),
        "harm": {"on_signs": danger.on_signs, "off_signs": danger.off_signs, "stop": danger.stop},
    }


@trial_app.command("status")
def status(ctx: typer.Context, format: FormatOpt = "table") -> None:
    """The schedule so far, nights logged, adherence and complete pairs; no result until the end.

    Example: spasmlog trial status --format json
    """
    chosen = parsing.parse_choice(format, "--format", FORMATS)
    with open_from(ctx, reading=True).reading() as session:
        data = trials.status(session, clock.now())
    if chosen == "json":
        typer.echo(json.dumps(_status_json(data), indent=2, ensure_ascii=False))
        return
    protocol = data.protocol
    running = data.status == "running"
    state = {
        "running": "running",
        "finished": "finished",
        "stopped": f"stopped on {data.stopped_on} ({data.stop_reason})",
    }[data.status]
    nights = list(data.nights.values())
    logged = sum(night.checked_in for night in nights)
    lines = [
        f"Trial #{data.id}: {protocol.remedy}, {state}; nights {protocol.started_on} to "
        f"{protocol.ends_on}, {protocol.pairs} pairs of {protocol.period_days}.",
        f"Protocol fingerprint: {data.stored_hash}",
        "Schedule so far:" if running else "Schedule:",
    ]
    for period in data.begun() if running else data.periods:
        now = running and period.start <= clock.today() <= period.end
        lines.append(
            f"  pair {period.pair}, period {period.half}: {period.arm:<3} {period.start} to "
            f"{period.end}" + ("  (now)" if now else "")
        )
    share = f" ({logged / len(nights):.0%})" if nights else ""
    lines.append(
        f"Nights over: {len(nights)}, with a check-in: {logged}{share}. Complete pairs: "
        f"{len(data.complete_pairs())} of {protocol.pairs}."
    )
    lines.append("Adherence: " + _adherence_line(adherence(data, data.begun())))
    danger = harm(data)
    if danger.stop and running:
        lines.append(_harm_stop(protocol.remedy, danger.on_signs, danger.off_signs))
    if running:
        lines.append(
            "No effect estimate while the trial runs: looking early invites stopping early. "
            "Its result: `spasmlog trial report` once it ends."
        )
    else:
        lines.append("Its result: spasmlog trial report")
    _echo("\n".join(lines))


@trial_app.command("stop")
def stop(
    ctx: typer.Context,
    reason: Annotated[str, typer.Option(help='Why, in a few words: "diarrhoea", "travelling".')],
) -> None:
    """Stop the running trial; complete pairs are still analysed.

    Example: spasmlog trial stop --reason "diarrhoea"
    """
    why = trials.parse_reason(reason)
    with open_from(ctx).writing() as session:
        data = trials.stop_trial(session, why, clock.now())
    done = len(data.complete_pairs())
    _echo(
        f"Stopped trial #{data.id} of {data.protocol.remedy} from the night of {data.stopped_on}: "
        f"{why}. {done} of {data.protocol.pairs} pairs are complete; what they show: "
        "spasmlog trial report. (`spasmlog undo` reverts it.)"
    )


@trial_app.command("list")
def list_(ctx: typer.Context) -> None:
    """Every trial, newest first, with its state.

    Example: spasmlog trial list
    """
    with open_from(ctx, reading=True).reading() as session:
        found = trials.list_trials(session, clock.now())
    if not found:
        typer.echo('No trials yet. Start one: spasmlog trial start "magnesium 300 mg at bedtime"')
        return
    rows = [
        [
            str(data.id),
            printable(data.protocol.remedy, 40),
            data.protocol.started_on.isoformat(),
            data.protocol.ends_on.isoformat(),
            f"{len(data.complete_pairs())} of {data.protocol.pairs}",
            data.status
            if data.stopped_on is None
            else f"stopped {data.stopped_on}: {printable(data.stop_reason, 40)}",
        ]
        for data in found
    ]
    typer.echo(table(["ID", "Remedy", "First night", "Last night", "Pairs", "State"], rows))


@trial_app.command("report")
def report_(
    ctx: typer.Context,
    trial_id: Annotated[
        int | None, typer.Argument(help="The trial (default: the latest).", show_default=False)
    ] = None,
    format: FormatOpt = "table",
) -> None:
    """The result of a finished or stopped trial: effect, interval, verdict by the fixed rule.

    Example: spasmlog trial report --format json
    """
    chosen = parsing.parse_choice(format, "--format", FORMATS)
    with open_from(ctx, reading=True).reading() as session:
        data = trials.finished(session, clock.now(), trial_id)
    from spasmlog.reports import trial as report

    result = report.analyse(data)
    if chosen == "json":
        typer.echo(json.dumps(report.to_json(result), indent=2, ensure_ascii=False))
    else:
        _echo(report.render_text(result))
