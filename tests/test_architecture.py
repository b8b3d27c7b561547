"""The layers of ARCHITECTURE.md hold: import-linter's contracts (pyproject.toml) are kept, and
what a contract on imports cannot see is checked here: only the front ends print, and only the
store speaks SQL."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "spasmlog"
FRONT_ENDS = ("cli", "web")
# What only the store may call: raw SQL on a connection, or SQLite directly.
SQL_CALLS = {"exec_driver_sql", "execute", "executemany", "executescript", "connect"}


def modules(*layers: str) -> list[Path]:
    return sorted(path for layer in layers for path in (PACKAGE / layer).rglob("*.py"))


def calls(path: Path) -> list[tuple[int, str]]:
    """(line, name) of every call in a module: `print(...)` is "print", `x.y(...)` is "y"."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            found.append((node.lineno, name))
    return found


@pytest.mark.skipif(
    shutil.which("lint-imports", path=str(Path(sys.executable).parent)) is None,
    reason="import-linter is a dev tool: make lint installs it",
)
def test_the_import_contracts_are_kept() -> None:
    lint = Path(sys.executable).parent / "lint-imports"
    done = subprocess.run(
        [str(lint), "--no-cache"], cwd=PACKAGE.parent, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout[-3000:]
    assert "0 broken" in done.stdout


def test_only_the_front_ends_print() -> None:
    below = ("core", "knowledge", "db", "diary", "reports", "interchange")
    printing = [
        f"{path.relative_to(PACKAGE)}:{line}"
        for path in modules(*below)
        for line, name in calls(path)
        if name == "print"
    ]
    assert printing == []


def test_only_the_store_speaks_sql() -> None:
    layers = ("core", "knowledge", "diary", "reports", "interchange", *FRONT_ENDS)
    speaking = [
        f"{path.relative_to(PACKAGE)}:{line} {name}()"
        for path in modules(*layers)
        for line, name in calls(path)
        if name in SQL_CALLS
    ]
    assert speaking == []
