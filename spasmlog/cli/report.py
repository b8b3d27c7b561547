"""`spasmlog report ...`: the sub-app that the report command modules add their commands to."""

import typer

from spasmlog.cli.app import app

report_app = typer.Typer(help="Reports: weekly trends and risk factors.", no_args_is_help=True)
app.add_typer(report_app, name="report")
