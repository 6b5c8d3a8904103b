"""The international-membership bylaw and the roster's life events."""

from __future__ import annotations

import datetime as dt

import pytest

from chapterdesk.data.engine import Database
from chapterdesk.errors import BadInputError, NotFoundError, RuleRefusedError
from chapterdesk.services.roster import members as roster
from chapterdesk.standing import Standing
from tests.helpers import TODAY, add_hq


def test_member_in_good_standing_is_added(db: Database) -> None:
    add_hq(db, "104233", first="Łukasz", last="Żółć")
    entry = roster.add_member(db, "104233", chapter_joined_on=TODAY, as_of=TODAY)
    assert entry.standing is Standing.GOOD
    assert entry.privileges.may_vote and entry.privileges.may_hold_office
    assert [e.hq.display_name for e in roster.list_members(db, as_of=TODAY)] == ["Łukasz Żółć"]


def test_member_in_grace_may_be_added(db: Database) -> None:
    add_hq(db, "200", paid_through=TODAY - dt.timedelta(days=10), status="Grace")
    assert roster.add_member(db, "200", as_of=TODAY).standing is Standing.GRACE


def test_lapsed_member_is_refused_with_the_id_and_what_hq_says(db: Database) -> None:
    add_hq(db, "300", paid_through=dt.date(2025, 3, 31), status="Lapsed")
    with pytest.raises(RuleRefusedError) as refused:
        roster.add_member(db, "300", as_of=TODAY)
    message = refused.value.message
    assert "300" in message and "lapsed" in message and "2025-03-31" in message
    assert roster.list_members(db, as_of=TODAY) == []


def test_unknown_id_and_missing_from_export_are_refused(db: Database) -> None:
    with pytest.raises(RuleRefusedError, match="does not appear in any HQ data"):
        roster.add_member(db, "999999", as_of=TODAY)
    add_hq(db, "400", in_latest=False)
    with pytest.raises(RuleRefusedError, match="missing from the latest HQ export"):
        roster.add_member(db, "400", as_of=TODAY)


def test_business_partners_are_not_eligible(db: Database) -> None:
    add_hq(db, "500", member_type="Business Partner")
    with pytest.raises(RuleRefusedError, match="not eligible for membership"):
        roster.add_member(db, "500", as_of=TODAY)


def test_ids_typed_with_zeros_or_as_numbers_mean_the_same_member(db: Database) -> None:
    add_hq(db, "123456")
    assert roster.add_member(db, "00123456.0", as_of=TODAY).hq_id == "123456"
    with pytest.raises(RuleRefusedError, match="already a chapter member"):
        roster.add_member(db, "123456", as_of=TODAY)
    with pytest.raises(BadInputError, match="not an HQ member ID"):
        roster.add_member(db, "12a45", as_of=TODAY)


def test_leaving_and_rejoining_keeps_history_with_a_new_join_date(db: Database) -> None:
    add_hq(db, "600")
    roster.add_member(db, "600", chapter_joined_on=dt.date(2019, 5, 1), as_of=TODAY)
    roster.leave_chapter(db, "600", left_on=dt.date(2022, 1, 31), reason="Moved away")
    assert roster.list_members(db, as_of=TODAY) == []
    with pytest.raises(BadInputError, match="rejoin needs a later date"):
        roster.add_member(db, "600", chapter_joined_on=dt.date(2021, 1, 1), as_of=TODAY)
    roster.add_member(db, "600", chapter_joined_on=dt.date(2024, 9, 1), as_of=TODAY)
    detail = roster.member_detail(db, "600", as_of=TODAY)
    assert [(m.chapter_joined_on, m.left_on) for m in detail.history] == [
        (dt.date(2019, 5, 1), dt.date(2022, 1, 31)),
        (dt.date(2024, 9, 1), None),
    ]
    assert detail.history[0].leave_reason == "Moved away"
    with pytest.raises(NotFoundError):
        roster.leave_chapter(db, "999")


def test_a_member_who_lapses_later_is_suspended_not_deleted(db: Database) -> None:
    add_hq(db, "700", paid_through=TODAY)
    roster.add_member(db, "700", as_of=TODAY)
    later = TODAY + dt.timedelta(days=200)
    (entry,) = roster.list_members(db, as_of=later)
    assert entry.standing is Standing.LAPSED
    assert entry.privileges.suspended and not entry.privileges.may_vote
    assert roster.list_members(db, standing=Standing.LAPSED, as_of=later) == [entry]
    assert roster.list_members(db, standing=Standing.GOOD, as_of=later) == []


def test_job_loss_keeps_regular_rights_for_180_days(db: Database) -> None:
    add_hq(db, "800", paid_through=dt.date(2030, 12, 31))
    roster.add_member(db, "800", as_of=TODAY)
    roster.record_employment_end(db, "800", dt.date(2026, 6, 1))
    (inside,) = roster.list_members(db, as_of=dt.date(2026, 11, 28))
    assert inside.privileges.may_vote
    (after,) = roster.list_members(db, as_of=dt.date(2026, 11, 29))
    assert not after.privileges.may_vote and not after.privileges.may_hold_office
    assert "180-day allowance" in after.privileges.reasons[0]


def test_retiree_moved_to_associate_keeps_membership_but_loses_the_vote(db: Database) -> None:
    add_hq(db, "900", member_type="Associate")
    (entry,) = [roster.add_member(db, "900", as_of=TODAY)]
    assert not entry.privileges.suspended
    assert not entry.privileges.may_vote and not entry.privileges.may_hold_office


def test_search_and_category_filters(db: Database) -> None:
    add_hq(db, "1001", first="Søren", last="Ødegård", company="Fjord Legal")
    add_hq(db, "1002", first="Zoë", last="O'Brien", member_type="Academic")
    for hq_id in ("1001", "1002"):
        roster.add_member(db, hq_id, as_of=TODAY)
    assert [e.hq_id for e in roster.list_members(db, search="fjord", as_of=TODAY)] == ["1001"]
    assert [e.hq_id for e in roster.list_members(db, search="o'brien", as_of=TODAY)] == ["1002"]
    assert [e.hq_id for e in roster.list_members(db, category="academic", as_of=TODAY)] == ["1002"]
    with pytest.raises(BadInputError, match="No category is called 'Gold'"):
        roster.list_members(db, category="Gold", as_of=TODAY)
