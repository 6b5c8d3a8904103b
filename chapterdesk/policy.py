"""The chapter's one policy: who may be a member, who may vote, who may hold office.

Every rule of the bylaws that decides eligibility lives here and nowhere else
(DESIGN.md rules 1, 3 and 7). Each rule is a pure function that returns the
sentence an officer reads when the answer is no, and None when it is yes; the
roster, the officer terms, the voting list, the reports and the unit-of-work
door (`services.door`) all ask these functions, so no path can decide
differently. Plain Python: no SQLAlchemy, no Qt.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from chapterdesk.errors import BadInputError
from chapterdesk.services.chapter_values import Category
from chapterdesk.standing import Standing, StandingFacts, describe_hq_facts

JOB_LOSS_ALLOWANCE_DAYS = 180


@dataclass(frozen=True)
class Privileges:
    """What a chapter member may do on a date, with the reasons for anything withheld."""

    may_vote: bool
    may_hold_office: bool
    suspended: bool
    reasons: tuple[str, ...] = ()


def category_refusal(member_type: str, category: Category | None) -> str | None:
    """Why HQ's member type keeps someone out of the chapter (None: it does not).

    A member type that matches no category is not eligible until an officer maps
    it to one (`chapterdesk categories map`), so a business partner under a new
    HQ label never gets in unnoticed.
    """
    if category is None and not member_type.strip():
        return "HQ data gives no member type; ask HQ to record one, then import a newer export"
    if category is None:
        shown = member_type.strip()
        return (
            f"HQ's member type {shown!r} matches no chapter category; map it to one in "
            f'Settings or with `chapterdesk categories map "{shown}" CATEGORY`'
        )
    if not category.eligible:
        return f"the {category.name} category is not eligible for membership"
    return None


def admission_refusal(
    hq_id: str,
    name: str,
    facts: StandingFacts | None,
    standing: Standing,
    member_type: str,
    category: Category | None,
) -> str | None:
    """Why the ID cannot be admitted to (or brought back into) the chapter; None if it can.

    By the bylaws every chapter member is an international member in good
    standing (or inside the grace window) whose category is eligible.
    """
    if facts is None or not standing.is_current:
        return (
            f"{describe_hq_facts(hq_id, facts, standing)}. By the bylaws every chapter member "
            "must be an international member in good standing; ask the member to renew with "
            "HQ, then import a newer HQ export."
        )
    why = category_refusal(member_type, category)
    if why is not None:
        who = f"{name} ({hq_id})" if name else hq_id
        return f"{who}: {why}."
    return None


def job_loss_refusal(employment_ended_on: dt.date | None, as_of: dt.date) -> str | None:
    """Why voting and office rights ended after the last day worked (None: they did not)."""
    if employment_ended_on is None:
        return None
    allowance_end = employment_ended_on + dt.timedelta(days=JOB_LOSS_ALLOWANCE_DAYS)
    if as_of <= allowance_end:
        return None
    return (
        f"the {JOB_LOSS_ALLOWANCE_DAYS}-day allowance after the last day worked "
        f"({employment_ended_on.isoformat()}) ended on {allowance_end.isoformat()}"
    )


@dataclass(frozen=True)
class MemberFacts:
    """What voting and office rights depend on, for one current chapter member."""

    category: Category | None
    standing: Standing
    employment_ended_on: dt.date | None = None
    member_type: str = ""


def vote_refusal(member: MemberFacts, as_of: dt.date) -> str | None:
    """Why a current chapter member may not vote on `as_of`; None if they may.

    A voter is in good standing (grace keeps privileges), in an eligible category
    that may vote, and not past the job-loss allowance.
    """
    if not member.standing.is_current:
        return f"international membership is {member.standing.label}"
    why = category_refusal(member.member_type, member.category)
    if why is not None:
        return why
    assert member.category is not None
    if not member.category.may_vote:
        return f"the {member.category.name} category may not vote"
    return job_loss_refusal(member.employment_ended_on, as_of)


def office_refusal(member: MemberFacts, as_of: dt.date) -> str | None:
    """Why a current chapter member may not hold office on `as_of`; None if they may.

    DESIGN.md rule 3: an officer is a *voting* member in good standing whose
    category may hold elective office.
    """
    why = vote_refusal(member, as_of)
    if why is not None:
        return why
    assert member.category is not None
    if not member.category.may_hold_office:
        return f"the {member.category.name} category may not hold elective office"
    return None


def privileges(member: MemberFacts, as_of: dt.date) -> Privileges:
    """Voting and office rights of a current member, derived from the rules above."""
    reasons: list[str] = []
    suspended = not member.standing.is_current
    if suspended:
        reasons.append(f"international membership is {member.standing.label}")
    why_category = category_refusal(member.member_type, member.category)
    if why_category is not None:
        suspended = True
        reasons.append(why_category)
    category = member.category
    job = job_loss_refusal(member.employment_ended_on, as_of)
    if job is not None and category is not None and (category.may_vote or category.may_hold_office):
        reasons.append(job)
    return Privileges(
        vote_refusal(member, as_of) is None,
        office_refusal(member, as_of) is None,
        suspended,
        tuple(reasons),
    )


def quorum(voters: int, percent: int | None) -> int:
    """How many eligible voters make a quorum: a simple majority, or `percent` of them.

    Args:
        voters: the number of eligible voters.
        percent: the chapter's quorum setting (1-100); None means a simple majority.
    """
    if voters <= 0:
        return 0
    if percent is None:
        return voters // 2 + 1
    return max(1, -(-voters * percent // 100))


def refuse_future_dates(
    *, joined_on: dt.date | None = None, left_on: dt.date | None = None, today: dt.date
) -> None:
    """Raise `BadInputError` with `dates_refusal`'s sentence when a date is in the future."""
    why = dates_refusal(joined_on=joined_on, left_on=left_on, today=today)
    if why is not None:
        raise BadInputError(why)


def dates_refusal(
    *, joined_on: dt.date | None = None, left_on: dt.date | None = None, today: dt.date
) -> str | None:
    """Why a chapter join or leave date cannot be recorded (None: it can).

    Both are facts about the past: a future join would put someone on the roster
    before they joined, a future leave would drop them (and end their terms) early.
    """
    if joined_on is not None and joined_on > today:
        return (
            f"The chapter join date {joined_on.isoformat()} is in the future; record the "
            "member on or after the day they join."
        )
    if left_on is not None and left_on > today:
        return (
            f"The leave date {left_on.isoformat()} is in the future; record the leave on or "
            "after that day (until then they stay a member, with their offices)."
        )
    return None
