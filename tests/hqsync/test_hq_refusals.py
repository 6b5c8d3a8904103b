"""Files that are not HQ rosters, or are built to hurt, are refused with one actionable sentence."""

from __future__ import annotations

import random
import re
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hqfiles import (
    BILLION_LAUGHS,
    hostile_xlsx,
    member,
    rewrite_zip,
    shared_string_bomb,
    table,
)

from chapterdesk.errors import BadInputError
from chapterdesk.hqsync import ImportCancelled, read_hq_export, reading, sniff

ASK_HQ = "Ask HQ for the roster as .xlsx or .csv."


def refusal(path: Path) -> str:
    """The one sentence the officer is shown for a refused file."""
    with pytest.raises(BadInputError) as caught:
        read_hq_export(path)
    assert caught.value.exit_status == 2
    assert "\n" not in caught.value.message
    return caught.value.message


@pytest.fixture
def good_xlsx(roster_xlsx: Callable[..., Path]) -> Path:
    return roster_xlsx(table([member(1), member(2)]), name="good.xlsx")


def test_empty_file(tmp_path: Path) -> None:
    (tmp_path / "roster.xlsx").write_bytes(b"")
    assert refusal(tmp_path / "roster.xlsx") == (
        "roster.xlsx is empty. Download the export from HQ again."
    )


def test_missing_file(tmp_path: Path) -> None:
    assert "roster.xlsx cannot be opened" in refusal(tmp_path / "roster.xlsx")


@pytest.mark.parametrize(
    ("content", "looks_like"),
    [(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "it looks like a PDF"),
     (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "it looks like a PNG image"),
     (b"<html><body><table><tr><td>1</td></tr></table>", "it is a web page")],
)  # fmt: skip
def test_renamed_documents_and_images(tmp_path: Path, content: bytes, looks_like: str) -> None:
    path = tmp_path / "roster.xlsx"
    path.write_bytes(content + bytes(200))
    message = refusal(path)
    assert message.startswith("roster.xlsx is not a spreadsheet HQ sends (")
    assert looks_like in message and message.endswith(ASK_HQ)


