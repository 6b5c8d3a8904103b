"""A sitting officer who lapses is flagged on the dashboard, in the compliance report and to HQ."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from chapterdesk.data.engine import Database
from chapterdesk.data.migrate import open_database
from chapterdesk.exports.hq import write_hq_export
from chapterdesk.reports.compliance import write_compliance_report
from chapterdesk.services.dashboard import dashboard_figures
from chapterdesk.services.roster import officers as officers
from tests.lapsed_officer import (
    PRESIDENT,
    REASON,
    TODAY,
    TREASURER,
    appoint_officers,
    lapse_president,
)
from tests.reports_content.pdftext import pages_text


@pytest.fixture
def chapter(db_path: Path) -> Iterator[Database]:
    """A SQLite chapter with an eligible President and Treasurer (for the files written)."""
    database = open_database(db_path)
    appoint_officers(database)
    yield database
    database.dispose()


def test_dashboard_figures_name_the_officer_who_lapsed(db: Database, tmp_path: Path) -> None:
    appoint_officers(db)
    assert dashboard_figures(db).ineligible_officers == ()
    lapse_president(db, tmp_path)
    figures = dashboard_figures(db)
    (flagged,) = figures.ineligible_officers
    assert (flagged.hq_id, flagged.position, flagged.ineligible) == (PRESIDENT, "President", REASON)
    assert [t.hq_id for t in figures.officers] == [PRESIDENT, TREASURER], "still in office"
    assert [t.hq_id for t in officers.ineligible_officers(db)] == [PRESIDENT]


def _flat(path: Path) -> str:
    return " ".join(" ".join(pages_text(path)).split())


def test_compliance_report_opens_with_the_officers_no_longer_eligible(
    chapter: Database, tmp_path: Path
) -> None:
    before = tmp_path / "before.pdf"
    write_compliance_report(chapter, before, as_of=TODAY, printed_on=TODAY)  # the data's day
    text = _flat(before)
    assert f"None: every officer in office on {TODAY.day} " in text
    assert "may hold office" in text

    lapse_president(chapter, tmp_path)
    after = tmp_path / "after.pdf"
    write_compliance_report(chapter, after, as_of=TODAY, printed_on=TODAY)
    text = _flat(after)
    first = text.index("Officers no longer eligible")
    assert first < text.index("Chapter members not in good standing"), "the first section"
    section = text[first : text.index("Chapter members not in good standing")]
    assert "President" in section and "Ana Presidente" in section and PRESIDENT in section
    assert REASON in section
    assert "Ask them to renew with HQ" in section and "end the term" in section
    assert "Tesorero" not in section, "the Treasurer is still eligible"


def _officer_rows(path: Path) -> dict[str, dict[str, object]]:
    """The Officers tab's rows by position, each as heading → cell."""
    book = openpyxl.load_workbook(path)
    header, *rows = book["Officers"].iter_rows(values_only=True)
    book.close()
    return {str(r[2]): dict(zip(header, r, strict=True)) for r in rows}


def test_report_to_hq_marks_the_officer_who_lapsed(chapter: Database, tmp_path: Path) -> None:
    officers.set_officer(chapter, TREASURER, "Director", starts_on=TODAY + dt.timedelta(days=30))
    lapse_president(chapter, tmp_path)
    target = tmp_path / "to-hq.xlsx"
    write_hq_export(chapter, target)
    rows = _officer_rows(target)
    assert rows["President"]["Member ID"] == PRESIDENT
    assert {position: row["Officer Eligible"] for position, row in rows.items()} == {
        "President": f"no: {REASON}",
        "Treasurer": "yes",
        "Director": "term not started",
    }
