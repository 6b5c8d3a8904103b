"""The difference an HQ export would make, worked out before anything is written.

`plan_import` reads the file (chapterdesk.hqsync), compares every row with the
HQ data in the database and returns an `ImportPlan`: new HQ members, changed
fields (old → new), members newly lapsed or renewed, members missing from this
export, chapter-affiliated HQ members not on the roster, and conflicts (a local
edit HQ contradicts, or an ID whose person changed). The dry run, the UI's
preview and the apply step all stand on the same plan.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import json
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from itertools import compress
from pathlib import Path
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from chapterdesk.collector import collector_paused
from chapterdesk.data.engine import Database
from chapterdesk.data.hq_models import HqConflict, HqLocalEdit, HqMapping
from chapterdesk.data.models import ChapterMembership, ImportBatch
from chapterdesk.errors import BadInputError
from chapterdesk.hq_fields import DATE_FIELDS, HQ_FIELDS
from chapterdesk.hqsync import (
    ImportCancelled,
    Mapping,
    ParsedExport,
    Problem,
    Recognise,
    header_signature,
    read_hq_export,
)
from chapterdesk.names import display_name
from chapterdesk.services.chapter import settings_row
from chapterdesk.services.hq.compare import (
    PRESENT,
    Record,
    changed_by_fingerprint,
    changed_positions,
    file_fingerprints,
    load_fingerprints,
    load_records,
)
from chapterdesk.services.hq.damaged import DamagedText, only_lost_letters
from chapterdesk.standing import Standing, StandingFacts, international_standing, normalise_key

Progress = Callable[[str, int, int | None], None]
Cancel = Callable[[], bool]


class ChangeKind(enum.StrEnum):
    """How an import changes one HQ record (each record is counted under one kind)."""

    NEW = "new"
    CHANGED = "changed"
    LAPSED = "lapsed"
    RENEWED = "renewed"
    MISSING = "missing"
    CONFLICT = "conflict"


COUNT_KEYS = ("new", "changed", "lapsed", "renewed", "missing", "conflicts", "unchanged")


@dataclass(frozen=True)
class FieldChange:
    """One HQ field's old and new value."""

    field: str
    old: str | dt.date | None
    new: str | dt.date | None
    #: the latest batch left this same value out (field-level review, `--exclude`)
    left_out: bool = False


@dataclass(frozen=True)
class Conflict:
    """Something the import must not settle by itself."""

    field: str
    local: str
    hq: str
    reason: str


@dataclass(frozen=True)
class MemberChange:
    """What the import would do to one HQ record."""

    hq_id: str
    kind: ChangeKind
    name: str
    row: int | None
    on_roster: bool
    standing_before: Standing | None
    standing_after: Standing
    fields: tuple[FieldChange, ...] = ()
    conflicts: tuple[Conflict, ...] = ()


class Unlisted(NamedTuple):
    """An HQ member this export affiliates with the chapter who is not on its roster.

    A named tuple, not a dataclass: a big chapter's export names tens of thousands.
    """

    hq_id: str
    name: str
    standing: Standing


@dataclass(frozen=True)
class ImportPlan:
    """Everything the import would do, computed without writing anything."""

    path: Path
    sha256: str
    as_of: dt.date
    parsed: ParsedExport
    base_batch_id: int | None
    changes: tuple[MemberChange, ...]
    unchanged: int
    unlisted: tuple[Unlisted, ...]
    new_records: dict[str, dict[str, object]] = field(repr=False)
    already_imported_batch: int | None = None
    roster_size: int = 0  #: members of the chapter before the import
    damaged: tuple[DamagedText, ...] = ()  #: texts the file's encoding damaged (kept as stored)
    #: corrections HQ now agrees with (its value is the chapter's): (HQ ID, field)
    agreed: tuple[tuple[str, str], ...] = ()

    @property
    def counts(self) -> dict[str, int]:
        """How many records fall under each kind (`conflicts` for conflicts)."""
        counts = dict.fromkeys(COUNT_KEYS, 0)
        for change in self.changes:
            key = "conflicts" if change.kind is ChangeKind.CONFLICT else change.kind.value
            counts[key] += 1
        counts["unchanged"] = self.unchanged
        return counts

    @property
    def problems(self) -> list[Problem]:
        """Every problem the file has, by row."""
        return self.parsed.problems


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def stored_value(name: str, value: object) -> str | dt.date | None:
    """An exported value as the database stores it (chapters joined with "; ")."""
    if name == "chapters":
        return "; ".join(value) if isinstance(value, tuple) else str(value or "")
    if name in DATE_FIELDS:
        return value if isinstance(value, dt.date) else None
    return "" if value is None else str(value)


