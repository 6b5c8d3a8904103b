"""File → Connect to shared database…: where the chapter's PostgreSQL server is, and who you are.

The officer gives host, port, database, user and password. "Test connection"
tries it off the UI thread and says in one sentence what is there or what is
wrong (wrong password, server unreachable, database missing). "Connect" keeps
the password in the OS keyring (never in the settings file) and leaves the
password-free address in `url()` for the caller to open; with no keyring on
the computer it says so, and the password is used for this session only.

The main window wires this dialog into its File menu; this module only builds it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from chapterdesk.credentials import (
    DEFAULT_PORT,
    ServerAddress,
    check_server,
    store_password,
    stored_password,
)
from chapterdesk.errors import ChapterDeskError
from chapterdesk.ui.background import run_off_ui_thread
from chapterdesk.ui.colours import scheme

REQUIRED = "Fill in the server, the database and the user name."


class ConnectDialog(QDialog):
    """Asks for the shared server's address and password; tests the connection on request."""

    #: A connection test finished: (succeeded, the sentence shown).
    tested = Signal(bool, str)

    def __init__(self, parent: QWidget | None = None, initial: ServerAddress | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Connect to shared database")
        self.session_password: str | None = None
        self.host = QLineEdit()
        self.host.setPlaceholderText("db.example.org")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(DEFAULT_PORT)
        self.database = QLineEdit()
        self.database.setPlaceholderText("chapter")
        self.user = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.remember = QCheckBox("Keep the password in this computer's keyring")
        self.remember.setChecked(True)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Connection status")
        self.test_button = QPushButton("&Test connection")
        self.test_button.clicked.connect(self.test_connection)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Connect")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow("&Server:", self.host)
        form.addRow("&Port:", self.port)
        form.addRow("&Database:", self.database)
        form.addRow("&User:", self.user)
        form.addRow("Pass&word:", self.password)
        form.addRow("", self.remember)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.test_button)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        if initial is not None:
            self._fill(initial)

    def _fill(self, address: ServerAddress) -> None:
        self.host.setText(address.host)
        self.port.setValue(address.port)
        self.database.setText(address.database)
        self.user.setText(address.user)
        self.password.setText(stored_password(address) or "")

    def address(self) -> ServerAddress | None:
        """The address as typed, or None while a required field is empty."""
        host, database, user = (w.text().strip() for w in (self.host, self.database, self.user))
        if not (host and database and user):
            return None
        return ServerAddress(host, self.port.value(), database, user)

    def url(self) -> str:
        """The database URL to open, without the password (safe for settings and logs)."""
        address = self.address()
        return address.url_text() if address is not None else ""

    def _say(self, text: str, *, ok: bool) -> None:
        self.status.setText(text)
        self.status.setStyleSheet("" if ok else f"color: {scheme().error.text};")

    def test_connection(self) -> None:
        """Try the connection on a worker thread; the answer arrives in the status line."""
        address = self.address()
        if address is None:
            self._say(REQUIRED, ok=False)
            self.tested.emit(False, REQUIRED)
            return
        password = self.password.text() or None
        self.test_button.setEnabled(False)
        self._say(f"Connecting to {address.host}…", ok=True)
        run_off_ui_thread(lambda: check_server(address, password), self._tested, self)

    def _tested(self, ok: bool, value: Any) -> None:
        self.test_button.setEnabled(True)
        if ok:
            text = str(value)
        elif isinstance(value, ChapterDeskError):
            text = value.message
        else:
            text = f"The connection test failed unexpectedly ({type(value).__name__}: {value})."
        self._say(text, ok=ok)
        self.tested.emit(ok, text)

    def accept(self) -> None:
        """Keep the password in the keyring (when asked) and close; explain any problem."""
        address = self.address()
        if address is None:
            self._say(REQUIRED, ok=False)
            return
        password = self.password.text()
        if password and self.remember.isChecked():
            try:
                store_password(address, password)
            except ChapterDeskError as exc:
                # Say why, and let a second "Connect" go ahead for this session only.
                self.remember.setChecked(False)
                self.session_password = password
                self._say(exc.message, ok=False)
                return
        else:
            self.session_password = password or None
        super().accept()
