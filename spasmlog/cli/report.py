"""`spasmlog report ...`: the group that gathers the report commands of their own modules."""

import typer

from spasmlog.cli import report_factors, report_weekly

app = typer.Typer()
report_app = typer.Typer(help="Reports: weekly trends and risk factors.", no_args_is_help=True)
for module in (report_weekly, report_factors):
    report_app.add_typer(module.app)
app.add_typer(report_app, name="report")
