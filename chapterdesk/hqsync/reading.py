"""Turning a checked file into rows of cell values, one sheet at a time.

Workbooks (.xlsx, .xlsb, .ods and .xls) are read with python-calamine, which returns each
cell's typed value: text, a float for every number, a `datetime.date` for a
date cell. Formulas are never evaluated: calamine returns the value Excel
cached when the file was saved, which is what HQ saw. Rows are handed out
lazily with `iter_rows`, so only calamine's compact cell grid, not a second
copy as Python lists, is held for a large sheet.

CSV text is decoded as UTF-8 (with or without a byte-order mark), else as
Windows-1252 (what Excel on Windows writes) when it holds no UTF-8 at all, or
UTF-16 when it starts with a UTF-16 byte-order mark. UTF-8 with a stray
invalid byte is refused with its line and byte offset, never read as 1252.
The delimiter is chosen among comma, semicolon and tab by which one splits
the first lines most consistently.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import sys
import threading
from collections import Counter
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain
from operator import methodcaller
from pathlib import Path
from typing import Any, BinaryIO

import python_calamine

from chapterdesk.errors import BadInputError
from chapterdesk.hqsync.sniff import TEXT_SAMPLE_BYTES, FileFacts

MAX_CSV_LINE_CHARS = 100_000  #: one line of a roster CSV (a real one is a few hundred)
DELIMITERS = (",", ";", "\t")

Cells = list[Any]


@dataclass
class SheetRows:
    """The rows of one sheet (or of a CSV file), each with its 1-based row number."""

    rows: Iterator[tuple[int, Cells]]
    sheet_name: str | None = None
    last_row: int | None = None  #: the last row number, when known before reading
    delimiter: str | None = None
    encoding: str | None = None


def _damaged(path: Path, exc: BaseException) -> BadInputError:
    if isinstance(exc, python_calamine.PasswordError):
        return BadInputError(f"{path.name} is password-protected. Ask HQ for an unprotected copy.")
    detail = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
    return BadInputError(
        f"{path.name} could not be read as a workbook ({detail}). "
        "Open it in Excel and save it again, or ask HQ for the roster as .xlsx or .csv."
    )


def _is_rust_panic(exc: BaseException) -> bool:
    """True for pyo3's PanicException, which derives from BaseException, not Exception."""
    return type(exc).__name__ == "PanicException"


#: the names calamine reads each format under (it picks its reader by the file's name)
_SUFFIXES = {
    "xlsx": (".xlsx", ".xlsm", ".xltx", ".xltm", ".xlam"),
    "xlsb": (".xlsb",),
    "ods": (".ods",),
    "xls": (".xls", ".xla"),
}


def _open_workbook(path: Path, file_format: str) -> python_calamine.CalamineWorkbook:
    """The workbook, read by the reader its content calls for, whatever the file is named.

    A file whose name fits its content is opened by path (calamine reads it from the
    disk); one named otherwise ("roster.xlsx" holding an .xlsb) is handed over as an
    open file, from which calamine tells the format by the bytes.
    """
    if path.suffix.lower() in _SUFFIXES.get(file_format, ()):
        return python_calamine.CalamineWorkbook.from_path(str(path))
    with path.open("rb") as stream:
        return python_calamine.CalamineWorkbook.from_filelike(stream)


def open_sheets(path: Path, facts: FileFacts) -> Generator[SheetRows, None, None]:
    """The sheets worth looking at for a header, in order: visible worksheets first.

    Raises:
        BadInputError: the workbook or text cannot be read.
    """
    if facts.file_format == "csv":
        yield read_csv(path)
        return
    try:
        workbook = _open_workbook(path, facts.file_format)
    except BaseException as exc:
        if isinstance(exc, Exception) or _is_rust_panic(exc):
            raise _damaged(path, exc) from None
        raise
    with workbook:
        sheets = [meta for meta in workbook.sheets_metadata
                  if meta.typ == python_calamine.SheetTypeEnum.WorkSheet]  # fmt: skip
        visible = [m for m in sheets if m.visible == python_calamine.SheetVisibleEnum.Visible]
        for meta in visible or sheets:
            try:
                sheet = workbook.get_sheet_by_name(meta.name)
            except BaseException as exc:
                if isinstance(exc, Exception) or _is_rust_panic(exc):
                    raise _damaged(path, exc) from None
                raise
            end = sheet.end
            yield SheetRows(
                rows=_sheet_rows(sheet), sheet_name=meta.name,
                last_row=None if end is None else end[0] + 1,
            )  # fmt: skip


