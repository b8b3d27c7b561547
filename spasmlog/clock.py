"""The one place that asks what time it is, so tests and reproducible reports can fix it.

``SPASMLOG_NOW`` (an ISO 8601 time with offset) pins the clock; it exists for tests, demos and
byte-identical reports, and is documented in the README.
"""

import datetime as dt
import os


def now() -> dt.datetime:
    """The current local time, aware of its UTC offset."""
    pinned = os.environ.get("SPASMLOG_NOW")
    if pinned:
        moment = dt.datetime.fromisoformat(pinned)
        return moment if moment.tzinfo else moment.astimezone()
    return dt.datetime.now().astimezone()


def today() -> dt.date:
    return now().date()


def local_offset_min(moment: dt.datetime) -> int:
    """Minutes east of UTC that the given aware time carries."""
    offset = moment.utcoffset()
    return 0 if offset is None else int(offset.total_seconds() // 60)
