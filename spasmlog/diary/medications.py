"""The medication list: periods of taking each drug, classed into the article's drug classes,
and the episodes' medications that follow it.

Each period is one row: `add` opens it, `stop` closes it (the stop date is the last day taken, so
it still counts for an episode on that day). Restarting a drug later opens a second period and
keeps the first. Two periods of the same drug (same generic, or same name when the drug is not in
the table) may meet on one day, as when a dose changes, but may not overlap otherwise. A name the
table does not know is kept as class "other"; a near miss of a known name is refused with a
did-you-mean unless a class is given by hand, so that a typo does not hide a statin.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import cast

from spasmlog.core import parsing
from spasmlog.core.errors import Conflict, InvalidInput, NotFound
from spasmlog.db import Session, history, queries
from spasmlog.db.models import Episode, Medication
from spasmlog.diary import edits
from spasmlog.diary.edits import FieldChange
from spasmlog.knowledge import drugs
from spasmlog.knowledge.drugs import DrugMatch


@dataclass(frozen=True)
class MedicationInput:
    name: str
    started_on: dt.date
    dose: str | None = None
    stopped_on: dt.date | None = None
    drug_class: str | None = None  # given by hand; None: classify from the name


@dataclass(frozen=True)
class MedAdded:
    medication: Medication
    match: DrugMatch  # what the name resolved to (before any class given by hand)
    episodes_updated: int  # live episodes of the period whose medication lists now show it


@dataclass(frozen=True)
class MedStopped:
    medication: Medication
    episodes_updated: int  # live episodes after the stop that no longer list it
    moved_from: dt.date | None = None  # a stopped period's stop date before it was corrected


def describe(row: Medication) -> str:
    """ "#3 Lipitor 20 mg": how messages name a medication period."""
    return f"#{row.id} {row.name}" + (f" {row.dose}" if row.dose else "")


def _period(row: Medication) -> str:
    end = "now" if row.stopped_on is None else row.stopped_on.isoformat()
    return f"{row.started_on.isoformat()} to {end}"


def overlap(row: Medication, start: dt.date, stop: dt.date | None) -> bool:
    """Do the periods share a day other than one's last being the other's first?"""
    far = dt.date.max
    first, last = max(start, row.started_on), min(stop or far, row.stopped_on or far)
    return first <= last and row.stopped_on != start and stop != row.started_on


def add_medication(session: Session, entry: MedicationInput, now: dt.datetime) -> MedAdded:
    match = drugs.classify(entry.name)
    if match.generic is None and entry.drug_class is None:
        hint = drugs.suggest(entry.name)
        if hint is not None:
            raise InvalidInput(
                "NAME",
                entry.name,
                "",
                message=f"Unknown medication {entry.name!r}. Did you mean {hint!r}? "
                "Use --class other to keep it as typed.",
            )
    if entry.stopped_on is not None and entry.stopped_on < entry.started_on:
        raise InvalidInput(
            "--stopped",
            entry.stopped_on.isoformat(),
            f"It must be on or after the start, {entry.started_on}.",
        )
    shown = match.generic or entry.name
    for row in queries.medication_periods(session, match.generic, entry.name):
        if not overlap(row, entry.started_on, entry.stopped_on):
            continue
        if row.stopped_on is None:
            raise Conflict(
                f"{shown} is already on your list ({describe(row)}, since {row.started_on}). "
                f"To change the dose, stop it (`spasmlog meds stop {row.id}`) and add it again."
            )
        raise Conflict(
            f"{shown} was already taken from {_period(row)} ({describe(row)}); periods of one "
            "medication may meet on a day but not overlap. Change --started or --stopped."
        )
    drug_class = entry.drug_class or match.drug_class
    row = Medication(
        name=entry.name,
        generic=match.generic,
        drug_class=drug_class,
        atc=match.atc if match.drug_class == drug_class else None,
        class_by_hand=entry.drug_class is not None,
        dose=entry.dose,
        started_on=entry.started_on,
        stopped_on=entry.stopped_on,
        created_at=now,
        updated_at=now,
    )
    change = history.start_change(session, "meds add", "added a medication", now)
    with following_the_medication_list(
        session, change, entry.started_on, entry.stopped_on, now
    ) as refreshed:
        session.add(row)
        session.flush()
        history.remember_created(session, change, row)
    change.summary = f"added medication {describe(row)}"
    return MedAdded(row, match, refreshed.episodes)


def _norm(text: str | None) -> str:
    return " ".join((text or "").lower().split())


def find_current(session: Session, ref: str) -> Medication:
    """The current period named by ID, name or generic ("Lipitor" finds atorvastatin)."""
    ref = parsing.parse_med_name(ref)
    current = list(queries.list_medications(session))
    if ref.strip().isdigit():
        hits = [row for row in current if row.id == int(ref)]
    else:
        generic = drugs.classify(ref).generic
        hits = [
            row
            for row in current
            if _norm(ref) in (_norm(row.name), _norm(row.generic))
            or (generic is not None and row.generic == generic)
        ]
    if len(hits) == 1:
        return hits[0]
    if hits:
        listed = ", ".join(describe(row) for row in hits)
        raise InvalidInput("NAME", ref, f"It matches {listed}; give the ID instead.")
    stopped = _stopped_matches(session, ref)
    if stopped:
        last = stopped[-1]
        raise NotFound(
            f"No current medication matches {ref!r}: {describe(last)} was stopped on "
            f"{last.stopped_on}. To correct that date: `spasmlog meds stop {last.id} --on DATE` "
            f"(or `spasmlog meds edit {last.id} --stopped DATE`)."
        )
    raise NotFound(
        f"No current medication matches {ref!r}. {_hint(ref, current)}See `spasmlog meds list` "
        "(stopped ones are not current)."
    )


def _stopped_matches(session: Session, ref: str) -> list[Medication]:
    """Stopped periods named by ID, name or generic, oldest first."""
    stopped = [row for row in queries.list_medications(session, True) if row.stopped_on]
    if ref.strip().isdigit():
        return [row for row in stopped if row.id == int(ref)]
    generic = drugs.classify(ref).generic
    return [
        row
        for row in stopped
        if _norm(ref) in (_norm(row.name), _norm(row.generic))
        or (generic is not None and row.generic == generic)
    ]


def _hint(ref: str, current: list[Medication]) -> str:
    """A did-you-mean among the current medications, by their names or by the drug table."""
    names = {_norm(row.name): row.name for row in current}
    names.update({row.generic: row.generic for row in current if row.generic})
    close = difflib.get_close_matches(_norm(ref), list(names), n=1, cutoff=0.75)
    if close:
        return f"Did you mean {names[close[0]]!r}? "
    known = drugs.suggest(ref)
    generic = drugs.classify(known).generic if known else None
    if known and any(row.generic == generic for row in current):
        return f"Did you mean {known!r}? "
    return ""


def stop_medication(session: Session, ref: str, on: dt.date, now: dt.datetime) -> MedStopped:
    """Close the current period of a medication on `on`, its last day. Given the ID of a
    period stopped already, move its stop date to `on` (a date typed wrong)."""
    if ref.strip().isdigit():
        stopped = _stopped_matches(session, parsing.parse_med_name(ref))
        if stopped:
            was = stopped[0].stopped_on
            if on < stopped[0].started_on:
                raise InvalidInput(
                    "--on",
                    on.isoformat(),
                    f"{describe(stopped[0])} was started on {stopped[0].started_on}; it cannot "
                    "stop before that.",
                )
            moved = edit_medication(session, stopped[0].id, {"stopped_on": on}, now)
            return MedStopped(moved.medication, moved.episodes_updated, was)
    row = find_current(session, ref)
    if on < row.started_on:
        raise InvalidInput(
            "--on",
            on.isoformat(),
            f"{describe(row)} was started on {row.started_on}; it cannot stop before that.",
        )
    change = history.start_change(session, "meds stop", f"stopped medication {describe(row)}", now)
    day_after = on + dt.timedelta(days=1)
    with following_the_medication_list(session, change, day_after, None, now) as refreshed:
        history.remember_before(session, change, row)
        row.stopped_on = on
        row.updated_at = now
    return MedStopped(row, refreshed.episodes)


def list_medications(session: Session, include_stopped: bool = False) -> list[Medication]:
    return list(queries.list_medications(session, include_stopped))


def _label(med: Medication) -> str:
    """How a medication period shows on an episode: "Lipitor 20 mg"."""
    return f"{med.name} {med.dose}".strip() if med.dose else med.name


def medication_lists(session: Session) -> Callable[[dt.date], list[str]]:
    """The medication list's names for any local day (periods covering it, in the order they
    started), from one read of the periods, each day worked out once."""
    periods = [(m.started_on, m.stopped_on, _label(m)) for m in queries.live_medications(session)]
    by_day: dict[dt.date, list[str]] = {}

    def listed(day: dt.date) -> list[str]:
        if day not in by_day:
            by_day[day] = [
                name
                for start, stop, name in periods
                if start <= day and (stop is None or day <= stop)
            ]
        return by_day[day]

    return listed


def _listed_then_extras(listed: Sequence[str], extras: Sequence[str]) -> list[str]:
    return [*listed, *(name for name in extras if name not in listed)]


def medication_snapshot(session: Session, day: dt.date, extras: Sequence[str]) -> list[str]:
    """An episode's medications: those on the list for its local `day`, then one-off extras."""
    return _listed_then_extras(medication_lists(session)(day), extras)


