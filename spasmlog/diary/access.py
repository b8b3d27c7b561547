"""Opening the diary for a front end, and what a failure of the file means.

Front ends never import the store: they get it here, opened (created, or upgraded after a backup
with misplaced offsets repaired), and hand its sessions to the use cases. `Store` is the type
they may name.
"""

from spasmlog.db.sqlite import explained
from spasmlog.db.store import Store, open_store

__all__ = ["Store", "explained", "open_store"]
