"""The diary file: where it is, how it is opened (modes, WAL, foreign keys, two writers at once),
backups, schema revisions and upgrades, and refusing files that are not (or not yet) ours."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import random
import shutil
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from typer.testing import CliRunner, Result

from spasmlog.cli import app
from spasmlog.core.errors import StorageError
from spasmlog.db import migrate
from spasmlog.db.models import Base
from spasmlog.db.store import make_engine, open_store, read_revision
from spasmlog.diary import episodes
from tests import make_fixture_diary as fixture
from tests.conftest import CLOCK, NOW, Run, diary_fingerprint, run_process

NOW_DT = dt.datetime.fromisoformat(NOW)
OLD_TABLES = ("exercise_sessions", "episodes", "changes", "change_rows")


def ok(result: Result) -> str:
    assert result.exit_code == 0, (result.stdout, result.stderr, result.exception)
    return result.stdout


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def table_rows(path: Path, tables: tuple[str, ...] = OLD_TABLES) -> dict[str, list[Any]]:
    """The rows of a closed diary, read without leaving -wal/-shm files beside it: the columns
    stored in them (table_info leaves out the ones SQLite computes, like local_date)."""
    uri = f"{path.absolute().as_uri()}?mode=ro&immutable=1"
    with contextlib.closing(sqlite3.connect(uri, uri=True)) as connection:
        rows = {}
        for table in tables:
            names = [row[1] for row in connection.execute(f"PRAGMA table_info({table})")]
            query = f"SELECT {', '.join(names)} FROM {table} ORDER BY rowid"
            rows[table] = connection.execute(query).fetchall()
        return rows


def schema(path: Path) -> list[tuple[str, str, str]]:
    """Every table and index with its SQL, whitespace normalised, alembic's own table aside."""
    with contextlib.closing(sqlite3.connect(path)) as connection:
        found = connection.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE '%alembic%'"
        ).fetchall()
    return sorted((kind, name, " ".join((sql or "").split())) for kind, name, sql in found)


def one_line_failure(result: Result, code: int, *needles: str) -> str:
    assert result.exit_code == code, (result.stdout, result.stderr, result.exception)
    assert isinstance(result.exception, SystemExit)
    [line] = result.stderr.splitlines()
    assert "Traceback" not in result.stderr
    for needle in needles:
        assert needle in line
    return line


# --- where the diary is ------------------------------------------------------------------------


def test_db_path_prefers_option_then_environment_then_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    runner = CliRunner()
    default = tmp_path / "xdg" / "spasmlog" / "diary.db"
    assert ok(runner.invoke(app, ["db", "path"])) == f"{default}\n"
    monkeypatch.setenv("SPASMLOG_DB", str(tmp_path / "env.db"))
    assert ok(runner.invoke(app, ["db", "path"])) == f"{tmp_path / 'env.db'}\n"
    chosen = ["--db", str(tmp_path / "option.db"), "db", "path"]
    assert ok(runner.invoke(app, chosen)) == f"{tmp_path / 'option.db'}\n"
    monkeypatch.chdir(tmp_path)
    assert (
        ok(runner.invoke(app, ["--db", "rel/d.db", "db", "path"])) == f"{tmp_path / 'rel/d.db'}\n"
    )
    assert not default.exists() and not (tmp_path / "env.db").exists()  # `db path` creates nothing


def test_the_default_diary_is_used_when_nothing_is_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    ok(CliRunner().invoke(app, ["log", "--muscle", "calf"]))
    default = tmp_path / "xdg" / "spasmlog" / "diary.db"
    assert table_rows(default, ("episodes",))["episodes"][0][4] == "calf"
    assert mode(default) == 0o600 and mode(default.parent) == 0o700


@pytest.mark.parametrize("folder", ["my diary", "a#1", "q?x", "100%25", "50%", "naïve"])
def test_odd_folder_names_hold_the_diary_itself(tmp_path: Path, folder: str) -> None:
    db = tmp_path / folder / "diary.db"
    runner = CliRunner()
    ok(runner.invoke(app, ["--db", str(db), "log", "--muscle", "calf"]))
    ok(runner.invoke(app, ["--db", str(db), "db", "backup", str(tmp_path / folder / "copy.db")]))
    assert len(json.loads(ok(runner.invoke(app, ["--db", str(db), "list", "-f", "json"])))) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == [folder]  # nothing written elsewhere
    assert len(table_rows(db, ("episodes",))["episodes"]) == 1
    assert len(table_rows(tmp_path / folder / "copy.db", ("episodes",))["episodes"]) == 1


