"""The in-app PDF preview: the generated report's pages with page navigation and zoom (QtPdf).

The officer reads a report before saving or printing it, so the preview
shows it as it will print: continuous pages, "Page X of Y", previous/next
page, zoom in and out, fit to width and whole page.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

ZOOM_STEPS = (0.25, 0.33, 0.5, 0.67, 0.75, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 4.0)


class PdfPreview(QWidget):
    """A PDF's pages in a scrolling view with a navigation and zoom bar above them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = QPdfDocument(self)
        self.view = QPdfView(self)
        self.view.setAccessibleName("Report preview")
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setPageSpacing(12)
        self.view.setDocument(self.document)
        self.view.setStyleSheet("QPdfView { background: #8a8f96; border: none; }")
        self.navigator = self.view.pageNavigator()
        self.navigator.currentPageChanged.connect(self._show_position)
        self.document.pageCountChanged.connect(self._show_position)
        self.view.zoomFactorChanged.connect(self._show_zoom)
        self.view.zoomModeChanged.connect(self._show_zoom)

        self.previous = self._button("◀", "Previous page")
        self.previous.clicked.connect(lambda: self.go_to_page(self.current_page() - 1))
        self.next = self._button("▶", "Next page")
        self.next.clicked.connect(lambda: self.go_to_page(self.current_page() + 1))
        self.position = QLabel()
        self.position.setAccessibleName("Page position")
        metrics = self.position.fontMetrics()
        self.position.setMinimumWidth(metrics.horizontalAdvance("Page 8888 of 8888"))
        self.position.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.zoom_out = self._button("−", "Zoom out", QKeySequence.StandardKey.ZoomOut)
        self.zoom_out.clicked.connect(lambda: self.step_zoom(-1))
        self.zoom_label = QLabel()
        self.zoom_label.setAccessibleName("Zoom")
        self.zoom_label.setMinimumWidth(metrics.horizontalAdvance("Whole page"))
        self.zoom_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.zoom_in = self._button("+", "Zoom in", QKeySequence.StandardKey.ZoomIn)
        self.zoom_in.clicked.connect(lambda: self.step_zoom(1))
        self.fit_width = self._button("Fit &width", "Fit the page width")
        self.fit_width.clicked.connect(
            lambda: self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        )
        self.fit_width.setCheckable(True)
        self.fit_page = self._button("Whole &page", "Show a whole page")
        self.fit_page.clicked.connect(lambda: self.view.setZoomMode(QPdfView.ZoomMode.FitInView))
        self.fit_page.setCheckable(True)

        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        for widget in (self.previous, self.position, self.next):
            bar.addWidget(widget)
        bar.addStretch(1)
        for widget in (self.zoom_out, self.zoom_label, self.zoom_in, self.fit_width,
                       self.fit_page):
            bar.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        self._show_position()
        self._show_zoom()

    def _button(
        self, text: str, name: str, shortcut: QKeySequence.StandardKey | None = None
    ) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setAccessibleName(name)
        tip = name
        if shortcut is not None:
            button.setShortcut(QKeySequence(shortcut))
            keys = QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)
            tip = f"{name} ({keys})" if keys else name
        button.setToolTip(tip)
        button.setAutoRaise(True)
        return button

    # -- the document -------------------------------------------------------------------
    def load(self, path: Path) -> int:
        """Show the PDF at `path`; returns its page count (0 when QtPdf cannot read it)."""
        self.document.close()
        error = self.document.load(str(path))
        if error != QPdfDocument.Error.None_:
            self.document.close()
            return 0
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.go_to_page(0)
        return self.document.pageCount()

    def clear(self) -> None:
        """Show nothing (and let go of the file)."""
        self.document.close()
        self._show_position()

    def page_count(self) -> int:
        """How many pages the shown PDF has."""
        return self.document.pageCount()

    def current_page(self) -> int:
        """The page shown at the top of the view (0-based)."""
        return self.navigator.currentPage()

    def go_to_page(self, page: int) -> None:
        """Scroll to a page (clamped to the document)."""
        count = self.page_count()
        if count == 0:
            return
        page = max(0, min(page, count - 1))
        self.navigator.jump(page, QPointF(), self.navigator.currentZoom())
        self._show_position()

    # -- zoom -------------------------------------------------------------------------------
    def step_zoom(self, direction: int) -> None:
        """Zoom to the next step in or out from the current factor."""
        factor = self.view.zoomFactor()
        if direction > 0:
            new = next((step for step in ZOOM_STEPS if step > factor + 0.01), ZOOM_STEPS[-1])
        else:
            new = next((s for s in reversed(ZOOM_STEPS) if s < factor - 0.01), ZOOM_STEPS[0])
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(new)

    def _show_zoom(self, *_args: object) -> None:
        mode = self.view.zoomMode()
        self.fit_width.setChecked(mode == QPdfView.ZoomMode.FitToWidth)
        self.fit_page.setChecked(mode == QPdfView.ZoomMode.FitInView)
        if mode == QPdfView.ZoomMode.FitToWidth:
            self.zoom_label.setText("Fit width")
        elif mode == QPdfView.ZoomMode.FitInView:
            self.zoom_label.setText("Whole page")
        else:
            self.zoom_label.setText(f"{self.view.zoomFactor():.0%}")
        self.zoom_label.setVisible(mode == QPdfView.ZoomMode.Custom)

    def _show_position(self, *_args: object) -> None:
        count = self.page_count()
        page = self.current_page()
        self.position.setText(f"Page {page + 1} of {count}" if count else "No pages")
        self.previous.setEnabled(count > 0 and page > 0)
        self.next.setEnabled(count > 0 and page < count - 1)
        for widget in (self.zoom_in, self.zoom_out, self.fit_width, self.fit_page):
            widget.setEnabled(count > 0)
