"""The voting list: the chapter members who may vote on a day, the quorum, and who is left off.

DESIGN.md rule 1 suspends lapsed and missing members from the voting lists;
rules 3, 4 and 7 withhold the vote from categories that have none, from a
member past the 180-day allowance after losing their job, and from an HQ
member type no category matches. Every one of those decisions is
`chapterdesk.policy.vote_refusal`'s; this module only asks it about each
member and counts. The list is read, never written, in one unit of work, so
the count, the quorum and the names always agree.

A member belongs on the list for a day when their chapter membership covered
that day (joined on or before it, not left on or before it), so a list for a
meeting that is past or ahead is right too; standing is judged on the same day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import or_, select

from chapterdesk import policy
from chapterdesk.data.engine import Database
from chapterdesk.data.models import ChapterMembership, HqMember
from chapterdesk.names import folded
from chapterdesk.services.chapter import settings_row
from chapterdesk.services.roster.members import HqRecord, RosterContext, hq_record
from chapterdesk.standing import Standing

__all__ = ["Excluded", "Voter", "VotingList", "quorum_rule", "voting_list"]


@dataclass(frozen=True)
class Voter:
    """One eligible voter, as the list prints them."""

    hq_id: str
    name: str
    sort_name: str
    category: str
    standing: Standing
    chapter_joined_on: dt.date


@dataclass(frozen=True)
class Excluded:
    """A chapter member left off the list, with the policy's reason."""

    hq_id: str
    name: str
    sort_name: str
    #: the category's name, or HQ's member type when it matches no category
    category: str
    standing: Standing
    reason: str


@dataclass(frozen=True)
class VotingList:
    """Who may vote on `as_of`, how many make a quorum, and who is left off and why."""

    as_of: dt.date
    chapter: str
    count: int
    quorum: int
    #: the chapter's quorum setting in words: "a simple majority", "25 % of eligible voters"
    quorum_rule: str
    #: the setting itself: a percentage of the eligible voters, or None for a simple majority
    quorum_percent: int | None
    voters: tuple[Voter, ...]
    excluded: tuple[Excluded, ...]

    def summary(self) -> str:
        """One line: "7 eligible voters; quorum 4 (a simple majority)"."""
        noun = "voter" if self.count == 1 else "voters"
        return f"{self.count:,} eligible {noun}; quorum {self.quorum:,} ({self.quorum_rule})"


def quorum_rule(percent: int | None) -> str:
    """The chapter's quorum setting in words."""
    if percent is None:
        return "a simple majority"
    return f"{percent} % of eligible voters"


def _name_key(hq: HqRecord) -> tuple[str, str, str, str]:
    """Last name, then first and middle names, as a reader looks them up (accents folded)."""
    first = " ".join(p for p in (hq.first_name, hq.middle_name) if p)
    return (folded(hq.last_name), folded(first), hq.last_name, hq.hq_id)


def voting_list(db: Database, as_of: dt.date | None = None) -> VotingList:
    """The chapter's voting list on a day (default today), sorted by last name, first name.

    A voter is a chapter member on `as_of` whom `policy.vote_refusal` does not
    refuse; every other member on that day is listed in `excluded` with the
    refusal. The quorum is `policy.quorum` of the voters under the chapter's
    quorum setting.

    Raises:
        BadInputError: the database has no chapter yet.
    """
    day = as_of or dt.date.today()
    with db.reading() as session:
        ctx = RosterContext(session, day)
        percent = settings_row(session).quorum_percent
        query = (
            select(
                ChapterMembership.chapter_joined_on, ChapterMembership.employment_ended_on, HqMember
            )
            .join(HqMember, HqMember.hq_id == ChapterMembership.hq_id)
            .where(
                ChapterMembership.chapter_joined_on <= day,
                or_(ChapterMembership.left_on.is_(None), ChapterMembership.left_on > day),
            )
        )
        found = [
            (joined, ended, hq_record(row)) for joined, ended, row in session.execute(query)
        ]
    found.sort(key=lambda member: _name_key(member[2]))
    voters: list[Voter] = []
    excluded: list[Excluded] = []
    for joined, ended, hq in found:
        category = ctx.categories.resolve(hq.member_type)
        standing = ctx.standing(hq)
        shown = category.name if category else hq.member_type
        why = policy.vote_refusal(
            policy.MemberFacts(category, standing, ended, hq.member_type), day
        )
        if why is None:
            voters.append(Voter(hq.hq_id, hq.display_name, hq.sort_name, shown, standing, joined))
        else:
            excluded.append(Excluded(hq.hq_id, hq.display_name, hq.sort_name, shown, standing, why))
    return VotingList(
        as_of=day,
        chapter=ctx.chapter_name,
        count=len(voters),
        quorum=policy.quorum(len(voters), percent),
        quorum_rule=quorum_rule(percent),
        quorum_percent=percent,
        voters=tuple(voters),
        excluded=tuple(excluded),
    )
