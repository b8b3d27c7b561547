"""Daylio's CSV export: one row per entry (several a day, newest first), with a local clock time.

Columns, read by name: full_date (YYYY-MM-DD), date and weekday (display text, ignored), time
("21:40", or "9:40 pm" on a phone set to 12 hours), mood, activities (joined with " | "),
scales (some versions), note_title, note. The rows of one date make one check-in:

- each activity is a tag, and the mood is the tag "mood: <mood>";
- activities named sweat*, vomit*, diarrh* or fever* set those yes/no fields instead;
- exercise activities (gym, run, walk, swim, yoga, cycling, ... see EXERCISE) are exercise
  sessions at the entry's time, without minutes or intensity (Daylio records neither), and
  answer the day's "did you exercise?" with yes;
- a cramp or spasm activity is an episode at the entry's time, when the activity or the note
  names a muscle spasmlog knows (side from "left"/"right"; no severity: Daylio has none); the
  note is the episode's note. Otherwise it stays a tag.
"""

from __future__ import annotations

import datetime as dt
import re

from spasmlog.interchange.importing import app_csv
from spasmlog.interchange.importing.harvest import EpisodeRow, Harvest, Progress, SessionRow
from spasmlog.interchange.importing.sources import Opened, Options, SimpleFormat, Sniff

NAME = "daylio"
HEAD = ("full_date", "date", "weekday", "time", "mood", "activities")
EXERCISE = re.compile(
    r"\b(gym|run|running|jog|jogging|walk|walking|hike|hiking|swim|swimming|yoga|pilates|"
    r"cycling|cycle|bike|biking|workout|sport|sports|football|soccer|tennis|dance|dancing|"
    r"climbing|exercise|training)\b",
    re.IGNORECASE,
)
_TIME = re.compile(r"(\d{1,2}):(\d{2})\s*([ap])?\.?\s*m?\.?$", re.IGNORECASE)


def recognises(sniff: Sniff) -> bool:
    return sniff.header[: len(HEAD)] == HEAD


def clock_time(text: str) -> dt.time:
    """ "21:40", "9:40 pm", "12:15 am" -> a time; ValueError otherwise."""
    match = _TIME.match(text.strip())
    if match is None:
        raise ValueError(text)
    hour, minute, half = int(match.group(1)), int(match.group(2)), match.group(3)
    if half is not None:
        if not 1 <= hour <= 12:
            raise ValueError(text)
        hour = hour % 12 + (12 if half.lower() == "p" else 0)
    return dt.time(hour, minute)


def read(opened: Opened, options: Options, progress: Progress | None) -> Harvest:
    harvest = Harvest(NAME, "Daylio", opened.name, opened.modified)
    problems = app_csv.Problems(opened.name)
    header = [cell.strip().lower() for cell in _header(opened)]
    at = {name: header.index(name) for name in header}
    unnamed = 0
    for line, cells in app_csv.rows(opened, progress):
        if len(cells) != len(header):
            problems.add(line, f"has {len(cells)} cells; the header has {len(header)}.")
            continue
        cell = {name: cells[i].strip() for name, i in at.items()}
        try:
            day = dt.date.fromisoformat(cell["full_date"])
            time = clock_time(cell["time"])
        except ValueError:
            problems.add(line, f"full_date {cell['full_date']!r} or time {cell['time']!r} is bad.")
            continue
        moment = app_csv.local(day, time, line, problems)
        if moment is None:
            continue
        if cell["mood"]:
            harvest.tag(day, app_csv.tag_of(f"mood: {cell['mood']}"), "mood")
            harvest.tag_columns["mood"] = "mood: <the mood>"
        note = " ".join(p for p in (cell.get("note_title", ""), cell.get("note", "")) if p)
        for activity in (a.strip() for a in cell["activities"].split("|")):
            if not activity:
                continue
            flag = app_csv.flag_for(activity)
            muscle = app_csv.muscle_of(activity, note)
            if flag is not None:
                harvest.set(day, flag, True)
            elif app_csv.is_cramp(activity) and muscle is not None:
                key = f"{moment.isoformat()}|{activity.lower()}"
                harvest.episodes.append(
                    EpisodeRow(
                        key,
                        moment,
                        True,
                        muscle,
                        app_csv.side_of(activity, note),
                        None,
                        None,
                        note or None,
                    )  # fmt: skip
                )
            elif EXERCISE.search(activity):
                name = app_csv.tag_of(activity)
                key = f"{moment.isoformat()}|{name}"
                harvest.sessions.append(SessionRow(key, moment, name, None, None))
                harvest.set(day, "exercised", True)
                harvest.tag_columns.setdefault(f"activity: {activity}", "exercise session")
            else:
                unnamed += app_csv.is_cramp(activity)
                harvest.tag(day, app_csv.tag_of(activity), f"activity: {activity}")
    problems.raise_if_any()
    if unnamed:
        harvest.notes.append(
            f"{unnamed} cramp activities name no muscle spasmlog knows, in themselves or the "
            "note: kept as tags, not episodes"
        )
    return harvest


def _header(opened: Opened) -> list[str]:
    first = opened.head().split(b"\n", 1)[0].decode("utf-8", "replace").removeprefix("\ufeff")
    return [cell.strip() for cell in first.rstrip("\r").split(",")]


FORMAT = SimpleFormat(
    NAME,
    "Daylio",
    "a CSV header starting full_date,date,weekday,time,mood,activities",
    recognises,
    read,
)
