"""The Settings page's "HQ member types" box: map HQ's labels to the chapter's categories.

An HQ member type that matches no category keeps its people out of the
chapter (and suspends current members) until an officer maps it
(`services.roster.categories`). The box lists those types with how many people carry
them, maps the selected one to a chosen category, and shows the types mapped
so far with a way to remove a mapping. Every write runs on the worker thread.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QBoxLayout,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from chapterdesk.errors import ChapterDeskError
from chapterdesk.services.chapter import Category
from chapterdesk.services.roster import categories as category_service
from chapterdesk.services.roster.categories import UnmappedHqType
from chapterdesk.ui import ask
from chapterdesk.ui.colours import scheme
from chapterdesk.ui.context import AppContext
from chapterdesk.ui.widgets import message_label, show_message

#: Narrower than this, the two lists stack instead of standing side by side.
SIDE_BY_SIDE_WIDTH = 640

EXPLAINED = (
    "An HQ member type counts as a category when it is the category's code or name, or "
    "when you map it here. Until then its people are not eligible: they cannot be added, "
    "and chapter members of that type are suspended."
)


def _table(headers: tuple[str, ...], name: str) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setAccessibleName(name)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    table.setWordWrap(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    return table


def _text(value: str) -> QTableWidgetItem:
    item = QTableWidgetItem(value)
    item.setToolTip(value)  # a long HQ label may be elided in a narrow column
    return item


def _count(value: int) -> QTableWidgetItem:
    item = QTableWidgetItem(f"{value:,}")
    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


class HqTypesBox(QGroupBox):
    """Unmapped HQ member types with their counts, mapping them, and the mappings made."""

    #: A mapping was saved or removed; carries the sentence for the status bar.
    saved = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__("HQ member types", parent)
        self.ctx = ctx
        self.unmapped: list[UnmappedHqType] = []
        self.mapped: list[tuple[str, Category]] = []
        explained = QLabel(EXPLAINED)
        explained.setWordWrap(True)
        self.all_matched = QLabel("✔ Every member type in the HQ data matches a category.")
        self.all_matched.setStyleSheet(f"color: {scheme().ok.text};")
        self.all_matched.setVisible(False)
        self.unmapped_table = _table(
            ("HQ member type", "In chapter", "In HQ data"),
            "HQ member types with no category",
        )
        self.unmapped_table.itemSelectionChanged.connect(self._update_buttons)
        self.category = QComboBox()
        self.category.setAccessibleName("Category to count the HQ member type as")
        self.category.setPlaceholderText("Choose a category…")
        self.category.currentIndexChanged.connect(lambda _i: self._update_buttons())
        self.map_button = QPushButton("&Map")
        self.map_button.setAccessibleName("Map the selected HQ member type")
        self.map_button.clicked.connect(self.map_selected)
        self.mapped_table = _table(("HQ member type", "Counts as"), "Mapped HQ member types")
        self.mapped_table.itemSelectionChanged.connect(self._update_buttons)
        self.unmap_button = QPushButton("&Remove mapping")
        self.unmap_button.clicked.connect(self.unmap_selected)
        self.message = message_label()

        map_row = QHBoxLayout()
        map_row.addWidget(QLabel("Count it as:"))
        map_row.addWidget(self.category, 1)
        map_row.addWidget(self.map_button)
        waiting = QVBoxLayout()
        waiting.addWidget(QLabel("<b>No category yet</b>"))
        waiting.addWidget(self.all_matched)
        waiting.addWidget(self.unmapped_table, 1)
        waiting.addLayout(map_row)
        unmap_row = QHBoxLayout()
        unmap_row.addStretch(1)
        unmap_row.addWidget(self.unmap_button)
        done = QVBoxLayout()
        done.addWidget(QLabel("<b>Mapped by an officer</b>"))
        done.addWidget(self.mapped_table, 1)
        done.addLayout(unmap_row)
        self.columns = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.columns.addLayout(waiting, 3)
        self.columns.addLayout(done, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(explained)
        layout.addLayout(self.columns, 1)
        layout.addWidget(self.message)
        self._busy = False
        self._update_buttons()

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Stand the two lists side by side when there is room, else one above the other."""
        wide = event.size().width() >= SIDE_BY_SIDE_WIDTH
        self.columns.setDirection(
            QBoxLayout.Direction.LeftToRight if wide else QBoxLayout.Direction.TopToBottom
        )
        super().resizeEvent(event)

    def show_types(self, categories: list[Category], unmapped: list[UnmappedHqType]) -> None:
        """Show the unmapped types and the mappings.

        A selected type stays selected while it is still unmapped; nothing else is
        selected in its place, so a second click on Map never maps a type the
        officer did not choose.
        """
        chosen_type = self.selected_unmapped()
        chosen_category = self.category.currentData()
        self.unmapped = unmapped
        table = self.unmapped_table
        table.clearSelection()
        self.mapped_table.clearSelection()
        table.setRowCount(len(unmapped))
        for row, found in enumerate(unmapped):
            table.setItem(row, 0, _text(found.member_type))
            table.setItem(row, 1, _count(found.members))
            table.setItem(row, 2, _count(found.hq_records))
            if found.member_type == chosen_type:
                table.selectRow(row)
        self.all_matched.setVisible(not unmapped)
        self.category.blockSignals(True)
        self.category.clear()
        for c in categories:
            label = f"{c.name} ({c.code})" + ("" if c.eligible else " — not eligible")
            self.category.addItem(label, c.code)
        self.category.setCurrentIndex(self.category.findData(chosen_category))
        self.category.blockSignals(False)
        self.mapped = [(t, c) for c in categories for t in c.hq_types]
        self.mapped_table.setRowCount(len(self.mapped))
        for row, (hq_type, c) in enumerate(self.mapped):
            self.mapped_table.setItem(row, 0, _text(hq_type))
            self.mapped_table.setItem(row, 1, _text(c.name))
        self._update_buttons()

    def selected_unmapped(self) -> str | None:
        """The unmapped HQ member type selected, if any."""
        rows = self.unmapped_table.selectionModel().selectedRows()
        if not rows or not 0 <= rows[0].row() < len(self.unmapped):
            return None
        return self.unmapped[rows[0].row()].member_type

    def selected_mapping(self) -> tuple[str, Category] | None:
        """The mapping selected, if any."""
        rows = self.mapped_table.selectionModel().selectedRows()
        if not rows or not 0 <= rows[0].row() < len(self.mapped):
            return None
        return self.mapped[rows[0].row()]

    def _update_buttons(self) -> None:
        self.map_button.setEnabled(
            not self._busy
            and self.selected_unmapped() is not None
            and self.category.currentIndex() >= 0
        )
        self.unmap_button.setEnabled(not self._busy and self.selected_mapping() is not None)

    def map_selected(self) -> None:
        """Map the selected type to the chosen category, on the worker thread."""
        hq_type, code = self.selected_unmapped(), self.category.currentData()
        if hq_type is None or code is None:
            show_message(self.message, "Select an HQ member type and a category first.",
                         error=True)
            return
        db = self.ctx.db

        def done(category: Category) -> None:
            self.category.setCurrentIndex(-1)  # the next type is chosen afresh
            text = f"HQ member type {hq_type!r} now counts as {category.name}."
            if not category.eligible:
                text += f" Its members stay out of the chapter: {category.name} is not eligible."
            self._saved(text)

        self._run(lambda: category_service.map_hq_type(db, hq_type, code),
                  f"Mapping {hq_type}", done)

    def unmap_selected(self) -> None:
        """Remove the selected mapping (after asking), on the worker thread."""
        chosen = self.selected_mapping()
        if chosen is None:
            show_message(self.message, "Select a mapped HQ member type first.", error=True)
            return
        hq_type, category = chosen
        if not ask.confirm(
            self,
            f"Stop counting HQ member type {hq_type!r} as {category.name}? Its members will "
            "match no category: they cannot be added, and current members are suspended "
            "until it is mapped again.",
        ):
            return
        db = self.ctx.db
        self._run(
            lambda: category_service.unmap_hq_type(db, hq_type),
            f"Removing the mapping of {hq_type}",
            lambda was: self._saved(f"HQ member type {hq_type!r} no longer counts as {was.name}."),
        )

    def _run(self, write: Any, title: str, done: Any) -> None:
        show_message(self.message, "", error=False)
        self._busy = True
        self._update_buttons()
        first = self.ctx.before_change(self.window())

        def job(_p: Any, _c: Any) -> Any:
            if first is not None:
                first()  # the officer's name, asked for on this first change
            return write()

        task = self.ctx.tasks.run(job, title=title, parent=self.window(),
                                  on_done=done, on_error=self._refused)
        task.done.connect(self._idle)

    def _idle(self) -> None:
        self._busy = False
        self._update_buttons()

    def _refused(self, exc: ChapterDeskError) -> None:
        show_message(self.message, exc.message, error=True)

    def _saved(self, text: str) -> None:
        show_message(self.message, text, error=False)
        self.saved.emit(text)
        self.ctx.changed(text)
