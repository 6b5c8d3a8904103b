"""Printed reports (PDF): the page layout, long tables and mailing labels they share.

Qt-free: reports are built by the command line and, off the UI thread, by the
window, through the same functions.

The names below are loaded when first asked for (PEP 562), so that a module
that only needs `reports.progress` (the spreadsheet exports) does not import
reportlab with this package.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

_HOMES = {
    "AVERY_5160": "labels",
    "AVERY_L7160": "labels",
    "LABEL_SHEETS": "labels",
    "LabelSheet": "labels",
    "draw_labels": "labels",
    "PAGE_SIZES": "pdfdoc",
    "PageSize": "pdfdoc",
    "ReportDocument": "pdfdoc",
    "long_date": "styles",
    "register_fonts": "styles",
    "Cell": "tables",
    "add_table": "tables",
}

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


def __getattr__(name: str) -> Any:
    """One of `__all__`, from the module that defines it."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)
