"""The roster's detail panel: one member's HQ facts, chapter facts, privileges, terms and history.

HQ facts are labelled with the date of the HQ data they come from (HQ owns
them); the contact facts have "Correct…" beside them: the chapter's value, with
a reason, saved on the worker through `services.hq.edits` and shown with HQ's
value beside it (and HQ's newer value, while an import's conflict waits).
The member's dues ledger and balance are shown with
"Record payment…" and "Reverse…" (postings are never undone with Ctrl+Z).
Chapter facts are edited here and saved through
`services.roster.members.update_chapter_facts` on the database worker; the dates are
days that have come (the editors stop at today, and the service's sentence is
shown inline if a future day gets through), a refused value is shown inline
and nothing is written; a saved edit can be undone with Ctrl+Z.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QDate, QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from chapterdesk.errors import ChapterDeskError
from chapterdesk.names import in_sentence
from chapterdesk.services.chapter import HqDataAge, hq_data_status
from chapterdesk.services.roster import members as roster
from chapterdesk.services.roster.members import MemberDetail
from chapterdesk.ui import ask, unsaved
from chapterdesk.ui.colours import scheme
from chapterdesk.ui.context import AppContext, LatestRead, touched_member
from chapterdesk.ui.correct_dialog import CorrectFieldDialog
from chapterdesk.ui.dues.ledger_view import LedgerView
from chapterdesk.ui.member_history import MemberHistoryBox
from chapterdesk.ui.pages.roster import ROSTER_KINDS
from chapterdesk.ui.undo import ChapterFacts, EditChapterFacts
from chapterdesk.ui.widgets import (
    edited_date,
    message_label,
    past_date_edit,
    qdate,
    show_message,
)

#: The HQ box's rows an officer may correct: label → the fields it shows (the first is offered).
CORRECTABLE_ROWS: dict[str, tuple[str, ...]] = {
    "Name": ("first_name", "middle_name", "last_name", "prefix", "suffix"),
    "Employer": ("company",),
    "Title": ("title",),
    "E-mail": ("email",),
    "Phone": ("phone",),
    "Address": ("address1", "address2", "city", "state", "postal_code", "country"),
}


#: The rows of HQ's record in the panel, in order.
HQ_ROWS = (
    "Name", "Member type", "HQ status", "Paid through", "HQ join date", "Employer", "Title",
    "E-mail", "Phone", "Address", "Chapters",
)  # fmt: skip


def _correction_notes(detail: MemberDetail, fields: tuple[str, ...]) -> str:
    """What the chapter corrected among `fields`, with HQ's value beside it (HTML)."""
    from chapterdesk.hq_fields import HEADERS

    notes = []
    for fix in (c for c in detail.corrections if c.field in fields):
        what = f"{HEADERS[fix.field]} " if len(fields) > 1 else ""
        why = f"; {html.escape(fix.reason)}" if fix.reason else ""
        notes.append(
            f"<span style='color:#7a5200'>{what}corrected by the chapter "
            f"(HQ: {html.escape(fix.hq_value or '—')}{why})</span>"
        )
        if fix.pending is not None:
            notes.append(
                f"<b style='color:#a4262c'>HQ now says {html.escape(fix.pending or '—')}: "
                "settle it in HQ Sync › Conflicts</b>"
            )
    return "<br>".join(notes)


