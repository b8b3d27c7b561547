"""Every SELECT of the use cases, one module per table, in one namespace: `queries.get_episode`."""

from spasmlog.db.queries.checkins import checkin_exercise, checkin_row_on, list_checkins
from spasmlog.db.queries.conditions import get_condition, list_conditions
from spasmlog.db.queries.episodes import (
    count_episodes_between,
    episode_medications_between,
    exercise_for,
    first_episode_near,
    frequent_muscles,
    get_episode,
    list_episodes,
    set_episode_medications,
    since_until,
)
from spasmlog.db.queries.exercise import episodes_with_exercise, list_exercise
from spasmlog.db.queries.labs import list_labs
from spasmlog.db.queries.medications import list_medications, live_medications, medication_periods
from spasmlog.db.queries.settings import (
    OBSERVED_SINCE,
    first_records,
    observed_from,
    setting,
    setting_row,
)

__all__ = [
    "OBSERVED_SINCE", "checkin_exercise", "checkin_row_on", "count_episodes_between",
    "episode_medications_between", "first_episode_near", "episodes_with_exercise", "exercise_for",
    "first_records", "frequent_muscles", "get_condition",
    "get_episode", "list_checkins", "list_conditions", "list_episodes", "list_exercise",
    "list_labs", "list_medications", "live_medications", "medication_periods", "observed_from",
    "set_episode_medications", "setting", "setting_row", "since_until",
]  # fmt: skip
