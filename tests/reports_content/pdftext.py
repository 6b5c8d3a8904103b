"""Reading a written PDF back as a reader would: the text of each page."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from pypdf import PdfReader

#: poppler's pdftotext, which `make fonts` installs (poppler-utils): the tests that read a
#: PDF as a reader's program would fail without it (never skip), saying so.
PDFTOTEXT = shutil.which("pdftotext")


def pages_text(path: Path) -> list[str]:
    """The extracted text of every page, in order."""
    return [page.extract_text() for page in PdfReader(path).pages]


def page_size(path: Path) -> tuple[float, float]:
    """The first page's width and height in points."""
    box = PdfReader(path).pages[0].mediabox
    return float(box.width), float(box.height)


def pdftotext(path: Path, *options: str) -> str:
    """What poppler's pdftotext extracts from `path` (UTF-8), with its `options` such as
    "-layout", "-bbox" or "-f", "2", "-l", "2"."""
    assert PDFTOTEXT, "pdftotext is missing: run `make fonts` (it installs poppler-utils)"
    return subprocess.run(
        [PDFTOTEXT, *options, "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
