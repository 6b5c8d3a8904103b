"""Reviewing a payments file against the chapter, posting it as one batch, and undoing it.

A review reads the file, the current members (through the roster reader) and
what each owes (the dues positions), and the source lines already posted, then
classifies each line. Posting takes the accepted lines (the matched ones, less
any the officer skipped, plus the ones the officer assigned) and records them
in ONE unit of work through the door: the ledger payments (with receipts, as
`dues pay` records them), the batch and each line's source key. The source
lines are looked up again inside that unit of work, after the receipt counter
is taken, so two officers importing overlapping files at once post each line
once; the UNIQUE (source_key, seq) constraint is the last guard.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from chapterdesk.collector import collector_paused
from chapterdesk.data.engine import Database
from chapterdesk.data.ledger_models import LedgerEntry
from chapterdesk.data.models import utcnow
from chapterdesk.data.payment_models import PaymentImport, PaymentLine, PaymentMapping
from chapterdesk.errors import BadInputError, NotFoundError, RuleRefusedError
from chapterdesk.money import from_cents, to_cents
from chapterdesk.payments.files import PaymentFile, Recognise, read_payment_file
from chapterdesk.payments.lines import ZERO, IncomingLine
from chapterdesk.services.chapter import settings_row
from chapterdesk.services.door import change
from chapterdesk.services.dues.payments import (
    PaymentRequest,
    post_payments,
    take_receipt_counter,
)
from chapterdesk.services.dues.positions import amounts_owed
from chapterdesk.services.payments.matching import (
    AMBIGUOUS,
    CLASSES,
    MATCHED,
    POSTED,
    MatchedLine,
    MemberIndex,
    build_index,
    match_lines,
    wanted_receipts,
)
from chapterdesk.services.roster import reader as roster_reader
from chapterdesk.values import normalise_hq_id

Progress = Callable[[str, int, int], None]  #: (phase, done, total; 0 when unknown)
_CHUNK = 500
#: source keys looked up per statement: a 10,000-line file in 2 (under SQLite's 32,766 and
#: PostgreSQL's 65,535 bound parameters)
_KEYS_CHUNK = 5000
_MEMBER_COLUMNS = ("hq_id", "first_name", "middle_name", "last_name", "suffix", "email")


@dataclass(frozen=True)
class PaymentReview:
    """A file read and matched: every line with its class, ready for the officer to choose."""

    file: PaymentFile
    lines: tuple[MatchedLine, ...]
    currency: str

    @property
    def counts(self) -> dict[str, int]:
        """How many lines fall in each class."""
        found = dict.fromkeys(CLASSES, 0)
        for line in self.lines:
            found[line.status] += 1
        return found


@dataclass(frozen=True)
class PostedImport:
    """What posting a review did: the batch (None if nothing was posted) and each line's fate."""

    batch_id: int | None
    posted: tuple[tuple[MatchedLine, int], ...]  #: (line, receipt number)
    left: tuple[MatchedLine, ...]  #: lines not posted (skipped, unmatched, ambiguous, posted)
    gross: Decimal
    fees: Decimal
    already_posted: tuple[MatchedLine, ...] = field(default=())  #: found posted while posting


@dataclass(frozen=True)
class PaymentBatch:
    """One imported file's batch, as `payments list` shows it."""

    batch_id: int
    imported_at: dt.datetime
    source: str
    file_name: str
    lines: int
    gross: Decimal
    fees: Decimal
    undone_at: dt.datetime | None


def remembered_bank_layouts(db: Database) -> Recognise:
    """Every bank CSV layout an officer's import confirmed, looked up by header signature."""
    from chapterdesk.hqsync.mapping import header_signature

    with db.reading() as session:
        known = {r.signature: r.mapping_json for r in session.scalars(select(PaymentMapping))}

    def recognise(headers: tuple[str, ...]) -> dict[str, str] | None:
        payload = known.get(header_signature(headers))
        if payload is None:
            return None
        mapping: dict[str, str] = json.loads(payload)
        return {k: v for k, v in mapping.items() if v in headers} or None

    return recognise


@dataclass(frozen=True)
class ChapterRows:
    """The members and what each owes, read in one snapshot (before the index is built)."""

    members: list[Any]  #: (hq_id, first, middle, last, suffix, email) rows
    owed: dict[str, int]


def read_chapter_rows(db: Database) -> ChapterRows:
    """The current members (roster reader) and what each owes (dues positions), one snapshot."""
    with roster_reader.reading(db) as reader:
        members = reader.run(roster_reader.statement(reader, _MEMBER_COLUMNS, sort=None))
        return ChapterRows(members, amounts_owed(reader))