def _as_stored(values: dict[str, object]) -> dict[str, object]:
    """Values as the reader and `load_records` give them, as `stored_value` gives each.

    Both already give texts as text ("" for empty) and dates as dates or None
    (`compare.load_records` holds the stored records to it, so that an unchanged
    row compares equal as a tuple); only the chapters, a tuple of names, are joined.
    Done for the whole record at once: a field-by-field call was most of a large diff.
    """
    if "chapters" in values:
        values["chapters"] = stored_value("chapters", values["chapters"])
    return values


def remembered_layouts(db: Database) -> Recognise:
    """Every layout an officer confirmed a mapping for, as a lookup from a header row's texts.

    Read once (the table holds a few rows), so a file's header can be looked
    up row by row while it is searched for.
    """
    with db.reading() as session:
        known = {row.signature: row.mapping_json for row in session.scalars(select(HqMapping))}

    def recognise(headers: tuple[str, ...]) -> Mapping | None:
        payload = known.get(header_signature(headers))
        if payload is None:
            return None
        by_header: dict[str, str] = json.loads(payload)
        index = {text: i for i, text in enumerate(headers)}
        columns = {name: index[text] for name, text in by_header.items() if text in index}
        try:
            return Mapping(columns=columns, headers=headers)
        except ValueError:
            return None

    return recognise


def remember_mapping(session: Session, mapping: Mapping) -> None:
    """Remember a confirmed mapping for the next file with the same headers."""
    signature = header_signature(mapping.headers)
    row = session.get(HqMapping, signature)
    payload = json.dumps(mapping.by_header(), sort_keys=True)
    if row is None:
        session.add(HqMapping(signature=signature, mapping_json=payload))
    else:
        row.mapping_json = payload


