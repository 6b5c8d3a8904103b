"""What every page shares: the open database, the task runner, the undo stack and navigation.

Every change the window makes goes through `AppContext.change`: the service
call (and so the door, `services.door.change`) runs on the single database
worker, never on the UI thread, and its result or refusal comes back on the UI
thread. The door reports what each committed change touched (a
`services.door.Changes`) to `db.change_listeners` on the thread that made it;
the context re-emits it as `changes_made`, which Qt queues to the UI thread,
and each page refreshes only when the change touched what it shows (as Anki's
`CollectionOp` returns `OpChanges`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import shiboken6
from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QWidget

from chapterdesk.data.engine import Database
from chapterdesk.errors import ChapterDeskError
from chapterdesk.ui import ask
from chapterdesk.ui.tasks import Task, TaskRunner

if TYPE_CHECKING:
    from chapterdesk.services.door import Changes

T = TypeVar("T")

OFFICER_QUESTION = (
    "Your name, as the audit trail should record who made this and later changes "
    "(asked once for this database; change it in Settings):"
)


class AppContext(QObject):
    """What pages share: the open database, the task runner, the undo stack, navigation."""

    #: A committed change, with what it touched (`services.door.Changes`), on the UI thread.
    changes_made = Signal(object)
    #: Emitted after `changes_made` for every change, for what must hear of each one
    #: whatever it touched; no page reloads on it.
    data_changed = Signal()
    navigate = Signal(str, object)  # page key, what to show there (e.g. a RosterFilter)
    status_message = Signal(str)

    def __init__(self, db: Database, tasks: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.tasks = tasks
        self.undo = QUndoStack(self)
        #: An undo or redo step is on the worker: the next one waits for it (see ui.undo).
        self.stepping = False
        #: The officer name changes are recorded under (None: not set, or not read yet).
        self.officer_name: str | None = None
        #: Whether the chapter's settings were read, so an unset name is known to be unset.
        self.officer_known = False
        self._officer_asked = False
        #: What a page will show when first opened, read ahead on the worker while the
        #: window was idle (by page key; see `MainWindow._warm_up`). Any change drops it.
        self.prefetched: dict[str, Any] = {}
        #: Changes heard so far: a read ahead that saw one happen meanwhile is not kept.
        self.changes_seen = 0
        self.changes_made.connect(self._tell_everyone)
        db.change_listeners.append(self._heard)

    def _heard(self, changes: Changes) -> None:
        """The door's listener: runs on the thread that made the change, so it only emits."""
        # Queued to the UI thread when emitted elsewhere. A context deleted meanwhile
        # (RuntimeError) has no page left to tell.
        with contextlib.suppress(RuntimeError):
            self.changes_made.emit(changes)

    def _tell_everyone(self, _changes: Changes) -> None:
        self.changes_seen += 1
        self.prefetched.clear()
        self.data_changed.emit()

    def detach(self) -> None:
        """Stop hearing of the database's changes (the window moves to another database)."""
        if self._heard in self.db.change_listeners:
            self.db.change_listeners.remove(self._heard)

    def on_changes(
        self, owner: QObject, kinds: tuple[str, ...], slot: Callable[[Changes], None]
    ) -> None:
        """Call `slot(changes)` after each change that touched one of `kinds` (any: empty).

        The subscription lives as long as `owner` (a page or widget): it ends when
        the owner is deleted, so a closed page is never called.
        """
        self.changes_made.connect(_KindsFilter(owner, kinds, slot).heard)

    def change(
        self,
        parent: QWidget | None,
        title: str,
        work: Callable[[], T],
        on_done: Callable[[T], None],
        on_error: Callable[[ChapterDeskError], None] | None = None,
    ) -> Task:
        """Make a change on the database worker; `on_done(result)` runs on the UI thread.

        `work` calls a service (which writes through the door) and must not touch a
        widget. A refusal (`ChapterDeskError`) goes to `on_error`, or is shown as its
        sentence; progress shows only if the change takes over 600 ms.

        The first change on a database with no officer name asks for one (once per
        session): the audit trail then records the officer by name, never as the
        computer's account. The name is saved, on the worker, just before the change.
        """
        first = self.before_change(parent)
        if first is not None:
            change = work

            def work() -> T:
                first()
                return change()

        return self.tasks.change(parent, title, work, on_done, on_error)

    def before_change(self, parent: QWidget | None) -> Callable[[], None] | None:
        """What a change must do first on the worker: save the officer's name, if just given.

        Asks for the name (once) when the database has none; returns None when there
        is nothing to do. Changes made outside `change` (an HQ import) call it too.
        """
        name = self._ask_officer_name(parent)
        if name is None:
            return None
        db = self.db

        def save_name() -> None:
            from chapterdesk.services.chapter import set_officer_name

            set_officer_name(db, name)

        return save_name

    def know_officer(self, name: str | None) -> None:
        """Note the officer name the chapter's settings hold (read on the worker)."""
        self.officer_name = name
        self.officer_known = True

    def _ask_officer_name(self, parent: QWidget | None) -> str | None:
        """The name the officer gives on a first change when none is set; None: not asked/none."""
        if not self.officer_known or self.officer_name or self._officer_asked:
            return None
        self._officer_asked = True
        answer = ask.text(parent, OFFICER_QUESTION, title="Who is making this change?")
        name = " ".join((answer or "").split())[:200]
        if not name:
            return None
        self.officer_name = name
        return name

    def read(
        self,
        owner: QWidget,
        title: str,
        work: Callable[[], T],
        on_done: Callable[[T], None],
        on_error: Callable[[ChapterDeskError], None] | None = None,
    ) -> Task:
        """Read on the database worker; `on_done(result)` runs on the UI thread.

        The window never reads the database on its UI thread. A read shows no
        progress dialog (it waits behind any change queued before it), and its
        result is dropped if `owner` was deleted meanwhile. Use `LatestRead`
        where a newer read of the same view makes an older one moot.
        """

        def done(result: T) -> None:
            if shiboken6.isValid(owner):
                on_done(result)

        def failed(exc: ChapterDeskError) -> None:
            if not shiboken6.isValid(owner):
                return
            if on_error is not None:
                on_error(exc)
            else:
                ask.warn(owner, exc.message)

        return self.tasks.run(lambda _progress, _cancelled: work(), title=title,
                              on_done=done, parent=owner, on_error=failed,
                              show_progress=False)

    def attempt(self, parent: QWidget | None, action: Callable[[], T]) -> T | None:
        """Run a quick read on the UI thread; an officer-facing error is shown and None returned."""
        try:
            return action()
        except ChapterDeskError as exc:
            ask.warn(parent, exc.message)
            return None

    def changed(self, message: str = "") -> None:
        """Say in the status bar what just changed (pages refresh from `changes_made`)."""
        if message:
            self.status_message.emit(message)


