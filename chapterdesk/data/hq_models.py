"""Tables behind the HQ import: per-batch change history, remembered mappings, local edits.

`HqMemberChange` keeps, for every HQ record an import touched, the record as it
was before (JSON), so `imports undo` can put the HQ data back exactly.
`HqLocalEdit` remembers an officer's edit to an HQ-owned field, so a later
export that contradicts it is shown as a conflict instead of silently winning;
`HqConflict` holds each such conflict until an officer settles it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from chapterdesk.data.models import Base, utcnow


class HqMemberChange(Base):
    """What one import batch did to one HQ record, with the record as it was before."""

    __tablename__ = "hq_member_change"
    __table_args__ = (Index("ix_hq_member_change_batch", "batch_id", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id", ondelete="RESTRICT"))
    hq_id: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20))
    before_json: Mapped[str | None] = mapped_column(Text)
    after_json: Mapped[str] = mapped_column(Text)


class HqMapping(Base):
    """A column mapping an officer confirmed, remembered by the file's header signature."""

    __tablename__ = "hq_mapping"

    signature: Mapped[str] = mapped_column(String(64), primary_key=True)
    mapping_json: Mapped[str] = mapped_column(Text)
    confirmed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class HqLocalEdit(Base):
    """An officer's local edit of an HQ-owned field, and HQ's value when it was made."""

    __tablename__ = "hq_local_edit"

    hq_id: Mapped[str] = mapped_column(
        ForeignKey("hq_member.hq_id", ondelete="CASCADE"), primary_key=True
    )
    field: Mapped[str] = mapped_column(String(40), primary_key=True)
    local_value: Mapped[str] = mapped_column(Text)
    hq_value: Mapped[str] = mapped_column(Text)
    edited_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: HQ's value the officer kept the chapter's against: an import repeating it is quiet
    settled_hq_value: Mapped[str | None] = mapped_column(Text)


class HqConflict(Base):
    """A difference an import held for an officer to settle, field by field.

    `field` is an HQ field whose correction HQ contradicts (`local_value` the
    chapter's, `hq_value` HQ's newest), or "identity": the ID now names another
    person, `hq_value` holding HQ's record as JSON. `settled` is "keep_local" for
    an identity conflict the officer settled in the chapter's favour, "" while
    it waits.
    """

    __tablename__ = "hq_conflict"

    hq_id: Mapped[str] = mapped_column(
        ForeignKey("hq_member.hq_id", ondelete="CASCADE"), primary_key=True
    )
    field: Mapped[str] = mapped_column(String(40), primary_key=True)
    local_value: Mapped[str] = mapped_column(Text)
    hq_value: Mapped[str] = mapped_column(Text)
    batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_batch.id", ondelete="RESTRICT")
    )
    settled: Mapped[str] = mapped_column(String(20), default="")
    found_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
