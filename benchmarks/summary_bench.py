"""The whole-diary doctor summary against its floor, in one run (issue 19).

    python benchmarks/summary_bench.py [--size 100000] [--runs 7] [--db DIARY] [--baseline TREE]

Builds the benchmark diary of run.py (100k episodes over 14 years, with check-ins, exercise,
medications, conditions and labs; or uses --db), then times, alternating, `spasmlog export
doctor` over the whole diary (a PDF, A4) and the floor `floors.py summary_floor` (one process:
import pandas and matplotlib, read the episode rows, draw a 2x2 figure, write it as a PNG and a
2-page PDF). Both run from compiled bytecode, as an installed package does: a private bytecode
cache is filled by a first, untimed run of each. Prints the medians (wall and CPU seconds), the
ratios and the machine, and writes benchmarks/out/summary.json. Budget: wall <= 1.25x the floor.
With --baseline, another checkout's `export doctor` is timed in the same alternation (before and
after a change, on a machine whose load drifts for all three alike). The floor is also timed on
the brief's fixed stack (`floors.py summary_floor_on_fixed_stack`: the same work as a typer
command reading through SQLAlchemy), to show how much of the budget those two take by themselves.
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


def timed(command: list[str], tree: Path | None = None) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one run of `command` (spasmlog from `tree`)."""
    env = None if tree is None else {**os.environ, "PYTHONPATH": str(tree)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--db", type=Path, help="an existing benchmark diary (skips building)")
    parser.add_argument("--baseline", type=Path, help="another checkout to time beside this one")
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
        fixed_stack = [sys.executable, str(run.FLOORS), "summary_floor_on_fixed_stack", str(db)]
        fixed_stack += [str(scratch / "g.png"), str(scratch / "g.pdf")]
        machine = run.describe_machine()
        print("machine:", json.dumps(machine), file=sys.stderr, flush=True)
        trees: dict[str, Path] = {}
        if args.baseline is not None:
            trees["baseline"] = args.baseline.resolve()
        trees["summary"] = HERE.parent  # last in each round: its PDF is the one counted below
        timed(floor)  # fill the bytecode cache
        timed(fixed_stack)
        for tree in trees.values():
            timed(summary, tree)
        names = ("floor", "fixed stack", *trees)
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in names}
        for i in range(args.runs):
            times["floor"].append(timed(floor))
            times["fixed stack"].append(timed(fixed_stack))
            for name, tree in trees.items():
                times[name].append(timed(summary, tree))
            said = ", ".join(f"{name} {runs[-1][0]:.2f} s" for name, runs in times.items())
            print(f"run {i + 1}: {said}", file=sys.stderr, flush=True)
        pages = len(__import__("pypdf").PdfReader(scratch / "s.pdf").pages)
    medians = {
        name: {
            "wall": statistics.median(w for w, _ in runs),
            "cpu": statistics.median(c for _, c in runs),
        }
        for name, runs in times.items()
    }
    ratio = {
        name: {kind: medians[name][kind] / medians["floor"][kind] for kind in ("wall", "cpu")}
        for name in names[1:]
    }
    print(f"{'':11} {'wall s':>7} {'cpu s':>7} {'wall/floor':>11} {'cpu/floor':>10}")
    for name, median in medians.items():
        shown = ratio.get(name, {"wall": 1.0, "cpu": 1.0})
        print(f"{name:11} {median['wall']:7.2f} {median['cpu']:7.2f} {shown['wall']:11.2f} "
              f"{shown['cpu']:10.2f}")  # fmt: skip
    verdict = "ok" if ratio["summary"]["wall"] <= BUDGET else "OVER"
    print(f"budget: the summary's wall time <= {BUDGET}x the floor's: {verdict}")
    print(f"the floor as a typer command reading through SQLAlchemy alone: "
          f"{ratio['fixed stack']['wall']:.2f}x")  # fmt: skip
    print(f"summary: {pages} pages, {args.size:,} episodes from {first} to {run.LAST_DAY}")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "summary.json").write_text(
        json.dumps(
            {
                "date": dt.date.today().isoformat(),
                "machine": machine | {"load_after": [round(x, 2) for x in os.getloadavg()]},
                "size": args.size,
                "runs": args.runs,
                "trees": {name: str(tree) for name, tree in trees.items()},
                "times": times,
                "medians": medians,
                "ratio": ratio,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