class _KindsFilter(QObject):
    """Passes on the changes that touched some kinds; a child of its owner, deleted with it."""

    def __init__(
        self, owner: QObject, kinds: tuple[str, ...], slot: Callable[[Changes], None]
    ) -> None:
        super().__init__(owner)
        self.kinds, self.slot = kinds, slot

    @Slot(object)
    def heard(self, changes: Changes) -> None:
        if not self.kinds or changes.touches(*self.kinds):
            self.slot(changes)


class LatestRead(Generic[T]):
    """One view's reads on the worker, of which only the newest is shown.

    Selecting member after member queues a read for each; a result that
    arrives after a newer read was asked for is dropped, so the view never
    shows an older member over a newer one. `pending` says whether the newest
    read is still on its way (tests wait on it).
    """

    def __init__(self, ctx: AppContext, owner: QWidget, title: str) -> None:
        self.ctx, self.owner, self.title = ctx, owner, title
        self.generation = 0
        self.pending = False

    def start(
        self,
        work: Callable[[], T],
        on_done: Callable[[T], None],
        on_error: Callable[[ChapterDeskError], None] | None = None,
    ) -> None:
        """Read `work()` on the worker and show it with `on_done` unless a newer read began."""
        self.generation += 1
        generation = self.generation
        self.pending = True

        def done(result: T) -> None:
            if generation == self.generation:
                self.pending = False
                on_done(result)

        def failed(exc: ChapterDeskError) -> None:
            if generation == self.generation:
                self.pending = False
                if on_error is not None:
                    on_error(exc)
                else:
                    ask.warn(self.owner, exc.message)

        task = self.ctx.read(self.owner, self.title, work, done, failed)
        # A read that ends in a bug report (or is cancelled) still ends.
        task.done.connect(lambda: self._ended(generation))

    def cancel(self) -> None:
        """Forget the read under way: its result will not be shown."""
        self.generation += 1
        self.pending = False

    def _ended(self, generation: int) -> None:
        if generation == self.generation:
            self.pending = False


def touched_member(changes: Any, hq_id: str | None) -> bool:
    """Whether a change concerned this member (or named no member, so it may have)."""
    return hq_id is not None and (not changes.members or hq_id in changes.members)
