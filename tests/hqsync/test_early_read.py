"""An export read early (`hqsync.early`) reads exactly as one read when the import asks for it."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from hqfiles import member, table

from chapterdesk.errors import BadInputError
from chapterdesk.hqsync import early, read_hq_export
from chapterdesk.hqsync.early import (
    discard_started,
    start_reading,
    take_started,
    wait_until_checked,
)


def _never() -> bool:
    return False


def _facts(parsed: object) -> tuple[object, ...]:
    keep = ("file_format", "header_row", "headers", "numbers", "columns", "problems", "total_rows")
    return tuple(getattr(parsed, name) for name in keep)


def test_a_workbook_read_early_gives_the_same_rows(roster_xlsx: Callable[..., Path]) -> None:
    rows = table([member(1), member(2, Paid_Through=""), member(3)])
    path = roster_xlsx(rows, before=["Member Roster Report"])
    plain = read_hq_export(path)
    start_reading(path)
    early = read_hq_export(path)
    assert _facts(early) == _facts(plain)
    assert early.problems and early.total_rows == 3  # the faulty row is reported either way
    assert take_started(path, _never) is None  # taken over once, then gone


def test_a_csv_file_is_checked_early_and_read_the_same(roster_csv: Callable[..., Path]) -> None:
    path = roster_csv(table([member(1), member(2)]), delimiter=";")
    plain = read_hq_export(path)
    start_reading(path)
    assert _facts(read_hq_export(path)) == _facts(plain)


def test_a_file_changed_after_the_early_start_is_read_again(
    roster_xlsx: Callable[..., Path],
) -> None:
    path = roster_xlsx(table([member(1)]))
    start_reading(path)
    newer = roster_xlsx(table([member(1), member(2)]), name="newer.xlsx")
    os.replace(newer, path)  # HQ's corrected file saved over the first one meanwhile
    os.utime(path, ns=(1, 1))
    assert read_hq_export(path).total_rows == 2
    assert take_started(path, _never) is None


def test_a_hostile_file_is_refused_in_the_readers_words(tmp_path: Path) -> None:
    path = tmp_path / "roster.xlsx"
    path.write_bytes(b"%PDF-1.4 not a roster")
    start_reading(path)
    with pytest.raises(BadInputError, match="PDF"):
        read_hq_export(path)


def test_an_early_read_no_one_takes_is_let_go(roster_xlsx: Callable[..., Path]) -> None:
    path = roster_xlsx(table([member(1)]))
    start_reading(path)
    discard_started(path)
    assert take_started(path, _never) is None
    assert read_hq_export(path).total_rows == 1


def test_waiting_for_the_check_returns_with_the_file_checked(
    roster_xlsx: Callable[..., Path], tmp_path: Path
) -> None:
    path = roster_xlsx(table([member(1), member(2)]))
    wait_until_checked(path)  # nothing started: returns at once
    start_reading(path)
    wait_until_checked(path)
    started = early._STARTED[str(path.resolve())]
    assert started.checked.is_set() and started.facts is not None
    assert started.facts.file_format == "xlsx"
    assert read_hq_export(path).total_rows == 2  # and it is still taken over as before

    hostile = tmp_path / "hostile.xlsx"
    hostile.write_bytes(b"%PDF-1.4 not a roster")
    start_reading(hostile)
    wait_until_checked(hostile)  # a check that fails ends the wait too
    with pytest.raises(BadInputError, match="PDF"):
        read_hq_export(hostile)
