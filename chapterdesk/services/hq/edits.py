"""Local corrections to HQ-owned contact fields, remembered so imports can't silently undo them.

HQ is the truth for international facts, but an officer sometimes knows better
first (a new e-mail address, a corrected spelling). A correction changes the HQ
record, remembers HQ's value at the time and the officer's reason (both shown
beside the chapter's value, and audited through the `hq_local_edit` row); a
later export that repeats HQ's old value leaves the correction alone, and one
that says something else again is held as a conflict for the officer to settle
(`services.hq.conflicts`).
"""

from __future__ import annotations

from dataclasses import dataclass

from chapterdesk.data.engine import Database
from chapterdesk.data.hq_models import HqConflict, HqLocalEdit
from chapterdesk.data.models import HqMember
from chapterdesk.errors import BadInputError, NotFoundError
from chapterdesk.hq_fields import EDITABLE_FIELDS, HQ_FIELDS
from chapterdesk.services.door import change
from chapterdesk.values import normalise_hq_id

REASON_LIMIT = 500  #: the longest reason an officer may give, in characters


@dataclass(frozen=True)
class CorrectionResult:
    """What a correction left: the chapter's value, HQ's, and whether one is still kept."""

    hq_id: str
    field: str
    local_value: str
    hq_value: str
    reason: str
    kept: bool  #: False when the value equals HQ's again (no correction remains)


def check_field(field: str) -> None:
    """Refuse a field name an officer may not correct, naming the ones they may.

    Raises:
        BadInputError: `field` is not one of the correctable contact fields.
    """
    if field in EDITABLE_FIELDS:
        return
    what = "is HQ's to say" if field in HQ_FIELDS else "is not an HQ field"
    raise BadInputError(
        f"{field!r} {what} and cannot be corrected locally; the fields a chapter may correct "
        f"are {', '.join(EDITABLE_FIELDS)}."
    )


def clean_value(field: str, value: str) -> str:
    """A corrected value as stored (spaces collapsed), or a one-sentence refusal.

    Raises:
        BadInputError: the value is too long, or not an e-mail address for `email`.
    """
    check_field(field)
    text = " ".join(value.split())
    limit = EDITABLE_FIELDS[field]
    if len(text) > limit:
        raise BadInputError(f"{field} may be at most {limit} characters; this is {len(text)}.")
    if field == "email" and text and ("@" not in text or " " in text):
        raise BadInputError(f"{text!r} is not an e-mail address; give one like name@example.org.")
    return text


def edit_hq_field(
    db: Database, hq_id: str, field: str, value: str, reason: str = ""
) -> CorrectionResult:
    """Correct an HQ-owned contact field locally (remembered as a local edit, audited).

    Setting the value HQ has again withdraws the correction; setting HQ's newer
    value of a pending conflict settles it in HQ's favour.

    Raises:
        BadInputError: the field may not be edited, or the value or reason is refused.
        NotFoundError: no HQ record has this ID.
    """
    clean = normalise_hq_id(hq_id)
    text = clean_value(field, value)
    why = " ".join(reason.split())
    if len(why) > REASON_LIMIT:
        raise BadInputError(
            f"A reason may be at most {REASON_LIMIT} characters; this is {len(why)}."
        )
    with change(db, "correct HQ field") as uow:
        session = uow.session
        # Locked (PostgreSQL) so an edit waits for an import applying to this member and
        # then remembers HQ's value as the import left it.
        member = session.get(HqMember, clean, with_for_update=True)
        if member is None:
            raise NotFoundError(f"HQ member ID {clean} is not in the HQ data.")
        uow.changes.members.add(clean)
        edit = session.get(HqLocalEdit, (clean, field))
        conflict = session.get(HqConflict, (clean, field))
        hq_value = edit.hq_value if edit is not None else str(getattr(member, field))
        if conflict is not None and text == conflict.hq_value:
            hq_value = text  # HQ's newer value: the conflict is settled in HQ's favour
            session.delete(conflict)
        elif conflict is not None:
            conflict.local_value = text
        kept = text != hq_value
        if not kept:
            if edit is not None:
                session.delete(edit)
        elif edit is None:
            session.add(
                HqLocalEdit(
                    hq_id=clean, field=field, local_value=text, hq_value=hq_value, reason=why
                )
            )
        else:
            edit.local_value = text
            edit.reason = why or edit.reason
        setattr(member, field, text)
        return CorrectionResult(clean, field, text, hq_value, why, kept)
