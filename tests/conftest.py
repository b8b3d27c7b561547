"""Shared fixtures: a real diary file under tmp_path, a CLI runner bound to it, a fixed clock."""

from __future__ import annotations

import atexit
import functools
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import typer.main
import typer.testing
from typer.testing import CliRunner, Result

from spasmlog.cli import app

# A fixed "now" in a real time zone (IANA rules, summer time from 29 March): relative phrases
# ("yesterday 23:30") are then exact, and a July date gets July's offset.
NOW = "2026-03-15T12:00:00+01:00"
ZONE = "Europe/Berlin"


# Settings and state of child processes started with an environment of their own, in a folder of
# this test process, never the real home's (the `_own_settings` fixture gives each test its own).
_CHILD_HOME = Path(tempfile.mkdtemp(prefix="spasmlog-test-home-"))
atexit.register(shutil.rmtree, _CHILD_HOME, ignore_errors=True)
SETTINGS = {
    "SPASMLOG_CONFIG": str(_CHILD_HOME / "config.toml"),
    "SPASMLOG_STATE": str(_CHILD_HOME / "state"),
}
CLOCK = {"SPASMLOG_NOW": NOW, "SPASMLOG_TZ": ZONE, **SETTINGS}  # for a child's environment


def pin_clock(patch: pytest.MonkeyPatch, now: str = NOW, zone: str = ZONE) -> None:
    patch.setenv("SPASMLOG_NOW", now)
    patch.setenv("SPASMLOG_TZ", zone)


@pytest.fixture(autouse=True)
def _fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    pin_clock(monkeypatch)
    monkeypatch.delenv("SPASMLOG_DB", raising=False)


@pytest.fixture(autouse=True)
def _own_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Each test's settings file and state folder are its own, under tmp_path."""
    monkeypatch.setenv("SPASMLOG_CONFIG", str(tmp_path / "settings" / "config.toml"))
    monkeypatch.setenv("SPASMLOG_STATE", str(tmp_path / "state"))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "private" / "diary.db"


Run = Callable[..., Result]


@functools.cache
def _command(typer_app: typer.Typer) -> Any:
    return typer.main.get_command(typer_app)


@pytest.fixture(autouse=True)
def _build_cli_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Typer rebuilds the whole command tree on every CliRunner.invoke (0.2-0.4 s with every
    command registered); building it once per worker keeps the suite fast."""
    monkeypatch.setattr(typer.testing, "_get_command", _command)


@pytest.fixture
def run(db_path: Path) -> Run:
    """Invoke spasmlog in-process against this test's diary: run("log", "--muscle", "calf")."""
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None) -> Result:
        return runner.invoke(app, ["--db", str(db_path), *args], input=input)

    return invoke


SEED = (
    ("--muscle", "calf", "--side", "left", "--at", "2026-03-14T23:30", "--severity", "6"),
    ("--muscle", "foot", "--at", "2026-03-13T03:00", "--duration", "2m", "--fluid", "1L"),
    ("--muscle", "neck", "--at", "2026-03-10T08:15", "--exercise", "run 45m vigorous"),
)


@pytest.fixture(scope="session")
def _seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("seeded") / "diary.db"
    with pytest.MonkeyPatch.context() as patch:
        pin_clock(patch)
        for args in SEED:
            result = CliRunner().invoke(app, ["--db", str(path), "log", *args])
            assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def seeded(_seeded_template: Path, db_path: Path) -> Path:
    """This test's diary holding three episodes (IDs 1-3, see SEED), every connection closed:
    the baseline for checking that a rejected command leaves the file byte-identical."""
    db_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    shutil.copyfile(_seeded_template, db_path)
    db_path.chmod(0o600)
    return db_path


def run_process(db_path: Path, *args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    """Run spasmlog as a real process (`python -m spasmlog`)."""
    env = {
        **os.environ,
        "SPASMLOG_NOW": os.environ.get("SPASMLOG_NOW", NOW),
        "SPASMLOG_TZ": os.environ.get("SPASMLOG_TZ", ZONE),
        **{name: os.environ.get(name, value) for name, value in SETTINGS.items()},
    }
    return subprocess.run(
        [sys.executable, "-m", "spasmlog", "--db", str(db_path), *args],
        capture_output=True,
        text=True,
        env=env,
        **kwargs,  # type: ignore[call-overload]
    )


def diary_fingerprint(db_path: Path) -> str:
    """A hash of every byte of the diary and its WAL: equal before and after means untouched."""
    digest = hashlib.sha256()
    for path in (db_path, db_path.with_name(db_path.name + "-wal")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes() if path.exists() else b"<absent>")
    return digest.hexdigest()
