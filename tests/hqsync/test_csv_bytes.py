"""A UTF-8 CSV with a stray invalid byte is refused where the byte is; real 1252 still reads."""

from __future__ import annotations

from pathlib import Path

import pytest
from hqfiles import member, table, write_csv

from chapterdesk.errors import BadInputError
from chapterdesk.hqsync import read_hq_export
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
