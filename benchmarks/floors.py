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


JOBS = {
    "typer_orm_insert": typer_orm_insert,
    "sqlite_executemany": sqlite_executemany,
    "pandas_panels": pandas_panels,
}

if __name__ == "__main__":
    job, args = sys.argv[1], sys.argv[2:]
    sys.argv = sys.argv[:1]  # typer must not see the job's arguments
    JOBS[job](*args)
