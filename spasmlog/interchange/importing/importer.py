"""`spasmlog import`: bring a CSV of one kind, or a whole-diary JSON file, in safely.

Two steps, so that a bad file never touches the diary: `check_file` (spasmlog.interchange.importing.read) reads
and checks every row without the diary, and `apply` then, holding the write lock, sorts the rows
into new ones and ones already stored, refuses clashes with stored rows, backs the diary up and
writes everything in one transaction recorded as one change: `spasmlog undo` reverts a whole
import. A file whose rows are all in the diary already writes nothing, not even a backup.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from spasmlog.db import history
from spasmlog.db.backup import automatic_backup
from spasmlog.db.store import Store
from spasmlog.diary import medications, trials
from spasmlog.interchange.importing.plan import Plan, plan
from spasmlog.interchange.importing.read import (
    CheckedFile,
    ImportRejected,
    Problems,
    Progress,
    check_file,
)
from spasmlog.interchange.importing.write import Writer, write_episodes, write_plain

__all__ = ["ImportRejected", "ImportResult", "KindResult", "apply", "check_file"]
SHOW_WHERE = 5  # rows located in the report; the rest are counted


@dataclass(frozen=True)
class KindResult:
    kind: str
    rows: int  # good rows read
    added: int
    updated: int
    unchanged: int  # already in the diary: skipped (or identical, with --update)
    repeats: int  # the same row again later in the file: skipped
    where_stored: tuple[str, ...]  # where the first few rows already in the diary are
    deleted_left_out: int  # JSON records of deleted rows, which are not imported
    alike: int = 0  # added rows with the identity of a stored one, which --update overwrites
    where_alike: tuple[str, ...] = ()
    identity_words: str = ""  # what `alike` rows share with stored ones


@dataclass(frozen=True)
class ImportResult:
    source: str
    kinds: tuple[KindResult, ...]
    dry_run: bool
    update: bool
    backup: Path | None
    warnings: tuple[str, ...]
    episodes_refreshed: int = 0  # live stored episodes whose medications follow imported periods

    @property
    def written(self) -> int:
        return sum(kind.added + kind.updated for kind in self.kinds)


def _result(the_plan: Plan) -> KindResult:
    checked = the_plan.checked
    return KindResult(
        kind=checked.kind.name,
        rows=len(checked.rows),
        added=len(the_plan.new),
        updated=len(the_plan.changed),
        unchanged=len(the_plan.stored),
        repeats=len(the_plan.repeats),
        where_stored=tuple(checked.where(p) for p, _ in the_plan.stored[:SHOW_WHERE]),
        deleted_left_out=checked.deleted_left_out,
        alike=len(the_plan.alike),
        where_alike=tuple(checked.where(p) for p in the_plan.alike[:SHOW_WHERE]),
        identity_words=checked.kind.identity_words,
    )


def _trials_result(checked: CheckedFile, copies: trials.CopiesPlan) -> KindResult:
    """Trials (whole-diary JSON only) counted as the kinds are: the same fingerprint is already
    stored."""
    return KindResult(
        kind="trials",
        rows=len(checked.trials),
        added=len(copies.new),
        updated=0,
        unchanged=copies.stored,
        repeats=0,
        where_stored=(),
        deleted_left_out=0,
        identity_words="protocol fingerprint",
    )


def _summary(source: str, results: list[KindResult]) -> str:
    parts = []
    for kind in results:
        counts = [f"{kind.added} added"] if kind.added else []
        counts += [f"{kind.updated} updated"] if kind.updated else []
        if counts:
            parts.append(f"{kind.kind} {' and '.join(counts)}")
    return f"imported {Path(source).name}: {', '.join(parts)}"


def apply(
    store: Store,
    checked: CheckedFile,
    now: dt.datetime,
    dry_run: bool = False,
    update: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Write a checked file into the diary (or, with `dry_run`, only say what it would do)."""
    problems = Problems(checked.source)
    backup = None
    refreshed = 0
    with store.reading() if dry_run else store.writing() as session:
        plans = [plan(session, kind, update, problems) for kind in checked.kinds]
        problems.raise_if_any()
        results = [_result(the_plan) for the_plan in plans]
        copies = trials.plan_copies(session, checked.trials)
        if checked.trials:
            results.append(_trials_result(checked, copies))
        if not dry_run and any(r.added or r.updated for r in results):
            backup = automatic_backup(store.path, "before-import")
            change = history.start_change(session, "import", _summary(checked.source, results), now)
            writer = Writer(session, change, now, progress)
            for the_plan in plans:
                if the_plan.checked.kind.name == "episodes":
                    write_episodes(writer, the_plan)
                elif the_plan.checked.kind.name == "meds":
                    refreshed += _write_medications(writer, the_plan)
                else:
                    write_plain(writer, the_plan)
            trials.add_copies(session, change, copies.new, now)
    return ImportResult(
        checked.source,
        tuple(results),
        dry_run,
        update,
        backup,
        tuple(checked.warnings),
        refreshed,
    )


def _write_medications(writer: Writer, the_plan: Plan) -> int:
    """Medication periods, and then the medications of the episodes already in the diary from
    the earliest start on (as `meds add` does); returns how many episodes changed."""
    rows, start_at = the_plan.checked.rows, the_plan.checked.kind.index("started_on")
    touched = [*the_plan.new, *(p for p, _ in the_plan.changed)]
    if not touched:
        write_plain(writer, the_plan)
        return 0
    first = min(rows[p][start_at] for p in touched)
    with medications.following_the_medication_list(
        writer.session, writer.change, first, None, writer.now
    ) as refreshed:
        write_plain(writer, the_plan)
    return refreshed.episodes
