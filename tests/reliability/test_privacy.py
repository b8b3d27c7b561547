"""Privacy: every file spasmlog writes is 0600 in 0700 folders whatever the umask, no command
opens a socket, and neither messages nor tracebacks show what a note says."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from spasmlog.cli import app
from spasmlog.diary import episodes
from tests.conftest import NOW, Run
from tests.reliability.helpers import (
    WORKERS,
    Outcome,
    child_env,
    invoke,
    run_script,
    spasmlog,
    umask_zero,
    write_episodes_csv,
)

SECRET = "my-private-note-7f3a"


def _mode(path: Path) -> str:
    return oct(stat.S_IMODE(path.stat().st_mode))


def test_wal_and_shm_made_by_a_writer_are_private(tmp_path: Path) -> None:
    """Caught while a writer (umask 000) has them open: SQLite removes them when it closes."""
    db = tmp_path / "spasmlog" / "diary.db"
    writer = subprocess.Popen(
        [sys.executable, str(WORKERS), "log", str(db), "w", "400"],
        stdout=subprocess.DEVNULL,
        env=child_env(),
        preexec_fn=umask_zero,
    )
    modes: dict[str, str] = {}
    deadline = time.monotonic() + 120
    try:
        while len(modes) < 2 and writer.poll() is None and time.monotonic() < deadline:
            for journal in ("diary.db-wal", "diary.db-shm"):
                try:
                    modes[journal] = _mode(db.with_name(journal))
                except FileNotFoundError:
                    pass
    finally:
        writer.kill()
        writer.communicate()
    assert modes == {"diary.db-wal": "0o600", "diary.db-shm": "0o600"}


NO_SOCKETS = textwrap.dedent('''
    """Loaded by every child through PYTHONPATH: any socket at all is refused and recorded."""
    import os
    import socket

    _LOG = os.environ["SPASMLOG_SOCKET_LOG"]
    with open(_LOG, "a") as _stream:
        _stream.write("loaded\\n")


    def _refuse(*args, **kwargs):
        with open(_LOG, "a") as stream:
            stream.write(f"socket {args!r}\\n")
        raise OSError("network access refused by spasmlog's privacy test")


    class _NoSocket(socket.socket):
        def __init__(self, *args, **kwargs):
            _refuse(*args)


    socket.socket = _NoSocket
    socket.create_connection = _refuse
    socket.getaddrinfo = _refuse
    socket.socketpair = _refuse
''')


@dataclass(frozen=True)
class Everything:
    """Every command, run once by children started with umask 000 and no sockets allowed."""

    root: Path
    db: Path
    outcomes: list[Outcome]
    sockets: list[str]


@pytest.fixture(scope="module")
def everything(tmp_path_factory: pytest.TempPathFactory) -> Everything:
    root = tmp_path_factory.mktemp("privacy")
    (root / "guard").mkdir()
    (root / "guard" / "sitecustomize.py").write_text(NO_SOCKETS)
    record = root / "sockets.log"
    path = os.pathsep.join([str(root / "guard"), os.environ.get("PYTHONPATH", "")])
    env = child_env(PYTHONPATH=path, SPASMLOG_SOCKET_LOG=str(record), SPASMLOG_NOW=NOW)
    db = root / "a" / "b" / "diary.db"
    write_episodes_csv(root / "in.csv", 30)
    out, copy = root / "exports" / "new", root / "copies" / "deep" / "copy.db"
    commands = [
        ["edit", "1", "--duration", "2m"], ["list"], ["show", "1"], ["undo"],
        ["checkin", "--fluid", "1L", "--tag", "coffee"], ["checkins"],
        ["meds", "add", "Lipitor"], ["meds", "list"],
        ["labs", "add", "potassium", "3.2", "mmol/L"], ["labs", "list"],
        ["import", str(root / "in.csv"), "--kind", "episodes"],
        ["report", "weekly", "--out", str(out / "w.png")], ["report", "factors"],
        ["export", "csv", "--what", "episodes", "--out", str(out / "e.csv")],
        ["export", "json", "--out", str(out / "d.json")],
        ["export", "fhir", "--out", str(out / "f.json")],
        ["export", "doctor", "--out", str(out / "s.html")],
        ["export", "doctor", "--out", str(out / "s.md")],
        ["db", "check"], ["db", "backups"], ["db", "path"],
        ["db", "backup", str(copy)], ["db", "restore", "--yes", str(copy)],
    ]  # fmt: skip
    first = spasmlog(
        db, "log", "--muscle", "calf", "--note", SECRET, env=env, preexec=umask_zero
    )  # through `python -m spasmlog`, like the last one
    outcomes = run_script(db, commands, env=env, preexec=umask_zero)
    last = spasmlog(
        db, "export", "doctor", "--out", str(out / "s.pdf"), env=env, preexec=umask_zero
    )
    done = [
        Outcome(["log"], first.returncode, first.stdout, first.stderr),
        *outcomes,
        Outcome(["export"], last.returncode, last.stdout, last.stderr),
    ]
    return Everything(root, db, done, record.read_text().splitlines())


def test_every_command_succeeds_under_these_conditions(everything: Everything) -> None:
    failed = [(o.args, o.stderr) for o in everything.outcomes if o.returncode != 0]
    assert failed == []


def test_files_are_private_whatever_the_umask(everything: Everything) -> None:
    """Every file and folder the commands made, found by walking the folders they wrote to."""
    root, db = everything.root, everything.db
    made = [root / "a", root / "copies", root / "exports"]
    files = sorted(p for folder in made for p in folder.rglob("*") if p.is_file())
    folders = sorted({*made, *(p for folder in made for p in folder.rglob("*") if p.is_dir())})
    kinds = {"diary.db", "copy.db", "e.csv", "d.json", "f.json", "s.pdf", "s.html", "s.md",
             "w.png"}  # fmt: skip
    assert kinds <= {p.name for p in files}
    assert any(p.parent.name == "backups" for p in files)
    assert any(".replaced-" in p.name for p in files)  # the diary as it was before restore
    assert {str(p): _mode(p) for p in files} == {str(p): "0o600" for p in files}
    assert {str(p): _mode(p) for p in folders} == {str(p): "0o700" for p in folders}
    assert db.parent / "backups" in folders


def test_no_command_opens_a_socket(everything: Everything) -> None:
    assert everything.sockets.count("loaded") == 3  # the guard really was in every process
    assert [line for line in everything.sockets if line != "loaded"] == []


def test_tracebacks_never_show_local_variables() -> None:
    assert app.pretty_exceptions_show_locals is False
    assert app.pretty_exceptions_enable is False


def _explode(*args: object, **kwargs: object) -> None:
    raise RuntimeError(f"boom while saving {SECRET}")


def test_an_unexpected_error_is_one_line_without_the_note(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(episodes, "log_episode", _explode)
    assert run("db", "upgrade").exit_code == 0  # the diary exists: no line saying it was made

    result = run("log", "--muscle", "calf", "--note", SECRET)

    assert result.exit_code == 1
    assert result.stderr == (
        "Error: Unexpected RuntimeError. Nothing was changed; run with --debug for details.\n"
    )
    assert SECRET not in result.output


def test_debug_shows_the_traceback(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    monkeypatch.setattr(episodes, "log_episode", _explode)
    CliRunner().invoke(app, ["--db", str(db_path), "db", "upgrade"])  # the diary exists

    result = CliRunner().invoke(
        app, ["--db", str(db_path), "--debug", "log", "--muscle", "calf", "--note", SECRET]
    )

    assert result.exit_code == 1  # the exit code of an unexpected error, with or without --debug
    assert result.stderr.startswith("Traceback (most recent call last):")
    # Only the exception's own message carries what it was given (here, the note): no local
    # variables, no values sent to the database.
    assert [line for line in result.stderr.splitlines() if SECRET in line] == [
        f"RuntimeError: boom while saving {SECRET}"
    ]
    assert result.stderr.endswith(
        "Error: Unexpected RuntimeError. Nothing was changed; run with --debug for details.\n"
    )


@pytest.mark.parametrize(
    "args",
    [
        ["log", "--muscle", "calf", "--note", SECRET],
        ["log", "--muscle", "calff", "--note", SECRET],
        ["log", "--muscle", "calf", "--severity", "11", "--note", SECRET],
        ["edit", "1", "--note", SECRET],
        ["edit", "99", "--note", SECRET],
        ["checkin", "--sleep", "99", "--note", SECRET],
        ["undo"],
        ["delete", "1"],
    ],
)
def test_messages_never_repeat_a_note(run: Run, args: list[str]) -> None:
    assert run("log", "--muscle", "foot", "--note", SECRET).exit_code == 0

    result = run(*args)

    assert SECRET not in result.output


def test_checkin_confirmation_does_not_repeat_the_note(run: Run) -> None:
    result = run("checkin", "--fluid", "1L", "--note", SECRET)
    assert result.exit_code == 0 and SECRET not in result.output


def _refuse_inserts(db: Path) -> None:
    """A trigger (test-only tampering) makes every new episode fail inside its INSERT."""
    with contextlib.closing(sqlite3.connect(db)) as connection:
        connection.execute(
            "CREATE TRIGGER no_more BEFORE INSERT ON episodes "
            "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
        )
        connection.commit()


def test_a_failed_insert_is_one_line_without_the_note(tmp_path: Path) -> None:
    db = tmp_path / "spasmlog" / "diary.db"
    assert invoke(db, "log", "--muscle", "calf").returncode == 0
    _refuse_inserts(db)

    result = invoke(db, "log", "--muscle", "calf", "--note", SECRET)

    assert result.returncode == 1 and len(result.stderr.splitlines()) == 1
    assert SECRET not in result.stderr + result.stdout


def test_a_debug_traceback_of_a_failed_insert_does_not_carry_the_note(tmp_path: Path) -> None:
    db = tmp_path / "spasmlog" / "diary.db"
    assert invoke(db, "log", "--muscle", "calf").returncode == 0
    _refuse_inserts(db)

    result = spasmlog(db, "--debug", "log", "--muscle", "calf", "--note", SECRET)

    assert result.returncode != 0 and "Traceback" in result.stderr
    assert SECRET not in result.stderr
