"""`spasmlog redo` after `undo`, undo of a given change, and `undo` right after `db restore`."""

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

from spasmlog.core.errors import Conflict, NotFound
from spasmlog.db import queries
from spasmlog.db.store import Store, open_store
from spasmlog.diary import episodes, undo
from spasmlog.interchange.records import episode_record
from tests.conftest import NOW, Run, diary_fingerprint
from tests.test_undo import fields

NOW_DT = dt.datetime.fromisoformat(NOW)
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def ok(result: Any) -> str:
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return str(result.stdout)


def everything(run: Run) -> str:
    """What the person can see of the diary, every kind of entry, deleted ones marked."""
    return ok(run("export", "json", "--out", "-", "--include-deleted")).split('"episodes"', 1)[1]


def test_redo_puts_back_what_undo_took_away_newest_first(run: Run) -> None:
    ok(run("log", "--muscle", "calf", "--severity", "5", "--exercise", "run 45m"))
    ok(run("meds", "add", "Lipitor", "--started", "2026-01-01"))  # follows onto the episode
    ok(run("edit", "1", "--severity", "7", "--exercise", "swim 20m"))
    done = everything(run)
    assert ok(run("undo")) == "Undid: edited episode #1 calf, 2026-03-15 12:00.\n"
    assert ok(run("undo")) == "Undid: added medication #1 Lipitor.\n"
    assert ok(run("undo")).startswith("Undid: logged episode #1 calf")
    assert ok(run("redo")).startswith("Redid: logged episode #1 calf")
    assert ok(run("redo")) == "Redid: added medication #1 Lipitor.\n"
    assert ok(run("redo")) == "Redid: edited episode #1 calf, 2026-03-15 12:00.\n"
    assert everything(run) == done
    assert json.loads(ok(run("show", "1", "--format", "json")))["medications"] == ["Lipitor"]


def test_nothing_to_redo_after_a_new_change_and_the_diary_untouched(
    run: Run, db_path: Path
) -> None:
    ok(run("log", "--muscle", "calf"))
    ok(run("undo"))
    ok(run("log", "--muscle", "foot"))  # a new change: what was undone stays undone
    before = diary_fingerprint(db_path)
    refused = run("redo")
    assert refused.exit_code == 2
    assert refused.stderr == (
        "Error: Nothing to redo: redo puts back what `spasmlog undo` took away, until a new "
        "change is made.\n"
    )
    assert diary_fingerprint(db_path) == before
    assert ok(run("undo")).startswith("Undid: logged episode #2 foot")  # not the undo itself


def test_undo_after_redo_and_redo_again(run: Run) -> None:
    ok(run("log", "--muscle", "calf"))
    ok(run("delete", "1"))
    for _ in range(3):
        assert ok(run("undo")).startswith("Undid: deleted episode #1")
        assert json.loads(ok(run("list", "--format", "json")))[0]["id"] == 1
        assert ok(run("redo")).startswith("Redid: deleted episode #1")
        assert json.loads(ok(run("list", "--format", "json"))) == []


def test_redo_of_a_whole_import(run: Run) -> None:
    ok(run("db", "upgrade"))
    ok(run("import", str(EXAMPLES / "episodes.csv"), "--what", "episodes"))
    done = everything(run)
    ok(run("undo"))
    assert json.loads(ok(run("list", "--format", "json"))) == []
    assert ok(run("redo")).startswith("Redid: imported")
    assert everything(run) == done


# --- any changes, undone and redone, give back what the diary showed ---------------------------


@pytest.fixture(scope="module")
def store() -> Iterator[Store]:
    with tempfile.TemporaryDirectory() as folder:
        opened = open_store(Path(folder) / "diary.db")
        with opened.writing() as session:
            for muscle in ("calf", "foot", "neck"):
                episodes.log_episode(session, episodes.EpisodeInput(NOW_DT, muscle), NOW_DT)
        yield opened
        opened.close()


def visible(store: Store) -> list[dict[str, Any]]:
    with store.reading() as session:
        rows = queries.list_episodes(session, include_deleted=True)
        return [{**episode_record(e, x), "deleted": e.deleted_at is not None} for e, x in rows]


