"""Reports: the diary as DataFrames (frames), statistics (no I/O), charts and documents.

Everything here may import pandas and matplotlib; nothing on the path of `spasmlog log` imports
this package.
"""
