"""`report …` and `export …`: the printed reports and the spreadsheets, from the command line.

Every command writes one file named by `-o` (atomically: an interrupted run
leaves any earlier file as it was), shows a progress bar on a terminal for
long runs, and prints what it wrote (`--json` for scripts). A wrong suffix or
a folder that cannot be written is refused before any work is done (exit 2).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from chapterdesk.cli.common import (
    TerminalProgress,
    add_db_option,
    add_json_option,
    date_arg,
    interrupt_cancels,
    open_db,
    print_json,
)
from chapterdesk.cli.failures import entry_number, year_number
from chapterdesk.data.engine import Database
from chapterdesk.errors import BadInputError

# Each report's and export's writer is imported by the command that runs it: one
# command does not pay for every other's modules (SQLAlchemy, xlsxwriter, reportlab).

Run = Callable[[Database, Path, argparse.Namespace, TerminalProgress], dict[str, Any]]

#: The Avery sheets `report labels --sheet` offers: `reports.labels.LABEL_SHEETS`'s codes
#: (held equal by a test), named here so that building the parser imports no reportlab.
LABEL_SHEET_CODES = ("5160", "L7160")


def _common(parser: argparse.ArgumentParser, suffixes: str, *, as_of: bool = True) -> None:
    parser.add_argument(
        "-o",
        "--output",
        required=True,
        type=Path,
        metavar="FILE",
        help=f"the file to write ({suffixes})",
    )
    if as_of:
        parser.add_argument(
            "--as-of",
            type=date_arg("as-of date"),
            metavar="DATE",
            help="judge standings and ages on this date (default today)",
        )
    add_db_option(parser)
    add_json_option(parser)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `report` and `export` groups."""
    report = sub.add_parser("report", help="print-ready PDF reports")
    reports = report.add_subparsers(dest="action", required=True, metavar="REPORT")

    dues = reports.add_parser("dues", help="the dues report for a year")
    dues.add_argument("year", type=year_number(), metavar="YEAR")
    _common(dues, ".pdf")
    dues.set_defaults(handler=_handler(_dues, (".pdf",)))

    statements = reports.add_parser("statements", help="a statement per member whose dues are open")
    statements.add_argument("year", type=year_number(), metavar="YEAR")
    _common(statements, ".pdf")
    statements.set_defaults(handler=_handler(_statements, (".pdf",)))

    year_end = reports.add_parser(
        "year-end", help="a dues year's income by month and method, credit, reversals, waivers"
    )
    year_end.add_argument("year", type=year_number(), metavar="YEAR")
    _common(year_end, ".pdf", as_of=False)
    year_end.set_defaults(handler=_handler(_year_end, (".pdf",)))

    roster = reports.add_parser("roster", help="the membership directory with the officers")
    _common(roster, ".pdf")
    roster.set_defaults(handler=_handler(_roster, (".pdf",)))

    compliance = reports.add_parser(
        "compliance", help="members not in good standing, and what to do"
    )
    _common(compliance, ".pdf")
    compliance.set_defaults(handler=_handler(_compliance, (".pdf",)))

    voters = reports.add_parser(
        "voters", help="the voting list: who may vote, the quorum, who is left off and why"
    )
    _common(voters, ".pdf")
    voters.set_defaults(handler=_handler(_voters, (".pdf",)))

    labels = reports.add_parser("labels", help="mailing labels for members in good standing")
    labels.add_argument(
        "--sheet",
        default="5160",
        type=str.upper,
        choices=LABEL_SHEET_CODES,
        help="the Avery label stock (default 5160)",
    )
    labels.add_argument(
        "--all", action="store_true", dest="everyone", help="a label for every member on the roster"
    )
    _common(labels, ".pdf")
    labels.set_defaults(handler=_handler(_labels, (".pdf",)))

    receipt = reports.add_parser("receipt", help="the receipt for one payment")
    receipt.add_argument("receipt_no", type=entry_number("RECEIPT_NO"), metavar="RECEIPT_NO")
    _common(receipt, ".pdf", as_of=False)
    receipt.set_defaults(handler=_handler(_receipt, (".pdf",)))

    export = sub.add_parser("export", help="spreadsheets: the roster, the dues, the report to HQ")
    exports = export.add_subparsers(dest="action", required=True, metavar="EXPORT")
    roster_x = exports.add_parser("roster", help="every chapter member, in HQ's layout")
    _common(roster_x, ".xlsx or .csv")
    roster_x.set_defaults(handler=_handler(_export_roster, (".xlsx", ".csv")))

    dues_x = exports.add_parser("dues", help="each member's dues per year")
    dues_x.add_argument("--year", type=year_number(), metavar="YEAR", help="only this dues year")
    _common(dues_x, ".xlsx or .csv")
    dues_x.set_defaults(handler=_handler(_export_dues, (".xlsx", ".csv")))

    hq = exports.add_parser("hq", help="the chapter's report back to HQ (a workbook)")
    _common(hq, ".xlsx")
    hq.set_defaults(handler=_handler(_export_hq, (".xlsx",)))


