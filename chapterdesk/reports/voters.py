"""The voting list: the numbered list of the members who may vote, the quorum, who is left off.

An officer takes it to the meeting: the count of eligible voters and the
quorum come first (with the rule the quorum follows), then every voter by
last name, numbered, with the HQ ID, category and standing an officer checks
at the door; then every chapter member left off, with the policy's reason,
so nobody is turned away without one. The list is `services.roster.voters`'s, so
it matches `chapterdesk members voters` name for name. Names are never cut:
a name too long for its column wraps.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from reportlab.platypus import Paragraph

from chapterdesk.data.engine import Database
from chapterdesk.reports.dues import _page_size
from chapterdesk.reports.fontchain import text_width
from chapterdesk.reports.pdfdoc import ReportDocument
from chapterdesk.reports.progress import CancelFn, ProgressFn, Watch
from chapterdesk.reports.styles import BODY_FONT, escape_markup, long_date
from chapterdesk.reports.tablelook import FONT_SIZE, PAD_X
from chapterdesk.reports.tables import Cell, Wrapped
from chapterdesk.services.chapter import HqDataAge, chapter_info, hq_data_status
from chapterdesk.services.roster.voters import VotingList, voting_list

__all__ = ["write_voting_list"]

VOTER_HEADER = ["No.", "Name", "HQ ID", "Category", "Standing"]
VOTER_WIDTHS = [0.07, 0.45, 0.13, 0.18, 0.17]
EXCLUDED_HEADER = ["Name", "HQ ID", "Category", "Standing", "Why not on the list"]
EXCLUDED_WIDTHS = [0.22, 0.1, 0.13, 0.16, 0.39]


def _sentence(text: str) -> str:
    """The policy's reason as a sentence: capital first letter, full stop."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith(".") else text + "."


class _Wrapping:
    """Plain strings where they fit their column, `Wrapped` (broken into lines) where not."""

    def __init__(self, document: ReportDocument, fractions: list[float]) -> None:
        self.room = [f * document.frame_width - 2 * PAD_X - 1 for f in fractions]

    def cell(self, text: str, column: int) -> Cell:
        """`text` for `column`, never cut short."""
        if text_width(text, BODY_FONT, FONT_SIZE) <= self.room[column]:
            return text
        return Wrapped(text)


def _summary(document: ReportDocument, found: VotingList, age: HqDataAge) -> None:
    """The count, the quorum and its rule, what a voter is, and how current HQ's data is."""
    noun = "member is" if found.count == 1 else "members are"
    document.story.append(
        Paragraph(
            f"<b>{found.count:,}</b> chapter {noun} eligible to vote on "
            f"{long_date(found.as_of)}. <b>Quorum: {found.quorum:,}</b> "
            f"({escape_markup(found.quorum_rule)}).",
            document.styles.body,
        )
    )
    others = len(found.excluded)
    document.add_paragraph(
        "A voter is a chapter member on that day in good standing with the international "
        "association (or inside its grace window), in a category that may vote, and not past "
        "the 180-day allowance after the last day worked. "
        + (
            f"{others:,} other chapter {'member is' if others == 1 else 'members are'} left "
            "off; the last section says why."
            if others
            else "Every chapter member may vote."
        ),
        small=True,
    )
    if age.as_of is None:
        document.add_paragraph(
            "No HQ data has been imported yet: import HQ's export before relying on this list.",
            small=True,
        )
    else:
        advice = " Import a newer HQ export before relying on this list." if age.stale else ""
        document.add_paragraph(age.describe() + "." + advice, small=True)


def write_voting_list(
    db: Database,
    target: Path,
    *,
    as_of: dt.date | None = None,
    printed_on: dt.date | None = None,
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
) -> tuple[int, int]:
    """Write the voting list to `target` (atomically); returns (eligible voters, pages).

    Raises:
        BadInputError: the file cannot be written.
        ReportCancelled: `cancel()` returned True; no file was written.
    """
    watch = Watch(progress, cancel)
    watch.step("reading", 0, None)
    day = as_of or dt.date.today()
    found = voting_list(db, day)
    age = hq_data_status(db, day)
    document = ReportDocument(
        target,
        chapter_name=found.chapter,
        title="Voting list",
        as_of=day,
        page_size=_page_size(chapter_info(db).page_size),
        printed_on=printed_on,
    )
    _summary(document, found, age)
    document.add_heading(f"Eligible voters ({found.count:,})")
    if found.voters:
        voters = _Wrapping(document, VOTER_WIDTHS)
        document.add_table(
            VOTER_HEADER,
            (
                [
                    f"{number:,}",
                    voters.cell(v.sort_name, 1),
                    voters.cell(v.hq_id, 2),
                    voters.cell(v.category, 3),
                    v.standing.label,
                ]
                for number, v in enumerate(
                    watch.over(found.voters, "voters", found.count), start=1
                )
            ),
            VOTER_WIDTHS,
            numeric_cols=(0,),
        )
    else:
        document.add_paragraph(f"No chapter member may vote on {long_date(day)}.")
    document.add_heading(f"Chapter members left off the list ({len(found.excluded):,})")
    if found.excluded:
        left = _Wrapping(document, EXCLUDED_WIDTHS)
        document.add_table(
            EXCLUDED_HEADER,
            (
                [
                    left.cell(e.sort_name, 0),
                    left.cell(e.hq_id, 1),
                    left.cell(e.category or "(none)", 2),
                    left.cell(e.standing.label, 3),
                    left.cell(_sentence(e.reason), 4),
                ]
                for e in watch.over(found.excluded, "left off", len(found.excluded))
            ),
            EXCLUDED_WIDTHS,
        )
    else:
        document.add_paragraph("None: every chapter member may vote.")
    return found.count, document.build()

