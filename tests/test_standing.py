"""International standing: the pure rule, and its SQL twin agreeing with it."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chapterdesk.data.engine import Database
from chapterdesk.services.roster.members import standing_counts
from chapterdesk.standing import Standing, StandingFacts, international_standing
from tests.helpers import TODAY, add_hq

dates = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2040, 12, 31))
statuses = st.sampled_from(
    [
        "Active",
        "active",
        "Grace",
        "Lapsed",
        "EXPIRED",
        "Non-Renewed",
        "non_renewed",
        "",
        "Current",
        "Pending",
        "Deceased",
    ]
)


def test_paid_through_today_is_good_and_the_day_after_is_grace() -> None:
    facts = StandingFacts(TODAY, "Active", True)
    assert international_standing(facts, TODAY, 30) is Standing.GOOD
    assert international_standing(facts, TODAY + dt.timedelta(days=1), 30) is Standing.GRACE
    assert international_standing(facts, TODAY + dt.timedelta(days=30), 30) is Standing.GRACE
    assert international_standing(facts, TODAY + dt.timedelta(days=31), 30) is Standing.LAPSED


def test_hq_saying_lapsed_wins_over_a_future_date() -> None:
    facts = StandingFacts(TODAY + dt.timedelta(days=100), "Lapsed", True)
    assert international_standing(facts, TODAY, 90) is Standing.LAPSED


def test_missing_from_latest_export_or_never_seen_is_not_in_hq() -> None:
    assert international_standing(None, TODAY, 90) is Standing.NOT_IN_HQ
    gone = StandingFacts(TODAY + dt.timedelta(days=100), "Active", False)
    assert international_standing(gone, TODAY, 90) is Standing.NOT_IN_HQ


@given(paid=dates, as_of=dates, grace=st.integers(0, 400), status=statuses)
def test_standing_never_improves_as_time_passes(
    paid: dt.date, as_of: dt.date, grace: int, status: str
) -> None:
    """Later dates can only move a member from good to grace to lapsed, never back."""
    order = [Standing.GOOD, Standing.GRACE, Standing.LAPSED]
    facts = StandingFacts(paid, status, True)
    now = international_standing(facts, as_of, grace)
    later = international_standing(facts, as_of + dt.timedelta(days=1), grace)
    assert order.index(later) >= order.index(now)


@given(paid=dates, as_of=dates, grace=st.integers(0, 400))
def test_active_member_standing_follows_the_dates(
    paid: dt.date, as_of: dt.date, grace: int
) -> None:
    standing = international_standing(StandingFacts(paid, "Active", True), as_of, grace)
    if as_of <= paid:
        assert standing is Standing.GOOD
    elif (as_of - paid).days <= grace:
        assert standing is Standing.GRACE
    else:
        assert standing is Standing.LAPSED


# The tables are emptied at the start of each example, so sharing the database is safe.
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(st.tuples(st.none() | dates, statuses, st.booleans()), min_size=1, max_size=12),
    as_of=dates,
)
def test_sql_standing_agrees_with_python(
    db: Database, rows: list[tuple[dt.date | None, str, bool]], as_of: dt.date
) -> None:
    """Counting standings in SQL gives what deriving each one in Python gives."""
    from sqlalchemy import delete

    from chapterdesk.data.models import ChapterMembership, HqMember

    with db.session() as session:
        session.execute(delete(ChapterMembership))
        session.execute(delete(HqMember))
    expected = {s: 0 for s in Standing}
    for number, (paid, status, in_latest) in enumerate(rows, start=1):
        hq_id = str(1000 + number)
        add_hq(db, hq_id, paid_through=paid, status=status, in_latest=in_latest)
        with db.session() as session:
            session.add(
                ChapterMembership(
                    hq_id=hq_id, chapter_joined_on=dt.date(2020, 1, 1), leave_reason="", notes=""
                )
            )
        expected[international_standing(StandingFacts(paid, status, in_latest), as_of, 90)] += 1
    assert standing_counts(db, as_of) == expected
