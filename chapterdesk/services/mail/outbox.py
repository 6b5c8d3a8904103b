"""The outbox: what is queued, sending, sent, failed or uncertain, and sending it.

Every message is in the database before any server sees it. `send_outbox`
takes the queued (and failed) messages in order and, for each, on one SMTP
connection:

1. MAIL FROM and RCPT TO: a refusal here is definite (5xx: `failed` with the
   server's reason; 4xx: stays `queued` with the reason), and a lost
   connection here means the server has nothing: the message stays `queued`;
2. the row is marked `sending` (committed) just before DATA;
3. after the server's 250 to DATA the row is marked `sent`, with the time.

A message is therefore only ever between 2 and 3 when the connection drops,
the server answers nothing, or ChapterDesk itself stops. SMTP has no way to ask
a server whether it took a message, so such a message is never resent on its
own: it becomes `uncertain` (at once when the connection drops during DATA;
at the start of the next `send_outbox` when a crash left it `sending`) and is
listed with the reason. `mail send --retry-uncertain` resends it with the same
Message-ID, so a receiving system that keeps the first copy can discard the
second; the officer decides, having looked at what the server says or asked the
member. Sending twice without being told, or losing a message, cannot happen.
"""

from __future__ import annotations

import datetime as dt
import smtplib
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select

from chapterdesk.data.engine import Database
from chapterdesk.data.mail_models import MailContent, MailMessage
from chapterdesk.data.models import utcnow
from chapterdesk.errors import BadInputError
from chapterdesk.money import from_cents
from chapterdesk.services.door import change
from chapterdesk.services.mail.account import AccountView, mail_password, required_account

ProgressFn = Callable[[str, int, int | None], None]
TIMEOUT_SECONDS = 30.0
CRASH_REASON = (
    "ChapterDesk stopped after handing this message to the server and before the server "
    "confirmed it; it may have arrived. Resend with `mail send --retry-uncertain`."
)


@dataclass(frozen=True)
class OutboxRow:
    """One outbox message as `mail outbox` lists it."""

    id: int
    message_id: str
    kind: str
    hq_id: str | None
    recipient: str
    subject: str
    status: str
    attempts: int
    last_error: str
    queued_at: dt.datetime
    sent_at: dt.datetime | None
    amount: object


@dataclass(frozen=True)
class SendResult:
    """What one `send_outbox` did, and why it stopped early (if it did)."""

    sent: int
    failed: int
    uncertain: int
    left_queued: int
    problem: str


def outbox(db: Database, *, status: str | None = None) -> list[OutboxRow]:
    """Every message in the outbox (or those with `status`), oldest first."""
    query = select(MailMessage).order_by(MailMessage.id)
    if status is not None:
        query = query.where(MailMessage.status == status)
    with db.reading() as session:
        return [
            OutboxRow(
                r.id,
                r.message_id,
                r.kind,
                r.hq_id,
                r.recipient,
                r.subject,
                r.status,
                r.attempts,
                r.last_error,
                r.queued_at,
                r.sent_at,
                from_cents(r.amount_cents) if r.amount_cents is not None else None,
            )
            for r in session.scalars(query)
        ]


def outbox_counts(db: Database) -> dict[str, int]:
    """How many messages are in each status."""
    with db.reading() as session:
        rows = session.execute(
            select(MailMessage.status, func.count()).group_by(MailMessage.status)
        ).all()
    counts = {s: 0 for s in ("queued", "sending", "sent", "failed", "uncertain")}
    counts.update({status: int(n) for status, n in rows})
    return counts


def _set(
    db: Database, ids: list[int], status: str, reason: str = "", *, tried: bool = False
) -> None:
    if not ids:
        return
    with change(db, f"mark {len(ids)} e-mails {status}") as uow:
        for row in uow.session.scalars(select(MailMessage).where(MailMessage.id.in_(ids))):
            row.status = status
            if tried:
                row.attempts += 1
            if status == "sent":
                row.sent_at = utcnow()
                row.last_error = ""
            elif reason:
                row.last_error = reason[:2000]


