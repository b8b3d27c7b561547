"""kill -9 at different moments: during a burst of `log` writes and during a schema upgrade.
Afterwards the diary opens, SQLite's integrity check is ok, and nothing committed is lost:
every entry a writer reported as saved is there exactly once; an upgrade is all or nothing."""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from spasmlog.db import maintenance, migrate
from spasmlog.db.backup import backups_dir, list_backups
from tests.reliability.helpers import (
    WORKERS,
    build_diary,
    child_env,
    facts,
    invoke,
    reported,
    write_episodes_csv,
)

UPGRADE_ROWS = 20_000
Tally = Callable[[str, object], None]  # pytest's record_property: figures for the closing note


def _writer(db: Path, tag: str, count: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WORKERS), "log", str(db), tag, str(count)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child_env(),
    )


def _saved(lines: list[str]) -> list[str]:
    outcomes = reported(lines)
    assert all(outcome["code"] == 0 for outcome in outcomes), outcomes
    return [str(outcome["name"]) for outcome in outcomes]


def _kill_burst(
    db: Path, after: int, jitter_ms: float, writers: int = 2, tag: str = "w"
) -> tuple[int, int]:
    """Kill every writer once the first has saved `after` entries (plus a jitter); returns
    (entries reported saved, rows found) after checking nothing saved was lost."""
    procs = [_writer(db, f"{tag}{n}", 400) for n in range(writers)]
    first = procs[0]
    assert first.stdout is not None
    seen: list[str] = []
    while len(_saved(seen)) < after:
        line = first.stdout.readline()
        assert line, f"writer ended early: {first.stderr.read() if first.stderr else ''}"
        seen.append(line.strip())
    time.sleep(jitter_ms / 1000)
    for proc in procs:
        proc.send_signal(signal.SIGKILL)
    saved = _saved(seen + first.communicate()[0].splitlines())
    for proc in procs[1:]:
        saved += _saved(proc.communicate()[0].splitlines())
    assert all(proc.returncode == -signal.SIGKILL for proc in procs)

    found = facts(db)
    assert found.integrity == "ok"
    assert len(found.notes) == len(set(found.notes)), "an entry was written twice"
    ours = [note for note in found.notes if note.startswith(tag)]
    missing = set(saved) - set(ours)
    assert not missing, f"reported saved, then lost: {sorted(missing)}"
    assert len(ours) - len(saved) <= writers  # at most one in flight per writer
    return len(saved), len(ours)


@pytest.mark.parametrize("after, jitter_ms", [(1, 0.0), (4, 7.5)])
def test_kill_during_a_burst_of_logs_loses_nothing_saved(
    tmp_path: Path, after: int, jitter_ms: float, record_property: Tally
) -> None:
    db = tmp_path / "spasmlog" / "diary.db"
    saved, rows = _kill_burst(db, after, jitter_ms)
    record_property("kills", 1)
    record_property("rows_checked", rows)

    assert saved >= after and rows >= saved
    after_kill = invoke(db, "log", "--muscle", "calf", "--note", "next morning")
    assert after_kill.returncode == 0, after_kill.stderr
    assert facts(db).notes[-1] == "next morning"


@pytest.mark.slow
def test_kill_many_bursts_at_random_moments(tmp_path: Path, record_property: Tally) -> None:
    """`make stress`: 20 kills into the same diary, each at a random moment."""
    db = tmp_path / "spasmlog" / "diary.db"
    chance = random.Random(20260315)
    total_saved = 0
    for kill in range(20):
        after, jitter = chance.randint(1, 12), chance.uniform(0, 40)
        saved, rows = _kill_burst(db, after, jitter, writers=3, tag=f"k{kill}w")
        total_saved += saved
        record_property("kills", 1)
        record_property("rows_checked", rows)
    assert facts(db).integrity == "ok" and len(facts(db).notes) >= total_saved


