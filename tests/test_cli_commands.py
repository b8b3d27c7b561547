"""The lazy command table: `spasmlog --help` lists summaries without loading any command, so
the table must match what the commands themselves say, and must miss none of them."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
import typer.main

import spasmlog.cli
from spasmlog.cli.app import COMMANDS, load_command
from tests.conftest import Run


@pytest.mark.parametrize("name", list(COMMANDS))
def test_the_help_line_is_the_commands_own(name: str) -> None:
    command = load_command(name)
    assert command.name == name
    first_paragraph = " ".join((command.help or "").split("\n\n")[0].split())
    assert first_paragraph == COMMANDS[name].summary  # what --help shows for a loaded command


def test_every_command_module_is_reachable_from_the_table() -> None:
    defined: dict[str, str] = {}
    for info in pkgutil.iter_modules(spasmlog.cli.__path__):
        module = importlib.import_module(f"spasmlog.cli.{info.name}")
        if info.name == "app" or not hasattr(module, "app"):
            continue
        for name in typer.main.get_group(module.app).commands:
            defined.setdefault(name, info.name)
    for entry in COMMANDS.values():  # a front end's own command (spasmlog.web.command: serve)
        if entry.module.startswith("spasmlog."):
            module = importlib.import_module(entry.module)
            for name in typer.main.get_group(module.app).commands:
                defined.setdefault(name, entry.module)
    gathered_by_report = {"weekly", "factors"}
    assert {name: module for name, module in defined.items() if name not in gathered_by_report} == {
        name: entry.module for name, entry in COMMANDS.items()
    }


def test_root_help_groups_the_commands_in_panels(run: Run) -> None:
    result = run("--help")
    assert result.exit_code == 0
    for panel in ("Episodes", "Context", "Reports and exports", "The diary"):
        assert panel in result.output
    assert result.output.index("log ") < result.output.index("checkin ")


def test_a_typo_gets_a_suggestion_and_exit_2(run: Run) -> None:
    result = run("lgo")
    assert result.exit_code == 2
    assert "Did you mean 'log'?" in result.output


def test_subcommand_help_loads_the_real_command(run: Run) -> None:
    result = run("report", "--help")
    assert result.exit_code == 0
    assert "weekly" in result.output and "factors" in result.output


def test_every_command_is_in_the_readme_table() -> None:
    from pathlib import Path

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Commands", 1)[1].split("\n\n", 2)[1]
    missing = [name for name in COMMANDS if f"| `{name}" not in table and f", `{name}" not in table]
    assert missing == []