def _claim(db: Database, message_pk: int) -> bool:
    """Mark a message `sending`, unless another sender took it first; True when ours.

    The row is locked while it is looked at (SELECT … FOR UPDATE on PostgreSQL; SQLite
    has one writer), so of two officers sending the same outbox on a shared database
    only one hands a given message to the server.
    """
    with change(db, "mark an e-mail sending") as uow:
        row = uow.session.get(MailMessage, message_pk, with_for_update=True)
        if row is None or row.status not in ("queued", "failed"):
            return False
        row.status = "sending"
        row.attempts += 1
    return True


def settle_interrupted(db: Database) -> int:
    """Mark messages a crash left `sending` as `uncertain`; returns how many."""
    with db.reading() as session:
        stuck = list(session.scalars(select(MailMessage.id).where(MailMessage.status == "sending")))
    _set(db, stuck, "uncertain", CRASH_REASON)
    return len(stuck)


def retry_uncertain(db: Database) -> int:
    """Queue the uncertain messages again (same Message-ID); returns how many."""
    with db.reading() as session:
        ids = list(session.scalars(select(MailMessage.id).where(MailMessage.status == "uncertain")))
    _set(db, ids, "queued")
    return len(ids)


def connect(view: AccountView, password: str | None) -> smtplib.SMTP:
    """An open, logged-in SMTP connection to the chapter's server.

    Raises:
        smtplib.SMTPException, OSError: as the server or the network answered.
    """
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if view.security == "ssl":
        smtp = smtplib.SMTP_SSL(view.host, view.port, timeout=TIMEOUT_SECONDS, context=context)
    else:
        smtp = smtplib.SMTP(view.host, view.port, timeout=TIMEOUT_SECONDS)
    try:
        smtp.ehlo()
        if view.security == "starttls":
            smtp.starttls(context=context)
            smtp.ehlo()
        if view.username:
            smtp.login(view.username, password or "")
    except BaseException:
        smtp.close()
        raise
    return smtp


def server_problem(exc: BaseException, view: AccountView) -> str:
    """One sentence saying why the server could not be used, and what to do."""
    where = f"{view.host}:{view.port}"
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        reason = (
            exc.smtp_error.decode("utf-8", "replace")
            if isinstance(exc.smtp_error, bytes)
            else str(exc.smtp_error)
        )
        return (
            f"The mail server {where} refused the login for {view.username!r} "
            f"({exc.smtp_code} {reason.strip()}); check the user and the password "
            "(`chapterdesk mail setup --password-file F`)."
        )
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return f"The mail server {where} does not offer {exc}; check the security setting."
    if isinstance(exc, ssl.SSLError | ssl.CertificateError):
        return (
            f"The mail server {where} could not be trusted over TLS ({exc.__class__.__name__}: "
            f"{exc}); check the host name and the security setting."
        )
    if isinstance(exc, smtplib.SMTPResponseException):
        reason = (
            exc.smtp_error.decode("utf-8", "replace")
            if isinstance(exc.smtp_error, bytes)
            else str(exc.smtp_error)
        )
        return f"The mail server {where} answered {exc.smtp_code} {reason.strip()}."
    if isinstance(exc, socket.gaierror):
        return f"The mail server name {view.host!r} cannot be found; check it and your network."
    return (
        f"The mail server {where} cannot be reached ({exc.__class__.__name__}: {exc}); the "
        "messages wait in the outbox: run `chapterdesk mail send` when it is back."
    )


def _reason(code: int, text: bytes | str) -> str:
    said = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return f"{code} {' '.join(said.split())}"


