"""Settings → E-mail: the SMTP account, its password (to the keyring) and a test message.

Read and saved on the database worker (`services.mail.account`); the password
field is never filled from the keyring, only written to it when typed.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from chapterdesk.services.mail import account as mail_account
from chapterdesk.services.mail.outbox import send_test_message
from chapterdesk.services.mail.templates import PLACEHOLDERS, Template, set_template, template_for
from chapterdesk.ui import ask, unsaved
from chapterdesk.ui.pages.base import AppContext, message_label, show_message

SECURITY_LABELS = (("STARTTLS (port 587)", "starttls"), ("TLS from the start (port 465)", "ssl"),
                   ("None (this computer only)", "none"))


class MailSettingsBox(QGroupBox):
    """The E-mail group of the Settings page."""

    #: Saved; carries the sentence for the status bar.
    saved = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__("E-mail", parent)
        self.ctx = ctx
        self.host = QLineEdit()
        self.host.setAccessibleName("Mail server")
        self.host.setPlaceholderText("smtp.example.org")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(587)
        self.port.setAccessibleName("Port")
        self.security = QComboBox()
        for label, code in SECURITY_LABELS:
            self.security.addItem(label, code)
        self.security.setAccessibleName("Security")
        self.user = QLineEdit()
        self.user.setAccessibleName("User")
        self.from_address = QLineEdit()
        self.from_address.setAccessibleName("From address")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Password")
        self.password.setPlaceholderText("kept in the system keyring; leave empty to keep")
        self.reminder_days = QLineEdit("30,60,90")
        self.reminder_days.setAccessibleName("Reminder days")
        self.signature = QPlainTextEdit()
        self.signature.setAccessibleName("Signature")
        self.signature.setFixedHeight(60)
        self.save_button = QPushButton("Save e-mai&l settings")
        self.save_button.clicked.connect(self.save)
        self.test_button = QPushButton("Send test message")
        self.test_button.clicked.connect(self.send_test)
        self.message = message_label()
        outer = QVBoxLayout(self)
        form = QFormLayout()
        outer.addLayout(form)
        form.addRow("Mail server:", self.host)
        form.addRow("Port:", self.port)
        form.addRow("Security:", self.security)
        form.addRow("User:", self.user)
        form.addRow("Pass&word:", self.password)
        form.addRow("From address:", self.from_address)
        form.addRow("Reminder days (levels 1,2,3):", self.reminder_days)
        form.addRow("Signature:", self.signature)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.test_button)
        row.addWidget(self.save_button)
        outer.addLayout(row)
        outer.addWidget(self.message)
        self._stored: tuple[Any, ...] | None = None  # the form as last read or saved

    def _values(self) -> tuple[Any, ...]:
        return (self.host.text(), self.port.value(), self.security.currentData(),
                self.user.text(), self.from_address.text(), self.reminder_days.text(),
                self.signature.toPlainText())

    def unsaved_edits(self) -> list[str]:
        """"the e-mail settings" when the form differs from what is stored (a password typed)."""
        if self._stored is None:
            return []
        changed = self._values() != self._stored or bool(self.password.text())
        return ["the e-mail settings"] if changed else []

    def save_edits(self) -> bool:
        """Save the e-mail settings (`save`)."""
        self.save()
        return True

    def discard_edits(self) -> None:
        """Put the stored e-mail settings back in the form."""
        if self._stored is None:
            return
        host, port, security, user, from_address, days, signature = self._stored
        self.host.setText(host)
        self.port.setValue(port)
        self.security.setCurrentIndex(max(0, self.security.findData(security)))
        self.user.setText(user)
        self.from_address.setText(from_address)
        self.reminder_days.setText(days)
        self.signature.setPlainText(signature)
        self.password.clear()
        show_message(self.message, "", error=False)

    def refresh(self) -> None:
        """Read the account on the worker and fill the form."""
        db = self.ctx.db
        self.ctx.read(self, "Reading the e-mail settings", lambda: mail_account.account(db),
                      self._show)

    def _show(self, view: Any) -> None:
        if self.unsaved_edits():
            return  # never over what is being typed (a save refused on leaving the page)
        if view is None:  # no account yet: the empty form is what is stored
            self._stored = self._values()
            return
        self.host.setText(view.host)
        self.port.setValue(view.port)
        self.security.setCurrentIndex(max(0, self.security.findData(view.security)))
        self.user.setText(view.username)
        self.from_address.setText(view.from_address)
        self.reminder_days.setText(",".join(str(d) for d in view.reminder_days))
        self.signature.setPlainText(view.signature)
        self._stored = self._values()

    def save(self) -> None:
        """Save on the worker (the password to the keyring); a refusal is shown inline."""
        db = self.ctx.db
        values = dict(
            host=self.host.text(), port=self.port.value(), security=self.security.currentData(),
            username=self.user.text(), from_address=self.from_address.text(),
            signature=self.signature.toPlainText(), reminder_days=self.reminder_days.text(),
            password=self.password.text() or None,
        )
        self.save_button.setEnabled(False)
        stored = self._values()

        def done(_view: Any) -> None:
            self.save_button.setEnabled(True)
            self._stored = stored
            self.password.clear()
            show_message(self.message, "Saved the e-mail settings.", error=False)
            self.saved.emit("Saved the e-mail settings.")

        def refused(exc: Any) -> None:
            self.save_button.setEnabled(True)
            show_message(self.message, exc.message, error=True)
            if not self.isVisible():  # saved on leaving the page
                ask.warn(self, f"The e-mail settings were not saved: {exc.message} Your "
                         "changes are still on the Settings page.")

        self.ctx.change(self, "Saving the e-mail settings",
                        lambda: mail_account.set_up_account(db, **values), done, refused)

    def send_test(self) -> None:
        """Send a test message to the From address, on the worker."""
        db, to = self.ctx.db, self.from_address.text().strip()
        password = self.password.text() or None
        self.test_button.setEnabled(False)

        def done(said: str) -> None:
            self.test_button.setEnabled(True)
            show_message(self.message, said, error=False)

        def refused(exc: Any) -> None:
            self.test_button.setEnabled(True)
            show_message(self.message, exc.message, error=True)

        self.ctx.read(self, "Sending a test message",
                      lambda: send_test_message(db, to, password=password), done, refused)


class MailTemplatesBox(QGroupBox):
    """Settings → E-mail templates: each kind's subject, text and HTML body, with placeholders."""

    #: Saved; carries the sentence for the status bar.
    saved = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__("E-mail templates", parent)
        self.ctx = ctx
        self.kind = QComboBox()
        for label, code in (("Statement", "statement"), ("Reminder", "reminder"),
                            ("Receipt", "receipt")):
            self.kind.addItem(label, code)
        self.kind.setAccessibleName("Template")
        self.kind.currentIndexChanged.connect(lambda _i: self._kind_changed())
        self.subject = QLineEdit()
        self.subject.setAccessibleName("Subject")
        self.text_body = QPlainTextEdit()
        self.text_body.setAccessibleName("Text body")
        self.text_body.setFixedHeight(110)
        self.html_body = QPlainTextEdit()
        self.html_body.setAccessibleName("HTML body")
        self.html_body.setFixedHeight(90)
        names = ", ".join(f"${name}" for name in PLACEHOLDERS)
        hint = QLabel(f"Placeholders: {names}. Write $$ for a dollar sign.")
        hint.setWordWrap(True)
        self.save_button = QPushButton("Save template")
        self.save_button.clicked.connect(self.save)
        self.message = message_label()
        outer = QVBoxLayout(self)
        form = QFormLayout()
        form.addRow("Template:", self.kind)
        form.addRow("Su&bject:", self.subject)
        form.addRow("Te&xt:", self.text_body)
        form.addRow("HTML:", self.html_body)
        outer.addLayout(form)
        outer.addWidget(hint)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.save_button)
        outer.addLayout(row)
        outer.addWidget(self.message)
        self._template: Template | None = None  # the template shown, as last read or saved

    def _kind_changed(self) -> None:
        """Another template chosen: unsaved edits to the one shown are asked about first."""
        shown = self._template
        if shown is not None and not unsaved.settle(self, [self], "", "Unsaved e-mail template"):
            self.kind.blockSignals(True)  # Cancel: back to the template being edited
            self.kind.setCurrentIndex(max(0, self.kind.findData(shown.kind)))
            self.kind.blockSignals(False)
            return
        self.refresh()

    def unsaved_edits(self) -> list[str]:
        """"the reminder e-mail template" when the one shown was edited and not saved."""
        shown = self._template
        if shown is None or (self.subject.text(), self.text_body.toPlainText(),
                             self.html_body.toPlainText()) == (
                shown.subject, shown.text_body, shown.html_body):
            return []
        return [f"the {shown.kind} e-mail template"]

    def save_edits(self) -> bool:
        """Save the template shown (`save`)."""
        self.save()
        return True

    def discard_edits(self) -> None:
        """Put the stored template back in the form."""
        if self._template is not None:
            self._fill(self._template)
        show_message(self.message, "", error=False)

    def refresh(self) -> None:
        """Read the chosen kind's template on the worker."""
        db, kind = self.ctx.db, self.kind.currentData()
        self.ctx.read(self, "Reading the template", lambda: template_for(db, kind), self._show)

    def _show(self, template: Template) -> None:
        if template.kind != self.kind.currentData():
            return  # another kind was chosen meanwhile
        if self._template is not None and self._template.kind == template.kind \
                and self.unsaved_edits():
            return  # never over what is being typed (a save refused on leaving the page)
        self._fill(template)

    def _fill(self, template: Template) -> None:
        self._template = template
        self.subject.setText(template.subject)
        self.text_body.setPlainText(template.text_body)
        self.html_body.setPlainText(template.html_body)

    def save(self) -> None:
        """Save on the worker; an unknown placeholder is refused inline."""
        shown = self._template
        db, kind = self.ctx.db, shown.kind if shown is not None else self.kind.currentData()
        subject, text = self.subject.text(), self.text_body.toPlainText()
        html = self.html_body.toPlainText()

        def done(template: Template) -> None:
            if template.kind == self.kind.currentData():
                self._template = template
            show_message(self.message, f"Saved the {kind} template.", error=False)
            self.saved.emit(f"Saved the {kind} template.")

        def refused(exc: Any) -> None:
            if self.kind.currentData() != kind:  # saved on choosing another: back to this one
                self.kind.blockSignals(True)  # (the other's read, queued after, is dropped)
                self.kind.setCurrentIndex(max(0, self.kind.findData(kind)))
                self.kind.blockSignals(False)
            show_message(self.message, exc.message, error=True)
            if not self.isVisible():  # saved on leaving the page
                ask.warn(self, f"The {kind} e-mail template was not saved: {exc.message}")

        self.ctx.change(
            self, "Saving the template",
            lambda: set_template(db, kind, subject=subject, text_body=text, html_body=html),
            done, refused,
        )
