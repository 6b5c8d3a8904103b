"""Reading a big workbook in pieces, checked in a process of its own and parsed on both cores.

A whole import of a 100,000-member .xlsx is mostly two things in a row: the
file's check (`sniff`, Python's own work, which holds the interpreter's lock)
and calamine's parse of the one big sheet (which does not, but is one long
call that gives no row until the whole sheet is parsed). Here they overlap:

* a forked child process checks the file exactly as `sniff_export` does and,
  as each stretch of the sheet's rows passes the check, writes it out as a
  small workbook of its own (the package's small parts, the sheet's head, the
  rows, cut between two rows; `PieceWriter`). Its work holds its own
  interpreter's lock, not the importer's;
* the importer parses those pieces with calamine two at a time as they come
  (`SplitRead`), and hands out their rows in order while the next ones parse,
  so the rows are checked and compared while the rest of the sheet is read.

Nothing is trusted more than before: a piece is written only once the check
has passed every byte in it (and every part the piece copies), with the
sheet's extent so far within `extent.MAX_GRID_CELLS`; rows come with their
spreadsheet numbers (the pieces keep the sheet's own cell references); and
the rows end only once the whole file has passed. When the file is refused
the rows stop with the check's own sentence. Whatever else goes wrong (no
fork on this system, the child dying, a sheet the pieces cannot carry: cells
without references, shared strings too long to copy into every piece), the
importer reads the file as before, skipping the rows it already handed out.
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import re
import signal
import stat
import threading
import weakref
import zipfile
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import python_calamine

from chapterdesk.errors import BadInputError
from chapterdesk.hqsync.extent import (
    MAX_GRID_CELLS,
    MAX_STRING_BYTES,
    SharedStrings,
    SheetExtent,
    SheetMeasure,
    tag_aligned,
)
from chapterdesk.hqsync.package import WorkbookParts
from chapterdesk.hqsync.reading import Cells, SheetRows, open_sheets
from chapterdesk.hqsync.sniff import FileFacts, sniff_export

#: a sheet part smaller than this is read whole (a piece's overhead would not pay)
MIN_SPLIT_BYTES = 16 * 1024**2
#: about how much of the sheet's XML goes into one piece
PIECE_BYTES = 8 * 1024**2
#: the most bytes of small parts (workbook, styles, relationships, shared strings) copied
#: into every piece; a workbook with more (long shared strings) is read whole
MAX_TEMPLATE_BYTES = 2 * 1024**2
#: a file smaller than this is not worth a process of its own
MIN_FILE_BYTES = 1024**2
PARSE_THREADS = 2  #: pieces parsed at once (calamine releases the interpreter's lock)
#: pieces parsed ahead of the rows handed out, at most (each holds its rows as Python lists)
PARSED_AHEAD = PARSE_THREADS + 1

log = logging.getLogger(__name__)

_SHEET_DATA = re.compile(rb"<((?:[\w.-]+:)?)sheetData>")
_DIMENSION = re.compile(rb"<(?:[\w.-]+:)?dimension\b[^>]*/>")
_UTF16 = re.compile(rb"encoding\s*=\s*[\"']utf-16", re.IGNORECASE)


class PieceWriter:
    """The child's side: takes the sheet's bytes as the check passes them, writes pieces.

    `emit(path, (first row, last row), date1904)` is called for each piece written, in order.
    """

    def __init__(self, folder: Path, emit: Callable[[Path, tuple[int, int], bool], None]) -> None:
        self._folder = folder
        self._emit = emit
        self._template: list[tuple[str, bytes]] = []
        self._sheet = ""
        self._date1904 = False
        self._written = 0
        self._last_row = 0  #: the last row written in a piece
        self.complete = False  #: every row of the sheet went into a piece

    def wants(self, archive: zipfile.ZipFile, parts: WorkbookParts, name: str,
              date1904: bool) -> bool:  # fmt: skip
        """Split the only worksheet of an xlsx, when it is big and its small parts are few."""
        if self._sheet or parts.binary or len(parts.sheets) != 1 or name not in parts.sheets:
            return False
        infos = archive.infolist()
        if archive.getinfo(name).file_size < MIN_SPLIT_BYTES:
            return False
        small = [info for info in infos if info.filename != name and not info.is_dir()]
        if sum(info.file_size for info in small) > MAX_TEMPLATE_BYTES:
            return False
        # every part but the sheets is checked by now (`xmlscan` checks the sheets last)
        self._template = [(info.filename, archive.read(info)) for info in small]
        self._sheet, self._date1904 = name, date1904
        return True

    def measure(
        self, chunks: Iterator[bytes], strings: SharedStrings, prefix: bytes
    ) -> SheetExtent:
        """Measure the sheet as `measure_sheet` does; write each stretch of rows it has passed."""
        measure = SheetMeasure(strings, prefix)
        held = bytearray()  # unpacked bytes not yet in a piece
        measured = 0  # of `held`, the bytes the measure has passed
        head: bytes | None = None
        splitting = True
        row_end = b"</" + prefix + b"row>"

        def raw() -> Iterator[bytes]:
            for chunk in chunks:
                held.extend(chunk)
                yield chunk

        for piece in tag_aligned(raw()):  # tidied, but byte for byte as long as the original
            measure.feed(piece)
            measured += len(piece)
            if not splitting:
                del held[:]  # nothing more will be written
                measured = 0
                continue
            splitting = self._within(measure, strings)
            if splitting and head is None:
                head, measured = self._take_head(held, measured)
                splitting = head is not None or measured < MAX_TEMPLATE_BYTES
            while splitting and head is not None and measured >= PIECE_BYTES:
                cut = held.rfind(row_end, 0, PIECE_BYTES)  # the last row that fits a piece
                if cut < 0:  # else the end of a row longer than a piece
                    cut = held.find(row_end, PIECE_BYTES, measured)
                if cut < 0 or cut + len(row_end) > measured:
                    break
                cut += len(row_end)
                splitting = self._write(head, held[:cut], prefix)
                del held[:cut]
                measured -= cut
        if splitting and head is not None and self._within(measure, strings):
            close = held.find(b"</" + prefix + b"sheetData>")
            if close >= 0 and self._write(head, held[:close], prefix):
                self.complete = True
        return measure.extent

    def _within(self, measure: SheetMeasure, strings: SharedStrings) -> bool:
        """Whether what is measured so far may be parsed (else the check decides at the end)."""
        extent = measure.extent
        return (
            not measure.refless
            and extent.grid_cells <= MAX_GRID_CELLS
            and extent.string_cost(strings) <= MAX_STRING_BYTES
        )

    def _take_head(self, held: bytearray, measured: int) -> tuple[bytes | None, int]:
        """The sheet's XML up to its rows (the `<dimension>` hint dropped), cut off `held`."""
        opened = _SHEET_DATA.search(held, 0, measured)
        if opened is None:
            return None, measured
        head = bytes(held[: opened.end()])
        if _UTF16.search(head, 0, 200):  # re-encoded as UTF-8 by the check: read it whole
            return None, MAX_TEMPLATE_BYTES
        del held[: opened.end()]
        return _DIMENSION.sub(b"", head), measured - opened.end()

    def _write(self, head: bytes, rows: bytearray, prefix: bytes) -> bool:
        """Write a piece of `rows`; False (nothing written) when its rows are not numbered
        in order (the importer checks that its cells lie between its first and last row)."""
        span = _row_span(rows, prefix)
        if span is None or (span != (0, 0) and not self._last_row < span[0] <= span[1]):
            return False
        if span == (0, 0):
            return True  # no row in it: nothing to write
        path = self._folder / f"piece-{self._written + 1:04d}.xlsx"
        try:
            with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as package:
                for name, data in self._template:
                    package.writestr(name, data)
                with package.open(self._sheet, "w", force_zip64=True) as sheet:
                    sheet.write(head)
                    sheet.write(rows)
                    sheet.write(b"</" + prefix + b"sheetData></" + prefix + b"worksheet>")
        except OSError:  # no room for it: the importer reads the rest whole (never "damaged")
            return False
        self._last_row = span[1]
        self._written += 1
        self._emit(path, span, self._date1904)
        return True


