"""What the two file imports print alike: HQ's roster export (`import`) and payments files.

Both `import FILE` and `payments import FILE` read a file, show its counts and
a section per kind of line (new, changed, … or matched, ambiguous, …) cut to
a few lines with how many more the JSON has, then say whether anything was
written; both keep a history of batches that `list` shows and `undo` takes
back. The shapes are written once here so the two reports read alike; what
each section holds stays with its command (`cli/imports.py`, `cli/payments.py`).
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

from chapterdesk.cli.common import add_db_option, add_json_option, opened_db, print_json
from chapterdesk.cli.failures import entry_number
from chapterdesk.data.engine import Database

Item = TypeVar("Item")
Found = TypeVar("Found")
Handler = Callable[[argparse.Namespace], int]


def add_file_arguments(take: argparse.ArgumentParser, dry_run_help: str) -> None:
    """An import command's `--db`, its FILE and `--dry-run` (what it does is `dry_run_help`)."""
    add_db_option(take)
    take.add_argument("file", type=Path, metavar="FILE")
    take.add_argument("--dry-run", action="store_true", help=dry_run_help)


def add_map_option(take: argparse.ArgumentParser, help_text: str) -> None:
    """`--map FIELD=HEADER` (repeatable): read a field from a column the file names otherwise."""
    take.add_argument("--map", action="append", default=[], metavar="FIELD=HEADER", help=help_text)


def add_history_actions(
    actions: argparse._SubParsersAction[argparse.ArgumentParser],
    *,
    list_help: str,
    undo_help: str,
    run_list: Handler,
    run_undo: Handler,
) -> None:
    """The `list` and `undo BATCH_ID` actions of an import's history."""
    listing = actions.add_parser("list", help=list_help)
    add_db_option(listing)
    add_json_option(listing)
    listing.set_defaults(handler=run_list)
    undo = actions.add_parser("undo", help=undo_help)
    add_db_option(undo)
    undo.add_argument("batch_id", type=entry_number("BATCH_ID"), metavar="BATCH_ID")
    add_json_option(undo)
    undo.set_defaults(handler=run_undo)


def print_counts(counts: Mapping[str, int]) -> None:
    """The counts on one line, in their order: "new: 3  changed: 12  …"."""
    print("  ".join(f"{key}: {counts[key]:,}" for key in counts))


def print_section(
    title: str, items: Sequence[Item], describe: Callable[[Item], str], limit: int
) -> None:
    """A section of the report: its title and count, the first `limit` items, how many more.

    Nothing is printed for no items. Only the items shown are described (a
    500,000-row export is not formatted to be cut).
    """
    if not items:
        return
    print(f"\n{title} ({len(items):,}):")
    for item in items[:limit]:
        print(f"  {describe(item)}")
    if len(items) > limit:
        print(f"  … and {len(items) - limit:,} more (use --json for all)")


def print_dry_run(verb: str) -> None:
    """The end of a dry run's report: nothing was `verb` ("written", "posted")."""
    print(f"\nDry run: nothing was {verb}.")


def minute(when: dt.datetime | None) -> str:
    """A batch's time as the history table shows it ("2026-11-03 14:05"; "" for none)."""
    return f"{when:%Y-%m-%d %H:%M}" if when else ""


def read_and_show(
    args: argparse.Namespace,
    read: Callable[[Database], Found],
    as_json: Callable[[Found], Any],
    show: Callable[[Found], None],
) -> int:
    """Open the database, `read` (a history, an undo), close it, then print as JSON or text."""
    with opened_db(args) as db:
        found = read(db)
    if args.json:
        print_json(as_json(found))
    else:
        show(found)
    return 0
