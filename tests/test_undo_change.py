"""Undo of one change by its id (the web app's Undo button): exactly that change is reverted, a
change that later ones built on is refused with nothing written, and the most frequent muscles
lead the Log page."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from spasmlog.core.errors import Conflict, DiaryBusy, NotFound
from spasmlog.diary import episodes, undo
from spasmlog.diary.access import open_store
from tests.conftest import NOW, Run, diary_fingerprint

NOW_DT = dt.datetime.fromisoformat(NOW)


def ok(result: object) -> str:
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    return str(result.stdout)  # type: ignore[attr-defined]


def live_ids(db_path: Path) -> list[int]:
    with sqlite3.connect(db_path) as connection:
        rows = connection.execute("SELECT id FROM episodes WHERE deleted_at IS NULL ORDER BY id")
        return [row[0] for row in rows]


def test_undo_of_an_older_change_leaves_the_newer_ones(seeded: Path, run: Run) -> None:
    ok(run("log", "--muscle", "hand"))  # change 4, episode 4
    ok(run("log", "--muscle", "neck"))  # change 5, episode 5
    store = open_store(seeded)
    with store.writing() as session:
        assert undo.undo_change(session, 4, NOW_DT) == "logged episode #4 hand, 2026-03-15 12:00"
    store.close()
    assert live_ids(seeded) == [1, 2, 3, 5]


def test_the_change_a_write_made_is_the_newest(seeded: Path) -> None:
    store = open_store(seeded)
    with store.writing() as session:
        entry = episodes.EpisodeInput(started_at=NOW_DT, muscle="calf")
        logged = episodes.log_episode(session, entry, NOW_DT)
        change_id = undo.newest_change_id(session)
    with store.writing() as session:
        assert "logged episode #4 calf" in undo.undo_change(session, change_id or 0, NOW_DT)
    store.close()
    assert logged.episode.id == 4 and live_ids(seeded) == [1, 2, 3]


@pytest.mark.parametrize(
    ("later", "message"),
    [
        (("edit", "1", "--severity", "2"), 'Cannot undo "logged episode #1 calf (left)'),
        (("delete", "1"), "later changes build on it (#4 deleted episode #1"),
    ],
)
def test_a_change_later_ones_built_on_is_refused(
    seeded: Path, run: Run, later: tuple[str, ...], message: str
) -> None:
    ok(run(*later))
    before = diary_fingerprint(seeded)
    store = open_store(seeded)
    with pytest.raises(Conflict, match="Undo those first") as refused:
        with store.writing() as session:
            undo.undo_change(session, 1, NOW_DT)
    store.close()
    assert message in str(refused.value)
    assert diary_fingerprint(seeded) == before


def test_once_the_later_change_is_undone_the_earlier_one_may_be(seeded: Path, run: Run) -> None:
    ok(run("edit", "1", "--severity", "2"))  # change 4
    store = open_store(seeded)
    with store.writing() as session:
        undo.undo_change(session, 4, NOW_DT)
    with store.writing() as session:
        undo.undo_change(session, 1, NOW_DT)
    store.close()
    assert live_ids(seeded) == [2, 3]


def test_unknown_and_already_undone_changes_are_refused(seeded: Path, run: Run) -> None:
    ok(run("undo"))  # change 3
    before = diary_fingerprint(seeded)
    store = open_store(seeded)
    with pytest.raises(NotFound, match="No change #99"), store.writing() as session:
        undo.undo_change(session, 99, NOW_DT)
    with pytest.raises(Conflict, match="Already undone: logged episode #3"):
        with store.writing() as session:
            undo.undo_change(session, 3, NOW_DT)
    store.close()
    assert diary_fingerprint(seeded) == before


def test_frequent_muscles_lead(seeded: Path, run: Run) -> None:
    for _ in range(2):
        ok(run("log", "--muscle", "foot", "--at", "2026-03-14T10:00"))
    store = open_store(seeded)
    with store.reading() as session:
        assert episodes.frequent_muscles(session) == ["foot", "calf", "neck"]
    store.close()


def test_a_write_waiting_too_long_for_the_lock_says_busy(seeded: Path) -> None:
    holder = sqlite3.connect(seeded, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process writing (an import)
    store = open_store(seeded, busy_timeout_ms=100)
    try:
        with pytest.raises(DiaryBusy, match="is busy: another spasmlog"):
            with store.writing() as session:
                episodes.log_episode(
                    session, episodes.EpisodeInput(started_at=NOW_DT, muscle="calf"), NOW_DT
                )
    finally:
        holder.rollback()
        holder.close()
        store.close()
    assert live_ids(seeded) == [1, 2, 3]