_ROW_TAG = re.compile(rb"<(?:[\w.-]+:)?row\b[^>]*?\sr\s*=\s*[\"'](\d{1,10})[\"']")


def _row_span(rows: bytes | bytearray, prefix: bytes) -> tuple[int, int] | None:
    """The numbers its first and last row tags give a stretch of rows; None if either has
    none (the sheet is then read whole), (0, 0) for a stretch without rows."""
    row_open = b"<" + prefix + b"row"
    first = rows.find(row_open)
    if first < 0:
        return (0, 0)
    low = _ROW_TAG.match(rows, first)
    high = _ROW_TAG.match(rows, rows.rfind(row_open))
    if low is None or high is None:
        return None
    return int(low.group(1)), int(high.group(1))


def _child(path: Path, folder: Path, out: int) -> None:
    """The forked child's whole life: check `path`, write the pieces, say how it went."""
    code = 1
    try:

        def send(*words: str) -> None:
            line = "\t".join(word.replace("\t", " ").replace("\n", " ") for word in words)
            os.write(out, (line + "\n").encode("utf-8"))

        def emit(piece: Path, span: tuple[int, int], date1904: bool) -> None:
            send("piece", str(piece), str(span[0]), str(span[1]), str(int(date1904)))

        writer = PieceWriter(folder, emit)
        try:
            facts = sniff_export(path, tee=writer)
        except BadInputError as exc:
            send("refused", exc.message)
        else:
            send("ok", facts.file_format, str(int(facts.date1904)), str(int(writer.complete)))
        code = 0
    finally:
        os._exit(code)  # never the parent's atexit handlers or buffered output


