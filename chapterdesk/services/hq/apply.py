"""Applying an import plan in one transaction, the batch history, and undo.

Applying writes only HQ data (chapter facts are never touched) and deletes
nothing: members missing from the export are marked so, not removed. Every
record the batch touches is kept as it was before, so the latest batch can be
undone exactly. An automatic backup of the embedded database is taken first.

Officers keep working while an import is previewed: a local edit of an
HQ-owned field made after the plan (`services.hq.edits`) must not be
overwritten silently. The apply locks the records it changes (`FOR UPDATE` on
PostgreSQL; SQLite's writer lock already excludes other writers), reads them
again, and holds every field whose value is no longer what the plan saw: the
member is counted as a conflict, the officer's value stays, and the next import
shows HQ's value against it for the officer to settle.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from sqlalchemy import Insert, Update, bindparam, delete, insert, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from chapterdesk.collector import collector_paused
from chapterdesk.data.audit_trail import OFFICER_NOT_NAMED
from chapterdesk.data.engine import Database
from chapterdesk.data.hq_models import HqConflict, HqLocalEdit, HqMemberChange
from chapterdesk.data.models import (
    ChapterMembership,
    HqAffiliation,
    HqMember,
    ImportBatch,
    utcnow,
)
from chapterdesk.errors import NotFoundError, RuleRefusedError
from chapterdesk.hq_fields import DATE_FIELDS, HQ_FIELDS
from chapterdesk.hqsync import DISPLAY_NAMES, ImportCancelled
from chapterdesk.services import door
from chapterdesk.services.chapter import settings_row
from chapterdesk.services.hq.conflicts import IDENTITY, KEEP_LOCAL
from chapterdesk.services.hq.mass_missing import refuse_mass_missing
from chapterdesk.services.hq.plan import (
    ChangeKind,
    ImportPlan,
    MemberChange,
    held_value,
    record_json,
    remember_mapping,
    stored_value,
)
from chapterdesk.services.safety.backups import start_backup_before_change
from chapterdesk.standing import normalise_key

CHUNK = 2000
APPLY_SLICE = 10_000  #: changes built, written and dropped together (bounds memory)
#: pg_advisory_xact_lock key held while an import is applied or undone ("CD-HQimp" in ASCII).
IMPORT_LOCK_KEY = 0x4344_2D48_5169_6D70
#: `tick(phase, done, total)`: reports progress and raises ImportCancelled when asked to stop.
Tick = Callable[[str, int, int], None]


@dataclass(frozen=True)
class ImportResult:
    """What an applied import did."""

    batch_id: int | None
    counts: dict[str, int]
    held: tuple[str, ...]
    already_imported_batch: int | None = None


@dataclass(frozen=True)
class BatchView:
    """One import batch in the history."""

    batch_id: int
    file_name: str
    sha256: str
    imported_at: dt.datetime
    data_as_of: dt.date
    row_count: int
    counts: dict[str, int]
    officer: str
    undone_at: dt.datetime | None


def _iso_date(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} cannot be kept in an import's history")


# One encoder for every record of a batch (dates as ISO text): thousands are dumped at once.
_RECORD_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, default=_iso_date)


def _json_record(values: dict[str, object]) -> str:
    return _RECORD_ENCODER.encode(values)


def _record_from_json(text: str) -> dict[str, object]:
    values: dict[str, object] = json.loads(text)
    for name in DATE_FIELDS:
        raw = values.get(name)
        values[name] = dt.date.fromisoformat(raw) if isinstance(raw, str) else None
    return values


def _affiliations(hq_id: str, chapters: object) -> list[dict[str, object]]:
    rows: dict[str, dict[str, object]] = {}
    for name in str(chapters or "").split(";"):
        clean = " ".join(name.split())
        key = normalise_key(clean)
        if key and key not in rows:
            rows[key] = {"hq_id": hq_id, "chapter_key": key, "chapter_name": clean[:200]}
    return list(rows.values())


def _chunks(items: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _current_rows(session: Session, ids: list[str]) -> dict[str, dict[str, object]]:
    """The records the apply will change, locked against other officers until it commits."""
    names = (*HQ_FIELDS, "in_latest_export", "last_batch_id")
    columns = [getattr(HqMember, n) for n in ("hq_id", *names)]
    found: dict[str, dict[str, object]] = {}
    session.flush()  # read through the connection (Core rows, no ORM loading): flush first
    connection = session.connection()
    for chunk in _chunks(ids):
        query = select(*columns).where(HqMember.hq_id.in_(chunk)).with_for_update()
        for row in connection.execute(query):
            found[row[0]] = dict(zip(names, row[1:], strict=True))
    return found


def _one_import_at_a_time(session: Session) -> None:
    """Take the import lock until the unit of work ends (PostgreSQL; SQLite has one writer).

    Applying and undoing both check which batch is the latest and then write a
    new one; two officers doing so at once on a shared server would both pass
    the check. The second now waits for the first, then sees its batch.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": IMPORT_LOCK_KEY})


