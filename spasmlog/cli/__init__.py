"""The command-line interface: parse, call the core, render. One module per noun."""

from spasmlog.cli import dbcmd, episodes, report  # noqa: F401  (each registers its commands)
from spasmlog.cli.app import app


def main() -> None:
    app()
