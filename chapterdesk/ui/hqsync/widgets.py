"""Small building blocks the HQ Sync page's parts share: step headings and table views."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableView, QWidget

from chapterdesk.ui.hqsync._framework import message_label, show_message

__all__ = ["message_label", "show_message", "step_heading", "table_view"]


def step_heading(text: str) -> QLabel:
    """The heading of one wizard step, a little larger than body text."""
    label = QLabel(text)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.25)
    font.setBold(True)
    label.setFont(font)
    return label


def table_view(
    model: QAbstractItemModel,
    name: str,
    *,
    widths: dict[int, int] | None = None,
    sortable: bool = True,
    parent: QWidget | None = None,
) -> QTableView:
    """A read-only, row-selecting table over a model, its last column stretched.

    Column widths are set, not measured, so a table of 500,000 changes opens at once.
    """
    view = QTableView(parent)
    view.setModel(model)
    view.setAccessibleName(name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.setTabKeyNavigation(False)  # Tab moves on to the next control, not the next cell
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
    header = view.horizontalHeader()
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    header.setStretchLastSection(True)
    header.setHighlightSections(False)
    em = view.fontMetrics().horizontalAdvance("M")
    for column, width in (widths or {}).items():
        view.setColumnWidth(column, width * em)
    if sortable:
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        view.setSortingEnabled(True)
    return view
