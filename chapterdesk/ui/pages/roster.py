"""The Roster page: the chapter's members in a paged table, with search, filters and details.

The page is often the first thing the window shows, so it starts light: its
first view (every member by name, and the first page of rows) is read by
`services.roster.first_view` without waiting for SQLAlchemy, and the member detail
panel, with everything it imports, is built once the window is idle (or at
once when a member is selected first). Every later read goes through
`services.roster.query` on the worker thread.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt, QTimer
from PySide6.QtGui import QAction, QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from chapterdesk.names import in_sentence, with_id
from chapterdesk.services.chapter_values import Category
from chapterdesk.services.roster import first_view as first_view
from chapterdesk.services.roster.values import RosterFilter, RosterRow
from chapterdesk.standing import Standing
from chapterdesk.ui import ask, first_screen, settings
from chapterdesk.ui.pages.base import AppContext, Page, heading
from chapterdesk.ui.roster_model import (
    COLUMN_KEYS,
    COLUMNS,
    PAGE_SIZE,
    HqIdRole,
    Loaded,
    RosterModel,
)
from chapterdesk.ui.tasks import Cancelled
from chapterdesk.ui.widgets import no_match_text

if TYPE_CHECKING:
    from chapterdesk.ui.member_panel import MemberPanel

SEARCH_DELAY_MS = 150
# What the roster shows: members and their HQ facts, categories (settings) and offices.
# A change to the ledger alone re-reads the roster only while it is filtered by balance.
ROSTER_KINDS = ("roster", "imports", "settings", "officers")
# Columns exported as real date cells (the table shows them as text): key -> the row's date.
_EXPORTED_DATES: dict[str, Callable[[RosterRow], object]] = {
    "paid_through": lambda r: r.paid_through,
    "joined": lambda r: r.chapter_joined_on,
}
# Typical widest values: columns open wide enough for them without reading the whole roster.
#: The widest a column is made to fit its text (a longer one is cut, with its tooltip).
MAX_COLUMN_CHARS = 48
COLUMN_SAMPLES = {
    "hq_id": "1000000", "name": "MacDonald-Smith, Margaret A.", "category": "Associate",
    "standing": "not in HQ data", "paid_through": "2026-12-31", "joined": "2026-12-31",
    "email": "mmacdonald123@harborpoint.example", "company": "Baker & Whitfield LLP",
    "city": "Philadelphia", "offices": "President-Elect",
}
NOT_GOOD = frozenset({Standing.GRACE, Standing.LAPSED, Standing.NOT_IN_HQ})
STANDING_CHOICES: tuple[tuple[str, frozenset[Standing]], ...] = (
    ("Any standing", frozenset()),
    *((s.label.capitalize(), frozenset({s})) for s in Standing),
    ("Not in good standing", NOT_GOOD),
)
BALANCE_CHOICES: tuple[tuple[str, bool | None], ...] = (
    ("Any dues balance", None),
    ("Owes dues", True),
    ("Owes no dues", False),
)
OFFICER_CHOICES: tuple[tuple[str, bool | None], ...] = (
    ("Officers and members", None),
    ("Officers in office", True),
    ("Not officers", False),
)


def _placeholder_panel() -> QWidget:
    """What stands where the member panel goes until it is built (it looks the same, empty)."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    title = QLabel("Select a member to see their details.")
    font = title.font()
    font.setPointSizeF(font.pointSizeF() * 1.3)
    font.setBold(True)
    title.setFont(font)
    title.setWordWrap(True)
    body = QWidget()
    layout = QVBoxLayout(body)
    layout.addWidget(title)
    layout.addStretch(1)
    area.setWidget(body)
    return area


