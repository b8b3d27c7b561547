"""The whole-diary doctor summary against its floor, in one run (issue 19).

    python benchmarks/summary_bench.py [--size 100000] [--runs 7] [--db DIARY]

Builds the benchmark diary of run.py (100k episodes over 14 years, with check-ins, exercise,
medications, conditions and labs; or uses --db), then times, alternating, `spasmlog export
doctor` over the whole diary (a PDF, A4) and the floor `floors.py summary_floor` (one process:
import pandas and matplotlib, read the episode rows, draw a 2x2 figure, write it as a PNG and a
2-page PDF). Both run from compiled bytecode, as an installed package does: a private bytecode
cache is filled by a first, untimed run of each. Prints the medians (wall and CPU seconds), the
ratios and the machine, and writes benchmarks/out/summary.json. Budget: wall <= 1.25x the floor.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import run  # noqa: E402  (benchmarks/run.py: the diary builder and the machine's description)

BUDGET = 1.25


def timed(command: list[str]) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one run of `command`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--db", type=Path, help="an existing benchmark diary (skips building)")
    parser.add_argument("--out", type=Path, default=HERE / "out")
    args = parser.parse_args()
    os.environ["SPASMLOG_NOW"] = run.NOW
    with tempfile.TemporaryDirectory(prefix="spasmlog-summary-bench-") as tmp:
        scratch = Path(tmp)
        # compiled bytecode for every package, spasmlog's included, kept out of the source tree
        os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
        os.environ["PYTHONPYCACHEPREFIX"] = str(scratch / "pycache")
        db = args.db
        if db is None:
            print(f"building a diary of {args.size:,} episodes...", file=sys.stderr, flush=True)
            db = run.build_diary(args.size, scratch)
            subprocess.run(
                [*run.SPASMLOG, "--db", str(db), "import", str(scratch / "episodes.csv")]
                + ["--kind", "episodes"],
                check=True,
                capture_output=True,
            )
        first = run.LAST_DAY - dt.timedelta(days=run.diary_days(args.size) + 1)  # the whole diary
        summary = [*run.SPASMLOG, "--db", str(db), "export", "doctor", "--from", str(first)]
        summary += ["--to", str(run.LAST_DAY), "--out", str(scratch / "s.pdf"), "--force"]
        floor = [sys.executable, str(run.FLOORS), "summary_floor", str(db)]
        floor += [str(scratch / "f.png"), str(scratch / "f.pdf")]
        machine = run.describe_machine()
        print("machine:", json.dumps(machine), file=sys.stderr, flush=True)
        timed(summary), timed(floor)  # fill the bytecode cache
        times: dict[str, list[tuple[float, float]]] = {"summary": [], "floor": []}
        for i in range(args.runs):
            times["floor"].append(timed(floor))
            times["summary"].append(timed(summary))
            print(f"run {i + 1}: floor {times['floor'][-1][0]:.2f} s, summary "
                  f"{times['summary'][-1][0]:.2f} s", file=sys.stderr, flush=True)  # fmt: skip
        pages = len(__import__("pypdf").PdfReader(scratch / "s.pdf").pages)
    medians = {
        name: {
            "wall": statistics.median(w for w, _ in runs),
            "cpu": statistics.median(c for _, c in runs),
        }
        for name, runs in times.items()
    }
    ratio = {kind: medians["summary"][kind] / medians["floor"][kind] for kind in ("wall", "cpu")}
    print(f"{'':8} {'wall s':>7} {'cpu s':>7}")
    for name, median in medians.items():
        print(f"{name:8} {median['wall']:7.2f} {median['cpu']:7.2f}")
    verdict = "ok" if ratio["wall"] <= BUDGET else "OVER"
    print(f"ratio    {ratio['wall']:7.2f} {ratio['cpu']:7.2f}  budget wall <= {BUDGET}x: {verdict}")
    print(f"summary: {pages} pages, {args.size:,} episodes from {first} to {run.LAST_DAY}")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "summary.json").write_text(
        json.dumps(
            {
                "date": dt.date.today().isoformat(),
                "machine": machine | {"load_after": [round(x, 2) for x in os.getloadavg()]},
                "size": args.size,
                "runs": args.runs,
                "times": times,
                "medians": medians,
                "ratio": ratio,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
