"""HQ member types and categories: mapping, the unmapped list, category rights (both engines)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import update

from chapterdesk.data.engine import Database
from chapterdesk.data.models import HqMember
from chapterdesk.errors import BadInputError, NotFoundError, RuleRefusedError
from chapterdesk.services import chapter
from chapterdesk.services.roster import categories as categories
from chapterdesk.services.roster import members as roster
from chapterdesk.services.roster.categories import UnmappedHqType
from tests.helpers import add_hq

PAID = dt.date.today() + dt.timedelta(days=200)


def by_name(db: Database, name: str) -> chapter.Category:
    return next(c for c in chapter.list_categories(db) if c.name == name)


def test_an_unmapped_type_is_refused_until_mapped_to_an_eligible_category(db: Database) -> None:
    add_hq(db, "701", member_type="Vendor Sponsor", paid_through=PAID)
    add_hq(db, "702", member_type="Full Member", paid_through=PAID)
    with pytest.raises(RuleRefusedError, match="'Vendor Sponsor' matches no chapter category"):
        roster.add_member(db, "701")
    categories.map_hq_type(db, "Vendor Sponsor", "Business Partner")
    with pytest.raises(RuleRefusedError, match="Business Partner category is not eligible"):
        roster.add_member(db, "701")
    mapped = categories.map_hq_type(db, "  Full   Member ", "reg")
    assert mapped.name == "Regular" and mapped.hq_types == ("Full Member",)
    entry = roster.add_member(db, "702")
    assert entry.category is not None and entry.category.name == "Regular"
    assert entry.privileges.may_vote and entry.privileges.may_hold_office


def test_unmapped_types_are_counted_by_chapter_members_and_hq_records(db: Database) -> None:
    add_hq(db, "801", member_type="Full Member", paid_through=PAID)
    add_hq(db, "802", member_type="full member", paid_through=PAID)
    add_hq(db, "803", member_type="Full Member", paid_through=PAID)
    add_hq(db, "804", member_type="Student", paid_through=PAID)
    add_hq(db, "805", member_type="Regular", paid_through=PAID)
    add_hq(db, "806", member_type="", paid_through=PAID)
    roster.add_member(db, "805")
    # HQ relabels a chapter member's type (as a later import would): it now matches nothing.
    with db.session() as session:
        session.execute(
            update(HqMember).where(HqMember.hq_id == "805").values(member_type="Full Member")
        )
    assert categories.unmapped_hq_types(db) == [
        UnmappedHqType("Full Member", 1, 4),
        UnmappedHqType("Student", 0, 1),
    ]
    member = roster.member_detail(db, "805").current
    assert member is not None and member.privileges.suspended
    assert not member.privileges.may_vote
    categories.map_hq_type(db, "FULL MEMBER", "Regular")
    assert categories.unmapped_hq_types(db) == [UnmappedHqType("Student", 0, 1)]
    member = roster.member_detail(db, "805").current
    assert member is not None and not member.privileges.suspended
    unmapped_from = categories.unmap_hq_type(db, "full member")
    assert unmapped_from.name == "Regular" and unmapped_from.hq_types == ()
    assert categories.unmapped_hq_types(db)[0] == UnmappedHqType("Full Member", 1, 4)


def test_mapping_moves_a_type_and_refuses_what_cannot_be_mapped(db: Database) -> None:
    categories.map_hq_type(db, "Retired", "Associate")
    moved = categories.map_hq_type(db, "retired", "EMER")
    assert moved.hq_types == ("retired",)
    assert by_name(db, "Associate").hq_types == ()
    with pytest.raises(BadInputError, match="HQ member type"):
        categories.map_hq_type(db, "   ", "Regular")
    with pytest.raises(NotFoundError, match=r"no category 'Gold'.*Regular \(REG\), Associate"):
        categories.map_hq_type(db, "Gold Member", "Gold")
    with pytest.raises(BadInputError, match="code or name of the Associate category"):
        categories.map_hq_type(db, "associate", "Regular")
    assert categories.map_hq_type(db, "reg", "Regular").hq_types == ()  # matches already
    with pytest.raises(NotFoundError, match=r"'Gold Member'.*'retired' → Emeritus"):
        categories.unmap_hq_type(db, "Gold Member")
    with pytest.raises(BadInputError, match="nothing to unmap"):
        categories.unmap_hq_type(db, "Regular")
    # A category cannot take a mapped type as its name: HQ's label would change meaning.
    with pytest.raises(BadInputError, match="mapped to the Emeritus category"):
        chapter.save_category(db, None, code="RET", name="Retired", may_vote=False,
                              may_hold_office=False, eligible=True)


def test_category_rights_are_checked_like_the_settings_dialog(db: Database) -> None:
    with pytest.raises(BadInputError, match="Officers must be voting members"):
        chapter.save_category(db, None, code="X", name="Xs", may_vote=False,
                              may_hold_office=True, eligible=True)
    with pytest.raises(BadInputError, match="Regular: Officers must be voting members"):
        categories.set_category_flags(db, "Regular", vote=False)
    with pytest.raises(BadInputError, match="not eligible for membership cannot vote"):
        categories.set_category_flags(db, "REG", eligible=False)
    with pytest.raises(BadInputError, match="Say what to change"):
        categories.set_category_flags(db, "Regular")
    with pytest.raises(NotFoundError, match="no category 'Life'"):
        categories.set_category_flags(db, "Life", vote=True)
    academic = categories.set_category_flags(db, "Academic", vote=True)
    assert academic.may_vote and not academic.may_hold_office and academic.eligible
    regular = categories.set_category_flags(db, "Regular", vote=False, office=False)
    assert not regular.may_vote and not regular.may_hold_office
    assert by_name(db, "Regular") == regular


def test_a_name_in_another_script_never_makes_a_blank_type_count(db: Database) -> None:
    honorary = chapter.save_category(db, None, code="HON", name="名誉会員", may_vote=False,
                                     may_hold_office=False, eligible=True)
    add_hq(db, "901", member_type="", paid_through=PAID)
    with pytest.raises(RuleRefusedError, match="HQ data gives no member type"):
        roster.add_member(db, "901")
    categories.map_hq_type(db, "Honorary", "HON")
    assert by_name(db, "名誉会員").hq_types == ("Honorary",) and honorary.code == "HON"
    with pytest.raises(BadInputError, match="no letter A-Z or digit"):
        chapter.save_category(db, None, code="名誉", name="Honorary Life", may_vote=False,
                              may_hold_office=False, eligible=True)
