"""The reports and exports the Reports page offers, each with its options and its writer.

Every entry calls the same `write_*` function the command line calls
(chapterdesk/cli/reports.py), so a PDF or spreadsheet made in the window is
the one `chapterdesk report …` / `chapterdesk export …` would write. The
writers are Qt-free and run on the task runner's worker thread; they write
atomically, so a cancelled or failed run leaves no file behind.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from chapterdesk.data.engine import Database
from chapterdesk.errors import BadInputError
from chapterdesk.exports.dues import write_dues_export
from chapterdesk.exports.hq import write_hq_export
from chapterdesk.exports.roster import write_roster_export
from chapterdesk.reports.compliance import write_compliance_report
from chapterdesk.reports.dues import write_dues_report
from chapterdesk.reports.mailing import write_labels
from chapterdesk.reports.progress import CancelFn, ProgressFn
from chapterdesk.reports.receipt import write_receipt
from chapterdesk.reports.roster import write_directory
from chapterdesk.reports.statements import write_statements
from chapterdesk.reports.voters import write_voting_list

#: The option rows a report may show, in the order the form lays them out.
YEAR, ALL_YEARS, RECEIPT, SHEET, WHO, FORMAT = (
    "year", "all_years", "receipt", "sheet", "who", "format"
)


@dataclass(frozen=True)
class Choices:
    """What the officer chose in the options form (only the report's own options are read)."""

    year: int = dt.date.today().year
    all_years: bool = False
    receipt: str = ""
    sheet: str = "5160"
    everyone: bool = False
    suffix: str = ".pdf"


@dataclass(frozen=True)
class Written:
    """What a run produced: the file, and how much is in it."""

    path: Path
    pages: int | None = None
    rows: int | None = None
    count: int | None = None
    count_noun: str = ""

    @property
    def is_pdf(self) -> bool:
        """Whether the file is a PDF the preview can show."""
        return self.path.suffix.lower() == ".pdf"

    def describe(self) -> str:
        """One line for the officer: "12 pages, 118 members listed" / "118 rows written"."""
        parts = []
        if self.pages is not None:
            parts.append(_plural(self.pages, "page"))
        if self.count is not None and self.count_noun:
            parts.append(f"{self.count:,} {self.count_noun}")
        if self.rows is not None:
            parts.append(f"{_plural(self.rows, 'row')} written")
        return ", ".join(parts)


Writer = Callable[[Database, Path, Choices, ProgressFn, CancelFn], Written]


@dataclass(frozen=True)
class ReportKind:
    """One entry in the list: its name, what it is for, its options and its writer."""

    key: str
    title: str
    description: str
    options: tuple[str, ...]
    suffixes: tuple[str, ...]
    write: Writer
    file_stem: Callable[[Choices], str]

    @property
    def is_export(self) -> bool:
        """A spreadsheet (shown as a summary) rather than a PDF (shown in the preview)."""
        return ".pdf" not in self.suffixes

    def suffix(self, choices: Choices) -> str:
        """The file suffix this run writes (the chosen format for an export)."""
        return choices.suffix if choices.suffix in self.suffixes else self.suffixes[0]

    def file_name(self, choices: Choices) -> str:
        """The name "Save as…" suggests, e.g. "Dues report 2026.pdf"."""
        return self.file_stem(choices) + self.suffix(choices)


def _plural(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def receipt_number(text: str) -> int:
    """The receipt number typed in the form.

    Raises:
        BadInputError: it is empty or not a whole number.
    """
    cleaned = text.strip().lstrip("#")
    if not cleaned.isdigit():
        shown = f"“{text.strip()}” is not a receipt number" if text.strip() else (
            "No receipt number was given"
        )
        raise BadInputError(f"{shown}; type the number printed on the receipt, such as 1042.")
    return int(cleaned)


def _dues(db: Database, path: Path, c: Choices, p: ProgressFn, x: CancelFn) -> Written:
    return Written(path, pages=write_dues_report(db, c.year, path, progress=p, cancel=x))


def _statements(db: Database, path: Path, c: Choices, p: ProgressFn, x: CancelFn) -> Written:
    count, pages = write_statements(db, c.year, path, progress=p, cancel=x)
    return Written(path, pages=pages, count=count, count_noun="statements")


def _receipt(db: Database, path: Path, c: Choices, p: ProgressFn, x: CancelFn) -> Written:
    number = receipt_number(c.receipt)
    return Written(path, pages=write_receipt(db, number, path))


def _directory(db: Database, path: Path, c: Choices, p: ProgressFn, x: CancelFn) -> Written:
    count, pages = write_directory(db, path, progress=p, cancel=x)
    return Written(path, pages=pages, count=count, count_noun="members listed")


def _compliance(db: Database, path: Path, c: Choices, p: ProgressFn, x: CancelFn) -> Written:
    count, pages = write_compliance_report(db, path, progress=p, cancel=x)
    return Written(path, pages=pages, count=count, count_noun="members not in good standing")


def _voters(db: Database, path: Path, c: Choices, p: ProgressFn, x: CancelFn) -> Written:
    count, pages = write_voting_list(db, path, progress=p, cancel=x)
    return Written(path, pages=pages, count=count, count_noun="eligible voters")


def _labels(db: Database, path: Path, c: Choices, p: ProgressFn, x: CancelFn) -> Written:
    count, pages = write_labels(
        db, path, sheet=c.sheet, everyone=c.everyone, progress=p, cancel=x
    )
    return Written(path, pages=pages, count=count, count_noun="labels")


def _export_roster(db: Database, path: Path, c: Choices, p: ProgressFn, x: CancelFn) -> Written:
    return Written(path, rows=write_roster_export(db, path, progress=p, cancel=x))


def _export_dues(db: Database, path: Path, c: Choices, p: ProgressFn, x: CancelFn) -> Written:
    year = None if c.all_years else c.year
    return Written(path, rows=write_dues_export(db, path, year=year, progress=p, cancel=x))


def _export_hq(db: Database, path: Path, c: Choices, p: ProgressFn, x: CancelFn) -> Written:
    return Written(path, rows=write_hq_export(db, path, progress=p, cancel=x))


PDF = (".pdf",)
SHEETS = (".xlsx", ".csv")

REPORTS: tuple[ReportKind, ...] = (
    ReportKind(
        "dues", "Dues report",
        "Per member: assessed, paid, credit and outstanding for a dues year, with totals by "
        "category and payment method and an aging summary. For the board.",
        (YEAR,), PDF, _dues, lambda c: f"Dues report {c.year}",
    ),
    ReportKind(
        "statements", "Member statements",
        "One page per member whose dues for the year are still open: what was charged, "
        "what was paid, what is due and how to pay. For mailing.",
        (YEAR,), PDF, _statements, lambda c: f"Member statements {c.year}",
    ),
    ReportKind(
        "receipt", "Receipt",
        "The receipt for one payment, as it stood when the payment was posted.",
        (RECEIPT,), PDF, _receipt, lambda c: f"Receipt {c.receipt.strip().lstrip('#')}",
    ),
    ReportKind(
        "directory", "Roster / directory",
        "Members in good standing with their contact details, grouped by letter, and a "
        "page of officers.",
        (), PDF, _directory, lambda c: "Chapter directory",
    ),
    ReportKind(
        "compliance", "Compliance report",
        "Every chapter member not in good standing internationally, with what to do next, "
        "and HQ members affiliated with the chapter who are not on the roster.",
        (), PDF, _compliance, lambda c: "Compliance report",
    ),
    ReportKind(
        "voters", "Voting list",
        "The members who may vote today, numbered by last name, with the quorum; then the "
        "members left off (lapsed, no vote in their category, …) and why. For a meeting.",
        (), PDF, _voters, lambda c: f"Voting list {dt.date.today():%Y-%m-%d}",
    ),
    ReportKind(
        "labels", "Mailing labels",
        "Address labels on Avery 5160 (US Letter) or L7160 (A4) sheets.",
        (SHEET, WHO), PDF, _labels,
        lambda c: f"Mailing labels {c.sheet}" + (" everyone" if c.everyone else ""),
    ),
    ReportKind(
        "export_roster", "Export roster",
        "Every current chapter member in HQ's layout, as a workbook or a CSV file that "
        "is safe to open in a spreadsheet.",
        (FORMAT,), SHEETS, _export_roster, lambda c: "Chapter roster",
    ),
    ReportKind(
        "export_dues", "Export dues",
        "Each member's dues per year: assessed, paid, credit and outstanding.",
        (YEAR, ALL_YEARS, FORMAT), SHEETS, _export_dues,
        lambda c: "Chapter dues" + ("" if c.all_years else f" {c.year}"),
    ),
    ReportKind(
        "export_hq", "Chapter report to HQ",
        "The workbook HQ asks for: the chapter roster, the officers with their terms, and "
        "members the chapter could not match to HQ data.",
        (), (".xlsx",), _export_hq, lambda c: f"Chapter report to HQ {dt.date.today():%Y-%m-%d}",
    ),
)