def _sheet_rows(sheet: python_calamine.CalamineSheet) -> Iterator[tuple[int, Cells]]:
    """A sheet's rows with spreadsheet row numbers.

    calamine's `iter_rows` starts at the sheet's first row (A1) even when the
    data starts lower; should a version start at the first used row instead,
    the first row it yields is not blank, and the numbering follows `start`.
    The rows are numbered by `enumerate`, in C: there can be half a million.
    """
    start = sheet.start
    if start is None:
        return iter(())
    rows = sheet.iter_rows()
    first = next(rows, None)
    if first is None:
        return iter(())
    offset = start[0] if start[0] > 0 and any(first) else 0
    return chain([(offset + 1, first)], enumerate(rows, start=offset + 2))


_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_DECODE_BYTES = 1024 * 1024


def detect_encoding(path: Path) -> str:
    """The codec that decodes the whole file: "utf-8-sig", "utf-8", "utf-16" or "cp1252".

    A file that is UTF-8 (it has a UTF-8 byte-order mark, or any character
    written as UTF-8) but holds a byte that is not, is refused with the line
    and byte offset of that byte: read as Windows-1252 every "José" would turn
    into "JosÃ©". Only text with no UTF-8 at all is read as Windows-1252.

    Raises:
        BadInputError: the text is in none of them, or is UTF-8 with an invalid byte.
    """
    with path.open("rb") as stream:
        head = stream.read(4)
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            return "utf-16"
        stream.seek(0)
        bad = _first_invalid_utf8(stream)
        if bad is None:
            return "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8"
        stream.seek(0)
        if head.startswith(codecs.BOM_UTF8) or _holds_utf8(stream):
            offset, line = bad
            raise BadInputError(
                f"{path.name} was refused: it is UTF-8 text, but line {line:,} holds a byte "
                f"that is not UTF-8 (byte offset {offset:,}), so names would be misread. "
                "Open it in Excel and save it as 'CSV UTF-8' again, or ask HQ for a new export."
            )
        stream.seek(0)
        decoder = codecs.getincrementaldecoder("cp1252")()
        try:
            while chunk := stream.read(_DECODE_BYTES):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            pass
        else:
            return "cp1252"
    raise BadInputError(
        f"{path.name} is text in an encoding ChapterDesk does not know. "
        "Open it in Excel and save it as 'CSV UTF-8', or ask HQ for the roster as .xlsx."
    )


def _first_invalid_utf8(stream: BinaryIO) -> tuple[int, int] | None:
    """The byte offset and line (1-based) of the first byte that is not UTF-8, or None."""
    carry = b""
    offset = lines = 0  # bytes and line breaks before `carry`
    while True:
        chunk = stream.read(_DECODE_BYTES)
        data = carry + chunk
        if not data:
            return None
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            cut_short = exc.reason == "unexpected end of data" and chunk
            if not cut_short:  # a character split between two reads is not an error
                return offset + exc.start, lines + data.count(b"\n", 0, exc.start) + 1
            carry, data = data[exc.start :], data[: exc.start]
        else:
            carry = b""
        if not chunk:
            return None
        offset += len(data)
        lines += data.count(b"\n")


def _holds_utf8(stream: BinaryIO) -> bool:
    """True when some character of the text is written as a UTF-8 sequence."""
    carry = b""
    while chunk := stream.read(_DECODE_BYTES):
        if _UTF8_SEQUENCE.search(carry + chunk):
            return True
        carry = chunk[-3:]
    return False


def choose_delimiter(sample: str) -> str:
    """The delimiter that gives the most lines the same number of fields (two or more)."""
    lines = [line for line in sample.splitlines()[:50] if line.strip()]
    best, best_score = ",", (0, 0)
    for delimiter in DELIMITERS:
        widths = Counter(len(row) for row in csv.reader(lines, delimiter=delimiter))
        score = max(((count, width) for width, count in widths.items() if width > 1),
                    default=(0, 0))  # fmt: skip
        if score > best_score:
            best, best_score = delimiter, score
    return best


def read_csv(path: Path) -> SheetRows:
    """A CSV file's records, decoded and split with the detected encoding and delimiter.

    Raises:
        BadInputError: the encoding is unknown (at once) or, while the rows are
            read, a line is absurdly long, holds a NUL byte, or is malformed.
    """
    encoding = detect_encoding(path)
    with path.open("r", encoding=encoding, newline="") as stream:
        sample = stream.read(TEXT_SAMPLE_BYTES)
    cut = sample.rfind("\n")
    delimiter = choose_delimiter(sample[: cut if cut > 0 else len(sample)])
    rows = _csv_records(path, encoding, delimiter, unguard=_may_hold_guards(path, encoding))
    return SheetRows(rows=rows, delimiter=delimiter, encoding=encoding)


