"""The article's see-a-doctor signs over a report's period, and the dates each showed on.

`spasmlog log` shows a notice for a sign at most once a day (spasmlog.core.notices); the weekly
report lists every date, so that nothing said once is lost. The signs are those `log` checks
(spasmlog.knowledge.factors.doctor_signs): accompanied by fever, rash or weakness; severe; frequent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from spasmlog.knowledge import factors

if TYPE_CHECKING:
    import pandas as pd

SHOWN_DATES = 12  # dates listed per sign; more are counted


@dataclass(frozen=True)
class SignDates:
    label: str
    dates: tuple[dt.date, ...]  # calendar dates of the episodes that showed it, in order


def dates(frame: pd.DataFrame) -> tuple[dt.date, ...]:
    """The calendar dates of a frame's episodes, each once, in order."""
    return tuple(sorted(frame["date"].drop_duplicates().dt.date))


def counts_within(times: pd.Series, window: pd.Timedelta) -> pd.Series:
    """For each time t, how many of `times` fall in (t - window, t]: itself and those just
    before. Two binary searches in the sorted times, so a long period stays linear."""
    import pandas as pd

    ordered = times.sort_values(ignore_index=True)
    upto = ordered.searchsorted(times, side="right")
    before = ordered.searchsorted(times - window, side="right")
    return pd.Series(upto - before, index=times.index, dtype=int)


def severe(episodes: pd.DataFrame) -> pd.Series:
    """Which episodes were severe as the person rated them: a severity converted from another
    app's scale (severity_scale set) alone is not "severe"."""
    typed = episodes["severity_scale"].isna().to_numpy(dtype=bool)
    return (episodes["severity"].fillna(-1) >= factors.SEVERE_AT) & typed


def frequent(episodes: pd.DataFrame) -> pd.Series:
    """Which episodes came with FREQUENT_COUNT or more in the FREQUENT_DAYS up to their start."""
    import pandas as pd

    in_window = counts_within(episodes["start_utc"], pd.Timedelta(days=factors.FREQUENT_DAYS))
    return in_window >= factors.FREQUENT_COUNT


def sign_dates(episodes: pd.DataFrame, flagged_ids: set[int]) -> list[SignDates]:
    """Each sign with the dates it showed on (only the signs that did), from the period's
    episodes and the IDs of those that had fever, rash or weakness
    (spasmlog.reports.load.episode_ids_with_symptoms). Frequent counts the episodes of the 7
    days up to each one, within the period."""
    if episodes.empty:
        return []
    flagged = episodes["id"].isin(flagged_ids).astype(bool)
    found = [
        SignDates(f"With {', '.join(factors.RED_FLAG_SYMPTOMS[:-1])} or "
                  f"{factors.RED_FLAG_SYMPTOMS[-1]}", dates(episodes[flagged])),
        SignDates(f"Severe ({factors.SEVERE_AT}/10 or more)", dates(episodes[severe(episodes)])),
        SignDates(
            f"Frequent ({factors.FREQUENT_COUNT} or more in {factors.FREQUENT_DAYS} days)",
            dates(episodes[frequent(episodes)]),
        ),
    ]  # fmt: skip
    return [sign for sign in found if sign.dates]


def render(signs: Sequence[SignDates]) -> list[str]:
    """The lines the weekly report prints under its table; none when no sign showed."""
    if not signs:
        return []
    lines = [f'See-a-doctor signs in this period. The article: "{factors.SEE_DOCTOR_QUOTE}"']
    for sign in signs:
        shown = ", ".join(day.isoformat() for day in sign.dates[:SHOWN_DATES])
        more = len(sign.dates) - SHOWN_DATES
        extra = f" and {more} more days" if more > 0 else ""
        lines.append(f"  {sign.label}: {shown}{extra}")
    return lines
