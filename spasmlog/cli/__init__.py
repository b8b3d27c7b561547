"""The command-line interface: parse, call the core, render. One module per noun."""

from spasmlog.cli import (  # noqa: F401  (each registers its commands)
    context,
    dbcmd,
    demo,
    episodes,
    export,
    importing,
    medical,
    report,
    report_factors,
    report_weekly,
)
from spasmlog.cli.app import app


def main() -> None:
    app()