def _latest_batch(session: Session) -> ImportBatch | None:
    return session.scalars(
        select(ImportBatch)
        .where(ImportBatch.undone_at.is_(None))
        .order_by(ImportBatch.id.desc())
        .limit(1)
    ).first()


@collector_paused()
def apply_import(
    db: Database,
    plan: ImportPlan,
    *,
    rejected: Collection[str] = (),
    accept_conflicts: Collection[str] = (),
    excluded: Collection[str] = (),
    keep_local: Collection[str] = (),
    take_hq: Collection[str] = (),
    officer: str | None = None,
    progress: Callable[[str, int, int | None], None] | None = None,
    cancel: Callable[[], bool] | None = None,
    allow_mass_missing: bool = False,
) -> ImportResult:
    """Apply a plan in one transaction and record it as a batch.

    Args:
        rejected: HQ IDs whose changes the officer rejected (left as they are).
        accept_conflicts: HQ IDs whose conflicts the officer settled in HQ's favour;
            other conflicts are held (identity conflicts wholly, local-edit
            conflicts field by field) for `services.hq.conflicts` to settle.
        excluded: changes left out, as "HQ_ID" (the member's whole change) or
            "HQ_ID:FIELD"; remembered in the batch, shown as left out next time.
        keep_local: conflicts settled in the chapter's favour, as "HQ_ID:FIELD"
            ("HQ_ID:identity" for an ID that names another person).
        take_hq: conflicts settled in HQ's favour, as "HQ_ID:FIELD".
        progress: called as `progress("applying", done, total)` every few thousand records.
        cancel: polled as often; returning True rolls the whole transaction back.
        allow_mass_missing: the officer confirmed a file with no member rows, or one
            that marks over half the chapter missing (`mass_missing`).
    Raises:
        BadInputError: the plan would mark most of the chapter missing, unconfirmed.
        RuleRefusedError: HQ data changed since the plan was made.
        ImportCancelled: `cancel()` returned True; nothing was written.
    """

    def tick(phase: str, done: int, total: int) -> None:
        if cancel is not None and cancel():
            raise ImportCancelled()
        if progress is not None:
            progress(phase, done, total)

    rejected_ids = set(rejected) | {key for key in excluded if ":" not in key}
    choices = Choices(
        set(accept_conflicts),
        set(keep_local),
        set(take_hq),
        {tuple(key.split(":", 1)) for key in excluded if ":" in key},  # type: ignore[misc]
    )
    if not plan.changes and not plan.agreed and plan.already_imported_batch is not None:
        return ImportResult(None, plan.counts, (), plan.already_imported_batch)
    if not allow_mass_missing:
        refuse_mass_missing(plan)
    # Copied and verified on a thread while the changes are written; waited for before commit.
    backup = start_backup_before_change(db, "before-import")
    try:
        with door.change(db, "apply HQ import") as uow:
            result = _apply_in(uow.session, plan, officer, rejected_ids, choices, tick)
            if backup is not None:
                backup.wait()  # no commit without the backup of what it changes
            return result
    finally:
        if backup is not None:
            with contextlib.suppress(Exception):  # already raised to the caller if it failed
                backup.wait()


