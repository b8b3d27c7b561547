"""`make demo`: spasmlog on a made-up diary of six months, without touching your own diary.

Runs `spasmlog demo --out ./spasmlog-demo`; extra arguments are passed on (`--days 90`,
`--seed 3`, `--out elsewhere`). The diary is made in a temporary folder and imported the way
`spasmlog import` does; the weekly chart, the factor report and the doctor summary are written
into the output folder, and each path is printed.
"""

import sys

from spasmlog.cli import app


def main(argv: list[str]) -> None:
    app(["demo", "--out", "spasmlog-demo", *argv], prog_name="spasmlog")


if __name__ == "__main__":
    main(sys.argv[1:])
