"""The command-line interface: parse, call the core, render. One module per noun."""

import gc

from spasmlog.cli.app import app


def main() -> None:
    gc.disable()  # until the command is loaded (see app.load_command): start-up is all long-lived objects
    app(prog_name="spasmlog")  # also under `python -m spasmlog`: usage lines, completion