# --- how it is opened ------------------------------------------------------------------------


def test_new_diary_is_private_even_with_a_permissive_umask(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "diary.db"
    previous = os.umask(0)
    try:
        store = open_store(path)
        with store.writing() as session:
            episodes.log_episode(session, episodes.EpisodeInput(NOW_DT, "calf"), NOW_DT)
        wal, shm = (path.with_name(path.name + suffix) for suffix in ("-wal", "-shm"))
        assert wal.exists() and shm.exists()  # the engine still holds its connection
        assert [mode(p) for p in (path, wal, shm)] == [0o600] * 3
        assert [mode(p) for p in (path.parent, path.parent.parent)] == [0o700] * 2
        store.close()
    finally:
        os.umask(previous)


def test_cli_files_are_private_with_umask_000(tmp_path: Path) -> None:
    db = tmp_path / "new" / "diary.db"
    spasmlog = f"{sys.executable} -m spasmlog --db '{db}'"
    script = f"umask 000; {spasmlog} log -m calf && {spasmlog} db backup"
    env = {**os.environ, **CLOCK}
    done = subprocess.run(["sh", "-c", script], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    [auto] = (db.parent / "backups").iterdir()
    journals = (p for p in db.parent.iterdir() if p.name.endswith(("-wal", "-shm")))  # if left
    made = [db, auto, *journals]
    assert {p.name: mode(p) for p in made} == {p.name: 0o600 for p in made}
    assert mode(db.parent) == mode(db.parent / "backups") == 0o700


def test_wal_foreign_keys_and_busy_timeout_are_on(tmp_path: Path) -> None:
    store = open_store(tmp_path / "diary.db")
    try:
        with store.engine.connect() as connection:
            pragma = lambda name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
            assert pragma("journal_mode") == "wal"
            assert pragma("foreign_keys") == 1
            assert pragma("busy_timeout") == 30_000
        refused = pytest.raises(StorageError, match="FOREIGN KEY constraint failed")
        with refused, store.writing() as session:
            episode = episodes.EpisodeInput(NOW_DT, "calf")
            episodes.log_episode(session, episode, NOW_DT).episode.exercise_session_id = 999
            session.flush()
    finally:
        store.close()
    with contextlib.closing(sqlite3.connect(tmp_path / "diary.db")) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)  # persistent
        assert connection.execute("SELECT count(*) FROM episodes").fetchone() == (0,)


RACER = """
import os, sys, time
from spasmlog.cli import main
ready, barrier = sys.argv[1:3]
open(ready, "w").close()
while not os.path.exists(barrier):
    time.sleep(0.002)
sys.argv = ["spasmlog", *sys.argv[3:]]
main()
"""


def race(db: Path, tmp_path: Path, muscles: list[str]) -> list[subprocess.CompletedProcess[str]]:
    """Start one `spasmlog log` per muscle, release them at the same moment, wait for all."""
    barrier = tmp_path / "go"
    env = {**os.environ, **CLOCK}
    ready = [tmp_path / f"ready-{muscle}" for muscle in muscles]
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", RACER, str(flag), str(barrier), "--db", str(db), "log", "-m", m],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for flag, m in zip(ready, muscles, strict=True)
    ]  # fmt: skip
    deadline = time.monotonic() + 60
    while not all(flag.exists() for flag in ready) and time.monotonic() < deadline:
        time.sleep(0.005)
    barrier.touch()  # both have imported everything: they reach the diary together
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        results.append(subprocess.CompletedProcess(proc.args, proc.returncode, out, err))
    return results


@pytest.mark.parametrize("existing", [False, True], ids=["new diary", "existing diary"])
def test_two_logs_at_the_same_moment_both_land(
    seeded: Path, tmp_path: Path, run: Run, existing: bool
) -> None:
    db = seeded if existing else tmp_path / "fresh" / "diary.db"
    for done in race(db, tmp_path, ["hand", "jaw"]):
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith("Logged #")
    muscles = sorted(row[4] for row in table_rows(db, ("episodes",))["episodes"])
    assert muscles == (["calf", "foot", "hand", "jaw", "neck"] if existing else ["hand", "jaw"])
    assert read_revision(db) == migrate.HEAD


# --- backups ---------------------------------------------------------------------------------


