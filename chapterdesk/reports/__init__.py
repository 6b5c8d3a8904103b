"""Printed reports (PDF): the page layout, long tables and mailing labels they share.

Qt-free: reports are built by the command line and, off the UI thread, by the
window, through the same functions.
"""

from __future__ import annotations

import importlib.util
import sys


def _defer_harfbuzz() -> None:
    """Load HarfBuzz (uharfbuzz) when a text is first shaped, not when reportlab is imported.

    reportlab imports uharfbuzz as it is imported itself, to shape text when
    asked; only Devanagari and Thai runs are (`fontchain.SHAPED_FONTS`). Made
    lazy here (the standard library's `LazyLoader`), its 5 MB library is read
    on the first shaping, so a chapter whose names need none never loads it.
    """
    if "uharfbuzz" in sys.modules or "reportlab.pdfbase.ttfonts" in sys.modules:
        return
    spec = importlib.util.find_spec("uharfbuzz")
    if spec is None or spec.loader is None:
        return  # not installed: reportlab prints everything unshaped
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["uharfbuzz"] = module
    loader.exec_module(module)


_defer_harfbuzz()  # before reportlab is first imported, by the modules below

from chapterdesk.reports.labels import (  # noqa: E402 -- after _defer_harfbuzz
    AVERY_5160,
    AVERY_L7160,
    LABEL_SHEETS,
    LabelSheet,
    draw_labels,
)
from chapterdesk.reports.pdfdoc import PAGE_SIZES, PageSize, ReportDocument  # noqa: E402
from chapterdesk.reports.styles import long_date, register_fonts  # noqa: E402
from chapterdesk.reports.tables import Cell, add_table  # noqa: E402

__all__ = [
    "AVERY_5160",
    "AVERY_L7160",
    "LABEL_SHEETS",
    "PAGE_SIZES",
    "Cell",
    "LabelSheet",
    "PageSize",
    "ReportDocument",
    "add_table",
    "draw_labels",
    "long_date",
    "register_fonts",
]
