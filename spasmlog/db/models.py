"""Typed SQLAlchemy models of the diary.

Every instant is stored in UTC (naive in SQLite, aware in Python) together with the UTC offset, in
minutes, that the person's clock showed at that instant, so that a night-time cramp stays a
night-time cramp when shown later; `local_date`, the calendar date that clock showed, is a column
SQLite computes from the two (indexed, for date filters; see spasmlog.core.clock). Lists (relief, symptoms, tags, medications) are JSON arrays.
User rows are never removed: ``deleted_at`` marks a soft delete that ``restore`` or ``undo`` reverses.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Boolean,
    Computed,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from spasmlog.core.clock import LOCAL_DATE_SQL

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# Columns that a migration added to an existing table come last, as ALTER TABLE puts them, so a
# new diary's tables are exactly those of an upgraded one.
ADDED_LATER = 1


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Aware datetimes in, aware UTC datetimes out; stored naive UTC so SQLite can sort and compare."""

    impl = DateTime
    cache_ok = True

    @property
    def python_type(self) -> type[dt.datetime]:
        return dt.datetime

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        return None if value is None else value.replace(tzinfo=dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dt.datetime: UTCDateTime, list[str]: JSON}


class Tracked:
    """Columns every user table has: when it was made, last changed, and soft-deleted."""

    if TYPE_CHECKING:  # every user table has these; declared here for the type checker only
        __tablename__: str
        id: Mapped[int]

    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


# How a session was entered: `exercise add`, `log --exercise`, `checkin --exercise`, or a file
# that does not say.
EXERCISE_SOURCES = ("exercise", "log", "checkin", "import")


def local_date_column() -> Mapped[dt.date]:
    """The calendar date of a row's start, computed by SQLite: it can never disagree."""
    return mapped_column(
        Date,
        Computed(LOCAL_DATE_SQL, persisted=False),
        index=True,
        nullable=True,  # as ALTER TABLE added it; never NULL for a row with a start
        sort_order=ADDED_LATER,
    )


class ExerciseSession(Tracked, Base):
    """One bout of exercise; `log --exercise` and `checkin --exercise` store theirs here too."""

    __tablename__ = "exercise_sessions"
    __mapper_args__ = {"eager_defaults": True}  # local_date comes back with the INSERT/UPDATE

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[dt.datetime] = mapped_column(index=True)
    utc_offset_min: Mapped[int] = mapped_column(Integer)
    activity: Mapped[str] = mapped_column(String(80))
    minutes: Mapped[int | None] = mapped_column(Integer)
    intensity: Mapped[str | None] = mapped_column(String(10))
    muscles: Mapped[list[str]] = mapped_column(default=list)
    source: Mapped[str] = mapped_column(String(10), default="exercise")
    local_date: Mapped[dt.date] = local_date_column()


class Episode(Tracked, Base):
    """One spasm or cramp, as the person logged it."""

    __tablename__ = "episodes"
    __table_args__ = (Index("ix_episodes_started_at_muscle", "started_at", "muscle"),)
    __mapper_args__ = {"eager_defaults": True}  # local_date comes back with the INSERT/UPDATE

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[dt.datetime] = mapped_column(index=True)
    utc_offset_min: Mapped[int] = mapped_column(Integer)
    duration_s: Mapped[int | None] = mapped_column(Integer)
    muscle: Mapped[str] = mapped_column(String(40))
    side: Mapped[str | None] = mapped_column(String(5))
    severity: Mapped[int | None] = mapped_column(Integer)
    woke: Mapped[bool | None] = mapped_column(Boolean)
    fluid_ml_24h: Mapped[int | None] = mapped_column(Integer)
    exercise_session_id: Mapped[int | None] = mapped_column(
        ForeignKey("exercise_sessions.id"), index=True
    )
    relief: Mapped[list[str]] = mapped_column(default=list)
    relief_score: Mapped[int | None] = mapped_column(Integer)
    symptoms: Mapped[list[str]] = mapped_column(default=list)
    medications: Mapped[list[str]] = mapped_column(default=list)
    note: Mapped[str | None] = mapped_column(Text)
    local_date: Mapped[dt.date] = local_date_column()
    # From another app's export (spasmlog.interchange.importing): False when the source gave a
    # date but no clock time (stored at 12:00 local, so its analysis day is that date; never
    # shown as a time); None or True: the time is known.
    time_known: Mapped[bool | None] = mapped_column(Boolean, sort_order=ADDED_LATER)
    # The source's severity scale when `severity` was converted from it ("0-4"); None: typed on
    # spasmlog's own 0-10. A converted severity alone never raises the "severe" sign.
    severity_scale: Mapped[str | None] = mapped_column(String(10), sort_order=ADDED_LATER)


class Change(Base):
    """One user-visible change (a log, an edit, an import...), newest first for `undo`."""

    __tablename__ = "changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    made_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    action: Mapped[str] = mapped_column(String(20))
    summary: Mapped[str] = mapped_column(String(200))
    undone_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)


