"""The Qt-free services the pages stand on: roster paging, dashboard figures, settings, undo."""

from __future__ import annotations

import datetime as dt

import pytest

from chapterdesk.data.engine import Database
from chapterdesk.errors import BadInputError, NotFoundError, RuleRefusedError
from chapterdesk.services import chapter
from chapterdesk.services.dashboard import dashboard_figures, latest_import
from chapterdesk.services.hq.reconcile import reconcile
from chapterdesk.services.roster import members as roster
from chapterdesk.services.roster import officers as officers
from chapterdesk.services.roster import query as roster_query
from chapterdesk.services.roster.query import RosterFilter
from chapterdesk.standing import Standing
from tests.helpers import add_batch, add_hq


def test_roster_pages_agree_with_the_roster_service(demo_db: Database) -> None:
    members = roster.list_members(demo_db)
    ids = roster_query.ordered_ids(demo_db, RosterFilter())
    assert len(ids) == roster_query.count(demo_db, RosterFilter()) == len(members) == 120
    rows = roster_query.rows_for(demo_db, ids)
    names = [(r.name.split(",")[0].casefold()) for r in rows]
    assert names == sorted(names)
    by_id = {m.hq_id: m for m in members}
    for row in rows:
        assert row.standing is by_id[row.hq_id].standing
    assert roster_query.page(demo_db, RosterFilter(), offset=30, limit=25) == rows[30:55]
    backwards = roster_query.ordered_ids(demo_db, RosterFilter(), "name", descending=True)
    assert backwards == ids[::-1]


@pytest.mark.parametrize("standing", list(Standing))
def test_standing_filter_counts_in_sql(demo_db: Database, standing: Standing) -> None:
    wanted = RosterFilter(standings=frozenset({standing}))
    expected = {m.hq_id for m in roster.list_members(demo_db, standing=standing)}
    rows = roster_query.rows_for(demo_db, roster_query.ordered_ids(demo_db, wanted, "standing"))
    assert {r.hq_id for r in rows} == expected


def test_search_category_and_officer_filters(demo_db: Database) -> None:
    target = roster.list_members(demo_db)[7]
    for text in (target.hq_id, target.hq.last_name.upper(), target.hq.email[:8]):
        found = roster_query.rows_for(
            demo_db, roster_query.ordered_ids(demo_db, RosterFilter(search=text))
        )
        assert target.hq_id in {r.hq_id for r in found}
    assert roster_query.count(demo_db, RosterFilter(search="%")) == 0  # a literal, not a wildcard
    academic = next(c for c in chapter.list_categories(demo_db) if c.name == "Academic")
    expected = {m.hq_id for m in roster.list_members(demo_db, category="Academic")}
    got = roster_query.rows_for(
        demo_db, roster_query.ordered_ids(demo_db, RosterFilter(category_id=academic.id))
    )
    assert {r.hq_id for r in got} == expected and all(r.category == "Academic" for r in got)
    in_office = {t.hq_id for t in officers.list_officers(demo_db)}
    rows = roster_query.rows_for(
        demo_db, roster_query.ordered_ids(demo_db, RosterFilter(officer=True))
    )
    assert {r.hq_id for r in rows} == in_office and all(r.offices for r in rows)
    others = roster_query.count(demo_db, RosterFilter(officer=False))
    assert others == 120 - len(in_office)
    with pytest.raises(BadInputError, match="cannot be sorted"):
        roster_query.ordered_ids(demo_db, RosterFilter(), "shoe_size")


def test_dashboard_counts_match_reconciliation(demo_db: Database) -> None:
    figures = dashboard_figures(demo_db)
    assert figures.by_standing == roster.standing_counts(demo_db)
    assert figures.total == 120 == sum(c.count for c in figures.by_category)
    assert figures.compliance_problems == len(reconcile(demo_db).problems)
    assert figures.latest_import is not None
    assert figures.latest_import.file_name == "demo-hq-export.xlsx"
    assert len(figures.officers) == len(officers.list_officers(demo_db))


def test_latest_import_is_none_before_any_import(db: Database) -> None:
    assert latest_import(db) is None
    add_batch(db, dt.date(2026, 11, 1))
    summary = latest_import(db)
    assert summary is not None and summary.data_as_of == dt.date(2026, 11, 1)


def test_update_settings_checks_every_value(db: Database) -> None:
    good = dict(name="  Lakes   Chapter ", currency="cad", year_start="07-01", grace_days=30,
                stale_after_days=60, page_size="A4", officer_name="Ana García")
    info = chapter.update_settings(db, **good)  # type: ignore[arg-type]
    assert (info.name, info.currency, info.year_start_month, info.page_size) == (
        "Lakes Chapter", "CAD", 7, "a4")
    for field, bad in (("currency", "dollars"), ("year_start", "02-29"), ("grace_days", -1),
                       ("page_size", "legal"), ("name", " ")):
        with pytest.raises(BadInputError):
            chapter.update_settings(db, **{**good, field: bad})  # type: ignore[arg-type]
    assert chapter.chapter_info(db) == info