def read_export(
    db: Database,
    path: Path,
    mapping: Mapping | None = None,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> ParsedExport:
    """Read an export with the given mapping, else a remembered one, else the detected one.

    A file whose layout an officer mapped before is read with that mapping,
    even when the detected one lacks a required column or its ID column has a
    header no one would recognise.
    """
    recognise = None if mapping is not None else remembered_layouts(db)
    return read_hq_export(
        path, mapping=mapping, recognise=recognise, progress=progress, cancel=cancel
    )


def _name(values: dict[str, object]) -> str:
    parts = (str(values.get(k) or "") for k in ("first_name", "middle_name", "last_name", "suffix"))
    return display_name(*parts)


def _identity_changed(old: dict[str, object], new: dict[str, object]) -> bool:
    """Different name and different e-mail: a membership is not transferable."""
    if "last_name" not in new or not old.get("last_name"):
        return False
    old_name = normalise_key(f"{old.get('first_name', '')}{old.get('last_name', '')}")
    new_name = normalise_key(
        f"{new.get('first_name', old.get('first_name', ''))}{new['last_name']}"
    )
    old_mail = str(old.get("email") or "").casefold()
    new_mail = str(new.get("email", old.get("email")) or "").casefold()
    return old_name != new_name and bool(old_mail) and old_mail != new_mail


@dataclass(frozen=True)
class _Snapshot:
    """What the database holds that a plan is compared with (all read in one unit of work).

    `fingerprints` is every stored HQ record as `hq_compare.load_fingerprints`
    gives it; `records` those the plan compares field by field, as
    `hq_compare.load_records` gives them (read once the file is); `listed` the
    IDs of the records the latest export listed.
    """

    chapter_key: str
    grace: int
    base_batch_id: int | None
    latest_sha: str | None
    roster: set[str]
    edits: dict[str, dict[str, HqLocalEdit]]
    records: dict[str, Record]
    listed: set[str]
    kept_identities: dict[str, str] = field(default_factory=dict)
    left_out: frozenset[tuple[str, str, str]] = frozenset()
    fingerprints: dict[str, str] = field(default_factory=dict)


def _read_snapshot(session: Session, abandoned: threading.Event) -> _Snapshot:
    """Read everything the plan compares the file with; on the plan's database thread."""
    settings = settings_row(session)
    latest = session.scalars(
        select(ImportBatch)
        .where(ImportBatch.undone_at.is_(None))
        .order_by(ImportBatch.id.desc())
        .limit(1)
    ).first()
    roster = set(
        session.scalars(select(ChapterMembership.hq_id).where(ChapterMembership.left_on.is_(None)))
    )
    edits: dict[str, dict[str, HqLocalEdit]] = {}
    for edit in session.scalars(select(HqLocalEdit)):
        edits.setdefault(edit.hq_id, {})[edit.field] = edit
    kept = {
        str(hq_id): str(record)
        for hq_id, record in session.execute(
            select(HqConflict.hq_id, HqConflict.hq_value).where(
                HqConflict.field == "identity", HqConflict.settled == "keep_local"
            )
        )
    }
    left_out = frozenset(
        (str(hq_id), str(name), str(value))
        for hq_id, name, value in (json.loads(latest.held_json or "{}") if latest else {}).get(
            "excluded", []
        )
    )
    prints = load_fingerprints(session, HQ_FIELDS, stop=abandoned.is_set)
    return _Snapshot(
        chapter_key=normalise_key(settings.name),
        grace=settings.grace_days,
        base_batch_id=latest.id if latest else None,
        latest_sha=latest.sha256 if latest else None,
        roster=roster,
        edits=edits,
        records={},
        listed={hq_id for hq_id, found in prints.items() if found[-1] == "1"},
        fingerprints=prints,
        kept_identities=kept,
        left_out=left_out,
    )


@collector_paused()
def plan_import(
    db: Database,
    path: Path,
    *,
    mapping: Mapping | None = None,
    skip_invalid: bool = False,
    as_of: dt.date | None = None,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> ImportPlan:
    """Work out what importing an HQ export would change; writes nothing.

    The stored records are read on a second thread while the file is checked
    and parsed: the spreadsheet reader lets go of the interpreter while it
    works, so on a machine with two cores they are ready when the rows are.
    That thread reads one consistent snapshot (one session), handed back
    before anything else uses it.

    Raises:
        BadInputError: the file is unreadable or hostile, a required column is
            missing, or rows have problems and `skip_invalid` is not set (the
            message lists them by row and column).
    """
    day = as_of or dt.date.today()
    with db.reading() as session, ThreadPoolExecutor(1, "hq-plan-db") as database:
        abandoned = threading.Event()  # set when the file is refused or the import cancelled
        reading = database.submit(_read_snapshot, session, abandoned)
        hashing = database.submit(file_sha256, path)  # after the snapshot, on the same thread
        try:
            parsed = read_export(db, path, mapping, progress, cancel)
        except BaseException:
            abandoned.set()  # the records stop early; what has started is awaited by the `with`
            reading.cancel()
            hashing.cancel()
            raise
        state, sha = reading.result(), hashing.result()
        if parsed.problems and not skip_invalid:
            raise _refused_for_problems(path, parsed)
        names = [name for name in HQ_FIELDS if name in parsed.columns]
        state, positions = _changed(session, parsed, names, state)
    return _diff(
        parsed,
        path,
        sha,
        day,
        state,
        positions,
        parsed.row_count - len(positions),
        progress,
        cancel,
    )


def _refused_for_problems(path: Path, parsed: ParsedExport) -> BadInputError:
    shown = "\n".join(f"  {p}" for p in parsed.problems[:50])
    more = len(parsed.problems) - 50
    return BadInputError(
        f"{path.name} has {len(parsed.problems)} problem(s) in {parsed.invalid_rows} "
        "row(s); nothing was imported. Fix the file, or import the valid rows with "
        "--skip-invalid:\n" + shown + (f"\n  … and {more} more" if more > 0 else "")
    )


def _changed(
    session: Session, parsed: ParsedExport, names: list[str], state: _Snapshot
) -> tuple[_Snapshot, list[int]]:
    """The positions of the rows that differ from their stored records, and the snapshot
    with the records the plan compares field by field (those rows', the missing members').

    The rows are told apart by fingerprint (`hq_compare`), which the database
    makes in C; a file whose values hold the fingerprints' separator is compared
    tuple by tuple with every stored record instead.
    """
    prints = parsed.lines  # written as the rows were checked, when they were
    if prints is None or len(prints) != parsed.row_count:
        prints = file_fingerprints(parsed, names)
    if prints is None:
        records = load_records(session)
        return replace(state, records=records), changed_positions(parsed, names, records)
    stored = state.fingerprints
    if len(names) != len(HQ_FIELDS):
        stored = load_fingerprints(session, names)
    positions = changed_by_fingerprint(parsed, stored, prints)
    if prints is parsed.lines:
        prints.clear()  # not needed again: the plan keeps the export, not its lines
    ids: list[str] = parsed.columns["hq_id"]  # type: ignore[assignment]
    wanted = {ids[position] for position in positions} | (state.listed - parsed.ids_in_file)
    return replace(state, records=load_records(session, ids=wanted)), positions


def _standing(paid: object, status: object, present: bool, day: dt.date, grace: int) -> Standing:
    facts = StandingFacts(paid if isinstance(paid, dt.date) else None, str(status or ""), present)
    return international_standing(facts, day, grace)


def _diff(
    parsed: ParsedExport,
    path: Path,
    sha: str,
    day: dt.date,
    state: _Snapshot,
    positions: list[int],
    unchanged: int,
    progress: Progress | None,
    cancel: Cancel | None,
) -> ImportPlan:
    """The plan: every row at `positions` compared field by field with its stored record.

    Rows not at `positions` were found unchanged already and are counted in `unchanged`.
    """
    grace, chapter_key, roster, edits = state.grace, state.chapter_key, state.roster, state.edits
    existing = state.records
    names = [name for name in HQ_FIELDS if name in parsed.columns]
    paid_i, status_i = HQ_FIELDS.index("paid_through"), HQ_FIELDS.index("hq_status")
    changes: list[MemberChange] = []
    damaged: list[DamagedText] = []
    records: dict[str, dict[str, object]] = {}
    ids: list[str] = parsed.columns["hq_id"]  # type: ignore[assignment]
    unlisted = _unlisted(parsed, chapter_key, roster, day, grace)
    columns = [parsed.columns[name] for name in names]
    numbers = parsed.numbers
    total = len(positions)
    for done, position in enumerate(positions):
        if not done % 5000:
            _tick(progress, cancel, done, total)
        hq_id, number = ids[position], numbers[position]
        old = existing.get(hq_id)
        new = _as_stored(dict(zip(names, [column[position] for column in columns], strict=True)))
        if old is None:
            after = _standing(new.get("paid_through"), new.get("hq_status"), True, day, grace)
            changes.append(
                MemberChange(
                    hq_id, ChangeKind.NEW, _name(new), number, hq_id in roster, None, after
                )
            )
            records[hq_id] = new
            continue
        old_values = _as_stored(dict(zip(HQ_FIELDS, old[:PRESENT], strict=True)))
        member_edits = edits.get(hq_id, {})
        differing = [name for name in names if old_values[name] != new[name]]
        for name in differing:  # "Nguy?n" for "Nguyễn": the file's encoding lost letters
            if only_lost_letters(old_values[name], new[name]):
                damaged.append(DamagedText(hq_id, name, str(old_values[name]), str(new[name])))
                new[name] = old_values[name]
        diffs = [
            FieldChange(
                name,
                old_values[name],  # type: ignore[arg-type]
                new[name],  # type: ignore[arg-type]
                (hq_id, name, held_value(new[name])) in state.left_out,
            )
            for name in differing
            if old_values[name] != new[name]
            and not _hq_repeats_itself(member_edits.get(name), new[name])
        ]
        was_present = bool(old[PRESENT])
        if not diffs and was_present:
            unchanged += 1
            continue
        before = _standing(old[paid_i], old[status_i], was_present, day, grace)
        merged = {**old_values, **new}
        after = _standing(merged["paid_through"], merged["hq_status"], True, day, grace)
        conflicts = _conflicts(old_values, new, diffs, member_edits)
        if (
            conflicts
            and conflicts[0].field == "identity"
            and state.kept_identities.get(hq_id) == record_json(new)
        ):
            unchanged += 1  # the officer kept the chapter's record against this very one
            continue
        if conflicts:
            kind = ChangeKind.CONFLICT
        elif before.is_current and not after.is_current:
            kind = ChangeKind.LAPSED
        elif not before.is_current and after.is_current:
            kind = ChangeKind.RENEWED
        else:
            kind = ChangeKind.CHANGED
        changes.append(
            MemberChange(
                hq_id,
                kind,
                _name(merged),
                number,
                hq_id in roster,
                before,
                after,
                tuple(diffs),
                conflicts,
            )
        )
        records[hq_id] = new
    # A member on a skipped (invalid) row is still in HQ's export, not missing from it.
    missing = state.listed - parsed.ids_in_file
    for hq_id in (h for h in existing if h in missing) if missing else ():
        old = existing[hq_id]
        changes.append(
            MemberChange(
                hq_id,
                ChangeKind.MISSING,
                _name(dict(zip(HQ_FIELDS, old, strict=False))),
                None,
                hq_id in roster,
                _standing(old[paid_i], old[status_i], True, day, grace),
                Standing.NOT_IN_HQ,
            )
        )
    return ImportPlan(
        path,
        sha,
        day,
        parsed,
        state.base_batch_id,
        tuple(changes),
        unchanged,
        tuple(unlisted),
        records,
        state.base_batch_id if state.latest_sha == sha else None,
        len(roster),
        tuple(damaged),
        _agreed(parsed, edits),
    )


def _agreed(
    parsed: ParsedExport, edits: dict[str, dict[str, HqLocalEdit]]
) -> tuple[tuple[str, str], ...]:
    """The corrections whose value HQ's export now carries: HQ took them up."""
    if not edits:
        return ()
    ids: list[str] = parsed.columns["hq_id"]  # type: ignore[assignment]
    found = []
    for position, hq_id in enumerate(ids):
        for name, edit in edits.get(hq_id, {}).items():
            column = parsed.columns.get(name)
            if column is not None and held_value(column[position]) == edit.local_value:
                found.append((hq_id, name))
    return tuple(sorted(found))


def _unlisted(
    parsed: ParsedExport, chapter_key: str, roster: set[str], day: dt.date, grace: int
) -> list[Unlisted]:
    """HQ members the export affiliates with this chapter who are not on its roster.

    A big chapter has tens of thousands of them in HQ's export, so only the
    columns the list shows are read, and a standing is worked out once per
    distinct (paid through, status) pair.
    """
    columns = parsed.columns
    chapters = columns.get("chapters")
    if not chapter_key or chapters is None:
        return []
    ours = {
        names: any(normalise_key(n) == chapter_key for n in names)  # type: ignore[attr-defined]
        for names in set(chapters)
    }
    none = [None] * len(chapters)
    ids, firsts = columns["hq_id"], columns.get("first_name", none)
    lasts = columns.get("last_name", none)
    paids, statuses = columns.get("paid_through", none), columns.get("hq_status", none)
    standings: dict[tuple[object, object], Standing] = {}
    found: list[Unlisted] = []
    for position in compress(range(len(chapters)), map(ours.__getitem__, chapters)):
        hq_id = str(ids[position])
        if hq_id in roster:
            continue
        facts = (paids[position], statuses[position])
        standing = standings.get(facts)
        if standing is None:
            standing = standings[facts] = _standing(*facts, True, day, grace)
        name = f"{firsts[position] or ''} {lasts[position] or ''}".strip()
        found.append(Unlisted(hq_id, name, standing))
    return found


def _tick(progress: Progress | None, cancel: Cancel | None, done: int, total: int) -> None:
    if cancel is not None and cancel():
        raise ImportCancelled()
    if progress is not None:
        progress("comparing", done, total)


def held_value(value: object) -> str:
    """A field's value as a conflict or an exclusion remembers it (dates as ISO text)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else str(value)


def record_json(values: dict[str, object]) -> str:
    """HQ's record for an ID as an identity conflict holds it (one text, keys sorted)."""
    return json.dumps(
        {name: held_value(value) for name, value in values.items()},
        ensure_ascii=False,
        sort_keys=True,
    )


def _hq_repeats_itself(edit: HqLocalEdit | None, new: object) -> bool:
    """HQ still sends the value an officer already kept the correction against: stay quiet.

    A correction HQ has not confirmed is contradicted by any other value HQ
    sends, its old one included: the officer sees that once, as a conflict, and
    settles it; keeping the chapter's value makes later repeats of it quiet.
    """
    return edit is not None and str(new or "") == edit.settled_hq_value


def _conflicts(
    old: dict[str, object],
    new: dict[str, object],
    diffs: list[FieldChange],
    edits: dict[str, HqLocalEdit],
) -> tuple[Conflict, ...]:
    found: list[Conflict] = []
    if _identity_changed(old, new):
        found.append(
            Conflict(
                "identity",
                _name(old),
                _name({**old, **new}),
                "the ID now names a different person (name and e-mail both changed); "
                "memberships are not transferable, so check with HQ before accepting",
            )
        )
    for change in diffs:
        edit = edits.get(change.field)
        if edit is not None and str(change.new or "") not in (
            edit.local_value,
            edit.settled_hq_value,
        ):
            found.append(
                Conflict(
                    change.field,
                    edit.local_value,
                    str(change.new or ""),
                    f"an officer changed {change.field} locally to {edit.local_value!r} and HQ "
                    f"now says {change.new!r}",
                )
            )
    return tuple(found)