def send_outbox(
    db: Database,
    *,
    password: str | None = None,
    progress: ProgressFn | None = None,
    cancel: Callable[[], bool] | None = None,
    only: list[int] | None = None,
) -> SendResult:
    """Send every queued (and previously failed) message once; see the module's docstring.

    Args:
        password: the SMTP password (default: the one in the keyring).
        only: send only these outbox IDs (the ones a run just queued).
    """
    view = required_account(db)
    settle_interrupted(db)
    query = select(MailMessage.id).where(MailMessage.status.in_(("queued", "failed")))
    if only is not None:
        query = query.where(MailMessage.id.in_(only))
    with db.reading() as session:
        pending = list(session.scalars(query.order_by(MailMessage.id)))
    if not pending:
        return SendResult(0, 0, 0, 0, "")
    secret = password if password is not None else mail_password(view)
    try:
        smtp = connect(view, secret)
    except (smtplib.SMTPException, OSError) as exc:
        problem = server_problem(exc, view)
        if isinstance(exc, smtplib.SMTPAuthenticationError):
            _set(db, pending, "failed", problem, tried=True)
            return SendResult(0, len(pending), 0, 0, problem)
        _set(db, pending, "queued", problem)
        return SendResult(0, 0, 0, len(pending), problem)
    sent = failed = uncertain = 0
    problem = ""
    try:
        for done, message_pk in enumerate(pending):
            if progress:
                progress("sending", done, len(pending))
            if cancel is not None and cancel():
                problem = "Sending was cancelled; the rest wait in the outbox."
                break
            with db.reading() as session:
                row = session.get(MailMessage, message_pk)
                content = session.get(MailContent, message_pk)
                assert row is not None and content is not None
                recipient, raw = row.recipient, content.raw
            try:
                code, said = smtp.mail(view.from_address)
                if code != 250:
                    raise smtplib.SMTPSenderRefused(code, said, view.from_address)
                code, said = smtp.rcpt(recipient)
                if code not in (250, 251):
                    smtp.rset()
                    permanent = code >= 500
                    _set(
                        db,
                        [message_pk],
                        "failed" if permanent else "queued",
                        _reason(code, said),
                        tried=True,
                    )
                    failed += permanent
                    continue
            except smtplib.SMTPResponseException as exc:
                reason = _reason(exc.smtp_code, exc.smtp_error)
                permanent = exc.smtp_code >= 500
                _set(db, [message_pk], "failed" if permanent else "queued", reason, tried=True)
                failed += permanent
                if not permanent:
                    problem = f"The mail server deferred the message: {reason}."
                    break
                smtp.rset()
                continue
            except (smtplib.SMTPException, OSError) as exc:
                # Nothing was handed over: the message stays queued, and the batch stops.
                problem = server_problem(exc, view)
                _set(db, [message_pk], "queued", problem, tried=True)
                break
            if not _claim(db, message_pk):
                smtp.rset()  # another officer's ChapterDesk is sending it: leave it to them
                continue
            try:
                code, said = smtp.data(raw)
            except smtplib.SMTPDataError as exc:
                reason = _reason(exc.smtp_code, exc.smtp_error)
                permanent = exc.smtp_code >= 500
                _set(db, [message_pk], "failed" if permanent else "queued", reason)
                failed += permanent
                continue
            except (smtplib.SMTPException, OSError) as exc:
                problem = server_problem(exc, view)
                _set(
                    db,
                    [message_pk],
                    "uncertain",
                    "The connection was lost while the server was taking this message; it may "
                    "have arrived. Resend with `mail send --retry-uncertain`.",
                )
                uncertain += 1
                break
            _set(db, [message_pk], "sent")
            sent += 1
    finally:
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()
    with db.reading() as session:
        left = session.scalar(
            select(func.count()).where(MailMessage.id.in_(pending), MailMessage.status == "queued")
        )
    if progress:
        progress("sending", len(pending), len(pending))
    return SendResult(sent, failed, uncertain, int(left or 0), problem)


def send_test_message(db: Database, to: str, *, password: str | None = None) -> str:
    """Send a short test message straight away (not through the outbox); returns a sentence.

    Raises:
        BadInputError: the server could not be reached or refused; says why.
    """
    from email.message import EmailMessage
    from email.utils import formatdate, make_msgid

    view = required_account(db)
    message = EmailMessage()
    message["From"] = view.from_address
    message["To"] = to
    message["Subject"] = "ChapterDesk test message"
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(
        "chapterdesk-test", domain=view.from_address.rsplit("@", 1)[1]
    )
    message.set_content("This message shows that ChapterDesk can send the chapter's e-mail.\n")
    secret = password if password is not None else mail_password(view)
    try:
        smtp = connect(view, secret)
        try:
            smtp.send_message(message)
        finally:
            smtp.quit()
    except (smtplib.SMTPException, OSError) as exc:
        raise BadInputError(server_problem(exc, view)) from None
    return f"Sent a test message to {to} through {view.host}:{view.port}."
