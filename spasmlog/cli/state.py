"""What the root options set for every command: the diary file chosen and --debug."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import typer

from spasmlog.core.paths import resolve_db_path


@dataclass
class State:
    db: Path | None = None
    debug: bool = False


def diary_path(ctx: typer.Context) -> Path:
    """The diary file this command uses: --db, else $SPASMLOG_DB, else the data folder's."""
    state = ctx.find_object(State) or State()
    return resolve_db_path(state.db)
