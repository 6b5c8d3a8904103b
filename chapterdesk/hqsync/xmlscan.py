"""Bounded, streaming checks of the XML parts inside an xlsx package.

Every part is unpacked once, in chunks, before python-calamine parses
anything, so memory stays bounded and a part that unpacks to more than it
declared (the classic zip-bomb trick) fails its checksum here. Along the way:

* any `<!DOCTYPE` (or `<!ENTITY`) in an XML part's prolog is refused: a
  roster never needs one, and it is how entity-expansion ("billion laughs")
  bombs are carried. XML allows a DTD only before the first element, so once
  that element starts the rest of the part is unpacked but not searched;
* each worksheet is measured as it streams by (`extent`): the grid from A1 to
  its furthest real cell and the shared text its cells copy, which is what
  python-calamine will allocate. A declared `<dimension>` is only a hint and
  is not trusted either way. The parts are found through the package's
  relationships (`package`), as calamine finds them; an .xlsb or .ods is
  measured from its own records (`other_extent`);
* the workbook's date system (`<workbookPr date1904="1"/>`) is read, needed
  to turn Excel serial numbers in plain numeric cells into dates.
"""

from __future__ import annotations

import codecs
import re
import zipfile
from collections.abc import Callable, Iterator
from itertools import chain
from pathlib import Path
from typing import BinaryIO, Protocol

from chapterdesk.errors import BadInputError
from chapterdesk.hqsync.extent import (
    MAX_GRID_CELLS,
    MAX_STRING_BYTES,
    SharedStrings,
    SheetExtent,
    measure_shared_uses,
    measure_sheet,
    tag_aligned,
)
from chapterdesk.hqsync.other_extent import measure_ods, measure_xlsb, xlsb_shared_strings
from chapterdesk.hqsync.package import WorkbookParts
from chapterdesk.hqsync.unpack import part_chunks

SHEET_HEAD_BYTES = 64 * 1024  #: how much of a part is looked at to tell what it is
CHUNK_BYTES = 1024 * 1024
_OVERLAP = 512  #: bytes carried between chunks so a tag split across them is still seen

_XML_SUFFIXES = (".xml", ".rels", ".vml")
_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_ROOT_ELEMENT = re.compile(rb"<[A-Za-z_]")  #: the first element's start tag ends the prolog
_WORKSHEET = re.compile(rb"<([\w.-]+:)?worksheet\b")
_SHARED_STRINGS = re.compile(rb"<(?:[\w.-]+:)?sst\b")
_DATE1904 = re.compile(
    rb"<(?:\w+:)?workbookPr\b[^>]*?\bdate1904\s*=\s*[\"'](1|true|on)[\"']", re.IGNORECASE
)


class SheetTee(Protocol):
    """Something that takes a worksheet's bytes as they are checked (`split.PieceWriter`)."""

    def wants(self, archive: zipfile.ZipFile, parts: WorkbookParts, name: str,
              date1904: bool) -> bool:  # fmt: skip
        """True to be handed this sheet (every other part of the package is checked by now)."""

    def measure(
        self, chunks: Iterator[bytes], strings: SharedStrings, prefix: bytes
    ) -> SheetExtent:
        """Measure the sheet from its unpacked `chunks` (as `measure_sheet` does), taking them."""


def check_package(
    path: Path,
    archive: zipfile.ZipFile,
    infos: list[zipfile.ZipInfo],
    on_chunk: Callable[[int], None] | None = None,
    parts: WorkbookParts | None = None,
    tee: SheetTee | None = None,
) -> bool:
    """Check every part of an xlsx, xlsb or ods; return True if it counts dates from 1904.

    Every part is unpacked in full, in chunks, so a part that unpacks to more
    than its declared size (or fails its checksum) is caught here rather than
    in the reader; `on_chunk(bytes)` is called after each chunk. Each sheet is
    measured as it is unpacked (`extent`), the shared strings first.

    Args:
        parts: where the package's relationships put the workbook (None for an .ods).
        tee: offered each worksheet of an xlsx once every other part is checked.

    Raises:
        BadInputError: a part declares a DOCTYPE, or a sheet would cost more than
            a roster can (its real extent, or the shared text its cells copy).
        zipfile.BadZipFile, unpack.InflateError, zlib.error, ValueError: a part is
            damaged (the caller words it).
    """
    with path.open("rb") as file:  # deflated parts are inflated from here (`unpack`)
        return _check_parts(path, archive, file, infos, on_chunk, parts, tee)


def _check_order(
    infos: list[zipfile.ZipInfo], parts: WorkbookParts | None
) -> list[zipfile.ZipInfo]:
    """The parts in order: the shared strings first (each sheet's cost needs their lengths),
    the worksheets last (so a `SheetTee` may copy the small parts, checked by then)."""
    shared = None if parts is None else parts.shared_strings
    sheets = frozenset() if parts is None else parts.sheets

    def order(info: zipfile.ZipInfo) -> int:
        name = info.filename
        if name == shared or name.lower().endswith(("sharedstrings.xml", "sharedstrings.bin")):
            return 0
        return 2 if name in sheets else 1

    return sorted(infos, key=order)


