"""A real `spasmlog serve` process and Debian's chromium, for the browser tests and
`make screenshots`. The server binds 127.0.0.1 on a free port; the browser is told to make no
connection of its own (no updates, no sync, no background networking)."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",  # root in CI; the page is our own
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-default-apps",
    "--disable-extensions",
]
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 1,
    "is_mobile": True,
    "has_touch": True,
    "user_agent": "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Mobile Safari/537.36",
}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}


def chromium_path() -> str | None:
    found = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    return found


@dataclass
class Live:
    base: str  # http://127.0.0.1:PORT
    link: str  # a one-time login link
    process: subprocess.Popen[str]
    output: list[str]

    def new_link(self, diary: Path, env: dict[str, str]) -> str:
        done = run_spasmlog(diary, "serve", "--new-link", env=env)
        assert done.returncode == 0, done.stderr
        return re.findall(r"http://\S+/login\?token=\S+", done.stdout)[-1]


def environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1", **(extra or {})}
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def run_spasmlog(diary: Path, *args: str, env: dict[str, str] | None = None) -> Any:
    return subprocess.run(
        [sys.executable, "-m", "spasmlog", "--db", str(diary), *args],
        capture_output=True, text=True, env=environment(env), timeout=120,
    )  # fmt: skip


@contextlib.contextmanager
def live_server(diary: Path, *args: str, env: dict[str, str] | None = None) -> Iterator[Live]:
    """`spasmlog serve --port 0 ARGS` until the block ends (then Ctrl-C, as a person would)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "spasmlog", "--db", str(diary), "serve", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=environment(env),
    )
    output: list[str] = []
    try:
        assert process.stdout is not None
        for line in process.stdout:
            output.append(line)
            if line.startswith("Login link"):
                break
        text = "".join(output)
        found = re.search(r"(http://\S+?)/login\?token=\S+", text)
        assert found, text
        live = Live(found.group(1), found.group(0), process, output)
        yield live
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                rest, _ = process.communicate(timeout=20)
                output.append(rest)
            except subprocess.TimeoutExpired:
                process.kill()
                process.communicate()


def launch(playwright: Any, *extra: str) -> Any:
    return playwright.chromium.launch(
        executable_path=chromium_path(), args=[*CHROMIUM_ARGS, *extra], headless=True
    )


def demo_diary(folder: Path, days: int = 120) -> Path:
    """A realistic made-up diary (the demo's generator, imported as `spasmlog import` does)."""
    import datetime as dt

    from spasmlog.interchange import demo

    diary = folder / "diary.db"
    end = dt.date.fromisoformat(os.environ.get("SPASMLOG_NOW", "2026-03-15")[:10])
    files = demo.write_csvs(folder / "csv", seed=7, days=days, end=end)
    for kind, path in files.items():
        done = run_spasmlog(diary, "import", str(path), "--kind", kind)
        assert done.returncode == 0, done.stderr
    return diary
