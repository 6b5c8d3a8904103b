"""The shared server's password, kept in the operating system's keyring, never in a file.

An officer who connects to the chapter's PostgreSQL server types the password
once; it goes into the OS keyring (Keychain, Windows Credential Locker, Secret
Service/KWallet) under the service "ChapterDesk" and the account
"user@host/database". The database address kept in settings, shown on screen
or written to logs carries no password: the password is added to the URL only
when the engine connects (`url_with_stored_password`).

On a machine with no keyring (a headless server, a minimal desktop), storing
is refused with a sentence that says to install one or to type the password
each time; looking up simply finds nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy.engine import URL, make_url

from chapterdesk.errors import BadInputError

SERVICE = "ChapterDesk"
DEFAULT_PORT = 5432
DRIVER = "postgresql+psycopg"
log = logging.getLogger(__name__)


class NoKeyringError(BadInputError):
    """This computer has no password store the `keyring` package can use."""


NO_KEYRING = (
    "This computer has no password store (keyring) ChapterDesk can use, so the password "
    "was not saved; install one (for example GNOME Keyring or KWallet), or enter the "
    "password each time you connect."
)


@dataclass(frozen=True)
class ServerAddress:
    """Where the chapter's shared PostgreSQL database is, without the password."""

    host: str
    port: int
    database: str
    user: str

    @property
    def account(self) -> str:
        """The keyring account name: "user@host/database"."""
        return account_name(self.user, self.host, self.database)

    def url(self, password: str | None = None) -> URL:
        """The SQLAlchemy URL; a host starting with "/" is a unix-socket folder."""
        query = {}
        host: str | None = self.host
        if self.host.startswith("/"):
            query["host"] = self.host
            host = None
        return URL.create(
            DRIVER,
            username=self.user,
            password=password,
            host=host,
            port=self.port if host is not None and self.port != DEFAULT_PORT else None,
            database=self.database,
            query=query,
        )

    def url_text(self) -> str:
        """The URL without a password, as given to `--db` and kept in settings."""
        return self.url().render_as_string(hide_password=False)


def account_name(user: str, host: str, database: str) -> str:
    """The keyring account a server password is stored under."""
    return f"{user}@{host}/{database}"


def address_of(url: str | URL) -> ServerAddress | None:
    """The server address a URL names (None for a URL without a user, host or database)."""
    parsed = make_url(url) if isinstance(url, str) else url
    socket = parsed.query.get("host")
    host = parsed.host or (socket if isinstance(socket, str) else None) or "localhost"
    if not parsed.username or not parsed.database:
        return None
    return ServerAddress(host, parsed.port or DEFAULT_PORT, parsed.database, parsed.username)


def store_password(address: ServerAddress, password: str) -> None:
    """Keep the password for `address` in the OS keyring.

    Raises:
        NoKeyringError: there is no usable keyring on this computer.
    """
    import keyring
    import keyring.errors

    try:
        keyring.set_password(SERVICE, address.account, password)
    except keyring.errors.NoKeyringError:
        raise NoKeyringError(NO_KEYRING) from None
    except keyring.errors.KeyringError as exc:
        raise NoKeyringError(
            f"The password store refused to save the password ({exc}); unlock it and "
            "try again, or enter the password each time you connect."
        ) from None


def stored_password(address: ServerAddress) -> str | None:
    """The password kept for `address`, or None (none kept, or no keyring at all)."""
    import keyring
    import keyring.errors

    try:
        found = keyring.get_password(SERVICE, address.account)
    except keyring.errors.KeyringError as exc:  # no keyring, or a locked one: ask instead
        log.info("No password from the keyring for %s: %s", address.account, type(exc).__name__)
        return None
    return found if isinstance(found, str) else None


def forget_password(address: ServerAddress) -> bool:
    """Remove the kept password for `address`; False when there was none to remove."""
    import keyring
    import keyring.errors

    try:
        keyring.delete_password(SERVICE, address.account)
    except keyring.errors.PasswordDeleteError:
        return False
    except keyring.errors.NoKeyringError:
        return False
    return True


def url_with_stored_password(url: str) -> URL:
    """The URL to connect with: the given one, plus the kept password when it has none.

    The result lives only inside the engine; never print or store it.
    """
    parsed = make_url(url)
    if parsed.password is not None or parsed.get_backend_name() != "postgresql":
        return parsed
    address = address_of(parsed)
    if address is None:
        return parsed
    password = stored_password(address)
    return parsed.set(password=password) if password else parsed


def connection_problem(exc: BaseException, address: ServerAddress) -> str:
    """One sentence saying why connecting to `address` failed and what to do about it."""
    text = str(getattr(exc, "orig", None) or exc)
    lowered = text.lower()
    where = address.host if address.host.startswith("/") else f"{address.host}:{address.port}"
    if "password authentication failed" in lowered:
        return (
            f"The server refused the password for user {address.user!r}; check the password "
            "(it is case-sensitive) and try again."
        )
    if "no password supplied" in lowered:
        return f"The server asks for a password for user {address.user!r}; enter it."
    if f'database "{address.database.lower()}" does not exist' in lowered or (
        "database" in lowered and "does not exist" in lowered
    ):
        return (
            f"The server at {where} has no database called {address.database!r}; check the "
            "name, or ask whoever runs the server to create it."
        )
    if "role" in lowered and "does not exist" in lowered:
        return f"The server at {where} has no user called {address.user!r}; check the user name."
    if "could not translate host name" in lowered or "name or service not known" in lowered:
        return (
            f"The server name {address.host!r} cannot be found; check its spelling and "
            "your network connection."
        )
    if any(
        sign in lowered
        for sign in (
            "connection refused",
            "timeout expired",
            "timed out",
            "no such file or directory",
            "network is unreachable",
            "no route to host",
            "could not connect",
        )
    ):
        return (
            f"The server at {where} cannot be reached; check the host and port, your network "
            "connection, and that the server is running."
        )
    first_line = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    return f"The server at {where} refused the connection: {first_line}."


def check_server(address: ServerAddress, password: str | None) -> str:
    """Connect once to `address` and say what is there, for a "Test connection" button.

    Returns:
        A sentence naming the server version and whether the database already holds
        a ChapterDesk chapter.
    Raises:
        BadInputError: the connection failed; the message says why and what to do.
    """
    from sqlalchemy import create_engine, inspect, text
    from sqlalchemy.exc import DBAPIError
    from sqlalchemy.pool import NullPool

    engine = create_engine(
        address.url(password),
        poolclass=NullPool,
        connect_args={"connect_timeout": 10, "application_name": "ChapterDesk"},
    )
    try:
        with engine.connect() as connection:
            version = str(connection.execute(text("SHOW server_version")).scalar())
            tables = set(inspect(connection).get_table_names())
            chapter = None
            if "chapter_settings" in tables:
                chapter = connection.execute(
                    text("SELECT name FROM chapter_settings WHERE id = 1")
                ).scalar()
    except DBAPIError as exc:
        raise BadInputError(connection_problem(exc, address)) from None
    finally:
        engine.dispose()
    if chapter:
        holds = f"it holds the chapter {chapter!r}"
    elif tables:
        holds = "it holds tables but no chapter yet"
    else:
        holds = "it is empty; ChapterDesk sets it up when you first open it"
    return f"Connected to PostgreSQL {version.split()[0]} at {address.database!r}: {holds}."
