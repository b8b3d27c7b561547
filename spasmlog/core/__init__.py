"""The bottom layer: the clock and local time, errors, paths and every field parser.

Imports nothing else of spasmlog; every other layer may import it.
"""