class ChangeRow(Base):
    """The state of one row before a change; ``before`` is NULL when the change created the row."""

    __tablename__ = "change_rows"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    change_id: Mapped[int] = mapped_column(ForeignKey("changes.id"), index=True)
    table_name: Mapped[str] = mapped_column(String(40))
    row_id: Mapped[int] = mapped_column(Integer)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class Checkin(Tracked, Base):
    """What one local day was like. A day without a check-in is missing, never zero."""

    __tablename__ = "checkins"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    date: Mapped[dt.date] = mapped_column(Date, unique=True)
    fluid_ml: Mapped[int | None] = mapped_column(Integer)
    sweating: Mapped[bool | None] = mapped_column(Boolean)
    vomiting: Mapped[bool | None] = mapped_column(Boolean)
    diarrhea: Mapped[bool | None] = mapped_column(Boolean)
    fever: Mapped[bool | None] = mapped_column(Boolean)
    hot_weather: Mapped[bool | None] = mapped_column(Boolean)
    sleep_h: Mapped[float | None] = mapped_column(Float)
    magnesium_mg: Mapped[float | None] = mapped_column(Float)
    alcohol_units: Mapped[float | None] = mapped_column(Float)
    tags: Mapped[list[str]] = mapped_column(default=list)
    note: Mapped[str | None] = mapped_column(Text)
    # Did the person exercise that day? False is a known "no" (`checkin --no-exercise`), which
    # the exercise factor needs: a day without a session is otherwise unknown, not a no.
    exercised: Mapped[bool | None] = mapped_column(Boolean, sort_order=ADDED_LATER)
    # During a trial (`spasmlog trial`): did the person take the remedy that night? None: not asked.
    trial_taken: Mapped[bool | None] = mapped_column(Boolean, sort_order=ADDED_LATER)


class Medication(Tracked, Base):
    """One period of taking one medication; stopping and restarting makes a second row."""

    __tablename__ = "medications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    generic: Mapped[str | None] = mapped_column(String(80))
    drug_class: Mapped[str] = mapped_column(String(20))
    atc: Mapped[str | None] = mapped_column(String(10))
    class_by_hand: Mapped[bool] = mapped_column(Boolean, default=False)
    dose: Mapped[str | None] = mapped_column(String(60))
    started_on: Mapped[dt.date] = mapped_column(Date, index=True)
    stopped_on: Mapped[dt.date | None] = mapped_column(Date)


class Condition(Tracked, Base):
    """A known condition, mapped to one of the article's groups where it fits."""

    __tablename__ = "conditions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    group: Mapped[str] = mapped_column(String(20))
    since: Mapped[dt.date | None] = mapped_column(Date)
    until: Mapped[dt.date | None] = mapped_column(Date)


class LabResult(Tracked, Base):
    """One electrolyte result as entered, with its value in mmol/L and its flag against a range."""

    __tablename__ = "labs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    taken_on: Mapped[dt.date] = mapped_column(Date, index=True)
    test: Mapped[str] = mapped_column(String(20))
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(10))
    value_mmol_l: Mapped[float] = mapped_column(Float)
    range_low_mmol_l: Mapped[float] = mapped_column(Float)
    range_high_mmol_l: Mapped[float] = mapped_column(Float)
    range_source: Mapped[str] = mapped_column(String(10))
    flag: Mapped[str] = mapped_column(String(10))


class DiarySetting(Tracked, Base):
    """A setting that belongs to the diary rather than to the computer, e.g. when observation
    started (`spasmlog observe`). Tracked like every user row, so `undo` reverts a change."""

    __tablename__ = "diary_settings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    value: Mapped[str | None] = mapped_column(Text)


class Trial(Tracked, Base):
    """One randomised single-person (n-of-1) trial of a remedy, its protocol fixed at the start.

    Which period is ON follows from the secret `seed` (spasmlog.db.queries.trials); the
    `protocol_hash`, printed at the start, is the SHA-256 of the canonical protocol and the seed,
    so neither can change unnoticed. Running, finished or stopped follows from the dates:
    `stopped_on` is the first night a stopped trial no longer covers.
    """

    __tablename__ = "trials"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    remedy: Mapped[str] = mapped_column(String(120))
    pairs: Mapped[int] = mapped_column(Integer)
    period_days: Mapped[int] = mapped_column(Integer)
    ignore_days: Mapped[int] = mapped_column(Integer)
    started_on: Mapped[dt.date] = mapped_column(Date)  # the first night
    open_label: Mapped[bool] = mapped_column(Boolean)
    rule: Mapped[dict[str, Any]] = mapped_column(JSON)  # the decision rule, as fixed at the start
    seed: Mapped[str] = mapped_column(String(64))
    protocol_hash: Mapped[str] = mapped_column(String(64))
    stopped_on: Mapped[dt.date | None] = mapped_column(Date)
    stop_reason: Mapped[str | None] = mapped_column(Text)


class Provenance(Tracked, Base):
    """Where an imported value came from: one row per check-in field (`field` names the column)
    or per whole row (`field` "*": an exercise session, an episode, a medication period) that an
    import from another app wrote. `value` is what the source wrote, so that a value changed by
    hand since (it no longer equals it) is told apart from one the source still owns; `key` is
    the source's own stable identity of a whole row. Tracked like every user row: `undo` of an
    import removes its provenance with its rows."""

    __tablename__ = "provenance"
    __table_args__ = (
        Index("ix_provenance_table_name_row_id", "table_name", "row_id"),
        Index("ix_provenance_source_key", "source", "key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    table_name: Mapped[str] = mapped_column(String(40))
    row_id: Mapped[int] = mapped_column(Integer)
    field: Mapped[str] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(String(40))  # "apple-health", "bearable", ...
    key: Mapped[str | None] = mapped_column(String(200))
    exported_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    value: Mapped[Any] = mapped_column(JSON)


USER_TABLES: dict[str, type[Tracked]] = {
    cls.__tablename__: cls
    for cls in (
        Episode, ExerciseSession, Checkin, Medication, Condition, LabResult, DiarySetting, Trial,
        Provenance,
    )
}  # fmt: skip
