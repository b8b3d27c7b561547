"""Startup weight: the everyday commands never import the analysis stack (or Alembic, once the
diary exists), so that logging a cramp at 3 a.m. is instant."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CLOCK

HEAVY = {"pandas", "numpy", "matplotlib", "scipy", "statsmodels", "reportlab", "alembic"}
PROBE = """
import json, sys
from spasmlog.cli import app
try:
    app(sys.argv[1:], standalone_mode=False)
except SystemExit:
    pass
print("\\nMODULES " + json.dumps(sorted(sys.modules)))
"""


def imported_by(db: Path, *args: str) -> tuple[str, set[str]]:
    """Run spasmlog with `args` in a fresh interpreter; its output and top-level packages."""
    output, modules = modules_imported_by(db, *args)
    return output, {name.split(".")[0] for name in modules}


def modules_imported_by(db: Path, *args: str) -> tuple[str, set[str]]:
    """Run spasmlog with `args` in a fresh interpreter; its output and every module it imported."""
    env = {**os.environ, **CLOCK}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "--db", str(db), *args],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    output, _, modules = done.stdout.rpartition("\nMODULES ")
    return output, set(json.loads(modules))


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("log", "--muscle", "calf", "--severity", "8", "--fluid", "1L"), "Logged #4: calf"),
        (("--help",), "A private, local muscle-spasm diary"),
        (("list", "--format", "json"), '"muscle": "neck"'),
    ],
    ids=["log", "--help", "list"],
)
def test_everyday_commands_stay_light(seeded: Path, args: tuple[str, ...], expected: str) -> None:
    output, modules = imported_by(seeded, *args)
    assert expected in output  # the command really ran
    assert "sqlalchemy" in modules or args == ("--help",)  # the probe sees real imports
    assert modules & HEAVY == set()


def test_the_first_log_needs_alembic_only(tmp_path: Path) -> None:
    output, modules = imported_by(tmp_path / "new" / "diary.db", "log", "--muscle", "calf")
    assert "Logged #1: calf" in output
    assert modules & HEAVY == {"alembic"}  # creating the diary stamps its schema revision


def command_modules(modules: set[str]) -> set[str]:
    return {name for name in modules if name.startswith("spasmlog.cli.")} - {
        "spasmlog.cli.app",
        "spasmlog.cli.common",
        "spasmlog.cli.state",
    }


def test_help_imports_no_command_module_and_no_database_layer(tmp_path: Path) -> None:
    output, modules = modules_imported_by(tmp_path / "diary.db", "--help")
    assert "log" in output and "Log a spasm" in output
    assert command_modules(modules) == set()
    assert not any(name.split(".")[0] in HEAVY | {"sqlalchemy"} for name in modules)
    assert not (tmp_path / "diary.db").exists()


def test_log_imports_only_the_episode_commands(seeded: Path) -> None:
    output, modules = modules_imported_by(seeded, "log", "--muscle", "calf")
    assert "Logged #4: calf" in output
    assert command_modules(modules) == {"spasmlog.cli.episodes"}
    assert (
        not {
            "spasmlog.diary.checkins",
            "spasmlog.interchange.importing.importer",
            "spasmlog.reports",
        }
        & modules
    )


WEB_STACK = {"flask", "werkzeug", "jinja2", "waitress", "segno", "itsdangerous", "markupsafe"}


@pytest.mark.parametrize(
    "args",
    [
        ("--help",),
        ("log", "--muscle", "calf"),
        ("report", "weekly", "--no-chart"),
        ("report", "factors"),
    ],
    ids=["--help", "log", "report weekly", "report factors"],
)
def test_the_web_stack_is_loaded_by_serve_alone(seeded: Path, args: tuple[str, ...]) -> None:
    output, modules = modules_imported_by(seeded, *args)
    assert output.strip()  # the command ran
    assert {name.split(".")[0] for name in modules} & WEB_STACK == set()
    assert not any(name.startswith("spasmlog.web") for name in modules)


def test_serve_help_names_its_options_without_the_web_stack(seeded: Path) -> None:
    output, modules = modules_imported_by(seeded, "serve", "--help")
    assert "--lan" in output and "--new-link" in output
    assert {name.split(".")[0] for name in modules} & WEB_STACK == set()
