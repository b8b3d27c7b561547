"""The diary in and out of files: the records every export shares, CSV/JSON/FHIR exports, and
the importers of spasmlog's own files and other apps' exports."""
