"""The audit trail's table: one append-only row per change to chapter data or the ledger.

Rows are written by the writer sessions' flush listener (`data/audit_trail.py`),
never by hand; triggers created by migration 0005 refuse UPDATE and DELETE on
SQLite and PostgreSQL alike, so the trail cannot be edited through the
application (nor through a stray SQL statement on the same database).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from chapterdesk.data.models import Base, utcnow


class AuditEntry(Base):
    """A change: when (UTC), which officer, which row of which table, old and new values."""

    __tablename__ = "audit_log"
    __table_args__ = (
        CheckConstraint("action IN ('insert', 'update', 'delete')", name="action"),
        Index("ix_audit_log_at", "at"),
        Index("ix_audit_log_hq_id", "hq_id", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    officer: Mapped[str] = mapped_column(String(200))
    table_name: Mapped[str] = mapped_column(String(64))
    row_key: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(10))
    hq_id: Mapped[str | None] = mapped_column(String(20))
    old_values: Mapped[str | None] = mapped_column(Text)
    new_values: Mapped[str | None] = mapped_column(Text)
