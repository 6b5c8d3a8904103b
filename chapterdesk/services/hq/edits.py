"""Local corrections to HQ-owned contact fields, remembered so imports can't silently undo them.

HQ is the truth for international facts, but an officer sometimes knows better
first (a new e-mail address, a corrected spelling). A local edit changes the HQ
record and remembers HQ's value at the time; a later export that repeats HQ's
old value leaves the edit alone, and one that says something else again is
shown as a conflict for the officer to settle.
"""

from __future__ import annotations

from chapterdesk.data.engine import Database
from chapterdesk.data.hq_models import HqLocalEdit
from chapterdesk.data.models import HqMember
from chapterdesk.errors import BadInputError, NotFoundError
from chapterdesk.hq_fields import EDITABLE_FIELDS
from chapterdesk.services.door import change
from chapterdesk.values import normalise_hq_id


def edit_hq_field(db: Database, hq_id: str, field: str, value: str) -> None:
    """Correct an HQ-owned contact field locally (remembered as a local edit).

    Raises:
        BadInputError: the field may not be edited, or the value is too long.
        NotFoundError: no HQ record has this ID.
    """
    clean = normalise_hq_id(hq_id)
    limit = EDITABLE_FIELDS.get(field)
    if limit is None:
        raise BadInputError(
            f"{field!r} cannot be corrected locally; the editable HQ fields are "
            f"{', '.join(EDITABLE_FIELDS)}."
        )
    text = " ".join(value.split())
    if len(text) > limit:
        raise BadInputError(f"{field} may be at most {limit} characters; this is {len(text)}.")
    if field == "email" and text and ("@" not in text or " " in text):
        raise BadInputError(f"{text!r} is not an e-mail address.")
    with change(db, "edit HQ field") as uow:
        session = uow.session
        # Locked (PostgreSQL) so an edit waits for an import applying to this member and
        # then remembers HQ's value as the import left it.
        member = session.get(HqMember, clean, with_for_update=True)
        if member is None:
            raise NotFoundError(f"HQ member ID {clean} is not in the HQ data.")
        edit = session.get(HqLocalEdit, (clean, field))
        hq_value = edit.hq_value if edit is not None else str(getattr(member, field))
        if text == hq_value:
            if edit is not None:
                session.delete(edit)
        elif edit is None:
            session.add(HqLocalEdit(hq_id=clean, field=field, local_value=text, hq_value=hq_value))
        else:
            edit.local_value = text
        setattr(member, field, text)
