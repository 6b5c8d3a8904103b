"""Bounded, streaming checks of the XML parts inside an xlsx package.

Every part is unpacked once, in chunks, before python-calamine parses
anything, so memory stays bounded and a part that unpacks to more than it
declared (the classic zip-bomb trick) fails its checksum here. Along the way:

* any `<!DOCTYPE` (or `<!ENTITY`) in an XML part's prolog is refused: a
  roster never needs one, and it is how entity-expansion ("billion laughs")
  bombs are carried. XML allows a DTD only before the first element, so once
  that element starts the rest of the part is unpacked but not searched;
* each worksheet's declared `<dimension ref="A1:U500001"/>` is read from its
  first few KB: the reader sizes its cell grid from the sheet's extent, so an
  absurd one is refused. A sheet without one is measured by a second pass;
* the workbook's date system (`<workbookPr date1904="1"/>`) is read, needed
  to turn Excel serial numbers in plain numeric cells into dates.
"""

from __future__ import annotations

import codecs
import re
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from chapterdesk.errors import BadInputError
from chapterdesk.hqsync.unpack import part_chunks

MAX_SHEET_ROWS = 2_000_000
MAX_SHEET_COLUMNS = 500
SHEET_HEAD_BYTES = 64 * 1024  #: how much of a sheet is read to find its dimension
CHUNK_BYTES = 1024 * 1024
_OVERLAP = 512  #: bytes carried between chunks so a tag split across them is still seen

_XML_SUFFIXES = (".xml", ".rels", ".vml")
_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_ROOT_ELEMENT = re.compile(rb"<[A-Za-z_]")  #: the first element's start tag ends the prolog
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b[^>]*?\bref\s*=\s*[\"']([^\"']*)[\"']")
_SHEET_DATA = re.compile(rb"<(?:\w+:)?(sheetData|row)\b")
_WORKSHEET = re.compile(rb"<(?:\w+:)?worksheet\b")
_ROW_NUMBER = re.compile(rb"<(?:\w+:)?row\b[^>]*?\sr\s*=\s*[\"'](\d+)")
_CELL_COLUMN = re.compile(rb"<(?:\w+:)?c\b[^>]*?\sr\s*=\s*[\"']([A-Za-z]+)\d")
_CELL_REF = re.compile(r"^\$?([A-Za-z]{1,4})\$?(\d{1,9})$")
_DATE1904 = re.compile(
    rb"<(?:\w+:)?workbookPr\b[^>]*?\bdate1904\s*=\s*[\"'](1|true|on)[\"']", re.IGNORECASE
)


def check_package(
    path: Path,
    archive: zipfile.ZipFile,
    infos: list[zipfile.ZipInfo],
    on_chunk: Callable[[int], None] | None = None,
) -> bool:
    """Check every part of an xlsx; return True if the workbook uses the 1904 date system.

    Every part is unpacked in full, in chunks, so a part that unpacks to more
    than its declared size (or fails its checksum) is caught here rather than
    in the reader; `on_chunk(bytes)` is called after each chunk.

    Raises:
        BadInputError: a part declares a DOCTYPE or a sheet claims an absurd size.
        zipfile.BadZipFile, unpack.InflateError, zlib.error: a part is damaged (the
            caller words it).
    """
    with path.open("rb") as file:  # deflated parts are inflated from here (`unpack`)
        return _check_parts(path, archive, file, infos, on_chunk)


def _check_parts(
    path: Path,
    archive: zipfile.ZipFile,
    file: BinaryIO,
    infos: list[zipfile.ZipInfo],
    on_chunk: Callable[[int], None] | None,
) -> bool:
    date1904 = False
    for info in infos:
        if info.is_dir():
            continue
        name = info.filename
        in_prolog = name.lower().endswith(_XML_SUFFIXES)
        head = carry = b""
        for chunk in _chunks(archive, file, info):
            if not head:  # any part that opens like markup is checked as XML, whatever its name
                in_prolog = in_prolog or (chunk.lstrip()[:1] == b"<" and not name.endswith(".svg"))
            if len(head) < SHEET_HEAD_BYTES:
                head += chunk[: SHEET_HEAD_BYTES - len(head)]
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
        if name.lower().startswith("xl/worksheets/") or _WORKSHEET.search(head):
            _check_dimension(path, archive, file, info, head)
        elif name == "xl/workbook.xml":
            date1904 = _DATE1904.search(head) is not None
    return date1904


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


def column_number(letters: str) -> int:
    """A column's 1-based number from its letters ("A" → 1, "U" → 21, "AA" → 27)."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def _check_dimension(
    path: Path, archive: zipfile.ZipFile, file: BinaryIO, info: zipfile.ZipInfo, head: bytes
) -> None:
    found = _DIMENSION.search(head)
    if found is not None:
        ref = found.group(1).decode("ascii", "replace")
        last = ref.split(":")[-1].strip()
        cell = _CELL_REF.match(last)
        if cell is None:
            raise BadInputError(
                f"{path.name} is damaged: a sheet declares the range {ref[:40]!r}. "
                "Download it from HQ again."
            )
        rows, columns = int(cell.group(2)), column_number(cell.group(1))
    elif _SHEET_DATA.search(head) is not None or info.file_size <= SHEET_HEAD_BYTES:
        rows, columns = _measure_sheet(archive, file, info)
    else:
        raise BadInputError(
            f"{path.name} is damaged: a sheet has no cell data where it should start. "
            "Download it from HQ again."
        )
    if rows > MAX_SHEET_ROWS or columns > MAX_SHEET_COLUMNS:
        raise BadInputError(
            f"{path.name} was refused: a sheet claims {rows:,} rows and {columns:,} columns, "
            f"more than a roster can have (at most {MAX_SHEET_ROWS:,} rows and "
            f"{MAX_SHEET_COLUMNS} columns). Ask HQ to export the roster again."
        )


def _measure_sheet(
    archive: zipfile.ZipFile, file: BinaryIO, info: zipfile.ZipInfo
) -> tuple[int, int]:
    """The largest row number and column of a sheet that declares no dimension."""
    rows = columns = count = 0
    carry = b""
    for chunk in _chunks(archive, file, info):
        window = carry + chunk  # a tag split across two chunks is still seen
        # Count each "<row" once: those wholly inside the carried bytes were counted already.
        count += window.count(b"<row", max(len(carry) - 3, 0))
        carry = chunk[-_OVERLAP:]
        for match in _ROW_NUMBER.finditer(window):
            rows = max(rows, int(match.group(1)))
        for match in _CELL_COLUMN.finditer(window):
            if len(match.group(1)) > 3:
                return rows, 10**6
            columns = max(columns, column_number(match.group(1).decode("ascii")))
    return max(rows, count), columns
