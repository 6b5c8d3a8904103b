"""The one door every change to a chapter database goes through.

`change(db, what)` opens a unit of work that writes: the caller changes rows
through its session (ORM objects) or its bulk helpers (Core statements for
thousands of rows), and on the way out the door

1. checks the policy (`chapterdesk.policy`) against every membership and
   officer term the unit of work touched, whatever service touched it, so no
   path can admit an ineligible member, reopen an ended term or seat two
   Presidents (`services.guard`);
2. has every touched row recorded in the audit trail in the same transaction
   (ORM rows by the flush listener in `data/audit_trail.py`, bulk rows by
   `insert_rows`, with one `change_batch` row naming the batch and its count);
3. commits, or rolls everything back on any error;
4. reports what it touched (`Changes`), so a window refreshes only the pages
   that show it (as Anki's `CollectionOp` returns `OpChanges`).

Nothing else opens a writing session: `tests/test_architecture.py` holds every
module but this one to it. The window calls services (and so this door) on its
single worker thread only.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session

from chapterdesk.data.audit_trail import record_bulk_rows
from chapterdesk.data.engine import Database
from chapterdesk.data.models import Base, ChangeBatch

log = logging.getLogger(__name__)

# Which part of the chapter's data each table belongs to, for refreshing screens.
TABLE_KINDS = {
    "chapter_membership": "roster",
    "hq_member": "roster",
    "hq_affiliation": "roster",
    "hq_local_edit": "roster",
    "hq_conflict": "roster",
    "import_batch": "imports",
    "hq_member_change": "imports",
    "officer_term": "officers",
    "officer_position": "officers",
    "membership_category": "settings",
    "chapter_settings": "settings",
    "ledger_entry": "ledger",
    "dues_rate": "rates",
    "dues_year_rule": "rates",
    "proration_step": "rates",
    "organisation": "rates",  # the non-profit flag changes what dues are charged
    "payment_import": "ledger",
    "payment_line": "ledger",
    "payment_mapping": "settings",
    "mail_account": "settings",
    "mail_template": "settings",
    "mail_message": "mail",
    "mail_content": "mail",
    "change_batch": "",
}


@dataclass
class Changes:
    """What one unit of work touched: the kinds of data and the members concerned."""

    kinds: set[str] = field(default_factory=set)
    members: set[str] = field(default_factory=set)

    def touches(self, *kinds: str) -> bool:
        """Whether any of these kinds (`roster`, `officers`, `ledger`, …) changed."""
        return bool(self.kinds.intersection(kinds))

    def note_table(self, table: str, hq_id: str | None = None) -> None:
        """Record that a row of `table` changed (and which member it concerns)."""
        kind = TABLE_KINDS.get(table, "other")
        if kind:
            self.kinds.add(kind)
        if hq_id:
            self.members.add(hq_id)


class UnitOfWork:
    """One change in progress: its session, the day it is judged on, and what it touched."""

    def __init__(self, db: Database, session: Session, what: str, today: dt.date) -> None:
        self.db = db
        self.session = session
        self.what = what
        self.today = today
        self.changes = Changes()
        session.info["changes"] = self.changes
        session.info["touched"] = []

    def start_batch(self, kind: str, description: str, row_count: int) -> int:
        """Record a named batch of `row_count` bulk rows; its number goes into each row's audit."""
        batch = ChangeBatch(kind=kind, description=description[:500], row_count=row_count)
        self.session.add(batch)
        self.session.flush()
        return batch.id

    def insert_rows(
        self, model: type[Base], rows: Sequence[dict[str, Any]], *, batch_id: int
    ) -> list[int]:
        """Append many rows with Core statements and audit each one; returns their IDs in order.

        On SQLite the unit of work holds the only write lock, so new rows take the
        IDs after the current highest in order (one executemany and one SELECT are
        far quicker than RETURNING row by row); elsewhere RETURNING gives them.
        """
        if not rows:
            return []
        table = model.__table__
        assert isinstance(table, Table)
        session = self.session
        if session.get_bind().dialect.name == "sqlite":
            before = session.scalar(select(func.max(table.c.id))) or 0
            session.execute(insert(table), list(rows))
            ids = [
                int(i)
                for i in session.scalars(
                    select(table.c.id).where(table.c.id > before).order_by(table.c.id)
                )
            ]
            assert len(ids) == len(rows), "another writer appended rows at the same time"
        else:
            result = session.execute(
                insert(table).returning(table.c.id, sort_by_parameter_order=True), list(rows)
            )
            ids = [int(row[0]) for row in result]
        members = record_bulk_rows(session, table.name, ids, rows, batch_id)
        self.changes.note_table(table.name)
        self.changes.members.update(m for m in members if m)
        return ids


@contextmanager
def change(
    db: Database, what: str = "", *, today: dt.date | None = None, serializable: bool = False
) -> Iterator[UnitOfWork]:
    """A unit of work that writes, checked against the policy and audited, committed on exit.

    Args:
        what: a few words naming the change, for error messages and logs.
        today: the day rules are judged on (default: today).
        serializable: on PostgreSQL, run at SERIALIZABLE isolation.
    Raises:
        RuleRefusedError: a membership or officer term the change touched breaks the
            bylaws or the office rules; nothing is written.
    """
    from chapterdesk.services.guard import check_touched

    with db.session(serializable=serializable) as session:
        uow = UnitOfWork(db, session, what, today or dt.date.today())
        yield uow
        session.flush()
        check_touched(uow)
    if uow.changes.kinds:
        for listener in list(db.change_listeners):
            try:
                listener(uow.changes)
            except Exception:  # the change is committed: a listener's bug must not undo that
                log.exception("A change listener failed after %s", what or "a change")

