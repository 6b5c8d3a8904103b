"""Reading HQ's member exports: the first half of an HQ import, with no database in sight.

`read_hq_export` turns the file an officer hands over (.xlsx, .xlsb, .ods, .xls or .csv,
told apart by content) into validated rows, or refuses it with one sentence
the officer can act on. Hostile files (zip bombs, entity bombs, absurd sheet
sizes, binary data) are refused before any parser sees them. Row-level
problems are collected, each with its spreadsheet row number and column
header, so the whole list can be shown before anything is written.

The diff and apply step builds on `ParsedExport`; the UI lets the officer
correct the `Mapping` and persists it under `header_signature(headers)`.
"""

from chapterdesk.hqsync.importer import Recognise, read_header, read_hq_export
from chapterdesk.hqsync.mapping import (
    DISPLAY_NAMES,
    FIELDS,
    REQUIRED,
    Mapping,
    detect_mapping,
    header_signature,
)
from chapterdesk.hqsync.results import HqRow, ImportCancelled, ParsedExport, Problem

__all__ = [
    "DISPLAY_NAMES",
    "FIELDS",
    "REQUIRED",
    "HqRow",
    "ImportCancelled",
    "Mapping",
    "ParsedExport",
    "Problem",
    "Recognise",
    "detect_mapping",
    "header_signature",
    "read_header",
    "read_hq_export",
]
