"""Which see-a-doctor notices `spasmlog log` shows: each sign once a day, or every time.

A person with frequent cramps would otherwise read the same notice after nearly every `log`. Which
sign was shown on which day is a mark kept outside the diary, in spasmlog's state folder
(spasmlog.core.paths.state_dir), never in the diary: it is about the screen, not about the person's
health, and the diary stays the same whatever was shown. A mark that cannot be read or written
(a read-only home, a damaged file) costs a repeated notice, never a missing one.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from pathlib import Path

from spasmlog.core.paths import state_dir, write_private_bytes

ONCE_A_DAY = "once a day"
EVERY_TIME = "every time"
HOW_OFTEN = (ONCE_A_DAY, EVERY_TIME)
MARKS_FILE = "doctor-notices.json"  # {diary path: {sign id: last local date shown}}


def _marks_path() -> Path:
    return state_dir() / MARKS_FILE


def _read_marks(path: Path) -> dict[str, dict[str, str]]:
    try:
        marks = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return marks if isinstance(marks, dict) else {}


def due(
    signs: Iterable[str], diary: Path, today: dt.date, how_often: str = ONCE_A_DAY
) -> list[str]:
    """The signs (ids, as spasmlog.knowledge.factors.DoctorSign has them) to show now for
    `diary`, in the order given, and marks them shown `today`. Every time: all of them."""
    wanted = list(dict.fromkeys(signs))
    if how_often == EVERY_TIME or not wanted:
        return wanted
    path = _marks_path()
    marks = _read_marks(path)
    shown = marks.get(str(diary))
    shown = shown if isinstance(shown, dict) else {}
    fresh = [sign for sign in wanted if shown.get(sign) != today.isoformat()]
    if fresh:
        shown.update(dict.fromkeys(fresh, today.isoformat()))
        marks[str(diary)] = shown
        try:
            write_private_bytes(path, json.dumps(marks, indent=1).encode(), overwrite=True)
        except OSError:
            pass  # the notice is shown again next time: better twice than never
    return fresh