class RosterPage(Page):
    """Search, filter, sort and edit the chapter roster."""

    key = "roster"
    title = "Roster"
    icon_name = "roster"
    order = 20

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.model = RosterModel(ctx.db, self)
        self._search_serial = 0
        self._settling = False  # asking about unsaved edits before another member is shown
        self._read_first_screen()  # at once: it arrives while the widgets below are built
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search name, HQ ID, e-mail or employer  (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search the roster")
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.standing = QComboBox()
        self.standing.setAccessibleName("Filter by standing")
        for label, _standings in STANDING_CHOICES:
            self.standing.addItem(label)
        self.category = QComboBox()
        self.category.setAccessibleName("Filter by category")
        self.officer = QComboBox()
        self.officer.setAccessibleName("Filter by office")
        for label, _officer in OFFICER_CHOICES:
            self.officer.addItem(label)
        self.balance = QComboBox()
        self.balance.setAccessibleName("Filter by dues balance")
        for label, _balance in BALANCE_CHOICES:
            self.balance.addItem(label)
        for combo in (self.standing, self.category, self.balance, self.officer):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.activated.connect(lambda _i: self.apply_filter())
        self.add_button = QPushButton("&Add member…")
        self.add_button.setAccessibleName("Add a member")
        self.add_button.clicked.connect(self.add_member)
        self.copy_button = QPushButton("Copy e-&mails")
        self.copy_button.setAccessibleName("Copy the selected members' e-mail addresses")
        self.copy_button.clicked.connect(self.copy_emails)
        self.export_button = QPushButton("E&xport…")
        self.export_button.setAccessibleName("Export the list shown")
        self.export_button.clicked.connect(self.export)
        # what the officer sees when the search and filters find nobody
        self.no_match_text = QLabel()
        self.no_match_text.setAccessibleName("No member matches")
        self.clear_search_button = QPushButton("Clear search")
        self.clear_search_button.setAccessibleName("Clear the search and filters")
        self.clear_search_button.clicked.connect(self.clear_search)
        self.no_match = QWidget()
        no_match_row = QHBoxLayout(self.no_match)
        no_match_row.setContentsMargins(0, 0, 0, 0)
        no_match_row.addWidget(self.no_match_text)
        no_match_row.addWidget(self.clear_search_button)
        no_match_row.addStretch(1)
        font = self.no_match_text.font()
        font.setBold(True)
        self.no_match_text.setFont(font)
        self.no_match.setVisible(False)
        self.search.installEventFilter(self)

        filters = QHBoxLayout()
        filters.addWidget(self.search, 3)
        filters.addWidget(self.standing)
        filters.addWidget(self.category)
        filters.addWidget(self.officer)
        actions = QHBoxLayout()
        self.shown = QLabel()
        self.shown.setAccessibleName("Members shown")
        self.shown.setMinimumWidth(1)  # the count may be cut short in a very narrow window
        actions.addWidget(self.balance)  # on this row, so the roster fits a narrow window
        actions.addWidget(self.shown, 1)
        actions.addWidget(self.add_button)
        actions.addWidget(self.copy_button)
        actions.addWidget(self.export_button)

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Chapter roster")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setSortingEnabled(True)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table for the member panel
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # No column takes the leftover width: on a wide screen an almost empty Office column
        # stretched while Employer was cut short. Columns fit what they hold instead.
        header.setStretchLastSection(False)
        header.setSortIndicator(1, Qt.SortOrder.AscendingOrder)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._column_menu)
        char = self.fontMetrics().averageCharWidth()
        metrics = self.table.fontMetrics()
        for number, column in enumerate(COLUMNS):
            sample = metrics.horizontalAdvance(COLUMN_SAMPLES[column.key])
            title = header.fontMetrics().horizontalAdvance(column.title) + 3 * char + 16
            self.table.setColumnWidth(number, max(sample + 12, title))
        self._apply_hidden(settings.ROSTER_HIDDEN_COLUMNS.get())
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_current())
        self._fitted = False  # the columns are fitted to the first rows read, once
        self.model.modelReset.connect(self._after_reset)
        copy = QAction("Copy e-mails", self.table)
        copy.setShortcut(QKeySequence.StandardKey.Copy)
        copy.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        copy.triggered.connect(self.copy_emails)
        self.table.addAction(copy)

        self._panel: MemberPanel | None = None
        self._panel_slot = _placeholder_panel()
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self._panel_slot)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        state = settings.ROSTER_SPLITTER.get()
        if state is not None:
            self.splitter.restoreState(state)
        else:
            self.splitter.setSizes([char * 100, char * 66])
        self.splitter.splitterMoved.connect(
            lambda *_: settings.ROSTER_SPLITTER.set(self.splitter.saveState())
        )
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Roster", "Current chapter members, with their standing at HQ."))
        layout.addLayout(filters)
        layout.addLayout(actions)
        layout.addWidget(self.no_match)
        layout.addWidget(self.splitter, 1)
        self.setTabOrder(self.search, self.standing)
        self.setTabOrder(self.standing, self.category)
        self.setTabOrder(self.category, self.balance)
        self.setTabOrder(self.balance, self.officer)
        self.setTabOrder(self.officer, self.add_button)
        self.setTabOrder(self.add_button, self.copy_button)
        self.setTabOrder(self.copy_button, self.export_button)
        self.setTabOrder(self.export_button, self.table)
        self.category.addItem("Any category", None)  # the categories come with the first load
        self._stale = False  # a change landed while the page was hidden: re-read when shown
        ctx.on_changes(self, ROSTER_KINDS, lambda _c: self._data_changed())
        ctx.on_changes(self, ("ledger",), self._ledger_changed)
        self._select_after_load: int | None = None
        self.model.loader = lambda wanted, key, descending: self.load(wanted, key, descending)
        self.model.prefetch = self._read_ahead

    @property
    def panel(self) -> MemberPanel:
        """The member detail panel (built, with what it imports, the first time it is needed)."""
        if self._panel is None:
            from chapterdesk.ui.member_panel import MemberPanel

            panel = MemberPanel(self.ctx)
            panel.leave_requested.connect(self.leave)
            sizes = self.splitter.sizes()
            self.splitter.replaceWidget(1, panel)
            if sum(sizes) > 0:  # the panel takes the placeholder's room exactly: nothing moves
                self.splitter.setSizes(sizes)
            self._panel_slot.deleteLater()
            self._panel = panel
        return self._panel

    # -- filters --------------------------------------------------------------------
    def _show_categories(self, categories: list[Category], chosen: int | None) -> None:
        self.category.clear()
        self.category.addItem("Any category", None)
        for category in categories:
            self.category.addItem(category.name, category.id)
        self.category.setCurrentIndex(max(self.category.findData(chosen), 0))

    def current_filter(self) -> RosterFilter:
        """The filter the search box and the combo boxes describe."""
        return RosterFilter(
            search=self.search.text().strip(),
            standings=STANDING_CHOICES[max(self.standing.currentIndex(), 0)][1],
            category_id=self.category.currentData(),
            officer=OFFICER_CHOICES[max(self.officer.currentIndex(), 0)][1],
            owing=BALANCE_CHOICES[max(self.balance.currentIndex(), 0)][1],
        )

    def apply_filter(self) -> None:
        """Re-read the table for the current search and filters (off the UI thread)."""
        self._search_timer.stop()
        self.load(self.current_filter())

    def load(
        self,
        wanted: RosterFilter,
        sort_key: str | None = None,
        descending: bool | None = None,
        *,
        force: bool = False,
        then: Callable[[], None] | None = None,
        categories: bool = False,
    ) -> None:
        """Read a view of the roster on the worker thread and show it; the newest request wins.

        Typing, filtering and sorting a 50,000-member roster each cost a query of
        a tenth of a second or more, so none of them runs on the UI thread.
        `categories`: re-read the category filter's choices too (first load, data changed).
        """
        self._search_serial += 1
        serial = self._search_serial
        self.model.replacing()
        if self._stale:  # the data changed while the page was hidden
            force = categories = True
            self._stale = False
        job = self.model.load_job(
            wanted,
            self.model.sort_key if sort_key is None else sort_key,
            self.model.descending if descending is None else descending,
            force=force,
        )

        db = self.db

        def work(_progress: Any, _cancelled: Any) -> tuple[list[Category] | None, Loaded]:
            from chapterdesk.services.chapter import list_categories

            return (list_categories(db) if categories else None), job()

        def show(result: tuple[list[Category] | None, Loaded]) -> None:
            choices, loaded = result
            if choices is not None:
                self._show_categories(choices, loaded.filter.category_id)
            if serial != self._search_serial:  # a later request supersedes this one
                return
            self.model.show_loaded(loaded)
            if then is not None:
                then()

        self.ctx.tasks.run(work, title="Reading the roster", parent=self, on_done=show,
                           show_progress=False)

    def _read_first_screen(self) -> None:
        """The first view (everyone, by name), read without waiting for SQLAlchemy.

        `services.roster.first_view` reads the first page of members by name, which is
        painted; every member's key (which scrolling needs) is read right after.
        """
        self._search_serial += 1
        serial = self._search_serial
        db, tasks = self.db, self.ctx.tasks

        def read_keys() -> None:
            tasks.run(lambda _p, _c: first_view.roster_keys(db), title="Reading the roster",
                      parent=self, on_done=self.model.complete_keys, show_progress=False)

        def show(start: first_view.RosterStart) -> None:
            self._show_categories(start.categories, None)
            if serial == self._search_serial:  # nothing newer was asked for meanwhile
                self.model.show_start(start.total, start.first_page)
                # On screen now, before the worker moves on to what can wait (Qt would
                # otherwise paint a few milliseconds later, in competition with it).
                self.table.viewport().repaint()
                if start.total > len(start.first_page):
                    QTimer.singleShot(0, self, read_keys)
            tasks.when_idle(self._build_panel)  # while the officer looks
            tasks.when_idle(self._prepare_search)

        early = first_screen.take(db, PAGE_SIZE)  # begun as the window started?

        def read(_progress: Any, _cancelled: Any) -> first_view.RosterStart:
            if early is not None:
                return early.result()
            return first_view.roster_start(db, PAGE_SIZE)

        tasks.run(read, title="Reading the roster", parent=self, on_done=show, show_progress=False)

    def _read_ahead(self, key: tuple[int, int], job: Callable[[], None]) -> None:
        """Read one of the model's pages ahead on the worker, once the UI thread is idle.

        Started at once, the read would compete with the painting that asked for
        it (the interpreter runs one thread at a time); started from the event
        loop, it runs between the officer's scroll steps, when nothing else does.
        """

        def start() -> None:
            if self.model.wants_page(key):
                self.ctx.tasks.run(lambda _p, _c: job(), title="Reading the roster", parent=self,
                                   on_done=lambda _result: None, show_progress=False)

        QTimer.singleShot(0, self, start)

    def _build_panel(self) -> None:
        self.panel  # noqa: B018 - building it is the point

    def _prepare_search(self) -> None:
        """Read the search index while the officer looks, so the first keystroke finds it."""
        job = self.model.search_index_job()
        if job is not None:
            self.ctx.tasks.run(lambda _p, _c: job(), title="Preparing the search", parent=self,
                               on_done=self.model.keep_search_index, show_progress=False)

    def show_filter(self, wanted: RosterFilter) -> None:
        """Set the search box and combo boxes to a filter (a dashboard link) and apply it."""
        self._set_filter_widgets(wanted)
        self.apply_filter()

    def _set_filter_widgets(self, wanted: RosterFilter) -> None:
        self.search.blockSignals(True)
        self.search.setText(wanted.search)
        self.search.blockSignals(False)
        self.standing.setCurrentIndex(
            next((i for i, (_l, v) in enumerate(STANDING_CHOICES) if v == wanted.standings), 0)
        )
        self.category.setCurrentIndex(max(self.category.findData(wanted.category_id), 0))
        self.officer.setCurrentIndex(
            next((i for i, (_l, v) in enumerate(OFFICER_CHOICES) if v == wanted.officer), 0)
        )
        self.balance.setCurrentIndex(
            next((i for i, (_l, v) in enumerate(BALANCE_CHOICES) if v == wanted.owing), 0)
        )

    def activate(self, target: Any = None) -> None:
        if isinstance(target, RosterFilter):  # the first view is read when the page is built
            self._set_filter_widgets(target)
            self.load(target, categories=True)
        elif self._stale:  # changes landed while the page was hidden
            self.refresh()

    def _data_changed(self) -> None:
        if self.isVisible():
            self.refresh()
        else:  # the next view read (opening the page, a search) reads everything again
            self._stale = True

    def _ledger_changed(self, changes: Any) -> None:
        if self.current_filter().owing is not None:  # who owes dues may have changed
            self._data_changed()

    def refresh(self) -> None:
        """Re-read after a change: keep the filter, the sort and the selected member.

        A member just added (`_select_after_load`) is selected once the rows are
        read, even when the add lands after the re-read was asked for.
        """
        current = self.model.row_at(self.table.currentIndex().row())
        current_id = current.membership_id if current else None

        def reselect() -> None:
            wanted = self._select_after_load or current_id
            self._select_after_load = None
            if wanted is not None and self.model.row_of(wanted) >= 0:
                self._select_row(self.model.row_of(wanted))
            elif wanted is not None and wanted != current_id:
                self.select_member(wanted)  # a new member hidden by the filter
            else:
                self.panel.show_member(None)

        self.load(self.current_filter(), force=True, then=reselect, categories=True)
        self.ctx.tasks.when_idle(self._prepare_search)  # the data changed: read it again

    def focus_search(self) -> None:
        """Ctrl+F: put the cursor in the search box."""
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def clear_search(self) -> None:
        """Empty the search box and the filters, show everyone, and go back to the search box."""
        self._set_filter_widgets(RosterFilter())
        self.apply_filter()
        self.search.setFocus(Qt.FocusReason.OtherFocusReason)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Down or Enter in the search box: to the results (Enter opens the first member)."""
        if (watched is self.search and event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent)
                and event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter)):
            if self._search_timer.isActive():  # typed a moment ago: search now, then move
                self.apply_filter()
            self._to_results()
            return True
        return super().eventFilter(watched, event)

    def _to_results(self) -> None:
        """Put the focus on the results table, the first member selected (and shown)."""
        if self.model.rowCount() == 0:
            return
        if self.table.currentIndex().row() < 0:
            self._select_row(0)
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def fit_columns(self) -> None:
        """Size each column to its heading and the rows read (at most `MAX_COLUMN_CHARS`)."""
        rows = self.model.loaded_rows()
        metrics = self.table.fontMetrics()
        header = self.table.horizontalHeader()
        char = metrics.averageCharWidth()
        for number, column in enumerate(COLUMNS):
            title = header.fontMetrics().horizontalAdvance(column.title) + 3 * char + 16
            widest = max((metrics.horizontalAdvance(column.text(r)) for r in rows), default=0)
            self.table.setColumnWidth(number, max(min(widest + 16, MAX_COLUMN_CHARS * char),
                                                  title))
        self._fitted = bool(rows)

    def _after_reset(self) -> None:
        if not self._fitted:
            self.fit_columns()  # once, on the first rows: the officer's own widths then stay
        total = self.model.rowCount()
        self.shown.setText(f"{total:,} member{'s' if total != 1 else ''} shown")
        shown = self.model.filter
        filtered = shown != RosterFilter()
        if total == 0 and filtered:  # say so, rather than show an empty table
            only_search = shown.without_search() == RosterFilter()
            self.no_match_text.setText(
                no_match_text(shown.search.strip()) if only_search
                else "No member matches the search and filters chosen."
            )
            self.clear_search_button.setText("Clear search" if only_search
                                             else "Clear search and filters")
        self.no_match.setVisible(total == 0 and filtered)
        if self.table.currentIndex().row() < 0 and self._panel is not None:
            self.panel.show_member(None)

    # -- columns --------------------------------------------------------------------
    def _apply_hidden(self, hidden: list[str]) -> None:
        for number, key in enumerate(COLUMN_KEYS):
            self.table.setColumnHidden(number, key in hidden)

    def hidden_columns(self) -> list[str]:
        """The keys of the columns the officer has hidden."""
        return [k for n, k in enumerate(COLUMN_KEYS) if self.table.isColumnHidden(n)]

    def set_column_visible(self, key: str, visible: bool) -> None:
        """Show or hide a column and remember the choice (at least one column stays)."""
        number = COLUMN_KEYS.index(key)
        if not visible and len(self.hidden_columns()) >= len(COLUMNS) - 1:
            return
        self.table.setColumnHidden(number, not visible)
        settings.ROSTER_HIDDEN_COLUMNS.set(self.hidden_columns())

    def _column_menu(self, point: Any) -> None:
        menu = QMenu(self)
        menu.setTitle("Columns")
        for number, column in enumerate(COLUMNS):
            action = menu.addAction(column.title)
            action.setCheckable(True)
            action.setChecked(not self.table.isColumnHidden(number))
            action.toggled.connect(lambda on, key=column.key: self.set_column_visible(key, on))
        menu.addSeparator()
        menu.addAction("Fit columns to their contents", self.fit_columns)
        menu.exec(self.table.horizontalHeader().mapToGlobal(point))

    # -- selection and actions -----------------------------------------------------------
    def selected_rows(self) -> list[int]:
        """The table rows selected, in order."""
        return sorted({i.row() for i in self.table.selectionModel().selectedRows()})

    def _show_current(self) -> None:
        index = self.table.currentIndex()
        hq_id = index.data(HqIdRole) if index.isValid() else None
        panel = self.panel
        detail = panel.detail
        if (hq_id is not None and detail is not None and detail.hq.hq_id != hq_id
                and panel.has_unsaved_edits() and not self._settling):
            self._settling = True  # the question is asked once, whatever the selection does
            try:
                stay = not panel.settle_unsaved()
                if stay and detail.current is not None:  # back to the member being edited
                    row = self.model.row_of(detail.current.membership.id)
                    if row >= 0:
                        self._select_row(row)
                    else:
                        self.table.selectionModel().clearSelection()
                    return
            finally:
                self._settling = False
        if self._settling:
            return
        panel.show_member(hq_id)

    def may_leave(self) -> bool:
        """Unsaved chapter facts in the member panel: save, discard, or stay."""
        return self._panel is None or self._panel.settle_unsaved()

    def copy_emails(self) -> str:
        """Copy the selected members' e-mail addresses to the clipboard; returns the text."""
        rows = self.model.rows_at(self.selected_rows())
        emails = [r.email for r in rows if r.email]
        text = "; ".join(emails)
        if not emails:
            self.ctx.status_message.emit("No e-mail addresses in the selection to copy.")
            return ""
        QGuiApplication.clipboard().setText(text)
        self.ctx.status_message.emit(f"Copied {len(emails):,} e-mail addresses.")
        return text

    def add_member(self) -> None:
        """Ask for an HQ ID, show HQ's record, and add the member if the bylaws allow."""
        from chapterdesk.ui.dialogs import AddMemberDialog

        dialog = AddMemberDialog(self.ctx, self)
        dialog.added.connect(self._member_added)
        ask.run_dialog(dialog)

    def _member_added(self, entry: Any) -> None:
        """A member was added (the roster's re-read, already asked for, selects them)."""
        from chapterdesk.ui.undo import AddMember

        name = entry.hq.display_name
        self.ctx.undo.push(
            AddMember(self.ctx, entry.hq_id, name, entry.membership.id,
                      entry.membership.chapter_joined_on)
        )
        self._select_after_load = entry.membership.id
        self.ctx.changed(f"Added {with_id(name, entry.hq_id)} to the chapter.")

    def _select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)

    def select_member(self, membership_id: int) -> None:
        """Select a member in the table (clearing the search and filters if they hide them)."""
        row = self.model.row_of(membership_id)
        if row >= 0:
            self._select_row(row)
            return
        self._set_filter_widgets(RosterFilter())

        def select() -> None:
            if self.model.row_of(membership_id) >= 0:
                self._select_row(self.model.row_of(membership_id))

        self.load(RosterFilter(), then=select)

    def leave(self, hq_id: str) -> None:
        """Record that a member leaves the chapter (the dialog asks for the date and reason)."""
        from chapterdesk.ui.dialogs import LeaveDialog
        from chapterdesk.ui.undo import LeaveChapter

        detail = self.panel.detail
        if detail is None or detail.current is None or detail.hq.hq_id != hq_id:
            return
        name = detail.hq.display_name
        dialog = LeaveDialog(self.ctx, hq_id, name,
                             detail.current.membership.chapter_joined_on, self)

        def left(membership: Any) -> None:
            left_on = membership.left_on
            self.ctx.undo.push(LeaveChapter(self.ctx, hq_id, name, membership.id, left_on,
                                            dialog.reason_text))
            self.ctx.changed(f"{in_sentence(name)} left the chapter on {left_on.isoformat()}.")

        dialog.left.connect(left)
        ask.run_dialog(dialog)

    def export(self) -> None:
        """Write the list shown (visible columns) to a .csv or .xlsx file, off the UI thread.

        The file is written by `exports.sheets` (real date cells, inert text,
        replaced atomically): a cancelled or failed export leaves the previous
        file exactly as it was.
        """
        from chapterdesk.exports.sheets import Column as SheetColumn
        from chapterdesk.exports.sheets import write_table
        from chapterdesk.services.roster import query as roster_query

        folder = settings.LAST_EXPORT_FOLDER.get() or ""
        path = ask.save_file(
            self, "Export the roster", f"{folder}/roster.xlsx" if folder else "roster.xlsx",
            "Excel workbook (*.xlsx);;CSV file (*.csv)",
        )
        if path is None:
            return
        settings.LAST_EXPORT_FOLDER.set(str(path.parent))
        ids = self.model.ids
        columns = [c for n, c in enumerate(COLUMNS) if not self.table.isColumnHidden(n)]
        sheet_columns = [
            SheetColumn(c.title, "date" if c.key in _EXPORTED_DATES else "text") for c in columns
        ]
        cells: list[Callable[[RosterRow], object]] = [
            _EXPORTED_DATES.get(c.key, c.text) for c in columns
        ]
        db = self.db

        def job(progress: Any, cancelled: Any) -> int:
            def rows() -> Iterator[list[object]]:
                for start in range(0, len(ids), 1000):
                    if cancelled():
                        raise Cancelled
                    progress("Writing members", start, len(ids))
                    for row in roster_query.rows_for(db, ids[start : start + 1000]):
                        yield [cell(row) for cell in cells]

            return write_table(path, sheet_columns, rows(), sheet_name="Roster")

        self.ctx.tasks.run(
            job, title="Exporting the roster", parent=self,
            on_done=lambda n: self.ctx.status_message.emit(f"Exported {n:,} members to {path}."),
        )
