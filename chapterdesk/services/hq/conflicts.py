"""Conflicts an import held for an officer: listed, and settled field by field.

An import that contradicts a chapter's correction (HQ's value differs from the
chapter's and from HQ's value when the correction was made), or that reuses an
HQ ID for another person, holds that difference as an `HqConflict` and applies
the rest. An officer settles each one:

- keep the chapter's value: the correction now stands against HQ's newest value,
  so a later import repeating that value leaves it alone, and only a new HQ
  value raises a conflict again (for an identity conflict: the chapter keeps its
  record until HQ's record for the ID changes again);
- take HQ's value: HQ's value is written and the correction is dropped (for an
  identity conflict: HQ's whole record is taken).

Every settlement goes through the door; the `hq_conflict` and `hq_local_edit`
rows it changes are audited.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from chapterdesk.data.engine import Database
from chapterdesk.data.hq_models import HqConflict, HqLocalEdit
from chapterdesk.data.models import HqAffiliation, HqMember
from chapterdesk.errors import BadInputError, NotFoundError
from chapterdesk.hq_fields import DATE_FIELDS, HQ_FIELDS
from chapterdesk.names import display_name
from chapterdesk.services.door import change
from chapterdesk.standing import normalise_key
from chapterdesk.values import normalise_hq_id

IDENTITY = "identity"  #: the conflict of an HQ ID that now names another person
KEEP_LOCAL = "keep_local"  #: an identity conflict settled in the chapter's favour


@dataclass(frozen=True)
class ConflictView:
    """One conflict waiting for an officer: the chapter's value against HQ's.

    For an identity conflict `local_value` and `hq_value` are the two names.
    `hq_value_before` is HQ's value when the chapter corrected the field ("" for
    an identity conflict).
    """

    hq_id: str
    name: str
    field: str
    local_value: str
    hq_value: str
    hq_value_before: str
    batch_id: int | None
    found_at: dt.datetime


def record_name(values: dict[str, object]) -> str:
    """The display name of an HQ record given as field → value."""
    parts = (str(values.get(k) or "") for k in ("first_name", "middle_name", "last_name", "suffix"))
    return display_name(*parts)


def _hq_record(conflict: HqConflict) -> dict[str, object]:
    values: dict[str, object] = json.loads(conflict.hq_value)
    return values


def list_conflicts(db: Database) -> list[ConflictView]:
    """Every conflict not settled yet, by HQ ID and field."""
    with db.reading() as session:
        rows = session.execute(
            select(HqConflict, HqMember, HqLocalEdit.hq_value)
            .join(HqMember, HqMember.hq_id == HqConflict.hq_id)
            .outerjoin(
                HqLocalEdit,
                (HqLocalEdit.hq_id == HqConflict.hq_id) & (HqLocalEdit.field == HqConflict.field),
            )
            .where(HqConflict.settled == "")
            .order_by(HqConflict.hq_id, HqConflict.field)
        ).all()
        return [_view(conflict, member, before) for conflict, member, before in rows]


def _view(conflict: HqConflict, member: HqMember, before: str | None) -> ConflictView:
    name = display_name(member.first_name, member.middle_name, member.last_name, member.suffix)
    hq_value = conflict.hq_value
    if conflict.field == IDENTITY:
        hq_value = record_name(_hq_record(conflict))
    return ConflictView(
        conflict.hq_id,
        name,
        conflict.field,
        conflict.local_value,
        hq_value,
        before or "",
        conflict.batch_id,
        conflict.found_at,
    )


def settle_conflict(db: Database, hq_id: str, field: str, *, keep_local: bool) -> ConflictView:
    """Settle one held conflict: keep the chapter's value, or take HQ's.

    Returns the conflict as it was before it was settled.

    Raises:
        BadInputError: `field` names no field that can be in conflict.
        NotFoundError: no conflict waits for this HQ ID and field.
    """
    clean = normalise_hq_id(hq_id)
    if field != IDENTITY and field not in HQ_FIELDS:
        raise BadInputError(
            f"{field!r} is not an HQ field; a conflict is on one of {', '.join(HQ_FIELDS)}, "
            f"or on {IDENTITY!r} (the ID names another person)."
        )
    with change(db, "settle HQ conflict") as uow:
        session = uow.session
        member = session.get(HqMember, clean, with_for_update=True)
        conflict = session.get(HqConflict, (clean, field))
        if member is None or conflict is None or conflict.settled:
            raise NotFoundError(
                f"No conflict on {field} waits for HQ member {clean}; "
                "see `chapterdesk conflicts list`."
            )
        edit = session.get(HqLocalEdit, (clean, field))
        view = _view(conflict, member, edit.hq_value if edit is not None else None)
        uow.changes.members.add(clean)
        if field == IDENTITY:
            _settle_identity(session, member, conflict, keep_local)
        elif keep_local:
            if edit is not None:  # a later import repeating HQ's value is no conflict
                edit.hq_value = edit.settled_hq_value = conflict.hq_value
            session.delete(conflict)
        else:
            setattr(member, field, conflict.hq_value)
            if edit is not None:
                session.delete(edit)
            session.delete(conflict)
        return view


def _settle_identity(
    session: Session, member: HqMember, conflict: HqConflict, keep_local: bool
) -> None:
    if keep_local:
        conflict.settled = KEEP_LOCAL  # held until HQ's record for the ID changes again
        return
    record = _hq_record(conflict)
    for name in HQ_FIELDS:
        if name not in record:
            continue
        value = record[name]
        if name in DATE_FIELDS:
            value = dt.date.fromisoformat(value) if isinstance(value, str) and value else None
        setattr(member, name, value)
    for edit in session.scalars(select(HqLocalEdit).where(HqLocalEdit.hq_id == member.hq_id)):
        session.delete(edit)
    for other in session.scalars(select(HqConflict).where(HqConflict.hq_id == member.hq_id)):
        session.delete(other)
    if "chapters" in record:
        session.execute(delete(HqAffiliation).where(HqAffiliation.hq_id == member.hq_id))
        rows = affiliation_rows(member.hq_id, record["chapters"])
        if rows:
            session.execute(insert(HqAffiliation), rows)


def affiliation_rows(hq_id: str, chapters: object) -> list[dict[str, object]]:
    """The `hq_affiliation` rows of an HQ record's chapters ("A; B"), one per chapter."""
    rows: dict[str, dict[str, object]] = {}
    for name in str(chapters or "").split(";"):
        clean = " ".join(name.split())
        key = normalise_key(clean)
        if key and key not in rows:
            rows[key] = {"hq_id": hq_id, "chapter_key": key, "chapter_name": clean[:200]}
    return list(rows.values())
