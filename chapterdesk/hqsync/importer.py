"""Reading an HQ export end to end: check, read, find the header, map, validate.

This is the reading half of an HQ import. It refuses a whole file with one
clear sentence (`BadInputError`) when it cannot be used at all, and otherwise
returns every valid row and every row-level problem, so the officer sees the
full list before anything is written. The diff and apply step builds on the
`ParsedExport` it returns.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator
from itertools import chain, islice
from pathlib import Path

from chapterdesk.errors import BadInputError
from chapterdesk.hqsync.early import take_started
from chapterdesk.hqsync.mapping import (
    Mapping,
    cell_header_text,
    detect_mapping,
    header_score,
    header_signature,
    header_texts,
    require_columns,
)
from chapterdesk.hqsync.reading import Cells, SheetRows, open_sheets
from chapterdesk.hqsync.results import (
    CancelCallback,
    ImportCancelled,
    ParsedExport,
    ProgressCallback,
)
from chapterdesk.hqsync.sniff import FileFacts, sniff_export
from chapterdesk.hqsync.split import ReadAgain
from chapterdesk.hqsync.validate import RowChecker

#: Given a header row's texts, the mapping an officer confirmed for them, if any.
Recognise = Callable[[tuple[str, ...]], Mapping | None]

HEADER_SCAN_ROWS = 30  #: non-blank rows searched for the header, below any report titles
PROGRESS_EVERY = 4096  #: rows between progress reports and cancel checks
BLOCK_ROWS = 512  #: rows checked together (small enough to stay in the CPU's cache)
CHECK_REPORT_BYTES = 16 * 1024**2  #: unpacked bytes between reports while checking a workbook


def _no_progress(phase: str, done: int, total: int | None) -> None:
    """The default progress callback: report nothing."""


def _never_cancel() -> bool:
    return False


def _checking_progress(report: ProgressCallback, stop: CancelCallback) -> Callable[[int], None]:
    """A chunk callback for the safety checks: reports megabytes checked, honours cancel."""
    checked = [0, 0]  # bytes checked, bytes at the last report

    def on_chunk(size: int) -> None:
        checked[0] += size
        if checked[0] - checked[1] >= CHECK_REPORT_BYTES:
            checked[1] = checked[0]
            if stop():
                raise ImportCancelled()
            report("checking", checked[0] // 1024**2, None)

    return on_chunk


def _find_header(
    sheet: SheetRows,
    mapping: Mapping | None,
    guess: bool = False,
    recognise: Recognise | None = None,
) -> tuple[int, Mapping, Iterator[tuple[int, Cells]]] | None:
    """The header row number, its mapping and the rows after it; None if there is none.

    Without a mapping, the header is the first row `recognise` knows (a layout
    the officer mapped before), else the row among the first non-blank ones
    that maps the most fields (and has an ID and a name column). With one, it
    is the row whose headers match the mapping's. With `guess`, a layout whose
    ID or name column has a header nobody would recognise still gets one: the
    first row with the most text cells, for the officer to map by hand.
    """
    seen: list[tuple[int, Cells]] = []
    best: tuple[int, int, Mapping] | None = None  # (score, position in seen, mapping)
    wanted = None if mapping is None else header_signature(mapping.headers)
    for number, cells in sheet.rows:
        if not any(cells):
            continue
        seen.append((number, cells))
        texts = [cell_header_text(cell) for cell in cells]
        if mapping is not None:
            if header_signature(texts) == wanted:
                confirmed = Mapping(columns=dict(mapping.columns), headers=tuple(texts))
                return number, confirmed, sheet.rows
        elif recognise is not None and (known := recognise(tuple(texts))) is not None:
            return number, known, sheet.rows
        else:
            found = detect_mapping(texts)
            score = header_score(found)
            if score and (best is None or score > best[0]):
                best = (score, len(seen) - 1, found)
        if len(seen) >= HEADER_SCAN_ROWS:
            break
    if best is None and guess:
        best = _likeliest_header(seen)
    if best is None:
        return None
    _, position, found = best
    return seen[position][0], found, chain(seen[position + 1 :], sheet.rows)


def _likeliest_header(seen: list[tuple[int, Cells]]) -> tuple[int, int, Mapping] | None:
    """The first of the rows with the most text cells (at least three), as a header."""
    best: tuple[int, int, Mapping] | None = None
    for position, (_, cells) in enumerate(seen):
        texts = sum(1 for cell in cells if isinstance(cell, str) and cell.strip())
        if texts >= 3 and (best is None or texts > best[0]):
            best = (texts, position, detect_mapping([cell_header_text(c) for c in cells]))
    return best


def read_hq_export(
    path: Path,
    *,
    mapping: Mapping | None = None,
    recognise: Recognise | None = None,
    progress: ProgressCallback | None = None,
    cancel: CancelCallback | None = None,
) -> ParsedExport:
    """Read an HQ export (.xlsx, .xlsb, .ods, .xls or .csv, told by content) into validated rows.

    Args:
        path: the file the officer chose.
        mapping: a mapping the officer confirmed earlier (found by
            `header_signature`); None to detect one from the header.
        recognise: called with the texts of each row that may be the header
            (when `mapping` is None); returns the mapping an officer confirmed
            for exactly those headers, or None. Such a row is the header even
            when no column's header would be recognised on its own.
        progress: called as `progress(phase, done, total)`: "checking" (done in
            MB unpacked), "reading" (before a sheet is loaded, total its rows)
            and "validating" (every few thousand rows).
        cancel: polled as often; returning True stops with `ImportCancelled`.

    Returns:
        The valid rows, every row-level problem, and how the file was read.

    Raises:
        BadInputError: the file is unreadable, of another kind, hostile, has no
            header, or lacks a required column.
        ImportCancelled: `cancel()` returned True.
    """
    report = progress or _no_progress
    stop = cancel or _never_cancel
    path = Path(path)
    started = take_started(path, stop)  # checked and loaded ahead (`early.start_reading`)?
    if started is None:
        report("checking", 0, None)
        facts = sniff_export(path, _checking_progress(report, stop))
        report("checking", 1, 1)
        if stop():
            raise ImportCancelled()
        sheets: Generator[SheetRows, None, None] = open_sheets(path, facts)
    else:
        facts, sheets = started
        if stop():
            sheets.close()
            raise ImportCancelled()
    try:
        return _read_sheets(path, facts, sheets, mapping, recognise, report, stop)
    except ReadAgain:  # a piece of the sheet held another piece's cells: read it whole
        return _read_sheets(path, facts, open_sheets(path, facts), mapping, recognise,
                            report, stop)  # fmt: skip


def _read_sheets(
    path: Path,
    facts: FileFacts,
    sheets: Generator[SheetRows, None, None],
    mapping: Mapping | None,
    recognise: Recognise | None,
    report: ProgressCallback,
    stop: CancelCallback,
) -> ParsedExport:
    """The first sheet with a header, read and validated (`read_hq_export`)."""
    try:
        report("reading", 0, None)  # calamine loads each sheet whole as the loop reaches it
        for sheet in sheets:
            found = _find_header(sheet, mapping, recognise=recognise)
            if found is not None:
                return _validate(path, facts.file_format, facts.date1904, sheet, found,
                                 report, stop)  # fmt: skip
            if stop():
                raise ImportCancelled()
            report("reading", 0, None)
    finally:
        sheets.close()
    raise _no_header(path, mapping)


def read_header(path: Path, recognise: Recognise | None = None) -> tuple[int, Mapping]:
    """The header row of an export and the mapping detected for it, required columns or not.

    This is what the mapping step shows the officer: the file's headers and the
    columns ChapterDesk recognised, so a missing column can be chosen by hand
    before the whole file is read. A header whose ID and name columns are not
    recognised is still found (a layout `recognise` knows, else the likeliest
    row), so they can be chosen too.

    Raises:
        BadInputError: the file is unreadable, hostile, or has no header row.
    """
    path = Path(path)
    facts = sniff_export(path)
    sheets = open_sheets(path, facts)
    try:
        for sheet in sheets:
            found = _find_header(sheet, None, guess=True, recognise=recognise)
            if found is not None:
                return found[0], found[1]
    finally:
        sheets.close()
    raise _no_header(path, None)


def _no_header(path: Path, mapping: Mapping | None) -> BadInputError:
    if mapping is not None:
        return BadInputError(
            f"The columns in {path.name} are not the ones of the saved column mapping "
            "(HQ may have changed the layout). Map the columns again."
        )
    return BadInputError(
        f"{path.name} has no header row ChapterDesk recognises: none of its first "
        f"{HEADER_SCAN_ROWS} rows names a member ID column and a name column "
        "(such as Member ID and Last Name). Check it is HQ's member roster; if it is, "
        "name those columns in the import's column step (on the command line: "
        "--map hq_id=HEADER --map last_name=HEADER)."
    )


def _validate(
    path: Path,
    file_format: str,
    date1904: bool,
    sheet: SheetRows,
    found: tuple[int, Mapping, Iterator[tuple[int, Cells]]],
    report: ProgressCallback,
    stop: CancelCallback,
) -> ParsedExport:
    header_row, mapping, rows = found
    require_columns(mapping, path.name)
    total = None if sheet.last_row is None else max(sheet.last_row - header_row, 0)
    checker = RowChecker(mapping, date1904, lines=True)
    done = 0
    report("validating", 0, total)
    add_rows = checker.add_rows
    while block := list(islice(rows, BLOCK_ROWS)):
        add_rows(block)
        done += len(block)
        if not done % PROGRESS_EVERY:
            if stop():
                raise ImportCancelled()
            report("validating", done, total)
    checker.finish()
    report("validating", done, done)
    return ParsedExport(
        path=path,
        file_format=file_format,
        delimiter=sheet.delimiter,
        encoding=sheet.encoding,
        sheet_name=sheet.sheet_name,
        header_row=header_row,
        headers=header_texts(mapping.headers),
        mapping=mapping,
        numbers=checker.numbers,
        columns=checker.columns,
        problems=checker.problems,
        invalid_rows=checker.invalid_rows,
        total_rows=checker.total_rows,
        ids_in_file=frozenset(checker.ids_seen),
        unmapped_headers=mapping.unmapped_headers,
        lines=checker.lines,
    )
