"""Who gets which message: statements, reminders and receipts, planned and queued.

Planning reads the ledger (through `services.dues`) and lists each message a
run would write: the member, the address, the subject, the amount. A dry run
stops there. Queuing renders each member's PDF (the statement or receipt the
printed reports draw, for that one member), builds the whole message, and
writes all of them to the outbox in one unit of work through the door (so each
is in the audit trail), before any is offered to a server.

A message is never queued twice: each has a key (`reminder:CHARGE:LEVEL`,
`receipt:NO`, `statement:HQ_ID:YEAR:DAY`) that the outbox holds unique, so a
reminder level is never repeated for a charge, and a rerun skips what is there.
Members without an e-mail address get no message; their PDFs can be collected
into one printable file instead.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate, make_msgid
from pathlib import Path

from sqlalchemy import select

from chapterdesk.data.engine import Database
from chapterdesk.data.mail_models import MailContent, MailMessage
from chapterdesk.errors import BadInputError
from chapterdesk.money import format_money, to_cents
from chapterdesk.services.chapter import chapter_info
from chapterdesk.services.door import change
from chapterdesk.services.mail.account import AccountView, required_account, valid_address
from chapterdesk.services.mail.templates import Template, render, template_for

ProgressFn = Callable[[str, int, int | None], None]


@dataclass(frozen=True)
class PlannedMessage:
    """One message a run would write (or did), before it is rendered."""

    kind: str
    hq_id: str
    name: str
    email: str
    subject: str
    amount_due: Decimal
    dedupe_key: str
    year: int | None = None
    charge_id: int | None = None
    level: int | None = None
    days_overdue: int | None = None
    receipt_no: int | None = None
    amount_paid: Decimal | None = None


@dataclass
class MailPlan:
    """A run's messages: to send, without an address (to print), and already in the outbox."""

    kind: str
    currency: str = "USD"  #: the chapter's, which the amounts are in
    messages: list[PlannedMessage] = field(default_factory=list)
    without_email: list[PlannedMessage] = field(default_factory=list)
    already: list[PlannedMessage] = field(default_factory=list)


def _already_queued(db: Database, keys: Sequence[str]) -> set[str]:
    found: set[str] = set()
    with db.reading() as session:
        for start in range(0, len(keys), 500):
            chunk = list(keys[start : start + 500])
            found.update(
                session.scalars(
                    select(MailMessage.dedupe_key).where(MailMessage.dedupe_key.in_(chunk))
                )
            )
    return found


def _sorted_into(plan: MailPlan, planned: list[PlannedMessage], db: Database) -> MailPlan:
    there = _already_queued(db, [p.dedupe_key for p in planned])
    for item in planned:
        if item.dedupe_key in there:
            plan.already.append(item)
        elif valid_address(item.email):
            plan.messages.append(item)
        else:
            plan.without_email.append(item)
    return plan


@dataclass(frozen=True)
class _Shared:
    """What every message of a run shares: read once, not once per member."""

    chapter: str
    currency: str
    how_to_pay: str
    signature: str
    contact: str


def _shared(db: Database, view: AccountView, day: dt.date) -> _Shared:
    from chapterdesk.reports.statements import how_to_pay_paragraphs, treasurer_contact

    info = chapter_info(db)
    contact = treasurer_contact(db, day)
    signature = view.signature.strip() or "\n".join(line for line in (contact, info.name) if line)
    return _Shared(
        info.name,
        info.currency,
        "\n".join(how_to_pay_paragraphs(info.name, contact)),
        signature,
        contact,
    )


def _values(item: PlannedMessage, shared: _Shared) -> dict[str, str]:
    cur = shared.currency
    return {
        "name": item.name,
        "amount_due": format_money(item.amount_due, cur),
        "how_to_pay": shared.how_to_pay,
        "signature": shared.signature,
        "chapter": shared.chapter,
        "year": str(item.year or ""),
        "level": str(item.level or ""),
        "days_overdue": str(item.days_overdue or ""),
        "receipt_no": str(item.receipt_no or ""),
        "amount_paid": format_money(item.amount_paid, cur) if item.amount_paid else "",
    }


