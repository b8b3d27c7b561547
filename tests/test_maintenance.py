"""`spasmlog db check | backups | restore | destroy`: damage is found and explained, restores
never lose the file they replace, and destroy deletes exactly this diary's files."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
import sys
from pathlib import Path

import pexpect
import pytest

from spasmlog.db import maintenance, migrate, sqlite
from spasmlog.db.backup import automatic_backup, copy_diary, list_backups
from tests.conftest import Run, diary_fingerprint
from tests.reliability.helpers import (
    DAMAGE,
    build_diary,
    child_env,
    damage,
    facts,
    file_hash,
    write_episodes_csv,
)


def _backup(db_path: Path, reason: str = "manual", hour: int | None = None) -> Path:
    """A backup; `hour` sets its time to that hour (UTC) of 2026-03-14."""
    made = automatic_backup(db_path, reason)
    if hour is not None:
        when = dt.datetime(2026, 3, 14, hour, tzinfo=dt.UTC).timestamp()
        os.utime(made, (when, when))
    return made


def _untouched(db_path: Path, before: str) -> None:
    """The damaged file's bytes are as they were, and no WAL content appeared beside it."""
    assert file_hash(db_path) == before
    wal = db_path.with_name(db_path.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0


def test_check_on_a_healthy_diary_gives_the_quick_facts(run: Run, db_path: Path) -> None:
    for muscle in ("calf", "foot"):
        assert run("log", "--muscle", muscle).exit_code == 0
    assert run("delete", "2").exit_code == 0
    made = _backup(db_path)

    result = run("db", "check")

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"Diary:     {db_path} (") and lines[0].endswith(
        f"schema {migrate.HEAD})"
    )
    assert lines[1] == "Integrity: ok (SQLite integrity check)"
    assert "episodes 1 (+1 deleted), check-ins 0," in lines[2]
    assert "changes (undo history) 3" in lines[2]
    assert lines[3].startswith("Backups:   1, newest ") and lines[3].endswith(str(made))


@pytest.mark.parametrize("how", DAMAGE)
def test_check_names_the_damage_and_the_restore_command(run: Run, db_path: Path, how: str) -> None:
    build_diary(db_path, 400)
    made = _backup(db_path)
    damage(db_path, how)
    before = file_hash(db_path)

    result = run("db", "check")

    assert result.exit_code == 1
    out = result.stdout
    assert "Damaged:" in out and "Integrity: ok" not in out
    assert "The file was not changed." in out
    assert f'  spasmlog db restore "{made}"' in out
    _untouched(db_path, before)
    expected = {"truncated": "cut short", "header": "not a SQLite database"}
    assert expected.get(how, "") in out


def test_check_skips_damaged_backups_and_offers_the_newest_healthy_one(
    run: Run, db_path: Path
) -> None:
    build_diary(db_path, 50)
    good = _backup(db_path, hour=8)
    bad = _backup(db_path, hour=9)
    damage(bad, "episodes")
    damage(db_path, "episodes")

    result = run("db", "check")

    assert result.exit_code == 1
    assert "Skipped 1 newer backup(s) that are damaged too." in result.stdout
    assert f'spasmlog db restore "{good}"' in result.stdout
    assert str(bad) not in result.stdout


def test_check_without_a_healthy_backup_says_to_keep_the_file(run: Run, db_path: Path) -> None:
    build_diary(db_path, 50)
    damage(db_path, "history")

    result = run("db", "check")

    assert result.exit_code == 1
    assert "No healthy backup was found. Keep this file" in result.stdout
    assert ".recover" in result.stdout


def test_check_of_a_missing_diary_says_so(run: Run, db_path: Path) -> None:
    result = run("db", "check")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: There is no diary at {db_path}.")
    assert not db_path.exists()


def test_backups_are_listed_newest_first_with_size_time_and_reason(run: Run, db_path: Path) -> None:
    assert run("db", "backups").stdout.startswith("No backups yet.")
    build_diary(db_path, 20)
    oldest = _backup(db_path, "before-upgrade", hour=7)
    middle = _backup(db_path, "before-import", hour=8)
    newest = _backup(db_path, hour=9)

    result = run("db", "backups")

    assert result.exit_code == 0
    rows = result.stdout.splitlines()[2:5]
    assert [row.split()[-1] for row in rows] == [str(newest), str(middle), str(oldest)]
    assert [row.split()[4] for row in rows] == ["manual", "before-import", "before-upgrade"]
    assert all(row.split()[3] == "KB" for row in rows)
    assert [row.split()[:2] for row in rows] == [  # shown at the local offset (+01:00)
        ["2026-03-14", "10:00"],
        ["2026-03-14", "09:00"],
        ["2026-03-14", "08:00"],
    ]


