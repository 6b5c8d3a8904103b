"""The Assess tab: preview a dues year's charges (a dry run), then charge them.

The preview and the charge both run `assess_dues` on the worker thread (a
50,000-member chapter takes a few seconds), the first with `dry_run`. The
preview lists who would be charged what and why, and who is not charged and
why; "Charge N members" asks once, then posts exactly what the service works
out at that moment (if the roster changed since the preview, the result says
so). Posted charges are corrected by reversing them, never by undo.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from chapterdesk.services import dues
from chapterdesk.services.chapter import chapter_info
from chapterdesk.ui import ask
from chapterdesk.ui.context import AppContext
from chapterdesk.ui.dues.models import RecordsModel
from chapterdesk.ui.dues.tables import assessment_columns, money_in, skipped_columns, table_view
from chapterdesk.ui.widgets import message_label, show_message
from chapterdesk.values import long_date


class AssessTab(QWidget):
    """Assess a dues year through a preview."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.currency = "USD"
        self.preview: dues.Assessment | None = None
        self.result: dues.Assessment | None = None
        self.year = QSpinBox()
        self.year.setRange(1900, 2999)
        self.year.setAccessibleName("Dues year to assess")
        self.year.setValue(dt.date.today().year)
        self.year.valueChanged.connect(self._year_changed)
        self.preview_button = QPushButton("Previe&w the assessment")
        self.preview_button.clicked.connect(self.run_preview)
        self.charge_button = QPushButton("&Charge members")
        self.charge_button.setEnabled(False)
        self.charge_button.setToolTip(
            "Posts a dues charge to each member listed. Charges are never deleted: a wrong "
            "one is corrected by reversing it on the Payments tab."
        )
        self.charge_button.clicked.connect(self.charge)
        self.summary = QLabel("Preview a year to see who would be charged what, and why.")
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Assessment summary")
        self.message = message_label()
        self.charged = RecordsModel(assessment_columns(money_in(self.currency)), self)
        self.skipped = RecordsModel(skipped_columns(), self)
        charged_box = QGroupBox("Charged")
        QVBoxLayout(charged_box).addWidget(table_view(self.charged, "Members charged", stretch=4))
        skipped_box = QGroupBox("Not charged")
        QVBoxLayout(skipped_box).addWidget(
            table_view(self.skipped, "Members not charged", stretch=3)
        )
        self.charged_box, self.skipped_box = charged_box, skipped_box
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(charged_box)
        split.addWidget(skipped_box)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setChildrenCollapsible(False)
        top = QHBoxLayout()
        label = QLabel("Dues &year:")
        label.setBuddy(self.year)
        top.addWidget(label)
        top.addWidget(self.year)
        top.addWidget(self.preview_button)
        top.addWidget(self.charge_button)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.message)
        layout.addWidget(split, 1)

    def set_year(self, year: int) -> None:
        """Choose the dues year to assess."""
        self.year.setValue(year)

    def _year_changed(self, _year: int) -> None:
        self.preview = None
        self.charge_button.setEnabled(False)
        self.charge_button.setText("&Charge members")

    def _show(self, assessment: dues.Assessment) -> None:
        money = money_in(self.currency)
        self.charged.columns = tuple(assessment_columns(money))
        self.charged.set_rows(assessment.charged)
        self.skipped.set_rows(assessment.skipped)
        n = len(assessment.charged)
        verb = "Would charge" if assessment.dry_run else "Charged"
        self.summary.setText(
            f"Dues year {assessment.year} runs {long_date(assessment.starts_on)} to "
            f"{long_date(assessment.ends_on)}; charges dated {long_date(assessment.posted_on)}. "
            f"{verb} {n:,} member{'s' if n != 1 else ''}, {money(assessment.total)} in all; "
            f"{assessment.already_charged:,} already charged for {assessment.year}; "
            f"{len(assessment.skipped):,} not charged."
        )
        self.charged_box.setTitle(f"{'To charge' if assessment.dry_run else 'Charged'} ({n:,})")
        self.skipped_box.setTitle(f"Not charged ({len(assessment.skipped):,})")

    def run_preview(self) -> None:
        """Work out the year's charges on the worker thread, writing nothing."""
        db, year = self.ctx.db, self.year.value()
        show_message(self.message, "", error=False)

        def job(_p: Any, _c: Any) -> tuple[str, dues.Assessment]:
            return chapter_info(db).currency, dues.assess_dues(db, year, dry_run=True)

        def done(result: tuple[str, dues.Assessment]) -> None:
            self.currency, preview = result
            if preview.year != self.year.value():
                return
            self.preview = preview
            self._show(preview)
            n = len(preview.charged)
            self.charge_button.setEnabled(n > 0)
            self.charge_button.setText(f"&Charge {n:,} member{'s' if n != 1 else ''}")

        self.ctx.tasks.run(job, title=f"Working out the {year} dues", parent=self,
                           on_done=done, on_error=self._refused)

    def _refused(self, exc: Any) -> None:
        show_message(self.message, exc.message, error=True)

    def charge(self) -> None:
        """Post the charges the preview showed, after asking once."""
        preview = self.preview
        if preview is None or not preview.charged:
            return
        money = money_in(self.currency)
        n = len(preview.charged)
        if not ask.confirm(
            self,
            f"Charge {n:,} member{'s' if n != 1 else ''} {money(preview.total)} in all for dues "
            f"year {preview.year}? Charges are posted to the ledger and are corrected only by "
            "reversing them.",
        ):
            return
        db, year = self.ctx.db, preview.year
        self.charge_button.setEnabled(False)

        def done(result: dues.Assessment) -> None:
            self.preview = None
            self.result = result
            self.charge_button.setText("&Charge members")
            self._show(result)
            count = len(result.charged)
            text = f"Charged {count:,} members {money(result.total)} for dues year {year}."
            if count != n or result.total != preview.total:
                text += (f" The preview showed {n:,} members and {money(preview.total)}: the "
                         "roster changed in between; the list above is what was charged.")
            show_message(self.message, text, error=False)
            self.ctx.changed(text)

        self.ctx.change(self, f"Charging the {year} dues", lambda: dues.assess_dues(db, year),
                        done, self._refused)