def _check_parts(
    path: Path,
    archive: zipfile.ZipFile,
    file: BinaryIO,
    infos: list[zipfile.ZipInfo],
    on_chunk: Callable[[int], None] | None,
    parts: WorkbookParts | None,
    tee: SheetTee | None = None,
) -> bool:
    date1904 = False
    strings = SharedStrings()
    shared = None if parts is None else parts.shared_strings
    for info in _check_order(infos, parts):
        if info.is_dir():
            continue
        name = info.filename
        chunks = _checked_chunks(path, archive, file, info, on_chunk)
        first = next(chunks, b"")
        stream = chain([first], chunks)
        head = first[:SHEET_HEAD_BYTES]
        if parts is None:  # an OpenDocument spreadsheet: its cells are in content.xml
            if name == "content.xml":
                _refuse_costly(path, measure_ods(stream), strings)
        elif parts.binary and name == shared:
            strings = xlsb_shared_strings(stream)
        elif parts.binary and name in parts.sheets:
            _refuse_costly(path, measure_xlsb(stream, strings), strings)
        elif parts.binary:
            for _ in stream:
                pass
        elif name == shared or (shared is None and _SHARED_STRINGS.search(head)):
            strings.add_part(tag_aligned(stream))
        elif (
            name in parts.sheets or name.lower().startswith("xl/worksheets/")
            or _WORKSHEET.search(head) is not None
        ):  # fmt: skip
            prefix = _prefix(_WORKSHEET.search(head))
            if tee is not None and tee.wants(archive, parts, name, date1904):
                extent = tee.measure(stream, strings, prefix)
            else:
                extent = measure_sheet(tag_aligned(stream), strings, prefix)
            if extent.string_cost(strings) > MAX_STRING_BYTES:  # the quick bound: count exactly
                extent.string_bytes = measure_shared_uses(
                    tag_aligned(_chunks(archive, file, info)), strings
                )
            _refuse_costly(path, extent, strings)
        else:
            for _ in stream:
                pass
            if name == parts.workbook:
                date1904 = _DATE1904.search(head) is not None
    return date1904


def _prefix(worksheet: re.Match[bytes] | None) -> bytes:
    """The namespace prefix of a sheet's elements (b"x:" for `<x:worksheet`), else b""."""
    return b"" if worksheet is None or worksheet.group(1) is None else worksheet.group(1)


def _checked_chunks(
    path: Path,
    archive: zipfile.ZipFile,
    file: BinaryIO,
    info: zipfile.ZipInfo,
    on_chunk: Callable[[int], None] | None,
) -> Iterator[bytes]:
    """A part's chunks, each checked for a DTD while the XML prolog lasts."""
    name = info.filename
    in_prolog = name.lower().endswith(_XML_SUFFIXES)
    carry = b""
    first = True
    for chunk in _chunks(archive, file, info):
        if first:  # any part that opens like markup is checked as XML, whatever its name
            in_prolog = in_prolog or (chunk.lstrip()[:1] == b"<" and not name.endswith(".svg"))
            first = False
        if in_prolog:  # past the prolog no DTD can be declared: the part is only unpacked
            window = carry + chunk  # a declaration split across two chunks is still seen
            if b"<!" in window and _DECLARATION.search(window):
                raise BadInputError(
                    f"{path.name} was refused: its part {name} declares a DOCTYPE, which a "
                    "spreadsheet never needs and which can hide an entity bomb. Ask HQ to "
                    "export the roster again, or open it in Excel and save it as a new .xlsx."
                )
            in_prolog = _ROOT_ELEMENT.search(window) is None
            carry = chunk[-_OVERLAP:]
        if on_chunk is not None:
            on_chunk(len(chunk))
        yield chunk


def _refuse_costly(path: Path, extent: SheetExtent, strings: SharedStrings) -> None:
    """Refuse a sheet whose grid or copied text would cost more than a roster can."""
    if extent.grid_cells > MAX_GRID_CELLS:
        raise BadInputError(
            f"{path.name} was refused: a sheet has cells as far as row {extent.rows:,} and "
            f"column {extent.columns:,}, a grid of {extent.grid_cells:,} cells, more than a "
            f"roster can have (at most {MAX_GRID_CELLS:,}). Ask HQ to export the roster again."
        )
    cost = extent.string_cost(strings)
    if cost > MAX_STRING_BYTES:
        raise BadInputError(
            f"{path.name} was refused: its cells repeat shared text {cost // 1024**2:,} MB long "
            f"in all, more than a roster can have (at most {MAX_STRING_BYTES // 1024**2} MB). "
            "Ask HQ to export the roster again."
        )


def _chunks(archive: zipfile.ZipFile, file: BinaryIO, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """A part's bytes unpacked in chunks, as UTF-8 (a UTF-16 part is re-encoded)."""
    decoder: codecs.IncrementalDecoder | None = None
    first = True
    for chunk in part_chunks(archive, file, info, CHUNK_BYTES):
        if first:
            decoder, first = _utf16_decoder(chunk), False
        if decoder is not None:
            chunk = decoder.decode(chunk).encode("utf-8")
        yield chunk


def _utf16_decoder(first: bytes) -> codecs.IncrementalDecoder | None:
    """A decoder for a UTF-16 part (Excel never writes one, but the format allows it)."""
    if first.startswith((b"\xff\xfe", b"<\x00")):
        return codecs.getincrementaldecoder("utf-16-le")(errors="replace")
    if first.startswith((b"\xfe\xff", b"\x00<")):
        return codecs.getincrementaldecoder("utf-16-be")(errors="replace")
    return None
