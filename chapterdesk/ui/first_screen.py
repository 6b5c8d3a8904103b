"""The roster's first screen, read from the moment the window knows its database.

Before the roster page exists to ask for its first screen, start-up imports
and builds the window (a tenth of a second and more). The read is mostly
SQLite's own work, done without the interpreter's lock, so when the roster is
the page the window will open on, `start` begins it on a thread of its own as
soon as the database is open, beside those imports; the page then takes it
over (`take`) and its worker waits for the result instead of reading again.
Nothing here touches Qt: the result goes to the page through its worker, as
its own read would.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from chapterdesk.data.engine import Database
    from chapterdesk.services.roster.first_view import RosterStart

_LOCK = threading.Lock()
_STARTED: tuple[Database, int, Future[RosterStart]] | None = None


def start(db: Database, page_size: int) -> None:
    """Begin reading the first `page_size` rows of the roster of `db` on a thread."""
    global _STARTED
    result: Future[RosterStart] = Future()
    result.set_running_or_notify_cancel()

    def read() -> None:
        from chapterdesk.services.roster import first_view

        try:
            result.set_result(first_view.roster_start(db, page_size))
        except BaseException as exc:  # the page's worker re-raises it, as its own read would
            result.set_exception(exc)

    with _LOCK:
        _STARTED = (db, page_size, result)
    threading.Thread(target=read, name="roster-first-screen", daemon=True).start()


def take(db: Database, page_size: int) -> Future[RosterStart] | None:
    """The read `start` began for this database and page size, once; else None."""
    global _STARTED
    with _LOCK:
        started, _STARTED = _STARTED, None
    if started is None or started[0] is not db or started[1] != page_size:
        return None
    return started[2]
