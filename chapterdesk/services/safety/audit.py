"""Reading the audit trail: who changed what, when, with the old and new values.

The trail is written by the writer sessions themselves (`data/audit_trail.py`)
and cannot be edited; these functions only read it, for a member or as a
whole, and export it as CSV for the chapter's records.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sqlalchemy import Integer, select
from sqlalchemy.orm import Session

from chapterdesk.audit_sentences import Names, describe, local_minute
from chapterdesk.backup import fsync_path, write_failure
from chapterdesk.data.audit_models import AuditEntry
from chapterdesk.data.engine import Database
from chapterdesk.data.models import (
    ChapterSettings,
    HqMember,
    MembershipCategory,
    OfficerPosition,
    all_models,
)
from chapterdesk.errors import BadInputError
from chapterdesk.exports.sheets import neutralise_formula
from chapterdesk.file_kinds import require_writable_target
from chapterdesk.names import display_name
from chapterdesk.values import normalise_hq_id

DEFAULT_LIMIT = 1000
CSV_COLUMNS = (
    "id", "at_utc", "at_local", "officer", "change", "table", "row_key", "action", "hq_id", "old",
    "new",
)


@dataclass(frozen=True)
class AuditRecord:
    """One recorded change."""

    id: int
    at: dt.datetime
    officer: str
    table: str
    row_key: str
    action: str
    hq_id: str | None
    old: dict[str, Any] | None
    new: dict[str, Any] | None
    #: The change in a sentence, "Dues rate for Emeritus 2027 set to $35.00 by Pat Lee".
    sentence: str = ""

    def summary(self) -> str:
        """The changed fields in one line, e.g. `left_on: None → 2026-05-01`."""
        if self.action == "update":
            old, new = self.old or {}, self.new or {}
            return "; ".join(f"{k}: {old.get(k)} → {new.get(k)}" for k in sorted(new))
        values = self.new if self.action == "insert" else self.old
        shown = {k: v for k, v in (values or {}).items() if v not in (None, "")}
        return ", ".join(f"{k}={v}" for k, v in sorted(shown.items()))


def _record(row: AuditEntry) -> AuditRecord:
    return AuditRecord(
        id=row.id,
        at=row.at,
        officer=row.officer,
        table=row.table_name,
        row_key=row.row_key,
        action=row.action,
        hq_id=row.hq_id,
        old=json.loads(row.old_values) if row.old_values else None,
        new=json.loads(row.new_values) if row.new_values else None,
    )


def audit_log(
    db: Database,
    hq_id: str | None = None,
    since: dt.datetime | dt.date | None = None,
    limit: int | None = DEFAULT_LIMIT,
) -> list[AuditRecord]:
    """The recorded changes, newest first: all of them, or those about one member.

    Args:
        hq_id: only changes concerning this HQ member ID.
        since: only changes at or after this UTC time (a date means its midnight).
        limit: at most this many (None for all).
    Raises:
        BadInputError: a malformed HQ ID or a limit below 1.
    """
    if limit is not None and limit < 1:
        raise BadInputError("The limit must be 1 or more.")
    query = _filtered(
        select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()), hq_id, since
    )
    if limit is not None:
        query = query.limit(limit)
    with db.reading() as session:
        return described(session, [_record(row) for row in session.scalars(query)])


def _current_rows(
    session: Session, records: list[AuditRecord]
) -> dict[tuple[str, str], dict[str, Any]]:
    """The rows changed or removed, as they are now, by (table, row key), for their sentences."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    keys_by_table: dict[str, set[str]] = {}
    for r in records:
        keys_by_table.setdefault(r.table, set()).add(r.row_key)
    for name, keys in keys_by_table.items():
        table = all_models().tables.get(name)
        if table is None or len(table.primary_key.columns) != 1:
            continue  # (composite keys: the entry's own values say enough)
        key_column = next(iter(table.primary_key.columns))
        wanted = sorted(keys)
        if isinstance(key_column.type, Integer):
            wanted = [k for k in wanted if k.isdigit()]
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            values = [int(k) for k in chunk] if isinstance(key_column.type, Integer) else chunk
            for row in session.execute(select(table).where(key_column.in_(values))).mappings():
                found[(name, str(row[key_column.name]))] = dict(row)
    return found