def _apply_in(
    session: Session,
    plan: ImportPlan,
    officer: str | None,
    rejected_ids: set[str],
    choices: Choices,
    tick: Tick,
) -> ImportResult:
    """Record the batch and write its changes in the unit of work's session."""
    _one_import_at_a_time(session)
    latest = _latest_batch(session)
    if (latest.id if latest else None) != plan.base_batch_id:
        raise RuleRefusedError(
            "HQ data changed since this preview was made (another import was applied or "
            "undone); preview the file again."
        )
    who = officer or settings_row(session).officer_name or OFFICER_NOT_NAMED
    batch = ImportBatch(
        file_name=plan.path.name[:500],
        sha256=plan.sha256,
        data_as_of=plan.as_of,
        row_count=plan.parsed.row_count,
        mapping_json=json.dumps(plan.parsed.mapping.by_header(), sort_keys=True),
        counts_json="{}",
        officer=who[:200],
    )
    session.add(batch)
    session.flush()
    kept = _Kept()
    for change in plan.changes:  # a member's whole change left out is remembered field by field
        if change.hq_id in rejected_ids:
            kept.excluded += [[change.hq_id, f.field, held_value(f.new)] for f in change.fields]
    counts, held = _write_changes(session, plan, batch.id, rejected_ids, choices, kept, tick)
    _drop_agreed(session, plan.agreed, kept)
    batch.counts_json = json.dumps(counts, sort_keys=True)
    batch.held_json = json.dumps(
        {"excluded": sorted(kept.excluded), "before": kept.before}, sort_keys=True
    )
    remember_mapping(session, plan.parsed.mapping)
    return ImportResult(batch.id, counts, tuple(sorted(held)))


def _write_changes(
    session: Session,
    plan: ImportPlan,
    batch_id: int,
    rejected: set[str],
    choices: Choices,
    kept: _Kept,
    tick: Tick,
) -> tuple[dict[str, int], set[str]]:
    """Write the plan's changes a slice at a time; return the counts and the IDs held back.

    Each slice's rows, inserts and history are built, written and dropped before
    the next: a first import of a whole international roster is half a million
    new records, and holding every one of them three times over (the row, the
    insert, the history) would take gigabytes. It is all one transaction still.
    """
    todo = [c for c in plan.changes if c.hq_id not in rejected]
    held: set[str] = set(rejected)
    counts = dict.fromkeys(plan.counts, 0)
    counts["unchanged"] = plan.unchanged
    total = len(todo)
    for start in range(0, max(total, 1), APPLY_SLICE):
        part = todo[start : start + APPLY_SLICE]
        _write_slice(
            session, plan, batch_id, part, (start, total), choices, kept, held, counts, tick
        )
    tick("recording history", total, total)
    return counts, held


def _write_slice(
    session: Session,
    plan: ImportPlan,
    batch_id: int,
    todo: list[MemberChange],
    place: tuple[int, int],
    choices: Choices,
    kept: _Kept,
    held: set[str],
    counts: dict[str, int],
    tick: Tick,
) -> None:
    offset, total = place
    existing = _current_rows(session, [c.hq_id for c in todo if c.kind is not ChangeKind.NEW])
    new_rows: list[dict[str, object]] = []
    updates: list[tuple[object, ...]] = []  #: `_UPDATED` values, the HQ ID last
    missing: list[str] = []
    history: list[tuple[MemberChange, dict[str, object] | None, dict[str, object]]] = []
    affiliations: list[dict[str, object]] = []
    replaced_affiliations: list[str] = []
    for done, change in enumerate(todo, start=offset):
        if not done % CHUNK:
            tick("applying", done, total)
        new = plan.new_records.get(change.hq_id, {})
        if change.kind is ChangeKind.NEW:
            record = {
                name: new.get(name, None if name in DATE_FIELDS else "") for name in HQ_FIELDS
            }
            new_rows.append(
                {
                    "hq_id": change.hq_id,
                    **record,
                    "in_latest_export": True,
                    "last_batch_id": batch_id,
                }
            )
            affiliations += _affiliations(change.hq_id, record["chapters"])
            history.append((change, None, record))
            counts["new"] += 1
            continue
        before = existing[change.hq_id]
        if change.kind is ChangeKind.MISSING:
            missing.append(change.hq_id)
            history.append((change, before, {**before, "in_latest_export": False}))
            counts["missing"] += 1
            continue
        decisions = choices.decisions(change)
        apply_fields = _fields_to_apply(change, decisions)
        left_out = choices.fields.get(change.hq_id, set()) & apply_fields
        if left_out:
            apply_fields -= left_out
            kept.excluded += [
                [change.hq_id, f.field, held_value(f.new)]
                for f in change.fields
                if f.field in left_out
            ]
        edited_since = _edited_since_plan(change, before)
        if edited_since:
            apply_fields -= edited_since
            held.add(change.hq_id)
        if change.conflicts:
            kept.remember(session, change.hq_id)
            if _settle_in_import(session, change, decisions, edited_since, new, batch_id):
                held.add(change.hq_id)
        after = {name: (new[name] if name in apply_fields else before[name]) for name in HQ_FIELDS}
        updates.append((*after.values(), True, batch_id, change.hq_id))
        if "chapters" in apply_fields:
            replaced_affiliations.append(change.hq_id)
            affiliations += _affiliations(change.hq_id, after["chapters"])
        history.append((change, before, after))
        conflicted_now = change.kind is ChangeKind.CONFLICT or bool(edited_since)
        counts["conflicts" if conflicted_now else change.kind.value] += 1
    tick("writing", offset, total)
    _execute_writes(session, new_rows, updates, missing, replaced_affiliations, affiliations)
    rows = [
        (batch_id, c.hq_id, c.kind.value, None if b is None else _json_record(b), _json_record(a))
        for c, b, a in history
    ]
    recording = insert(HqMemberChange).values({name: bindparam(name) for name in _HISTORY})
    for start in range(0, len(rows), CHUNK):
        tick("recording history", offset + start, total)
        driver_executemany(session, recording, _HISTORY, rows[start : start + CHUNK])