def plan_statements(db: Database, year: int) -> MailPlan:
    """A statement for every member whose `year` dues are open."""
    from chapterdesk.services.dues.reports import owing_statements

    view = required_account(db)
    template = template_for(db, "statement")
    day = dt.date.today()
    shared = _shared(db, view, day)
    planned = []
    for statement in owing_statements(db, year):  # who owes, read with their statements
        item = PlannedMessage(
            kind="statement",
            hq_id=statement.hq.hq_id,
            name=statement.hq.address_name,
            email=statement.hq.email.strip(),
            subject="",
            amount_due=statement.outstanding,
            dedupe_key=f"statement:{statement.hq.hq_id}:{year}:{day.isoformat()}",
            year=year,
        )
        planned.append(_with_subject(item, template, shared))
    return _sorted_into(MailPlan("statement", shared.currency), planned, db)


def plan_reminders(
    db: Database, year: int, *, level: int | None = None, as_of: dt.date | None = None
) -> MailPlan:
    """A reminder for each open `year` charge overdue long enough for its level.

    With `level`, only that level, to every charge at least that level's days overdue that
    has not had it; without, each charge's highest level due that it has not had. A paid
    charge gets none.

    Raises:
        BadInputError: a level other than 1, 2 or 3.
    """
    from chapterdesk.services.dues.balances import who_has_not_paid
    from chapterdesk.services.dues.reports import statements_for

    if level is not None and level not in (1, 2, 3):
        raise BadInputError(f"Reminder level {level} does not exist; use 1, 2 or 3.")
    view = required_account(db)
    template = template_for(db, "reminder")
    day = as_of or dt.date.today()
    shared = _shared(db, view, day)
    lines = who_has_not_paid(db, year, as_of=day)
    candidates: list[tuple[int, int, int, Decimal, str]] = []  # charge, level, days, open, hq
    for line in lines:
        due = [n for n, days in enumerate(view.reminder_days, 1) if line.days_outstanding >= days]
        if not due:
            continue
        wanted = [level] if level is not None else [max(due)]
        for n in wanted:
            if n in due:
                candidates.append((line.charge_id, n, line.days_outstanding, line.open, line.hq_id))
    records = {}
    ids = sorted({c[4] for c in candidates})
    for start in range(0, len(ids), 200):
        for statement in statements_for(db, year, ids[start : start + 200]):
            records[statement.hq.hq_id] = statement.hq
    planned = []
    for charge_id, n, days, open_amount, hq_id in candidates:
        hq = records[hq_id]
        item = PlannedMessage(
            kind="reminder",
            hq_id=hq_id,
            name=hq.address_name,
            email=hq.email.strip(),
            subject="",
            amount_due=open_amount,
            dedupe_key=f"reminder:{charge_id}:{n}",
            year=year,
            charge_id=charge_id,
            level=n,
            days_overdue=days,
        )
        planned.append(_with_subject(item, template, shared))
    return _sorted_into(MailPlan("reminder", shared.currency), planned, db)


def plan_receipts(db: Database, *, since: dt.date | None = None) -> MailPlan:
    """A receipt for each payment posted since `since` (default: the last 30 days), not reversed."""
    from chapterdesk.services.dues.reports import receipts_since, statements_for

    view = required_account(db)
    template = template_for(db, "receipt")
    day = dt.date.today()
    shared = _shared(db, view, day)
    paid = receipts_since(db, since or day - dt.timedelta(days=30))
    records = {}
    ids = sorted({p.hq_id for p in paid})
    for start in range(0, len(ids), 200):
        for statement in statements_for(db, day.year, ids[start : start + 200]):
            records[statement.hq.hq_id] = statement
    planned = []
    for payment in paid:
        statement = records[payment.hq_id]
        item = PlannedMessage(
            kind="receipt",
            hq_id=payment.hq_id,
            name=statement.hq.address_name,
            email=statement.hq.email.strip(),
            subject="",
            amount_due=statement.outstanding,
            dedupe_key=f"receipt:{payment.receipt_no}",
            receipt_no=payment.receipt_no,
            amount_paid=payment.amount,
        )
        planned.append(_with_subject(item, template, shared))
    return _sorted_into(MailPlan("receipt", shared.currency), planned, db)


def _with_subject(item: PlannedMessage, template: Template, shared: _Shared) -> PlannedMessage:
    subject, _, _ = render(template, _values(item, shared))
    return PlannedMessage(**{**item.__dict__, "subject": subject})