def test_random_bytes_are_binary(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_bytes(random.Random(7).randbytes(4096))
    assert "it holds binary data, not text" in refusal(path)


def test_truncated_download(tmp_path: Path, good_xlsx: Path) -> None:
    data = good_xlsx.read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(data[: len(data) // 2])
    assert "cut.xlsx is damaged or incomplete" in refusal(path)
    assert "Download it from HQ again." in refusal(path)


def test_corrupted_part(tmp_path: Path, good_xlsx: Path) -> None:
    data = bytearray(good_xlsx.read_bytes())
    with zipfile.ZipFile(good_xlsx) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for i in range(start + 10, start + 40):
        data[i] ^= 0x5A
    path = tmp_path / "bad.xlsx"
    path.write_bytes(bytes(data))
    assert re.search(r"bad\.xlsx (is damaged|could not be read)", refusal(path))


@pytest.mark.parametrize(
    ("part", "looks_like"),
    [("readme.txt", "a zip archive"), ("word/document.xml", "a Word document")],
)
def test_zip_that_is_not_a_workbook(tmp_path: Path, part: str, looks_like: str) -> None:
    path = tmp_path / "roster.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(part, "hello")
    assert refusal(path) == (
        f"roster.xlsx is not a spreadsheet HQ sends (it looks like {looks_like}). {ASK_HQ}"
    )


def test_zip_bomb_is_refused_before_unpacking(tmp_path: Path, good_xlsx: Path) -> None:
    path = rewrite_zip(good_xlsx, tmp_path / "bomb.xlsx")
    with (
        zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/media/image1.bin", "w") as part,
    ):
        block = bytes(1024 * 1024)
        for _ in range(64):
            part.write(block)
    assert path.stat().st_size < 1024 * 1024
    tracemalloc.start()
    try:
        message = refusal(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "zip bomb" in message and "xl/media/image1.bin" in message
    assert peak < 8 * 1024 * 1024


def test_total_unpacked_size_is_capped(good_xlsx: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sniff, "MAX_UNCOMPRESSED_BYTES", 1000)
    assert "it unpacks to 0 MB, more than the 0 MB" in refusal(good_xlsx)


def test_too_many_parts(tmp_path: Path, good_xlsx: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sniff, "MAX_ZIP_ENTRIES", 5)
    assert "far more than a workbook" in refusal(good_xlsx)


@pytest.mark.parametrize("part", ["xl/sharedStrings.xml", "xl/worksheets/sheet1.xml",
                                  "xl/workbook.xml"])  # fmt: skip
def test_entity_bomb_is_refused(tmp_path: Path, good_xlsx: Path, part: str) -> None:
    def add_doctype(name: str, data: bytes) -> bytes:
        if name != part:
            return data
        return data.replace(b"?>", b'?><!DOCTYPE x [<!ENTITY a "aaaa">]>', 1)

    if part == "xl/sharedStrings.xml":
        path = rewrite_zip(good_xlsx, tmp_path / "bomb.xlsx", replace={part: BILLION_LAUGHS})
    else:
        path = rewrite_zip(good_xlsx, tmp_path / "bomb.xlsx", edit=add_doctype)
    message = refusal(path)
    assert f"its part {part} declares a DOCTYPE" in message
    assert "Ask HQ to export the roster again" in message


@pytest.mark.parametrize(
    ("far_cell", "dimension", "claim"),
    [
        ("SF2000000", None, "row 2,000,000 and column 500"),
        ("SF2000000", "A1:U3", "row 2,000,000 and column 500"),  # a <dimension> that lies
        ("XFD1048576", None, "row 1,048,576 and column 16,384"),
        ("XFD1048576", "A1:U3", "row 1,048,576 and column 16,384"),
        ("BH2000000", None, "row 2,000,000 and column 60"),
        ("U1048576", None, "row 1,048,576 and column 21"),  # 746 MB in calamine before
    ],
)
def test_a_real_cell_far_away_is_refused_by_the_grid_it_needs(
    tmp_path: Path, good_xlsx: Path, far_cell: str, dimension: str | None, claim: str
) -> None:
    path = hostile_xlsx(good_xlsx, tmp_path / "far.xlsx", far_cell, dimension=dimension)
    message = refusal(path)
    assert f"a sheet has cells as far as {claim}" in message
    assert "more than a roster can have" in message and "Ask HQ to export" in message


@pytest.mark.parametrize("ref", ["A1:XFD1048576", "A1:U3000000"])
def test_a_declared_dimension_is_only_a_hint(tmp_path: Path, good_xlsx: Path, ref: str) -> None:
    def widen(name: str, data: bytes) -> bytes:
        if name != "xl/worksheets/sheet1.xml":
            return data
        return re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="' + ref.encode() + b'"', data)

    path = rewrite_zip(good_xlsx, tmp_path / "claims.xlsx", edit=widen)
    assert [row.values["hq_id"] for row in read_hq_export(path).rows] == ["100001", "100002"]


def test_empty_styled_cells_far_away_cost_nothing(tmp_path: Path, good_xlsx: Path) -> None:
    """Gnumeric writes `<c r="XFD1048576" s="0"/>`: no value, so calamine allocates nothing."""

    def style(name: str, data: bytes) -> bytes:
        if name != "xl/worksheets/sheet1.xml":
            return data
        empty = b'<row r="1048576"><c r="XFD1048576" s="0"/></row>'
        return data.replace(b"</sheetData>", empty + b"</sheetData>")

    path = rewrite_zip(good_xlsx, tmp_path / "styled.xlsx", edit=style)
    assert len(read_hq_export(path).rows) == 2


def test_shared_string_used_by_many_cells_is_refused(tmp_path: Path, good_xlsx: Path) -> None:
    path = shared_string_bomb(good_xlsx, tmp_path / "sst.xlsx", uses=1500, size=2 * 1024**2)
    message = refusal(path)
    assert "its cells repeat shared text 3,000 MB long in all" in message


def test_a_long_shared_string_used_a_few_times_is_read(tmp_path: Path, good_xlsx: Path) -> None:
    path = shared_string_bomb(good_xlsx, tmp_path / "notes.xlsx", uses=20, size=100_000)
    assert len(read_hq_export(path).rows) == 2


def test_sheet_without_dimension_is_measured(tmp_path: Path, good_xlsx: Path) -> None:
    def drop(name: str, data: bytes) -> bytes:
        return re.sub(rb"<dimension [^>]*/>", b"", data)

    path = rewrite_zip(good_xlsx, tmp_path / "nodim.xlsx", edit=drop)
    assert len(read_hq_export(path).rows) == 2
    far = rewrite_zip(
        good_xlsx, tmp_path / "far.xlsx",
        edit=lambda name, data: drop(name, data).replace(b'r="U2"', b'r="ZZZ90000"'),
    )  # fmt: skip
    assert "more than a roster can have" in refusal(far)


def test_cells_without_references_are_counted_row_by_row(tmp_path: Path, good_xlsx: Path) -> None:
    def bare(name: str, data: bytes) -> bytes:
        if name != "xl/worksheets/sheet1.xml":
            return data
        return data.replace(
            b"</sheetData>", b'<row r="1000000">' + b"<c><v>1</v></c>" * 30 + b"</row></sheetData>"
        )

    assert "row 1,000,000 and column 30" in refusal(
        rewrite_zip(good_xlsx, tmp_path / "bare.xlsx", edit=bare)
    )


def test_ole2_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "roster.xls"
    path.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600) + "WordDocument".encode("utf-16-le")
    )
    assert (
        refusal(path)
        == f"roster.xls is not a spreadsheet HQ sends (it looks like a Word document). {ASK_HQ}"
    )


def test_corrupt_xls(tmp_path: Path) -> None:
    path = tmp_path / "roster.xls"
    path.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "Workbook".encode("utf-16-le") + bytes(2000)
    )
    message = refusal(path)
    assert message.startswith("roster.xls could not be read as a workbook (")
    assert message.endswith(
        "Open it in Excel and save it again, or ask HQ for the roster as .xlsx or .csv."
    )


def test_password_protected_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "roster.xlsx"
    path.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600) + "EncryptedPackage".encode("utf-16-le")
    )
    assert "is a password-protected workbook. Ask HQ for an unprotected copy." in refusal(path)