def _bounded_lines(stream: io.TextIOBase, path: Path) -> Iterator[str]:
    number = 0
    while line := stream.readline(MAX_CSV_LINE_CHARS + 1):
        number += 1
        if len(line) > MAX_CSV_LINE_CHARS:
            raise BadInputError(
                f"{path.name} was refused: line {number} is longer than "
                f"{MAX_CSV_LINE_CHARS:,} characters, which no roster line is. "
                "Check it is the right file."
            )
        if "\x00" in line:
            raise BadInputError(
                f"{path.name} is not a spreadsheet HQ sends (line {number} holds binary data). "
                "Ask HQ for the roster as .xlsx or .csv."
            )
        yield line


_GUARDED = frozenset("=+-@\t\r")  #: what a CSV export guards with a leading "'"
_STARTS_WITH_QUOTE = methodcaller("startswith", "'")


def _unguard(record: list[str]) -> list[str]:
    """A record with the "'" taken off text that a spreadsheet export guarded ("'=1+1" → "=1+1").

    ChapterDesk's own CSV exports (and Excel users forcing text) put it there so that
    a spreadsheet does not run a name as a formula; it is not part of the value.
    Whether any cell starts with "'" is asked of the record joined with NUL (which
    no line read holds) in one C search: a call per cell was a third of reading a CSV.
    """
    if "\x00'" in "\x00" + "\x00".join(record) and any(map(_STARTS_WITH_QUOTE, record)):
        return [cell[1:] if cell[1:2] in _GUARDED and cell[:1] == "'" else cell for cell in record]
    return record


#: a guarded cell's first two characters, as bytes of a file in an encoding where each of
#: them is one byte that no other character's bytes contain
_GUARD_BYTES = re.compile(rb"'[=+\-@\t\r]")
_SINGLE_BYTE_ASCII = frozenset({"utf-8", "utf-8-sig", "cp1252"})


def _may_hold_guards(path: Path, encoding: str) -> bool:
    """Whether some cell may start with a guarding "'" (`_unguard`): False only when no "'"
    in the file is followed by a character a guard stands before, which one search tells.

    A roster's names hold "'" (O'Brien); a cell a spreadsheet export guarded holds "'="
    and the like, which a whole file usually has none of: then no record needs a look.
    """
    if encoding not in _SINGLE_BYTE_ASCII:
        return True  # UTF-16: the characters are two bytes each
    carry = b""
    with path.open("rb") as stream:
        while chunk := stream.read(_DECODE_BYTES):
            if _GUARD_BYTES.search(carry + chunk):
                return True
            carry = chunk[-1:]
    return False


#: how long a thread may keep the interpreter's lock while another waits for it, while a
#: CSV file's records are read (Python's default is 5 ms)
_TURN_SECONDS = 0.001


class _Turns:
    """How many CSV readers want quicker turns now, and the interval to go back to."""

    lock = threading.Lock()
    readers = 0
    usual = 0.005


@contextmanager
def _quicker_turns() -> Iterator[None]:
    """Hand the interpreter's lock between threads more often for the block, then as before.

    Reading and checking a CSV file's records is Python's own work from end to
    end, while the import's database thread reads the stored records beside it
    and must take the lock back after each call into SQLite. With 5 ms turns the
    first 20,000 stored records took 0.6-0.9 s to read beside the check (0.07 s
    with 1 ms turns) and the check then waited for them: a 100,000-row CSV import
    took 0.1 s longer. A workbook is not read here: calamine's parse lets go of
    the lock by itself (and shorter turns measured 0.07 s slower there).

    Readers may overlap and end in any order (one left unfinished ends when it is
    collected): the first to start sets the interval, the last to end restores it.
    """
    with _Turns.lock:
        if _Turns.readers == 0:
            _Turns.usual = sys.getswitchinterval()
            sys.setswitchinterval(min(_Turns.usual, _TURN_SECONDS))
        _Turns.readers += 1
    try:
        yield
    finally:
        with _Turns.lock:
            _Turns.readers -= 1
            if _Turns.readers == 0:
                sys.setswitchinterval(_Turns.usual)


def _csv_records(
    path: Path, encoding: str, delimiter: str, *, unguard: bool = True
) -> Iterator[tuple[int, Cells]]:
    with path.open("r", encoding=encoding, newline="") as stream, _quicker_turns():
        reader = csv.reader(_bounded_lines(stream, path), delimiter=delimiter)
        try:
            yield from enumerate(map(_unguard, reader) if unguard else reader, start=1)
        except csv.Error as exc:
            raise BadInputError(
                f"{path.name} has a malformed line near record {reader.line_num} ({exc}). "
                "Open it in Excel and save it as CSV again."
            ) from None
