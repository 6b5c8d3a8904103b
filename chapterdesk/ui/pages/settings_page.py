"""The Settings page: chapter-wide settings, membership categories, HQ member types, positions.

Everything it reads and writes goes through the services on the worker thread
(`ctx.tasks`); the page only collects what the officer typed and shows the
answer, a refusal inline.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from chapterdesk.errors import ChapterDeskError
from chapterdesk.services import chapter
from chapterdesk.services.chapter import Category, ChapterInfo, Position
from chapterdesk.services.roster import categories as category_service
from chapterdesk.ui import ask, unsaved
from chapterdesk.ui.change_dialog import ChangeDialog
from chapterdesk.ui.choosers import CurrencyBox, MonthDayEdit
from chapterdesk.ui.mail.settings_box import MailSettingsBox, MailTemplatesBox
from chapterdesk.ui.pages.base import AppContext, Page, heading, message_label, show_message
from chapterdesk.ui.pages.hq_types_box import HqTypesBox

SIMPLE_MAJORITY = "Simple majority"
#: The chapter form's fields, as the question about unsaved edits names them.
FORM_FIELDS = {
    "name": "the chapter name", "currency": "the currency", "year_start": "the dues year start",
    "grace": "the grace days", "stale": "when HQ data is stale", "page_size": "the page size",
    "quorum": "the quorum", "officer_name": "your name for the audit trail",
}


def _table(headers: tuple[str, ...], name: str) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    _set_up(table, headers, name)
    return table


def _set_up(table: QTableWidget, headers: tuple[str, ...], name: str) -> None:
    """Headings, a name, whole-row single selection, no editing, columns fit to content."""
    table.setHorizontalHeaderLabels(headers)
    table.setAccessibleName(name)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)


class CategoryTable(QTableWidget):
    """The membership categories; the description shown only where there is room for it.

    As wide as its longest text, the description pushed the table into scrolling
    sideways at 1024 pixels; it now takes the room the other columns leave, and
    is hidden when that is too little to read (every cell's tooltip holds it).
    """

    DESCRIPTION = 5  #: its column
    MIN_DESCRIPTION = 120  #: pixels below which the description is hidden

    def __init__(self) -> None:
        headers = ("Code", "Name", "Eligible", "Votes", "Office", "Description")
        super().__init__(0, len(headers))
        _set_up(self, headers, "Membership categories")
        self.horizontalHeader().setSectionResizeMode(
            self.DESCRIPTION, QHeaderView.ResizeMode.Stretch
        )

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Show or hide the description for the new width."""
        super().resizeEvent(event)
        self.fit_description()

    def fit_description(self) -> None:
        """Hide the description when the other columns leave it too little room."""
        header = self.horizontalHeader()
        others = sum(
            max(header.sectionSizeHint(c), self.sizeHintForColumn(c))
            for c in range(self.DESCRIPTION)
        )
        room = self.viewport().width() - others
        self.setColumnHidden(self.DESCRIPTION, room < self.MIN_DESCRIPTION)


def fit_rows(table: QTableWidget, most: int) -> None:
    """Make the table tall enough to show its rows (up to `most`) without scrolling."""
    shown = range(min(table.rowCount(), most))
    height = table.horizontalHeader().height() + sum(table.rowHeight(r) for r in shown)
    table.setMinimumHeight(height + 2 * table.frameWidth() + 2)


class CategoryDialog(ChangeDialog):
    """Add or edit a membership category, saved through `services.chapter.save_category`.

    Saved on the database worker; a refused value is shown inline.
    """

    def __init__(self, ctx: AppContext, category: Category | None, parent: QWidget | None) -> None:
        super().__init__(ctx, parent)
        self.ctx, self.category = ctx, category
        self.saved: Category | None = None
        self.setWindowTitle("Edit category" if category else "Add a category")
        self.code = QLineEdit(category.code if category else "")
        self.code.setAccessibleName("Category code")
        self.name = QLineEdit(category.name if category else "")
        self.name.setAccessibleName("Category name")
        self.eligible = QCheckBox("&Eligible for membership")
        self.eligible.setChecked(category.eligible if category else True)
        self.vote = QCheckBox("May &vote")
        self.vote.setChecked(bool(category and category.may_vote))
        self.office = QCheckBox("May hold elective &office")
        self.office.setChecked(bool(category and category.may_hold_office))
        self.description = QLineEdit(category.description if category else "")
        self.description.setAccessibleName("Description")
        form = QFormLayout()
        form.addRow("&Code:", self.code)
        form.addRow("&Name:", self.name)
        form.addRow("", self.eligible)
        form.addRow("", self.vote)
        form.addRow("", self.office)
        form.addRow("&Description:", self.description)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.lock_while_saving(buttons)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def save(self) -> None:
        """Save on the worker; a refused value is shown inline, and the dialog closes once saved."""
        if self.saving:
            return
        db, category_id = self.ctx.db, self.category.id if self.category else None
        code, name, description = self.code.text(), self.name.text(), self.description.text()
        may_vote, may_hold_office = self.vote.isChecked(), self.office.isChecked()
        eligible = self.eligible.isChecked()
        self.save_on_worker(
            "Saving the category",
            lambda: chapter.save_category(
                db, category_id, code=code, name=name, may_vote=may_vote,
                may_hold_office=may_hold_office, eligible=eligible, description=description,
            ),
            self._saved,
        )

    def _saved(self, saved: Category) -> None:
        self.saved = saved
        self.accept()


class PositionDialog(ChangeDialog):
    """Add or edit an officer position, saved through `services.chapter.save_position`.

    Saved on the database worker; a refused value is shown inline.
    """

    def __init__(self, ctx: AppContext, position: Position | None, parent: QWidget | None) -> None:
        super().__init__(ctx, parent)
        self.ctx, self.position = ctx, position
        self.saved: Position | None = None
        self.setWindowTitle("Edit position" if position else "Add a position")
        self.name = QLineEdit(position.name if position else "")
        self.name.setAccessibleName("Position name")
        self.single = QCheckBox("&One holder at a time")
        self.single.setChecked(position.single_holder if position else True)
        form = QFormLayout()
        form.addRow("&Name:", self.name)
        form.addRow("", self.single)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.lock_while_saving(buttons)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def save(self) -> None:
        """Save on the worker; a refused value is shown inline, and the dialog closes once saved."""
        if self.saving:
            return
        db, position_id = self.ctx.db, self.position.id if self.position else None
        name, single = self.name.text(), self.single.isChecked()
        self.save_on_worker(
            "Saving the position",
            lambda: chapter.save_position(db, position_id, name=name, single_holder=single),
            self._saved,
        )

    def _saved(self, saved: Position) -> None:
        self.saved = saved
        self.accept()


class SettingsPage(Page):
    """Chapter settings, categories with their flags, HQ member types, and officer positions."""

    key = "settings"
    title = "Settings"
    icon_name = "settings"
    order = 70

    #: Something on the page was written; carries the sentence for the status bar.
    saved = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.categories: list[Category] = []
        self.positions: list[Position] = []
        self._stored: dict[str, Any] | None = None  # the chapter form as last read or saved
        self.name = QLineEdit()
        self.name.setAccessibleName("Chapter name")
        self.currency = CurrencyBox()
        self.year_start = MonthDayEdit("Dues year starts")
        self.grace = QSpinBox()
        self.grace.setRange(0, 3650)
        self.grace.setSuffix(" days")
        self.grace.setAccessibleName("Grace days")
        self.stale = QSpinBox()
        self.stale.setRange(1, 3650)
        self.stale.setSuffix(" days")
        self.stale.setAccessibleName("HQ data is stale after")
        self.page_size = QComboBox()
        self.page_size.addItem("Letter", "letter")
        self.page_size.addItem("A4", "a4")
        self.page_size.setAccessibleName("Page size")
        self.quorum = QSpinBox()
        self.quorum.setRange(0, 100)  # 0 stands for a simple majority
        self.quorum.setSpecialValueText(SIMPLE_MAJORITY)
        self.quorum.setSuffix(" % of eligible voters")
        self.quorum.setAccessibleName("Quorum")
        self.quorum.setToolTip(
            "How many eligible voters make a quorum: a simple majority (more than half), or "
            "a percentage from 1 to 100. Step below 1 % for a simple majority."
        )
        self.officer_name = QLineEdit()
        self.officer_name.setAccessibleName("Your name, for the audit trail")
        self.save_button = QPushButton("&Save settings")
        self.save_button.clicked.connect(self.save)
        self.message = message_label()
        general = QGroupBox("Chapter")
        form = QFormLayout(general)
        form.addRow("Chapter &name:", self.name)
        form.addRow("&Currency:", self.currency)
        year_label = QLabel("Dues &year starts on:")
        year_label.setBuddy(self.year_start.day)
        form.addRow(year_label, self.year_start)
        form.addRow("&Grace after paid-through:", self.grace)
        form.addRow("HQ data is s&tale after:", self.stale)
        form.addRow("&Page size for reports:", self.page_size)
        form.addRow("&Quorum at meetings:", self.quorum)
        form.addRow("Your name (a&udit trail):", self.officer_name)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.save_button)
        form.addRow(row)
        form.addRow(self.message)

        self.category_table = CategoryTable()
        self.category_table.doubleClicked.connect(lambda _i: self.edit_category())
        add_category = QPushButton("&Add category…")
        add_category.clicked.connect(lambda: self.edit_category(new=True))
        edit_category = QPushButton("Ed&it category…")
        edit_category.clicked.connect(lambda: self.edit_category())
        categories = QGroupBox("Membership categories")
        c_layout = QVBoxLayout(categories)
        c_layout.addWidget(self.category_table)
        c_buttons = QHBoxLayout()
        c_buttons.addStretch(1)
        c_buttons.addWidget(add_category)
        c_buttons.addWidget(edit_category)
        c_layout.addLayout(c_buttons)
        self.hq_types = HqTypesBox(ctx)
        self.hq_types.saved.connect(self.saved)
        self.mail = MailSettingsBox(ctx)
        self.mail.saved.connect(self.saved)
        self.mail_templates = MailTemplatesBox(ctx)
        self.mail_templates.saved.connect(self.saved)

        self.position_table = _table(("Position", "Holders"), "Officer positions")
        self.position_table.doubleClicked.connect(lambda _i: self.edit_position())
        add_position = QPushButton("Add p&osition…")
        add_position.clicked.connect(lambda: self.edit_position(new=True))
        edit_position = QPushButton("E&dit position…")
        edit_position.clicked.connect(lambda: self.edit_position())
        positions = QGroupBox("Officer positions")
        p_layout = QVBoxLayout(positions)
        p_layout.addWidget(self.position_table)
        p_buttons = QHBoxLayout()
        p_buttons.addStretch(1)
        p_buttons.addWidget(add_position)
        p_buttons.addWidget(edit_position)
        p_layout.addLayout(p_buttons)

        body = QWidget()
        grid = QHBoxLayout(body)
        left = QVBoxLayout()
        left.addWidget(general)
        left.addWidget(self.mail)
        left.addWidget(positions, 1)
        right = QVBoxLayout()
        right.addWidget(categories)
        right.addWidget(self.hq_types, 1)
        right.addWidget(self.mail_templates)
        grid.addLayout(left, 2)
        grid.addLayout(right, 3)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Settings", "How this chapter runs: these apply to everyone "
                                 "who opens this database."))
        layout.addWidget(scroll, 1)
        # Categories and HQ types (settings, imports, roster) and positions (officers).
        ctx.on_changes(
            self, ("settings", "imports", "roster", "officers"), lambda _c: self._data_changed()
        )

    def _data_changed(self) -> None:
        # Another change (an HQ import, a mapping) may bring new HQ types: re-read the lists,
        # but leave the chapter form alone, where the officer may be typing.
        if self.isVisible():
            self.refresh(form=False)

    def activate(self, target: Any = None) -> None:
        self.refresh()
        self.mail.refresh()
        self.mail_templates.refresh()

    def refresh(self, form: bool = True) -> None:
        """Re-read the settings (unless `form` is False), categories, HQ types and positions."""
        db = self.db

        def job(_p: Any, _c: Any) -> tuple[Any, ...]:
            info = chapter.chapter_info(db) if form else None
            return (info, chapter.list_categories(db), category_service.unmapped_hq_types(db),
                    chapter.list_positions_detailed(db))

        self.ctx.tasks.run(job, title="Reading the settings", parent=self, on_done=self._show,
                           show_progress=False)

    def _show(self, result: tuple[Any, ...]) -> None:
        info, self.categories, unmapped, self.positions = result
        if info is not None and not self.unsaved_edits():  # never over what is being typed
            self._show_form(info)
        self.category_table.setRowCount(len(self.categories))
        yes = {True: "yes", False: "no"}
        for row, c in enumerate(self.categories):
            for column, value in enumerate(
                (c.code, c.name, yes[c.eligible], yes[c.may_vote], yes[c.may_hold_office],
                 c.description)
            ):
                item = QTableWidgetItem(value)
                item.setToolTip(c.description)  # read here when its column is cut or hidden
                self.category_table.setItem(row, column, item)
        self.category_table.fit_description()
        fit_rows(self.category_table, 10)
        self.hq_types.show_types(self.categories, unmapped)
        self.position_table.setRowCount(len(self.positions))
        for row, p in enumerate(self.positions):
            self.position_table.setItem(row, 0, QTableWidgetItem(p.name))
            self.position_table.setItem(
                row, 1, QTableWidgetItem("one at a time" if p.single_holder else "several")
            )

    def _show_form(self, info: ChapterInfo) -> None:
        self.name.setText(info.name)
        self.currency.set_code(info.currency)
        self.year_start.set_value(info.year_start_month, info.year_start_day)
        self.grace.setValue(info.grace_days)
        self.stale.setValue(info.stale_after_days)
        self.page_size.setCurrentIndex(max(self.page_size.findData(info.page_size), 0))
        self.quorum.setValue(info.quorum_percent or 0)
        self.officer_name.setText(info.officer_name or "")
        self._stored = self._form_values()

    def _form_values(self) -> dict[str, Any]:
        """The chapter form as it stands on screen."""
        return {
            "name": self.name.text(), "currency": self.currency.code(),
            "year_start": self.year_start.value(), "grace": self.grace.value(),
            "stale": self.stale.value(), "page_size": self.page_size.currentData(),
            "quorum": self.quorum.value(), "officer_name": self.officer_name.text(),
        }

    def forms(self) -> list[unsaved.UnsavedForm]:
        """The chapter form, the e-mail settings and the e-mail template being edited."""
        return [self, self.mail, self.mail_templates]

    def unsaved_edits(self) -> list[str]:
        """The chapter settings changed on the form and not saved."""
        if self._stored is None:
            return []
        now = self._form_values()
        return [FORM_FIELDS[key] for key, value in self._stored.items() if now[key] != value]

    def save_edits(self) -> bool:
        """Save the chapter form (`save`)."""
        self.save()
        return True

    def discard_edits(self) -> None:
        """Put the stored settings back in the chapter form."""
        stored = self._stored
        if stored is None:
            return
        self.name.setText(stored["name"])
        self.currency.set_code(stored["currency"])
        self.year_start.set_value(*stored["year_start"])
        self.grace.setValue(stored["grace"])
        self.stale.setValue(stored["stale"])
        self.page_size.setCurrentIndex(max(self.page_size.findData(stored["page_size"]), 0))
        self.quorum.setValue(stored["quorum"])
        self.officer_name.setText(stored["officer_name"])
        show_message(self.message, "", error=False)

    def save(self) -> None:
        """Save the chapter settings on the worker thread; a refusal is shown inline.

        Every value on the form goes with it, the quorum too, so saving one setting
        never resets another. `saved` is emitted when they are written.
        """
        db = self.db
        values = dict(
            name=self.name.text(), currency=self.currency.code(),
            year_start=self.year_start.text(), grace_days=self.grace.value(),
            stale_after_days=self.stale.value(), page_size=self.page_size.currentData(),
            officer_name=self.officer_name.text(), quorum_percent=self.quorum.value() or None,
        )

        def done(info: ChapterInfo) -> None:
            self._show_form(info)
            show_message(self.message, "Settings saved.", error=False)
            text = f"Saved the settings of {info.name}."
            self.saved.emit(text)
            self.ctx.changed(text)

        def refused(exc: ChapterDeskError) -> None:
            show_message(self.message, exc.message, error=True)
            if not self.isVisible():  # saved on leaving the page: say so where the officer is
                ask.warn(self, f"The settings were not saved: {exc.message} Your changes are "
                         "still on the Settings page.")

        show_message(self.message, "", error=False)
        self.save_button.setEnabled(False)
        task = self.ctx.tasks.run(
            lambda _p, _c: chapter.update_settings(db, **values),
            title="Saving the settings", parent=self, on_done=done, on_error=refused,
        )
        task.done.connect(lambda: self.save_button.setEnabled(True))

    def edit_category(self, new: bool = False) -> None:
        """Add a category, or edit the selected one."""
        row = self.category_table.currentRow()
        category = None if new or not 0 <= row < len(self.categories) else self.categories[row]
        if not new and category is None:
            show_message(self.message, "Select a category to edit.", error=True)
            return
        dialog = CategoryDialog(self.ctx, category, self)
        if ask.run_dialog(dialog):
            self.saved.emit("Saved the category.")
            self.ctx.changed("Saved the category.")

    def edit_position(self, new: bool = False) -> None:
        """Add a position, or edit the selected one."""
        row = self.position_table.currentRow()
        position = None if new or not 0 <= row < len(self.positions) else self.positions[row]
        if not new and position is None:
            show_message(self.message, "Select a position to edit.", error=True)
            return
        dialog = PositionDialog(self.ctx, position, self)
        if ask.run_dialog(dialog):
            self.saved.emit("Saved the position.")
            self.ctx.changed("Saved the position.")
