"""Floor scripts: the least the stack can do for each job, timed beside spasmlog's commands.

Run as `python benchmarks/floors.py JOB ARGS...`; each job mirrors one spasmlog command with no
spasmlog code at all, so the ratio spasmlog/floor says what spasmlog itself adds.
"""

import sys


def typer_orm_insert(db: str) -> None:
    """typer + one SQLAlchemy ORM insert, imports as lazy as a CLI can make them."""
    import typer

    app = typer.Typer()

    @app.command()
    def log(muscle: str = "calf", severity: int = 5) -> None:
        import datetime as dt

        from sqlalchemy import DateTime, Integer, String, create_engine
        from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

        class Base(DeclarativeBase):
            pass

        class Row(Base):
            __tablename__ = "rows"
            id: Mapped[int] = mapped_column(Integer, primary_key=True)
            at: Mapped[dt.datetime] = mapped_column(DateTime)
            muscle: Mapped[str] = mapped_column(String(40))
            severity: Mapped[int] = mapped_column(Integer)

        engine = create_engine(f"sqlite:///{db}")
        Base.metadata.create_all(engine)
        with Session(engine) as session, session.begin():
            session.add(Row(at=dt.datetime.now(), muscle=muscle, severity=severity))

    app()


def sqlite_executemany(db: str, csv_path: str) -> None:
    """stdlib csv + sqlite3 executemany of the same rows: the floor for `import`."""
    import csv
    import sqlite3

    with open(csv_path, newline="", encoding="utf-8") as stream:
        reader = csv.reader(stream)
        header = next(reader)
        rows = list(reader)
    connection = sqlite3.connect(db)
    columns = ", ".join(f'"{name}"' for name in header)
    connection.execute(f"CREATE TABLE IF NOT EXISTS rows ({columns})")
    marks = ", ".join("?" for _ in header)
    with connection:
        connection.executemany(f"INSERT INTO rows VALUES ({marks})", rows)
    connection.close()


def pandas_panels(db: str, panels: str, out: str) -> None:
    """Read the episode rows with pandas and draw N panels with matplotlib: the report floor."""
    import sqlite3

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import pandas as pd

    connection = sqlite3.connect(db)
    frame = pd.read_sql_query(
        "SELECT started_at, muscle, severity, duration_s FROM episodes", connection
    )
    frame["started_at"] = pd.to_datetime(frame["started_at"], format="ISO8601")
    weekly = frame.set_index("started_at").resample("W")["severity"].agg(["count", "max"])
    count = int(panels)
    figure, axes = plt.subplots(count, 1, figsize=(11.7, 8.3), squeeze=False)
    for ax in axes.flat:
        ax.bar(weekly.index, weekly["count"], width=5)
    figure.savefig(out)


def summary_floor(db: str, png: str, pdf: str) -> None:
    """The floor for a whole-diary doctor summary, in one process: import pandas and matplotlib,
    read the episode rows, draw a 2x2 figure, write it as a PNG and a 2-page PDF (reportlab: a
    page of text with the figure, a page with the figure)."""
    import sqlite3

    _summary_floor(sqlite3.connect(db), png, pdf)


def summary_floor_on_fixed_stack(db: str, png: str, pdf: str) -> None:
    """summary_floor as a typer command (export doctor's options) that reads the rows through a
    SQLAlchemy connection: the brief's fixed choices for the command line and the store, and no
    spasmlog code. Its ratio to summary_floor is the part of the summary's budget these two
    take before spasmlog does anything of its own."""
    import typer

    app = typer.Typer()

    @app.command()
    def doctor(
        start: str | None = None,
        end: str | None = None,
        out: str = pdf,
        format: str | None = None,
        paper: str = "a4",
        force: bool = False,
    ) -> None:
        from sqlalchemy import create_engine

        with create_engine(f"sqlite:///{db}").connect() as connection:
            _summary_floor(connection, png, out)

    app()


def _summary_floor(connection: object, png: str, pdf: str) -> None:
    import io

    import pandas as pd
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    frame = pd.read_sql_query(
        "SELECT started_at, muscle, side, severity, duration_s, symptoms, note FROM episodes",
        connection,  # type: ignore[arg-type]  (a sqlite3 or a SQLAlchemy connection)
    )
    frame["started_at"] = pd.to_datetime(frame["started_at"], format="ISO8601", utc=True)
    weekly = frame.set_index("started_at").resample("W")["severity"].agg(["count", "max"])
    figure = Figure(figsize=(7.15, 9.1))
    FigureCanvasAgg(figure)
    (weeks, hours), (muscles, severity) = figure.subplots(2, 2)
    weeks.bar(weekly.index, weekly["count"], width=5)
    hours.hist(frame["started_at"].dt.hour, bins=24)
    counts = frame["muscle"].value_counts()
    muscles.barh(counts.index, counts.to_numpy())
    severity.hist(frame["severity"].dropna(), bins=11)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=150)
    with open(png, "wb") as stream:
        stream.write(buffer.getvalue())
    canvas = Canvas(pdf, pagesize=A4)
    canvas.drawString(40, 800, f"{len(frame)} episodes, {len(weekly)} weeks")
    canvas.drawImage(ImageReader(io.BytesIO(buffer.getvalue())), 40, 300, 300, 380)
    canvas.showPage()
    canvas.drawImage(ImageReader(io.BytesIO(buffer.getvalue())), 40, 60, 515, 655)
    canvas.showPage()
    canvas.save()


JOBS = {
    "typer_orm_insert": typer_orm_insert,
    "sqlite_executemany": sqlite_executemany,
    "pandas_panels": pandas_panels,
    "summary_floor": summary_floor,
    "summary_floor_on_fixed_stack": summary_floor_on_fixed_stack,
}

if __name__ == "__main__":
    job, args = sys.argv[1], sys.argv[2:]
    sys.argv = sys.argv[:1]  # typer must not see the job's arguments
    JOBS[job](*args)