def extras_beyond(medications: Sequence[str], listed: Sequence[str]) -> list[str]:
    """What an episode lists beyond the medication list's `listed` for its day: its `--med`s."""
    return [name for name in medications if name not in listed]


@dataclass
class Refreshed:
    episodes: int = 0  # live episodes whose medications changed (deleted ones change unsaid)


@contextlib.contextmanager
def following_the_medication_list(
    session: Session, change: history.Change, first: dt.date, last: dt.date | None, now: dt.datetime
) -> Iterator[Refreshed]:
    """Around a change to the medication list over the local days [first, last] (None: no end):
    the episodes of those days (deleted ones too, so that `restore` brings back a true one) then
    list what the list says for their day, each keeping its one-off extras, in the same change
    (so `undo` reverts both). Episodes are read and written a batch at a time, as plain values:
    back-filling a medication over years of a big diary stays within memory."""
    before = medication_lists(session)
    refreshed = Refreshed()
    yield refreshed
    session.flush()
    after = medication_lists(session)
    for batch in queries.episode_medications_between(session, first, last):
        changed = []
        for row in batch:
            day = row.local_date
            fresh = _listed_then_extras(after(day), extras_beyond(row.medications, before(day)))
            if fresh != row.medications:
                changed.append((row, fresh))
        history.remember_values_before(
            session,
            change,
            Episode.__tablename__,
            [
                (row.id, {"medications": row.medications, "updated_at": row.updated_at})
                for row, _ in changed
            ],
        )
        queries.set_episode_medications(session, [(row.id, fresh) for row, fresh in changed], now)
        refreshed.episodes += sum(row.deleted_at is None for row, _ in changed)