class ReadAgain(Exception):
    """A piece held a cell outside its own rows: read the whole file again, from the start.

    No writer puts one there; a file that does is read as calamine reads it whole.
    """


@dataclass
class _Piece:
    """One piece parsed: its sheet's name and its rows from `start` (row, column), 0-based."""

    sheet_name: str | None
    start: tuple[int, int] | None
    rows: list[list[Any]]
    span: tuple[int, int] = (0, 0)  #: its first and last row tags' numbers (1-based)


def _parse_piece(path: Path, span: tuple[int, int]) -> _Piece:
    """A piece's only worksheet, parsed by calamine (which releases the interpreter's lock)."""
    try:
        with python_calamine.CalamineWorkbook.from_path(str(path)) as workbook:
            sheets = [meta for meta in workbook.sheets_metadata
                      if meta.typ == python_calamine.SheetTypeEnum.WorkSheet]  # fmt: skip
            if len(sheets) != 1:
                raise ValueError("a piece holds one worksheet")
            sheet = workbook.get_sheet_by_name(sheets[0].name)
            start, end = sheet.start, sheet.end
            rows = sheet.to_python(skip_empty_area=True) if start is not None else []
            if start is not None and (
                end is None or start[0] + 1 < span[0] or end[0] + 1 > span[1]
            ):
                raise ReadAgain()
            return _Piece(sheets[0].name, start, rows, span)
    finally:
        with contextlib.suppress(OSError):
            path.unlink()


def can_split(path: Path) -> bool:
    """Whether a split read of `path` may be tried here: a zip big enough, and fork."""
    if not hasattr(os, "fork") or threading.active_count() > 1:
        return False  # forking a process with threads is never safe
    try:
        status = path.stat()
        if not stat.S_ISREG(status.st_mode) or status.st_size < MIN_FILE_BYTES:
            return False  # never open a pipe or a device: it may never answer
        with path.open("rb") as stream:
            return stream.read(4) == b"PK\x03\x04"
    except OSError:
        return False


_DONE = object()
_SLICE = 0.05  #: seconds between looks at whether a waiting read was closed


