"""Spreadsheet exports: the roster, the chapter's report to HQ, as .xlsx or .csv."""

from __future__ import annotations

from chapterdesk.exports.sheets import (
    Column,
    ColumnKind,
    Progress,
    Sheet,
    neutralise_formula,
    write_table,
    write_workbook,
)

__all__ = [
    "Column",
    "ColumnKind",
    "Progress",
    "Sheet",
    "neutralise_formula",
    "write_table",
    "write_workbook",
]