def test_categories_and_positions_are_saved_and_checked(db: Database) -> None:
    added = chapter.save_category(db, None, code="life", name="Life Member", may_vote=True,
                                  may_hold_office=False, eligible=True)
    assert added.code == "LIFE" and added in chapter.list_categories(db)
    with pytest.raises(BadInputError, match="already uses"):
        chapter.save_category(db, None, code="REG", name="Other", may_vote=False,
                              may_hold_office=False, eligible=True)
    with pytest.raises(BadInputError, match="not eligible"):
        chapter.save_category(db, added.id, code="LIFE", name="Life Member", may_vote=True,
                              may_hold_office=False, eligible=False)
    director = next(p for p in chapter.list_positions_detailed(db) if p.name == "Director")
    renamed = chapter.save_position(db, director.id, name="Board Director", single_holder=False)
    assert renamed.name == "Board Director"
    with pytest.raises(BadInputError, match="already a position"):
        chapter.save_position(db, None, name="president", single_holder=True)


def test_single_holder_refused_while_terms_overlap(db: Database) -> None:
    today = dt.date.today()
    for hq_id, last in (("501", "Uno"), ("502", "Dos")):
        add_hq(db, hq_id, last=last, paid_through=today + dt.timedelta(days=200))
        roster.add_member(db, hq_id, chapter_joined_on=today - dt.timedelta(days=400))
        officers.set_officer(db, hq_id, "Director", starts_on=today - dt.timedelta(days=30))
    director = next(p for p in chapter.list_positions_detailed(db) if p.name == "Director")
    with pytest.raises(RuleRefusedError, match="overlap"):
        chapter.save_position(db, director.id, name="Director", single_holder=True)


def test_chapter_facts_are_validated_and_saved(db: Database) -> None:
    today = dt.date.today()
    add_hq(db, "600", paid_through=today + dt.timedelta(days=100))
    roster.add_member(db, "600", chapter_joined_on=today - dt.timedelta(days=100))
    with pytest.raises(BadInputError, match="in the future"):
        roster.update_chapter_facts(db, "600", chapter_joined_on=today + dt.timedelta(days=1),
                                    notes="", employment_ended_on=None)
    saved = roster.update_chapter_facts(
        db, "600", chapter_joined_on=today - dt.timedelta(days=50), notes="Chairs programs",
        employment_ended_on=today - dt.timedelta(days=3),
    )
    assert roster.member_detail(db, "600").current.membership == saved  # type: ignore[union-attr]
    officers.set_officer(db, "600", "Secretary", starts_on=today - dt.timedelta(days=10))
    with pytest.raises(BadInputError, match="officer term began"):
        roster.update_chapter_facts(db, "600", chapter_joined_on=today - dt.timedelta(days=5),
                                    notes="", employment_ended_on=None)


def test_taking_back_an_add_only_while_nothing_refers_to_it(db: Database) -> None:
    today = dt.date.today()
    add_hq(db, "700", paid_through=today + dt.timedelta(days=100))
    entry = roster.add_member(db, "700", chapter_joined_on=today)
    roster.remove_membership_added_in_error(db, entry.membership.id)
    assert roster.member_detail(db, "700").history == ()
    again = roster.add_member(db, "700", chapter_joined_on=today)
    officers.set_officer(db, "700", "Treasurer", starts_on=today)
    with pytest.raises(RuleRefusedError, match="can no longer be taken back"):
        roster.remove_membership_added_in_error(db, again.membership.id)
    with pytest.raises(NotFoundError):
        roster.remove_membership_added_in_error(db, 99_999)


def test_taking_back_a_leave(db: Database) -> None:
    today = dt.date.today()
    add_hq(db, "800", paid_through=today + dt.timedelta(days=100))
    entry = roster.add_member(db, "800", chapter_joined_on=today - dt.timedelta(days=20))
    roster.leave_chapter(db, "800", left_on=today, reason="Moved away")
    reopened = roster.reopen_membership(db, entry.membership.id)
    assert reopened.left_on is None and reopened.leave_reason == ""
    officers.set_officer(db, "800", "Secretary", starts_on=today - dt.timedelta(days=5))
    roster.leave_chapter(db, "800", left_on=today)
    with pytest.raises(RuleRefusedError, match="officer terms"):
        roster.reopen_membership(db, entry.membership.id)


def test_a_search_narrowed_within_earlier_matches_finds_the_same(demo_db: Database) -> None:
    everything = roster_query.matching_ids(demo_db, RosterFilter(search="an"))
    for text in ("and", "ande", "ander"):
        narrowed = roster_query.matching_ids(demo_db, RosterFilter(search=text), within=everything)
        assert narrowed == roster_query.matching_ids(demo_db, RosterFilter(search=text))
        everything = narrowed
