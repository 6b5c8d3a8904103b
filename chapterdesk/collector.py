"""Python's cycle collector paused while a large piece of work builds and frees many objects.

A payments review holds a whole chapter's rows and a file's lines at once; a
report of 50,000 members builds hundreds of thousands of table cells, strings
and PDF objects. They are freed by reference counting as the work goes, but
every collection their allocations set off walks all the live ones again: a
fifth of a review's time, and about as much of a 13,000-page statements run
(measured). Any cycle the work leaves is collected as usual afterwards.

The collector is process-wide: when another thread pauses it too, it runs
again once the one that found it running is done (never left paused).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_paused"]


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cycle collector for the block (or the decorated call), then restore it."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