def test_restore_without_a_terminal_needs_yes(run: Run, db_path: Path) -> None:
    build_diary(db_path, 5)
    made = _backup(db_path)
    before = diary_fingerprint(db_path)

    result = run("db", "restore", str(made))

    assert result.exit_code == 2
    assert "add --yes to confirm. Nothing was changed." in result.stderr
    assert diary_fingerprint(db_path) == before


@pytest.mark.parametrize("how", DAMAGE)
def test_restore_replaces_a_damaged_diary_and_keeps_it_aside(
    run: Run, db_path: Path, how: str
) -> None:
    build_diary(db_path, 30)
    made = _backup(db_path)
    damage(db_path, how)
    damaged = file_hash(db_path)

    result = run("db", "restore", "--yes", str(made))

    assert result.exit_code == 0, result.output
    kept = maintenance.kept_copies(db_path)
    assert len(kept) == 1 and file_hash(kept[0]) == damaged
    assert f"The previous file is kept as {kept[0]}" in result.stdout
    restored = facts(db_path)
    assert restored.integrity == "ok" and restored.notes == [f"n-{i}" for i in range(30)]
    assert oct(db_path.stat().st_mode & 0o777) == "0o600"
    with contextlib.closing(sqlite3.connect(db_path)) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert run("log", "--muscle", "calf").exit_code == 0


def test_restore_keeps_committed_rows_that_were_still_in_the_wal(run: Run, db_path: Path) -> None:
    build_diary(db_path, 3)
    made = _backup(db_path)
    holder = sqlite3.connect(db_path)  # an open reader keeps the WAL from being checkpointed
    holder.execute("PRAGMA wal_autocheckpoint = 0")
    holder.execute("SELECT count(*) FROM episodes").fetchone()
    for muscle in ("foot", "hand"):
        assert run("log", "--muscle", muscle, "--note", f"late {muscle}").exit_code == 0
    assert db_path.with_name("diary.db-wal").stat().st_size > 0

    result = run("db", "restore", "--yes", str(made))
    holder.close()

    assert result.exit_code == 0, result.output
    kept = maintenance.kept_copies(db_path)[0]
    assert facts(kept).notes[-2:] == ["late foot", "late hand"]
    assert facts(db_path).episodes == 3


@pytest.mark.parametrize(
    "problem, message",
    [
        ("damaged", "is not a healthy spasmlog diary"),
        ("foreign", "is not a healthy spasmlog diary (it is not a spasmlog diary"),
        ("newer", "was written by a newer spasmlog (schema 9999)"),
        ("missing", "No backup at"),
        ("itself", "is the diary itself"),
    ],
)
def test_restore_refuses_a_backup_it_cannot_trust(
    run: Run, db_path: Path, tmp_path: Path, problem: str, message: str
) -> None:
    build_diary(db_path, 5)
    candidate = tmp_path / "candidate.db"
    if problem in ("damaged", "newer"):
        copy_diary(db_path, candidate)
    if problem == "damaged":
        damage(candidate, "episodes")
    elif problem == "newer":
        with contextlib.closing(sqlite3.connect(candidate)) as connection:
            connection.execute("UPDATE alembic_version SET version_num = '9999'")
            connection.commit()
    elif problem == "foreign":
        with contextlib.closing(sqlite3.connect(candidate)) as connection:
            connection.execute("CREATE TABLE songs (title TEXT)")
    elif problem == "itself":
        candidate = db_path
    before = diary_fingerprint(db_path)

    result = run("db", "restore", "--yes", str(candidate))

    assert result.exit_code in (1, 2)
    assert message in result.stderr
    assert diary_fingerprint(db_path) == before
    assert maintenance.kept_copies(db_path) == []


