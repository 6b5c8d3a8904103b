"""A chapter member as the services hand them out: plain values, and the rules that derive them.

HQ's facts (`HqRecord`), a spell of chapter membership (`Membership`), a
current member with standing and privileges (`RosterEntry`), officer terms
and a member's whole record (`MemberDetail`), and the `EntryContext` that
derives standing and privileges for a day. Plain Python with no SQLAlchemy,
so a command that shows one member starts fast; `services.roster.members`
re-exports all of it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from chapterdesk import names, policy
from chapterdesk.hq_fields import HQ_FIELDS
from chapterdesk.policy import Privileges
from chapterdesk.services.chapter_values import Category, CategoryIndex
from chapterdesk.standing import Standing, StandingFacts, international_standing


@dataclass(frozen=True)
class HqRecord:
    """The international facts HQ holds about one member ID."""

    hq_id: str
    prefix: str
    first_name: str
    middle_name: str
    last_name: str
    suffix: str
    company: str
    title: str
    email: str
    phone: str
    address1: str
    address2: str
    city: str
    state: str
    postal_code: str
    country: str
    member_type: str
    join_date: dt.date | None
    paid_through: dt.date | None
    hq_status: str
    chapters: str
    in_latest_export: bool

    @property
    def display_name(self) -> str:
        """First, middle and last name with any suffix ("Andrew J. Adams, Jr.")."""
        return names.display_name(self.first_name, self.middle_name, self.last_name, self.suffix)

    @property
    def sort_name(self) -> str:
        """Last name first, as rosters are sorted ("Adams, Andrew J.")."""
        return names.sort_name(self.first_name, self.middle_name, self.last_name)

    @property
    def address_name(self) -> str:
        """The name on an envelope, a label or a letter, with any prefix."""
        return names.address_name(
            self.prefix, self.first_name, self.middle_name, self.last_name, self.suffix
        )

    @property
    def facts(self) -> StandingFacts:
        """What standing depends on."""
        return StandingFacts(self.paid_through, self.hq_status, self.in_latest_export)


#: `HqRecord`'s fields: the HQ field list and whether the latest export listed the member.
RECORD_FIELDS: tuple[str, ...] = ("hq_id", *HQ_FIELDS, "in_latest_export")
assert tuple(HqRecord.__dataclass_fields__) == RECORD_FIELDS, "HqRecord follows the field list"


@dataclass(frozen=True)
class Membership:
    """One spell of chapter membership."""

    id: int
    hq_id: str
    chapter_joined_on: dt.date
    left_on: dt.date | None
    leave_reason: str
    notes: str
    employment_ended_on: dt.date | None


@dataclass(frozen=True)
class RosterEntry:
    """A current chapter member with HQ facts, category, standing and privileges."""

    membership: Membership
    hq: HqRecord
    category: Category | None
    standing: Standing
    privileges: Privileges

    @property
    def hq_id(self) -> str:
        """The member's HQ ID."""
        return self.hq.hq_id


@dataclass(frozen=True)
class TermView:
    """An officer term as shown beside a member or in the officer list."""

    id: int
    position: str
    hq_id: str
    name: str
    starts_on: dt.date
    ends_on: dt.date | None
    #: None while the holder may hold office; else why not (a sitting officer who
    #: lapsed, say), so every list of officers can flag them.
    ineligible: str | None = None
    #: The holder's name as lists show it, last name first ("Adams, Andrew J."), as the
    #: roster does (`names.sort_name`); `name` is the form read in a sentence.
    sort_name: str = ""

    @property
    def eligible(self) -> bool:
        """Whether the holder may hold the office (as of the day the term was read for)."""
        return self.ineligible is None


@dataclass(frozen=True)
class Correction:
    """An officer's correction of one HQ field: the chapter's value beside HQ's.

    `hq_value` is HQ's value the chapter's stands in for; `pending` HQ's newer
    value when an import contradicted the correction and no officer settled it
    yet (None otherwise).
    """

    field: str
    local_value: str
    hq_value: str
    reason: str
    pending: str | None = None


@dataclass(frozen=True)
class MemberDetail:
    """Everything the chapter knows about one HQ ID: HQ facts, memberships, terms."""

    hq: HqRecord
    category: Category | None
    standing: Standing
    current: RosterEntry | None
    history: tuple[Membership, ...]
    terms: tuple[TermView, ...] = field(default_factory=tuple)
    corrections: tuple[Correction, ...] = field(default_factory=tuple)


def privileges_for(
    category: Category | None,
    standing: Standing,
    membership: Membership,
    as_of: dt.date,
    member_type: str = "",
) -> Privileges:
    """Voting and office rights of a current member on a day (decided by `chapterdesk.policy`)."""
    return policy.privileges(
        policy.MemberFacts(category, standing, membership.employment_ended_on, member_type), as_of
    )


class EntryContext:
    """What deriving standings and privileges needs: the day, the grace period, the categories."""

    def __init__(
        self, as_of: dt.date, grace_days: int, chapter_name: str, categories: CategoryIndex
    ) -> None:
        self.as_of = as_of
        self.grace_days = grace_days
        self.chapter_name = chapter_name
        self.categories = categories

    def standing(self, hq: HqRecord | None) -> Standing:
        """The standing of an HQ record (None: never in HQ data)."""
        return international_standing(hq.facts if hq else None, self.as_of, self.grace_days)

    def term_ineligibility(
        self, hq: HqRecord, membership: Membership, starts_on: dt.date, ends_on: dt.date | None
    ) -> str | None:
        """Why the holder of a term in force on this day may no longer hold office (None: they may).

        Terms not in force on the day are not judged (None).
        """
        day = self.as_of
        if starts_on > day or (ends_on is not None and ends_on < day):
            return None
        if membership.left_on is not None and membership.left_on < day:
            return f"left the chapter on {membership.left_on.isoformat()}"
        return policy.office_refusal(
            policy.MemberFacts(
                self.categories.resolve(hq.member_type),
                self.standing(hq),
                membership.employment_ended_on,
                hq.member_type,
            ),
            day,
        )

    def entry(self, membership: Membership, hq: HqRecord) -> RosterEntry:
        """A roster entry with its standing and privileges derived."""
        category = self.categories.resolve(hq.member_type)
        standing = self.standing(hq)
        return RosterEntry(
            membership,
            hq,
            category,
            standing,
            privileges_for(category, standing, membership, self.as_of, hq.member_type),
        )
