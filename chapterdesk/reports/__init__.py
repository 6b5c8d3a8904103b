"""Printed reports (PDF): the page layout, long tables and mailing labels they share.

Qt-free: reports are built by the command line and, off the UI thread, by the
window, through the same functions.
"""

from __future__ import annotations

from chapterdesk.reports.labels import (
    AVERY_5160,
    AVERY_L7160,
    LABEL_SHEETS,
    LabelSheet,
    draw_labels,
)
from chapterdesk.reports.pdfdoc import PAGE_SIZES, PageSize, ReportDocument
from chapterdesk.reports.styles import long_date, register_fonts
from chapterdesk.reports.tables import Cell, add_table

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
