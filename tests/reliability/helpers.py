"""Helpers for the fault, load, hostile-input and privacy tests: real child processes, diaries
built fast with plain sqlite3, what SQLite says about a file, damage done to a file, and ways to
make a disk full or a file read-only even for root (CI runs as root, and root ignores modes)."""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from spasmlog.db import migrate
from spasmlog.db.store import make_engine, open_store

WORKERS = Path(__file__).with_name("workers.py")
PR_CAPBSET_DROP = 24
# The capabilities that let root read and write files whatever their mode.
ROOT_FILE_CAPS = (1, 2, 3)  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER
_libc = ctypes.CDLL(None, use_errno=True)


def child_env(**extra: str) -> dict[str, str]:
    env = {**os.environ, **extra}
    env.pop("SPASMLOG_DB", None)
    return env


def spasmlog(
    db: Path,
    *args: str,
    preexec: Callable[[], None] | None = None,
    timeout: float = 60,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """A real `python -m spasmlog --db DB ...` process."""
    return subprocess.run(
        [sys.executable, "-m", "spasmlog", "--db", str(db), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=preexec,
        env=env or child_env(),
        stdin=subprocess.DEVNULL,
    )


@dataclass(frozen=True)
class Outcome:
    """One command run by `workers.py script`: shaped like a CompletedProcess."""

    args: list[str]
    returncode: int | str
    stdout: str
    stderr: str


def run_script(
    db: Path,
    commands: list[list[str]],
    preexec: Callable[[], None] | None = None,
    env: dict[str, str] | None = None,
) -> list[Outcome]:
    """Run several commands in one child process (one Python start-up, not one each)."""
    done = subprocess.run(
        [sys.executable, str(WORKERS), "script", str(db)],
        input=json.dumps(commands),
        capture_output=True,
        text=True,
        timeout=600,
        preexec_fn=preexec,
        env=env or child_env(),
    )
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    return [
        Outcome(args, line["code"], line["out"], line["err"])
        for args, line in zip(commands, lines, strict=True)
    ]


def invoke(db: Path, *args: str) -> Outcome:
    """One command in this process (typer's CliRunner), reported like `run_script` does."""
    from typer.testing import CliRunner

    from spasmlog.cli import app

    result = CliRunner().invoke(app, ["--db", str(db), *args])
    escaped = result.exception is not None and not isinstance(result.exception, SystemExit)
    code: int | str = "traceback" if escaped else result.exit_code
    return Outcome(list(args), code, result.stdout, result.stderr)


def reported(lines: list[str]) -> list[dict[str, object]]:
    """The outcomes a worker printed; a last line cut short by a kill is not one."""
    found = []
    for line in lines:
        with contextlib.suppress(json.JSONDecodeError):
            found.append(json.loads(line))
    return found


def as_plain_user() -> None:
    """In a child process: drop root's power to ignore file modes (no-op for other users)."""
    if os.geteuid() != 0:
        return
    for cap in ROOT_FILE_CAPS:
        if _libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def umask_zero() -> None:
    os.umask(0)


def can_drop_root_powers() -> bool:
    probe = subprocess.run(
        [sys.executable, "-c", "pass"], preexec_fn=as_plain_user, capture_output=True, check=False
    )
    return probe.returncode == 0


def assert_one_clear_line(result: subprocess.CompletedProcess[str] | Outcome) -> str:
    """A failure is one "Error: ..." line on stderr, never a traceback."""
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    return lines[0]


@dataclass(frozen=True)
class Facts:
    """What plain SQLite (not spasmlog) sees in a diary file."""

    integrity: str
    revision: str | None
    notes: list[str]

    @property
    def episodes(self) -> int:
        return len(self.notes)


def facts(path: Path) -> Facts:
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
        integrity = ";".join(row[0] for row in connection.execute("PRAGMA integrity_check"))
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
        revision = None
        if "alembic_version" in tables:
            revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        notes = [row[0] for row in connection.execute("SELECT note FROM episodes ORDER BY id")]
    return Facts(integrity, revision, notes)


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build_diary(path: Path, episodes: int, revision: str = migrate.HEAD, prefix: str = "n") -> None:
    """A diary at `revision` holding `episodes` rows with notes prefix-0, prefix-1, ... (bulk
    inserted: building a big diary through the CLI would take minutes)."""
    if revision == migrate.HEAD:
        open_store(path).close()
    else:
        from alembic import command

        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with contextlib.closing(sqlite3.connect(path)) as connection:
            connection.execute("PRAGMA journal_mode = WAL")
        engine = make_engine(path)
        try:
            command.upgrade(migrate.alembic_config(engine), revision)
        finally:
            engine.dispose()
    stamp = "2026-01-01 08:00:00.000000"
    rows = (
        (
            f"2025-{1 + i % 12:02d}-{1 + i % 28:02d} 0{i % 10}:30:00.000000",
            60,
            "calf",
            '["stretch"]',
            "[]",
            "[]",
            f"{prefix}-{i}",
            stamp,
            stamp,
        )
        for i in range(episodes)
    )
    with contextlib.closing(sqlite3.connect(path)) as connection:
        connection.executemany(
            "INSERT INTO episodes (started_at, utc_offset_min, muscle, relief, symptoms,"
            " medications, note, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?)",
            rows,
        )
        connection.commit()


def fill_disk(folder: Path, leave: int = 0) -> Path:
    """Fill the file system holding `folder`, leaving about `leave` bytes free."""
    filler = folder / "filler"
    with open(filler, "wb", buffering=0) as stream, contextlib.suppress(OSError):
        while True:
            stream.write(b"\0" * 4096)
    if leave:
        os.truncate(filler, max(0, filler.stat().st_size - leave))
    return filler


def root_page(path: Path, table: str) -> int:
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
        row = connection.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,))
        return int(row.fetchone()[0])


def scribble(path: Path, page: int, pages: int = 1, seed: int = 9) -> None:
    """Overwrite whole pages (1-based, as SQLite counts them) with noise, as a bad disk would."""
    import random

    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    noise = random.Random(seed).randbytes(page_size * pages)
    with open(path, "r+b") as stream:
        stream.seek((page - 1) * page_size)
        stream.write(noise)


def damage(path: Path, how: str) -> None:
    """The kinds of damage the tests use, each one SQLite can see on a command's way."""
    if how == "truncated":
        os.truncate(path, path.stat().st_size // 2)
    elif how == "header":
        with open(path, "r+b") as stream:
            stream.write(b"not a database!!")
    elif how == "schema":
        scribble(path, 1, seed=1)
        with open(path, "r+b") as stream:  # keep the magic so SQLite itself must judge the rest
            stream.write(b"SQLite format 3\x00")
    elif how == "episodes":
        scribble(path, root_page(path, "episodes"))
    elif how == "history":
        scribble(path, root_page(path, "changes"))
    elif how == "empty":
        os.truncate(path, 0)
    else:
        raise ValueError(how)


DAMAGE = ("truncated", "header", "schema", "episodes", "history")


def write_episodes_csv(path: Path, rows: int, prefix: str = "imp") -> None:
    """An import file of `rows` distinct episodes (7 minutes apart) with notes prefix-0, ..."""
    import csv
    import datetime as dt

    start = dt.datetime(2020, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    with open(path, "w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["started_at", "muscle", "side", "duration_s", "severity", "note"])
        for i in range(rows):
            when = (start + dt.timedelta(minutes=7 * i)).isoformat()
            writer.writerow([when, "calf", "left", 60 + i % 300, i % 11, f"{prefix}-{i}"])
