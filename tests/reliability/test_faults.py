"""Faults: a full disk, a read-only diary or folder, the folder removed mid-command, a damaged
file. Each must end in one clear line and a non-zero exit, with nothing half-written, and no
command may write to a damaged diary."""

from __future__ import annotations

import os
import resource
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from spasmlog.cli import episodes as episode_commands
from spasmlog.db import migrate
from tests.conftest import Run
from tests.reliability.helpers import (
    DAMAGE,
    as_plain_user,
    assert_one_clear_line,
    build_diary,
    can_drop_root_powers,
    damage,
    facts,
    file_hash,
    fill_disk,
    invoke,
    run_script,
    write_episodes_csv,
)

BIG_NOTE = "cramp " * 100_000  # 600 kB: more than the room any case below leaves


def _limit_file_size(limit: int) -> Callable[[], None]:
    def apply() -> None:  # Python ignores SIGXFSZ, so a write past it fails with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def _logged(db: Path, count: int = 3) -> list[str]:
    notes = [f"before-{i}" for i in range(count)]
    for note in notes:
        assert invoke(db, "log", "--muscle", "calf", "--note", note).returncode == 0
    return notes


@pytest.mark.parametrize("room", [0, 48 * 1024], ids=["no-room-at-all", "room-for-journals"])
def test_full_disk_refuses_cleanly_and_loses_nothing(tiny_disk: Path, room: int) -> None:
    db = tiny_disk / "spasmlog" / "diary.db"
    notes = _logged(db)
    filler = fill_disk(tiny_disk, leave=room)

    for args in (
        ["log", "--muscle", "calf", "--note", BIG_NOTE],
        ["edit", "1", "--note", BIG_NOTE],
        ["db", "backup"],
    ):
        assert_one_clear_line(invoke(db, *args))
    assert_one_clear_line(invoke(tiny_disk / "new" / "diary.db", "log", "--muscle", "calf"))

    filler.unlink()
    assert facts(db) == facts(db).__class__("ok", migrate.HEAD, notes)
    assert list((db.parent / "backups").glob("*.db")) == []
    assert invoke(db, "log", "--muscle", "foot").returncode == 0
    assert invoke(tiny_disk / "new" / "diary.db", "log", "--muscle", "calf").returncode == 0


def test_full_disk_message_says_the_disk_is_full(tiny_disk: Path) -> None:
    db = tiny_disk / "spasmlog" / "diary.db"
    _logged(db)
    fill_disk(tiny_disk)

    line = assert_one_clear_line(invoke(db, "log", "--muscle", "calf"))

    assert "full" in line and "db check" not in line


def test_file_size_limit_refuses_cleanly_and_loses_nothing(tmp_path: Path) -> None:
    """The full-disk case without root: a write past RLIMIT_FSIZE fails (EFBIG) like ENOSPC."""
    db = tmp_path / "spasmlog" / "diary.db"
    notes = _logged(db)
    source = tmp_path / "in.csv"
    write_episodes_csv(source, 12_000)
    commands = [
        ["log", "--muscle", "calf", "--note", BIG_NOTE],
        ["edit", "2", "--note", BIG_NOTE],
        ["import", str(source), "--kind", "episodes"],
        ["log", "--muscle", "foot"],
    ]

    *refused, fits = run_script(db, commands, preexec=_limit_file_size(400 * 1024))

    for outcome in refused:  # 400 kB: room for the journals, not for 600 kB or 12,000 rows
        assert_one_clear_line(outcome)
    assert fits.returncode == 0
    assert facts(db).integrity == "ok" and facts(db).notes == [*notes, None]


plain_user = pytest.mark.skipif(
    not can_drop_root_powers(), reason="root here cannot drop CAP_DAC_OVERRIDE to honour modes"
)


def _journals_gone(db: Path) -> None:
    for journal in ("-wal", "-shm"):
        db.with_name(db.name + journal).unlink(missing_ok=True)


@plain_user
def test_read_only_diary_refuses_writes_and_still_reads(tmp_path: Path) -> None:
    db = tmp_path / "spasmlog" / "diary.db"
    notes = _logged(db)
    _journals_gone(db)
    db.chmod(0o400)
    before = file_hash(db)
    writes = [
        ["log", "--muscle", "calf"],
        ["edit", "1", "--severity", "3"],
        ["delete", "2"],
        ["undo"],
        ["checkin", "--fluid", "1L"],
    ]

    *refused, listed = run_script(db, [*writes, ["list", "--format", "csv"]], preexec=as_plain_user)

    for outcome in refused:
        line = assert_one_clear_line(outcome)
        assert "readonly" in line or "read-only" in line or "cannot be written" in line
    assert listed.returncode == 0 and "before-2" in listed.stdout
    assert file_hash(db) == before
    db.chmod(0o600)
    assert facts(db).notes == notes


@plain_user
def test_read_only_folder_refuses_cleanly(tmp_path: Path) -> None:
    db = tmp_path / "spasmlog" / "diary.db"
    notes = _logged(db)
    _journals_gone(db)
    db.parent.chmod(0o500)
    before = file_hash(db)
    try:
        outcomes = run_script(
            db, [["log", "--muscle", "calf"], ["db", "backup"]], preexec=as_plain_user
        )
    finally:
        db.parent.chmod(0o700)
    for outcome in outcomes:
        assert_one_clear_line(outcome)
    assert file_hash(db) == before
    assert facts(db).notes == notes