@settings(max_examples=15, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["log", "edit", "delete"]), fields), max_size=6))
def test_undo_then_redo_is_where_it_was(store: Store, ops: list[Any]) -> None:
    start = visible(store)
    made = 0  # changes written (an edit that changes nothing writes none)
    for kind, values in ops:
        with store.writing() as session:
            live = [e.id for e, _ in queries.list_episodes(session)]
            made += 1
            if kind == "edit" and values and live:
                made -= not episodes.edit_episode(session, live[-1], values, NOW_DT).changes
            elif kind == "delete" and live:
                episodes.delete_episode(session, live[0], NOW_DT)
            else:
                entry = episodes.EpisodeInput(**{"started_at": NOW_DT, "muscle": "calf", **values})
                episodes.log_episode(session, entry, NOW_DT)
    done = visible(store)
    for _ in range(made):
        with store.writing() as session:
            undo.undo_last(session, NOW_DT)
    assert [row for row in visible(store) if not row["deleted"]] == [
        row for row in start if not row["deleted"]
    ]
    for _ in range(made):
        with store.writing() as session:
            undo.redo_last(session, NOW_DT)
    assert visible(store) == done
    with store.writing() as session, pytest.raises(NotFound):
        undo.redo_last(session, NOW_DT)
    for _ in range(made):  # leave the shared diary as the next example expects it
        with store.writing() as session:
            undo.undo_last(session, NOW_DT)


# --- undo of a given change (for a front end that lists the history) ------------------------


def test_undo_a_given_change_unless_a_later_one_touched_the_same_rows(db_path: Path) -> None:
    opened = open_store(db_path)
    try:
        with opened.writing() as session:
            calf = episodes.log_episode(session, episodes.EpisodeInput(NOW_DT, "calf"), NOW_DT)
            foot = episodes.log_episode(session, episodes.EpisodeInput(NOW_DT, "foot"), NOW_DT)
            episodes.edit_episode(session, calf.episode.id, {"severity": 4}, NOW_DT)
        changes = [row[0] for row in sqlite3.connect(db_path).execute("SELECT id FROM changes")]
        with opened.writing() as session, pytest.raises(Conflict, match="#3"):
            undo.undo_change(session, changes[0], NOW_DT)  # the edit (#3) came after the log
        with opened.writing() as session:
            assert undo.undo_change(session, changes[1], NOW_DT).startswith("logged episode #2")
        with opened.reading() as session:
            assert [e.id for e, _ in queries.list_episodes(session)] == [calf.episode.id]
        with opened.writing() as session, pytest.raises(Conflict, match="Already undone"):
            undo.undo_change(session, changes[1], NOW_DT)
        with opened.writing() as session:  # redo brings the foot back
            assert undo.redo_last(session, NOW_DT).startswith("logged episode #2")
        with opened.reading() as session:
            assert foot.episode.id in [e.id for e, _ in queries.list_episodes(session)]
    finally:
        opened.close()


# --- undo right after db restore ----------------------------------------------------------------


def test_undo_right_after_a_restore_says_how_to_go_back(run: Run, db_path: Path) -> None:
    ok(run("log", "--muscle", "calf"))
    ok(run("edit", "1", "--severity", "3"))
    backup = ok(run("db", "backup")).removeprefix("Backed up to ").strip()
    ok(run("log", "--muscle", "foot"))
    ok(run("db", "restore", "--yes", backup))
    [kept] = db_path.parent.glob("diary.db.replaced-*")
    before = diary_fingerprint(db_path)
    refused = run("undo")
    assert refused.exit_code == 2
    assert refused.stderr == (
        "Error: The last change was a `db restore`, which undo cannot revert. The diary as it "
        f'was before it is kept as {kept}; to go back to it: spasmlog db restore "{kept}"\n'
    )
    assert diary_fingerprint(db_path) == before  # the older edit was not undone
    assert json.loads(ok(run("show", "1", "--format", "json")))["severity"] == 3
    refused = run("redo")
    assert refused.exit_code == 2 and "Nothing to redo" in refused.stderr
    ok(run("db", "restore", "--yes", str(kept)))  # the way back it names works
    assert [e["muscle"] for e in json.loads(ok(run("list", "--format", "json")))] == [
        "foot",
        "calf",
    ]
    ok(run("log", "--muscle", "neck"))  # a change after the restore can be undone, as always
    assert ok(run("undo")).startswith("Undid: logged episode #3 neck")
    assert run("undo").exit_code == 2
