"""`spasmlog import export.xml` on a generated Apple Health export, against a bare streaming parse.

    python benchmarks/health_import.py [--sizes 250,1000] [--runs 3] [--keep DIR]

For each size (MB) it writes a made-up export.xml with tests/health_export.py (a watch's heart
rate every 5 minutes, steps, distance and energy every 10, with water, sleep, workouts, alcohol
and magnesium on their days: about 870 records a day, 0.33 MB), then times, each in a fresh
process, median of `runs`, with the process's peak memory (ru_maxrss):

- floor: xml.etree.ElementTree.iterparse over the same file (the C parser), doing nothing with
  the elements but clearing them as it goes (the least a streaming parse must do to stay in
  memory); the generated DTD is a valid one, which expat reads;
- tokenizer: expat with no handlers at all (for reference: no Python runs per element);
- import: the real command, `python -m spasmlog import export.xml` into a new diary.

Budget (issue 17): peak memory under 250 MiB whatever the size; time within 1.5x of the floor.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.health_export import write_export  # noqa: E402

FLOOR = """
import sys, xml.etree.ElementTree as ET
root = None
for event, element in ET.iterparse(sys.argv[1], events=("start", "end")):
    if root is None:
        root = element
    elif event == "end":
        root.clear()
"""
TOKENIZER = """
import sys, pyexpat
with open(sys.argv[1], "rb") as stream:
    pyexpat.ParserCreate().ParseFile(stream)
"""


def timed(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Seconds and peak MiB of one process."""
    started = time.perf_counter()
    process = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if status != 0:
        raise SystemExit(
            f"{args[:4]} failed: {process.stderr.read().decode() if process.stderr else ''}"
        )
    return seconds, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="250,1000", help="file sizes in MB")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="keep (and reuse) the generated files here")
    options = parser.parse_args()
    folder = options.keep or Path(tempfile.mkdtemp(prefix="spasmlog-health-"))
    folder.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SPASMLOG_TZ": "Europe/Berlin",
           "SPASMLOG_NOW": "2035-01-01T12:00:00+01:00"}  # fmt: skip
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "spasmlog")], check=True)
    results = []
    for size_mb in (int(s) for s in options.sizes.split(",")):
        path = folder / f"export-{size_mb}MB.xml"
        if not path.exists():
            with open(path, "wb") as out:
                write_export(out, dt.date(2020, 1, 1), size=size_mb * 1_000_000)
        with open(path, "rb") as stream:
            records = sum(
                chunk.count(b"<Record ") for chunk in iter(lambda: stream.read(1 << 24), b"")
            )
        row: dict[str, object] = {"size_mb": round(path.stat().st_size / 1e6), "records": records}
        for name, args in (
            ("tokenizer", [sys.executable, "-c", TOKENIZER, str(path)]),
            ("floor", [sys.executable, "-c", FLOOR, str(path)]),
            ("import", None),
        ):
            runs = []
            for run in range(options.runs):
                if args is None:
                    db = folder / f"diary-{size_mb}-{run}.db"
                    for stale in folder.glob(f"diary-{size_mb}-{run}.db*"):
                        stale.unlink()
                    command = [
                        sys.executable,
                        "-m",
                        "spasmlog",
                        "--db",
                        str(db),
                        "import",
                        str(path),
                    ]
                else:
                    command = args
                runs.append(timed(command, env))
            row[f"{name}_s"] = round(statistics.median(s for s, _ in runs), 2)
            row[f"{name}_mib"] = round(max(m for _, m in runs))
        row["ratio"] = round(float(row["import_s"]) / float(row["floor_s"]), 2)  # type: ignore[arg-type]
        print(json.dumps(row), flush=True)
        results.append(row)
    out = ROOT / "benchmarks" / "out"
    out.mkdir(exist_ok=True)
    machine = f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}"
    (out / "health_import.json").write_text(
        json.dumps({"machine": machine, "rows": results}, indent=2)
    )
    print(f"machine: {machine}")


if __name__ == "__main__":
    main()