def member_index(
    db: Database,
    lines: Sequence[IncomingLine] = (),
    receipts: Collection[int] = (),
    rows: ChapterRows | None = None,
) -> MemberIndex:
    """The matching index of the current members with what each owes.

    Indexed by e-mail and name only as far as `lines` may look them up (every
    way when no lines are given). `rows`: the chapter as read already.
    """
    chapter = rows or read_chapter_rows(db)
    found: dict[int, str] = {}
    with db.reading() as session:
        wanted = sorted(receipts)
        for start in range(0, len(wanted), _CHUNK):
            query = select(LedgerEntry.receipt_no, LedgerEntry.hq_id).where(
                LedgerEntry.receipt_no.in_(wanted[start : start + _CHUNK])
            )
            found.update({n: h for n, h in session.execute(query) if n is not None})
    index = build_index(chapter.members, chapter.owed, lines, found)
    return index


def live_posted(session: Session, keys: Iterable[str]) -> dict[str, tuple[str, int]]:
    """Source key → (member, batch) of each key whose payment is posted and not reversed."""
    reversal = LedgerEntry.__table__.alias("reversal")
    found: dict[str, tuple[str, int]] = {}
    wanted = sorted(set(keys))
    for start in range(0, len(wanted), _KEYS_CHUNK):
        query = (
            select(PaymentLine.source_key, PaymentLine.hq_id, PaymentLine.import_id)
            .where(PaymentLine.source_key.in_(wanted[start : start + _KEYS_CHUNK]))
            .where(
                ~select(reversal.c.id)
                .where(reversal.c.reverses_id == PaymentLine.entry_id)
                .exists()
            )
        )
        found.update({key: (hq_id, batch) for key, hq_id, batch in session.execute(query)})
    return found


def review_payments(
    db: Database,
    path: Path,
    *,
    overrides: Sequence[str] = (),
    progress: Progress | None = None,
) -> PaymentReview:
    """Read a payments file and classify each line against the chapter.

    Args:
        overrides: `FIELD=HEADER` pairs naming a bank CSV's columns.
    Raises:
        BadInputError: the file cannot be read (see `read_payment_file`).
    """
    with collector_paused():
        if progress:
            progress("Reading the file and the members", 0, 0)
        recognise = remembered_bank_layouts(db)
        # One after the other on this thread: the file first (a file refused costs no read
        # of the chapter). A second thread reading the chapter while this one parsed cost
        # more than it saved: SQLite lets go of the GIL for each row it steps to and then
        # waits for this thread's Python to give it back (0.7 s of a 1.5 s review).
        payments = read_payment_file(path, overrides=overrides, recognise=recognise)
        rows = read_chapter_rows(db)
        index = member_index(db, payments.lines, wanted_receipts(payments.lines), rows)
        with db.reading() as session:
            currency = settings_row(session).currency
            posted = live_posted(session, (line.source_key for line in payments.lines))
        if progress:
            progress("Matching", 0, len(payments.lines))
        matched = match_lines(index, payments.lines, posted)
        with db.reading() as session:
            matched = _checks_recorded(session, matched)
        if progress:
            progress("Matching", len(matched), len(payments.lines))
        return PaymentReview(payments, tuple(matched), currency)


def suggested_members(review: PaymentReview, lines: Collection[int]) -> dict[int, str]:
    """Assignments accepting the one candidate of each ambiguous line named (`--accept LINE`).

    Raises:
        BadInputError: a line is not ambiguous with exactly one candidate.
    """
    by_line = {m.line.line_no: m for m in review.lines}
    found: dict[int, str] = {}
    for line_no in lines:
        item = by_line.get(line_no)
        if item is None or item.status != AMBIGUOUS or len(item.candidates) != 1:
            shown = "no payment" if item is None else f"{len(item.candidates)} candidate(s)"
            raise BadInputError(
                f"--accept {line_no}: that line has {shown}; --accept takes a line whose one "
                "candidate was found (by amount), --assign LINE=HQ_ID chooses any member."
            )
        found[line_no] = item.candidates[0].hq_id
    return found


def _checks_recorded(session: Session, lines: list[MatchedLine]) -> list[MatchedLine]:
    """Matched check lines whose check the member's ledger already holds (`dues pay`): posted."""
    checks = {(m.hq_id, m.line.reference) for m in lines if m.status == MATCHED
              and m.line.method == "check"}  # fmt: skip
    if not checks:
        return lines
    reversal = LedgerEntry.__table__.alias("reversal")
    recorded: set[tuple[str, str]] = set()
    wanted = sorted({hq_id for hq_id, _ref in checks if hq_id})
    for start in range(0, len(wanted), _CHUNK):
        query = (
            select(LedgerEntry.hq_id, LedgerEntry.reference)
            .where(LedgerEntry.kind == "payment", LedgerEntry.method == "check")
            .where(LedgerEntry.hq_id.in_(wanted[start : start + _CHUNK]))
            .where(~select(reversal.c.id).where(reversal.c.reverses_id == LedgerEntry.id).exists())
        )
        recorded.update((h, r) for h, r in session.execute(query))
    return [
        replace(m, status=POSTED, rule="check recorded")
        if m.status == MATCHED and m.line.method == "check"
        and (m.hq_id, m.line.reference) in recorded
        else m
        for m in lines
    ]  # fmt: skip