def test_restore_finds_a_bare_backup_name_and_fills_a_missing_diary(
    run: Run, db_path: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    build_diary(db_path, 4)
    made = _backup(db_path)
    db_path.unlink()
    monkeypatch.chdir(tmp_path)

    result = run("db", "restore", "--yes", made.name)

    assert result.exit_code == 0, result.output
    assert "kept as" not in result.stdout
    assert facts(db_path).episodes == 4


def _spawn(db_path: Path, *args: str) -> pexpect.spawn:
    return pexpect.spawn(
        sys.executable,
        ["-m", "spasmlog", "--db", str(db_path), *args],
        env=child_env(),
        encoding="utf-8",
        timeout=30,
    )


def test_restore_asks_on_a_terminal(db_path: Path) -> None:
    build_diary(db_path, 6)
    made = _backup(db_path)
    build_diary(db_path, 2, prefix="after")
    before = diary_fingerprint(db_path)

    declined = _spawn(db_path, "db", "restore", str(made))
    declined.expect(r"6 episodes\)\? The current file will be kept as .*\[y/N\]")
    declined.sendline("n")
    declined.expect("Nothing was changed.")
    declined.expect(pexpect.EOF)
    declined.close()
    assert declined.exitstatus == 1 and diary_fingerprint(db_path) == before

    accepted = _spawn(db_path, "db", "restore", str(made))
    accepted.expect(r"\[y/N\]")
    accepted.sendline("y")
    accepted.expect("Restored ")
    accepted.expect(pexpect.EOF)
    accepted.close()
    assert accepted.exitstatus == 0 and facts(db_path).episodes == 6


def _diary_with_everything(db_path: Path) -> list[Path]:
    """A diary with a WAL, backups (one half-written), a copy kept by restore, and neighbours
    that are not its own: another diary whose name starts the same, and an unrelated file."""
    build_diary(db_path, 5)
    made = _backup(db_path)
    partial = made.with_name(made.name.replace("manual", "before-import") + ".partial")
    partial.write_bytes(b"half a copy")
    kept = db_path.with_name("diary.db.replaced-20260101T000000000000Z")
    copy_diary(db_path, kept)
    for journal in ("-wal", "-shm"):
        db_path.with_name(db_path.name + journal).write_bytes(b"")
    neighbour = db_path.with_name("diary-2.db")
    build_diary(neighbour, 1)
    neighbours = [neighbour, automatic_backup(neighbour, "manual"), db_path.parent / "notes.txt"]
    neighbours[-1].write_text("mine")
    return neighbours


def test_destroy_deletes_this_diary_and_its_backups_only(run: Run, db_path: Path) -> None:
    neighbours = _diary_with_everything(db_path)
    doomed = maintenance.destroy_targets(db_path)
    assert len(doomed) == 6  # diary, WAL, SHM, copy kept by restore, backup, half backup

    result = run("db", "destroy", "--yes-really-destroy", "diary.db")

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Deleted 6 file(s) of diary.db, backups included:")
    assert not any(path.exists() for path in doomed)
    assert all(path.exists() for path in neighbours)
    assert list_backups(neighbours[0]) != []


@pytest.mark.parametrize("given", [None, "x.db", "DIARY.DB", str(Path("private/diary.db"))])
def test_destroy_needs_the_exact_file_name(run: Run, db_path: Path, given: str | None) -> None:
    _diary_with_everything(db_path)
    doomed = maintenance.destroy_targets(db_path)
    before = {path: file_hash(path) for path in doomed}

    args = ["db", "destroy"] + ([] if given is None else ["--yes-really-destroy", given])
    result = run(*args)

    assert result.exit_code == 2
    assert "Nothing was deleted." in result.stderr
    assert "--yes-really-destroy" in result.stderr
    assert {path: file_hash(path) for path in doomed} == before


def test_destroy_works_on_a_damaged_diary_and_then_finds_nothing(run: Run, db_path: Path) -> None:
    build_diary(db_path, 5)
    _backup(db_path)
    damage(db_path, "header")
    assert run("db", "destroy", "--yes-really-destroy", "diary.db").exit_code == 0
    assert not db_path.exists() and not (db_path.parent / "backups").exists()

    again = run("db", "destroy", "--yes-really-destroy", "diary.db")

    assert again.exit_code == 2
    assert "Nothing to delete" in again.stderr


def test_destroy_on_a_terminal_asks_for_the_file_name(db_path: Path) -> None:
    build_diary(db_path, 3)
    _backup(db_path)

    wrong = _spawn(db_path, "db", "destroy")
    wrong.expect("This deletes, with no undo:")
    wrong.expect(r"Type the diary's file name \(diary.db\) to delete it all: ")
    wrong.sendline("yes")
    wrong.expect("Nothing was deleted.")
    wrong.expect(pexpect.EOF)
    wrong.close()
    assert wrong.exitstatus == 1 and db_path.exists()

    right = _spawn(db_path, "db", "destroy")
    right.expect("to delete it all: ")
    right.sendline("diary.db")
    right.expect(r"Deleted \d file")
    right.expect(pexpect.EOF)
    right.close()
    assert right.exitstatus == 0 and not db_path.exists()


def test_explain_tells_damage_from_a_refused_write(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"hello" * 200)
    with pytest.raises(sqlite3.DatabaseError) as not_a_db:
        sqlite3.connect(junk).execute("SELECT * FROM sqlite_master")
    ok = tmp_path / "ok.db"
    sqlite3.connect(ok).execute("CREATE TABLE t (x)")
    with pytest.raises(sqlite3.OperationalError) as read_only:
        sqlite3.connect(f"file:{ok}?mode=ro", uri=True).execute("INSERT INTO t VALUES (1)")

    damaged = sqlite.explain(not_a_db.value, junk)
    refused = sqlite.explain(read_only.value, ok)

    assert "is damaged" in str(damaged) and "spasmlog db check" in str(damaged)
    assert "cannot be written" in str(refused) and "db check" not in str(refused)


def test_upgrades_and_imports_leave_a_rolling_set_of_private_backups(
    run: Run, db_path: Path, tmp_path: Path
) -> None:
    build_diary(db_path, 3, revision="0001")
    assert run("db", "upgrade").exit_code == 0
    made = run("db", "backup")
    assert made.exit_code == 0
    manual = Path(made.stdout.removeprefix("Backed up to ").strip())
    source = tmp_path / "in.csv"
    before_import = []
    for batch in range(12):
        write_episodes_csv(source, 2, prefix=f"batch{batch}")
        moved = source.read_text().replace("2020-01-01", f"2021-01-{batch + 1:02d}")
        source.write_text(moved)
        result = run("import", str(source), "--kind", "episodes")
        assert result.exit_code == 0
        before_import.append(result.stdout.rsplit("backed up first, to ", 1)[1].strip())

    result = run("db", "backups")

    kept = list_backups(db_path)
    assert [_reasons(b.path) for b in kept] == ["before-import"] * 10 + [
        "manual",
        "before-upgrade",
    ]  # the newest ten imports' backups; the upgrade's and the manual one stay
    assert [str(b.path) for b in kept[:10]] == before_import[:1:-1]
    assert manual.exists() and kept[10].path == manual
    assert {oct(b.path.stat().st_mode & 0o777) for b in kept} == {"0o600"}
    assert [str(b.path) for b in kept] == [
        row.split()[-1] for row in result.stdout.splitlines()[2:14]
    ]


def test_rotation_keeps_ten_of_each_reason_and_never_a_manual_backup_or_another_file(
    db_path: Path,
) -> None:
    build_diary(db_path, 1)
    folder = db_path.parent / "backups"
    manual = [_backup(db_path, "manual") for _ in range(12)]
    folder_files = [folder / "diary-notes.db", folder / "diary-2-20200101T000000000000Z-x.db"]
    for other in folder_files:
        other.write_bytes(b"not a backup of this diary")
    made: dict[str, list[Path]] = {"before-upgrade": [], "before-import": []}
    for _ in range(12):
        for reason, paths in made.items():
            paths.append(_backup(db_path, reason))

    for reason, paths in made.items():
        assert [p.exists() for p in paths] == [False] * 2 + [True] * 10, reason
    assert all(path.exists() for path in manual + folder_files)
    assert len(list_backups(db_path)) == 12 + 10 + 10


def _reasons(path: Path) -> str:
    return path.name.split("Z-", 1)[1].removesuffix(".db")


def test_an_automatic_backup_removes_what_a_killed_backup_left_behind(db_path: Path) -> None:
    """Half-written copies older than an hour go; a fresh one may be another process's backup."""
    build_diary(db_path, 2)
    folder = db_path.parent / "backups"
    folder.mkdir(mode=0o700)
    stale = folder / "diary-20260301T080000000000Z-before-import.db.partial"
    stale_journal = stale.with_name(stale.name + "-journal")
    running = folder / "diary-20260315T115959000000Z-manual.db.partial"
    for path in (stale, stale_journal, running):
        path.write_bytes(b"half a copy")
    two_hours_ago = dt.datetime.now(dt.UTC).timestamp() - 2 * 3600
    for path in (stale, stale_journal):
        os.utime(path, (two_hours_ago, two_hours_ago))

    made = automatic_backup(db_path, "before-import")

    assert sorted(folder.iterdir()) == sorted([made, running])
