"""Mailing labels land inside the labels of the stock they are printed on."""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

import pytest
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics

from chapterdesk.reports.labels import AVERY_5160, AVERY_L7160, draw_labels
from chapterdesk.reports.styles import BODY_FONT

INCH = 72.0
MM = 72.0 / 25.4


class Placed(NamedTuple):
    """A line of text as drawn: where it starts, at what size."""

    text: str
    x: float
    y: float
    size: float


def _placed(page: Any) -> list[Placed]:
    found: list[Placed] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            found.append(Placed(text.strip(), tm[4] + cm[4], tm[5] + cm[5], size))

    page.extract_text(visitor_text=visit)
    return found


def _addresses(count: int) -> list[list[str]]:
    return [
        [
            f"Member {i:02d} Søren Ødegård",
            "Ødegård Advokatfirma AS",
            "Karl Johans gate 1",
            "0154 Oslo",
            "Norway",
        ]
        for i in range(1, count + 1)
    ]


def _inside(lines: list[Placed], left: float, top: float, width: float, height: float) -> None:
    """Every line starts and ends inside the label whose top-left corner is (left, top)."""
    for line in lines:
        end = line.x + pdfmetrics.stringWidth(line.text, BODY_FONT, line.size)
        assert left < line.x and end < left + width, line
        assert top - height < line.y - 0.25 * line.size and line.y + line.size < top, line


def _label_of(placed: list[Placed], number: int) -> list[Placed]:
    start = next(i for i, p in enumerate(placed) if p.text.startswith(f"Member {number:02d} "))
    return placed[start : start + 5]


def test_avery_5160_grid(tmp_path: Path) -> None:
    path = tmp_path / "labels.pdf"
    assert draw_labels(path, _addresses(35), AVERY_5160) == 2
    reader = PdfReader(path)
    assert len(reader.pages) == 2
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == (612, 792)
    first = _placed(reader.pages[0])
    # Avery 5160: 2.625" x 1", top margin 0.5", left 0.1875", pitch 2.75" across, 1" down
    _inside(_label_of(first, 1), 0.1875 * INCH, 792 - 0.5 * INCH, 2.625 * INCH, INCH)
    _inside(_label_of(first, 3), (0.1875 + 2 * 2.75) * INCH, 792 - 0.5 * INCH, 2.625 * INCH, INCH)
    _inside(_label_of(first, 30), (0.1875 + 2 * 2.75) * INCH, 792 - 9.5 * INCH, 2.625 * INCH, INCH)
    second = _placed(reader.pages[1])
    assert [p.text[:9] for p in second[::5]] == [f"Member {n}" for n in range(31, 36)]
    _inside(_label_of(second, 31), 0.1875 * INCH, 792 - 0.5 * INCH, 2.625 * INCH, INCH)


def test_avery_l7160_grid(tmp_path: Path) -> None:
    path = tmp_path / "labels-a4.pdf"
    assert draw_labels(path, _addresses(22), AVERY_L7160) == 2
    reader = PdfReader(path)
    box = reader.pages[0].mediabox
    assert float(box.width) == pytest.approx(595.28, abs=0.01)
    first = _placed(reader.pages[0])
    top = float(box.height) - 15.15 * MM
    _inside(_label_of(first, 1), 7.25 * MM, top, 63.5 * MM, 38.1 * MM)
    # the 21st label: last row (7th), last column (3rd)
    _inside(
        _label_of(first, 21), (7.25 + 2 * 66.04) * MM, top - 6 * 38.1 * MM, 63.5 * MM, 38.1 * MM
    )


def test_long_line_shrinks_to_fit(tmp_path: Path) -> None:
    path = tmp_path / "long.pdf"
    firm = "Kancelaria Prawna Żółć & Wspólnicy Spółka Komandytowa Oddział w Krakowie"
    draw_labels(
        path, [["Member 01 Łukasz Żółć", firm, "ul. Floriańska 3", "31-019 Kraków"]], AVERY_5160
    )
    lines = _placed(PdfReader(path).pages[0])
    assert lines[0].size == pytest.approx(AVERY_5160.font_size), "the name keeps its size"
    assert lines[1].size < AVERY_5160.font_size
    _inside(lines, 0.1875 * INCH, 792 - 0.5 * INCH, 2.625 * INCH, INCH)


def test_at_most_five_lines(tmp_path: Path) -> None:
    path = tmp_path / "six.pdf"
    draw_labels(
        path,
        [
            [
                "Member 01 Nguyễn Thị Ánh",
                "Baker McKenzie",
                "Suite 1200",
                "",
                "65 Lê Lợi",
                "Hồ Chí Minh City",
                "Vietnam",
            ]
        ],
        AVERY_5160,
    )
    lines = [p.text for p in _placed(PdfReader(path).pages[0])]
    assert lines == [
        "Member 01 Nguyễn Thị Ánh",
        "Baker McKenzie",
        "Suite 1200, 65 Lê Lợi",
        "Hồ Chí Minh City",
        "Vietnam",
    ]


def test_no_addresses_gives_one_blank_sheet(tmp_path: Path) -> None:
    path = tmp_path / "none.pdf"
    assert draw_labels(path, [], AVERY_5160, outlines=True) == 1
    assert len(PdfReader(path).pages) == 1


def test_a_name_too_long_keeps_its_whole_last_name_at_seven_points_or_more(
    tmp_path: Path,
) -> None:
    """Issue 16: wrap, then abbreviate the given and middle names; the last name is whole."""
    from chapterdesk.names import address_name, shorter_address_names
    from chapterdesk.reports.labels import NameLine

    parts = ("Dr.", "Maximiliana-Josephine", "Anastasia Bartholomea", "Featherstonehaugh", "III")
    long_name = NameLine(address_name(*parts), shorter_address_names(*parts))
    single = NameLine("Wolfeschlegelsteinhausenbergerdorffvoralternwarengewissenhaftschaferswessen")
    path = tmp_path / "names.pdf"
    draw_labels(
        path,
        [
            [long_name, "Very Long Organisation Name of the Greater Lakeshore Area", "1 Main St.",
             "Suite 2400", "Toledo, OH 43604", "United States"],
            [single, "1 Main St.", "Toledo, OH 43604"],
        ],
        AVERY_5160,
    )
    placed = _placed(PdfReader(path).pages[0])
    first = [line for line in placed if line.x < 0.1875 * INCH + 2.75 * INCH]
    text = " ".join(line.text for line in first)
    assert "Featherstonehaugh" in text and "…" not in text.split("Organisation")[0]
    assert all(line.size >= 7.0 for line in first)
    _inside(first, 0.1875 * INCH, 792 - 0.5 * INCH, 2.625 * INCH, 1.0 * INCH)
    # a last name longer than the label at 7 pt is broken over two lines, still whole
    second = [line for line in placed if line.x >= 0.1875 * INCH + 2.75 * INCH]
    assert str(single) in "".join(line.text for line in second)
    assert all(line.size >= 7.0 for line in second)
    _inside(second, 0.1875 * INCH + 2.75 * INCH, 792 - 0.5 * INCH, 2.625 * INCH, 1.0 * INCH)