@plain_user
def test_read_only_folder_is_not_called_damage(tmp_path: Path) -> None:
    db = tmp_path / "spasmlog" / "diary.db"
    _logged(db)
    _journals_gone(db)
    db.parent.chmod(0o500)
    try:
        outcome = run_script(db, [["log", "--muscle", "calf"]], preexec=as_plain_user)[0]
    finally:
        db.parent.chmod(0o700)
    line = assert_one_clear_line(outcome)
    assert "db check" not in line and "cannot be written" in line


def _remove_folder_after(monkeypatch: pytest.MonkeyPatch, db_path: Path, name: str) -> None:
    """Make `episode_commands.<name>` remove the diary's folder right after it has run."""
    real = (
        getattr(episode_commands, name)
        if hasattr(episode_commands, name)
        else getattr(episode_commands.episodes, name)
    )

    def then_remove(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        shutil.rmtree(db_path.parent)
        return result

    if hasattr(episode_commands, name):
        monkeypatch.setattr(episode_commands, name, then_remove)
    else:
        monkeypatch.setattr(episode_commands.episodes, name, then_remove)


def test_folder_removed_before_the_write_fails_cleanly(
    run: Run, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("log", "--muscle", "calf").exit_code == 0
    _remove_folder_after(monkeypatch, db_path, "open_from")

    result = run("log", "--muscle", "foot")

    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr.startswith("Error: ") and len(result.stderr.splitlines()) == 1
    assert not db_path.parent.exists()  # nothing was written anywhere: no new empty diary


def test_folder_removed_during_the_write_is_not_reported_as_saved(
    run: Run, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("log", "--muscle", "calf").exit_code == 0
    _remove_folder_after(monkeypatch, db_path, "log_episode")

    result = run("log", "--muscle", "foot")

    assert result.exit_code == 1 and "Logged" not in result.stdout


def _commands() -> list[list[str]]:
    """Every command that opens the diary (those landed so far), as a user would type them."""
    return [
        ["log", "--muscle", "calf", "--note", "after the damage"],
        ["edit", "3", "--severity", "4"],
        ["delete", "4"],
        ["restore", "4"],
        ["undo"],
        ["list"],
        ["list", "--format", "json"],
        ["show", "5"],
        ["db", "upgrade"],
        ["db", "backup"],
        ["db", "check"],
        ["db", "backups"],
    ]


@pytest.mark.parametrize("how", DAMAGE)
def test_no_command_writes_to_a_damaged_diary(run: Run, db_path: Path, how: str) -> None:
    build_diary(db_path, 300)
    damage(db_path, how)
    before = file_hash(db_path)

    for args in _commands():
        result = run(*args)
        assert result.exception is None or isinstance(result.exception, SystemExit), args
        assert "Traceback" not in result.output
        if result.exit_code != 0:
            assert len(result.stderr.splitlines()) <= 1, (args, result.stderr)
        assert file_hash(db_path) == before, args
        wal = db_path.with_name(db_path.name + "-wal")
        assert not wal.exists() or wal.stat().st_size == 0, args

    assert run("db", "check").exit_code == 1


@pytest.mark.parametrize("how", ["episodes", "history"])
def test_a_damaged_diary_is_explained_with_db_check(run: Run, db_path: Path, how: str) -> None:
    build_diary(db_path, 300)
    damage(db_path, how)

    result = run("log", "--muscle", "calf")

    assert result.exit_code == 1 and "spasmlog db check" in result.stderr


def test_a_damaged_diary_is_not_backed_up_over_good_backups(run: Run, db_path: Path) -> None:
    build_diary(db_path, 300)
    damage(db_path, "history")

    result = run("db", "backup")

    assert result.exit_code == 1 and "spasmlog db check" in result.stderr


def test_sqlite_sees_the_damage_each_case_makes(tmp_path: Path) -> None:
    """Guards the cases above: each kind of damage really is damage to SQLite."""
    for how in DAMAGE:
        path = tmp_path / f"{how}.db"
        build_diary(path, 300)
        damage(path, how)
        with pytest.raises(sqlite3.DatabaseError):
            seen = facts(path)
            assert seen.integrity == "ok" and seen.episodes == 300


def test_a_diary_replaced_during_the_write_is_not_written_to(
    run: Run, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another window restores a backup while `log` runs: the entry must not land in the file
    that was moved aside, where nobody would look, and must not be reported as saved."""
    assert run("log", "--muscle", "calf").exit_code == 0
    restored = db_path.with_name("restored.db")
    shutil.copy(db_path, restored)  # the diary was closed: its WAL is merged into the file
    assert facts(restored).episodes == 1
    aside = db_path.with_name("aside.db")
    real = episode_commands.episodes.log_episode

    def then_replace(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        os.replace(db_path, aside)  # what `db restore` does: keep the old file aside...
        os.replace(restored, db_path)  # ...and rename the restored copy into place
        return result

    monkeypatch.setattr(episode_commands.episodes, "log_episode", then_replace)
    result = run("log", "--muscle", "foot")

    assert result.exit_code == 1 and "Logged" not in result.stdout
    assert "was replaced by another file" in result.stderr
    for path in (db_path, aside):
        assert facts(path).episodes == 1, path  # the calf only, in both files
