"""The one member picker: wherever an officer chooses a member, they type an HQ ID or a name.

A name is looked up by the roster's own search (`services.roster.query`, the
search the Roster page, the command line and the reports use): "Baker, Mary",
"Mary Baker", "M. Baker", any case and accents, an e-mail or the start of an
HQ ID. The matches are listed by the roster's form of a name ("Baker, Mary");
an HQ ID shows who it names and their dues balance. No match says so, with a
button that clears the search.

Keyboard: Down moves from the text to the matches; Enter in the text picks the
first (or only) match, or the HQ ID typed; Enter in the list picks the one selected. Enter here is
always the picker's: it never presses a dialog's default button ("Record
payment" with nobody chosen yet).

API (for the payment dialog, the Payments tab, officer appointment and any
later dialog): `MemberPicker(ctx, currency)`, signals `picked(hq_id)` and
`looked_up()`, `text()` (an HQ ID once a member is chosen), `set_text()`,
`balance` (the last HQ ID's balance, or None), `look_up()`, `reading`;
`show_balance=False` names the member without their balance (where a ledger
below states it).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from chapterdesk.names import with_id
from chapterdesk.services import dues
from chapterdesk.services.roster import query as roster_query
from chapterdesk.services.roster.query import RosterFilter
from chapterdesk.ui.colours import scheme
from chapterdesk.ui.context import AppContext, LatestRead
from chapterdesk.ui.dues.tables import money_in
from chapterdesk.ui.widgets import no_match_text

#: how many matches are listed (the officer types more to narrow them)
SHOWN_MATCHES = 12
_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class MemberPicker(QWidget):
    """Find a member by HQ ID or by name, and choose one.

    `picked(hq_id)` is emitted when the officer chooses a member from the
    matches; `looked_up()` each time what was typed has been looked up and shown.
    """

    picked = Signal(str)
    looked_up = Signal()

    def __init__(self, ctx: AppContext, currency: str = "USD",
                 parent: QWidget | None = None, *, show_balance: bool = True) -> None:
        super().__init__(parent)
        self.show_balance = show_balance  # False where the ledger below states it already
        self.money = money_in(currency)
        self.db = ctx.db
        self.balance: dues.MemberBalance | None = None
        self._reader: LatestRead[tuple[str, Any]] = LatestRead(ctx, self, "Finding the member")
        self.member = QLineEdit()
        self.member.setAccessibleName("Member: HQ ID or name")
        self.member.setPlaceholderText("HQ ID, or a name (Baker, Mary), or an e-mail")
        self.member.setClearButtonEnabled(True)
        self.who = QLabel()
        self.who.setWordWrap(True)
        self.who.setAccessibleName("Member found")
        self.who.setVisible(False)
        self.clear_button = QPushButton("Clear search")
        self.clear_button.setAccessibleName("Clear the member search")
        self.clear_button.setVisible(False)
        self.clear_button.clicked.connect(self.clear)
        self.matches = QListWidget()
        self.matches.setAccessibleName("Members matching the name")
        self.matches.setToolTip("↓ from the search to reach the list; Enter chooses.")
        self.matches.setVisible(False)
        self.matches.itemActivated.connect(self._pick)
        self.matches.itemClicked.connect(self._pick)
        self._timer = QTimer(self, singleShot=True, interval=200)
        self._timer.timeout.connect(self.look_up)
        self.member.textChanged.connect(lambda _t: self._timer.start())
        self.member.installEventFilter(self)
        self.matches.installEventFilter(self)
        said = QHBoxLayout()
        said.setContentsMargins(0, 0, 0, 0)
        said.addWidget(self.who, 1)
        said.addWidget(self.clear_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.member)
        layout.addLayout(said)
        layout.addWidget(self.matches)
        self.setFocusProxy(self.member)

    def set_currency(self, currency: str) -> None:
        """Show balances in the chapter's currency."""
        self.money = money_in(currency)

    def text(self) -> str:
        """What is typed (an HQ ID once a member was chosen)."""
        return self.member.text().strip()

    def set_text(self, text: str) -> None:
        """Type `text` for the officer (an HQ ID is looked up when the timer fires)."""
        self.member.setText(text)

    def clear(self) -> None:
        """Empty the search and what it found, and put the cursor back in it."""
        self.member.clear()
        self.look_up()
        self.member.setFocus(Qt.FocusReason.OtherFocusReason)

    @property
    def reading(self) -> bool:
        """Whether the member typed last is still being looked up."""
        return self._reader.pending

    def look_up(self) -> None:
        """Show the member an HQ ID names, or the current members a name matches.

        Looked up on the database worker; `looked_up` is emitted once it is shown.
        """
        self._timer.stop()
        text = self.text()
        if not text or (not text.isdigit() and len(text) < 2):
            self._reader.cancel()
            self._show(text, ("nothing", None))
            return
        db = self.db

        def work() -> tuple[str, Any]:
            if text.isdigit():
                return "balance", dues.member_balance(db, text)
            ids = sorted(roster_query.matching_ids(db, RosterFilter(search=text)))[:200]
            rows = roster_query.rows_for(db, ids)
            return "rows", sorted(rows, key=lambda r: r.name.casefold())[:SHOWN_MATCHES]

        self._reader.start(work, lambda found: self._show(text, found),
                           lambda exc: self._show(text, ("refused", exc.message)))

    def _show(self, text: str, found: tuple[str, Any]) -> None:
        kind, value = found
        self.matches.clear()
        self.matches.setVisible(False)
        self.clear_button.setVisible(False)
        self.who.setStyleSheet("")
        self.balance = value if kind == "balance" else None
        if kind == "nothing":
            self.who.setText("")
        elif kind == "refused":
            self.who.setText(value)
            self.who.setStyleSheet(f"color: {scheme().error.text};")
        elif kind == "balance" and not self.show_balance:
            self.who.setText(with_id(value.name, value.hq_id))
        elif kind == "balance":
            self.who.setText(
                f"{value.name}: outstanding {self.money(value.outstanding)}, "
                f"credit {self.money(value.credit)}"
            )
        elif not value:
            self.who.setText(no_match_text(text))
            self.clear_button.setVisible(True)
        else:
            more = " (the first 12: type more to narrow)" if len(value) >= SHOWN_MATCHES else ""
            self.who.setText(f"Choose the member{more}:")
            for row in value:
                item = QListWidgetItem(with_id(row.name, row.hq_id))
                item.setData(Qt.ItemDataRole.UserRole, row.hq_id)
                self.matches.addItem(item)
            self.matches.setCurrentRow(0)
            rows = min(len(value), 7)  # as tall as the matches, up to seven of them
            frame = 2 * self.matches.frameWidth()
            self.matches.setFixedHeight(self.matches.sizeHintForRow(0) * rows + frame)
            self.matches.setVisible(True)
        self.who.setVisible(bool(self.who.text()))
        self.looked_up.emit()

    def _pick(self, item: QListWidgetItem) -> None:
        hq_id = str(item.data(Qt.ItemDataRole.UserRole))
        self.member.setText(hq_id)
        self.look_up()
        self.picked.emit(hq_id)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Down into the matches, Enter to pick; Enter never reaches a default button."""
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return super().eventFilter(watched, event)
        key = event.key()
        if watched is self.member:
            if key == Qt.Key.Key_Down and self.matches.isVisible():
                self.matches.setFocus(Qt.FocusReason.OtherFocusReason)
                if self.matches.currentRow() < 0:
                    self.matches.setCurrentRow(0)
                return True
            if key in _ENTER:
                if self.matches.isVisible() and self.matches.count():
                    self._pick(self.matches.currentItem() or self.matches.item(0))
                else:
                    self.look_up()
                    if self.text().isdigit():  # an HQ ID typed out: Enter chooses it
                        self.picked.emit(self.text())
                return True
        elif watched is self.matches:
            if key in _ENTER:
                item = self.matches.currentItem()
                if item is not None:
                    self._pick(item)
                return True
            if key == Qt.Key.Key_Up and self.matches.currentRow() <= 0:
                self.member.setFocus(Qt.FocusReason.OtherFocusReason)
                return True
        return super().eventFilter(watched, event)
