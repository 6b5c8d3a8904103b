"""Helpers for concurrency tests: hold a unit of work just before COMMIT, run work in threads.

Reusable by any area (dues, imports): `held_before_commit(db)` stops the first
unit of work that commits on `db` right before its COMMIT, with its writes
done and its locks held, until the test releases it; `in_thread` runs a
service call on another thread and hands back a Future; `race` starts several
calls at one barrier and collects each outcome (a value or the exception).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event

from chapterdesk.data.engine import Database

WAIT_S = 30


@dataclass
class Hold:
    """A unit of work held before COMMIT: `reached` once it waits, `release()` lets it go."""

    reached: threading.Event = field(default_factory=threading.Event)
    released: threading.Event = field(default_factory=threading.Event)

    def release(self) -> None:
        """Let the held unit of work commit."""
        self.released.set()


@contextmanager
def held_before_commit(db: Database) -> Iterator[Hold]:
    """Hold the first COMMIT on `db`'s writer engine until `Hold.release()` (or the block ends)."""
    hold = Hold()
    lock = threading.Lock()
    taken: list[int] = []

    def on_commit(_connection: Any) -> None:
        with lock:
            if taken:
                return
            taken.append(threading.get_ident())
        hold.reached.set()
        hold.released.wait(WAIT_S)

    event.listen(db.engine, "commit", on_commit)
    try:
        yield hold
    finally:
        hold.release()
        event.remove(db.engine, "commit", on_commit)


_POOL = ThreadPoolExecutor(max_workers=16, thread_name_prefix="officer")


def in_thread(work: Callable[[], Any]) -> Future[Any]:
    """Run `work` on another thread (another officer at another desk)."""
    return _POOL.submit(work)


@dataclass(frozen=True)
class Outcome:
    """What one racing call returned or raised."""

    value: Any = None
    error: BaseException | None = None


def race(calls: list[Callable[[], Any]]) -> list[Outcome]:
    """Start every call at the same moment on its own thread; return each outcome in order."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], Any]) -> Outcome:
        barrier.wait(WAIT_S)
        try:
            return Outcome(value=call())
        except Exception as exc:  # the outcome is what the test inspects
            return Outcome(error=exc)

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        futures = [pool.submit(run, call) for call in calls]
        return [f.result(timeout=WAIT_S * 2) for f in futures]