def test_db_backup_to_the_backups_folder(seeded: Path, run: Run) -> None:
    out = ok(run("db", "backup"))
    [made] = (seeded.parent / "backups").iterdir()
    assert out == f"Backed up to {made}\n"
    assert made.name.startswith("diary-") and made.name.endswith("-manual.db")
    assert mode(made) == 0o600 and mode(made.parent) == 0o700
    assert table_rows(made) == table_rows(seeded)
    assert read_revision(made) == migrate.HEAD


def test_db_backup_to_a_file_refuses_to_overwrite_without_force(
    seeded: Path, run: Run, tmp_path: Path
) -> None:
    dest = tmp_path / "copies" / "copy.db"
    assert ok(run("db", "backup", str(dest))) == f"Backed up to {dest}\n"
    assert mode(dest) == 0o600 and table_rows(dest) == table_rows(seeded)
    ok(run("log", "--muscle", "hand"))
    before = dest.read_bytes()
    line = one_line_failure(run("db", "backup", str(dest)), 2, str(dest), "already exists")
    assert line.startswith("Error: ")
    assert dest.read_bytes() == before
    ok(run("db", "backup", str(dest), "--force"))
    assert table_rows(dest) == table_rows(seeded) and len(table_rows(dest)["episodes"]) == 4
    assert sorted(p.name for p in dest.parent.iterdir()) == ["copy.db"]  # no partial file left


def test_db_backup_force_removes_the_stale_wal_of_the_file_it_replaces(
    seeded: Path, run: Run, tmp_path: Path
) -> None:
    """SQLite reads a -wal beside a file into it, whichever database wrote that -wal."""
    dest = tmp_path / "copy.db"
    ok(run("db", "backup", str(dest)))
    other = tmp_path / "other.db"
    with contextlib.closing(sqlite3.connect(other)) as connection:
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA wal_autocheckpoint = 0")
        connection.execute("CREATE TABLE episodes (id INTEGER PRIMARY KEY, muscle TEXT)")
        connection.execute("INSERT INTO episodes (muscle) VALUES ('not from the diary')")
        connection.commit()
        for journal in ("-wal", "-shm"):  # copied while open: the WAL is not checkpointed yet
            shutil.copyfile(f"{other}{journal}", f"{dest}{journal}")
    assert Path(f"{dest}-wal").stat().st_size > 0
    ok(run("log", "--muscle", "hand"))

    ok(run("db", "backup", str(dest), "--force"))

    assert sorted(p.name for p in tmp_path.glob("copy.db*")) == ["copy.db"]
    episodes = table_rows(dest, ("episodes",))["episodes"]
    assert episodes == table_rows(seeded, ("episodes",))["episodes"]
    assert len(episodes) == 4


def test_db_backup_refuses_a_stale_wal_without_force_and_the_diary_itself(
    seeded: Path, run: Run, tmp_path: Path
) -> None:
    dest = tmp_path / "copy.db"
    wal = Path(f"{dest}-wal")
    wal.write_bytes(b"left by a removed copy.db")
    one_line_failure(run("db", "backup", str(dest)), 2, str(wal), "already exists")
    assert not dest.exists() and wal.read_bytes() == b"left by a removed copy.db"
    ok(run("db", "backup", str(dest), "--force"))
    assert not wal.exists() and len(table_rows(dest)["episodes"]) == 3

    before = diary_fingerprint(seeded)
    one_line_failure(run("db", "backup", str(seeded), "--force"), 2, "is the diary itself")
    assert diary_fingerprint(seeded) == before


def test_a_backup_opens_as_a_diary(seeded: Path, run: Run, tmp_path: Path) -> None:
    dest = tmp_path / "copy.db"
    ok(run("db", "backup", str(dest)))
    copy = json.loads(ok(CliRunner().invoke(app, ["--db", str(dest), "list", "-f", "json"])))
    assert copy == json.loads(ok(run("list", "-f", "json")))


# --- refusing files that are not diaries -------------------------------------------------------


