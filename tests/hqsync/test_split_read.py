"""A workbook read in pieces (`hqsync.split`) reads exactly as one read whole, or is refused alike.

The pieces are small here (a few kilobytes, so a roster of a few hundred rows
makes dozens of them): the child process, the pieces' check and every
fallback run as they do for a 100,000-member export. Each test also asserts
that pieces were really read, so none can pass by reading the file whole.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hqfiles import member, rewrite_zip, table, write_xlsx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chapterdesk.errors import BadInputError
from chapterdesk.hqsync import read_hq_export, split, xmlscan
from chapterdesk.hqsync.early import discard_started, start_reading, take_started

SHEET = "xl/worksheets/sheet1.xml"


@pytest.fixture
def small_pieces(monkeypatch: pytest.MonkeyPatch) -> list[split.SplitRead]:
    """Split every workbook into pieces of a few kilobytes; the reads made are listed."""
    monkeypatch.setattr(split, "MIN_FILE_BYTES", 0)
    monkeypatch.setattr(split, "MIN_SPLIT_BYTES", 0)
    monkeypatch.setattr(split, "PIECE_BYTES", 6 * 1024)
    monkeypatch.setattr(xmlscan, "CHUNK_BYTES", 2 * 1024)  # the check's chunks, as small
    # pytest's own threads are idle here: the child forked from this process only checks
    monkeypatch.setattr(split.threading, "active_count", lambda: 1)
    made: list[split.SplitRead] = []

    class Recorded(split.SplitRead):
        def __init__(self, path: Path) -> None:
            super().__init__(path)
            made.append(self)

    monkeypatch.setattr(split, "SplitRead", Recorded)
    return made


def _facts(parsed: object) -> tuple[object, ...]:
    keep = ("file_format", "header_row", "headers", "numbers", "columns", "problems", "total_rows",
            "invalid_rows", "ids_in_file")  # fmt: skip
    return tuple(getattr(parsed, name) for name in keep)


def _split_read(path: Path) -> Any:
    start_reading(path)
    return read_hq_export(path)


def _roster(count: int) -> list[list[Any]]:
    members = [member(n, Email=f"m{n}@example.com") for n in range(1, count + 1)]
    members[7]["Paid Through"] = "not a date"  # a faulty row, reported either way
    return table(members)


def test_pieces_give_the_rows_of_the_whole_sheet(
    tmp_path: Path, small_pieces: list[split.SplitRead]
) -> None:
    path = write_xlsx(tmp_path / "roster.xlsx", _roster(400), before=["Member Roster Report"])
    whole = read_hq_export(path)
    pieces = _split_read(path)
    assert _facts(pieces) == _facts(whole)
    assert pieces.total_rows == 400 and pieces.problems
    assert small_pieces and small_pieces[0].pieces > 10
    assert small_pieces[0].complete and small_pieces[0].status == "ok"
    assert not small_pieces[0]._folder.exists()  # every piece removed once read


def test_a_1904_workbook_keeps_its_dates_in_pieces(
    tmp_path: Path, small_pieces: list[split.SplitRead]
) -> None:
    path = write_xlsx(tmp_path / "roster.xlsx", _roster(200), date1904=True)
    whole = read_hq_export(path)
    assert _facts(_split_read(path)) == _facts(whole)
    assert whole.columns["paid_through"][0] == dt.date(2026, 12, 31)
    assert small_pieces[0].pieces > 5


def _edit_sheet(source: Path, target: Path, edit: Callable[[str], str]) -> Path:
    return rewrite_zip(
        source, target,
        edit=lambda name, data: edit(data.decode()).encode() if name == SHEET else data,
    )  # fmt: skip


def _after_row(number: int, extra: str) -> Callable[[str], str]:
    """An edit putting `extra` into the row numbered `number`, before its end."""

    def edit(xml: str) -> str:
        at = xml.index("</row>", xml.index(f'<row r="{number}"'))
        return xml[:at] + extra + xml[at:]

    return edit


@pytest.mark.parametrize(
    ("what", "extra"),
    [
        ("a cell of an earlier row", '<c r="W5" t="inlineStr"><is><t>back</t></is></c>'),
        ("a cell of a later row", '<c r="W390" t="inlineStr"><is><t>ahead</t></is></c>'),
    ],
)
def test_a_piece_holding_other_rows_cells_is_read_whole(
    tmp_path: Path, small_pieces: list[split.SplitRead], what: str, extra: str
) -> None:
    source = write_xlsx(tmp_path / "source.xlsx", _roster(400))
    path = _edit_sheet(source, tmp_path / "roster.xlsx", _after_row(300, extra))
    whole = read_hq_export(path)
    assert _facts(_split_read(path)) == _facts(whole)
    assert small_pieces[0].pieces > 10
    assert small_pieces[0].broken  # the stray cell's row came in another piece: read again


def test_a_sheet_whose_later_cells_lack_references_is_finished_whole(
    tmp_path: Path, small_pieces: list[split.SplitRead]
) -> None:
    source = write_xlsx(tmp_path / "source.xlsx", _roster(400))

    def drop_references(xml: str) -> str:
        at = xml.index('<row r="350"')
        return xml[:at] + re.sub(r'<c r="[A-Z]+\d+"', "<c", xml[at:])

    path = _edit_sheet(source, tmp_path / "roster.xlsx", drop_references)
    whole = read_hq_export(path)
    assert _facts(_split_read(path)) == _facts(whole)
    read = small_pieces[0]
    assert read.pieces > 10 and not read.complete  # the first rows came in pieces


def test_a_sheet_too_big_further_down_is_refused_in_the_checks_words(
    tmp_path: Path, small_pieces: list[split.SplitRead]
) -> None:
    source = write_xlsx(tmp_path / "source.xlsx", _roster(400))
    far = '<c r="XFD1048576" t="inlineStr"><is><t>far</t></is></c>'
    path = _edit_sheet(source, tmp_path / "roster.xlsx", _after_row(380, far))
    with pytest.raises(BadInputError) as whole:
        read_hq_export(path)
    with pytest.raises(BadInputError) as pieces:
        _split_read(path)
    assert pieces.value.message == whole.value.message
    assert "1,048,576" in pieces.value.message
    assert small_pieces[0].pieces > 10  # the rows before it were parsed, never used


def test_a_dying_child_leaves_the_read_to_the_importer(
    tmp_path: Path, small_pieces: list[split.SplitRead], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_xlsx(tmp_path / "roster.xlsx", _roster(300))
    whole = read_hq_export(path)
    monkeypatch.setattr(split, "_child", lambda path, folder, out: os._exit(3))
    assert _facts(_split_read(path)) == _facts(whole)
    assert small_pieces[0].status == "failed" and small_pieces[0].pieces == 0


def test_a_read_no_one_takes_over_stops_the_child_and_removes_the_pieces(
    tmp_path: Path, small_pieces: list[split.SplitRead]
) -> None:
    path = write_xlsx(tmp_path / "roster.xlsx", _roster(400))
    start_reading(path)
    read = small_pieces[0]
    discard_started(path)
    assert read.finished.is_set() and not read._folder.exists()
    assert take_started(path, lambda: False) is None


def test_a_cancelled_wait_stops_the_child(
    tmp_path: Path, small_pieces: list[split.SplitRead]
) -> None:
    path = write_xlsx(tmp_path / "roster.xlsx", _roster(400))
    start_reading(path)
    assert take_started(path, lambda: True) is None
    assert small_pieces[0].finished.is_set() and not small_pieces[0]._folder.exists()


@st.composite
def rosters(draw: st.DrawFn) -> tuple[list[list[Any]], list[str], int]:
    """Members with blank rows between them, some rows wider than the header, titles above."""
    count = draw(st.integers(1, 160))
    rows: list[list[Any]] = [list(table([])[0])]
    for number in range(1, count + 1):
        row: list[Any] = table([member(number, Email=f"m{number}@example.com")])[1]
        if draw(st.integers(0, 9)) == 0:
            row = [*row, *[""] * draw(st.integers(0, 6)), "a note"]  # a wider row
        rows.append(row)
        rows.extend([[]] * draw(st.sampled_from([0, 0, 0, 1, 40])))  # blank rows between
    titles = draw(st.lists(st.sampled_from(["Member Roster", "Run 2026-12-01"]), max_size=2))
    return rows, titles, draw(st.sampled_from([512, 2048, 6144, 50_000]))


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rosters())
def test_any_roster_reads_the_same_in_pieces_of_any_size(
    tmp_path: Path,
    small_pieces: list[split.SplitRead],
    monkeypatch: pytest.MonkeyPatch,
    roster: tuple[list[list[Any]], list[str], int],
) -> None:
    rows, titles, piece_bytes = roster
    monkeypatch.setattr(split, "PIECE_BYTES", piece_bytes)
    path = write_xlsx(tmp_path / "roster.xlsx", rows, before=titles)
    whole = read_hq_export(path)
    del small_pieces[:]
    assert _facts(_split_read(path)) == _facts(whole)
    assert small_pieces and small_pieces[0].pieces >= 1


def test_no_more_pieces_are_parsed_ahead_than_the_rows_need(
    tmp_path: Path, small_pieces: list[split.SplitRead]
) -> None:
    path = write_xlsx(tmp_path / "roster.xlsx", _roster(400))
    whole = read_hq_export(path)
    start_reading(path)
    read = small_pieces[0]
    waited = 0
    while read.pieces <= split.PARSED_AHEAD and waited < 2000:  # the child writes dozens
        read.finished.wait(0.01)
        waited += 1
    assert read.pieces == split.PARSED_AHEAD + 1  # one more read, waiting for room
    assert read._pieces.qsize() == split.PARSED_AHEAD and not read.finished.is_set()
    assert _facts(read_hq_export(path)) == _facts(whole)  # then every row, in order
    assert read.pieces > 10 and read.complete


def _failing_from(
    call: int, real: Callable[..., Any], error: Exception, counts: Callable[..., bool]
) -> Callable[..., Any]:
    """`real`, raising `error` from the `call`th call that `counts` on."""
    calls = 0

    def failing(*args: Any, **options: Any) -> Any:
        nonlocal calls
        calls += counts(*args, **options)
        if calls >= call:
            raise error
        return real(*args, **options)

    return failing


def test_a_full_disk_leaves_the_rest_to_the_whole_read_not_a_damaged_file(
    tmp_path: Path, small_pieces: list[split.SplitRead], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_xlsx(tmp_path / "roster.xlsx", _roster(400))
    whole = read_hq_export(path)
    full = OSError(errno.ENOSPC, "No space left on device")
    writing = _failing_from(
        5, zipfile.ZipFile, full, lambda *a, **k: "w" in (*a[1:2], k.get("mode"))
    )
    monkeypatch.setattr(split.zipfile, "ZipFile", writing)
    assert _facts(_split_read(path)) == _facts(whole)
    assert small_pieces[0].pieces == 4 and not small_pieces[0].complete


@pytest.mark.timeout(60)
def test_a_piece_calamine_cannot_parse_leaves_the_rest_to_the_whole_read(
    tmp_path: Path,
    small_pieces: list[split.SplitRead],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    path = write_xlsx(tmp_path / "roster.xlsx", _roster(400))
    whole = read_hq_export(path)
    unreadable = ValueError("calamine could not read this piece")
    parsing = _failing_from(2, split._parse_piece, unreadable, lambda *a, **k: True)
    monkeypatch.setattr(split, "_parse_piece", parsing)
    assert _facts(_split_read(path)) == _facts(whole)  # the first piece's rows, then the rest
    read = small_pieces[0]
    assert read.broken and read.status == "ok" and read.pieces > 10
    assert "could not be parsed (calamine could not read this piece)" in caplog.text  # logged
    assert not read._folder.exists()


def test_a_read_taken_but_never_read_does_not_keep_the_process_from_ending(
    tmp_path: Path,
) -> None:
    path = write_xlsx(tmp_path / "roster.xlsx", _roster(400))
    script = f"""
import sys
from pathlib import Path
from chapterdesk.hqsync import early, split, xmlscan
split.MIN_FILE_BYTES = split.MIN_SPLIT_BYTES = 0
split.PIECE_BYTES, xmlscan.CHUNK_BYTES = 2048, 1024
path = Path({str(path)!r})
early.start_reading(path)
taken = early.take_started(path, lambda: False)
assert taken is not None and taken[0].file_format == "xlsx"
read = taken[1].gi_frame.f_locals["self"]  # the SplitRead behind the sheets, never read
while read.pieces <= split.PARSED_AHEAD:  # until the parse-ahead is full
    read.finished.wait(0.01)
print(read._folder)
sys.exit(0)
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert not Path(done.stdout.strip()).exists()  # the child stopped, the pieces removed
