"""What the pages share: the settings, the app's context (the open diary, the logins, one
writer at a time), rendering, and running a form's write once per nonce.

A write happens once per form: a double tap, or a reload of the POST, sends the same nonce and
gets the first one's outcome (Outcomes). The browser is then sent to the outcome's page (POST,
redirect, GET), which offers Undo of exactly that change.
"""

from __future__ import annotations

import contextlib
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Response, current_app, redirect, render_template

from spasmlog.core import settings as person_settings
from spasmlog.core.errors import InvalidInput
from spasmlog.diary.access import Store
from spasmlog.web.logins import Logins

MAX_BODY = 1024 * 1024  # a form is a few KB; more is refused with 413
WEB_BUSY_TIMEOUT_MS = 3_000  # then the page says "busy, try again" (a command waits 30 s)


@dataclass(frozen=True)
class Settings:
    """What `spasmlog serve` was asked for."""

    diary: Path
    port: int
    bound: tuple[str, ...] = ("127.0.0.1",)
    allow_hosts: tuple[str, ...] = ()
    read_only: bool = False
    busy_timeout_ms: int = WEB_BUSY_TIMEOUT_MS


@dataclass(frozen=True)
class Outcome:
    """What a form did, for its page: a line, the tip and signs after a log, Undo of it."""

    message: str
    change_id: int | None = None
    back: str = "/"
    back_label: str = "Back"
    tip: str | None = None
    signs: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


PENDING = Outcome("")  # a form being written right now


class Outcomes:
    """The forms already done, by nonce (the newest thousand): a second tap, or a reload of the
    POST, gets the first one's outcome instead of writing again."""

    def __init__(self, limit: int = 1000) -> None:
        self.limit = limit
        self._done: OrderedDict[str, Outcome] = OrderedDict()
        self._changed = threading.Condition()

    def claim(self, nonce: str) -> Outcome | None:
        """None: the caller owns this nonce and writes. Else the outcome of the form already
        sent with it (waiting while that one is still being written)."""
        with self._changed:
            while self._done.get(nonce) is PENDING:
                self._changed.wait(timeout=30)
            if nonce in self._done:
                return self._done[nonce]
            self._done[nonce] = PENDING
            while len(self._done) > self.limit:
                self._done.popitem(last=False)
            return None

    def finish(self, nonce: str, outcome: Outcome) -> None:
        with self._changed:
            self._done[nonce] = outcome
            self._changed.notify_all()

    def release(self, nonce: str) -> None:
        """The write failed: the same form may be sent again."""
        with self._changed:
            self._done.pop(nonce, None)
            self._changed.notify_all()

    def get(self, nonce: str) -> Outcome | None:
        with self._changed:
            found = self._done.get(nonce)
        return None if found is PENDING else found


@dataclass
class Context:
    settings: Settings
    store: Store
    logins: Logins
    outcomes: Outcomes = field(default_factory=Outcomes)
    write_lock: threading.Lock = field(default_factory=threading.Lock)
    charts: OrderedDict[tuple[Any, ...], bytes] = field(default_factory=OrderedDict)
    charts_lock: threading.Lock = field(default_factory=threading.Lock)

    def diary_state(self) -> tuple[Any, ...]:
        """Changes whenever anyone writes to the diary (this server, the CLI, an import): the
        history's newest change and undo, and the size and time of the file and its log."""
        from spasmlog.diary import undo

        with self.store.reading() as session:
            state: list[Any] = [*undo.history_mark(session)]
        for path in (self.store.path, self.store.path.with_name(self.store.path.name + "-wal")):
            try:
                status = path.stat()
            except FileNotFoundError:
                state += [0, 0]
            else:
                state += [status.st_size, status.st_mtime_ns]
        return tuple(state)

    def chart(self, key: tuple[Any, ...], draw: Callable[[], bytes]) -> bytes:
        """A drawn chart, again while the diary is unchanged (drawing takes a second or more)."""
        full = (*key, self.diary_state())
        with self.charts_lock:
            found = self.charts.get(full)
        if found is None:
            found = draw()
            with self.charts_lock:
                self.charts[full] = found
                while len(self.charts) > 8:
                    self.charts.popitem(last=False)
        return found

    @contextlib.contextmanager
    def writing(self) -> Iterator[Any]:
        """One write at a time from this server (its threads queue here, not in SQLite's busy
        loop); other processes (the CLI, an import) are waited for up to busy_timeout_ms."""
        with self.write_lock, self.store.writing() as session:
            yield session

    def reading(self) -> contextlib.AbstractContextManager[Any]:
        return self.store.reading()


def context() -> Context:
    found: Context = current_app.extensions["spasmlog"]
    return found


def preferences() -> person_settings.Settings:
    """The person's settings (fluid unit, glass size, week start, low-fluid line), read on each
    request so that `spasmlog config set` shows on the next page. `spasmlog serve` refused to
    start on a broken file; if it breaks while serving, the pages use the defaults."""
    try:
        return person_settings.load()
    except InvalidInput:
        return person_settings.Settings(person_settings.defaults(), person_settings.config_path())


def new_nonce() -> str:
    return secrets.token_urlsafe(16)


def page(template: str, status: int = 200, **values: Any) -> Response:
    settings = context().settings
    values.setdefault("unit", preferences().fluid)  # the fluid boxes' hints
    body = render_template(template, read_only=settings.read_only, **values)
    return Response(body, status=status, mimetype="text/html")


def once(nonce: str, action: Callable[[], Outcome]) -> Response:
    """Run a form's write once per nonce, then show its outcome (POST, redirect, GET)."""
    outcomes = context().outcomes
    if outcomes.claim(nonce) is None:
        try:
            outcome = action()
        except BaseException:
            outcomes.release(nonce)
            raise
        outcomes.finish(nonce, outcome)
    return redirect(f"/done/{nonce}", code=303)  # type: ignore[return-value]