def not_a_diary(tmp_path: Path, kind: str, template: Path) -> Path:
    path = tmp_path / "suspect.db"
    if kind == "random bytes":
        path.write_bytes(random.Random(7).randbytes(40_000))
    elif kind == "text":
        path.write_text("calf, left, 2026-03-01\nThis is my diary, not a database.\n")
    elif kind.startswith("truncated"):
        size = int(kind.split()[1])
        path.write_bytes(template.read_bytes()[:size])
    elif kind == "sqlite header then garbage":
        path.write_bytes(b"SQLite format 3\x00" + random.Random(3).randbytes(8000))
    elif kind == "another app's database":
        with contextlib.closing(sqlite3.connect(path)) as connection, connection:
            connection.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
            connection.execute("INSERT INTO notes (body) VALUES ('keep me')")
    elif kind == "another app's empty alembic_version":
        with contextlib.closing(sqlite3.connect(path)) as connection, connection:
            connection.execute("CREATE TABLE alembic_version (version_num VARCHAR(32))")
            connection.execute("CREATE TABLE users (id INTEGER PRIMARY KEY)")
    return path


KINDS = {
    "random bytes": "not a spasmlog diary (not a SQLite database)",
    "text": "not a spasmlog diary (not a SQLite database)",
    "truncated 100": "cannot be read as a diary",
    "truncated 3000": "cannot be read as a diary",
    "truncated 16384": "cannot be read as a diary",
    "sqlite header then garbage": "cannot be read as a diary",
    "another app's database": "is a SQLite database but not a spasmlog diary",
    "another app's empty alembic_version": "is a SQLite database but not a spasmlog diary",
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    "args", [("list",), ("log", "-m", "calf"), ("db", "upgrade"), ("db", "backup")]
)
def test_a_file_that_is_not_a_diary_is_refused_and_untouched(
    tmp_path: Path, seeded: Path, kind: str, args: tuple[str, ...]
) -> None:
    path = not_a_diary(tmp_path, kind, seeded)
    before = path.read_bytes()
    result = CliRunner().invoke(app, ["--db", str(path), *args])
    line = one_line_failure(result, 1, str(path), KINDS[kind], "untouched")
    assert result.stdout == "" and line.startswith("Error: ")
    assert path.read_bytes() == before
    assert not (tmp_path / "backups").exists()


def test_a_folder_given_as_the_diary(tmp_path: Path) -> None:
    for args in (("list",), ("log", "-m", "calf"), ("db", "upgrade")):
        result = CliRunner().invoke(app, ["--db", str(tmp_path), *args])
        one_line_failure(result, 1, f"Cannot open the diary at {tmp_path}: Is a directory.")
    assert list(tmp_path.iterdir()) == []


def test_a_file_that_is_not_a_diary_in_a_real_process(tmp_path: Path, seeded: Path) -> None:
    path = not_a_diary(tmp_path, "truncated 3000", seeded)
    before = path.read_bytes()
    done = run_process(path, "log", "--muscle", "calf")
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "cannot be read as a diary" in done.stderr
    assert path.read_bytes() == before