def _edited_since_plan(change: MemberChange, current: dict[str, object]) -> set[str]:
    """Fields the plan would change whose stored value changed after the plan was made.

    The plan recorded each field's old value; a different value now (and not
    already HQ's new one) is an officer's edit made meanwhile, which HQ's value
    must not overwrite unseen.
    """
    return {
        f.field
        for f in change.fields
        if stored_value(f.field, current.get(f.field)) not in (f.old, f.new)
    }


@dataclass
class Choices:
    """What the officer chose in the review: conflicts settled, changes left out."""

    accepted: set[str]  #: HQ IDs whose every conflict is settled in HQ's favour
    keep: set[str]  #: "HQ_ID:FIELD" settled in the chapter's favour
    take: set[str]  #: "HQ_ID:FIELD" settled in HQ's favour
    pairs: set[tuple[str, str]]  #: (HQ ID, field) left out

    @property
    def fields(self) -> dict[str, set[str]]:
        """The fields left out, by HQ ID."""
        found: dict[str, set[str]] = {}
        for hq_id, name in self.pairs:
            found.setdefault(hq_id, set()).add(name)
        return found

    def decisions(self, change: MemberChange) -> dict[str, str]:
        """Each conflict's settlement: "take" (HQ's), "keep" (the chapter's) or "hold"."""
        found = {}
        for conflict in change.conflicts:
            key = f"{change.hq_id}:{conflict.field}"
            if change.hq_id in self.accepted or key in self.take:
                found[conflict.field] = "take"
            elif key in self.keep:
                found[conflict.field] = "keep"
            else:
                found[conflict.field] = "hold"
        return found


@dataclass
class _Kept:
    """What a batch remembers beside its records (`import_batch.held_json`).

    `excluded` lists each change left out as [HQ ID, field, HQ's value];
    `before` the corrections and conflicts of every member whose corrections or
    conflicts the batch changed, as they were before it, for `undo_batch`.
    """

    excluded: list[list[str]] = dataclasses.field(default_factory=list)
    before: dict[str, dict[str, list[list[object]]]] = dataclasses.field(default_factory=dict)

    def remember(self, session: Session, hq_id: str) -> None:
        if hq_id not in self.before:
            self.before[hq_id] = held_rows(session, hq_id)


