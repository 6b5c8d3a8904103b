"""Undo and redo of this session's roster changes, each step a call to a service.

The change itself is made (and refused, if the bylaws say so) before the
command is pushed, so the first `redo()` Qt makes on push does nothing. If a
later undo is refused (the new member has since been made an officer, say),
the refusal is shown and the step is dropped from the stack.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtGui import QUndoCommand

from chapterdesk.errors import ChapterDeskError
from chapterdesk.services import roster
from chapterdesk.ui import ask
from chapterdesk.ui.context import AppContext


@dataclass(frozen=True)
class ChapterFacts:
    """The chapter's own editable facts about a member."""

    chapter_joined_on: dt.date
    notes: str
    employment_ended_on: dt.date | None


class _ServiceCommand(QUndoCommand):
    def __init__(self, ctx: AppContext, text: str) -> None:
        super().__init__(text)
        self.ctx = ctx
        self._pushed = False

    def _step(self, action: Callable[[], object], message: str) -> None:
        try:
            action()
        except ChapterDeskError as exc:
            ask.warn(None, exc.message)
            self.setObsolete(True)
            return
        self.ctx.changed(message)

    def redo(self) -> None:
        if not self._pushed:  # the change was already made before the push
            self._pushed = True
            return
        self._step(self.apply, f"Redone: {self.text()}")

    def undo(self) -> None:
        self._step(self.revert, f"Undone: {self.text()}")

    def apply(self) -> None:
        """Make the change (again)."""
        raise NotImplementedError

    def revert(self) -> None:
        """Take the change back."""
        raise NotImplementedError


class EditChapterFacts(_ServiceCommand):
    """An edit of a member's chapter facts."""

    def __init__(
        self, ctx: AppContext, hq_id: str, name: str, before: ChapterFacts, after: ChapterFacts
    ) -> None:
        super().__init__(ctx, f"edit chapter facts of {name}")
        self.hq_id, self.before, self.after = hq_id, before, after

    def _write(self, facts: ChapterFacts) -> None:
        roster.update_chapter_facts(
            self.ctx.db,
            self.hq_id,
            chapter_joined_on=facts.chapter_joined_on,
            notes=facts.notes,
            employment_ended_on=facts.employment_ended_on,
        )

    def apply(self) -> None:
        self._write(self.after)

    def revert(self) -> None:
        self._write(self.before)


class AddMember(_ServiceCommand):
    """Adding a member; undone only while nothing refers to the new membership."""

    def __init__(
        self, ctx: AppContext, hq_id: str, name: str, membership_id: int, joined: dt.date
    ) -> None:
        super().__init__(ctx, f"add {name}")
        self.hq_id, self.membership_id, self.joined = hq_id, membership_id, joined

    def apply(self) -> None:
        entry = roster.add_member(self.ctx.db, self.hq_id, chapter_joined_on=self.joined)
        self.membership_id = entry.membership.id

    def revert(self) -> None:
        roster.remove_membership_added_in_error(self.ctx.db, self.membership_id)


class LeaveChapter(_ServiceCommand):
    """A member leaving; undone only when the leave ended no officer term."""

    def __init__(
        self, ctx: AppContext, hq_id: str, name: str, membership_id: int, left_on: dt.date,
        reason: str,
    ) -> None:
        super().__init__(ctx, f"{name} leaving the chapter")
        self.hq_id, self.membership_id = hq_id, membership_id
        self.left_on, self.reason = left_on, reason

    def apply(self) -> None:
        roster.leave_chapter(self.ctx.db, self.hq_id, left_on=self.left_on, reason=self.reason)

    def revert(self) -> None:
        roster.reopen_membership(self.ctx.db, self.membership_id)
