"""The Reports page: choose a report or export, generate it off the UI thread, preview, save, print.

A run writes into a private temporary folder (atomically, so a cancelled or
failed run leaves nothing there) through the same `write_*` functions the
command line uses. A PDF is then shown in the in-app preview; a spreadsheet
is summarised. "Save as…" copies the generated file atomically to the place
the officer chooses (the folder is remembered); "Print…" (also File → Print,
Ctrl+P) sends a PDF to a printer through the print dialog, off the UI thread.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSizeF, Qt
from PySide6.QtGui import QPageSize
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from chapterdesk.atomic import atomic_write
from chapterdesk.errors import ChapterDeskError
from chapterdesk.paths import data_dir
from chapterdesk.reports.progress import ReportCancelled
from chapterdesk.services.dues.rates import dues_year
from chapterdesk.ui import ask, settings
from chapterdesk.ui.pages.base import AppContext, Page, heading, message_label, show_message
from chapterdesk.ui.reports.catalogue import Choices, ReportKind, Written
from chapterdesk.ui.reports.models import ReportListModel
from chapterdesk.ui.reports.options import ReportOptions
from chapterdesk.ui.reports.preview import PdfPreview
from chapterdesk.ui.reports.printing import Printed, print_pdf
from chapterdesk.ui.tasks import Task

FILTERS = {
    ".pdf": "PDF document (*.pdf)",
    ".xlsx": "Excel workbook (*.xlsx)",
    ".csv": "CSV file, UTF-8 (*.csv)",
}
BUSY = "ChapterDesk is still working on the last report; wait for it or cancel it first."
NOTHING_YET = "Choose a report on the left and Generate it; its preview appears here."


class ReportsPage(Page):
    """Every printed report and spreadsheet export, with a preview, Save as… and Print…."""

    key = "reports"
    title = "Reports"
    icon_name = "reports"
    order = 50

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        temp = tempfile.TemporaryDirectory(prefix="chapterdesk-reports-",
                                           ignore_cleanup_errors=True)
        self._temp = temp
        self.destroyed.connect(lambda *_: temp.cleanup())
        self.folder = Path(temp.name)
        self._serial = 0
        self.task: Task | None = None
        self.shown: Written | None = None
        self.shown_kind: ReportKind | None = None
        self.shown_choices = Choices()

        self.model = ReportListModel(self)
        self.list = QListView()
        self.list.setModel(self.model)
        self.list.setAccessibleName("Reports and exports")
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setStyleSheet("QListView { padding: 4px; outline: 0; }"
                                "QListView::item { padding: 5px 8px; border-radius: 4px; }"
                                "QListView::item:selected { background: palette(highlight); "
                                "color: palette(highlighted-text); }")
        self.list.selectionModel().currentRowChanged.connect(self._kind_changed)

        self.options_box = QGroupBox()
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.description.setAccessibleName("What the report is")
        # Until the chapter's dues year is read (on the worker), the calendar's year.
        self.options = ReportOptions(dt.date.today().year)
        db = ctx.db
        ctx.read(self, "Reading the dues year", lambda: dues_year(db).year,
                 self.options.year.setValue)
        self.generate_button = QPushButton("&Generate")
        self.generate_button.setDefault(True)
        self.generate_button.setAccessibleName("Generate the report")
        self.generate_button.clicked.connect(self.generate)
        self.message = message_label()
        box = QVBoxLayout(self.options_box)
        box.addWidget(self.description)
        box.addWidget(self.options)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.generate_button)
        box.addLayout(row)

        left = QVBoxLayout()
        list_label = QLabel("&Reports and exports:")
        list_label.setBuddy(self.list)
        left.addWidget(list_label)
        left.addWidget(self.list)
        left.addWidget(self.options_box)
        left.addWidget(self.message)
        left.addStretch(1)
        left_widget = QWidget()
        left_widget.setLayout(left)
        left.setContentsMargins(0, 0, 0, 0)
        # as wide as ~44 characters on a roomy window, narrower when the window is small
        left_widget.setMinimumWidth(self.fontMetrics().averageCharWidth() * 34)
        left_widget.setMaximumWidth(max(340, self.fontMetrics().averageCharWidth() * 44))

        self.result_title = QLabel()
        self.result_title.setAccessibleName("Generated report")
        font = self.result_title.font()
        font.setBold(True)
        self.result_title.setFont(font)
        self.save_button = QPushButton("&Save as…")
        self.save_button.clicked.connect(self.save_as)
        self.print_button = QPushButton("&Print…")
        self.print_button.setToolTip("Print the report (Ctrl+P)")
        self.print_button.clicked.connect(self.print_report)
        bar = QHBoxLayout()
        bar.addWidget(self.result_title, 1)
        bar.addWidget(self.save_button)
        bar.addWidget(self.print_button)

        self.placeholder = QLabel(NOTHING_YET)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.placeholder.setEnabled(False)
        self.preview = PdfPreview()
        self.summary = QLabel()
        self.summary.setAccessibleName("Export summary")
        self.summary.setWordWrap(True)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.setStyleSheet("QLabel { background: palette(base); padding: 18px; "
                                   "border: 1px solid palette(mid); border-radius: 6px; }")
        self.results = QStackedWidget()
        # a small window clips the preview's toolbar rather than refusing to shrink
        self.results.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Expanding)
        self.result_title.setSizePolicy(QSizePolicy.Policy.Ignored,
                                        QSizePolicy.Policy.Preferred)
        for widget in (self.placeholder, self.preview, self.summary):
            self.results.addWidget(widget)
        right = QVBoxLayout()
        right.setContentsMargins(0, 0, 0, 0)
        right.addLayout(bar)
        right.addWidget(self.results, 1)

        columns = QHBoxLayout()
        columns.addWidget(left_widget, 1)
        columns.addLayout(right, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(
            "Reports",
            "Print-ready reports and spreadsheet exports. Generate one to preview it here, "
            "then print it or save it where you keep the chapter's papers.",
        ))
        layout.addLayout(columns, 1)
        self.list.setCurrentIndex(self.model.index(0, 0))
        self.list.setFixedHeight(self.list.sizeHintForRow(0) * self.model.rowCount()
                                + 2 * self.list.frameWidth() + 12)
        self._show_result(None)
        ctx.on_changes(self, (), lambda _c: self._data_changed())

    # -- choosing -------------------------------------------------------------------------
    def selected_kind(self) -> ReportKind:
        """The report chosen in the list."""
        return self.model.kind_at(self.list.currentIndex().row()) or self.model.kinds[0]

    def choose(self, key: str) -> None:
        """Select a report by its catalogue key (e.g. "dues")."""
        self.list.setCurrentIndex(self.model.index(self.model.row_of(key), 0))

    def _kind_changed(self, *_args: Any) -> None:
        kind = self.selected_kind()
        self.options_box.setTitle(kind.title)
        self.description.setText(kind.description)
        self.options.show_for(kind)
        self.options.setVisible(bool(kind.options))
        self.generate_button.setText("&Export" if kind.is_export else "&Generate")

    def activate(self, target: Any = None) -> None:
        """Open the page, on a given report when `target` names one."""
        if isinstance(target, str) and self.model.row_of(target) >= 0:
            self.choose(target)

    def _data_changed(self) -> None:
        if self.shown is not None:
            show_message(self.message, "The chapter's data changed since this report was "
                         "generated; generate it again to include the change.", error=False)

    # -- generating -------------------------------------------------------------------------
    def busy(self) -> bool:
        """Whether a report is being generated, saved or printed."""
        return self.task is not None

    def generate(self) -> None:
        """Write the chosen report into the private folder, off the UI thread."""
        if self.busy():
            show_message(self.message, BUSY, error=True)
            return
        kind, choices = self.selected_kind(), self.options.choices()
        self._serial += 1
        target = self.folder / f"{self._serial:03d} {kind.file_name(choices)}"
        db = self.db

        def job(progress: Any, cancelled: Any) -> Written:
            def report_progress(phase: str, done: int, total: int | None) -> None:
                progress(phase, done, total or 0)

            return kind.write(db, target, choices, report_progress, cancelled)

        self.message.setVisible(False)
        self.generate_button.setEnabled(False)
        self.task = self.ctx.tasks.run(
            job, title=f"Generating: {kind.title}", parent=self.window(),
            on_done=lambda written: self._generated(kind, choices, written),
            on_error=self._failed,
        )

    def _generated(self, kind: ReportKind, choices: Choices, written: Written) -> None:
        self._finish_task()
        old = self.shown
        self.preview.clear()
        if old is not None and old.path != written.path:
            old.path.unlink(missing_ok=True)
        self.shown, self.shown_kind, self.shown_choices = written, kind, choices
        self._show_result(written)
        show_message(self.message, f"{kind.file_name(choices)}: {written.describe()}. "
                     "Save as… to keep it" + (", Print… (Ctrl+P) to print it."
                                              if written.is_pdf else "."), error=False)

    def _failed(self, exc: ChapterDeskError) -> None:
        self._finish_task()
        show_message(self.message, exc.message, error=not isinstance(exc, ReportCancelled))

    def _finish_task(self) -> None:
        self.task = None
        self.generate_button.setEnabled(True)

    def _show_result(self, written: Written | None) -> None:
        self.save_button.setEnabled(written is not None)
        self.print_button.setEnabled(written is not None and written.is_pdf)
        if written is None or self.shown_kind is None:
            self.result_title.setText("No report generated yet")
            self.results.setCurrentWidget(self.placeholder)
            return
        name = self.shown_kind.file_name(self.shown_choices)
        self.result_title.setText(f"{name} — {written.describe()}")
        if written.is_pdf:
            self.preview.load(written.path)
            self.results.setCurrentWidget(self.preview)
        else:
            kind = "Excel workbook" if written.path.suffix == ".xlsx" else "CSV file (UTF-8)"
            self.summary.setText(
                f"<h2>{self.shown_kind.title}</h2><p>{written.describe().capitalize()} "
                f"to {'an' if kind.startswith('E') else 'a'} {kind}.</p>"
                f"<p>{self.shown_kind.description}</p><p>Choose <b>Save as…</b> to keep "
                "the file, then open it in your spreadsheet program.</p>"
            )
            self.results.setCurrentWidget(self.summary)

    # -- saving and printing ------------------------------------------------------------------
    def save_as(self) -> None:
        """Copy the generated file (atomically) to where the officer chooses."""
        written, kind = self.shown, self.shown_kind
        if written is None or kind is None:
            show_message(self.message, "Generate a report first, then save it.", error=True)
            return
        if self.busy():
            show_message(self.message, BUSY, error=True)
            return
        suffix = written.path.suffix.lower()
        folder = settings.LAST_REPORT_FOLDER.get() or str(Path.home())
        if not Path(folder).is_dir():
            folder = str(data_dir())
        suggested = str(Path(folder) / kind.file_name(self.shown_choices))
        target = ask.save_file(self, f"Save the {kind.title.lower()}", suggested, FILTERS[suffix])
        if target is None:
            return
        if target.suffix.lower() != suffix:
            target = target.with_name(target.name + suffix)
        source = written.path

        def job(_progress: Any, _cancelled: Any) -> Path:
            with atomic_write(target) as out, source.open("rb") as data:
                shutil.copyfileobj(data, out)
            return target

        self.task = self.ctx.tasks.run(job, title=f"Saving {target.name}", parent=self.window(),
                                       on_done=self._saved, on_error=self._failed)

    def _saved(self, target: Path) -> None:
        self._finish_task()
        settings.LAST_REPORT_FOLDER.set(str(target.parent))
        show_message(self.message, f"Saved {target.name} in {target.parent}.", error=False)
        self.ctx.status_message.emit(f"Saved {target}")

    def print_report(self) -> None:
        """Print the PDF shown, through the print dialog, off the UI thread."""
        written, kind = self.shown, self.shown_kind
        if written is None or kind is None or not written.is_pdf:
            show_message(self.message, "Generate a PDF report first, then print it; a "
                         "spreadsheet export is printed from your spreadsheet program.",
                         error=True)
            return
        if self.busy():
            show_message(self.message, BUSY, error=True)
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(kind.file_name(self.shown_choices))
        first = self.preview.document.pagePointSize(0)
        printer.setPageSize(QPageSize(QSizeF(first.width(), first.height()),
                                      QPageSize.Unit.Point))
        if not ask.print_dialog(self, printer):
            return
        self._printer = printer  # kept alive until the job ends
        path = written.path
        self.task = self.ctx.tasks.run(
            lambda progress, cancelled: print_pdf(path, printer, progress, cancelled),
            title=f"Printing {printer.docName()}", parent=self.window(),
            on_done=self._printed, on_error=self._failed,
        )

    def _printed(self, printed: Printed) -> None:
        self._finish_task()
        show_message(self.message, printed.sentence(), error=False)
