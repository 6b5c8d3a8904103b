"""The Qt-free reads behind the dues figures in the window: balance filter, year summary."""

from __future__ import annotations

from decimal import Decimal

from chapterdesk.data.engine import Database
from chapterdesk.services import dues
from chapterdesk.services.dues.summary import dues_year_summary, lines_with_status
from chapterdesk.services.roster import query as roster_query
from chapterdesk.services.roster.query import RosterFilter


def _owing_in_roster(db: Database, owing: bool) -> set[str]:
    ids = roster_query.ordered_ids(db, RosterFilter(owing=owing))
    return {row.hq_id for row in roster_query.rows_for(db, ids)}


def test_balance_owed_filter_agrees_with_the_ledger(demo_db: Database) -> None:
    current = {r.hq_id for r in roster_query.rows_for(
        demo_db, roster_query.ordered_ids(demo_db, RosterFilter()))}
    owing = {m.hq_id for m in dues.balances(demo_db).members if m.outstanding > 0} & current
    assert owing and _owing_in_roster(demo_db, True) == owing
    assert _owing_in_roster(demo_db, False) == current - owing
    assert roster_query.count(demo_db, RosterFilter(owing=True)) == len(owing)
    # Paying what one member owes takes them out of the filter; reversing it puts them back.
    hq_id = sorted(owing)[0]
    receipt = dues.record_payment(demo_db, hq_id, dues.member_balance(demo_db, hq_id).outstanding,
                                  "visa", "auth 1")
    assert hq_id not in _owing_in_roster(demo_db, True)
    dues.reverse_entry(demo_db, receipt.entry_id, "card declined")
    assert hq_id in _owing_in_roster(demo_db, True)
    # Search and balance filter combine.
    found = roster_query.ordered_ids(demo_db, RosterFilter(search=hq_id, owing=True))
    assert len(found) == 1


def test_year_summary_is_the_sum_of_the_years_dues(demo_db: Database) -> None:
    year = dues.dues_year(demo_db).year
    summary = dues_year_summary(demo_db, year)
    lines = dues.dues_lines(demo_db, year=year)
    assert summary.assessed == sum((d.charged for d in lines), Decimal("0.00")) > 0
    assert summary.collected == sum((d.paid for d in lines), Decimal("0.00")) > 0
    assert summary.assessed == summary.collected + summary.waived + summary.outstanding
    unpaid = dues.who_has_not_paid(demo_db, year)
    assert summary.outstanding == sum((d.open for d in unpaid), Decimal("0.00"))
    assert summary.members_unpaid == len(unpaid) == len(lines_with_status(lines, "unpaid"))
    assert summary.members_charged == len(lines)
    assert summary.currency == "USD"
    assert dues_year_summary(demo_db).year == year  # default: the dues year of today
    empty = dues_year_summary(demo_db, year + 5)
    assert (empty.assessed, empty.members_charged) == (Decimal("0.00"), 0)