def test_a_diary_from_a_newer_spasmlog_is_refused_and_untouched(seeded: Path, run: Run) -> None:
    with contextlib.closing(sqlite3.connect(seeded)) as connection, connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    before = seeded.read_bytes()
    for args in (("list",), ("log", "-m", "calf"), ("db", "upgrade"), ("undo",)):
        line = one_line_failure(
            run(*args), 1, "written by a newer spasmlog (schema 9999)", "untouched"
        )
        assert f"this is spasmlog with schema {migrate.HEAD}" in line
    assert seeded.read_bytes() == before
    wal = seeded.with_name(seeded.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0  # a reader's empty WAL at most
    assert not (seeded.parent / "backups").exists()


# --- revisions and upgrades ------------------------------------------------------------------


def test_revisions_match_the_migration_scripts(tmp_path: Path) -> None:
    scripts = ScriptDirectory.from_config(migrate.alembic_config(make_engine(tmp_path / "x.db")))
    in_order = [script.revision for script in reversed(list(scripts.walk_revisions()))]
    assert list(migrate.REVISIONS) == in_order
    assert migrate.HEAD == scripts.get_current_head() == in_order[-1]
    assert fixture.REVISION in in_order[:-1]  # the checked-in diary is an older revision


def test_migrations_make_the_same_schema_as_a_new_diary(tmp_path: Path) -> None:
    migrated, created = tmp_path / "migrated.db", tmp_path / "created.db"
    engine = make_engine(migrated)
    try:
        command.upgrade(migrate.alembic_config(engine), "head")
        with engine.connect() as connection:
            assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    finally:
        engine.dispose()
    open_store(created).close()
    assert schema(migrated) == schema(created)
    assert read_revision(migrated) == read_revision(created) == migrate.HEAD


@pytest.fixture
def old_diary(db_path: Path) -> Path:
    """A copy of the checked-in diary at revision 0001, where this test's diary lives."""
    db_path.parent.mkdir(mode=0o700, parents=True)
    shutil.copyfile(fixture.FIXTURE, db_path)
    return db_path


def test_the_fixture_is_what_the_script_makes(tmp_path: Path) -> None:
    remade = fixture.make(tmp_path / "remade.db")
    assert read_revision(fixture.FIXTURE) == fixture.REVISION
    assert table_rows(remade) == table_rows(fixture.FIXTURE)
    assert schema(remade) == schema(fixture.FIXTURE)


def test_an_old_diary_is_backed_up_and_upgraded_without_losing_a_row(
    old_diary: Path, run: Run
) -> None:
    before = table_rows(old_diary)
    assert len(before["episodes"]) == 5 and read_revision(old_diary) == "0001"
    records = json.loads(ok(run("list", "--format", "json", "--deleted")))
    assert read_revision(old_diary) == migrate.HEAD
    width = {table: len(rows[0]) for table, rows in before.items() if rows}
    after = table_rows(old_diary)
    old_columns = {t: [row[: width.get(t, len(row))] for row in rows] for t, rows in after.items()}
    assert old_columns == before  # every row of every old table, byte for byte
    later = {t: {row[width[t] :] for row in rows} for t, rows in after.items() if t in width}
    assert later["episodes"] == {(None, None)}  # time_known, severity_scale (0005): not set
    with contextlib.closing(sqlite3.connect(old_diary)) as connection:
        for new_table in ("checkins", "medications", "conditions", "labs"):
            assert connection.execute(f"SELECT count(*) FROM {new_table}").fetchone() == (0,)
    [backup] = (old_diary.parent / "backups").iterdir()
    assert backup.name.endswith("-before-upgrade.db") and mode(backup) == 0o600
    assert table_rows(backup, ("alembic_version",)) == {"alembic_version": [("0001",)]}
    assert table_rows(backup) == before
    by_id = {record["id"]: record for record in records}
    assert sorted(by_id) == [1, 2, 3, 4, 5]
    assert by_id[1] == {
        "id": 1, "started_at": "2026-03-01T23:30:00-05:00", "muscle": "calf", "side": "left",
        "duration_s": 90, "severity": 7, "woke": True, "fluid_l_24h": 1.5,
        "exercise": "run 45m vigorous", "relief": ["stretch", "heat"], "relief_score": 6,
        "symptoms": ["numbness"], "medications": ["ibuprofen 200 mg"], "note": "woke me up",
    }  # fmt: skip
    assert by_id[3]["note"] == "Krampf — sehr stark, été" and by_id[3]["exercise"] == "swim 30m"
    assert by_id[4]["started_at"] == "2026-03-07T04:30:00+05:30"
    ok(run("list"))  # a second command finds it at head: no second backup
    assert len(list((old_diary.parent / "backups").iterdir())) == 1


def test_undo_history_survives_the_upgrade(old_diary: Path, run: Run) -> None:
    assert [r["id"] for r in json.loads(ok(run("list", "-f", "json")))] == [4, 3, 2, 1]
    assert ok(run("undo")) == "Undid: deleted episode #5 toes (left), 2026-03-07 07:15.\n"
    restored = json.loads(ok(run("list", "-f", "json")))[0]
    assert (restored["id"], restored["note"], restored["relief"]) == (
        5,
        "deleted by mistake",
        ["rest"],
    )
    ok(run("log", "--muscle", "calf"))
    assert ok(run("undo")).startswith("Undid: logged episode #6 calf")


def test_db_upgrade_command(old_diary: Path, run: Run, tmp_path: Path) -> None:
    out = ok(run("db", "upgrade"))
    [backup] = (old_diary.parent / "backups").iterdir()
    assert out == f"Upgraded from schema 0001 to {migrate.HEAD}. Backup: {backup}\n"
    assert ok(run("db", "upgrade")) == f"Already at schema {migrate.HEAD}: nothing to do.\n"
    fresh = tmp_path / "fresh" / "diary.db"
    result = CliRunner().invoke(app, ["--db", str(fresh), "db", "upgrade"])
    assert ok(result) == f"Created a new diary at schema {migrate.HEAD}: {fresh}\n"
    assert read_revision(fresh) == migrate.HEAD
