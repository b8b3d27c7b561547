"""The demo diary generator, `spasmlog demo` end to end, and examples/demo.py (`make demo`)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import runpy
import shlex
import shutil
import sys
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from spasmlog.cli import app
from spasmlog.interchange import demo
from spasmlog.interchange import importing as importer
from spasmlog.interchange.importing.read import CheckedFile
from tests.conftest import pin_clock

END = dt.date(2026, 3, 15)
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def table(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def check(kind: str, text: str) -> CheckedFile:
    now = dt.datetime(2026, 3, 15, 12, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    return importer.check_file(io.BytesIO(text.encode()), f"{kind}.csv", kind, now)


def test_the_same_seed_gives_the_same_diary_and_another_seed_another() -> None:
    first = demo.generate(seed=3, days=120, end=END)
    assert demo.generate(seed=3, days=120, end=END) == first
    other = demo.generate(seed=4, days=120, end=END)
    assert other["episodes"] != first["episodes"] and other["checkins"] != first["checkins"]
    assert list(first) == list(demo.KINDS)


def test_every_generated_row_passes_the_importers_checks() -> None:
    files = demo.generate(seed=7, days=182, end=END, zone=ZoneInfo("Europe/Berlin"))
    for kind, text in files.items():
        checked = check(kind, text)
        assert len(checked.kinds[0].rows) == len(table(text)) > 0, kind


def test_the_story_is_in_the_data() -> None:
    files = {
        kind: table(text)
        for kind, text in demo.generate(7, 182, END, None, ZoneInfo("Europe/Berlin")).items()
    }
    first, last = END - dt.timedelta(days=182), END - dt.timedelta(days=1)
    episodes = files["episodes"]
    assert 40 <= len(episodes) <= 200
    hours = [int(row["started_at"][11:13]) for row in episodes]
    assert sum(hour >= 23 or hour < 6 for hour in hours) > 0.75 * len(episodes)  # at night
    assert sum(row["muscle"] == "calf" for row in episodes) > 0.5 * len(episodes)
    berlin = ZoneInfo("Europe/Berlin")  # each time at its own date's offset: summer or winter
    for row in episodes:
        moment = dt.datetime.fromisoformat(row["started_at"])
        assert moment.utcoffset() == moment.astimezone(berlin).utcoffset(), row["started_at"]
    assert {row["started_at"][-6:] for row in episodes} == {"+01:00", "+02:00"}
    assert [row["started_at"] for row in episodes] == sorted({r["started_at"] for r in episodes})
    meds = {row["name"]: row for row in files["meds"]}
    statin = dt.date.fromisoformat(meds["Atorvastatin"]["started_on"])
    assert first + dt.timedelta(days=30) < statin < last - dt.timedelta(days=30)  # part-way
    assert meds["Magnesium"]["stopped_on"] > meds["Magnesium"]["started_on"]  # tried, stopped
    before = sum(row["started_at"][:10] < str(statin) for row in episodes) / (statin - first).days
    after = sum(row["started_at"][:10] >= str(statin) for row in episodes) / (last - statin).days
    assert after > 1.2 * before  # planted 1.9x, diluted by hot spells and missed check-ins
    checkins = files["checkins"]
    assert 0.7 * 182 < len(checkins) < 0.95 * 182  # most days, not all
    hot = [row for row in checkins if row["hot_weather"] == "1"]
    assert len(hot) >= 10 and sum(float(row["fluid_l"]) < 1.5 for row in hot) > 0.7 * len(hot)
    days = sorted(dt.date.fromisoformat(row["date"]) for row in checkins)
    assert max((b - a).days for a, b in zip(days, days[1:], strict=False)) >= 6  # a week forgotten
    runs = [row for row in files["exercise"] if row["activity"] == "run"]
    assert len(runs) > 40 and {row["intensity"] for row in runs} >= {"vigorous", "moderate"}
    assert len({row["started_at"][11:16] for row in runs}) > 10  # real start times
    labs = files["labs"]
    assert any(row["test"] == "magnesium" and row["value"] == "0.62" for row in labs)  # low
    assert len(files["conditions"]) == 1


def test_an_exact_number_of_episodes_each_at_its_own_time() -> None:
    text = demo.generate(seed=1, days=400, end=END, episodes=6000)["episodes"]
    starts = [row["started_at"] for row in table(text)]
    assert len(starts) == len(set(starts)) == 6000
    assert starts == sorted(starts)
    assert starts[-1] < f"{END}T00:00:00" and starts[0] >= str(END - dt.timedelta(days=400))


def test_write_csvs_names_the_files_by_kind(tmp_path: Path) -> None:
    paths = demo.write_csvs(tmp_path / "csv", seed=2, days=60, end=END)
    assert list(paths) == list(demo.KINDS)
    assert all(path == tmp_path / "csv" / f"{kind}.csv" for kind, path in paths.items())
    assert paths["episodes"].read_text().startswith("started_at,muscle,")


def test_make_demo_end_to_end(
    tmp_path: Path,
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """examples/demo.py (what `make demo` runs) -> `spasmlog demo`: files, and never the user's
    own diary, even when one is named."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # the throw-away diary goes here
    monkeypatch.setenv("SPASMLOG_DB", str(db_path))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "argv", ["demo.py", "--days", "60", "--out", "made"])
    with pytest.raises(SystemExit) as done:
        runpy.run_path(str(EXAMPLES / "demo.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert done.value.code == 0, out
    assert not db_path.exists()
    made = tmp_path / "made"
    assert sorted(p.name for p in made.iterdir()) == [
        "factors.json",
        "factors.txt",
        "summary.html",
        "summary.pdf",
        "weekly.png",
    ]
    assert (made / "weekly.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert (made / "summary.pdf").read_bytes().startswith(b"%PDF-")
    assert "Muscle spasm diary" in PdfReader(made / "summary.pdf").pages[0].extract_text()
    assert "<html" in (made / "summary.html").read_text().lower()
    assert json.loads((made / "factors.json").read_text())["episodes_total"] > 0
    assert "Risk factors and your spasms" in (made / "factors.txt").read_text()
    [diary] = tmp_path.glob("spasmlog-demo-*/diary.db")
    assert f"throw-away diary in {diary}" in out
    for name in ("weekly.png", "factors.txt", "factors.json", "summary.pdf", "summary.html"):
        assert f"made/{name}" in out
    assert "Made up a diary of 60 days" in out and "Trend: " in out


def _walkthrough(doc: str) -> list[tuple[str, list[str], list[str]]]:
    """(the time, the command's words, its output lines) for each `$ spasmlog` in the doc."""
    steps: list[tuple[str, list[str], list[str]]] = []
    now, in_block = "", False
    for line in doc.splitlines():
        if line.startswith("<!-- now: "):
            now = line.removeprefix("<!-- now: ").removesuffix(" -->")
        elif line.startswith("```"):
            in_block = line == "```console"
        elif in_block and line.startswith("$ spasmlog "):
            steps.append((now, shlex.split(line.removeprefix("$ spasmlog ")), []))
        elif in_block:
            steps[-1][2].append(line)
    return steps


def _same(expected: list[str], actual: list[str]) -> bool:
    """Line by line; a line "..." in the doc stands for any lines; backup names carry the real
    time, so their time stamps are not compared."""

    def text(lines: list[str]) -> str:
        return re.sub(r"diary-\d{8}T\d+Z-", "diary-TIME-", "".join(f"{line}\n" for line in lines))

    pattern = "".join(
        r"(?:.*\n)*?" if line == "..." else re.escape(text([line])) for line in expected
    )
    return re.fullmatch(pattern, text(actual)) is not None


def test_the_first_week_walkthrough_shows_real_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """examples/first-week.md: every command, run again at its time, prints what the page says."""
    (tmp_path / "examples").mkdir()
    for sample in EXAMPLES.glob("*.csv"):
        shutil.copy(sample, tmp_path / "examples" / sample.name)
    monkeypatch.chdir(tmp_path)
    db = tmp_path / ".local" / "share" / "spasmlog" / "diary.db"
    steps = _walkthrough((EXAMPLES / "first-week.md").read_text(encoding="utf-8"))
    assert len(steps) > 15 and {now for now, _, _ in steps} >= {"2026-03-09T07:30:00+01:00"}
    for now, words, expected in steps:
        pin_clock(monkeypatch, now)
        result = CliRunner().invoke(app, ["--db", str(db), *words])
        assert result.exit_code == 0, (words, result.output)
        shown = result.output.replace(str(tmp_path), "/home/you")  # stdout and stderr, in order
        actual = shown.rstrip("\n").split("\n")
        assert _same(expected, actual), "\n".join([" ".join(words), *actual])