def held_rows(session: Session, hq_id: str) -> dict[str, list[list[object]]]:
    """A member's corrections and conflicts as rows of plain values (datetimes as ISO text)."""
    edits = session.scalars(
        select(HqLocalEdit).where(HqLocalEdit.hq_id == hq_id).order_by(HqLocalEdit.field)
    )
    conflicts = session.scalars(
        select(HqConflict).where(HqConflict.hq_id == hq_id).order_by(HqConflict.field)
    )
    return {
        "edits": [
            [
                e.field,
                e.local_value,
                e.hq_value,
                e.reason,
                e.edited_at.isoformat(),
                e.settled_hq_value,
            ]
            for e in edits
        ],
        "conflicts": [
            [c.field, c.local_value, c.hq_value, c.batch_id, c.settled, c.found_at.isoformat()]
            for c in conflicts
        ],
    }


def _put_back_held(session: Session, hq_id: str, rows: dict[str, list[list[object]]]) -> None:
    """Make a member's corrections and conflicts exactly `rows` again (through the ORM: audited)."""
    for edit in session.scalars(select(HqLocalEdit).where(HqLocalEdit.hq_id == hq_id)):
        session.delete(edit)
    for conflict in session.scalars(select(HqConflict).where(HqConflict.hq_id == hq_id)):
        session.delete(conflict)
    session.flush()
    for name, local, hq, reason, at, settled_hq in rows["edits"]:
        session.add(
            HqLocalEdit(
                hq_id=hq_id,
                field=name,
                local_value=local,
                hq_value=hq,
                reason=reason,
                edited_at=dt.datetime.fromisoformat(str(at)),
                settled_hq_value=settled_hq,
            )
        )
    for name, local, hq, batch, settled, at in rows["conflicts"]:
        session.add(
            HqConflict(
                hq_id=hq_id,
                field=name,
                local_value=local,
                hq_value=hq,
                batch_id=batch,
                settled=settled,
                found_at=dt.datetime.fromisoformat(str(at)),
            )
        )
    session.flush()


def _drop_agreed(session: Session, agreed: Sequence[tuple[str, str]], kept: _Kept) -> None:
    """Corrections HQ took up are corrections no more; a conflict on them is moot."""
    for hq_id, name in agreed:
        kept.remember(session, hq_id)
        edit, conflict = (
            session.get(HqLocalEdit, (hq_id, name)),
            session.get(HqConflict, (hq_id, name)),
        )
        for row in (edit, conflict):
            if row is not None:
                session.delete(row)
    session.flush()


def _fields_to_apply(change: MemberChange, decisions: dict[str, str]) -> set[str]:
    """The fields of a change that may be written (none while its identity is in question)."""
    fields = {f.field for f in change.fields}
    if decisions.get(IDENTITY, "take") != "take":
        return set()
    return fields - {name for name, choice in decisions.items() if choice != "take"}


def _settle_in_import(
    session: Session,
    change: MemberChange,
    decisions: dict[str, str],
    edited_since: set[str],
    new: dict[str, object],
    batch_id: int,
) -> bool:
    """Settle or hold each conflict of a change; whether any is held for later.

    Taken: the correction goes (HQ's value is written by the caller). Kept: the
    correction now stands in for HQ's newest value. Held: an `HqConflict` row
    waits for an officer. A field edited since the plan stays as it is.
    """
    hq_id, held = change.hq_id, False
    for conflict in change.conflicts:
        name, choice = conflict.field, decisions[conflict.field]
        if name in edited_since:
            continue
        hq_value = record_json(new) if name == IDENTITY else held_value(new.get(name))
        row = session.get(HqConflict, (hq_id, name))
        if choice == "take":
            doomed = [name] if name != IDENTITY else [c.field for c in change.conflicts]
            for gone in (session.get(HqLocalEdit, (hq_id, n)) for n in doomed):
                if gone is not None:
                    session.delete(gone)
            if row is not None:
                session.delete(row)
            continue
        if choice == "keep" and name != IDENTITY:
            edit = session.get(HqLocalEdit, (hq_id, name))
            if edit is not None:
                edit.hq_value = edit.settled_hq_value = hq_value
            if row is not None:
                session.delete(row)
            continue
        held = held or choice == "hold"
        settled = KEEP_LOCAL if choice == "keep" else ""
        local = conflict.local
        if row is None:
            session.add(
                HqConflict(
                    hq_id=hq_id,
                    field=name,
                    local_value=local,
                    hq_value=hq_value,
                    batch_id=batch_id,
                    settled=settled,
                )
            )
        elif (row.hq_value, row.settled) != (hq_value, settled):
            row.local_value, row.hq_value = local, hq_value
            row.batch_id, row.settled, row.found_at = batch_id, settled, utcnow()
    session.flush()
    return held


