"""The command line as people expect it: help without type noise, shell completion, a diary
named by mistake, a note from a pipe, and a reader that stops reading."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spasmlog.cli import app
from tests.conftest import CLOCK, Run, run_process


def spasmlog(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """A real `spasmlog` process with extra environment variables."""
    return subprocess.run(
        [sys.executable, "-m", "spasmlog", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **CLOCK, **env},
        timeout=60,
    )


# --- help -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args", [("--help",), ("log", "--help"), ("checkin", "--help"), ("report", "weekly", "--help")]
)
def test_help_shows_no_type_beside_a_flag(run: Run, args: tuple[str, ...]) -> None:
    result = run(*args)
    assert result.exit_code == 0
    assert "<bool>" not in result.stdout
    assert "--debug" in result.stdout or "--help" in result.stdout


def test_usage_names_spasmlog_even_under_python_m() -> None:
    done = spasmlog("--help")
    assert "Usage: spasmlog [OPTIONS] COMMAND [ARGS]..." in done.stdout


# --- shell completion --------------------------------------------------------------------------


def from_bash(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`spasmlog` typed at a bash prompt: completion finds the shell among its parent processes
    (under `make` the nearest one is sh, which typer cannot complete for)."""
    return subprocess.run(
        ["bash", "-c", '"$@"; exit $?', "bash", sys.executable, "-m", "spasmlog", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **CLOCK, **env},
        timeout=60,
    )


def test_show_completion_prints_a_script_for_the_shell() -> None:
    done = from_bash("--show-completion")
    assert done.returncode == 0, done.stderr
    assert "_SPASMLOG_COMPLETE=complete_bash" in done.stdout
    assert "complete -o default -F _spasmlog_completion spasmlog" in done.stdout


@pytest.mark.parametrize(
    ("words", "cword", "expected"),
    [
        ("spasmlog me", "1", {"meds"}),
        ("spasmlog meds s", "2", {"stop"}),
        ("spasmlog log --si", "2", {"--side"}),
        ("spasmlog re", "1", {"report", "restore", "redo", "remind"}),
    ],
)
def test_completion_completes_commands_and_options(
    words: str, cword: str, expected: set[str]
) -> None:
    done = spasmlog(_SPASMLOG_COMPLETE="complete_bash", COMP_WORDS=words, COMP_CWORD=cword)
    assert done.returncode == 0, done.stderr
    assert set(done.stdout.split()) == expected


def test_install_completion_writes_the_script_for_the_shell(tmp_path: Path) -> None:
    done = from_bash("--install-completion", HOME=str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "bash completion installed in" in done.stdout
    script = tmp_path / ".bash_completions" / "spasmlog.sh"
    assert "_SPASMLOG_COMPLETE" in script.read_text()
    assert str(script) in (tmp_path / ".bashrc").read_text()


# --- a diary that does not exist ---------------------------------------------------------------


READING = [
    ("list",),
    ("show", "1"),
    ("checkins",),
    ("exercise", "list"),
    ("meds", "list"),
    ("conditions", "list"),
    ("labs", "list"),
    ("report", "weekly", "--no-chart"),
    ("report", "factors"),
    ("export", "json", "--out", "-"),
    ("export", "csv", "--what", "episodes", "--out", "-"),
    ("trial", "list"),
    ("observe",),
    ("undo",),
    ("db", "backup"),
]


@pytest.mark.parametrize("args", READING, ids=[" ".join(a) for a in READING])
def test_a_reading_command_on_a_missing_diary_says_so_and_creates_nothing(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    typo = tmp_path / "diray" / "diary.db"
    result = CliRunner().invoke(app, ["--db", str(typo), *args])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr == (
        f"Error: No diary at {typo}. Check --db or $SPASMLOG_DB; a command that writes, such as "
        "`spasmlog log`, starts a new one.\n"
    )
    assert list(tmp_path.iterdir()) == []  # no file, no folder


def test_spasmlog_db_naming_a_missing_file_is_refused_too(tmp_path: Path) -> None:
    typo = tmp_path / "nope.db"
    done = spasmlog("list", SPASMLOG_DB=str(typo))
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith(f"Error: No diary at {typo}.")
    assert not typo.exists()


def test_a_writing_command_creates_the_diary_and_says_so_once(db_path: Path, run: Run) -> None:
    first = run("log", "--muscle", "calf")
    assert first.exit_code == 0
    assert first.stderr == f"Created a new diary at {db_path}.\n"
    assert first.stdout.startswith("Logged #1: calf")
    second = run("log", "--muscle", "foot")
    assert second.exit_code == 0 and second.stderr == ""
    assert run("list").exit_code == 0


# --- notes from a pipe -------------------------------------------------------------------------


def test_note_dash_reads_the_note_from_a_pipe(db_path: Path, run: Run) -> None:
    done = run_process(db_path, "log", "--muscle", "calf", "--note", "-", input="kept private\n")
    assert done.returncode == 0, done.stderr
    done = run_process(
        db_path, "checkin", "--fluid", "1L", "--note", "-", input="a hot day\nand a long walk\n"
    )
    assert done.returncode == 0, done.stderr
    assert "kept private" not in done.stdout + done.stderr
    shown = run("list", "--format", "csv").stdout
    assert "kept private" in shown
    assert "a hot day\nand a long walk" in run("export", "json", "--out", "-").stdout.replace(
        "\\n", "\n"
    )


def test_note_dash_with_nothing_piped_is_refused(seeded: Path) -> None:
    done = run_process(seeded, "log", "--muscle", "calf", "--note", "-", input="")
    assert done.returncode == 2
    assert done.stderr == (
        "Error: --note: invalid value '-'. Nothing came on standard input: pipe the note in, or "
        "run it on a terminal to be asked for it.\n"
    )


# --- a reader that goes away --------------------------------------------------------------------


@pytest.mark.parametrize("args", [("show", "1"), ("list",), ("--help",)])
def test_a_closed_pipe_ends_quietly(seeded: Path, args: tuple[str, ...]) -> None:
    """`spasmlog show 1 | head -1`: the reader has gone before the first line is written."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "spasmlog", "--db", str(seeded), *args],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, **CLOCK},
            timeout=60,
        )
    finally:
        os.close(write_end)
    assert done.stderr == ""
    assert done.returncode == 1  # as click ends on a closed pipe, without a word