# --- corrections -------------------------------------------------------------------------------

MED_FIELDS = ("name", "dose", "started_on", "stopped_on", "drug_class")


@dataclass(frozen=True)
class MedEdited:
    medication: Medication
    changes: list[FieldChange]  # empty: it said that already, and nothing was written
    episodes_updated: int


def _check_period(
    session: Session,
    row: Medication,
    generic: str | None,
    name: str,
    start: dt.date,
    stop: dt.date | None,
) -> None:
    """The period must end on or after it starts, and not overlap another of the same drug."""
    if stop is not None and stop < start:
        raise InvalidInput(
            "--stopped", stop.isoformat(), f"It must be on or after the start, {start}."
        )
    for other in queries.medication_periods(session, generic, name):
        if other.id != row.id and overlap(other, start, stop):
            raise Conflict(
                f"{generic or name} was also taken from {_period(other)} ({describe(other)}); "
                "periods of one medication may meet on a day but not overlap. Change --started "
                "or --stopped."
            )


def _span(*periods: tuple[dt.date, dt.date | None]) -> tuple[dt.date, dt.date | None]:
    """The days two versions of a period cover between them (None: no end)."""
    first = min(start for start, _ in periods)
    stops = [stop for _, stop in periods]
    return first, None if None in stops else max(stop for stop in stops if stop is not None)


