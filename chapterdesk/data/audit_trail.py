"""Recording every change in the audit trail, once, for every writer session.

`install_audit_trail` hooks the writer sessions' flush: each inserted, updated
or deleted ORM object of an audited table becomes one `audit_log` row with the
time (UTC), the officer (the chapter's officer name, else `OFFICER_NOT_NAMED`: never the
OS account, which on a shared or root session names nobody), the
table, the row's key, the member it concerns (`hq_id`) and the old and new
values as JSON. It is written in the same transaction as the change, so a
change and its record commit or roll back together.

Every mapped table is audited except those in `NOT_AUDITED`: the trail
itself and the bulk HQ rows, which the HQ import accounts for per batch with
its `import_batch` record (core `insert()`/`update()` statements do not pass
through the ORM flush, which is what keeps a 500,000-row import cheap). A new
table is therefore audited unless it is deliberately excluded here.

The listener runs *after* the flush (not before) because new rows only have
their primary keys once they are inserted; SQLAlchemy still exposes the
pre-flush new/dirty/deleted sets and attribute history at that point.
"""

from __future__ import annotations

import json
import weakref
from collections.abc import Sequence
from typing import Any

from sqlalchemy import event, insert, inspect, select, text
from sqlalchemy.orm import InstanceState, Mapper, Session, UOWTransaction, sessionmaker

from chapterdesk.data.audit_models import AuditEntry
from chapterdesk.data.models import ChapterSettings, utcnow
from chapterdesk.json_values import json_scalar

#: Who a change is recorded as made by when the chapter has no officer name set.
OFFICER_NOT_NAMED = "(officer not named)"

NOT_AUDITED: frozenset[str] = frozenset(
    {
        "audit_log",
        "alembic_version",
        # The bulk HQ rows and their per-import history: each import is audited as its
        # `import_batch` row, and `hq_member_change` keeps every record's before and after.
        "hq_member",
        "hq_affiliation",
        "hq_member_change",
    }
)


# The factories already recorded. Not `event.contains`: SQLAlchemy keys that check by
# the id() of the target, so a new factory that takes the id of one already collected
# (every few database opens in one process) seemed to have the listener and got none:
# nothing it wrote was audited, and the door's policy check saw no touched rows.
_INSTALLED: weakref.WeakSet[sessionmaker[Session]] = weakref.WeakSet()


def install_audit_trail(factory: sessionmaker[Session]) -> None:
    """Record the changes of every session `factory` makes (the writer sessions)."""
    if factory not in _INSTALLED:
        event.listen(factory, "after_flush", _record_flush)
        _INSTALLED.add(factory)


def jsonable(value: Any) -> Any:
    """A column value as JSON can hold it, written as `json_values` writes it.

    Dates as ISO text, a `Decimal` as money ("150.00"), bytes as hex. The ledger's
    money columns hold integer cents, so an entry records `amount_cents` as stored.
    """
    if isinstance(value, bytes):
        return value.hex()
    return json_scalar(value)


def _not_plain_json(value: Any) -> Any:
    converted = jsonable(value)
    if converted is value:
        raise TypeError(f"{type(value).__name__} cannot be recorded in the audit trail")
    return converted


# One encoder for every entry: a bulk batch (50,000 charges) dumps as many rows at once.
_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False, default=_not_plain_json)


def _dump(values: dict[str, Any] | None) -> str | None:
    if values is None:
        return None
    return _ENCODER.encode(values)


def _columns(mapper: Mapper[Any]) -> list[str]:
    return [prop.key for prop in mapper.column_attrs]


def _row_key(mapper: Mapper[Any], state: InstanceState[Any]) -> str:
    keys = [mapper.get_property_by_column(col).key for col in mapper.primary_key]
    return "/".join(str(state.dict.get(k)) for k in keys)


