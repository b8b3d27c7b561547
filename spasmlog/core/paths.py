"""Where the diary lives, where spasmlog keeps its own state, and making files private (0600
files in 0700 folders)."""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "SPASMLOG_DB"
STATE_VAR = "SPASMLOG_STATE"
DB_NAME = "diary.db"


def default_db_path() -> Path:
    import platformdirs  # light, but only needed when no path was given

    return platformdirs.user_data_path("spasmlog", appauthor=False) / DB_NAME


def state_dir() -> Path:
    """spasmlog's own state on this computer, never health data (which notice was shown
    today): $SPASMLOG_STATE, else the platform's user state folder."""
    chosen = os.environ.get(STATE_VAR)
    if chosen:
        return Path(chosen).expanduser().absolute()
    import platformdirs

    return platformdirs.user_state_path("spasmlog", appauthor=False)


def resolve_db_path(option: str | Path | None) -> Path:
    """`--db` wins over $SPASMLOG_DB, which wins over the platform's user-data folder."""
    chosen = option or os.environ.get(ENV_VAR) or default_db_path()
    return Path(chosen).expanduser().absolute()


def make_private_dir(folder: Path) -> None:
    """Create `folder` (and missing parents) as 0700; folders that already exist keep their mode."""
    missing = []
    probe = folder
    while not probe.exists():
        missing.append(probe)
        probe = probe.parent
    for created in reversed(missing):
        created.mkdir(mode=0o700, exist_ok=True)
        os.chmod(created, 0o700)


def create_private_file(path: Path) -> int:
    """Open `path` for writing, creating it 0600 if missing; returns the OS file descriptor."""
    make_private_dir(path.parent)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    os.chmod(path, 0o600)
    return fd


def write_private_bytes(path: Path, data: bytes, overwrite: bool) -> None:
    """Write a whole export file as 0600, never replacing an existing file unless asked."""
    make_private_dir(path.parent)
    flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if overwrite else os.O_EXCL)
    fd = os.open(path, flags, 0o600)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb", closefd=False) as stream:
            stream.write(data)
    finally:
        os.close(fd)
