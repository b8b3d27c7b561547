"""spasmlog's own files: the CSV of one kind that `export csv` writes, or the whole-diary JSON of
`export json`. Read and checked by spasmlog.interchange.importing.read, written by
spasmlog.interchange.importing.importer, exactly as before this package had other formats."""

from __future__ import annotations

from spasmlog.interchange.importing.harvest import ImportRejected, Progress
from spasmlog.interchange.importing.kinds import KINDS
from spasmlog.interchange.importing.read import CheckedFile, check_file
from spasmlog.interchange.importing.sources import Opened, Options, SimpleFormat, Sniff
from spasmlog.interchange.records import DIARY_SCHEMA

NAME = "spasmlog"


def kinds_for(header: tuple[str, ...]) -> list[str]:
    """The kinds whose columns a CSV header fits: every required one present, none unknown."""
    names = {cell for cell in header if cell}
    return [
        kind.name
        for kind in KINDS.values()
        if names <= set(kind.accepted)
        and all(column.name in names for column in kind.columns if column.required)
    ]


def _is_json(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return text.startswith(b"{") and DIARY_SCHEMA.encode() in text[:4096]


def recognises(sniff: Sniff) -> bool:
    return sniff.zip_names is None and (_is_json(sniff.head) or bool(kinds_for(sniff.header)))


def read(opened: Opened, options: Options, progress: Progress | None) -> CheckedFile:
    kind = options.kind
    if kind is None:
        head = opened.head()
        if _is_json(head) or opened.name.lower().endswith(".json"):
            kind = "json"
        else:
            fits = kinds_for(Sniff.of(opened).header)
            if len(fits) != 1:
                listed = ", ".join([*KINDS, "json"])
                raise ImportRejected(
                    f"{opened.name}: cannot tell which kind of spasmlog file this is from its "
                    f"header; say it with --kind ({listed}). Nothing was imported."
                )
            [kind] = fits
    return check_file(opened.stream, opened.name, kind, options.now, progress)


FORMAT = SimpleFormat(
    NAME,
    "spasmlog",
    "the header of one of its CSVs (e.g. started_at,muscle) or a JSON file with "
    f'"schema": "{DIARY_SCHEMA}"',
    recognises,
    read,
)
