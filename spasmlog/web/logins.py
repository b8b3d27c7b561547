"""Who may use the web app: one-time login links, a session per device, the signing secret.

Everything lives in two files beside the diary, both 0600: `<diary>-web-secret` (32 random bytes,
hex: signs the session cookies, so sessions survive restarts) and `<diary>-web-sessions.json`
(the pending links and the sessions, by SHA-256 of their tokens only, and the address of the
running server, so that `serve --new-link` in another terminal can print a link to it). Writers
take an exclusive flock on the secret file, so the server's threads and a `serve --new-link`
process never lose each other's changes. No diary data is kept here.

A link carries 256 random bits, works once and for LINK_TTL; redeeming it makes a session of its
own (one per device), kept while used at least every SESSION_TTL (sliding).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import hmac
import json
import os
import re
import secrets
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spasmlog.core.errors import NotFound, StorageError
from spasmlog.core.paths import create_private_file, make_private_dir

LINK_TTL = dt.timedelta(hours=1)
SESSION_TTL = dt.timedelta(days=90)
REFRESH_AFTER = dt.timedelta(hours=1)  # a session's "last used" is written at most this often
TOKEN_BYTES = 32  # 256 bits
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")  # token_urlsafe(32)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds")


def _parse(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


@dataclass(frozen=True)
class Device:
    """A logged-in browser, as `serve --devices` lists it."""

    id: str  # the first 8 hex digits of its token's digest: enough to name it, useless to use
    device: str  # "iPhone Safari": from its User-Agent, when it logged in
    created: dt.datetime
    last_used: dt.datetime
    expires: dt.datetime


@dataclass(frozen=True)
class Checked:
    """A valid session cookie: the device's id, and a fresh cookie when the expiry slid on."""

    device_id: str
    refreshed: str | None


def device_name(user_agent: str) -> str:
    """ "Mozilla/5.0 (iPhone; ...) ... Safari/604.1" -> "iPhone Safari"."""
    platforms = (("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android"),
                 ("CrOS", "ChromeOS"), ("Macintosh", "Mac"), ("Windows", "Windows"),
                 ("Linux", "Linux"))  # fmt: skip
    browsers = (("Firefox/", "Firefox"), ("FxiOS", "Firefox"), ("Edg", "Edge"),
                ("CriOS", "Chrome"), ("Chrome/", "Chrome"), ("Safari/", "Safari"))  # fmt: skip
    platform = next((name for key, name in platforms if key in user_agent), "")
    browser = next((name for key, name in browsers if key in user_agent), "")
    return " ".join(part for part in (platform, browser) if part) or "a browser"


