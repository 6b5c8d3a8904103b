"""`db copy`: move the chapter between a SQLite file and a shared PostgreSQL server."""

from __future__ import annotations

import argparse
from typing import Any

from chapterdesk.cli.common import TerminalProgress, add_json_option, print_json, print_table
from chapterdesk.services.safety.copy import CopyReport, copy_database


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `db` group."""
    group = sub.add_parser("db", help="the chapter database itself")
    actions = group.add_subparsers(dest="action", required=True, metavar="ACTION")

    copy = actions.add_parser(
        "copy",
        help="copy the whole chapter into a new, empty database (file or server), verified",
    )
    copy.add_argument(
        "--from",
        dest="source",
        metavar="PATH_OR_URL",
        help="the chapter to copy (default: $CHAPTERDESK_DB, else the file in your data directory)",
    )
    copy.add_argument(
        "--to",
        dest="target",
        required=True,
        metavar="PATH_OR_URL",
        help="a new SQLite file, or an empty database on a PostgreSQL server, e.g. "
        "postgresql+psycopg://user@host/chapter",
    )
    add_json_option(copy)
    copy.set_defaults(handler=run_copy)


def report_json(report: CopyReport) -> dict[str, Any]:
    """A copy report in the command line's JSON shape."""
    return {
        "source": report.source,
        "target": report.target,
        "seconds": report.seconds,
        "total_rows": report.total_rows,
        "verified": True,
        "tables": [
            {
                "table": t.table,
                "rows": t.rows,
                "checksum": t.checksum,
                "totals": dict(t.totals),
            }
            for t in report.tables
        ],
    }


def run_copy(args: argparse.Namespace) -> int:
    """Copy, verify, and print what was copied."""
    progress = TerminalProgress()
    try:
        report = copy_database(args.source, args.target, progress=progress)
    finally:
        progress.finish()
    if args.json:
        print_json(report_json(report))
        return 0
    print_table(
        ("Table", "Rows", "Totals", "Checksum"),
        (
            (
                t.table,
                f"{t.rows:,}",
                ", ".join(f"{name} {value:,}" for name, value in t.totals),
                t.checksum,
            )
            for t in report.tables
        ),
    )
    print(
        f"Copied {report.total_rows:,} rows in {len(report.tables)} tables from {report.source} "
        f"to {report.target} in {report.seconds:.1f} s; row counts, checksums and totals match."
    )
    return 0