def described(session: Session, records: list[AuditRecord]) -> list[AuditRecord]:
    """The records with their sentences, naming the members, categories and positions they touch."""
    if not records:
        return records
    settings = session.get(ChapterSettings, 1)
    hq_ids = {r.hq_id for r in records if r.hq_id} | {
        str(v["hq_id"]) for r in records for v in (r.old, r.new) if v and v.get("hq_id")
    }
    members: dict[str, str] = {}
    wanted = sorted(hq_ids)
    for start in range(0, len(wanted), 500):
        rows = session.execute(
            select(HqMember.hq_id, HqMember.first_name, HqMember.middle_name,
                   HqMember.last_name, HqMember.suffix)
            .where(HqMember.hq_id.in_(wanted[start : start + 500]))
        )
        for hq_id, first, middle, last, suffix in rows:
            members[hq_id] = display_name(first, middle, last, suffix)
    names = Names(
        rows=_current_rows(session, [r for r in records if r.action != "insert"]),
        currency=settings.currency if settings is not None else "USD",
        categories={
            int(i): str(n)
            for i, n in session.execute(select(MembershipCategory.id, MembershipCategory.name))
        },
        positions={
            int(i): str(n)
            for i, n in session.execute(select(OfficerPosition.id, OfficerPosition.name))
        },
        members=members,
    )
    return [replace(r, sentence=describe(r, names)) for r in records]


def _filtered(query: Any, hq_id: str | None, since: dt.datetime | dt.date | None) -> Any:
    if hq_id is not None:
        query = query.where(AuditEntry.hq_id == normalise_hq_id(hq_id))
    if since is not None:
        start = since if isinstance(since, dt.datetime) else dt.datetime.combine(since, dt.time())
        query = query.where(AuditEntry.at >= start)
    return query


def audit_ids(
    db: Database, hq_id: str | None = None, since: dt.datetime | dt.date | None = None
) -> list[int]:
    """The ids of the recorded changes, newest first, for a view that pages through them.

    A window showing a long trail keeps only these integers and reads the rows it
    paints with `audit_records`, so a trail of any length opens at once.

    Raises:
        BadInputError: a malformed HQ ID.
    """
    query = _filtered(
        select(AuditEntry.id).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()), hq_id, since
    )
    with db.reading() as session:
        return [int(i) for i in session.scalars(query)]


def audit_records(db: Database, ids: list[int]) -> list[AuditRecord]:
    """The recorded changes with these ids, in the order given (ids no longer there are skipped)."""
    if not ids:
        return []
    with db.reading() as session:
        rows = session.scalars(select(AuditEntry).where(AuditEntry.id.in_(ids)))
        found = {r.id: r for r in described(session, [_record(row) for row in rows])}
    return [found[i] for i in ids if i in found]


def _json_cell(value: object) -> str:
    """A changed row's values as one JSON text cell ("" for none)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else ""


def export_audit_csv(
    db: Database,
    target: Path,
    hq_id: str | None = None,
    since: dt.datetime | dt.date | None = None,
) -> int:
    """Write the whole trail (or one member's) to a CSV file (0600), oldest first; return rows.

    The file is written under a temporary name and renamed into place when complete.

    Raises:
        DatabaseError: the file could not be written (a full disk, …).
    """
    target = require_writable_target(Path(target).expanduser().absolute(), "the audit CSV")
    records = list(reversed(audit_log(db, hq_id=hq_id, since=since, limit=None)))
    partial = target.with_name(f".{target.name}.partial")
    try:
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(partial, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(CSV_COLUMNS)
            for r in records:
                # Every text cell guarded as the other CSV exports guard theirs: an
                # officer named "=HYPERLINK(…)" must not become a formula in Excel.
                writer.writerow(
                    (
                        r.id,
                        r.at.isoformat(sep=" ", timespec="seconds"),
                        local_minute(r.at),
                        neutralise_formula(r.officer),
                        neutralise_formula(r.sentence),
                        r.table,
                        neutralise_formula(r.row_key),
                        r.action,
                        neutralise_formula(r.hq_id or ""),
                        neutralise_formula(_json_cell(r.old)),
                        neutralise_formula(_json_cell(r.new)),
                    )
                )
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, target)
        fsync_path(target.parent)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise write_failure(target, exc) from None
    return len(records)
