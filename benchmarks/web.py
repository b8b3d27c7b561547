"""Benchmarks of `spasmlog serve` (issue 15), on demand, never in `make test`:

    python benchmarks/web.py [--size 100000] [--runs 30] [--seconds 30] [--clients 8]

Builds a diary of SIZE episodes (benchmarks/run.py's build_diary: the demo generator and
`spasmlog import`), starts a real `spasmlog serve` on 127.0.0.1 (a free port), logs in, warms it
up, then measures over HTTP from this process:

- saving an episode (POST /log to its 303; budget: median < 50 ms),
- the Log and Diary pages (budget: median < 100 ms each),
- the weekly chart page: /reports and the chart it shows, /reports/weekly.svg (budget: < 1.5 s),
  drawn anew just after a change, and again (the server keeps a chart while the diary is
  unchanged),
- CLIENTS threads posting episodes for SECONDS while a `spasmlog log` loop runs beside them:
  every 303 must be one row in the diary, every command must succeed, and nothing may say
  "database is locked" or "busy".

Prints a table and writes benchmarks/out/web.json. Every request goes to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import secrets
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from run import NOW, SPASMLOG, build_diary  # noqa: E402

ENV = {**os.environ, "SPASMLOG_NOW": NOW, "SPASMLOG_TZ": "UTC", "PYTHONUNBUFFERED": "1"}


class Client:
    """One keep-alive HTTP connection with the session cookie, sending what a browser sends."""

    def __init__(self, base: str, cookie: str = "") -> None:
        parts = urlsplit(base)
        self.base, self.cookie = base, cookie
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, bytes, dict[str, str]]:
        headers = {"Cookie": self.cookie}
        body = None
        if form is not None:
            body = urlencode(form)
            headers |= {"Content-Type": "application/x-www-form-urlencoded", "Origin": self.base}
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        return response.status, response.read(), dict(response.getheaders())

    def timed(
        self, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[float, int]:
        start = time.perf_counter()
        status, _, _ = self.request(method, path, form)
        return time.perf_counter() - start, status


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc): what a request cost the
    server, whatever else the machine was doing."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def log_form(note: str) -> dict[str, str]:
    return {"nonce": secrets.token_urlsafe(16), "muscle": "calf", "side": "left", "severity": "5",
            "at": "now", "duration": "1m", "note": note}  # fmt: skip


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def measure(client: Client, runs: int, pid: int) -> dict[str, float]:
    results: dict[str, float] = {}
    for _ in range(5):  # warm: templates compiled, pandas and matplotlib imported
        client.request("GET", "/")
        client.request("GET", "/diary")
        client.request("POST", "/log", log_form("warm-up"))
    client.request("GET", "/reports")
    client.request("GET", "/reports/weekly.svg?weeks=12")
    saves = []
    for index in range(runs):
        seconds, status = client.timed("POST", "/log", log_form(f"timed-{index}"))
        assert status == 303, status
        saves.append(seconds)
    results["save an episode (POST /log)"] = median_ms(saves)
    for name, path in (("Log page (GET /)", "/"), ("Diary page (GET /diary)", "/diary")):
        samples = []
        for _ in range(runs):
            seconds, status = client.timed("GET", path)
            assert status == 200, (path, status)
            samples.append(seconds)
        results[name] = median_ms(samples)
    fresh, again, cpu = [], [], []
    for index in range(max(3, runs // 6)):
        client.request("POST", "/log", log_form(f"chart-{index}"))  # the chart must be redrawn
        for samples in (fresh, again):
            used = cpu_seconds(pid)
            page_s, status = client.timed("GET", "/reports?weeks=12")
            chart_s, chart_status = client.timed("GET", "/reports/weekly.svg?weeks=12")
            assert status == chart_status == 200
            samples.append(page_s + chart_s)
            if samples is fresh:
                cpu.append(cpu_seconds(pid) - used)
    results["weekly chart page, just after a change"] = median_ms(fresh)
    results["  of which server CPU time"] = median_ms(cpu)
    results["weekly chart page, again (chart kept)"] = median_ms(again)
    return results


def load(base: str, cookie: str, diary: Path, clients: int, seconds: float) -> dict[str, Any]:
    """CLIENTS threads posting, and a `spasmlog log` loop, for SECONDS; then count the rows."""
    stop = time.monotonic() + seconds
    saved: list[str] = []
    failures: list[str] = []
    lock = threading.Lock()

    def poster(number: int) -> None:
        client = Client(base, cookie)
        index = 0
        while time.monotonic() < stop:
            note = f"load-{number}-{index}"
            status, body, _ = client.request("POST", "/log", log_form(note))
            with lock:
                if status == 303:
                    saved.append(note)
                else:
                    failures.append(f"{status}: {body[:200]!r}")
            index += 1

    threads = [threading.Thread(target=poster, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    cli_runs, cli_failures = 0, []
    while time.monotonic() < stop:
        done = subprocess.run(
            [*SPASMLOG, "--db", str(diary), "log", "--muscle", "foot", "--note", f"cli-{cli_runs}"],
            capture_output=True, text=True, env=ENV,
        )  # fmt: skip
        if done.returncode != 0 or re.search("locked|busy", done.stderr + done.stdout, re.I):
            cli_failures.append(done.stderr.strip())
        cli_runs += 1
    for thread in threads:
        thread.join()
    with sqlite3.connect(f"file:{diary}?mode=ro", uri=True) as connection:
        rows = connection.execute(
            "SELECT note FROM episodes WHERE deleted_at IS NULL AND "
            "(note LIKE 'load-%' OR note LIKE 'cli-%')"
        ).fetchall()
    notes = [row[0] for row in rows]
    web_rows = sorted(note for note in notes if note.startswith("load-"))
    cli_rows = [note for note in notes if note.startswith("cli-")]
    return {
        "seconds": seconds,
        "clients": clients,
        "web posts saved (303)": len(saved),
        "web rows in the diary": len(web_rows),
        "every 303 is exactly one row": sorted(saved) == web_rows,
        "web failures": failures[:5],
        "web failure count": len(failures),
        "cli logs run": cli_runs,
        "cli rows in the diary": len(cli_rows),
        "cli failures": cli_failures[:5],
        "cli failure count": len(cli_failures),
    }


def serve(diary: Path) -> tuple[subprocess.Popen[str], str, str]:
    process = subprocess.Popen(
        [*SPASMLOG, "--db", str(diary), "serve", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=ENV,
    )  # fmt: skip
    assert process.stdout is not None
    for line in process.stdout:
        found = re.search(r"(http://\S+?)(/login\?token=\S+)", line)
        if found:
            return process, found.group(1), found.group(2)
    raise SystemExit("spasmlog serve printed no login link")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument(
        "--keep", type=Path, help="Build the diary in this folder and keep it (reused if there)."
    )
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="spasmlog-web-bench-") as tmp:
        folder = options.keep or Path(tmp)
        diary = folder / "diary.db"
        if not diary.exists():
            print(f"building a diary of {options.size:,} episodes...", file=sys.stderr, flush=True)
            folder.mkdir(parents=True, exist_ok=True)
            diary = build_diary(options.size, folder)
        process, base, login = serve(diary)
        try:
            first = Client(base)
            status, _, headers = first.request("GET", login)
            assert status == 303, status
            cookie = headers["Set-Cookie"].split(";")[0]
            timings = measure(Client(base, cookie), options.runs, process.pid)
            load_before = os.getloadavg()[0]
            for name, value in timings.items():
                print(f"{name:<45} {value:8.1f} ms (median)", flush=True)
            print(f"load: {options.clients} clients + a CLI log loop, {options.seconds:g} s...")
            loaded = load(base, cookie, diary, options.clients, options.seconds)
            for name, value in loaded.items():
                print(f"  {name}: {value}")
        finally:
            process.terminate()
            process.wait(timeout=30)
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    print(f"load average (1 min) during the run: {load_before:.1f} on {os.cpu_count()} cores")
    (out / "web.json").write_text(
        json.dumps(
            {
                "size": options.size,
                "timings_ms": timings,
                "load": loaded,
                "load_average": load_before,
                "cores": os.cpu_count(),
            },
            indent=2,
        )  # fmt: skip
    )


if __name__ == "__main__":
    main()
