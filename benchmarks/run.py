"""Benchmarks for the budgets of issue 8: whole processes of the real commands, beside floors.

    python benchmarks/run.py [--sizes 1000,10000,100000,1000000] [--runs 5]

Builds diaries of each size through the demo generator and `spasmlog import`, then times each
command several times (median) with its peak memory (the child's ru_maxrss), next to a floor
measured in the same run, because these machines are noisy: the ratio is what holds anywhere.
Prints a table and writes benchmarks/out/results.json. Not part of `make test`.
"""

from __future__ import annotations

import argparse
import atexit
import datetime as dt
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
PACKAGE = HERE.parent / "spasmlog"
FLOORS = HERE / "floors.py"
SPASMLOG = [sys.executable, "-m", "spasmlog"]
LAST_DAY = dt.date(2026, 6, 30)  # the benchmark diaries end here, and "today" is pinned to it
NOW = f"{LAST_DAY.isoformat()}T22:00:00+00:00"
# Runs a command and reports its wall time and peak memory, measured from inside a parent
# process so that neither the parent's start-up nor its memory is counted.
_MEASURE = (
    "import json, resource, subprocess, sys, time\n"
    "t = time.perf_counter()\n"
    "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE).returncode\n"
    "elapsed = time.perf_counter() - t\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
    "print(json.dumps({'seconds': elapsed, 'peak_mib': peak, 'code': code}))\n"
)
# The same, with the command's stdout on a terminal (a pty), as a person runs it: the path on which
# the daily nudge looks at the diary after the command's own output.
_MEASURE_TTY = (
    "import json, os, pty, resource, subprocess, sys, time\n"
    "leader, follower = pty.openpty()\n"
    "t = time.perf_counter()\n"
    "child = subprocess.Popen(sys.argv[1:], stdout=follower, stderr=subprocess.PIPE)\n"
    "os.close(follower)\n"
    "while True:\n"
    "    try:\n"
    "        if not os.read(leader, 65536): break\n"
    "    except OSError: break\n"
    "child.communicate()\n"
    "elapsed = time.perf_counter() - t\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
    "print(json.dumps({'seconds': elapsed, 'peak_mib': peak, 'code': child.returncode}))\n"
)
LOG_ARGS = [
    "log",
    "--muscle",
    "calf",
    "--side",
    "left",
    "--at",
    "2h ago",
    "--duration",
    "1m30s",
    "--severity",
    "6",
    "--woke",
    "--fluid",
    "1.5L",
    "--exercise",
    "run 30m moderate",
    "--relief",
    "stretch",
    "--relief-score",
    "5",
    "--symptom",
    "tingling",
    "--note",
    "bench",
    "--med",
    "ibuprofen",
]


@dataclass
class Timing:
    name: str
    size: int | None
    seconds: float
    peak_mib: float
    floor: str | None = None
    floor_seconds: float | None = None
    budget: str = ""
    ok: bool | None = None

    @property
    def ratio(self) -> float | None:
        return None if not self.floor_seconds else self.seconds / self.floor_seconds


def measure(
    command: list[str], runs: int, setup: list[str] | None = None, tty: bool = False
) -> tuple[float, float]:
    """Median seconds and the largest peak MiB over `runs` runs of `command` (its stdout on a
    pty with `tty`)."""
    seconds, peaks = [], []
    for _ in range(runs):
        if setup:
            subprocess.run(setup, check=True, capture_output=True)
        result = subprocess.run(
            [sys.executable, "-c", _MEASURE_TTY if tty else _MEASURE, *command],
            capture_output=True,
            text=True,
            check=True,
        )
        report = json.loads(result.stdout)
        if report["code"] != 0:
            raise SystemExit(f"failed: {' '.join(command)}")
        seconds.append(report["seconds"])
        peaks.append(report["peak_mib"])
    return statistics.median(seconds), max(peaks)


