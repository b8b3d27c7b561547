"""The use cases: what a person can do with their diary, one module per kind of record.

Plain values in, plain records out, `SpasmlogError`s raised, nothing printed. Each function takes
the session of the transaction its front end opened (`store.writing()` / `store.reading()`), so
a command is one transaction whatever use cases it calls. SQL lives in spasmlog.db.
"""
