"""The two kinds of error ChapterDesk knows.

Errors a user or the environment caused (a bad file, a malformed value, a
refusal by a bylaw) carry a sentence meant for a chapter officer and map to the
command line's exit statuses. Anything else is a bug and is logged with its
traceback, never shown raw.
"""

from __future__ import annotations


class ChapterDeskError(Exception):
    """Base class for errors that carry a message meant for the officer."""

    exit_status = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class BadInputError(ChapterDeskError):
    """A file, value or argument the user gave is unreadable or invalid; nothing was written."""

    exit_status = 2


class NotFoundError(BadInputError):
    """Something named by the user (a member, an entry, a batch) does not exist."""


class RuleRefusedError(ChapterDeskError):
    """A domain rule (a bylaw, the ledger's immutability, …) refused the action."""

    exit_status = 3


class DatabaseError(ChapterDeskError):
    """The database cannot be opened or used as it is (newer schema, not a ChapterDesk file, …)."""

    exit_status = 2


class DatabaseLockedError(DatabaseError):
    """Another ChapterDesk process holds the database for writing; it may be opened read-only.

    Carries who holds it (host, process id, since when, officer) so a window can
    offer read-only access and a script can say whom to ask.
    """

    def __init__(
        self, message: str, *, host: str, pid: int, since: str, officer: str
    ) -> None:
        super().__init__(message)
        self.host = host
        self.pid = pid
        self.since = since
        self.officer = officer