@pytest.fixture(scope="module")
def old_diary(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A diary at schema 0001 with enough rows that its upgrade takes a measurable time."""
    path = tmp_path_factory.mktemp("old") / "diary.db"
    build_diary(path, UPGRADE_ROWS, revision="0001")
    return path


def _upgrading(old_diary: Path, where: Path) -> tuple[Path, subprocess.Popen[str]]:
    db = where / "spasmlog" / "diary.db"
    db.parent.mkdir(mode=0o700, parents=True)
    shutil.copyfile(old_diary, db)
    proc = subprocess.Popen(
        [sys.executable, "-m", "spasmlog", "--db", str(db), "db", "upgrade"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child_env(),
    )
    return db, proc


def _wait_for(condition: Callable[[], bool], proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while not condition():
        assert proc.poll() is None, "the upgrade ended before the moment to kill it"
        assert time.monotonic() < deadline
        time.sleep(0.0005)


def _partial(db: Path) -> bool:
    return any(backups_dir(db).glob("*.partial")) if backups_dir(db).is_dir() else False


def _backup_done(db: Path) -> bool:
    return bool(list_backups(db))


def _check_after_upgrade_kill(db: Path) -> tuple[str, int]:
    """All or nothing: still 0001 with every row, or at head with every row and a good backup.
    Returns what was found ("0001", "0001+backup" or "<head>+backup") and the rows checked."""
    found = facts(db)
    assert found.integrity == "ok"
    assert found.revision in ("0001", migrate.HEAD)
    assert found.episodes == UPGRADE_ROWS
    backups = list_backups(db)
    if found.revision == migrate.HEAD:
        assert backups, "upgraded without the backup taken before it"
    for made in backups:  # a backup that exists is complete and opens
        health = maintenance.check_backup(made.path)
        assert health.ok and health.revision == "0001"
        assert health.live["episodes"] == UPGRADE_ROWS
    state = f"{found.revision}+backup" if backups else str(found.revision)
    return state, UPGRADE_ROWS * (1 + len(backups))


@pytest.mark.parametrize(
    "moment", [pytest.param("start", marks=pytest.mark.slow), "copying", "migrating", "late"]
)
def test_kill_during_an_upgrade_is_all_or_nothing(
    old_diary: Path, tmp_path: Path, moment: str, record_property: Tally
) -> None:
    db, proc = _upgrading(old_diary, tmp_path)
    if moment == "start":
        time.sleep(0.05)
    elif moment == "copying":
        _wait_for(lambda: _partial(db), proc)
    elif moment == "migrating":
        _wait_for(lambda: _backup_done(db), proc)
    else:
        _wait_for(lambda: _backup_done(db), proc)
        time.sleep(0.25)
    proc.kill()
    proc.communicate()

    state, rows = _check_after_upgrade_kill(db)
    record_property("kills", 1)
    record_property("rows_checked", rows)
    record_property("state", state)

    finished = invoke(db, "db", "upgrade")
    assert finished.returncode == 0, finished.stderr
    assert facts(db).revision == migrate.HEAD and facts(db).episodes == UPGRADE_ROWS
    assert maintenance.check(db).ok
    assert any(maintenance.check_backup(b.path).revision == "0001" for b in list_backups(db))


@pytest.mark.slow
def test_kill_an_upgrade_at_twelve_spread_moments(
    old_diary: Path, tmp_path: Path, record_property: Tally
) -> None:
    """`make stress`: moments spread over a measured upgrade, from start-up to the end."""
    db, proc = _upgrading(old_diary, tmp_path / "timed")
    started = time.monotonic()
    proc.communicate()
    duration = time.monotonic() - started
    for step in range(12):
        db, proc = _upgrading(old_diary, tmp_path / f"k{step}")
        time.sleep(duration * step / 12)
        proc.kill()
        proc.communicate()
        state, rows = _check_after_upgrade_kill(db)
        record_property("kills", 1)
        record_property("rows_checked", rows)
        record_property("state", state)


IMPORT_ROWS = 12_000


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("import") / "episodes.csv"
    write_episodes_csv(path, IMPORT_ROWS)
    return path


def _importing(big_file: Path, where: Path) -> tuple[Path, subprocess.Popen[str]]:
    db = where / "spasmlog" / "diary.db"
    build_diary(db, 5, prefix="mine")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "spasmlog",
            "--db",
            str(db),
            "import",
            str(big_file),
            "--kind",
            "episodes",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child_env(),
    )
    return db, proc


def _wal_bigger_than(db: Path, size: int) -> bool:
    wal = db.with_name(db.name + "-wal")
    return wal.exists() and wal.stat().st_size > size


def _check_after_import_kill(db: Path) -> tuple[int, int]:
    """All or none of the file's rows, the diary's own rows intact, complete backups healthy.
    Returns the file's rows found (0 or all) and the rows checked."""
    found = facts(db)
    assert found.integrity == "ok"
    assert found.notes[:5] == [f"mine-{i}" for i in range(5)]
    imported = found.notes[5:]
    assert len(imported) in (0, IMPORT_ROWS), f"{len(imported)} of {IMPORT_ROWS} rows"
    assert imported == [f"imp-{i}" for i in range(len(imported))]
    for made in list_backups(db):
        health = maintenance.check_backup(made.path)
        assert health.ok and health.live["episodes"] == 5
    return len(imported), len(found.notes) + 5 * len(list_backups(db))


@pytest.mark.parametrize(
    "moment",
    [pytest.param("checking", marks=pytest.mark.slow), "backing-up", "writing", "writing-late"],
)
def test_kill_during_an_import_writes_all_or_nothing(
    big_file: Path, tmp_path: Path, moment: str, record_property: Tally
) -> None:
    db, proc = _importing(big_file, tmp_path)
    if moment == "checking":
        time.sleep(0.6)
    elif moment == "backing-up":
        _wait_for(lambda: _partial(db), proc)
    elif moment == "writing":
        _wait_for(lambda: _wal_bigger_than(db, 256 * 1024), proc)
    else:
        _wait_for(lambda: _wal_bigger_than(db, 1024 * 1024), proc)
    proc.kill()
    proc.communicate()

    # 0 or all of the rows: a kill in the write transaction leaves none, and on a loaded machine
    # the kill may land just after the commit, which leaves all (the WAL outlives the commit).
    imported, rows = _check_after_import_kill(db)
    record_property("kills", 1)
    record_property("rows_checked", rows)
    record_property("state", f"{imported} of {IMPORT_ROWS}")

    again = invoke(db, "import", str(big_file), "--kind", "episodes")
    assert again.returncode == 0, again.stderr
    assert facts(db).notes[5:] == [f"imp-{i}" for i in range(IMPORT_ROWS)]


@pytest.mark.slow
def test_kill_an_import_at_twelve_spread_moments(
    big_file: Path, tmp_path: Path, record_property: Tally
) -> None:
    """`make stress`: moments spread over a measured import, from start-up to the end."""
    db, proc = _importing(big_file, tmp_path / "timed")
    started = time.monotonic()
    proc.communicate()
    duration = time.monotonic() - started
    for step in range(12):
        db, proc = _importing(big_file, tmp_path / f"k{step}")
        time.sleep(duration * step / 12)
        proc.kill()
        proc.communicate()
        imported, rows = _check_after_import_kill(db)
        record_property("kills", 1)
        record_property("rows_checked", rows)
        record_property("state", f"{imported} of {IMPORT_ROWS}")
