"""Streaming a large XML file safely: the prolog's DTD set aside, entities refused, nothing
loaded whole.

Apple Health's export.xml declares an internal DTD, and some iOS versions wrote one that expat
rejects. A health export needs nothing from it, so `without_dtd` reads the prolog (up to
PROLOG_LIMIT bytes), refuses one that declares entities (a Health export never does; an "XML
bomb" must), and hands the parser the document without the DTD. The parser is expat configured
by defusedxml (entity declarations, external references and any DTD left refused), with a
single start-element handler of the caller's: no tree is built and no end events are asked for,
so memory stays flat whatever the file's size.
"""

from __future__ import annotations

import io
import pyexpat
import re
from collections.abc import Callable, Iterator
from typing import IO, BinaryIO

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from spasmlog.interchange.importing.harvest import ImportRejected

CHUNK = 1 << 20
PROLOG_LIMIT = 4 << 20  # a DTD larger than this is not Apple's
_ENTITY = re.compile(rb"<!ENTITY\b")
_COMMENT = re.compile(rb"<!--.*?-->", re.DOTALL)

StartHandler = Callable[[str, dict[str, str]], None]


def _doctype_end(text: bytes, at: int) -> int:
    """The index just after the DOCTYPE declaration starting at `at`, or -1 if not in `text`:
    quotes, comments and the bracketed internal subset are skipped over."""
    depth, quote, i = 0, 0, at + len(b"<!DOCTYPE")
    while i < len(text):
        c = text[i]
        if quote:
            if c == quote:
                quote = 0
        elif text.startswith(b"<!--", i):
            end = text.find(b"-->", i + 4)
            if end < 0:
                return -1
            i = end + 3
            continue
        elif c in b"\"'":
            quote = c
        elif c == ord("["):
            depth += 1
        elif c == ord("]"):
            depth -= 1
        elif c == ord(">") and depth <= 0:
            return i + 1
        i += 1
    return -1


def without_dtd(stream: IO[bytes], file: str) -> Iterator[bytes]:
    """The document's bytes in chunks, its DOCTYPE declaration (if any) left out."""
    head = b""
    while True:
        chunk = stream.read(CHUNK)
        head += chunk
        start = head.find(b"<!DOCTYPE")
        first_element = re.search(rb"<[^?!]", head)
        if start < 0 or (first_element is not None and first_element.start() < start):
            break  # no DTD before the first element
        end = _doctype_end(head, start)
        if end >= 0:
            dtd = _COMMENT.sub(b"", head[start:end])
            if _ENTITY.search(dtd):
                raise ImportRejected(
                    f"{file} declares XML entities, which a Health export never does; it was "
                    "refused as possibly hostile (an entity-expansion bomb). Nothing was imported."
                )
            head = head[:start] + head[end:]
            break
        if not chunk or len(head) > PROLOG_LIMIT:
            raise ImportRejected(
                f"{file}: its DOCTYPE declaration does not end within the first "
                f"{PROLOG_LIMIT >> 20} MiB; this is not an Apple Health export. Nothing was "
                "imported."
            )
    yield head
    while chunk := stream.read(CHUNK):
        yield chunk


class StreamParser:
    """A defused expat parser calling `start(name, attributes)` for each element, and nothing
    else. `line` is where it is (for messages); `run` feeds it a document's chunks."""

    def __init__(self, start: StartHandler) -> None:
        self.expat = DefusedXMLParser(target=_Nothing(), forbid_dtd=True).parser
        for handler in (
            "EndElementHandler", "CharacterDataHandler", "CommentHandler",
            "ProcessingInstructionHandler", "DefaultHandlerExpand", "DefaultHandler",
            "StartNamespaceDeclHandler", "EndNamespaceDeclHandler",
        ):  # fmt: skip
            setattr(self.expat, handler, None)
        self.expat.ordered_attributes = False
        self.expat.StartElementHandler = start

    @property
    def line(self) -> int:
        return int(self.expat.CurrentLineNumber)

    def run(
        self, chunks: Iterator[bytes], file: str, moved: Callable[[int], None] | None = None
    ) -> None:
        """Parse every chunk; malformed XML, entity declarations and external references are
        refused with ImportRejected."""
        done = 0
        try:
            for chunk in chunks:
                self.expat.Parse(chunk, False)
                done += len(chunk)
                if moved is not None:
                    moved(done)
            self.expat.Parse(b"", True)
        except pyexpat.ExpatError as error:
            reason = pyexpat.ErrorString(error.code)
            hint = ""
            if reason in ("no element found", "unclosed token"):
                hint = " It ends before its last element closes: was it cut short? Export again."
            elif reason == "undefined entity":
                hint = " It uses an XML entity, which a Health export never does."
            raise ImportRejected(
                f"{file}, line {error.lineno}: not well-formed XML ({reason}).{hint} Nothing "
                "was imported."
            ) from None
        except DefusedXmlException as error:
            raise ImportRejected(
                f"{file} uses a DTD, entities or external references ({type(error).__name__}), "
                "which a Health export never does; refused as possibly hostile. Nothing was "
                "imported."
            ) from None


class _Nothing:
    """A target that builds nothing (the handlers above replace its callbacks anyway)."""

    def close(self) -> None:
        return None


def reader(stream: BinaryIO) -> io.BufferedReader:
    return stream if isinstance(stream, io.BufferedReader) else io.BufferedReader(stream)  # type: ignore[arg-type]
