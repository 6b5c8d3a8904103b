"""Printed reports (PDF): the page layout, long tables and mailing labels they share.

Qt-free: reports are built by the command line and, off the UI thread, by the
window, through the same functions.

The names below are loaded when first asked for (PEP 562), so that a module
that only needs `reports.progress` (the spreadsheet exports) does not import
reportlab with this package.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from typing import TYPE_CHECKING, Any


def _defer_harfbuzz() -> None:
    """Load HarfBuzz (uharfbuzz) when a text is first shaped, not when reportlab is imported.

    reportlab imports uharfbuzz as it is imported itself, to shape text when
    asked; only Devanagari and Thai runs are (`fontchain.SHAPED_FONTS`). Here
    the package is put in `sys.modules` unexecuted, with a module `__getattr__`
    (PEP 562) that runs it on the first use of one of its names (reportlab's
    `uharfbuzz.Blob`), so a chapter whose names need no shaping never loads
    its 5 MB library. (The standard library's `LazyLoader` does not do here:
    the `import` statement itself reads the module's `__spec__`, which loads it.)
    """
    if "uharfbuzz" in sys.modules or "reportlab.pdfbase.ttfonts" in sys.modules:
        return
    spec = importlib.util.find_spec("uharfbuzz")
    if spec is None or spec.loader is None:
        return  # not installed: reportlab prints everything unshaped
    loader = spec.loader
    module = importlib.util.module_from_spec(spec)

    def load(name: str) -> object:
        del module.__dict__["__getattr__"]
        try:
            loader.exec_module(module)
        except BaseException:
            del sys.modules["uharfbuzz"]
            raise
        return getattr(module, name)

    module.__dict__["__getattr__"] = load
    sys.modules["uharfbuzz"] = module


_defer_harfbuzz()  # before reportlab is first imported, by the modules below

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