def diary_days(size: int) -> int:
    """20 episodes a day, as the issue's 100k diary (14 years); never more than 14 years."""
    return max(30, min(size // 20, 14 * 365))


def build_diary(size: int, folder: Path) -> Path:
    """A diary with `size` episodes and matching years of context, made by demo + import."""
    from spasmlog.interchange import demo

    files = demo.write_csvs(folder, seed=size, days=diary_days(size), episodes=size, end=LAST_DAY)
    db = folder / "diary.db"
    for kind in ("meds", "conditions", "labs", "checkins", "exercise"):
        subprocess.run(
            [*SPASMLOG, "--db", str(db), "import", str(files[kind]), "--kind", kind],
            check=True,
            capture_output=True,
        )
    return db


class _Results(list[Timing]):
    """Prints each timing as it lands, so a long run shows progress and survives a kill."""

    def append(self, timing: Timing) -> None:
        super().append(timing)
        print(table([timing]).splitlines()[1], file=sys.stderr, flush=True)


def run(sizes: list[int], runs: int, out: Path) -> list[Timing]:
    results: list[Timing] = _Results()
    with tempfile.TemporaryDirectory(prefix="spasmlog-bench-") as tmp:
        scratch = Path(tmp)
        pass_s, _ = measure([sys.executable, "-c", "pass"], runs)
        floor_db = scratch / "floor.db"
        for size in sizes:
            folder = scratch / str(size)
            folder.mkdir()
            print(f"building a diary of {size:,} episodes...", file=sys.stderr, flush=True)
            db = build_diary(size, folder)
            weeks = diary_days(size) // 7 + 1
            episodes_csv = folder / "episodes.csv"
            fresh = folder / "import-target.db"
            base = [*SPASMLOG, "--db", str(db)]
            # import: the episodes file into a copy of the context-only diary
            copy = [
                sys.executable,
                "-c",
                f"import shutil, pathlib; [pathlib.Path(p).unlink(missing_ok=True) for p in "
                f"('{fresh}', '{fresh}-wal', '{fresh}-shm')]; shutil.copy('{db}', '{fresh}')",
            ]
            seconds, peak = measure(
                [*SPASMLOG, "--db", str(fresh), "import", str(episodes_csv), "--kind", "episodes"],
                max(1, runs // 2),
                setup=copy,
            )
            floor_target = folder / "floor-import.db"
            wipe = [
                sys.executable,
                "-c",
                f"import pathlib; pathlib.Path('{floor_target}').unlink(missing_ok=True)",
            ]
            floor_s, _ = measure(
                [
                    sys.executable,
                    str(FLOORS),
                    "sqlite_executemany",
                    str(floor_target),
                    str(episodes_csv),
                ],
                max(1, runs // 2),
                setup=wipe,
            )
            limit = 3.0 if size <= 100_000 else 25.0
            results.append(
                Timing(
                    "import",
                    size,
                    seconds,
                    peak,
                    "sqlite3 executemany",
                    floor_s,
                    f"< {limit:g} s, < 300 MiB" if size <= 100_000 else f"< {limit:g} s",
                    seconds < limit and (size > 100_000 or peak < 300),
                )
            )
            subprocess.run(
                [*SPASMLOG, "--db", str(db), "import", str(episodes_csv), "--kind", "episodes"],
                check=True,
                capture_output=True,
            )
            # the everyday commands, on a diary of this size; log's floor is measured right
            # beside it, since a drifting machine would otherwise skew the ratio
            orm_s, _ = measure(
                [sys.executable, str(FLOORS), "typer_orm_insert", str(floor_db)], runs
            )
            seconds, peak = measure([*base, *LOG_ARGS], runs)
            results.append(
                Timing(
                    "log",
                    size,
                    seconds,
                    peak,
                    "typer + ORM insert",
                    orm_s,
                    "<= 1.15x floor, < 60 MiB",
                    seconds <= 1.15 * orm_s and peak < 60,
                )
            )
            # on a terminal: the nudge's glance at the diary (its "shown today" mark removed
            # before each run, so that every run pays for the query)
            mark = Path(os.environ["SPASMLOG_STATE"]) / "nudge-shown"
            unmark = [
                sys.executable,
                "-c",
                f"import pathlib; pathlib.Path({str(mark)!r}).unlink(missing_ok=True)",
            ]
            seconds, peak = measure([*base, *LOG_ARGS], runs, setup=unmark, tty=True)
            results.append(
                Timing(
                    "log, on a terminal",
                    size,
                    seconds,
                    peak,
                    "typer + ORM insert",
                    orm_s,
                    "<= 1.15x floor, < 60 MiB",
                    seconds <= 1.15 * orm_s and peak < 60,
                )
            )
            seconds, peak = measure([*base, "--help"], runs)
            results.append(
                Timing(
                    "--help",
                    size,
                    seconds,
                    peak,
                    "python -c pass",
                    pass_s,
                    "< 0.2 s",
                    seconds < 0.2,
                )
            )
            seconds, peak = measure([*base, "list", "--limit", "20"], runs)
            results.append(Timing("list --limit 20", size, seconds, peak, "python -c pass", pass_s))
            for name, args, panels in (
                # every report with its defaults (SPASMLOG_NOW is the diary's last day), and the
                # weekly chart over every year too; factors' default period is the whole diary
                (
                    "report weekly",
                    ["report", "weekly", "--out", str(folder / "w.png"), "--force"],
                    5,
                ),
                (
                    "report weekly, all",
                    ["report", "weekly", "--weeks", str(weeks), "--out", str(folder / "a.png")]
                    + ["--force"],
                    5,
                ),
                ("report factors", ["report", "factors", "--format", "json"], 1),
                (
                    "export doctor",
                    ["export", "doctor", "--out", str(folder / "s.pdf"), "--force"],
                    1,
                ),
            ):
                seconds, peak = measure([*base, *args], runs)
                floor_s, _ = measure(
                    [
                        sys.executable,
                        str(FLOORS),
                        "pandas_panels",
                        str(db),
                        str(panels),
                        str(folder / "floor.png"),
                    ],
                    runs,
                )
                limit, mem = (3.0, 300) if size <= 100_000 else (10.0, 1024)
                results.append(
                    Timing(
                        name,
                        size,
                        seconds,
                        peak,
                        f"pandas + {panels} panels",
                        floor_s,
                        f"< {limit:g} s, < {mem} MiB",
                        seconds < limit and peak < mem,
                    )
                )
            # the whole diary's doctor summary beside its own floor (issue 19; a focused run
            # with CPU times: benchmarks/summary_bench.py)
            whole = LAST_DAY - dt.timedelta(days=diary_days(size) + 1)
            seconds, peak = measure(
                [*base, "export", "doctor", "--from", str(whole), "--to", str(LAST_DAY)]
                + ["--out", str(folder / "all.pdf"), "--force"],
                runs,
            )
            floor_s, _ = measure(
                [sys.executable, str(FLOORS), "summary_floor", str(db)]
                + [str(folder / "floor.png"), str(folder / "floor.pdf")],
                runs,
            )
            results.append(
                Timing(
                    "export doctor, all",
                    size,
                    seconds,
                    peak,
                    "summary floor",
                    floor_s,
                    f"<= {SUMMARY_BUDGET:g}x floor",
                    seconds <= SUMMARY_BUDGET * floor_s,
                )
            )
    return results


SUMMARY_BUDGET = 1.25  # the whole-diary doctor summary against summary_floor
LINEAR = 1.05  # the growth budget is "at most linear"; 0.05 allows for a noisy machine


def growth(results: list[Timing]) -> dict[str, float]:
    """Fitted exponent of time against rows from 10k up (1.0 = linear)."""
    exponents = {}
    for name in sorted({r.name for r in results}):
        points = [
            (math.log(r.size), math.log(r.seconds))
            for r in results
            if r.name == name and r.size and r.size >= 10_000
        ]
        if len(points) >= 2:
            xs, ys = zip(*points, strict=True)
            slope = statistics.linear_regression(xs, ys).slope
            exponents[name] = round(slope, 3)
    return exponents


def describe_machine() -> dict[str, object]:
    """What the numbers were measured on: they mean little without it."""
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        models = [line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines()
                  if line.startswith("model name")]  # fmt: skip
        cpu = models[0] if models else cpu
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "memory_gib": round(memory, 1),
        "python": platform.python_version(),
        "system": platform.platform(),
        "load_before": [round(load, 2) for load in os.getloadavg()],
    }


def table(results: list[Timing]) -> str:
    lines = [
        f"{'command':<18} {'episodes':>9} {'median s':>9} {'peak MiB':>9} {'floor':<22} "
        f"{'floor s':>8} {'ratio':>6}  budget"
    ]
    for r in results:
        ratio = f"{r.ratio:.2f}" if r.ratio else ""
        verdict = "" if r.ok is None else ("ok" if r.ok else "OVER")
        lines.append(
            f"{r.name:<18} {r.size or 0:>9,} {r.seconds:>9.3f} {r.peak_mib:>9.1f} "
            f"{r.floor or '':<22} {r.floor_seconds or 0:>8.3f} {ratio:>6}  "
            f"{r.budget} {verdict}".rstrip()
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000,1000000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=HERE / "out")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    os.environ["SPASMLOG_NOW"] = NOW  # every child sees the diaries' last day as today
    own = Path(tempfile.mkdtemp(prefix="spasmlog-bench-home-"))  # never the person's settings
    atexit.register(shutil.rmtree, own, ignore_errors=True)
    os.environ["SPASMLOG_CONFIG"] = str(own / "config.toml")
    os.environ["SPASMLOG_STATE"] = str(own / "state")
    # An installed package carries compiled bytecode; a checkout run with PYTHONDONTWRITEBYTECODE
    # would otherwise recompile modules on every start, which no user pays for: spasmlog's, and
    # any of the environment's that an installer left uncompiled (rich was, here).
    for folder in (PACKAGE, Path(sysconfig.get_paths()["purelib"])):
        subprocess.run([sys.executable, "-m", "compileall", "-q", "-j", "0", str(folder)],
                       check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    machine = describe_machine()
    print("machine:", json.dumps(machine), file=sys.stderr, flush=True)
    results = run(sizes, args.runs, args.out)
    exponents = growth(results)
    print(table(results))
    print("growth exponent (10k and up; 1.0 = linear):", json.dumps(exponents))
    over = {name: e for name, e in exponents.items() if e > LINEAR}
    print(f"growth at most linear (exponent <= {LINEAR}):", "ok" if not over else f"OVER {over}")
    args.out.mkdir(parents=True, exist_ok=True)
    payload = {
        "date": dt.date.today().isoformat(),
        "machine": machine,
        "runs": args.runs,
        "results": [asdict(r) | {"ratio": r.ratio} for r in results],
        "growth_exponents": exponents,
    }
    (args.out / "results.json").write_text(json.dumps(payload, indent=2))


if __name__ == "__main__":
    main()
