"""Employers as the chapter sees them: matched by a normalised name, some marked non-profit.

HQ data spells an employer many ways ("Baker & Whitfield LLP", "baker and
whitfield"); `organisation_key` reduces them to one key, which the enterprise
schedule, the promotion and the non-profit rate all match on. The chapter
marks an organisation non-profit here; nothing else about it is stored.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chapterdesk.data.engine import Database
from chapterdesk.data.ledger_models import Organisation
from chapterdesk.data.models import ChapterMembership, HqMember
from chapterdesk.errors import BadInputError
from chapterdesk.services.door import change

_LEGAL_FORMS = frozenset(
    {
        "llp",
        "llc",
        "inc",
        "incorporated",
        "pc",
        "plc",
        "pllc",
        "lp",
        "ltd",
        "limited",
        "corp",
        "corporation",
        "co",
        "company",
    }
)
_WORD = re.compile(r"[0-9a-z]+")


@dataclass(frozen=True)
class OrganisationView:
    """An employer as the chapter sees it: its key, a display name, members, non-profit flag."""

    key: str
    name: str
    members: int
    nonprofit: bool


def organisation_key(company: str) -> str:
    """An employer name normalised for matching: case, punctuation, "&", legal form ignored.

    "Baker & Whitfield, LLP", "baker and whitfield" and "The Baker & Whitfield
    L.L.P." share one key. An empty name gives an empty key (no organisation).
    """
    words = _WORD.findall(company.casefold().replace("&", " and ").replace(".", ""))
    if words and words[0] == "the":
        words = words[1:]
    while words and words[-1] in _LEGAL_FORMS:
        words.pop()
    return "".join(words)


def nonprofit_keys(session: Session) -> dict[str, str]:
    """Keys and names of the organisations marked non-profit."""
    rows = session.scalars(select(Organisation).where(Organisation.nonprofit.is_(True)))
    return {row.key: row.name for row in rows}


def set_nonprofit(db: Database, name: str, nonprofit: bool = True) -> OrganisationView:
    """Mark (or unmark) an employer as non-profit, so its members pay the non-profit rate.

    The name must be an employer some HQ member works for (compared by
    `organisation_key`), or one marked before: a typo would otherwise become
    an organisation no member belongs to, and the real one would stay at the
    full rate without anyone noticing.

    Raises:
        BadInputError: a blank name, or one no HQ member's employer matches (the
            message names the closest employers and how to list them).
    """
    key = organisation_key(name)
    if not key:
        raise BadInputError("Give the organisation's name, as HQ data spells the employer.")
    clean = " ".join(name.split())[:200]
    with change(db, "organisation") as uow:
        session = uow.session
        row = session.scalars(select(Organisation).where(Organisation.key == key)).first()
        if row is None:
            _refuse_unknown_employer(session, key, clean)
            row = Organisation(key=key, name=clean, nonprofit=nonprofit)
            session.add(row)
        row.nonprofit = nonprofit
        session.flush()
        members = _organisation_members(session).get(key, 0)
        return OrganisationView(key, row.name, members, nonprofit)


def _refuse_unknown_employer(session: Session, key: str, name: str) -> None:
    """Refuse an organisation name that no HQ member's employer matches."""
    employers: dict[str, str] = {}
    for (company,) in session.execute(select(HqMember.company).distinct()):
        company_key = organisation_key(company or "")
        if company_key == key:
            return
        if company_key:
            employers.setdefault(company_key, " ".join(company.split()))
    close = difflib.get_close_matches(key, list(employers), n=3, cutoff=0.6)
    hint = (
        "Did you mean " + " or ".join(repr(employers[k]) for k in close) + "? "
        if close
        else ""
    )
    raise BadInputError(
        f"No HQ member works for an organisation called {name!r} (names are compared "
        f"ignoring case, punctuation and legal forms such as LLP). {hint}"
        "List the chapter's organisations with `chapterdesk dues org list` and give the "
        "name as HQ data spells it."
    )


def _organisation_members(session: Session, names: dict[str, str] | None = None) -> dict[str, int]:
    """Current members by organisation key; `names` gets a spelling of each key's employer."""
    counts: dict[str, int] = {}
    query = (
        select(HqMember.company, func.count())
        .join(ChapterMembership, ChapterMembership.hq_id == HqMember.hq_id)
        .where(ChapterMembership.left_on.is_(None))
        .group_by(HqMember.company)
    )
    for company, count in session.execute(query):
        key = organisation_key(company)
        if key:
            counts[key] = counts.get(key, 0) + count
            if names is not None:
                names.setdefault(key, company)
    return counts


def list_organisations(db: Database) -> list[OrganisationView]:
    """Employers of current members and any marked organisation, busiest first."""
    with db.reading() as session:
        names: dict[str, str] = {}
        counts = _organisation_members(session, names)
        flagged = {row.key: row for row in session.scalars(select(Organisation))}
        keys = (set(counts) | set(flagged)) - {""}
        views = [
            OrganisationView(
                key,
                flagged[key].name if key in flagged else names.get(key, key),
                counts.get(key, 0),
                bool(key in flagged and flagged[key].nonprofit),
            )
            for key in keys
        ]
        return sorted(views, key=lambda v: (-v.members, v.name.casefold()))
