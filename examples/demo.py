"""A first look at spasmlog: logs a few episodes into a throw-away diary and lists them.

Never touches your own diary: everything happens in a temporary folder that is removed afterwards.
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

EPISODES = [
    [
        "--muscle",
        "calf",
        "--side",
        "left",
        "--at",
        "yesterday 03:10",
        "--duration",
        "2m",
        "--severity",
        "7",
        "--woke",
        "--fluid",
        "1.2L",
        "--relief",
        "stretch",
        "--relief-score",
        "6",
    ],
    [
        "--muscle",
        "charley horse",
        "--side",
        "right",
        "--at",
        "last night 4am",
        "--duration",
        "90s",
        "--severity",
        "5",
        "--woke",
        "--fluid",
        "5 glasses",
        "--exercise",
        "run 45m vigorous",
    ],
    [
        "--muscle",
        "foot",
        "--at",
        "2h ago",
        "--duration",
        "45s",
        "--severity",
        "3",
        "--relief",
        "massage",
    ],
]


def spasmlog(db: Path, *args: str) -> None:
    command = [sys.executable, "-m", "spasmlog", "--db", str(db), *args]
    print("$ spasmlog " + " ".join(args), flush=True)
    subprocess.run(command, check=True)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="spasmlog-demo-") as folder:
        db = Path(folder) / "demo" / "diary.db"
        os.environ.pop("SPASMLOG_DB", None)
        for options in EPISODES:
            spasmlog(db, "log", *options)
        spasmlog(db, "list")


if __name__ == "__main__":
    main()
