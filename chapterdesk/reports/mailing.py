"""Mailing labels for the roster on Avery 5160 or L7160 stock.

By default the labels are for the members in good standing (privileges not
suspended), the people a chapter mailing is for; `everyone` gives a label to
every member on the roster. The chapter's home country (the one most of its
members live in) is left off, as domestic post needs no country line.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter
from pathlib import Path

from chapterdesk.collector import collector_paused
from chapterdesk.data.engine import Database
from chapterdesk.errors import BadInputError
from chapterdesk.names import folded, shorter_address_names, sort_name
from chapterdesk.policy import category_refusal
from chapterdesk.reports.addresses import address_lines
from chapterdesk.reports.labels import LABEL_SHEETS, NameLine, draw_labels
from chapterdesk.reports.progress import CancelFn, ProgressFn, Watch
from chapterdesk.services.roster.export import ExportMember, members_in
from chapterdesk.services.roster.reader import reading

__all__ = ["label_addresses", "write_labels"]


def label_addresses(
    db: Database, *, everyone: bool = False, as_of: dt.date | None = None
) -> list[list[str]]:
    """The address of each member to label, in roster order, home country left off."""
    with reading(db, as_of) as reader:
        members = members_in(reader)
        index = reader.chapter.index
    if not everyone:  # privileges not suspended: standing current, category eligible
        members = [
            m
            for m in members
            if m.standing.is_current
            and category_refusal(m.member_type, index.resolve(m.member_type)) is None
        ]
    members.sort(
        key=lambda m: (folded(sort_name(m.first_name, m.middle_name, m.last_name)), m.hq_id)
    )
    countries = Counter(m.country for m in members if m.country)
    home = countries.most_common(1)[0][0] if countries else ""
    labels = []
    for m in members:
        name = m.address_name  # worked out once: the lines are compared with it
        labels.append(
            [
                _name_line(m, name) if number == 0 and line == name else line
                for number, line in enumerate(address_lines(m, name))
                if not (home and line == m.country == home)
            ]
        )
    return labels


def _name_line(record: ExportMember, name: str) -> NameLine:
    """The label's first line: the name, with its shorter forms for a narrow label."""
    return NameLine(
        name,
        functools.partial(
            shorter_address_names,
            record.prefix,
            record.first_name,
            record.middle_name,
            record.last_name,
            record.suffix,
        ),
    )


@collector_paused()  # many objects built and freed: see chapterdesk/collector.py
def write_labels(
    db: Database,
    target: Path,
    *,
    sheet: str = "5160",
    everyone: bool = False,
    as_of: dt.date | None = None,
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
) -> tuple[int, int]:
    """Write mailing labels to `target` (atomically); returns (labels, pages).

    Raises:
        BadInputError: an unknown sheet, or the file cannot be written.
        ReportCancelled: `cancel()` returned True; no file was written.
    """
    stock = LABEL_SHEETS.get(sheet.upper())
    if stock is None:
        raise BadInputError(
            f"There is no label sheet {sheet!r}; choose {' or '.join(LABEL_SHEETS)}."
        )
    watch = Watch(progress, cancel)
    watch.step("reading", 0, None)
    addresses = label_addresses(db, everyone=everyone, as_of=as_of)
    pages = draw_labels(target, watch.over(addresses, "labels", len(addresses)), stock)
    return len(addresses), pages