def accepted_lines(
    review: PaymentReview, assign: Mapping[int, str], skip: Collection[int]
) -> list[MatchedLine]:
    """The lines to post: matched ones not skipped, and the ones given a member by hand.

    Raises:
        BadInputError: an assignment names a line the file does not have, or one already posted.
    """
    by_line = {m.line.line_no: m for m in review.lines}
    for line_no in assign:
        if line_no not in by_line:
            raise BadInputError(
                f"--assign {line_no}=…: the file has no payment on line {line_no}; "
                "see the line numbers with --dry-run."
            )
        if by_line[line_no].status == POSTED:
            raise BadInputError(
                f"Line {line_no} was already posted (batch {by_line[line_no].posted_import}); "
                "it is not posted twice."
            )
    chosen = []
    for item in review.lines:
        line_no = item.line.line_no
        if line_no in assign:
            hq_id = normalise_hq_id(assign[line_no])
            chosen.append(replace(item, status=MATCHED, hq_id=hq_id, rule="assigned"))
        elif item.status == MATCHED and line_no not in skip:
            chosen.append(item)
    return chosen


def post_reviewed(
    db: Database,
    review: PaymentReview,
    *,
    assign: Mapping[int, str] | None = None,
    skip: Collection[int] = (),
    remember_layout: bool = True,
    today: dt.date | None = None,
) -> PostedImport:
    """Post the accepted lines of a review as one batch, in one transaction through the door.

    Lines whose source was posted meanwhile (another officer, another file) are
    left out, never posted twice. The bank CSV's mapping is remembered.

    Raises:
        BadInputError / NotFoundError: a line is invalid for the ledger (a card number
            as reference, a future date), or an assigned ID is not a chapter member.
        RuleRefusedError: a check already recorded, or another officer's import of the
            same lines won the race; nothing is posted.
    """
    chosen = accepted_lines(review, assign or {}, skip)
    payments = review.file
    if not chosen:
        return PostedImport(None, (), review.lines, ZERO, ZERO)
    with change(db, "import payments", today=today) as uow:
        session = uow.session
        if payments.source == "bank-csv" and remember_layout and payments.mapping:
            _remember(session, payments)
        requests_lines = list(chosen)
        take_receipt_counter(session)  # serialises two imports on PostgreSQL
        now_posted = live_posted(session, (m.line.source_key for m in requests_lines))
        already = tuple(m for m in requests_lines if m.line.source_key in now_posted)
        requests_lines = [m for m in requests_lines if m.line.source_key not in now_posted]
        if not requests_lines:
            return PostedImport(None, (), review.lines, ZERO, ZERO, already)
        receipts = post_payments(
            uow,
            [
                PaymentRequest(
                    m.hq_id or "", m.line.gross, m.line.method, m.line.reference, m.line.paid_on
                )
                for m in requests_lines
            ],
            today=uow.today,
            allow_date=True,  # the bank's date, not one typed: older than the chapter's records
            batch_kind="payments import",
        )
        batch = PaymentImport(
            source=payments.source,
            file_name=payments.file_name[:255],
            sha256=payments.sha256,
            line_count=len(requests_lines),
        )
        session.add(batch)
        session.flush()
        seqs = _next_seqs(session, [m.line.source_key for m in requests_lines])
        session.add_all(
            PaymentLine(
                import_id=batch.id,
                source_key=m.line.source_key[:120],
                seq=seqs[m.line.source_key],
                line_no=m.line.line_no,
                hq_id=receipt.hq_id,
                entry_id=receipt.entry_id,
                paid_on=m.line.paid_on,
                gross_cents=to_cents(m.line.gross),
                fee_cents=to_cents(m.line.fee),
                payer=m.line.payer[:200],
                memo=m.line.memo,
            )
            for m, receipt in zip(requests_lines, receipts, strict=True)
        )
        try:
            session.flush()
        except IntegrityError:
            raise RuleRefusedError(
                "Another officer posted some of these payments at the same moment; nothing "
                "was posted. Import the file again: what is posted now is shown as posted."
            ) from None
        batch_id = batch.id
    posted_keys = {m.line.source_key for m in requests_lines}
    return PostedImport(
        batch_id,
        tuple((m, r.receipt_no) for m, r in zip(requests_lines, receipts, strict=True)),
        tuple(m for m in review.lines if m.line.source_key not in posted_keys),
        sum((m.line.gross for m in requests_lines), ZERO),
        sum((m.line.fee for m in requests_lines), ZERO),
        already,
    )


