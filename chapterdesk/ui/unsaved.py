"""Nothing typed is lost: the one way a form with unsaved edits asks before it is left.

A form the officer types into (the member panel's chapter facts, the Settings
page's chapter form, the e-mail settings and templates, the Officers page's
appointment, the Dues rates' rules) says what it holds that is not saved
(`unsaved_edits`: phrases such as "the chapter name"), and can save or drop
it. Before the officer leaves it (another member, another page by the sidebar,
Ctrl+digit or the View menu, another database, closing the window), `settle`
asks once for every such form: Save, Discard or Cancel. Cancel keeps the
officer where they were, with their edits; nothing changed (or a change typed
and then undone) asks nothing, since a form compares what it shows with what
it last read or saved, never a "touched" flag.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from PySide6.QtWidgets import QWidget

from chapterdesk.ui import ask


class UnsavedForm(Protocol):
    """A form the officer types into, which may hold edits not yet saved."""

    def unsaved_edits(self) -> list[str]:
        """What differs from the stored values, each as a phrase ("the chapter name")."""
        ...  # pragma: no cover - a protocol

    def save_edits(self) -> bool:
        """Start saving the edits (on the worker); False when nothing could be started."""
        ...  # pragma: no cover - a protocol

    def discard_edits(self) -> None:
        """Put the stored values back in the form."""
        ...  # pragma: no cover - a protocol


def listed(phrases: Sequence[str]) -> str:
    """"a", "a and b", "a, b and c"."""
    if len(phrases) <= 1:
        return "".join(phrases)
    return f"{', '.join(phrases[:-1])} and {phrases[-1]}"


def settle(parent: QWidget, forms: Iterable[UnsavedForm], where: str = "",
           title: str = "Unsaved changes") -> bool:
    """Before `forms` are left: ask to save or discard what they hold unsaved (once for all).

    `where` ends the question's subject ("on the Settings page", "of Mary
    Baker"). Returns False when the officer cancels: they stay, edits and all.
    "Save" starts each form's save (a refusal is shown by the form when it
    comes); "Discard" puts the stored values back.
    """
    dirty = [(form, changed) for form in forms if (changed := form.unsaved_edits())]
    if not dirty:
        return True
    what = listed([phrase for _form, changed in dirty for phrase in changed])
    answer = ask.save_changes(
        parent, f"You changed {what}{' ' + where if where else ''} without saving. "
        "Save the changes?", title,
    )
    if answer == "cancel":
        return False
    for form, _changed in dirty:
        if answer == "save":
            form.save_edits()
        else:
            form.discard_edits()
    return True
