"""Measuring the sheets of an .ods or .xlsb workbook before python-calamine loads them.

The same budget as for .xlsx (`extent`): calamine holds a sheet as a dense
grid from A1 to its furthest real cell, and copies a shared string into every
cell that uses it. An OpenDocument sheet compresses empty space with
`number-rows-repeated`/`number-columns-repeated` (a row repeated a million
times costs a few bytes in the file), so the grid is counted with the repeats
expanded, but only up to the last cell that holds something, as calamine
does. An .xlsb sheet is a stream of binary records: a row header record
gives the row, each cell record its column.
"""

from __future__ import annotations

import struct
from array import array
from collections.abc import Iterable, Iterator
from typing import cast
from xml.etree.ElementTree import Element, XMLPullParser

from chapterdesk.hqsync.extent import SharedStrings, SheetExtent

_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_ROW, _CELL, _COVERED = _TABLE + "table-row", _TABLE + "table-cell", _TABLE + "covered-table-cell"
_SHEET = _TABLE + "table"
_ROWS_REPEATED = _TABLE + "number-rows-repeated"
_COLUMNS_REPEATED = _TABLE + "number-columns-repeated"
_VALUE_TYPE = _OFFICE + "value-type"

#: xlsb record types (MS-XLSB 2.3.2): a row header, the cell records that hold a value
_BRT_ROW_HDR = 0
_BRT_CELLS_WITH_VALUE = frozenset(range(2, 12))
_BRT_CELL_ISST = 7
_BRT_SST_ITEM = 19
_U32 = struct.Struct("<I")


def _repeats(element: Element, name: str) -> int:
    try:
        return max(int(element.get(name, "1")), 1)
    except ValueError:
        return 1


def measure_ods(chunks: Iterable[bytes]) -> SheetExtent:
    """The largest grid any table of an ODS `content.xml` spans (its repeats expanded)."""
    parser: XMLPullParser[Element] = XMLPullParser(events=("end",))
    largest = SheetExtent()
    row = column = last_valued = rows = columns = 0
    valued_row = False
    for chunk in chunks:
        parser.feed(chunk)
        events = cast("Iterator[tuple[str, Element]]", parser.read_events())  # "end" events only
        for _, element in events:
            tag = element.tag
            if tag in (_CELL, _COVERED):
                column += _repeats(element, _COLUMNS_REPEATED)
                if element.get(_VALUE_TYPE) is not None or len(element):
                    last_valued, valued_row = column, True
                element.clear()
            elif tag == _ROW:
                repeats = _repeats(element, _ROWS_REPEATED)
                if valued_row:
                    rows, columns = row + repeats, max(columns, last_valued)
                row += repeats
                column = last_valued = 0
                valued_row = False
                element.clear()
            elif tag == _SHEET:
                if rows * columns > largest.grid_cells:
                    largest = SheetExtent(rows=rows, columns=columns)
                row = rows = columns = 0
                element.clear()
    parser.close()
    return largest


def _records(chunks: Iterable[bytes]) -> Iterable[tuple[int, bytes]]:
    """The (type, payload) records of an xlsb part (a record's header is two varints)."""
    buffer = bytearray()
    for chunk in chunks:
        buffer += chunk
        at = 0
        while True:
            header = _record_header(buffer, at)
            if header is None:
                break
            kind, start, size = header
            if start + size > len(buffer):
                break
            yield kind, bytes(buffer[start : start + min(size, 12)])
            at = start + size
        del buffer[:at]


def _record_header(buffer: bytearray, at: int) -> tuple[int, int, int] | None:
    values = []
    for width in (2, 4):  # the type takes at most 2 bytes, the size at most 4
        value = shift = 0
        for _ in range(width):
            if at >= len(buffer):
                return None
            byte = buffer[at]
            at += 1
            value |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                break
        values.append(value)
    return values[0], at, values[1]


def xlsb_shared_strings(chunks: Iterable[bytes]) -> SharedStrings:
    """The lengths of an xlsb's shared strings (each `BrtSSTItem` record's size)."""
    strings = SharedStrings(lengths=array("I"))
    buffer = bytearray()
    for chunk in chunks:  # sizes only: a record's payload is skipped, not kept
        buffer += chunk
        at = 0
        while (header := _record_header(buffer, at)) is not None:
            kind, start, size = header
            if start + size > len(buffer):
                break
            if kind == _BRT_SST_ITEM:
                strings.lengths.append(min(size, 2**32 - 1))
                strings.longest = max(strings.longest, size)
            at = start + size
        del buffer[:at]
    return strings


def measure_xlsb(chunks: Iterable[bytes], strings: SharedStrings) -> SheetExtent:
    """The furthest value cell of an xlsb worksheet part, and the shared text its cells copy."""
    extent = SheetExtent(string_bytes=0)
    lengths, count = strings.lengths, len(strings.lengths)
    row = 0
    string_bytes = 0
    for kind, payload in _records(chunks):
        if kind == _BRT_ROW_HDR and len(payload) >= 4:
            row = _U32.unpack_from(payload)[0] + 1
        elif kind in _BRT_CELLS_WITH_VALUE and len(payload) >= 4:
            extent.rows = max(extent.rows, row)
            extent.columns = max(extent.columns, _U32.unpack_from(payload)[0] + 1)
            if kind == _BRT_CELL_ISST and len(payload) >= 12:
                index = _U32.unpack_from(payload, 8)[0]
                string_bytes += lengths[index] if index < count else 0
    extent.string_bytes = string_bytes
    return extent