def _next_seqs(session: Session, keys: Sequence[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    wanted = sorted(set(keys))
    for start in range(0, len(wanted), _CHUNK):
        query = (
            select(PaymentLine.source_key, func.max(PaymentLine.seq))
            .where(PaymentLine.source_key.in_(wanted[start : start + _CHUNK]))
            .group_by(PaymentLine.source_key)
        )
        found.update({key: int(seq) for key, seq in session.execute(query)})
    return {key: found.get(key, 0) + 1 for key in keys}


def _remember(session: Session, payments: PaymentFile) -> None:
    payload = json.dumps(payments.mapping, sort_keys=True)
    row = session.get(PaymentMapping, payments.signature)
    if row is None:
        session.add(PaymentMapping(signature=payments.signature, mapping_json=payload))
    elif row.mapping_json != payload:
        row.mapping_json = payload


def undo_payment_import(
    db: Database, batch_id: int, *, today: dt.date | None = None
) -> PaymentBatch:
    """Reverse every payment of an imported batch with reversing entries, in one transaction.

    A payment reversed on its own already is left as it is. The batch's source
    lines may then be imported again.

    Raises:
        NotFoundError: there is no such batch.
        RuleRefusedError: the batch was undone already.
    """
    with change(db, "undo payments import", today=today) as uow:
        session = uow.session
        batch = session.get(PaymentImport, batch_id)
        if batch is None:
            raise NotFoundError(
                f"There is no payments batch {batch_id}; see `chapterdesk payments list`."
            )
        if batch.undone_at is not None:
            raise RuleRefusedError(
                f"Payments batch {batch_id} was already undone on {batch.undone_at:%Y-%m-%d}."
            )
        reversal = LedgerEntry.__table__.alias("reversal")
        originals = session.execute(
            select(
                LedgerEntry.id, LedgerEntry.hq_id, LedgerEntry.membership_id,
                LedgerEntry.amount_cents,
            )
            .join(PaymentLine, PaymentLine.entry_id == LedgerEntry.id)
            .where(PaymentLine.import_id == batch_id)
            .where(~select(reversal.c.id).where(reversal.c.reverses_id == LedgerEntry.id).exists())
            .order_by(LedgerEntry.id)
        ).all()
        rows = [
            {
                "kind": "reversal",
                "hq_id": hq_id,
                "membership_id": membership_id,
                "amount_cents": cents,
                "posted_on": uow.today,
                "reference": "",
                "reverses_id": entry_id,
                "reason": f"payments batch {batch_id} ({batch.file_name}) undone"[:500],
                "detail": "",
            }
            for entry_id, hq_id, membership_id, cents in originals
        ]
        if rows:
            change_batch = uow.start_batch(
                "payments undo", f"undo of payments batch {batch_id}", len(rows)
            )
            try:
                uow.insert_rows(LedgerEntry, rows, batch_id=change_batch)
            except IntegrityError:
                raise RuleRefusedError(
                    f"A payment of batch {batch_id} was reversed by another officer at the same "
                    "moment; nothing was undone. Undo the batch again."
                ) from None
        batch.undone_at = utcnow()
        session.flush()
        return _batch_views(session, [batch_id])[0]


def _batch_views(session: Session, ids: Sequence[int] | None = None) -> list[PaymentBatch]:
    query = (
        select(
            PaymentImport.id,
            PaymentImport.imported_at,
            PaymentImport.source,
            PaymentImport.file_name,
            PaymentImport.line_count,
            func.coalesce(func.sum(PaymentLine.gross_cents), 0),
            func.coalesce(func.sum(PaymentLine.fee_cents), 0),
            PaymentImport.undone_at,
        )
        .outerjoin(PaymentLine, PaymentLine.import_id == PaymentImport.id)
        .group_by(PaymentImport.id)
        .order_by(PaymentImport.id.desc())
    )
    if ids is not None:
        query = query.where(PaymentImport.id.in_(ids))
    return [
        PaymentBatch(
            int(i), at, source, name, int(n), from_cents(int(g)), from_cents(int(f)), undone
        )
        for i, at, source, name, n, g, f, undone in session.execute(query)
    ]


def list_payment_imports(db: Database) -> list[PaymentBatch]:
    """Every imported payments batch, newest first."""
    with db.reading() as session:
        return _batch_views(session)
