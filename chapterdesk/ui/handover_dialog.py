"""The two handover dialogs: seal the chapter for the next officer, and open such a package.

Both only collect what the officer types; the sealing, the checks of the
passphrase's length and of the package, and the writing are the services'
(`services.safety.handover`). The passphrase lives in the dialog's fields until the
caller clears them; it is never stored in settings, a log or a file.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from chapterdesk.services.safety.handover import MIN_PASSPHRASE
from chapterdesk.ui import ask
from chapterdesk.ui.widgets import QuietLabel, message_label, show_message

PACKAGE_FILTER = "ChapterDesk handover package (*.cdh);;All files (*)"
DB_FILTER = "ChapterDesk database (*.sqlite3 *.sqlite *.db);;All files (*)"


def _password_field(name: str) -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setAccessibleName(name)
    return field


def _buddy(text: str, field: QLineEdit) -> QLabel:
    label = QLabel(text)
    label.setBuddy(field)
    return label


def _file_row(field: QLineEdit, browse: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addWidget(field, 1)
    row.addWidget(browse)
    return row


def _note(text: str) -> QLabel:
    label = QuietLabel(text)
    label.setWordWrap(True)
    return label


class _FileDialog(QDialog):
    """What both handover dialogs share: a form, an inline message and OK/Cancel."""

    def __init__(self, title: str, ok_text: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(560)
        self.form = QFormLayout()
        self.message = message_label()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    def _finish_layout(self, intro: str, note: str) -> None:
        intro_label = QLabel(intro)
        intro_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro_label)
        layout.addLayout(self.form)
        layout.addWidget(_note(note))
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def refuse(self, text: str) -> None:
        """Say inline why the dialog cannot go ahead; it stays open."""
        show_message(self.message, text, error=True)

    def forget_passphrase(self) -> None:
        """Clear every passphrase field (after use, or when the dialog is dismissed)."""
        for field in self.findChildren(QLineEdit):
            if field.echoMode() == QLineEdit.EchoMode.Password:
                field.clear()


class HandoverExportDialog(_FileDialog):
    """Hand over to the next officer: where to write the package and its passphrase, twice."""

    def __init__(self, suggested: Path, parent: QWidget | None = None) -> None:
        super().__init__("Hand over to the next officer", "&Seal and save", parent)
        self.file = QLineEdit(str(suggested))
        self.file.setAccessibleName("Handover package file")
        browse = QPushButton("&Browse…")
        browse.clicked.connect(self._browse)
        self.passphrase = _password_field("Passphrase")
        self.passphrase.setPlaceholderText(f"at least {MIN_PASSPHRASE} characters")
        self.repeat = _password_field("Passphrase again")
        self.form.addRow(_buddy("Package &file:", self.file), _file_row(self.file, browse))
        self.form.addRow("&Passphrase:", self.passphrase)
        self.form.addRow("&Again:", self.repeat)
        self._finish_layout(
            "The whole chapter (every member, ledger entry, setting and the audit trail) is "
            "sealed into one file with a passphrase, for the next officer to open on their "
            "computer.",
            "ChapterDesk does not keep the passphrase. Give it to the next officer separately "
            "from the file (say it, don't send it with the file); without it the package "
            "cannot be opened.",
        )

    def _browse(self) -> None:
        path = ask.save_file(self, "Save the handover package", self.file.text(), PACKAGE_FILTER)
        if path is not None:
            self.file.setText(str(path))

    def target(self) -> Path | None:
        """The package file to write (a `.cdh` suffix added when none was typed)."""
        text = self.file.text().strip()
        if not text:
            return None
        path = Path(text).expanduser()
        return path if path.suffix else path.with_suffix(".cdh")

    def accept(self) -> None:
        """Go ahead only with a file and two equal passphrases of 12 characters or more."""
        if self.target() is None:
            self.refuse("Say where to save the handover package.")
        elif len(self.passphrase.text()) < MIN_PASSPHRASE:
            self.refuse(
                f"The passphrase has {len(self.passphrase.text())} characters; use at least "
                f"{MIN_PASSPHRASE} (a few unrelated words are easy to pass on and hard to guess)."
            )
        elif self.passphrase.text() != self.repeat.text():
            self.refuse("The two passphrases differ; type the same passphrase twice.")
        else:
            super().accept()


class HandoverImportDialog(_FileDialog):
    """Open a handover package: its passphrase, and the new database file to open it as."""

    def __init__(self, package: Path, suggested: Path, parent: QWidget | None = None) -> None:
        super().__init__("Open a handover package", "&Open", parent)
        self.package = QLineEdit(str(package))
        self.package.setAccessibleName("Handover package file")
        pick_package = QPushButton("B&rowse…")
        pick_package.clicked.connect(self._browse_package)
        self.passphrase = _password_field("Passphrase")
        self.file = QLineEdit(str(suggested))
        self.file.setAccessibleName("New database file")
        pick_file = QPushButton("&Browse…")
        pick_file.clicked.connect(self._browse_file)
        self.form.addRow(_buddy("&Package:", self.package), _file_row(self.package, pick_package))
        self.form.addRow("&Passphrase:", self.passphrase)
        self.form.addRow(_buddy("New &database:", self.file), _file_row(self.file, pick_file))
        self._finish_layout(
            "The chapter in the package is opened as a new database file on this computer; "
            "the database open now is left as it is.",
            "A wrong passphrase or an altered file is refused and nothing is written.",
        )
        if str(package).strip():  # chosen already (a file chooser, the file manager's Open)
            self.passphrase.setFocus()

    def _browse_package(self) -> None:
        path = ask.open_file(self, "Open a handover package", self.package.text(), PACKAGE_FILTER)
        if path is not None:
            self.package.setText(str(path))

    def _browse_file(self) -> None:
        path = ask.save_file(self, "The new chapter database", self.file.text(), DB_FILTER)
        if path is not None:
            self.file.setText(str(path))

    def target(self) -> Path | None:
        """The new database file (a `.sqlite3` suffix added when none was typed)."""
        text = self.file.text().strip()
        if not text:
            return None
        path = Path(text).expanduser()
        return path if path.suffix else path.with_suffix(".sqlite3")

    def accept(self) -> None:
        """Go ahead only with a package, a passphrase and a database file that does not exist."""
        target = self.target()
        if not self.package.text().strip():
            self.refuse("Choose the handover package to open.")
        elif not self.passphrase.text():
            self.refuse("Type the passphrase the previous officer gave you.")
        elif target is None:
            self.refuse("Say where to keep the new chapter database.")
        elif target.exists() and target.stat().st_size > 0:
            self.refuse(f"{target} already exists; choose a new file name for the chapter.")
        else:
            super().accept()