def edit_medication(
    session: Session, med_id: int, updates: dict[str, object], now: dt.datetime
) -> MedEdited:
    """Correct a period (current or stopped): its name (classed again unless by hand), dose,
    start, stop (None: still taking it) or class. The episodes of the days it covered before or
    covers now follow, in the same change."""
    unknown = set(updates) - set(MED_FIELDS)
    if unknown or not updates:
        raise InvalidInput(
            "edit",
            ", ".join(sorted(unknown)) or "(nothing)",
            'Give a field to change, e.g. --dose "40 mg".',
        )
    [row] = edits.get_rows(session, Medication, [med_id], "medication", "spasmlog meds")
    values = dict(updates)
    if "name" in values or "drug_class" in values:
        values.update(_classed(str(values.get("name", row.name)), values, row))
    changes = edits.changes_of(row, {k: v for k, v in values.items() if k in MED_FIELDS})
    if not changes:
        return MedEdited(row, [], 0)
    start = cast(dt.date, values.get("started_on", row.started_on))
    stop = cast(dt.date | None, values.get("stopped_on", row.stopped_on))
    generic = cast(str | None, values.get("generic", row.generic))
    _check_period(session, row, generic, str(values.get("name", row.name)), start, stop)
    change = history.start_change(session, "meds edit", f"edited medication {describe(row)}", now)
    first, last = _span((row.started_on, row.stopped_on), (start, stop))
    with following_the_medication_list(session, change, first, last, now) as refreshed:
        edits.write(session, change, row, values, now)
    return MedEdited(row, changes, refreshed.episodes)


def _classed(name: str, values: dict[str, object], row: Medication) -> dict[str, object]:
    """The drug fields for a (new) name or class: classed from the name unless a class is given
    (or was set by hand), with the did-you-mean `add` has for a near miss."""
    match = drugs.classify(name)
    by_hand = values.get("drug_class")
    if by_hand is None and row.class_by_hand and "name" not in values:
        by_hand = row.drug_class
    if match.generic is None and by_hand is None:
        hint = drugs.suggest(name)
        if hint is not None:
            raise InvalidInput(
                "--name", name, "",
                message=f"Unknown medication {name!r}. Did you mean {hint!r}? Use --class other "
                "to keep it as typed.",
            )  # fmt: skip
    drug_class = str(by_hand or match.drug_class)
    return {
        "generic": match.generic,
        "drug_class": drug_class,
        "atc": match.atc if match.drug_class == drug_class else None,
        "class_by_hand": by_hand is not None,
    }


def delete_medications(session: Session, ids: Sequence[int], now: dt.datetime) -> list[Medication]:
    """Take periods off the list (recoverable), as one change with the episodes that follow."""
    rows = edits.get_rows(session, Medication, ids, "medication", "spasmlog meds")
    first, last = _span(*((row.started_on, row.stopped_on) for row in rows))
    change = history.start_change(session, "meds delete", "deleted medications", now)
    with following_the_medication_list(session, change, first, last, now):
        for row in rows:
            history.remember_before(session, change, row)
            row.deleted_at = row.updated_at = now
    change.summary = ("deleted medication " + "; ".join(describe(row) for row in rows))[:200]
    return rows


def restore_medications(session: Session, ids: Sequence[int], now: dt.datetime) -> list[Medication]:
    rows = edits.get_rows(session, Medication, ids, "medication", "spasmlog meds", deleted=True)
    for row in rows:
        _check_period(session, row, row.generic, row.name, row.started_on, row.stopped_on)
    first, last = _span(*((row.started_on, row.stopped_on) for row in rows))
    change = history.start_change(session, "meds restore", "restored medications", now)
    with following_the_medication_list(session, change, first, last, now):
        for row in rows:
            history.remember_before(session, change, row)
            row.deleted_at = None
            row.updated_at = now
    change.summary = ("restored medication " + "; ".join(describe(row) for row in rows))[:200]
    return rows
