"""HQ member types and the chapter's categories: mapping HQ's labels, and what each category allows.

HQ labels member types in its own words ("Full Member", "Vendor Sponsor"). A
type that names no category by its code or name is not eligible until an
officer maps it to one (DESIGN.md rule 7, `policy.category_refusal`). These
services keep that mapping on the category (`membership_category.hq_types`,
one type per line), list the HQ types still unmapped with how many people
they concern, and change a category's rights from the command line with the
same checks the Settings page's dialog uses (`chapter.check_category_flags`).
"""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chapterdesk.data.engine import Database
from chapterdesk.data.models import ChapterMembership, HqMember, MembershipCategory
from chapterdesk.errors import BadInputError, NotFoundError
from chapterdesk.services.chapter import categories_in, category_view, check_category_flags
from chapterdesk.services.chapter_values import Category, CategoryIndex, split_hq_types
from chapterdesk.services.door import change
from chapterdesk.standing import normalise_key

MAX_HQ_TYPE_LENGTH = 100


class UnmappedHqType(NamedTuple):
    """An HQ member type that matches no category, and how many people carry it."""

    member_type: str
    #: Current chapter members of this type (suspended until it is mapped).
    members: int
    #: Records of this type in the HQ data, members of the chapter or not.
    hq_records: int


def _clean_type(hq_type: str) -> tuple[str, str]:
    """The type with its spacing tidied, and its matching key; refuses a blank or long one."""
    clean = " ".join(hq_type.split())
    key = normalise_key(clean)
    if not key:
        raise BadInputError(
            "Give the HQ member type as HQ's export spells it, for example \"Full Member\"."
        )
    if len(clean) > MAX_HQ_TYPE_LENGTH:
        raise BadInputError(
            f"An HQ member type is at most {MAX_HQ_TYPE_LENGTH} characters; {clean[:40]!r}… "
            "is longer."
        )
    return clean, key


def _ordered(session: Session) -> list[MembershipCategory]:
    return list(
        session.scalars(
            select(MembershipCategory).order_by(
                MembershipCategory.sort_order, MembershipCategory.id
            )
        )
    )


def _names(rows: list[MembershipCategory]) -> str:
    return ", ".join(f"{row.name} ({row.code})" for row in rows) or "none yet"


def _find(rows: list[MembershipCategory], name_or_code: str) -> MembershipCategory:
    """The category named by its name or code (case and punctuation aside)."""
    key = normalise_key(name_or_code)
    for row in rows:
        if key and key in (normalise_key(row.code), normalise_key(row.name)):
            return row
    raise NotFoundError(
        f"There is no category {name_or_code.strip()!r}; the categories are {_names(rows)}. "
        "Add one with `chapterdesk categories add NAME`."
    )


def _named_by(rows: list[MembershipCategory], key: str) -> MembershipCategory | None:
    """The category whose own code or name is this key (it needs no mapping)."""
    for row in rows:
        if key in (normalise_key(row.code), normalise_key(row.name)):
            return row
    return None


def map_hq_type(db: Database, hq_type: str, category: str) -> Category:
    """Count HQ's member type as a category from now on (moving it from any other category).

    Members whose HQ type it is take that category's rights at once: mapped to
    an eligible category they may be admitted; mapped to one that is not
    eligible (Business Partner) they stay out, now knowingly.

    Args:
        hq_type: the member type as HQ's export spells it.
        category: the category's name or code.
    Returns:
        The category with its mapped types.
    Raises:
        BadInputError: a blank or over-long type, a category that does not exist
            (the message names those that do), or a type that is already another
            category's code or name.
    """
    clean, key = _clean_type(hq_type)
    with change(db, "map an HQ member type") as uow:
        session = uow.session
        rows = _ordered(session)
        target = _find(rows, category)
        named = _named_by(rows, key)
        if named is not None:
            if named.id == target.id:
                return category_view(target)  # it matches already, by code or name
            raise BadInputError(
                f"{clean!r} is the code or name of the {named.name} category, so HQ members of "
                f"that type already count as {named.name}; it cannot also mean {target.name}. "
                "Rename that category first if HQ means something else by it."
            )
        for row in rows:
            kept = [t for t in split_hq_types(row.hq_types or "") if normalise_key(t) != key]
            if row is target:
                kept.append(clean)
            text = "\n".join(kept)
            if text != (row.hq_types or ""):
                row.hq_types = text
        session.flush()
        return category_view(target)


