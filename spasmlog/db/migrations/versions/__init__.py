"""The schema revisions, in order; each owns the column types it uses (../column_types.py)."""
