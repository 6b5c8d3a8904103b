"""The Officers page: who holds which position, who may, and appointing or ending terms.

A sitting officer who is no longer eligible (lapsed, say) is flagged: their row
is tinted with a warning icon and the reason in its tooltip, and a warning above
the table names them with what to do.

Appointing and ending are made on the database worker; a refusal (a member
who may not hold office, a term already ended, which is never reopened or
extended) is shown beside the form in the service's own sentence. The page
re-reads when a change touched officers, members, an import or the settings.
"""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from chapterdesk.errors import ChapterDeskError
from chapterdesk.names import in_sentence
from chapterdesk.services.roster import members as roster
from chapterdesk.services.roster import officers as officers
from chapterdesk.services.roster.members import MemberDetail, TermView
from chapterdesk.ui import ask, unsaved
from chapterdesk.ui.colours import scheme
from chapterdesk.ui.context import LatestRead
from chapterdesk.ui.icons import icon
from chapterdesk.ui.member_picker import MemberPicker
from chapterdesk.ui.pages.base import AppContext, Page, heading, message_label, show_message
from chapterdesk.ui.widgets import warning_colours
from chapterdesk.values import parse_iso_date

HEADERS = ("Position", "Member", "HQ ID", "From", "To")
ELIGIBILITY_PROMPT = "Choose a member (a name or an HQ ID) to see whether they may hold office."
VACANT = "(vacant)"


def in_force(term: TermView, day: dt.date) -> bool:
    """Whether a term is held on `day` (its last day included)."""
    return term.starts_on <= day and (term.ends_on is None or term.ends_on >= day)


def table_rows(
    positions: list[tuple[str, bool]], terms: list[TermView], today: dt.date
) -> list[tuple[str, TermView | None]]:
    """The officer table's rows, in position order: each term, and each vacant position.

    A position nobody holds today is a row of its own (`None` for its term), so
    the officer sees at once which offices need filling.
    """
    rows: list[tuple[str, TermView | None]] = []
    names = [name for name, _single in positions]
    for name in names:
        held = [t for t in terms if t.position == name]
        rows.extend((name, t) for t in held)
        if not any(in_force(t, today) for t in held):
            rows.append((name, None))
    rows.extend((t.position, t) for t in terms if t.position not in names)
    return rows


