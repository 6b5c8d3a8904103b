"""The membership directory: the officers, then every member in good standing by letter.

The directory is a chapter privilege, suspended for members whose
international membership has lapsed or who are missing from HQ's data
(DESIGN.md rule 1): it lists the members whose privileges are not suspended,
that is those in good standing or inside the grace window, in an eligible
category. Names are grouped under the letter of the last name with accents
folded (Żółć under Z, Ødegård under O), as a reader looks them up.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator
from itertools import groupby
from pathlib import Path

from reportlab.platypus import Paragraph

from chapterdesk.data.engine import Database
from chapterdesk.names import folded, sort_name
from chapterdesk.reports.pdfdoc import ReportDocument, page_size_of
from chapterdesk.reports.progress import CancelFn, ProgressFn, Watch
from chapterdesk.services.roster.listing import RosterLine, officer_lines, roster_lines
from chapterdesk.services.roster.reader import chapter_info

__all__ = ["directory_entries", "folded", "index_letter", "write_directory"]

DIRECTORY_HEADER = ["Name", "Organisation", "Email", "Phone"]
DIRECTORY_WIDTHS = [0.25, 0.23, 0.35, 0.17]  # an international phone number fits ("+972 7970 7415")
OFFICER_HEADER = ["Position", "Name", "Term", "Email", "Phone"]
OFFICER_WIDTHS = [0.16, 0.2, 0.14, 0.35, 0.15]


@functools.lru_cache(maxsize=100_000)  # last names repeat; folding each is the costly part
def index_letter(last_name: str) -> str:
    """The letter a last name is listed under ("#" when it does not start with a letter)."""
    key = folded(last_name).lstrip(" '’-\"")
    return key[0].upper() if key and key[0].isascii() and key[0].isalpha() else "#"


def directory_entries(db: Database, as_of: dt.date | None = None) -> list[RosterLine]:
    """The members the directory lists (those whose privileges are not suspended), in order."""
    lines = [
        line
        for line in roster_lines(db, as_of=as_of)
        if line.privileges is not None and not line.privileges.suspended
    ]
    keys: dict[str, str] = {}  # sort names repeat: fold each once

    def order(line: RosterLine) -> tuple[str, str, str]:
        key = keys.get(line.sort_name)
        if key is None:
            key = keys[line.sort_name] = folded(line.sort_name)
        return (index_letter(line.last_name), key, line.hq_id)

    lines.sort(key=order)
    return lines


def _rows(lines: list[RosterLine], counter: list[int], watch: Watch) -> Iterator[list[str]]:
    """One letter's rows, laid out lazily; reports progress over the whole directory."""
    for line in lines:
        counter[0] += 1
        if counter[0] % 200 == 0:
            watch.step("members", counter[0], counter[1])
        name = sort_name(line.first_name, line.middle_name, line.last_name, line.suffix)
        yield [name, line.company, line.email, line.phone]


def write_directory(
    db: Database,
    target: Path,
    *,
    as_of: dt.date | None = None,
    printed_on: dt.date | None = None,
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
) -> tuple[int, int]:
    """Write the directory to `target` (atomically); returns (members listed, pages).

    Raises:
        BadInputError: the file cannot be written.
        ReportCancelled: `cancel()` returned True; no file was written.
    """
    watch = Watch(progress, cancel)
    watch.step("reading", 0, None)
    day = as_of or dt.date.today()
    info = chapter_info(db)
    entries = directory_entries(db, day)
    contacts = {e.hq_id: e for e in entries}
    officers = officer_lines(db, as_of=day)
    document = ReportDocument(
        target,
        chapter_name=info.name,
        title="Membership directory",
        as_of=day,
        page_size=page_size_of(info.page_size),
        printed_on=printed_on,
    )
    cell = document.styles.table_cell
    document.add_heading("Officers")
    if officers:
        document.add_table(
            OFFICER_HEADER,
            [
                [
                    term.position,
                    term.name,
                    Paragraph(
                        f"{term.starts_on.isoformat()} to "
                        + (term.ends_on.isoformat() if term.ends_on else "open"),
                        cell,
                    ),
                    # a plain cell: wraps after the "@" or a ".", never inside a word
                    contacts[term.hq_id].email if term.hq_id in contacts else "",
                    contacts[term.hq_id].phone if term.hq_id in contacts else "",
                ]
                for term in officers
            ],
            OFFICER_WIDTHS,
        )
    else:
        document.add_paragraph("No officer terms are in force.")
    document.add_paragraph(
        f"{len(entries):,} members are listed: those in good standing with the international "
        "association or inside its grace window. Members whose privileges are suspended are "
        "not listed.",
        small=True,
    )
    document.page_break()
    counter = [0, len(entries)]
    for letter, group in groupby(entries, key=lambda e: index_letter(e.last_name)):
        document.add_heading(letter)
        document.add_table(DIRECTORY_HEADER, _rows(list(group), counter, watch), DIRECTORY_WIDTHS)
    pages = document.build()
    watch.step("members", len(entries), len(entries))
    return len(entries), pages
