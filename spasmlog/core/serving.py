"""Where a running `spasmlog serve` listens: `serve.json` in the state folder.

The contract between `spasmlog serve` (which writes it when it starts listening and removes it
when it stops) and whoever links to it (the reminder's notification):

    {"version": 1, "url": "http://127.0.0.1:8765/", "checkin_url": "http://127.0.0.1:8765/checkin",
     "pid": 12345}

`url` is the app's address; `checkin_url`, if present, the page for today's check-in; `pid` the
server's process id. Both URLs must be plain http(s) on the loopback interface (127.0.0.1,
localhost or [::1]): anything else is ignored, so a stray file can never point a notification
elsewhere. A file whose process has gone (a server that was killed) is ignored too. The file is
0600, like everything spasmlog writes, and holds no health data.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from spasmlog.core.paths import write_private_bytes

FILE_NAME = "serve.json"
VERSION = 1
LOOPBACK = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class ServeInfo:
    url: str
    checkin_url: str | None = None
    pid: int | None = None

    @property
    def link(self) -> str:
        """Where a reminder sends the person: the check-in page, else the app."""
        return self.checkin_url or self.url


def _local(url: object) -> bool:
    if not isinstance(url, str):
        return False
    try:
        parts = urlsplit(url)
        return parts.scheme in ("http", "https") and parts.hostname in LOOPBACK
    except ValueError:
        return False


def _running(pid: int) -> bool:
    if sys.platform == "win32":
        return True  # os.kill(pid, 0) would end the process on Windows; trust the file
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, as another user: not ours, but alive
    return True


def read(state: Path) -> ServeInfo | None:
    """The running server's addresses, or None (no file, a bad one, or its server is gone)."""
    try:
        data = json.loads((state / FILE_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not _local(data.get("url")):
        return None
    checkin = data.get("checkin_url")
    pid = data.get("pid")
    if isinstance(pid, int) and not isinstance(pid, bool) and not _running(pid):
        return None
    return ServeInfo(
        url=data["url"],
        checkin_url=checkin if _local(checkin) else None,
        pid=pid if isinstance(pid, int) else None,
    )


def write(state: Path, info: ServeInfo) -> Path:
    """For `spasmlog serve`, once it listens."""
    if not _local(info.url) or (info.checkin_url is not None and not _local(info.checkin_url)):
        raise ValueError("serve.json takes loopback http(s) URLs only")
    data = {"version": VERSION, "url": info.url, "checkin_url": info.checkin_url, "pid": info.pid}
    path = state / FILE_NAME
    write_private_bytes(path, json.dumps(data).encode("utf-8"), overwrite=True)
    return path


def remove(state: Path) -> None:
    """For `spasmlog serve`, when it stops."""
    (state / FILE_NAME).unlink(missing_ok=True)