#: What a history row and an updated record are written with, in order.
_HISTORY = ("batch_id", "hq_id", "kind", "before_json", "after_json")
_UPDATED = (*HQ_FIELDS, "in_latest_export", "last_batch_id", "b_id")


def driver_executemany(
    session: Session,
    statement: Insert | Update,
    names: Sequence[str],
    rows: Sequence[Sequence[object]],
) -> None:
    """Execute `statement` once per row of plain values (in `names` order) in one executemany.

    The rows go to the database driver as it takes them (tuples, or dicts for a
    driver with named parameters), compiled once for the session's database:
    SQLAlchemy's executemany builds a parameter dict per row, most of the cost of
    writing thousands of records. Values are converted only where the column's
    type has a bind processor for this database (dates on SQLite).
    """
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    compiled = statement.compile(dialect=dialect)
    kinds = {bind.key: bind.type for bind in compiled.binds.values()}
    convert = [
        (i, processor)
        for i, name in enumerate(names)
        if (processor := kinds[name].dialect_impl(dialect).bind_processor(dialect)) is not None
    ]
    if convert:
        converted = []
        for row in rows:
            values = list(row)
            for i, processor in convert:
                values[i] = processor(values[i])
            converted.append(values)
        rows = converted
    if compiled.positional:
        order = itemgetter(*(names.index(key) for key in compiled.positiontup or ()))
        params: list[Any] = [order(row) for row in rows]
        if len(names) == 1:
            params = [(value,) for value in params]
    else:
        params = [dict(zip(names, row, strict=True)) for row in rows]
    connection.exec_driver_sql(compiled.string, params)


def _execute_writes(
    session: Session,
    new_rows: list[dict[str, object]],
    updates: list[tuple[object, ...]],
    missing: list[str],
    replaced: list[str],
    affiliations: list[dict[str, object]],
) -> None:
    connection = session.connection()
    for start in range(0, len(new_rows), CHUNK):
        connection.execute(insert(HqMember), new_rows[start : start + CHUNK])
    if updates:
        statement = (
            update(HqMember)
            .where(HqMember.hq_id == bindparam("b_id"))
            .values({name: bindparam(name) for name in _UPDATED[:-1]})
        )
        driver_executemany(session, statement, _UPDATED, updates)
    for chunk in _chunks(missing):
        session.execute(
            update(HqMember).where(HqMember.hq_id.in_(chunk)).values(in_latest_export=False)
        )
    for chunk in _chunks(replaced):
        session.execute(delete(HqAffiliation).where(HqAffiliation.hq_id.in_(chunk)))
    for start in range(0, len(affiliations), CHUNK):
        connection.execute(insert(HqAffiliation), affiliations[start : start + CHUNK])


def _view(batch: ImportBatch) -> BatchView:
    return BatchView(
        batch.id,
        batch.file_name,
        batch.sha256,
        batch.imported_at,
        batch.data_as_of,
        batch.row_count,
        json.loads(batch.counts_json or "{}"),
        batch.officer,
        batch.undone_at,
    )


def list_batches(db: Database) -> list[BatchView]:
    """Every import batch, newest first."""
    with db.reading() as session:
        return [
            _view(b) for b in session.scalars(select(ImportBatch).order_by(ImportBatch.id.desc()))
        ]


