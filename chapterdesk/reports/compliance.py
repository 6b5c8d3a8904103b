"""The compliance report: who on the roster is not in good standing, and what to do.

By the bylaws every chapter member must be an international member in good
standing, and every officer a voting member in good standing. This report
first lists the sitting officers who are no longer eligible (with why and
what to do), then each member who is not in good standing (grace, lapsed,
missing from HQ's data, or in a category that is not eligible) with their
paid-through date, how many days ago it passed and the next step, and then
the HQ members affiliated with the chapter who are not on its roster. It says
how old the HQ data is, because every standing is only as current as that.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from chapterdesk.data.engine import Database
from chapterdesk.reports.dues import _page_size
from chapterdesk.reports.pdfdoc import ReportDocument
from chapterdesk.reports.progress import CancelFn, ProgressFn, Watch
from chapterdesk.reports.styles import long_date
from chapterdesk.reports.tables import Wrapped
from chapterdesk.services.chapter import chapter_info, hq_data_status
from chapterdesk.services.hq.reconcile import reconcile
from chapterdesk.services.roster.members import TermView, standing_counts
from chapterdesk.services.roster.officers import ineligible_officers
from chapterdesk.standing import Standing

__all__ = ["write_compliance_report"]

PROBLEM_HEADER = ["Name", "HQ ID", "Standing", "Paid through", "Days lapsed", "Next step"]
PROBLEM_WIDTHS = [0.19, 0.085, 0.15, 0.12, 0.085, 0.37]
UNLISTED_HEADER = ["Name", "HQ ID", "Standing", "Paid through", "Email"]
UNLISTED_WIDTHS = [0.24, 0.085, 0.15, 0.12, 0.405]
OFFICER_HEADER = ["Position", "Name", "HQ ID", "In office since", "Why not eligible", "What to do"]
OFFICER_WIDTHS = [0.13, 0.17, 0.085, 0.115, 0.22, 0.28]


def officer_next_step(standing: Standing) -> str:
    """What the chapter does about a sitting officer who is no longer eligible.

    Args:
        standing: the officer's international standing; one that is not current
            (lapsed, missing from HQ's data) can be put right by renewing.
    """
    if not standing.is_current:
        return (
            "Ask them to renew with HQ, then import HQ's newer export; or end the term on "
            "the Officers page (chapterdesk officers end)."
        )
    return "End the term on the Officers page (chapterdesk officers end)."


def write_compliance_report(
    db: Database,
    target: Path,
    *,
    as_of: dt.date | None = None,
    printed_on: dt.date | None = None,
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
) -> tuple[int, int]:
    """Write the compliance report to `target` (atomically); returns (problems, pages).

    Raises:
        BadInputError: the file cannot be written.
        ReportCancelled: `cancel()` returned True; no file was written.
    """
    watch = Watch(progress, cancel)
    watch.step("reading", 0, None)
    day = as_of or dt.date.today()
    info = chapter_info(db)
    found = reconcile(db, day)
    flagged = ineligible_officers(db, day)
    age = hq_data_status(db, day)
    members = sum(standing_counts(db, day).values())
    document = ReportDocument(
        target,
        chapter_name=info.name,
        title="Compliance: members not in good standing",
        as_of=day,
        page_size=_page_size(info.page_size),
        printed_on=printed_on,
    )
    document.add_paragraph(
        "By the bylaws every chapter member must also be an international member in good "
        f"standing. {len(found.problems):,} of the chapter's {members:,} members are not."
    )
    if age.as_of is None:
        document.add_paragraph(
            "No HQ data has been imported yet: import HQ's export before acting on this report."
        )
    else:
        advice = " Import a newer HQ export before acting on this report." if age.stale else ""
        document.add_paragraph(age.describe() + "." + advice)
    standings = {p.entry.hq_id: p.entry.standing for p in found.problems}
    _officers_section(document, flagged, standings, day)
    document.add_heading("Chapter members not in good standing")
    if found.problems:
        document.add_table(
            PROBLEM_HEADER,
            (
                [
                    Wrapped(p.entry.hq.sort_name),
                    p.entry.hq_id,
                    p.entry.standing.label,
                    p.entry.hq.paid_through.isoformat() if p.entry.hq.paid_through else "",
                    f"{p.days_lapsed:,}" if p.days_lapsed is not None else "",
                    Wrapped(p.next_step),
                ]
                for p in watch.over(found.problems, "members", len(found.problems))
            ),
            PROBLEM_WIDTHS,
            numeric_cols=(4,),
        )
    else:
        document.add_paragraph(f"Every chapter member is in good standing on {long_date(day)}.")
    document.add_heading("Affiliated with the chapter at HQ, not on the roster")
    if found.unlisted:
        document.add_paragraph(
            "HQ lists these members as belonging to this chapter. Add those in good standing "
            "to the roster, or tell HQ they are not chapter members.",
            small=True,
        )
        document.add_table(
            UNLISTED_HEADER,
            (
                [
                    Wrapped(u.hq.sort_name),
                    u.hq.hq_id,
                    u.standing.label,
                    u.hq.paid_through.isoformat() if u.hq.paid_through else "",
                    u.hq.email,
                ]
                for u in found.unlisted
            ),
            UNLISTED_WIDTHS,
        )
    else:
        document.add_paragraph(
            "None: every HQ member affiliated with the chapter is on the roster."
        )
    return len(found.problems), document.build()


def _officers_section(
    document: ReportDocument,
    flagged: list[TermView],
    standings: dict[str, Standing],
    day: dt.date,
) -> None:
    """The first section: sitting officers no longer eligible, why, and what to do."""
    document.add_heading("Officers no longer eligible")
    if not flagged:
        document.add_paragraph(
            f"None: every officer in office on {long_date(day)} may hold office."
        )
        return
    document.add_paragraph(
        "By the bylaws an officer must be a voting member in good standing. These officers "
        "are in office but no longer eligible.",
        small=True,
    )
    document.add_table(
        OFFICER_HEADER,
        (
            [
                Wrapped(t.position),
                Wrapped(t.name),
                t.hq_id,
                t.starts_on.isoformat(),
                Wrapped(t.ineligible or ""),
                Wrapped(officer_next_step(standings.get(t.hq_id, Standing.GOOD))),
            ]
            for t in flagged
        ),
        OFFICER_WIDTHS,
    )
