"""Progress and cancellation for long reports and exports.

A thousand-page roster or a 50,000-row export takes long enough that the
window runs it off the UI thread, shows how far it has got and offers a
Cancel button; the command line shows a progress bar. Both talk to a report
through two plain callables, so the report code stays free of Qt:

- `progress(phase, done, total)` is told how far a phase ("members",
  "statements", "writing") has got; `total` is None when it is not known;
- `cancel()` returns True once the officer asked to stop. The report then
  raises `ReportCancelled` from inside its write, so the atomic write
  discards the partial file and any previous file stays as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from chapterdesk.errors import ChapterDeskError

__all__ = ["CancelFn", "ProgressFn", "ReportCancelled", "Watch", "watched"]

ProgressFn = Callable[[str, int, "int | None"], None]
CancelFn = Callable[[], bool]
T = TypeVar("T")
_EVERY = 200


class ReportCancelled(ChapterDeskError):
    """The officer cancelled a report or export; nothing was written over the old file."""

    exit_status = 130

    def __init__(self, what: str = "The report") -> None:
        super().__init__(f"{what} was cancelled; no file was written and any earlier one is kept.")


class Watch:
    """The progress and cancel callables of one run, with the checks every report makes."""

    def __init__(self, progress: ProgressFn | None = None, cancel: CancelFn | None = None) -> None:
        self.progress = progress
        self.cancel = cancel

    def step(self, phase: str, done: int, total: int | None) -> None:
        """Report a position and stop the run if the officer has cancelled."""
        if self.cancel is not None and self.cancel():
            raise ReportCancelled()
        if self.progress is not None:
            self.progress(phase, done, total)

    def over(self, items: Iterable[T], phase: str, total: int | None) -> Iterator[T]:
        """`items`, reporting (and checking for cancel) every few hundred and at the end."""
        done = 0
        self.step(phase, 0, total)
        for done, item in enumerate(items, start=1):
            if done % _EVERY == 0:
                self.step(phase, done, total)
            yield item
        self.step(phase, done, total)


def watched(
    items: Iterable[T],
    phase: str,
    total: int | None,
    progress: ProgressFn | None,
    cancel: CancelFn | None,
) -> Iterator[T]:
    """`Watch(progress, cancel).over(items, phase, total)`, for a one-off loop."""
    return Watch(progress, cancel).over(items, phase, total)