def undo_batch(db: Database, batch_id: int) -> BatchView:
    """Put the HQ data back exactly as it was before the latest batch.

    Raises:
        NotFoundError: no such batch.
        RuleRefusedError: it is not the latest batch, was undone already, or a
            record it created is now on the chapter roster.
    """
    with door.change(db, "undo HQ import") as uow:
        session = uow.session
        _one_import_at_a_time(session)
        batch = session.get(ImportBatch, batch_id)
        if batch is None:
            raise NotFoundError(f"There is no import batch {batch_id}; see `imports list`.")
        if batch.undone_at is not None:
            raise RuleRefusedError(
                f"Import batch {batch_id} was already undone on {batch.undone_at:%Y-%m-%d %H:%M}."
            )
        latest = _latest_batch(session)
        if latest is not None and latest.id != batch.id:
            raise RuleRefusedError(
                f"Only the latest import can be undone: batch {latest.id} "
                f"({latest.file_name}) came after batch {batch_id}; undo that one first."
            )
        changes = session.scalars(
            select(HqMemberChange).where(HqMemberChange.batch_id == batch_id)
        ).all()
        _refuse_if_edited_since(session, batch_id, changes)
        created = [c.hq_id for c in changes if c.before_json is None]
        for chunk in _chunks(created):
            used = session.scalars(
                select(ChapterMembership.hq_id).where(ChapterMembership.hq_id.in_(chunk)).limit(1)
            ).first()
            if used is not None:
                raise RuleRefusedError(
                    f"Cannot undo batch {batch_id}: HQ member {used}, new in that batch, has "
                    "since been added to the chapter. Remove that membership first."
                )
        try:
            _restore(session, changes, created)
        except IntegrityError:
            raise RuleRefusedError(
                f"Cannot undo batch {batch_id}: chapter records now refer to HQ members it created."
            ) from None
        kept = json.loads(batch.held_json or "{}")
        for hq_id, rows in sorted(kept.get("before", {}).items()):
            _put_back_held(session, hq_id, rows)
        batch.undone_at = utcnow()
        session.flush()
        return _view(batch)


def _refuse_if_edited_since(
    session: Session, batch_id: int, changes: Sequence[HqMemberChange]
) -> None:
    """Refuse the undo when an officer corrected a record locally after the batch.

    Putting back the record as it was before the batch would silently lose
    that correction. The records are locked (PostgreSQL) until the undo
    commits, so no correction can land between this check and the restore.

    Raises:
        RuleRefusedError: a record differs from what the batch left, naming it and the field.
    """
    current = _current_rows(session, [c.hq_id for c in changes])
    for change in changes:
        now = current.get(change.hq_id)
        if now is None:
            continue
        left = _record_from_json(change.after_json)
        for name in HQ_FIELDS:
            was, is_now = stored_value(name, left.get(name)), stored_value(name, now.get(name))
            if was != is_now:
                field = DISPLAY_NAMES[name]
                raise RuleRefusedError(
                    f"Cannot undo batch {batch_id}: HQ member {change.hq_id}'s {field} "
                    f"was changed after that import ({_shown(was)} → {_shown(is_now)}), and "
                    "undoing would lose that correction. Change it back first (or import a "
                    "newer HQ export instead of undoing)."
                )


def _shown(value: object) -> str:
    return repr(value.isoformat() if isinstance(value, dt.date) else value or "")


def _restore(session: Session, changes: Sequence[HqMemberChange], created: list[str]) -> None:
    for chunk in _chunks(created):
        session.execute(delete(HqAffiliation).where(HqAffiliation.hq_id.in_(chunk)))
        session.execute(delete(HqMember).where(HqMember.hq_id.in_(chunk)))
    restores, affiliations, edits = [], [], []
    for change in changes:
        if change.before_json is None:
            continue
        before = _record_from_json(change.before_json)
        for field, local, hq in before.pop("_local_edits", None) or []:  # type: ignore[attr-defined]
            edits.append(
                {"hq_id": change.hq_id, "field": field, "local_value": local, "hq_value": hq}
            )
        restores.append({"b_id": change.hq_id, **before})
        affiliations += _affiliations(change.hq_id, before["chapters"])
    if restores:
        names = (*HQ_FIELDS, "in_latest_export", "last_batch_id")
        statement = (
            update(HqMember)
            .where(HqMember.hq_id == bindparam("b_id"))
            .values({name: bindparam(name) for name in names})
        )
        session.connection().execute(statement, restores)
        ids = [str(r["b_id"]) for r in restores]
        for chunk in _chunks(ids):
            session.execute(delete(HqAffiliation).where(HqAffiliation.hq_id.in_(chunk)))
        for start in range(0, len(affiliations), CHUNK):
            session.execute(insert(HqAffiliation), affiliations[start : start + CHUNK])
    if edits:
        session.add_all(HqLocalEdit(**edit) for edit in edits)
        session.flush()
