"""Reading a written PDF back as a reader would: the text of each page."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader


def pages_text(path: Path) -> list[str]:
    """The extracted text of every page, in order."""
    return [page.extract_text() for page in PdfReader(path).pages]


def page_size(path: Path) -> tuple[float, float]:
    """The first page's width and height in points."""
    box = PdfReader(path).pages[0].mediabox
    return float(box.width), float(box.height)
