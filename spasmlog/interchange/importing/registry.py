"""Every import format, and finding which one a file is: the most specific signature first."""

from __future__ import annotations

from spasmlog.interchange.importing import apple_health, bearable, daylio, flaredown, own
from spasmlog.interchange.importing.harvest import ImportRejected
from spasmlog.interchange.importing.sources import Opened, SimpleFormat, Sniff


def formats() -> tuple[SimpleFormat, ...]:
    """Every format, the most specific signature first."""
    return (apple_health.FORMAT, daylio.FORMAT, bearable.FORMAT, flaredown.FORMAT, own.FORMAT)


def names() -> tuple[str, ...]:
    return tuple(f.name for f in formats())


def detect(opened: Opened, chosen: str | None) -> SimpleFormat:
    """The format `--from` names, else the one whose signature the file has."""
    known = formats()
    sniff = Sniff.of(opened)
    if chosen is not None:
        named = next(f for f in known if f.name == chosen)
        # a CSV app's reader trusts its header; the XML and spasmlog readers check for themselves
        if named.name in (apple_health.NAME, own.NAME) or named.recognises(sniff):
            return named
        raise ImportRejected(
            f"{opened.name} is not a {named.label} export: it looked for {named.looks_for}. "
            "Nothing was imported."
        )
    for candidate in known:
        if candidate.recognises(sniff):
            return candidate
    if opened.name.lower().endswith(".json") and sniff.zip_names is None:
        return own.FORMAT  # whose reader says what is wrong with it
    looked = "; ".join(f"{f.label}: {f.looks_for}" for f in known)
    raise ImportRejected(
        f"{opened.name}: not a format spasmlog knows. It looked for {looked}. Name the format "
        f"with --from ({', '.join(f.name for f in known)}); nothing was imported."
    )