class _Recorder:
    """The rows one flush adds to the trail, with the lookups they share."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.rows: list[dict[str, Any]] = []
        self.at = utcnow()
        self._officer: str | None = None
        self._member_of: dict[Any, str | None] = {}

    @property
    def officer(self) -> str:
        if self._officer is None:
            name = (
                self.session.connection()
                .execute(select(ChapterSettings.officer_name).where(ChapterSettings.id == 1))
                .scalar()
            )
            self._officer = name or OFFICER_NOT_NAMED
        return self._officer

    def member(self, values: dict[str, Any]) -> str | None:
        """The HQ ID a row concerns: its own `hq_id`, or its chapter membership's."""
        if values.get("hq_id"):
            return str(values["hq_id"])
        membership_id = values.get("membership_id")
        if membership_id is None:
            return None
        if membership_id not in self._member_of:
            found = (
                self.session.connection()
                .execute(
                    text("SELECT hq_id FROM chapter_membership WHERE id = :id"),
                    {"id": membership_id},
                )
                .scalar()
            )
            self._member_of[membership_id] = str(found) if found is not None else None
        return self._member_of[membership_id]

    def add(
        self,
        state: InstanceState[Any],
        action: str,
        old: dict[str, Any] | None,
        new: dict[str, Any] | None,
    ) -> None:
        mapper = state.mapper
        table = mapper.local_table.name  # type: ignore[attr-defined]
        hq_id = self.member({**state.dict, **(old or {}), **(new or {})})
        self.rows.append(
            {
                "at": self.at,
                "officer": self.officer,
                "table_name": table,
                "row_key": _row_key(mapper, state)[:200],
                "action": action,
                "hq_id": hq_id,
                "old_values": _dump(old),
                "new_values": _dump(new),
            }
        )
        touched = self.session.info.get("touched")
        if touched is not None:  # the unit-of-work door checks these against the policy
            touched.append((table, action, state.obj(), old, new))
        changes = self.session.info.get("changes")
        if changes is not None:
            changes.note_table(table, hq_id)


def record_bulk_rows(
    session: Session,
    table_name: str,
    ids: Sequence[int],
    rows: Sequence[dict[str, Any]],
    batch_id: int,
) -> list[str | None]:
    """Audit rows a Core statement inserted (which the flush listener never sees).

    Each row becomes one `insert` entry carrying its values and the number of the
    `change_batch` it belongs to, so a member's trail shows every charge and
    payment however it was posted. Returns the member each row concerns.
    """
    recorder = _Recorder(session)
    members: list[str | None] = []
    for row_id, values in zip(ids, rows, strict=True):
        hq_id = recorder.member(values)
        members.append(hq_id)
        recorder.rows.append(
            {
                "at": recorder.at,
                "officer": recorder.officer,
                "table_name": table_name,
                "row_key": str(row_id),
                "action": "insert",
                "hq_id": hq_id,
                "old_values": None,
                "new_values": _dump({"id": row_id, **values, "change_batch": batch_id}),
            }
        )
    for start in range(0, len(recorder.rows), 5000):
        session.connection().execute(insert(AuditEntry), recorder.rows[start : start + 5000])
    return members


def _audited(state: InstanceState[Any]) -> bool:
    table = getattr(state.mapper.local_table, "name", None)
    return table is not None and table not in NOT_AUDITED


def _record_flush(session: Session, _context: UOWTransaction) -> None:
    recorder = _Recorder(session)
    with session.no_autoflush:
        for obj in session.new:
            state = inspect(obj)
            if _audited(state):
                new = {k: state.dict.get(k) for k in _columns(state.mapper)}
                recorder.add(state, "insert", None, new)
        for obj in session.dirty:
            state = inspect(obj)
            if not _audited(state) or not session.is_modified(obj, include_collections=False):
                continue
            old: dict[str, Any] = {}
            new = {}
            for key in _columns(state.mapper):
                history = state.attrs[key].history
                if history.added or history.deleted:
                    old[key] = history.deleted[0] if history.deleted else None
                    new[key] = history.added[0] if history.added else None
            if new != old:
                recorder.add(state, "update", old, new)
        for obj in session.deleted:
            state = inspect(obj)
            if _audited(state):
                old = {k: state.dict.get(k) for k in _columns(state.mapper)}
                recorder.add(state, "delete", old, None)
        if recorder.rows:
            session.connection().execute(insert(AuditEntry), recorder.rows)
