"""Two checkouts of spasmlog, the same commands, one run: did a change make any command slower?

    python benchmarks/compare_trees.py BASELINE_TREE [--sizes 10000,100000] [--runs 7]

BASELINE_TREE is another checkout (e.g. `git worktree add ../before <commit>`). The diaries are
built once, by this checkout, and each command is timed alternately under the baseline and under
this checkout (PYTHONPATH picks the package), so that a machine that drifts during the run drifts
for both. Prints the medians and the ratio this/baseline per command. Not part of `make test`.
"""

from __future__ import annotations

import argparse
import atexit
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import run as bench  # noqa: E402  (benchmarks/run.py)

HERE = Path(__file__).resolve().parent.parent
TTY = "log, on a terminal"


def commands(db: Path, folder: Path) -> dict[str, list[str]]:
    base = [*bench.SPASMLOG, "--db", str(db)]
    return {
        "log": [*base, *bench.LOG_ARGS],
        TTY: [*base, *bench.LOG_ARGS],  # stdout on a pty: the daily nudge's path too
        "--help": [*base, "--help"],
        "list --limit 20": [*base, "list", "--limit", "20"],
        "report weekly": [*base, "report", "weekly", "--out", str(folder / "w.png"), "--force"],
        "report factors": [*base, "report", "factors", "--format", "json"],
        "export doctor": [*base, "export", "doctor", "--out", str(folder / "s.pdf"), "--force"],
    }


def timed(command: list[str], tree: Path, tty: bool = False) -> float:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    mark = Path(os.environ["SPASMLOG_STATE"]) / "nudge-shown"
    mark.unlink(missing_ok=True)  # every run pays for the nudge's query
    done = subprocess.run(
        [sys.executable, "-c", bench._MEASURE_TTY if tty else bench._MEASURE, *command],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    report = bench.json.loads(done.stdout)
    if report["code"] != 0:
        raise SystemExit(f"failed under {tree}: {' '.join(command)}")
    return float(report["seconds"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("baseline", type=Path)
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    trees = {"baseline": args.baseline.resolve(), "this": HERE}
    os.environ["SPASMLOG_NOW"] = bench.NOW
    os.environ.setdefault("SPASMLOG_TZ", "UTC")
    own = Path(tempfile.mkdtemp(prefix="spasmlog-compare-home-"))  # never the person's settings
    atexit.register(shutil.rmtree, own, ignore_errors=True)
    os.environ["SPASMLOG_CONFIG"] = str(own / "config.toml")
    os.environ["SPASMLOG_STATE"] = str(own / "state")
    for tree in trees.values():
        subprocess.run(
            [sys.executable, "-m", "compileall", "-q", str(tree / "spasmlog")], check=True
        )
    print("machine:", bench.json.dumps(bench.describe_machine()))
    print(f"{'command':<18} {'episodes':>9} {'baseline s':>10} {'this s':>8} {'ratio':>6}")
    with tempfile.TemporaryDirectory(prefix="spasmlog-compare-") as tmp:
        for size in (int(size) for size in args.sizes.split(",")):
            folder = Path(tmp) / str(size)
            folder.mkdir()
            db = bench.build_diary(size, folder)
            subprocess.run(
                [*bench.SPASMLOG, "--db", str(db), "import", str(folder / "episodes.csv")]
                + ["--kind", "episodes"],
                check=True,
                capture_output=True,
            )
            for name, command in commands(db, folder).items():
                seconds: dict[str, list[float]] = {label: [] for label in trees}
                for _ in range(args.runs):
                    for label, tree in trees.items():
                        seconds[label].append(timed(command, tree, tty=name == TTY))
                before, after = (statistics.median(seconds[label]) for label in trees)
                print(f"{name:<18} {size:>9,} {before:>10.3f} {after:>8.3f} {after / before:>6.2f}")


if __name__ == "__main__":
    main()