class OfficersPage(Page):
    """Officer terms, eligibility per member, and appointing or ending a term."""

    key = "officers"
    title = "Officers"
    icon_name = "officers"
    order = 60

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.terms: list[TermView] = []
        self.positions: list[tuple[str, bool]] = []
        #: The table's rows: each position with its term, or None where it is vacant.
        self.rows: list[tuple[str, TermView | None]] = []
        self._reader: LatestRead[tuple[list[tuple[str, bool]], list[TermView]]] = LatestRead(
            ctx, self, "Reading the officers")
        self.all_terms = QCheckBox("Show &past and future terms")
        self.all_terms.setAccessibleName("Show past and future terms")
        self.all_terms.toggled.connect(lambda _on: self.refresh())
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setAccessibleName("Officer terms")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.table.setWordWrap(False)
        self.table.itemSelectionChanged.connect(self._selection_changed)

        appoint = QGroupBox("Appoint an officer")
        form = QFormLayout(appoint)
        # the one member picker: a name, an e-mail or an HQ ID; the chosen member's HQ ID
        # stands in its text box (`hq_id`), which the eligibility check and Appoint read
        self.picker = MemberPicker(ctx, parent=self)
        self.picker.picked.connect(lambda _id: self._choose_position())
        self.hq_id = self.picker.member
        self.eligibility = QLabel(ELIGIBILITY_PROMPT)
        self.eligibility.setWordWrap(True)
        self.eligibility.setAccessibleName("Eligibility")
        self._eligibility_reader: LatestRead[MemberDetail] = LatestRead(
            ctx, self, "Checking the member's eligibility")
        self._check_timer = QTimer(self, singleShot=True, interval=250)
        self._check_timer.timeout.connect(self.check_eligibility)
        self.hq_id.textChanged.connect(lambda _t: self._check_timer.start())
        self.position = QComboBox()
        self.position.setAccessibleName("Position")
        today = dt.date.today()
        self.starts = QLineEdit(today.isoformat())
        self.starts.setAccessibleName("Term starts")
        self.starts.setPlaceholderText("YYYY-MM-DD")
        self.ends = QLineEdit()
        self.ends.setAccessibleName("Term ends")
        self.ends.setPlaceholderText("YYYY-MM-DD, blank for open-ended")
        self.appoint_button = QPushButton("&Appoint")
        self.appoint_button.clicked.connect(self.appoint)
        self.message = message_label()
        member_label = QLabel("&Member:")
        member_label.setBuddy(self.hq_id)
        form.addRow(member_label, self.picker)
        form.addRow("", self.eligibility)
        form.addRow("P&osition:", self.position)
        form.addRow("F&rom:", self.starts)
        form.addRow("&To:", self.ends)
        button_row = QHBoxLayout()
        button_row.addStretch(1)
        button_row.addWidget(self.appoint_button)
        form.addRow(button_row)

        end = QGroupBox("End the selected term")
        end_form = QFormLayout(end)
        self.end_on = QLineEdit(today.isoformat())
        self.end_on.setAccessibleName("End the term on")
        self.end_button = QPushButton("En&d term")
        self.end_button.clicked.connect(self.end_selected)
        self.end_button.setEnabled(False)
        self.end_on.setEnabled(False)
        self.end_hint = QLabel("Select a term in the list to end it.")
        self.end_hint.setWordWrap(True)
        self.end_hint.setAccessibleName("Which term")
        end_form.addRow(self.end_hint)
        end_form.addRow("E&nds on:", self.end_on)
        end_row = QHBoxLayout()
        end_row.addStretch(1)
        end_row.addWidget(self.end_button)
        end_form.addRow(end_row)

        side = QVBoxLayout()
        side.addWidget(appoint)
        side.addWidget(end)
        side.addWidget(self.message)
        side.addStretch(1)
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        self.warning.setTextFormat(Qt.TextFormat.RichText)
        self.warning.setAccessibleName("Officers no longer eligible")
        self.warning.setVisible(False)
        left = QVBoxLayout()
        left.addWidget(self.warning)
        left.addWidget(self.all_terms)
        left.addWidget(self.table, 1)
        columns = QHBoxLayout()
        columns.addLayout(left, 3)
        columns.addLayout(side, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(
            "Officers",
            "Officers must be voting members in good standing; a single-holder position has "
            "one holder at a time.",
        ))
        layout.addLayout(columns, 1)
        # The forms as they stand with nothing typed (or as last appointed / ended).
        self._appoint_stored = (self.hq_id.text(), self.starts.text(), self.ends.text())
        self._end_stored = self.end_on.text()
        ctx.on_changes(self, ("officers", "roster", "imports", "settings"),
                       lambda _c: self._data_changed())

    def forms(self) -> list[unsaved.UnsavedForm]:
        """The appointment and the end of a term, typed and not yet made."""
        return [self]

    def _appointment(self) -> tuple[str, str, str]:
        return self.hq_id.text().strip(), self.starts.text(), self.ends.text()

    def _unsaved_appointment(self) -> bool:
        """A member is typed and the appointment differs from the one last made."""
        return bool(self._appointment()[0]) and self._appointment() != self._appoint_stored

    def _unsaved_end(self) -> TermView | None:
        """The term selected, when its end date was typed and the term not yet ended."""
        term = self.selected_term()
        return term if term is not None and self.end_on.text() != self._end_stored else None

    def unsaved_edits(self) -> list[str]:
        """The appointment typed and not made, the end date typed and not applied."""
        changed = []
        if self._unsaved_appointment():
            changed.append(f"the appointment of “{self._appointment()[0]}” as "
                           f"{self.position.currentData() or 'an officer'}")
        term = self._unsaved_end()
        if term is not None:
            changed.append(f"the end of {term.name}'s term as {term.position}")
        return changed

    def save_edits(self) -> bool:
        """Appoint the member typed, end the term selected (whichever was typed)."""
        started = False
        if self._unsaved_end() is not None:
            self.end_selected()
            started = True
        if self._unsaved_appointment():
            self.appoint()
            started = True
        return started

    def discard_edits(self) -> None:
        """Empty the appointment form and put back the end date."""
        member, starts, ends = self._appoint_stored
        self.picker.set_text(member)
        self.starts.setText(starts)
        self.ends.setText(ends)
        self.end_on.setText(self._end_stored)
        show_message(self.message, "", error=False)

    def _data_changed(self) -> None:
        if self.isVisible():  # otherwise opening the page re-reads it
            self.refresh()

    def _busy(self, busy: bool) -> None:
        self._working = busy
        self.appoint_button.setEnabled(not busy)
        self._selection_changed()

    def _selection_changed(self) -> None:
        """Offer to end a term only while a term (not a vacant position) is selected."""
        term = self.selected_term()
        usable = term is not None and not getattr(self, "_working", False)
        self.end_button.setEnabled(usable)
        self.end_on.setEnabled(term is not None)
        if term is None:
            self.end_hint.setText("Select a term in the list to end it.")
        else:
            self.end_hint.setText(f"{term.name}'s term as {term.position}.")

    def activate(self, target: Any = None) -> None:
        """Show the terms; `target` (an HQ ID) selects that member's term in office."""
        self.refresh(select=target if isinstance(target, str) else None)

    def refresh(self, select: str | None = None) -> None:
        """Re-read the positions and terms on the worker; `select`: that member's term."""
        db, all_terms = self.db, self.all_terms.isChecked()
        self._reader.start(
            lambda: (officers.list_positions(db), officers.list_officers(db, all_terms=all_terms)),
            lambda read: self._show(*read, select=select),
        )

    @property
    def reading(self) -> bool:
        """Whether the positions and terms asked for last are still being read."""
        return self._reader.pending

    def _show(
        self, positions: list[tuple[str, bool]], terms: list[TermView], select: str | None
    ) -> None:
        """Show what the worker read: the positions to appoint to, and the terms."""
        chosen = self.position.currentText()
        self.position.clear()
        for name, single in positions:
            self.position.addItem(name + ("" if single else " (several holders)"), name)
        self.position.setCurrentIndex(max(self.position.findData(chosen), 0))
        self.positions = positions
        self.terms = terms
        self._show_terms()
        if select is not None:
            for row, (_position, term) in enumerate(self.rows):
                if term is not None and term.hq_id == select:
                    self.table.selectRow(row)
                    break

    def changeEvent(self, event: QEvent) -> None:
        """Redraw the flags in the new colours when the palette changes (dark mode on/off)."""
        super().changeEvent(event)
        # (`terms` is set once the page is built: nothing to redraw before then)
        if event.type() == QEvent.Type.PaletteChange and getattr(self, "terms", None):
            self._show_terms()

    def _show_terms(self) -> None:
        """Fill the table: each term (flagging an officer no longer eligible), each vacancy."""
        colours = warning_colours()
        vacant_colour = self.palette().color(QPalette.ColorRole.PlaceholderText)
        self.rows = table_rows(self.positions, self.terms, dt.date.today())
        self.table.clearSelection()
        self.table.setRowCount(len(self.rows))
        for row, (position, term) in enumerate(self.rows):
            if term is None:
                for column, value in enumerate((position, VACANT, "", "", "")):
                    item = QTableWidgetItem(value)
                    item.setForeground(QBrush(vacant_colour))
                    font = item.font()
                    font.setItalic(True)
                    item.setFont(font)
                    item.setToolTip(f"Nobody holds {position} today: appoint someone on the right.")
                    self.table.setItem(row, column, item)
                continue
            # the roster's form of a name ("Baker, Mary"), as every list of members shows it
            values = (term.position, term.sort_name, term.hq_id, term.starts_on.isoformat(),
                      term.ends_on.isoformat() if term.ends_on else "open")
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, term.id)
                if not term.eligible:
                    item.setBackground(QBrush(QColor(colours.background)))
                    item.setForeground(QBrush(QColor(colours.text)))
                    item.setToolTip(f"{in_sentence(term.name)} is no longer eligible to hold "
                                    f"office: {term.ineligible}. Ask them to renew with HQ, "
                                    "or end the term.")
                self.table.setItem(row, column, item)
            if not term.eligible:
                first = self.table.item(row, 0)
                assert first is not None  # set in the loop above
                first.setIcon(icon("warning"))
                first.setData(Qt.ItemDataRole.AccessibleTextRole,
                              f"{term.position}, not eligible: {term.ineligible}")
        self._show_warning([t for t in self.terms if not t.eligible])
        self._selection_changed()

    def _show_warning(self, flagged: list[TermView]) -> None:
        """Name each sitting officer no longer eligible above the table, with what to do."""
        if not flagged:
            self.warning.setVisible(False)
            self.warning.clear()
            return
        colours = warning_colours()
        lines = "".join(
            f"<li><b>{html.escape(t.position)}</b>: {html.escape(t.name)} "
            f"({html.escape(t.hq_id)}) — {html.escape(t.ineligible or '')}.</li>"
            for t in flagged
        )
        self.warning.setText(
            f"<b>⚠ No longer eligible to hold office</b>"
            f"<ul style='margin: 2px 0 2px -20px'>{lines}</ul>"
            "Ask them to renew with HQ, then import HQ's newer export; or select the term "
            "and end it."
        )
        self.warning.setStyleSheet(
            f"QLabel {{ color: {colours.text}; background: {colours.background}; "
            f"border: 1px solid {colours.border}; border-radius: 4px; padding: 6px 8px; }}"
        )
        self.warning.setVisible(True)

    def _choose_position(self) -> None:
        """A member was chosen: on to the position."""
        self.position.setFocus()

    def check_eligibility(self) -> None:
        """Show whether the member chosen may hold office, and why not (read on the worker).

        A name being typed is the picker's to look up: only an HQ ID is checked.
        """
        text = self.hq_id.text().strip()
        if not text.isdigit():
            self._eligibility_reader.cancel()
            self.eligibility.setText(ELIGIBILITY_PROMPT)
            self.eligibility.setStyleSheet("")
            return
        db = self.db

        def refused(exc: ChapterDeskError) -> None:
            self.eligibility.setText(exc.message)
            self.eligibility.setStyleSheet(f"color: {scheme().error.text};")

        self._eligibility_reader.start(lambda: roster.member_detail(db, text),
                                       self._show_eligibility, refused)

    def _show_eligibility(self, detail: MemberDetail) -> None:
        name = in_sentence(html.escape(detail.hq.display_name))
        if detail.current is None:
            self.eligibility.setText(f"{name} is not a current chapter member.")
            self.eligibility.setStyleSheet(f"color: {scheme().error.text};")
        elif detail.current.privileges.may_hold_office:
            self.eligibility.setText(f"✔ {name} may hold office ({detail.standing.label}).")
            self.eligibility.setStyleSheet(f"color: {scheme().ok.text};")
        else:
            reasons = "; ".join(detail.current.privileges.reasons) or (
                f"the {detail.category.name} category may not hold office"
                if detail.category else "their category may not hold office"
            )
            self.eligibility.setText(f"✘ {name} may not hold office: {html.escape(reasons)}.")
            self.eligibility.setStyleSheet(f"color: {scheme().error.text};")

    def appoint(self) -> None:
        """Give the member a term, on the worker; a refusal is shown as its sentence."""
        try:
            starts = parse_iso_date(self.starts.text(), "term start")
            ends_text = self.ends.text().strip()
            ends = parse_iso_date(ends_text, "term end") if ends_text else None
        except ChapterDeskError as exc:
            self._refused(exc)
            return
        db, hq_id, position = self.db, self.hq_id.text(), self.position.currentData() or ""
        typed = self._appointment()

        def appointed(term: TermView) -> None:
            self._appoint_stored = typed  # made: nothing left unsaved
            show_message(self.message, f"{in_sentence(term.name)} is {term.position} from "
                         f"{term.starts_on.isoformat()}.", error=False)
            self.ctx.changed(f"Appointed {in_sentence(term.name)} as {term.position}.")

        self._busy(True)
        self.ctx.change(
            self, "Appointing the officer",
            lambda: officers.set_officer(db, hq_id, position, starts_on=starts, ends_on=ends),
            appointed, self._refused,
        ).done.connect(lambda: self._busy(False))

    def _refused(self, exc: ChapterDeskError) -> None:
        show_message(self.message, exc.message, error=True)
        if not self.isVisible():  # made on leaving the page: say so where the officer is
            ask.warn(self, f"{exc.message} What you typed is still on the Officers page.")

    def selected_term(self) -> TermView | None:
        """The term selected in the table."""
        selected = self.table.selectionModel().selectedRows()
        if not selected:
            return None
        row = selected[0].row()
        return self.rows[row][1] if 0 <= row < len(self.rows) else None

    def end_selected(self) -> None:
        """End the selected term on the date given (on the worker).

        A term that already ends on or before that day is refused with the
        service's sentence: an ended term is never reopened or extended.
        """
        term = self.selected_term()
        if term is None:
            show_message(self.message, "Select a term in the list first.", error=True)
            return
        try:
            ends = parse_iso_date(self.end_on.text(), "end date")
        except ChapterDeskError as exc:
            self._refused(exc)
            return
        db, term_id, typed = self.db, term.id, self.end_on.text()

        def ended(view: TermView) -> None:
            self._end_stored = typed
            show_message(self.message, f"{view.name}'s term as {view.position} ends on "
                         f"{ends.isoformat()}.", error=False)
            self.ctx.changed(f"Ended {view.name}'s term as {view.position}.")

        self._busy(True)
        self.ctx.change(
            self, "Ending the term", lambda: officers.end_term(db, term_id, ends), ended,
            self._refused,
        ).done.connect(lambda: self._busy(False))
