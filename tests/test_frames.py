"""The report loader reads a chunk of rows at a time: the frames must not depend on where the
chunks fall."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from spasmlog.db.queries import reports as report_rows
from spasmlog.db.store import open_store
from spasmlog.reports import load as frames
from tests.conftest import Run
from tests.handmade import build_doctor, build_once


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_once(tmp_path_factory.mktemp("frames"), build_doctor)


def episodes(db: Path, start: dt.date, end: dt.date, detail: bool = False) -> pd.DataFrame:
    store = open_store(db)
    try:
        with frames.reading(store) as connection:
            return frames.load_episodes(connection, start, end, detail)
    finally:
        store.close()


@pytest.mark.parametrize("detail", [False, True])
@pytest.mark.parametrize("chunk", [1, 2, 5])
def test_episodes_read_in_chunks_equal_one_read(
    template: Path, monkeypatch: pytest.MonkeyPatch, chunk: int, detail: bool
) -> None:
    whole = episodes(template, dt.date(2026, 1, 5), dt.date(2026, 3, 1), detail)
    monkeypatch.setattr(report_rows, "CHUNK_ROWS", chunk)
    chunked = episodes(template, dt.date(2026, 1, 5), dt.date(2026, 3, 1), detail)
    assert len(whole) == 14  # the hand-made diary's episodes in the period
    pd.testing.assert_frame_equal(chunked, whole)


def test_a_missing_side_is_missing(seeded: Path) -> None:
    sides = episodes(seeded, dt.date(2026, 3, 1), dt.date(2026, 3, 15))["side"]
    assert sides.isna().tolist() == [True, True, False]  # neck, foot, then calf left
    assert sides.iloc[-1] == "left"


def test_an_empty_period_gives_an_empty_frame_with_the_columns(template: Path) -> None:
    empty = episodes(template, dt.date(2020, 1, 1), dt.date(2020, 1, 31))
    assert empty.empty
    assert {"id", "muscle", "side", "start_utc", "start_local", "date", "day"} <= set(empty.columns)


def test_a_report_reads_one_state_of_the_diary(
    seeded: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write that lands between two of the loader's queries is not half seen: every frame
    comes from the state the first query saw."""
    load_checkins = frames.load_checkins

    def checkins_after_a_write(*args: Any, **kwargs: Any) -> pd.DataFrame:
        assert run("log", "--muscle", "foot", "--at", "2026-03-15 11:00").exit_code == 0
        assert run("checkin", "--date", "2026-03-14", "--fluid", "2L").exit_code == 0
        return load_checkins(*args, **kwargs)

    monkeypatch.setattr(frames, "load_checkins", checkins_after_a_write)
    store = open_store(seeded)
    try:
        loaded = frames.load(
            store, dt.date(2026, 3, 1), dt.date(2026, 3, 15), dt.datetime.now(dt.UTC)
        )
    finally:
        store.close()
    assert len(loaded.episodes) == 3 and loaded.checkins.empty  # neither write is seen
    assert run("list", "--format", "json").stdout.count('"muscle"') == 4  # both were written