class SplitRead:
    """The importer's side: the child's check and pieces, parsed as they come."""

    def __init__(self, path: Path) -> None:
        from chapterdesk.atomic import scratch_folder

        self.path = path
        self._stack = contextlib.ExitStack()
        self._folder = self._stack.enter_context(scratch_folder())
        read, write = os.pipe()
        self._pid = os.fork()
        if self._pid == 0:  # the child
            os.close(read)
            _child(path, self._folder, write)
        os.close(write)
        self._pipe = os.fdopen(read, "rb")
        self._pool = ThreadPoolExecutor(PARSE_THREADS, thread_name_prefix="hq-piece")
        self._pieces: queue.Queue[Future[_Piece] | object] = queue.Queue()
        self.facts: FileFacts | None = None
        self.status = ""  #: "ok", "refused" or "failed" once the child is done
        self.message = ""  #: the refusal's sentence
        self.complete = False  #: every row came in pieces
        self.pieces = 0  #: pieces handed over
        self.ready = threading.Event()  #: facts known (first piece) or the child done
        self.finished = threading.Event()  #: the child is done and reaped
        self._closed = False
        self._ahead = threading.Semaphore(PARSED_AHEAD)  #: room for pieces parsed ahead
        self.broken = False  #: a piece could not be parsed
        self._loaded: tuple[SheetRows | None, Generator[SheetRows, None, None]] | None = None
        # a daemon: a read taken but never read (`sheets`) is closed at exit, not waited for
        self.thread = threading.Thread(target=self._listen, name="hq-read-ahead", daemon=True)
        self.thread.start()

    def _listen(self) -> None:
        try:
            for line in self._pipe:
                kind, *words = line.decode("utf-8").rstrip("\n").split("\t")
                if kind == "piece" and len(words) == 4:
                    if self.facts is None:
                        self.facts = FileFacts("xlsx", date1904=words[3] == "1")
                        self.ready.set()
                    self.pieces += 1
                    span = (int(words[1]), int(words[2]))
                    if self._room_for_one():
                        self._pieces.put(self._pool.submit(_parse_piece, Path(words[0]), span))
                    elif self._closed:
                        return
                elif kind == "ok" and len(words) == 3:
                    self.facts = FileFacts(words[0], date1904=words[1] == "1")
                    self.complete, self.status = words[2] == "1", "ok"
                elif kind == "refused" and words:
                    self.message, self.status = words[0], "refused"
        except (OSError, ValueError) as exc:  # the pipe broke, or a line came garbled
            log.warning("The split read lost its checker (%s); the file is read whole.", exc)
        finally:
            self._pipe.close()
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self._pid, 0)
            self.status = self.status or "failed"
            if self.status == "ok" and not self.pieces:
                self._load_whole()
            self._pieces.put(_DONE)
            self.ready.set()
            self.finished.set()

    def _room_for_one(self) -> bool:
        """Wait until a piece parsed ahead is handed out; False once no more are wanted
        (closed, or a piece failed and the rest is read whole: only the child's verdict is)."""
        while not self._ahead.acquire(timeout=_SLICE):
            if self._closed or self.broken:
                return False
        if self.broken:
            self._ahead.release()
            return False
        return True

    def _load_whole(self) -> None:
        """A checked file that was not split: load its first sheet here, as `early` does."""
        assert self.facts is not None
        sheets = open_sheets(self.path, self.facts)
        try:
            first = next(sheets, None)
        except Exception as exc:  # `sheets()` reads it again and refuses it in its own words
            log.info("Loading %s ahead failed (%s); it is read again.", self.path.name, exc)
            sheets.close()
            return
        self._loaded = (first, sheets)

    def sheets(self) -> Generator[SheetRows, None, None]:
        """The workbook's first sheet, its rows from the pieces (then the rest read whole).

        Reading them to the end, or closing them, closes this read; so does dropping
        them unread (the child stopped, the pieces removed), at the latest at exit.
        """
        sheets = self._sheets()
        weakref.finalize(sheets, self.close)
        return sheets

    def _sheets(self) -> Generator[SheetRows, None, None]:
        try:
            first = self._next_piece()
            if first is None and self._loaded is not None:  # not split: loaded whole
                loaded, rest = self._loaded
                self._loaded = None
                try:
                    if loaded is not None:
                        yield loaded
                    yield from rest
                finally:
                    rest.close()
                return
            if first is None:  # no piece after all: the whole file, as before
                yield from self._whole_sheets(0)
                return
            yield SheetRows(rows=self._rows(first), sheet_name=first.sheet_name)
        finally:
            self.close()

    def _next_piece(self) -> _Piece | None:
        """The next piece parsed; None at the end, or when one cannot be parsed (the rest is
        then read whole, which says what is wrong with the file if anything is)."""
        if self.broken:
            return None
        item = self._pieces.get()
        if not isinstance(item, Future):  # the end
            self._pieces.put(item)
            return None
        self._ahead.release()
        try:
            piece: _Piece = item.result()
            return piece
        except ReadAgain:
            self.broken = True
            raise
        except Exception as exc:  # the whole read says what is wrong with the file, if anything
            log.warning("A piece of %s could not be parsed (%s); the rest is read whole.",
                        self.path.name, exc)  # fmt: skip
            self.broken = True
            return None

    def _rows(self, piece: _Piece | None) -> Iterator[tuple[int, Cells]]:
        last = width = 0
        while piece is not None:
            if piece.start is not None and piece.rows:
                first_row, first_column = piece.start
                rows = piece.rows
                if first_column:
                    rows = [[""] * first_column + row for row in rows]
                if len(rows[0]) < width:  # a narrower stretch: as wide as the rows before
                    rows = [row + [""] * (width - len(row)) for row in rows]
                width = max(width, len(rows[0]))
                yield from enumerate(rows, start=first_row + 1)
                last = first_row + len(rows)
            piece = self._next_piece()
        self.finished.wait()
        if self.status == "refused":
            raise BadInputError(self.message)
        if self.status != "ok" or not self.complete or self.broken:
            with contextlib.closing(self._whole_sheets(last)) as sheets:
                for sheet in sheets:
                    yield from sheet.rows
                    break

    def _whole_sheets(self, after: int) -> Generator[SheetRows, None, None]:
        """The file read as before (checked again unless the child passed it), rows past `after`."""
        self.finished.wait()
        if self.status == "refused":
            raise BadInputError(self.message)
        facts = self.facts if self.status == "ok" and self.facts else sniff_export(self.path)
        sheets = open_sheets(self.path, facts)
        try:
            for sheet in sheets:
                if after:
                    sheet.rows = (row for row in sheet.rows if row[0] > after)
                yield sheet
                after = 0
        finally:
            sheets.close()

    def close(self) -> None:
        """Stop the child if it still runs, and remove the pieces (idempotent)."""
        if self._closed:
            return
        self._closed = True
        if not self.finished.is_set():
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGTERM)
        self.thread.join()
        self._pool.shutdown(wait=True, cancel_futures=True)
        if self._loaded is not None:
            self._loaded[1].close()
            self._loaded = None
        self._stack.close()
