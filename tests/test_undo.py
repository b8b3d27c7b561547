"""`spasmlog undo`: each kind of change is reverted exactly, repeated undo walks back through the
history, and with nothing left it refuses without touching the diary."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spasmlog.core.parsing import ExerciseSpec
from spasmlog.db import queries
from spasmlog.db.store import Store, open_store
from spasmlog.diary import episodes, undo
from spasmlog.interchange.records import episode_record
from tests.conftest import NOW, Run, diary_fingerprint

NOW_DT = dt.datetime.fromisoformat(NOW)


def ok(result: Any) -> str:
    assert result.exit_code == 0, (result.stdout, result.stderr, result.exception)
    return str(result.stdout)


def state(run: Run) -> tuple[list[dict[str, Any]], list[int]]:
    """What the user can see: the live episodes, and the IDs of the deleted ones."""
    live = json.loads(ok(run("list", "--format", "json")))
    every = json.loads(ok(run("list", "--format", "json", "--deleted")))
    live_ids = {record["id"] for record in live}
    return live, sorted(record["id"] for record in every if record["id"] not in live_ids)


def rows(db_path: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db_path) as connection:
        return connection.execute(sql).fetchall()


def test_undo_a_log(seeded: Path, run: Run) -> None:
    before = state(run)
    ok(run("log", "--muscle", "hand", "--severity", "2"))
    assert ok(run("undo")) == "Undid: logged episode #4 hand, 2026-03-15 12:00.\n"
    assert state(run) == (before[0], [4])  # kept, hidden: nothing is ever removed
    assert rows(seeded, "SELECT action, undone_at IS NOT NULL FROM changes WHERE id = 4") == [
        ("log", 1)
    ]


def test_undo_a_log_with_exercise_removes_both(run: Run, db_path: Path) -> None:
    ok(run("log", "--muscle", "calf", "--exercise", "run 45m vigorous"))
    assert rows(db_path, "SELECT activity, deleted_at FROM exercise_sessions") == [("run", None)]
    assert ok(run("undo")).startswith("Undid: logged episode #1 calf")
    assert rows(db_path, "SELECT deleted_at IS NOT NULL FROM exercise_sessions") == [(1,)]
    assert rows(db_path, "SELECT deleted_at IS NOT NULL FROM episodes") == [(1,)]
    assert state(run) == ([], [1])


@pytest.mark.parametrize(
    "edit",
    [
        ("--severity", "1"),
        ("--muscle", "hamstring", "--side", "right", "--at", "2026-03-01T06:00:00-08:00"),
        ("--relief", "cold", "--symptom", "rash", "--med", "quinine", "--note", "changed"),
        ("--exercise", "walk 20m light", "--fluid", "2L", "--no-woke", "--duration", "5s"),
    ],
)
def test_undo_an_edit_puts_every_field_back(seeded: Path, run: Run, edit: tuple[str, ...]) -> None:
    ok(run("edit", "3", "--woke", "--relief", "heat", "--note", "first"))
    before = state(run)
    ok(run("edit", "3", *edit))
    assert state(run) != before
    assert ok(run("undo")) == "Undid: edited episode #3 neck, 2026-03-10 08:15.\n"
    assert state(run) == before


def test_undo_an_edit_that_added_exercise(seeded: Path, run: Run) -> None:
    before = state(run)
    ok(run("edit", "1", "--exercise", "swim 1h"))
    ok(run("undo"))
    assert state(run) == before
    assert rows(
        seeded, "SELECT activity, deleted_at IS NOT NULL FROM exercise_sessions ORDER BY id"
    ) == [("run", 0), ("swim", 1)]


def test_undo_a_delete_and_a_restore(seeded: Path, run: Run) -> None:
    before = state(run)
    ok(run("delete", "2"))
    assert ok(run("undo")) == "Undid: deleted episode #2 foot, 2026-03-13 03:00.\n"
    assert state(run) == before
    ok(run("delete", "2"))
    deleted = state(run)
    ok(run("restore", "2"))
    assert ok(run("undo")) == "Undid: restored episode #2 foot, 2026-03-13 03:00.\n"
    assert state(run) == deleted


def test_repeated_undo_walks_back_to_an_empty_diary(run: Run, db_path: Path) -> None:
    steps = [
        ("log", "--muscle", "calf", "--at", "2026-03-14T23:30", "--exercise", "run 45m"),
        ("log", "--muscle", "foot", "--at", "2026-03-13T03:00"),
        ("edit", "1", "--severity", "9", "--exercise", "bike 2h vigorous"),
        ("delete", "2"),
        ("restore", "2"),
        ("edit", "2", "--muscle", "toes"),
        ("delete", "1"),
    ]
    ok(run("db", "upgrade"))  # an empty diary: what the last undo gives back
    seen = [state(run)]
    for step in steps:
        ok(run(*step))
        seen.append(state(run))
    said = []
    for back in range(len(steps) - 1, -1, -1):
        said.append(ok(run("undo")))
        live, deleted = state(run)
        assert live == seen[back][0]
        assert set(seen[back][1]) <= set(deleted)  # undone logs stay as hidden rows
    assert said == [
        "Undid: deleted episode #1 calf, 2026-03-14 23:30.\n",
        "Undid: edited episode #2 foot, 2026-03-13 03:00.\n",
        "Undid: restored episode #2 foot, 2026-03-13 03:00.\n",
        "Undid: deleted episode #2 foot, 2026-03-13 03:00.\n",
        "Undid: edited episode #1 calf, 2026-03-14 23:30.\n",
        "Undid: logged episode #2 foot, 2026-03-13 03:00.\n",
        "Undid: logged episode #1 calf, 2026-03-14 23:30.\n",
    ]
    assert state(run) == ([], [1, 2])
    before = diary_fingerprint(db_path)
    result = run("undo")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "Error: Nothing to undo: the diary has no changes left to revert.\n"
    assert diary_fingerprint(db_path) == before


def test_undo_then_a_new_change_then_undo(seeded: Path, run: Run) -> None:
    ok(run("delete", "1"))
    ok(run("undo"))
    before = state(run)
    ok(run("edit", "2", "--severity", "4"))
    ok(run("undo"))  # undoes the edit, not the delete that was already undone
    assert state(run) == before
    assert ok(run("undo")).startswith("Undid: logged episode #3 neck")


def test_nothing_to_undo_in_a_new_diary(run: Run, db_path: Path) -> None:
    ok(run("db", "upgrade"))  # creates the diary, records no change
    before = diary_fingerprint(db_path)
    result = run("undo")
    assert result.exit_code == 2
    assert result.stderr == "Error: Nothing to undo: the diary has no changes left to revert.\n"
    assert diary_fingerprint(db_path) == before


# --- any sequence of changes, undone one by one, gives back what the list showed -------------


@pytest.fixture(scope="module")
def store() -> Iterator[Store]:
    """A diary shared by the examples, with three episodes that each example may change; each
    example undoes all it did, so they are back as they were for the next one."""
    with tempfile.TemporaryDirectory() as folder:
        opened = open_store(Path(folder) / "diary.db")
        with opened.writing() as session:
            for muscle, note in [("calf", "first"), ("foot", None), ("neck", "third")]:
                entry = episodes.EpisodeInput(
                    NOW_DT, muscle, severity=5, note=note, relief=["rest"]
                )
                episodes.log_episode(session, entry, NOW_DT)
        yield opened
        opened.close()


def visible(store: Store) -> list[dict[str, Any]]:
    with store.reading() as session:
        return [episode_record(e, x) for e, x in queries.list_episodes(session)]


fields = st.fixed_dictionaries(
    {},
    optional={
        "severity": st.integers(0, 10),
        "muscle": st.sampled_from(["calf", "foot", "neck"]),
        "side": st.sampled_from(["left", "right", "both", "none"]),
        "started_at": st.integers(0, 10_000).map(lambda m: NOW_DT - dt.timedelta(minutes=m)),
        "note": st.text(max_size=20),
        "relief": st.lists(st.sampled_from(["stretch", "heat", "rest"]), unique=True),
        "exercise": st.builds(
            ExerciseSpec, st.sampled_from(["run", "swim"]), st.integers(1, 90), st.none()
        ),  # fmt: skip
    },
)
operations = st.lists(
    st.tuples(st.sampled_from(["log", "edit", "delete", "restore"]), st.integers(0, 50), fields),
    min_size=1,
    max_size=8,
)


@settings(max_examples=20, deadline=None)
@given(operations)
def test_undoing_every_change_restores_the_list(store: Store, ops: list[Any]) -> None:
    before = visible(store)
    changes = 0
    for kind, pick, values in ops:
        with store.writing() as session:
            live = [e.id for e, _ in queries.list_episodes(session)]
            gone = [
                e.id
                for e, _ in queries.list_episodes(session, include_deleted=True)
                if e.id not in live
            ]
            made = True
            if (
                kind == "log"
                or (kind == "edit" and not values)
                or not (live if kind != "restore" else gone)
            ):
                entry = episodes.EpisodeInput(**{"started_at": NOW_DT, "muscle": "calf", **values})
                episodes.log_episode(session, entry, NOW_DT)
            elif kind == "edit":  # an edit that changes nothing writes nothing
                edited = episodes.edit_episode(session, live[pick % len(live)], values, NOW_DT)
                made = bool(edited.changes)
            elif kind == "delete":
                episodes.delete_episode(session, live[pick % len(live)], NOW_DT)
            else:
                episodes.restore_episode(session, gone[pick % len(gone)], NOW_DT)
        changes += made
    for _ in range(changes):
        with store.writing() as session:
            undo.undo_last(session, NOW_DT)
    assert visible(store) == before
    assert len(before) == 3