def member_pdf(
    db: Database, item: PlannedMessage, folder: Path, day: dt.date, contact: str | None = None
) -> Path:
    """Write the member's own PDF for `item` (its statement or receipt) into `folder`."""
    from chapterdesk.reports.receipt import write_receipt
    from chapterdesk.reports.statements import write_statements

    if item.receipt_no is not None:
        target = folder / f"receipt-{item.receipt_no}.pdf"
        write_receipt(db, item.receipt_no, target)
    else:
        target = folder / f"statement-{item.year}-{item.hq_id}.pdf"
        write_statements(
            db, item.year or day.year, target, as_of=day, members=[item.hq_id], contact=contact
        )
    return target


def build_message(
    item: PlannedMessage, template: Template, view: AccountView, shared: _Shared, pdf: Path
) -> EmailMessage:
    """The whole message: headers with its own Message-ID, text and HTML, the PDF attached."""
    subject, text, html_body = render(template, _values(item, shared))
    message = EmailMessage(policy=SMTP)
    domain = view.from_address.rsplit("@", 1)[1]
    message["Message-ID"] = make_msgid("chapterdesk", domain=domain)
    message["Date"] = formatdate(localtime=True)
    local, _, where = view.from_address.partition("@")
    message["From"] = Address(shared.chapter, local, where)
    to_local, _, to_domain = item.email.partition("@")
    message["To"] = Address(item.name, to_local, to_domain)
    message["Subject"] = subject
    message.set_content(text)
    message.add_alternative(html_body, subtype="html")
    message.add_attachment(
        pdf.read_bytes(), maintype="application", subtype="pdf", filename=pdf.name
    )
    return message


@dataclass(frozen=True)
class QueueResult:
    """What queuing a plan wrote: the outbox rows' IDs."""

    queued: tuple[int, ...]


def queue_plan(
    db: Database,
    plan: MailPlan,
    *,
    as_of: dt.date | None = None,
    progress: ProgressFn | None = None,
) -> QueueResult:
    """Render and write every planned message with an address to the outbox, in one change."""
    view = required_account(db)
    day = as_of or dt.date.today()
    built: list[tuple[PlannedMessage, EmailMessage]] = []
    shared = _shared(db, view, day)
    template = template_for(db, plan.kind)
    with tempfile.TemporaryDirectory(prefix="chapterdesk-mail-") as folder:
        for done, item in enumerate(plan.messages):
            if progress:
                progress("rendering", done, len(plan.messages))
            pdf = member_pdf(db, item, Path(folder), day, shared.contact)
            built.append((item, build_message(item, template, view, shared, pdf)))
    return queue_messages(db, plan.kind, built)


def queue_messages(
    db: Database, kind: str, built: Sequence[tuple[PlannedMessage, EmailMessage]]
) -> QueueResult:
    """Write built messages to the outbox as `queued`, in one audited change; their IDs."""
    if not built:
        return QueueResult(())
    ids: list[int] = []
    with change(db, f"queue {len(built)} {kind} e-mails") as uow:
        for item, message in built:
            row = MailMessage(
                message_id=str(message["Message-ID"]).strip(),
                dedupe_key=item.dedupe_key,
                kind=item.kind,
                hq_id=item.hq_id,
                recipient=item.email,
                subject=item.subject,
                dues_year=item.year,
                charge_id=item.charge_id,
                level=item.level,
                receipt_no=item.receipt_no,
                amount_cents=to_cents(item.amount_paid or item.amount_due),
                status="queued",
                attempts=0,
                last_error="",
            )
            uow.session.add(row)
            uow.session.flush()
            uow.session.add(MailContent(message=row.id, raw=message.as_bytes()))
            ids.append(row.id)
    return QueueResult(tuple(ids))


def print_missing(
    db: Database, plan: MailPlan, target: Path, *, as_of: dt.date | None = None
) -> int:
    """Write the PDFs of the members without an e-mail address into one file; returns pages."""
    from pypdf import PdfReader, PdfWriter

    from chapterdesk.atomic import atomic_write
    from chapterdesk.reports.statements import write_statements

    day = as_of or dt.date.today()
    items = plan.without_email
    if plan.kind != "receipt" and items:
        year = items[0].year or day.year
        _, pages = write_statements(db, year, target, as_of=day, members=[i.hq_id for i in items])
        return pages
    writer = PdfWriter()
    with tempfile.TemporaryDirectory(prefix="chapterdesk-print-") as folder:
        for item in items:
            for page in PdfReader(member_pdf(db, item, Path(folder), day)).pages:
                writer.add_page(page)
        if not items:
            writer.add_blank_page(612, 792)
        with atomic_write(target) as out:
            writer.write(out)
    return len(writer.pages)