class Logins:
    """The login files of one diary."""

    def __init__(self, diary: Path) -> None:
        self.secret_path = diary.with_name(diary.name + "-web-secret")
        self.state_path = diary.with_name(diary.name + "-web-sessions.json")
        self._lock = threading.Lock()  # flock is per process; threads queue here first
        self._secret: bytes | None = None

    # --- the files -------------------------------------------------------------------------

    def secret(self) -> bytes:
        """The signing secret, made on first use (32 random bytes, 0600)."""
        if self._secret is None:
            make_private_dir(self.secret_path.parent)
            with contextlib.suppress(FileExistsError):
                fd = os.open(self.secret_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                try:
                    os.fchmod(fd, 0o600)
                    os.write(fd, secrets.token_hex(32).encode())
                finally:
                    os.close(fd)
            text = self.secret_path.read_text().strip()
            if not re.fullmatch(r"[0-9a-f]{64}", text):
                raise StorageError(
                    f"{self.secret_path} is not a spasmlog secret (64 hex digits). Remove it to "
                    "make a new one; every device then logs in again."
                )
            self._secret = bytes.fromhex(text)
        return self._secret

    @contextlib.contextmanager
    def _state(self) -> Iterator[dict[str, Any]]:
        """The sessions file, locked; changes made to the dict are written back atomically."""
        self.secret()
        with self._lock:
            fd = os.open(self.secret_path, os.O_RDONLY)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                state = self._read()
                before = json.dumps(state, sort_keys=True)
                yield state
                if json.dumps(state, sort_keys=True) != before:
                    self._write(state)
            finally:
                os.close(fd)  # releases the flock

    def _read(self) -> dict[str, Any]:
        try:
            state = json.loads(self.state_path.read_text())
        except FileNotFoundError:
            state = {}
        except (ValueError, OSError):
            state = {}  # damaged: every device logs in again, nothing else is lost
        if not isinstance(state, dict):
            state = {}
        for key in ("links", "sessions"):
            if not isinstance(state.get(key), dict):
                state[key] = {}
        return state

    def _write(self, state: dict[str, Any]) -> None:
        partial = self.state_path.with_name(self.state_path.name + ".partial")
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
        fd = create_private_file(partial)
        try:
            with os.fdopen(fd, "w", closefd=False) as stream:
                json.dump(state, stream, indent=1, sort_keys=True)
                stream.flush()
                os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(partial, self.state_path)

    # --- links -----------------------------------------------------------------------------

    def new_link(self, now: dt.datetime) -> str:
        """A fresh one-time token (256 bits) for a login link; only its digest is kept."""
        token = secrets.token_urlsafe(TOKEN_BYTES)
        with self._state() as state:
            _prune(state, now)
            state["links"][_digest(token)] = {"expires": _iso(now + LINK_TTL)}
        return token

    def redeem(self, token: str, now: dt.datetime, device: str, replaces: str | None) -> str | None:
        """Exchange a link's token for a new session; returns its cookie value, or None when the
        token is wrong, used or expired. `replaces` is the cookie this browser already had: that
        session ends, so a device has one session."""
        if not _TOKEN.fullmatch(token):
            return None
        wanted = _digest(token)
        with self._state() as state:
            _prune(state, now)
            found = None
            for digest in list(state["links"]):
                if hmac.compare_digest(digest, wanted):  # constant time, whatever matches
                    found = digest
            if found is None:
                return None
            del state["links"][found]
            if replaces:
                old = self._session_digest(replaces)
                if old is not None:
                    state["sessions"].pop(old, None)
            session = secrets.token_urlsafe(TOKEN_BYTES)
            state["sessions"][_digest(session)] = {
                "device": device[:60],
                "created": _iso(now),
                "last_used": _iso(now),
            }
        return self._cookie(session)

    # --- sessions --------------------------------------------------------------------------

    def _cookie(self, session: str) -> str:
        signature = hmac.new(self.secret(), session.encode(), hashlib.sha256).hexdigest()
        return f"{session}.{signature}"

    def _session_digest(self, cookie: str) -> str | None:
        """The digest of a cookie's session when its signature is right, else None."""
        session, _, signature = cookie.partition(".")
        if not _TOKEN.fullmatch(session) or not re.fullmatch(r"[0-9a-f]{64}", signature):
            return None
        expected = hmac.new(self.secret(), session.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, signature):
            return None
        return _digest(session)

    def check(self, cookie: str | None, now: dt.datetime) -> Checked | None:
        """The session a cookie names, if it is signed, known and not expired. Its expiry slides
        on: when it was last used over REFRESH_AFTER ago, that is written, and `refreshed` holds
        the cookie to send again (with a fresh Max-Age)."""
        digest = self._session_digest(cookie) if cookie else None
        if digest is None:
            return None
        state = self._peek()
        entry = state["sessions"].get(digest)
        if entry is None or _parse(entry["last_used"]) + SESSION_TTL <= now:
            return None
        if now - _parse(entry["last_used"]) < REFRESH_AFTER:
            return Checked(digest[:8], None)
        with self._state() as state:
            entry = state["sessions"].get(digest)
            if entry is None:
                return None
            entry["last_used"] = _iso(now)
        return Checked(digest[:8], cookie)

    def _peek(self) -> dict[str, Any]:
        """The file as it is now, read without the lock (it is only ever replaced whole)."""
        return self._read()

    def end(self, cookie: str | None) -> None:
        digest = self._session_digest(cookie) if cookie else None
        if digest is not None:
            with self._state() as state:
                state["sessions"].pop(digest, None)

    def devices(self, now: dt.datetime) -> list[Device]:
        with self._state() as state:
            _prune(state, now)
            sessions = dict(state["sessions"])
        devices = [
            Device(
                id=digest[:8],
                device=entry.get("device", ""),
                created=_parse(entry["created"]),
                last_used=_parse(entry["last_used"]),
                expires=_parse(entry["last_used"]) + SESSION_TTL,
            )
            for digest, entry in sessions.items()
        ]
        return sorted(devices, key=lambda device: device.last_used, reverse=True)

    def revoke(self, which: str, now: dt.datetime) -> int:
        """End the session whose id is `which` (as `serve --devices` shows it), or every one
        ("all"); returns how many ended."""
        wanted = which.strip().lower()
        with self._state() as state:
            _prune(state, now)
            if wanted == "all":
                count = len(state["sessions"])
                state["sessions"] = {}
                state["links"] = {}
                return count
            matches = [digest for digest in state["sessions"] if digest[:8] == wanted]
            if not matches:
                raise NotFound(
                    f"No device {which!r} is logged in. `spasmlog serve --devices` lists them."
                )
            for digest in matches:
                del state["sessions"][digest]
            return len(matches)

    # --- the running server ----------------------------------------------------------------

    def record_server(self, url: str, pid: int) -> None:
        with self._state() as state:
            state["server"] = {"url": url, "pid": pid}

    def clear_server(self, pid: int) -> None:
        with self._state() as state:
            if state.get("server", {}).get("pid") == pid:
                del state["server"]

    def running_server(self) -> str | None:
        """The address of the server serving this diary, if one runs (its process exists)."""
        server = self._peek().get("server")
        if not isinstance(server, dict):
            return None
        try:
            os.kill(int(server["pid"]), 0)
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return str(server.get("url") or "") or None


def _prune(state: dict[str, Any], now: dt.datetime) -> None:
    """Drop expired links and sessions."""
    state["links"] = {
        digest: entry
        for digest, entry in state["links"].items()
        if isinstance(entry, dict) and _parse(entry["expires"]) > now
    }
    state["sessions"] = {
        digest: entry
        for digest, entry in state["sessions"].items()
        if isinstance(entry, dict) and _parse(entry["last_used"]) + SESSION_TTL > now
    }


class Throttle:
    """Wrong login tokens, counted per client address and in all: past the limits, every token
    (a right one too) waits until the window has passed. 256-bit tokens cannot be guessed;
    this keeps a scanner on the network from trying."""

    def __init__(self, per_address: int = 5, overall: int = 30, window_s: float = 60.0) -> None:
        self.per_address, self.overall, self.window_s = per_address, overall, window_s
        self._failures: deque[tuple[float, str]] = deque()
        self._lock = threading.Lock()

    def _recent(self, moment: float) -> None:
        while self._failures and self._failures[0][0] <= moment - self.window_s:
            self._failures.popleft()

    def wait_s(self, address: str) -> int:
        """Seconds before `address` may try again; 0 when it may now."""
        moment = time.monotonic()
        with self._lock:
            self._recent(moment)
            mine = [at for at, who in self._failures if who == address]
            if len(mine) >= self.per_address:
                return max(1, round(mine[0] + self.window_s - moment))
            if len(self._failures) >= self.overall:
                return max(1, round(self._failures[0][0] + self.window_s - moment))
            return 0

    def failed(self, address: str) -> None:
        with self._lock:
            self._failures.append((time.monotonic(), address))