def _value(text: str) -> QLabel:
    label = QLabel(text or "—")
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class MemberPanel(QScrollArea):
    """Everything about the member selected in the roster."""

    def minimumSizeHint(self) -> QSize:
        """At least as wide as the details need, so the roster's splitter never cuts them."""
        hint = super().minimumSizeHint()
        body = self.widget()
        if body is None:
            return hint
        width = (body.minimumSizeHint().width() + self.verticalScrollBar().sizeHint().width()
                 + 2 * self.frameWidth())
        return QSize(max(hint.width(), width), hint.height())

    leave_requested = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.detail: MemberDetail | None = None
        self._last_shown: str | None = None  # the member the facts message is about
        self.setWidgetResizable(True)
        # Never cut off at the side (a sideways scroll bar hid the standing badge at
        # 1024×640): the panel asks the splitter for its content's width instead.
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setAccessibleName("Member details")
        body = QWidget()
        self.setWidget(body)
        layout = QVBoxLayout(body)
        self.title = QLabel("Select a member to see their details.")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setWordWrap(True)
        self.badge = QLabel()
        self.badge.setVisible(False)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)

        self.hq_box = QGroupBox("From HQ")
        self.hq_form = QFormLayout(self.hq_box)
        self.correct_buttons: dict[str, QToolButton] = {}
        self._hq_values: dict[str, QLabel] = {}  #: each row's value, by label (`HQ_ROWS`)
        self.correction_message = message_label()
        self._correcting = False
        self.hq_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)

        self.facts_box = QGroupBox("Chapter facts")
        facts = QFormLayout(self.facts_box)
        self.joined = past_date_edit("Chapter join date")
        self.worked_set = QCheckBox("Has left their &job")
        self.worked_set.setAccessibleName("Last day worked recorded")
        self.worked = past_date_edit("Last day worked")
        self.worked.setEnabled(False)
        self.worked_set.toggled.connect(self.worked.setEnabled)
        tip = ("A member who loses their job keeps Regular privileges for 180 days after the "
               "last day worked. Leave it unticked while they are employed.")
        self.worked_set.setToolTip(tip)
        self.worked.setToolTip(tip)

        self.notes = QPlainTextEdit()
        self.notes.setAccessibleName("Notes")
        self.notes.setTabChangesFocus(True)
        self.notes.setMaximumHeight(self.fontMetrics().lineSpacing() * 5)
        self.save_button = QPushButton("&Save chapter facts")
        self.save_button.clicked.connect(self.save_facts)
        self.facts_message = message_label()
        facts.addRow("Chapter j&oined:", self.joined)
        facts.addRow("", self.worked_set)
        facts.addRow("Last &day worked:", self.worked)
        facts.addRow("&Notes:", self.notes)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        facts.addRow(buttons)
        facts.addRow(self.facts_message)

        self.privileges_box = QGroupBox("Privileges")
        self.privileges = QLabel()
        self.privileges.setWordWrap(True)
        QVBoxLayout(self.privileges_box).addWidget(self.privileges)
        self.terms_box = QGroupBox("Officer terms")
        self.terms = QLabel()
        self.terms.setWordWrap(True)
        QVBoxLayout(self.terms_box).addWidget(self.terms)
        self.dues_box = QGroupBox("Dues")
        self.ledger = LedgerView(ctx, compact=True)
        self.ledger.setMinimumHeight(self.fontMetrics().lineSpacing() * 14)
        QVBoxLayout(self.dues_box).addWidget(self.ledger)
        self.history_box = QGroupBox("Membership history")
        self.history = QLabel()
        self.history.setWordWrap(True)
        QVBoxLayout(self.history_box).addWidget(self.history)
        self.changes_box = MemberHistoryBox(ctx)
        self.leave_button = QPushButton("&Leave chapter…")
        self.leave_button.setAccessibleName("Leave chapter")
        self.leave_button.clicked.connect(self._leave)
        for widget in (self.facts_box, self.privileges_box, self.dues_box, self.hq_box,
                       self.terms_box, self.history_box, self.changes_box):
            layout.addWidget(widget)
        leave_row = QHBoxLayout()
        leave_row.addStretch(1)
        leave_row.addWidget(self.leave_button)
        layout.addLayout(leave_row)
        layout.addStretch(1)
        self._set_sections_visible(False)
        self._saving = False
        self._saved: tuple[str, ChapterFacts] | None = None  # facts saved, not yet re-read
        self._reader: LatestRead[tuple[MemberDetail, HqDataAge]] = LatestRead(
            ctx, self, "Reading the member")
        # The roster's re-read shows the member again after a change to what it lists;
        # a posting (or a rate) changes only the member's trail here (the ledger view
        # re-reads itself).
        ctx.on_changes(self, ("ledger", "rates"), self._dues_changed)

    def _set_sections_visible(self, visible: bool) -> None:
        for widget in (self.hq_box, self.facts_box, self.privileges_box, self.terms_box,
                       self.history_box, self.changes_box, self.leave_button, self.badge,
                       self.dues_box):
            widget.setVisible(visible)
        self.updateGeometry()

    def show_member(self, hq_id: str | None) -> None:
        """Show one member (None: nothing selected); a re-show keeps the last message.

        The roster shows nobody for a moment while it re-reads after a change: the
        message about the member ("Saved…") stays until another member is shown.
        """
        if (self.has_unsaved_edits() and not self._saving
                and (hq_id is None or not self._showing(hq_id))):
            # The roster emptied its selection (a search, a re-read): keep the member being
            # edited on screen; choosing another member asks first (`settle_unsaved`).
            return
        if hq_id is not None and hq_id != self._last_shown:
            show_message(self.facts_message, "", error=False)
        if hq_id is not None:
            self._last_shown = hq_id
        if hq_id is None:
            self._reader.cancel()
            self.detail = None
            self.ledger.show_member(None)
            self.title.setText("Select a member to see their details.")
            self._set_sections_visible(False)
            return
        db = self.ctx.db
        self._reader.start(
            lambda: (roster.member_detail(db, hq_id), hq_data_status(db)),
            lambda read: self._show_detail(*read),
            self._not_shown,
        )

    @property
    def reading(self) -> bool:
        """Whether the member asked for last is still being read (its detail or its trail)."""
        return self._reader.pending or self.changes_box.reading

    def _not_shown(self, exc: ChapterDeskError) -> None:
        """The member could not be read: say why and show nobody."""
        self.detail = None
        self._set_sections_visible(False)
        ask.warn(self, exc.message)

    def _build_hq_rows(self) -> dict[str, QLabel]:
        """The rows of HQ's record, made once: each member shown after fills in their text.

        (Made again for every member, their dozens of widgets cost the panel more
        time than the read of the member itself.)
        """
        for label in HQ_ROWS:
            shown = _value("")
            self._hq_values[label] = shown
            fields = CORRECTABLE_ROWS.get(label)
            if fields is None:
                self.hq_form.addRow(f"{label}:", shown)
                continue
            button = QToolButton()
            button.setText("Correct…")
            button.setAccessibleName(f"Correct {label}")
            button.clicked.connect(lambda _c=False, f=fields[0]: self.ask_correction(f))
            self.correct_buttons[label] = button
            cell = QWidget()
            line = QHBoxLayout(cell)
            line.setContentsMargins(0, 0, 0, 0)
            line.addWidget(shown, 1)
            line.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
            self.hq_form.addRow(f"{label}:", cell)
        self.hq_form.addRow(self.correction_message)
        return self._hq_values

    def _show_detail(self, detail: MemberDetail, age: HqDataAge) -> None:
        """Fill the panel with one member's detail, read on the worker."""
        kept = self.has_unsaved_edits(detail)  # a re-read of the member being edited
        self.detail = detail
        self._saved = None  # the fresh read holds what was saved
        hq_id = detail.hq.hq_id
        self.ledger.show_member(hq_id)
        self._set_sections_visible(True)
        hq = detail.hq
        self.title.setText(f"{hq.display_name}\nHQ ID {hq.hq_id}")
        tint = scheme().badges[detail.standing]
        colour, background = tint.text, tint.background
        self.badge.setText(detail.standing.label)
        self.badge.setStyleSheet(
            f"QLabel {{ color: {colour}; background: {background}; border-radius: 4px; "
            "padding: 3px 8px; font-weight: bold; }"
        )
        as_of = age.as_of.isoformat() if age.as_of else "no import yet"
        self.hq_box.setTitle(f"From HQ, as of {as_of}")
        address = ", ".join(
            p for p in (hq.address1, hq.address2, hq.city, hq.state, hq.postal_code, hq.country)
            if p
        )
        values = (
            hq.display_name,
            hq.member_type,
            hq.hq_status,
            hq.paid_through.isoformat() if hq.paid_through else "",
            hq.join_date.isoformat() if hq.join_date else "",
            hq.company,
            hq.title,
            hq.email,
            hq.phone,
            address,
            hq.chapters,
        )
        shown = self._hq_values or self._build_hq_rows()
        for label, value in zip(HQ_ROWS, values, strict=True):
            fields = CORRECTABLE_ROWS.get(label)
            notes = _correction_notes(detail, fields) if fields else ""
            if notes:
                shown[label].setTextFormat(Qt.TextFormat.RichText)
                shown[label].setText(f"{html.escape(value or '—')}<br>{notes}")
            else:
                shown[label].setTextFormat(Qt.TextFormat.PlainText)  # HQ's text, never markup
                shown[label].setText(value or "—")
        current = detail.current
        self.facts_box.setEnabled(current is not None)
        self.leave_button.setEnabled(current is not None)
        today = QDate.currentDate()  # the editors' maximum follows the calendar
        self.joined.setMaximumDate(today)
        self.worked.setMaximumDate(today)
        if current is not None:
            m = current.membership
            if not kept:  # what the officer typed stays until they save or discard it
                self.joined.setDate(qdate(m.chapter_joined_on))
                self.worked_set.setChecked(m.employment_ended_on is not None)
                self.worked.setDate(qdate(m.employment_ended_on or m.chapter_joined_on))
                self.notes.setPlainText(m.notes)
            p = current.privileges
            lines = [
                f"Vote: <b>{'yes' if p.may_vote else 'no'}</b> &nbsp;·&nbsp; "
                f"Hold office: <b>{'yes' if p.may_hold_office else 'no'}</b>"
                + (f" &nbsp;·&nbsp; <b style='color:{scheme().error.text}'>suspended</b>"
                   if p.suspended else ""),
                *(f"• {html.escape(reason)}" for reason in p.reasons),
            ]
            self.privileges.setText("<br>".join(lines))
        else:
            self.worked_set.setChecked(False)
            self.notes.clear()
            self.privileges.setText("Not a current chapter member.")
        self.terms.setText(
            "<br>".join(
                f"{html.escape(t.position)}: {t.starts_on.isoformat()} to "
                f"{t.ends_on.isoformat() if t.ends_on else 'open'}"
                + (f" &nbsp;<b>not eligible:</b> {html.escape(t.ineligible)}" if t.ineligible
                   else "")
                for t in detail.terms
            )
            or "No officer terms."
        )
        self.history.setText(
            "<br>".join(
                f"Joined {m.chapter_joined_on.isoformat()}"
                + (
                    f", left {m.left_on.isoformat()}"
                    + (f" ({html.escape(m.leave_reason)})" if m.leave_reason else "")
                    if m.left_on
                    else " (current)"
                )
                for m in detail.history
            )
            or "Never a chapter member."
        )
        self.changes_box.show_member(hq.hq_id)
        self.updateGeometry()  # the details may need more width: the splitter makes room
        QTimer.singleShot(0, self, self._claim_width)  # once the new rows are laid out

    def _claim_width(self) -> None:
        """Widen this panel in its splitter to what its details need (the roster gives way).

        A splitter reads its children's minimum widths when it is laid out, not
        when the details shown inside a scroll area grow (the correction buttons
        beside the HQ facts), so the panel asks for its room itself.
        """
        splitter = self.parentWidget()
        if not isinstance(splitter, QSplitter):
            return
        index = splitter.indexOf(self)
        sizes = splitter.sizes()
        need = self.minimumSizeHint().width()
        if index < 0 or sizes[index] >= need or len(sizes) < 2:
            return
        other = 1 - index if len(sizes) == 2 else 0
        give = min(need - sizes[index], max(sizes[other] - 1, 0))
        sizes[index] += give
        sizes[other] -= give
        splitter.setSizes(sizes)

    def ask_correction(self, field: str) -> None:
        """Ask for the chapter's value of an HQ field (the dialog offers every correctable one)."""
        if self.detail is None or self._correcting:
            return
        dialog = CorrectFieldDialog(self.detail.hq, self.detail.corrections, field, self)
        if ask.run_dialog(dialog):
            self.correct(dialog.field(), dialog.value.text(), dialog.reason.text())

    def correct(self, field: str, value: str, reason: str) -> bool:
        """Save a correction on the worker through the door; True when one was started."""
        if self.detail is None or self._correcting:
            return False
        db, hq_id, name = self.ctx.db, self.detail.hq.hq_id, self.detail.hq.display_name

        def work() -> Any:
            from chapterdesk.services.hq.edits import edit_hq_field

            return edit_hq_field(db, hq_id, field, value, reason)

        def saved(result: Any) -> None:
            said = (
                f"Corrected {field} of {in_sentence(name)} (HQ's value is kept beside it)."
                if result.kept
                else f"{field} of {name} is HQ's value again."
            )
            self.ctx.changed(said)
            if self._showing(hq_id):
                show_message(self.correction_message, said, error=False)
                self.show_member(hq_id)

        def refused(exc: ChapterDeskError) -> None:
            if self._showing(hq_id):
                show_message(self.correction_message, exc.message, error=True)
            else:
                ask.warn(self, f"{field} of {name} was not corrected: {exc.message}")

        def ended() -> None:
            self._correcting = False

        self._correcting = True
        show_message(self.correction_message, "", error=False)
        self.ctx.change(self, f"Correcting {field} of {name}", work, saved,
                        refused).done.connect(ended)
        return True

    @property
    def correcting(self) -> bool:
        """Whether a correction is on its way to the worker."""
        return self._correcting

    def has_unsaved_edits(self, reread: MemberDetail | None = None) -> bool:
        """Whether the chapter facts on screen differ from the member's stored facts.

        `reread`: a fresh read of a member; only edits to that same member count.
        """
        before = self.current_facts()
        if before is None or self.detail is None:
            return False
        if reread is not None and reread.hq.hq_id != self.detail.hq.hq_id:
            return False
        return self.edited_facts() != before

    def settle_unsaved(self) -> bool:
        """Before the member shown is left: ask to save or discard unsaved edits.

        Returns False when the officer cancels (they stay with their edits);
        "Save" starts the save on the worker (Ctrl+Z undoes it as usual).
        """
        if self.detail is None:
            return True
        return unsaved.settle(self, [self], f"of {self.detail.hq.display_name}",
                              "Unsaved chapter facts")

    def unsaved_edits(self) -> list[str]:
        """The chapter facts changed on screen and not saved ("the notes", …)."""
        if not self.has_unsaved_edits():
            return []
        before, after = self.current_facts(), self.edited_facts()
        return [what for what, old, new in (
            ("the notes", before and before.notes, after.notes),
            ("the chapter join date", before and before.chapter_joined_on,
             after.chapter_joined_on),
            ("the last day worked", before and before.employment_ended_on,
             after.employment_ended_on),
        ) if old != new]

    def save_edits(self) -> bool:
        """Save the edited chapter facts (`save_facts`)."""
        return self.save_facts()

    def discard_edits(self) -> None:
        """Put the stored chapter facts back in the form."""
        facts = self.current_facts()
        if facts is None:
            return
        self.joined.setDate(qdate(facts.chapter_joined_on))
        self.worked_set.setChecked(facts.employment_ended_on is not None)
        self.worked.setDate(qdate(facts.employment_ended_on or facts.chapter_joined_on))
        self.notes.setPlainText(facts.notes)

    def current_facts(self) -> ChapterFacts | None:
        """The chapter facts as stored for the member shown (as last saved here, if since)."""
        if self.detail is None or self.detail.current is None:
            return None
        if self._saved is not None and self._saved[0] == self.detail.hq.hq_id:
            return self._saved[1]
        m = self.detail.current.membership
        return ChapterFacts(m.chapter_joined_on, m.notes, m.employment_ended_on)

    def edited_facts(self) -> ChapterFacts:
        """The chapter facts as the form shows them."""
        return ChapterFacts(
            edited_date(self.joined),
            self.notes.toPlainText(),
            edited_date(self.worked) if self.worked_set.isChecked() else None,
        )

    def save_facts(self) -> bool:
        """Save the edited chapter facts on the worker; True when a save was started.

        A refused value is shown inline and nothing is written; once saved, the
        edit goes on the undo stack.
        """
        before = self.current_facts()
        if before is None or self.detail is None or self._saving:
            return False
        after = self.edited_facts()
        if after == before:
            show_message(self.facts_message, "Nothing changed.", error=False)
            return False
        db, hq_id, name = self.ctx.db, self.detail.hq.hq_id, self.detail.hq.display_name

        def work() -> Any:
            return roster.update_chapter_facts(
                db, hq_id, chapter_joined_on=after.chapter_joined_on, notes=after.notes,
                employment_ended_on=after.employment_ended_on,
            )

        def saved(_membership: Any) -> None:
            if self._showing(hq_id):  # stored now, before the member is read again
                self._saved = (hq_id, after)
            self.ctx.undo.push(EditChapterFacts(self.ctx, hq_id, name, before, after))
            self.ctx.changed(f"Saved the chapter facts of {name}.")
            if self._showing(hq_id):
                show_message(self.facts_message, "Saved. Ctrl+Z undoes it.", error=False)

        def refused(exc: ChapterDeskError) -> None:
            if self._showing(hq_id):
                show_message(self.facts_message, exc.message, error=True)
            else:  # the officer moved on to another member meanwhile
                ask.warn(self, f"The chapter facts of {name} were not saved: {exc.message}")

        def ended() -> None:
            self._saving = False
            self.save_button.setEnabled(True)

        self._saving = True
        self.save_button.setEnabled(False)
        show_message(self.facts_message, "", error=False)
        self.ctx.change(self, f"Saving the chapter facts of {name}", work, saved,
                        refused).done.connect(ended)
        return True

    def _showing(self, hq_id: str) -> bool:
        return self.detail is not None and self.detail.hq.hq_id == hq_id

    def _dues_changed(self, changes: Any) -> None:
        hq_id = self.detail.hq.hq_id if self.detail is not None else None
        if touched_member(changes, hq_id) and not changes.touches(*ROSTER_KINDS):
            assert hq_id is not None
            self.changes_box.show_member(hq_id)

    def _leave(self) -> None:
        if self.detail is not None:
            self.leave_requested.emit(self.detail.hq.hq_id)
