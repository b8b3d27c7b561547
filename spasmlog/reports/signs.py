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


def _dates(frame: pd.DataFrame) -> tuple[dt.date, ...]:
    return tuple(sorted({day.date() for day in frame["date"]}))


def sign_dates(episodes: pd.DataFrame, flagged_ids: set[int]) -> list[SignDates]:
    """Each sign with the dates it showed on (only the signs that did), from the period's
    episodes and the IDs of those that had fever, rash or weakness
    (spasmlog.reports.load.episode_ids_with_symptoms). Frequent counts the episodes of the 7
    days up to each one, within the period."""
    import pandas as pd

    if episodes.empty:
        return []
    flagged = episodes["id"].isin(flagged_ids)
    severe = episodes["severity"].fillna(-1) >= factors.SEVERE_AT
    times = episodes["start_utc"].sort_values(ignore_index=True)
    window = pd.Timedelta(days=factors.FREQUENT_DAYS)
    upto = times.searchsorted(episodes["start_utc"], side="right")
    after = times.searchsorted(episodes["start_utc"] - window, side="right")
    frequent = pd.Series(upto - after, index=episodes.index) >= factors.FREQUENT_COUNT
    found = [
        SignDates(f"With {', '.join(factors.RED_FLAG_SYMPTOMS[:-1])} or "
                  f"{factors.RED_FLAG_SYMPTOMS[-1]}", _dates(episodes[flagged.astype(bool)])),
        SignDates(f"Severe ({factors.SEVERE_AT}/10 or more)", _dates(episodes[severe])),
        SignDates(
            f"Frequent ({factors.FREQUENT_COUNT} or more in {factors.FREQUENT_DAYS} days)",
            _dates(episodes[frequent]),
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
