"""Shared fixtures: a real diary file under tmp_path, a CLI runner bound to it, a fixed clock."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from spasmlog.cli import app

# A fixed "now" with a fixed UTC offset: relative phrases ("yesterday 23:30") are then exact.
NOW = "2026-03-15T12:00:00+01:00"


@pytest.fixture(autouse=True)
def _fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPASMLOG_NOW", NOW)
    monkeypatch.delenv("SPASMLOG_DB", raising=False)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "private" / "diary.db"


Run = Callable[..., Result]


@pytest.fixture
def run(db_path: Path) -> Run:
    """Invoke spasmlog in-process against this test's diary: run("log", "--muscle", "calf")."""
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None) -> Result:
        return runner.invoke(app, ["--db", str(db_path), *args], input=input)

    return invoke


def run_process(db_path: Path, *args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    """Run spasmlog as a real process (`python -m spasmlog`)."""
    env = {**os.environ, "SPASMLOG_NOW": os.environ.get("SPASMLOG_NOW", NOW)}
    return subprocess.run(
        [sys.executable, "-m", "spasmlog", "--db", str(db_path), *args],
        capture_output=True, text=True, env=env, **kwargs,  # type: ignore[call-overload]
    )


def diary_fingerprint(db_path: Path) -> str:
    """A hash of every byte of the diary and its WAL: equal before and after means untouched."""
    digest = hashlib.sha256()
    for path in (db_path, db_path.with_name(db_path.name + "-wal")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes() if path.exists() else b"<absent>")
    return digest.hexdigest()
