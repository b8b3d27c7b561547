"""Remake tests/data/diary-0001.db: a diary as spasmlog wrote it at schema revision 0001.

The migration test upgrades a copy of it and checks that no row is lost. The rows are written with
raw SQL (the models are at head and cannot write an old schema), in the storage format spasmlog
uses: naive UTC times with the entry's UTC offset in minutes, lists as JSON arrays, 1/0 booleans.

Run it from the project folder: .venv/bin/python tests/make_fixture_diary.py
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sqlite3
from pathlib import Path

from alembic import command

from spasmlog.db.migrate import alembic_config
from spasmlog.db.store import make_engine

REVISION = "0001"
FIXTURE = Path(__file__).parent / "data" / f"diary-{REVISION}.db"
MADE = "2026-03-07 07:00:00.000000"
DELETED = "2026-03-08 09:00:00.000000"

# fmt: off
# id, started_at (UTC), utc_offset_min, activity, minutes, intensity, muscles, source
EXERCISE = [
    (1, "2026-03-01 21:45:00.000000", -300, "run", 45, "vigorous", "[]", "log"),
    (2, "2026-03-05 17:00:00.000000", 60, "swim", 30, None, '["shoulder"]', "exercise"),
]
# id, started_at (UTC), utc_offset_min, duration_s, muscle, side, severity, woke, fluid_ml_24h,
# exercise_session_id, relief, relief_score, symptoms, medications, note, deleted_at
EPISODES = [
    (1, "2026-03-02 04:30:00.000000", -300, 90, "calf", "left", 7, 1, 1500, 1,
     '["stretch", "heat"]', 6, '["numbness"]', '["ibuprofen 200 mg"]', "woke me up", None),
    (2, "2026-03-03 02:00:00.000000", 60, 45, "foot", "right", 4, 0, None, None,
     "[]", None, "[]", "[]", None, None),
    (3, "2026-03-05 18:10:00.000000", 60, 600, "hamstring", "both", 9, None, 800, 2,
     '["massage"]', 2, '["fever", "weakness"]', "[]", "Krampf \u2014 sehr stark, \u00e9t\u00e9", None),
    (4, "2026-03-06 23:00:00.000000", 330, None, "lower back", "none", None, None, None, None,
     "[]", None, "[]", "[]", "=SUM(A1)", None),
    (5, "2026-03-07 06:15:00.000000", 60, 120, "toes", "left", 3, 1, 2000, None,
     '["rest"]', 8, "[]", '["amlodipine 5 mg"]', "deleted by mistake", DELETED),
]
# id, made_at, action, summary, undone_at
CHANGES = [
    (1, MADE, "log", "logged episode #1 calf (left), 2026-03-01 23:30", None),
    (2, MADE, "log", "logged episode #2 foot (right), 2026-03-03 03:00", None),
    (3, DELETED, "delete", "deleted episode #5 toes (left), 2026-03-07 07:15", None),
]
# id, change_id, table_name, row_id, before
CHANGE_ROWS: list[tuple[int, int, str, int, str | None]] = [
    (1, 1, "exercise_sessions", 1, None),
    (2, 1, "episodes", 1, None),
    (3, 2, "episodes", 2, None),
    (4, 3, "episodes", 5, None),  # `before` filled in below: episode 5 as it was
]
# fmt: on


def _snapshot(row: tuple[object, ...]) -> str:
    """An episode row as spasmlog.db.history.snapshot() stores it, before it was deleted."""
    names = (
        "id started_at utc_offset_min duration_s muscle side severity woke fluid_ml_24h "
        "exercise_session_id relief relief_score symptoms medications note deleted_at"
    ).split()
    values = dict(zip(names, row, strict=True))
    for key in ("relief", "symptoms", "medications"):
        values[key] = json.loads(str(values[key]))
    values["woke"] = None if values["woke"] is None else bool(values["woke"])
    values["started_at"] = _iso(str(values["started_at"]))
    values.update(created_at=_iso(MADE), updated_at=_iso(MADE), deleted_at=None)
    return json.dumps(values)


def _iso(stored: str) -> str:
    return dt.datetime.fromisoformat(stored).replace(tzinfo=dt.UTC).isoformat()


CHANGE_ROWS[3] = (*CHANGE_ROWS[3][:4], _snapshot(EPISODES[4]))


def make(path: Path = FIXTURE) -> Path:
    """Write a fresh diary at REVISION to `path` (replacing it) and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    path.touch()
    with contextlib.closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA journal_mode = WAL")  # as spasmlog creates every diary
    engine = make_engine(path)
    try:
        command.upgrade(alembic_config(engine), REVISION)
    finally:
        engine.dispose()
    with contextlib.closing(sqlite3.connect(path)) as connection, connection:
        connection.executemany(
            "INSERT INTO exercise_sessions (id, started_at, utc_offset_min, activity, minutes, "
            "intensity, muscles, source, created_at, updated_at, deleted_at) "
            f"VALUES (?, ?, ?, ?, ?, ?, ?, ?, '{MADE}', '{MADE}', NULL)",
            EXERCISE,
        )
        connection.executemany(
            "INSERT INTO episodes (id, started_at, utc_offset_min, duration_s, muscle, side, "
            "severity, woke, fluid_ml_24h, exercise_session_id, relief, relief_score, symptoms, "
            "medications, note, deleted_at, created_at, updated_at) "
            f"VALUES ({', '.join('?' * 16)}, '{MADE}', '{MADE}')",
            EPISODES,
        )
        connection.executemany("INSERT INTO changes VALUES (?, ?, ?, ?, ?)", CHANGES)
        connection.executemany("INSERT INTO change_rows VALUES (?, ?, ?, ?, ?)", CHANGE_ROWS)
    return path


if __name__ == "__main__":
    print(f"Wrote {make()}")
