"""The chapter's SMTP account: kept in the database, its password in the OS keyring.

Set up once (`chapterdesk mail setup`, or Settings in the window). The password
is stored as the PostgreSQL one is (`chapterdesk.credentials`): service
"ChapterDesk", account "smtp:user@host:port"; it is never in the database, a
settings file or a log.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from chapterdesk.data.engine import Database
from chapterdesk.data.mail_models import MailAccount
from chapterdesk.errors import BadInputError
from chapterdesk.services.door import change

log = logging.getLogger(__name__)

SECURITIES = ("none", "starttls", "ssl")
DEFAULT_REMINDER_DAYS = (30, 60, 90)
NO_ACCOUNT = (
    "No e-mail account is set up yet; run `chapterdesk mail setup --host H --port P "
    "--from ADDRESS` (or fill in Settings → E-mail in the window) first."
)
_ADDRESS = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;.]+$")


@dataclass(frozen=True)
class AccountView:
    """The SMTP account as shown and used (no password)."""

    host: str
    port: int
    security: str
    username: str
    from_address: str
    signature: str
    reminder_days: tuple[int, ...]

    @property
    def keyring_account(self) -> str:
        """Where the password is kept in the OS keyring."""
        return f"smtp:{self.username}@{self.host}:{self.port}"


def valid_address(text: str) -> bool:
    """Whether `text` looks like one plain e-mail address (name@domain.tld)."""
    return bool(_ADDRESS.match(text.strip()))


def parse_reminder_days(text: str) -> tuple[int, int, int]:
    """ "30,60,90" as the days overdue of reminder levels 1, 2 and 3.

    Raises:
        BadInputError: not three whole numbers of days, rising, each 1 to 3650.
    """
    parts = [p.strip() for p in text.split(",")]
    problem = (
        f"Reminder days {text!r} are not three rising numbers of days overdue; write them "
        "like 30,60,90 (level 1, 2 and 3)."
    )
    if len(parts) != 3 or not all(p.isdigit() and len(p) <= 4 for p in parts):
        raise BadInputError(problem)
    days = (int(parts[0]), int(parts[1]), int(parts[2]))
    if not 1 <= days[0] < days[1] < days[2] <= 3650:
        raise BadInputError(problem)
    return days


def _view(row: MailAccount) -> AccountView:
    return AccountView(
        row.host,
        row.port,
        row.security,
        row.username,
        row.from_address,
        row.signature,
        parse_reminder_days(row.reminder_days),
    )


def account(db: Database) -> AccountView | None:
    """The account, or None when none is set up."""
    with db.reading() as session:
        row = session.get(MailAccount, 1)
        return _view(row) if row is not None else None


def required_account(db: Database) -> AccountView:
    """The account; refuses with how to set one up when there is none.

    Raises:
        BadInputError: no account yet.
    """
    found = account(db)
    if found is None:
        raise BadInputError(NO_ACCOUNT)
    return found


def set_up_account(
    db: Database,
    *,
    host: str | None = None,
    port: int | None = None,
    security: str | None = None,
    username: str | None = None,
    from_address: str | None = None,
    signature: str | None = None,
    reminder_days: str | None = None,
    password: str | None = None,
) -> AccountView:
    """Create or change the SMTP account; a value left None keeps what is there.

    `password` goes into the OS keyring before the change commits: when the keyring
    refuses it, nothing is written.

    Raises:
        BadInputError: a value is malformed, or a first set-up lacks host, port or From.
        NoKeyringError: a password was given and no keyring could keep it.
    """
    if host is not None and (not host.strip() or any(c.isspace() for c in host.strip())):
        raise BadInputError(
            f"The mail server {host!r} is not a host name; write it like smtp.example.org."
        )
    if port is not None and not 1 <= port <= 65535:
        raise BadInputError(
            f"Port {port} is not a TCP port; use a number from 1 to 65535 (often 587)."
        )
    if security is not None and security not in SECURITIES:
        raise BadInputError(f"Security {security!r} is not one of none, starttls, ssl.")
    if from_address is not None and not valid_address(from_address):
        raise BadInputError(
            f"The From address {from_address!r} is not an e-mail address; write it like "
            "treasurer@chapter.example.org."
        )
    days = parse_reminder_days(reminder_days) if reminder_days is not None else None
    with change(db, "set up the e-mail account") as uow:
        row = uow.session.get(MailAccount, 1)
        if row is None:
            if host is None or port is None or from_address is None:
                raise BadInputError(
                    "The first e-mail set-up needs the server, the port and the From address: "
                    "give --host, --port and --from."
                )
            row = MailAccount(
                id=1,
                host=host.strip(),
                port=port,
                security=security or "starttls",
                username=(username or "").strip(),
                from_address=from_address.strip(),
                signature=signature or "",
                reminder_days=",".join(str(d) for d in days or DEFAULT_REMINDER_DAYS),
            )
            uow.session.add(row)
        else:
            if host is not None:
                row.host = host.strip()
            if port is not None:
                row.port = port
            if security is not None:
                row.security = security
            if username is not None:
                row.username = username.strip()
            if from_address is not None:
                row.from_address = from_address.strip()
            if signature is not None:
                row.signature = signature
            if days is not None:
                row.reminder_days = ",".join(str(d) for d in days)
        uow.session.flush()
        view = _view(row)
        if password is not None:
            store_mail_password(view, password)
        return view


def store_mail_password(view: AccountView, password: str) -> None:
    """Keep the SMTP password in the OS keyring.

    Raises:
        NoKeyringError: no usable keyring on this computer.
    """
    import keyring
    import keyring.errors

    from chapterdesk.credentials import NO_KEYRING, SERVICE, NoKeyringError

    try:
        keyring.set_password(SERVICE, view.keyring_account, password)
    except keyring.errors.NoKeyringError:
        raise NoKeyringError(NO_KEYRING) from None
    except keyring.errors.KeyringError as exc:
        raise NoKeyringError(
            f"The password store refused to save the password ({exc}); unlock it and try again."
        ) from None


def mail_password(view: AccountView) -> str | None:
    """The SMTP password kept in the keyring, or None (none kept, or no keyring)."""
    import keyring
    import keyring.errors

    from chapterdesk.credentials import SERVICE

    try:
        found = keyring.get_password(SERVICE, view.keyring_account)
    except keyring.errors.KeyringError as exc:
        log.info("No SMTP password from the keyring: %s", type(exc).__name__)
        return None
    return found if isinstance(found, str) else None
