"""Undo and redo of this session's changes, each step a service call made on the worker.

The change itself is made (and refused, if the bylaws say so) before the
command is pushed, so the first `redo()` Qt makes on push does nothing. Each
later undo or redo hands its service call to the database worker
(`AppContext.change`); the stack moves at once, and the next step waits until
this one has landed. If the worker refuses a step (the member's HQ
membership lapsed before their leave is taken back, say), the officer is told
the sentence and the step is dropped from the stack, so the stack again
describes the data: what is left to undo is what can still be undone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import shiboken6
from PySide6.QtGui import QUndoCommand

from chapterdesk.errors import ChapterDeskError
from chapterdesk.names import in_sentence
from chapterdesk.services.roster import members as roster
from chapterdesk.ui import ask
from chapterdesk.ui.context import AppContext

__all__ = [
    "AddMember", "ChapterFacts", "EditChapterFacts", "LeaveChapter", "ServiceCommand", "UndoImport",
]


@dataclass(frozen=True)
class ChapterFacts:
    """The chapter's own editable facts about a member."""

    chapter_joined_on: dt.date
    notes: str
    employment_ended_on: dt.date | None


class ServiceCommand(QUndoCommand):
    """An undoable change whose `apply` and `revert` call services (on the worker thread)."""

    def __init__(self, ctx: AppContext, text: str) -> None:
        super().__init__(text)
        self.ctx = ctx
        self._pushed = False
        self._dropping = False  # being taken off the stack: Qt's last call does nothing

    def redo(self) -> None:
        if not self._pushed:  # the change was already made before the push
            self._pushed = True
            return
        if not self._dropping:
            self._step(redoing=True)

    def undo(self) -> None:
        if not self._dropping:
            self._step(redoing=False)

    def _step(self, *, redoing: bool) -> None:
        ctx, text = self.ctx, self.text()
        verb = "Redone" if redoing else "Undone"
        landed = False
        ctx.stepping = True

        def done(result: Any) -> None:
            nonlocal landed
            landed = True
            if shiboken6.isValid(self):
                self.landed(result, redoing=redoing)
            ctx.changed(f"{verb}: {text}.")

        def refused(exc: ChapterDeskError) -> None:
            ask.warn(None, f"{'Redo' if redoing else 'Undo'} of {text} was refused: "
                     f"{exc.message}")

        def ended() -> None:
            ctx.stepping = False
            if not landed and shiboken6.isValid(self):
                self._drop(redoing=redoing)

        work = self.apply if redoing else self.revert
        title = f"{'Redoing' if redoing else 'Undoing'} {text}"
        ctx.change(None, title, work, done, refused).done.connect(ended)

    def _drop(self, *, redoing: bool) -> None:
        """Take this step off the stack: it was refused, so the data is as before the step.

        An undo that was refused leaves this command first on the redo side (the
        change still stands, and cannot be undone); a refused redo leaves it last
        on the undo side (the change stands undone). Marked obsolete, it is deleted
        by the stack's next move over it, which is made here and does nothing else.
        """
        stack = self.ctx.undo
        where = stack.index() - 1 if redoing else stack.index()
        self.setObsolete(True)
        if 0 <= where < stack.count() and stack.command(where) is self:
            self._dropping = True
            if redoing:
                stack.undo()  # Qt skips undo() of an obsolete command and deletes it
            else:
                stack.redo()  # redo() does nothing now; Qt then deletes the command

    def landed(self, result: Any, *, redoing: bool) -> None:
        """A step landed (on the UI thread): keep what it returned, if needed."""

    def apply(self) -> Any:
        """Make the change (again); runs on the worker thread."""
        raise NotImplementedError

    def revert(self) -> Any:
        """Take the change back; runs on the worker thread."""
        raise NotImplementedError


class EditChapterFacts(ServiceCommand):
    """An edit of a member's chapter facts."""

    def __init__(
        self, ctx: AppContext, hq_id: str, name: str, before: ChapterFacts, after: ChapterFacts
    ) -> None:
        super().__init__(ctx, f"edit chapter facts of {name}")
        self.hq_id, self.before, self.after = hq_id, before, after

    def _write(self, facts: ChapterFacts) -> roster.Membership:
        return roster.update_chapter_facts(
            self.ctx.db,
            self.hq_id,
            chapter_joined_on=facts.chapter_joined_on,
            notes=facts.notes,
            employment_ended_on=facts.employment_ended_on,
        )

    def apply(self) -> roster.Membership:
        return self._write(self.after)

    def revert(self) -> roster.Membership:
        return self._write(self.before)


class AddMember(ServiceCommand):
    """Adding a member; undone only while nothing refers to the new membership."""

    def __init__(
        self, ctx: AppContext, hq_id: str, name: str, membership_id: int, joined: dt.date
    ) -> None:
        super().__init__(ctx, f"add {name}")
        self.hq_id, self.membership_id, self.joined = hq_id, membership_id, joined

    def apply(self) -> roster.RosterEntry:
        return roster.add_member(self.ctx.db, self.hq_id, chapter_joined_on=self.joined)

    def landed(self, result: Any, *, redoing: bool) -> None:
        if redoing:  # a new membership: the next undo takes back this one
            self.membership_id = result.membership.id

    def revert(self) -> None:
        roster.remove_membership_added_in_error(self.ctx.db, self.membership_id)


class LeaveChapter(ServiceCommand):
    """A member leaving; undone only when the leave ended no officer term."""

    def __init__(
        self, ctx: AppContext, hq_id: str, name: str, membership_id: int, left_on: dt.date,
        reason: str,
    ) -> None:
        super().__init__(ctx, f"{in_sentence(name)} leaving the chapter")
        self.hq_id, self.membership_id = hq_id, membership_id
        self.left_on, self.reason = left_on, reason

    def apply(self) -> roster.Membership:
        return roster.leave_chapter(self.ctx.db, self.hq_id, left_on=self.left_on,
                                    reason=self.reason)

    def revert(self) -> roster.Membership:
        return roster.reopen_membership(self.ctx.db, self.membership_id)


class UndoImport(ServiceCommand):
    """An applied HQ import: Edit → Undo "import N" puts HQ data back as it was before it.

    An import is made once: once undone it is not redone (import the file
    again), so the step leaves the stack as it is undone, and Redo never
    offers it.
    """

    def __init__(self, ctx: AppContext, batch_id: int, file_name: str) -> None:
        super().__init__(ctx, f"import {batch_id}")
        self.batch_id = batch_id
        self.file_name = file_name

    def undo(self) -> None:
        super().undo()
        self.setObsolete(True)  # Qt takes an obsolete step off the stack once undone

    def apply(self) -> None:  # pragma: no cover - never redone: obsolete once undone
        raise AssertionError("an undone import is not redone")

    def revert(self) -> Any:
        from chapterdesk.services.hq.apply import undo_batch

        return undo_batch(self.ctx.db, self.batch_id)