def check_target(path: Path, suffixes: tuple[str, ...]) -> Path:
    """Refuse, before any work, a file name with the wrong suffix or in a folder we cannot write.

    Raises:
        BadInputError: the suffix is not one of `suffixes`, or the folder is missing or read-only.
    """
    if path.suffix.lower() not in suffixes:
        wanted = " or ".join(suffixes)
        raise BadInputError(f"Cannot write {path.name}: choose a file name ending in {wanted}.")
    folder = path.expanduser().resolve().parent
    if not folder.is_dir():
        raise BadInputError(
            f"Cannot write {path.name}: the folder {folder} does not exist; "
            "choose an existing folder."
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise BadInputError(
            f"Cannot write {path.name}: ChapterDesk may not write in {folder}; "
            "choose another folder."
        )
    if path.is_dir():
        raise BadInputError(f"Cannot write {path.name}: {path} is a folder. Choose a file name.")
    return path


def _handler(run: Run, suffixes: tuple[str, ...]) -> Callable[[argparse.Namespace], int]:
    """The command: check the target, open the database, run with a progress bar, report."""

    def handle(args: argparse.Namespace) -> int:
        target = check_target(args.output, suffixes)
        progress = TerminalProgress()
        db = open_db(args)
        try:
            with interrupt_cancels(progress):
                result = run(db, target, args, progress)
        finally:
            progress.finish()
            db.dispose()
        result = {"file": str(target), **result}
        if args.json:
            print_json(result)
        else:
            details = ", ".join(_count(v, k) for k, v in result.items() if k != "file")
            print(f"Wrote {target} ({details}).")
        if target.suffix.lower() == ".pdf":
            from chapterdesk.reports.fontchain import font_problems

            for problem in font_problems():  # the file is written, but some names show boxes
                print(f"chapterdesk: warning: {problem}", file=sys.stderr)
        return 0

    return handle


def _count(number: int, key: str) -> str:
    """ "1 page", "12 pages", "1 member not in good standing"."""
    words = key.split("_")
    if number == 1:
        words[0] = words[0].removesuffix("s")
    return f"{number:,} {' '.join(words)}"


def _dues(
    db: Database, target: Path, args: argparse.Namespace, progress: TerminalProgress
) -> dict[str, Any]:
    from chapterdesk.reports.dues import write_dues_report

    pages = write_dues_report(
        db, args.year, target, as_of=args.as_of, progress=progress, cancel=progress.cancelled
    )
    return {"pages": pages}


def _statements(
    db: Database, target: Path, args: argparse.Namespace, progress: TerminalProgress
) -> dict[str, Any]:
    from chapterdesk.reports.statements import write_statements

    count, pages = write_statements(
        db, args.year, target, as_of=args.as_of, progress=progress, cancel=progress.cancelled
    )
    return {"statements": count, "pages": pages}


def _year_end(
    db: Database, target: Path, args: argparse.Namespace, progress: TerminalProgress
) -> dict[str, Any]:
    from chapterdesk.reports.year_end import write_year_end

    found, pages = write_year_end(db, args.year, target)
    return {"months_with_income": len(found.months), "pages": pages}


def _roster(
    db: Database, target: Path, args: argparse.Namespace, progress: TerminalProgress
) -> dict[str, Any]:
    from chapterdesk.reports.roster import write_directory

    count, pages = write_directory(
        db, target, as_of=args.as_of, progress=progress, cancel=progress.cancelled
    )
    return {"members": count, "pages": pages}


def _compliance(
    db: Database, target: Path, args: argparse.Namespace, progress: TerminalProgress
) -> dict[str, Any]:
    from chapterdesk.reports.compliance import write_compliance_report

    count, pages = write_compliance_report(
        db, target, as_of=args.as_of, progress=progress, cancel=progress.cancelled
    )
    return {"members_not_in_good_standing": count, "pages": pages}


def _voters(
    db: Database, target: Path, args: argparse.Namespace, progress: TerminalProgress
) -> dict[str, Any]:
    from chapterdesk.reports.voters import write_voting_list

    count, pages = write_voting_list(
        db, target, as_of=args.as_of, progress=progress, cancel=progress.cancelled
    )
    return {"voters": count, "pages": pages}


def _labels(
    db: Database, target: Path, args: argparse.Namespace, progress: TerminalProgress
) -> dict[str, Any]:
    from chapterdesk.reports.mailing import write_labels

    count, pages = write_labels(
        db, target, sheet=args.sheet, everyone=args.everyone, as_of=args.as_of, progress=progress
    )
    return {"labels": count, "pages": pages}


def _receipt(
    db: Database, target: Path, args: argparse.Namespace, progress: TerminalProgress
) -> dict[str, Any]:
    from chapterdesk.reports.receipt import write_receipt

    return {"pages": write_receipt(db, args.receipt_no, target)}


def _export_roster(
    db: Database, target: Path, args: argparse.Namespace, progress: TerminalProgress
) -> dict[str, Any]:
    from chapterdesk.exports.roster import write_roster_export

    return {
        "rows": write_roster_export(
            db, target, as_of=args.as_of, progress=progress, cancel=progress.cancelled
        )
    }


def _export_dues(
    db: Database, target: Path, args: argparse.Namespace, progress: TerminalProgress
) -> dict[str, Any]:
    from chapterdesk.exports.dues import write_dues_export

    return {
        "rows": write_dues_export(
            db,
            target,
            year=args.year,
            as_of=args.as_of,
            progress=progress,
            cancel=progress.cancelled,
        )
    }


def _export_hq(
    db: Database, target: Path, args: argparse.Namespace, progress: TerminalProgress
) -> dict[str, Any]:
    from chapterdesk.exports.hq import write_hq_export

    return {
        "rows": write_hq_export(
            db, target, as_of=args.as_of, progress=progress, cancel=progress.cancelled
        )
    }