def test_csv_with_nul_bytes(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_bytes(b"Member ID,Last Name,Paid Through\n1,Lee\x00,2026-12-31\n")
    assert "it holds binary data, not text" in refusal(path)
    late = tmp_path / "late.csv"
    late.write_bytes(
        b"Member ID,Last Name,Paid Through\n" + b"1,Lee,2026-12-31\n" * 5000 + b"2,\x00\n"
    )
    assert "line 5002 holds binary data" in refusal(late)


def test_csv_with_an_absurd_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading, "MAX_CSV_LINE_CHARS", 1000)
    path = tmp_path / "roster.csv"
    path.write_text("Member ID,Last Name,Paid Through\n1,Lee,2026-12-31\n2," + "x" * 5000 + "\n")
    assert "line 3 is longer than 1,000 characters" in refusal(path)


def test_csv_too_large(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sniff, "MAX_CSV_BYTES", 1024**2)
    path = tmp_path / "roster.csv"
    path.write_text("Member ID,Last Name,Paid Through\n" + "1,Lee,2026-12-31\n" * 100_000)
    assert "more than the 1 MB a roster export can be; check it is the right file" in refusal(path)


def test_part_that_unpacks_to_more_than_it_declares(tmp_path: Path, good_xlsx: Path) -> None:
    """The zip-bomb trick of a false size in the directory is caught by the checksum."""
    data = bytearray(good_xlsx.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    entry = data.rfind(name) - 46  # the central-directory record naming the part
    assert data[entry : entry + 4] == b"PK\x01\x02"
    data[entry + 24 : entry + 28] = (300).to_bytes(4, "little")  # "unpacks to 300 bytes"
    path = tmp_path / "liar.xlsx"
    path.write_bytes(bytes(data))
    assert "liar.xlsx is damaged or incomplete" in refusal(path)


def test_a_sheet_under_another_name_is_still_measured(tmp_path: Path, good_xlsx: Path) -> None:
    renamed = {"xl/worksheets/sheet1.xml": "xl/data/roster.bin"}
    source = hostile_xlsx(good_xlsx, tmp_path / "far-src.xlsx", "ZZ90000", dimension="A1:B2")
    path = tmp_path / "far.xlsx"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info).replace(b"worksheets/sheet1.xml", b"data/roster.bin")
            new.writestr(renamed.get(info.filename, info.filename), data)
    assert "a sheet has cells as far as row 90,000 and column 702" in refusal(path)


def test_cancel_while_checking_a_workbook(good_xlsx: Path) -> None:
    with pytest.raises(ImportCancelled):
        read_hq_export(good_xlsx, cancel=lambda: True)
