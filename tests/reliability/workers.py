"""Child programs for the kill, load, fault and privacy tests: one process running many spasmlog
commands in-process (the real CLI, the real open/lock/BEGIN IMMEDIATE path, without paying a
Python start-up per command), reporting each outcome on stdout as soon as it has returned.

    python workers.py log DB TAG COUNT           log COUNT episodes, notes TAG-0 .. TAG-(COUNT-1)
    python workers.py read DB STOPFILE ARGS...   run `spasmlog ARGS` until STOPFILE exists,
                                                 pausing a moment between runs
    python workers.py script DB < JSON           run each argument list (a JSON list), in order

Each outcome is one JSON line: {"name", "code", "out", "err"}; "code" is the exit code, or
"traceback" when an exception escaped spasmlog's error handling.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
import time
import traceback
from pathlib import Path
from typing import Any

import typer

from spasmlog.cli import app

COMMAND = typer.main.get_command(app)  # built once: Typer rebuilds it on every CliRunner call
READ_PAUSE_S = 0.5  # readers leave the CPU to the writers now and then (2-core machines)


def run(db: str, args: list[str]) -> dict[str, Any]:
    """One command as `spasmlog` would run it (standalone: the exit code via SystemExit)."""
    out, err = io.StringIO(), io.StringIO()
    code: int | str | None = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            COMMAND.main(["--db", db, *args], prog_name="spasmlog")
        except SystemExit as done:
            code = done.code
        except Exception:  # noqa: BLE001 - reported to the test, which fails on it
            code = "traceback"
            traceback.print_exc()
    return {"code": 0 if code is None else code, "out": out.getvalue(), "err": err.getvalue()}


def _report(name: str, outcome: dict[str, Any]) -> bool:
    sys.stdout.write(json.dumps({"name": name, **outcome}) + "\n")
    sys.stdout.flush()
    return outcome["code"] == 0


def log(db: str, tag: str, count: int) -> int:
    failures = 0
    for i in range(count):
        note = f"{tag}-{i}"
        failures += not _report(note, run(db, ["log", "--muscle", "calf", "--note", note]))
    return 1 if failures else 0


def read(db: str, stop: Path, args: list[str]) -> int:
    failures = runs = 0
    while not stop.exists() or runs == 0:
        runs += 1
        failures += not _report(f"read-{runs}", run(db, args))
        time.sleep(READ_PAUSE_S)
    return 1 if failures else 0


def script(db: str) -> int:
    for number, args in enumerate(json.loads(sys.stdin.read())):
        _report(str(number), run(db, args))
    return 0


if __name__ == "__main__":
    mode, db, *rest = sys.argv[1:]
    if mode == "log":
        sys.exit(log(db, rest[0], int(rest[1])))
    if mode == "read":
        sys.exit(read(db, Path(rest[0]), rest[1:]))
    sys.exit(script(db))
