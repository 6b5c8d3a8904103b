"""A UTF-8 CSV with a stray invalid byte is refused where the byte is; real 1252 still reads."""

from __future__ import annotations

import csv
import gc
import io
import sys
from pathlib import Path

import pytest
from hqfiles import member, table, write_csv
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chapterdesk.errors import BadInputError
from chapterdesk.hqsync import read_hq_export, reading
from chapterdesk.hqsync.reading import detect_encoding


def _names(path: Path) -> list[object]:
    return [row.values["first_name"] for row in read_hq_export(path).rows]


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_one_invalid_byte_in_utf8_is_refused_with_its_line_and_offset(
    tmp_path: Path, bom: bytes
) -> None:
    good = write_csv(tmp_path / "good.csv", table([member(n, First_Name="José") for n in range(5)]))
    data = bom + good.read_bytes()
    line_start = [i for i, byte in enumerate(data) if byte == 10][2] + 1  # the 4th line
    broken = data[: line_start + 6] + b"\x92" + data[line_start + 6 :]  # a 1252 apostrophe
    path = tmp_path / "broken.csv"
    path.write_bytes(broken)
    with pytest.raises(BadInputError) as caught:
        read_hq_export(path)
    message = caught.value.message
    assert f"line 4 holds a byte that is not UTF-8 (byte offset {line_start + 6:,})" in message
    assert "JosÃ©" not in message and "\n" not in message and caught.value.exit_status == 2


def test_real_windows_1252_still_reads(tmp_path: Path) -> None:
    rows = table([member(1, First_Name="José"), member(2, First_Name="Renée")])
    path = write_csv(tmp_path / "excel.csv", rows, encoding="cp1252")
    assert detect_encoding(path) == "cp1252"
    assert _names(path) == ["José", "Renée"]


def test_a_character_split_between_two_reads_is_not_an_error(tmp_path: Path) -> None:
    rows = table([member(n, First_Name="Zoë", City="Łódź") for n in range(8000)])  # over 1 MB
    path = write_csv(tmp_path / "big.csv", rows)
    assert path.stat().st_size > 1024 * 1024
    assert detect_encoding(path) == "utf-8"
    assert _names(path) == ["Zoë"] * 8000


_CELL_TEXT = st.text(alphabet="'=+-@\t\r\na é;\"O", max_size=6)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    records=st.lists(st.lists(_CELL_TEXT, min_size=1, max_size=4), min_size=1, max_size=6),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]),
    chunk=st.integers(min_value=1, max_value=9),
)
def test_records_read_the_same_whether_or_not_guards_are_looked_for(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    records: list[list[str]],
    encoding: str,
    chunk: int,
) -> None:
    """The search that lets a file without "'=" and the like skip `_unguard` never skips
    a guarded cell, wherever the file's reads cut it."""
    path = tmp_path / "guards.csv"
    text = io.StringIO(newline="")
    csv.writer(text, delimiter=";").writerows(records)
    path.write_bytes(text.getvalue().encode(encoding))
    monkeypatch.setattr(reading, "_DECODE_BYTES", chunk)
    shortcut = reading._may_hold_guards(path, encoding)
    read = list(reading._csv_records(path, encoding, ";", unguard=shortcut))
    assert read == list(reading._csv_records(path, encoding, ";", unguard=True))
    guarded = any(cell[:1] == "'" and cell[1:2] in set("=+-@\t\r") for r in records for cell in r)
    assert shortcut or not guarded, "a file with a guarded cell is always looked at"


def test_turns_are_quicker_only_while_a_csv_is_read(tmp_path: Path) -> None:
    """The database thread's turns at the interpreter's lock come quicker while a CSV file's
    records are read beside it, and Python's own turns come back however the reading ends."""
    path = write_csv(tmp_path / "roster.csv", table([member(n) for n in range(1, 4)]))
    gc.collect()  # a reader an earlier test left unfinished in a cycle ends now
    assert reading._Turns.readers == 0, "a CSV reader was left open"
    before = sys.getswitchinterval()
    rows = reading.read_csv(path).rows
    next(rows)
    assert sys.getswitchinterval() <= 0.001 < before
    assert len(list(rows)) == 3  # the header was the first record
    assert sys.getswitchinterval() == before
    stopped = reading.read_csv(path).rows
    next(stopped)
    stopped.close()  # an import cancelled, or refused, part of the way through
    assert sys.getswitchinterval() == before
    first, second = reading.read_csv(path).rows, reading.read_csv(path).rows
    next(first)
    next(second)
    first.close()  # readers that overlap, ending in the other order
    assert sys.getswitchinterval() <= 0.001, "the second is still reading"
    second.close()
    assert sys.getswitchinterval() == before
