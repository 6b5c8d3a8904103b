"""The base PDF report: every page says whose it is, how current, and which page of how many."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

import pytest
from pypdf import PdfReader
from reportlab.platypus import Paragraph

from chapterdesk.money import format_money
from chapterdesk.reports import ReportDocument
from chapterdesk.reports.styles import long_date
from chapterdesk.reports.tables import Wrapped
from chapterdesk.values import month_year

CHAPTER = "Great Lakes Chapter"
TITLE = "Chapter dues 2026"
HEADER = ["HQ ID", "Name", "Category", "Balance"]
WIDTHS = [70.0, 220.0, 100.0, 90.0]


def _rows(names: list[str], count: int) -> Iterator[list[str]]:
    """`count` rows cycling through `names`, IDs 100000 upwards (a generator, like a query)."""
    for i in range(count):
        yield [str(100000 + i), names[i % len(names)], "Regular", format_money(Decimal(i) - 25)]


def _report(
    target: Path | io.BytesIO, names: list[str], count: int, page_size: str = "letter"
) -> ReportDocument:
    document = ReportDocument(
        target,
        chapter_name=CHAPTER,
        title=TITLE,
        as_of=dt.date(2026, 7, 1),
        page_size=page_size,  # type: ignore[arg-type]
        printed_on=dt.date(2026, 7, 2),
    )
    document.add_paragraph("Every member with a balance, as posted in the ledger.")
    document.add_heading("Balances")
    document.add_table(
        HEADER,
        _rows(names, count),
        WIDTHS,
        numeric_cols=(3,),
        totals_row=["", f"{count} members", "", format_money(Decimal("1150"))],
    )
    return document


@pytest.fixture
def built(tmp_path: Path, accented_names: list[str]) -> tuple[PdfReader, int]:
    path = tmp_path / "dues.pdf"
    pages = _report(path, accented_names, 150).build()
    return PdfReader(path), pages


def test_report_spans_pages_with_right_page_numbers(built: tuple[PdfReader, int]) -> None:
    reader, pages = built
    assert pages == len(reader.pages) >= 3
    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert f"Page {number} of {pages}" in text
        assert "Printed 2 July 2026" in text
        assert CHAPTER in text and TITLE in text and "As of 1 July 2026" in text
        assert "HQ ID" in text, "the column headings repeat on every page"


def test_accented_names_are_real_text(
    built: tuple[PdfReader, int], accented_names: list[str]
) -> None:
    reader, _ = built
    text = "\n".join(page.extract_text() for page in reader.pages)
    for name in accented_names:
        assert name in text


def test_every_row_printed_once_in_order(built: tuple[PdfReader, int]) -> None:
    reader, _ = built
    text = "\n".join(page.extract_text() for page in reader.pages)
    ids = [int(found) for found in re.findall(r"\b1\d{5}\b", text)]
    assert ids == list(range(100000, 100150))
    last = reader.pages[-1].extract_text()
    assert "150 members" in last and "$1,150.00" in last
    assert "150 members" not in reader.pages[0].extract_text()


def test_heading_stays_with_first_rows(built: tuple[PdfReader, int]) -> None:
    reader, _ = built
    first = reader.pages[0].extract_text()
    assert "Balances" in first and "100000" in first


def test_fonts_are_dejavu_only(built: tuple[PdfReader, int]) -> None:
    reader, _ = built
    for page in reader.pages:
        fonts = cast(Any, page["/Resources"])["/Font"]
        names = [str(font.get_object()["/BaseFont"]) for font in fonts.values()]
        assert names and all("DejaVu" in name for name in names), names


@pytest.mark.parametrize(
    ("page_size", "width", "height"), [("letter", 612, 792), ("a4", 595.28, 841.89)]
)
def test_page_size(
    tmp_path: Path, accented_names: list[str], page_size: str, width: float, height: float
) -> None:
    path = tmp_path / f"{page_size}.pdf"
    _report(path, accented_names, 10, page_size).build()
    box = PdfReader(path).pages[0].mediabox
    assert float(box.width) == pytest.approx(width, abs=0.01)
    assert float(box.height) == pytest.approx(height, abs=0.01)


def test_too_long_text_wraps_whole_in_its_cell_never_cut(tmp_path: Path) -> None:
    """Issue 16: a name too wide for its column wraps onto more lines; nothing is cut with "…"."""
    path = tmp_path / "long.pdf"
    long_name = "Bartholomew Featherstonehaugh-Cholmondeley of Greater Wickhamshire III"
    _report(path, [long_name], 3).build()
    text = PdfReader(path).pages[0].extract_text()
    assert " ".join(text.split()).count(long_name) == 3
    assert "…" not in text


def test_an_id_amount_date_or_address_too_wide_prints_whole(tmp_path: Path) -> None:
    """IDs, amounts and dates in columns too narrow for them: broken over lines, never cut."""
    document = ReportDocument(
        tmp_path / "narrow.pdf", chapter_name=CHAPTER, title="Narrow", as_of=dt.date(2026, 7, 1)
    )
    row = ["142912512345", "$1,234,567.89", "2026-07-01", "ken.jackson@lakeshorelaw.example"]
    document.add_table(["ID", "Amount", "Date", "Email"], [row] * 3, [0.06, 0.07, 0.06, 0.12])
    document.build()
    text = PdfReader(tmp_path / "narrow.pdf").pages[0].extract_text()
    assert "…" not in text
    joined = "".join(text.split())
    for value in row:
        assert joined.count(value) == 3
    lines = text.splitlines()
    # the e-mail address breaks after its "@" or a ".", not inside a word
    assert any(line.rstrip().endswith(("@", ".")) for line in lines)


def test_paragraph_cells_wrap_and_rows_still_all_print(tmp_path: Path) -> None:
    document = ReportDocument(
        tmp_path / "notes.pdf", chapter_name=CHAPTER, title="Notes", as_of=dt.date(2026, 7, 1)
    )
    note = Paragraph("Moved to Associate on retirement; " * 6, document.styles.table_cell)
    rows = [[str(i), note if i % 10 == 0 else "short"] for i in range(120)]
    document.add_table(["#", "Note"], rows, [0.1, 0.9])
    pages = document.build()
    reader = PdfReader(tmp_path / "notes.pdf")
    assert pages == len(reader.pages) >= 3
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert text.count("short") == 108


def test_wrapped_cells_break_into_lines_at_spaces_and_keep_every_word(tmp_path: Path) -> None:
    document = ReportDocument(
        tmp_path / "wrapped.pdf", chapter_name=CHAPTER, title="Notes", as_of=dt.date(2026, 7, 1)
    )
    note = "Privileges suspended: ask them to renew their international membership; " * 2
    rows = [[str(i), Wrapped(note) if i % 10 == 0 else "short"] for i in range(120)]
    document.add_table(["#", "Note"], rows, [0.1, 0.3])
    pages = document.build()
    reader = PdfReader(tmp_path / "wrapped.pdf")
    assert pages == len(reader.pages) >= 2
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert text.count("short") == 108 and "…" not in text
    lines = [line.strip() for line in text.splitlines()]
    held = [line for line in lines if "suspended" in line]
    assert held and all(len(line) < len(note) / 3 for line in held)  # several lines per cell
    assert " ".join(text.split()).count(" ".join(note.split())) == 12


def test_empty_table_still_prints_headings(tmp_path: Path) -> None:
    document = ReportDocument(
        tmp_path / "empty.pdf", chapter_name=CHAPTER, title=TITLE, as_of=dt.date(2026, 7, 1)
    )
    document.add_table(HEADER, [], WIDTHS)
    assert document.build() == 1
    text = PdfReader(tmp_path / "empty.pdf").pages[0].extract_text()
    assert "Category" in text and "Page 1 of 1" in text


def test_builds_into_an_open_file(accented_names: list[str]) -> None:
    buffer = io.BytesIO()
    pages = _report(buffer, accented_names, 5).build()
    assert pages == 1
    assert buffer.getvalue().startswith(b"%PDF")


def test_failed_build_leaves_the_previous_pdf(tmp_path: Path) -> None:
    path = tmp_path / "dues.pdf"
    path.write_bytes(b"%PDF previous")

    def rows_then_crash() -> Iterator[list[str]]:
        yield from _rows(["Søren Ødegård"], 200)
        raise RuntimeError("database went away")

    document = ReportDocument(path, chapter_name=CHAPTER, title=TITLE, as_of=dt.date(2026, 7, 1))
    document.add_table(HEADER, rows_then_crash(), WIDTHS)
    with pytest.raises(RuntimeError, match="database went away"):
        document.build()
    assert path.read_bytes() == b"%PDF previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dues.pdf"]


def test_wrong_row_length_is_refused(tmp_path: Path) -> None:
    document = ReportDocument(
        tmp_path / "x.pdf", chapter_name=CHAPTER, title=TITLE, as_of=dt.date(2026, 7, 1)
    )
    document.add_table(HEADER, [["1", "Ana Pérez", "Regular", "$0.00"], ["2", "short"]], WIDTHS)
    with pytest.raises(ValueError, match="table row 2 has 2 cells, expected 4"):
        document.build()


def test_columns_wider_than_the_page_are_refused(tmp_path: Path) -> None:
    document = ReportDocument(
        tmp_path / "wide.pdf", chapter_name=CHAPTER, title=TITLE, as_of=dt.date(2026, 7, 1)
    )
    with pytest.raises(ValueError, match="columns are 800 pt wide"):
        document.add_table(["A", "B"], [], [400, 400])


def test_long_date_cannot_be_misread() -> None:
    assert long_date(dt.date(2026, 7, 1)) == "1 July 2026"
    assert long_date(dt.date(2026, 12, 6), weekday=True) == "Sunday 6 December 2026"
    assert month_year(dt.date(2026, 7, 31)) == "July 2026"


def test_address_lines_too_long_for_the_page_are_broken_at_spaces_never_cut(
    tmp_path: Path,
) -> None:
    from chapterdesk.reports.pdfdoc import Lines

    long_line = " ".join(["Lakeshore Law Professional Association of Counsellors"] * 3)
    document = ReportDocument(
        tmp_path / "address.pdf", chapter_name="Great Lakes", title="Receipt 1",
        as_of=dt.date(2026, 12, 6),
    )  # fmt: skip
    lines = Lines([long_line, "172 Harbour Road"], document.styles.body)
    _, height = lines.wrap(document.frame_width, 1000)
    assert height == 3 * document.styles.body.leading  # the long line takes two
    document.story.append(lines)
    document.build()
    text = PdfReader(str(tmp_path / "address.pdf")).pages[0].extract_text()
    assert " ".join(text.split()).count(long_line) == 1
    assert "172 Harbour Road" in text