def unmap_hq_type(db: Database, hq_type: str) -> Category:
    """Stop counting HQ's member type as the category it was mapped to.

    Members of that type match no category afterwards, so they are suspended
    (and cannot be admitted) until it is mapped again.

    Returns:
        The category the type was taken from.
    Raises:
        BadInputError: a blank type, one that is a category's own code or name, or
            one no category has mapped (the message lists those mapped).
    """
    clean, key = _clean_type(hq_type)
    with change(db, "unmap an HQ member type") as uow:
        session = uow.session
        rows = _ordered(session)
        named = _named_by(rows, key)
        if named is not None:
            raise BadInputError(
                f"{clean!r} is the code or name of the {named.name} category, not a mapped HQ "
                "type; there is nothing to unmap."
            )
        mapped: list[str] = []
        for row in rows:
            types = split_hq_types(row.hq_types or "")
            kept = [t for t in types if normalise_key(t) != key]
            if len(kept) != len(types):
                row.hq_types = "\n".join(kept)
                session.flush()
                return category_view(row)
            mapped += [f"{t!r} → {row.name}" for t in types]
        raise NotFoundError(
            f"No category has the HQ member type {clean!r} mapped to it; mapped types: "
            + ("; ".join(mapped) or "none")
            + "."
        )


def unmapped_hq_types(db: Database) -> list[UnmappedHqType]:
    """HQ member types in the HQ data that match no category, most chapter members first.

    Spellings that differ only in case or punctuation count as one type, shown
    as HQ spells it most often. A blank type is left out: it cannot be mapped
    (members with none are suspended and named in their own records).
    """
    with db.reading() as session:
        index = CategoryIndex(categories_in(session))
        in_hq = session.execute(
            select(HqMember.member_type, func.count()).group_by(HqMember.member_type)
        ).all()
        in_chapter = dict(
            session.execute(
                select(HqMember.member_type, func.count())
                .join(ChapterMembership, ChapterMembership.hq_id == HqMember.hq_id)
                .where(ChapterMembership.left_on.is_(None))
                .group_by(HqMember.member_type)
            ).all()
        )
    spelled: dict[str, tuple[int, str]] = {}
    counts: dict[str, list[int]] = {}
    for member_type, hq_count in in_hq:
        key = normalise_key(member_type or "")
        if not key or index.resolve(member_type) is not None:
            continue
        if hq_count > spelled.get(key, (0, ""))[0]:
            spelled[key] = (hq_count, " ".join(member_type.split()))
        tally = counts.setdefault(key, [0, 0])
        tally[0] += in_chapter.get(member_type, 0)
        tally[1] += hq_count
    found = [UnmappedHqType(spelled[k][1], m, h) for k, (m, h) in counts.items()]
    return sorted(found, key=lambda t: (-t.members, -t.hq_records, t.member_type.casefold()))


def set_category_flags(
    db: Database,
    name: str,
    *,
    vote: bool | None = None,
    office: bool | None = None,
    eligible: bool | None = None,
    description: str | None = None,
) -> Category:
    """Change what a category allows; a flag left None keeps its value.

    Args:
        name: the category's name or code.
    Raises:
        BadInputError: nothing to change, no such category, or a combination the
            bylaws refuse (office without a vote, rights for a category that is not
            eligible), with the sentence saying what to change.
    """
    if vote is None and office is None and eligible is None and description is None:
        raise BadInputError(
            "Say what to change: --vote/--no-vote, --office/--no-office, "
            "--eligible/--not-eligible or --description."
        )
    with change(db, "category rights") as uow:
        session = uow.session
        row = _find(_ordered(session), name)
        new_vote = row.may_vote if vote is None else vote
        new_office = row.may_hold_office if office is None else office
        new_eligible = row.eligible if eligible is None else eligible
        try:
            check_category_flags(new_vote, new_office, new_eligible)
        except BadInputError as exc:
            raise BadInputError(f"{row.name}: {exc.message}") from None
        row.may_vote, row.may_hold_office, row.eligible = new_vote, new_office, new_eligible
        if description is not None:
            row.description = description.strip()
        session.flush()
        return category_view(row)
