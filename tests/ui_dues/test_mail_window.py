"""The window's e-mail against a real SMTP server: Settings → E-mail, sending, the outbox."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from chapterdesk.data.engine import Database
from chapterdesk.services.mail.account import account, set_up_account
from chapterdesk.services.mail.outbox import outbox_counts
from chapterdesk.ui.mail.dialogs import MailDialog, OutboxDialog
from chapterdesk.ui.main_window import MainWindow
from tests.mail.conftest import memory_keyring, smtp_server  # noqa: F401 - shared fixtures
from tests.mail.smtp_server import PASSWORD, USER, SmtpServer
from tests.pg.conftest import MemoryKeyring
from tests.ui.conftest import Asked, page, settle

SHOTS = Path("/tmp/chapterdesk-mail-shots")


def shot(widget: Any, name: str) -> None:
    """Keep a picture of what the officer sees (looked at by hand when the UI changes)."""
    SHOTS.mkdir(exist_ok=True)
    widget.grab().save(str(SHOTS / f"{name}.png"))


def set_up(db: Database, server: SmtpServer) -> None:
    set_up_account(
        db, host="127.0.0.1", port=server.port, security="starttls", username=USER,
        from_address="treasurer@greatlakes.example", password=PASSWORD,
    )  # fmt: skip


def test_settings_email_box_saves_and_sends_a_test_message(
    qtbot: QtBot,
    window: MainWindow,
    demo_db: Database,
    smtp_server: SmtpServer,  # noqa: F811
    memory_keyring: MemoryKeyring,  # noqa: F811
) -> None:
    settings = page(window, "settings")
    box = settings.mail
    box.host.setText("127.0.0.1")
    box.port.setValue(smtp_server.port)
    box.security.setCurrentIndex(box.security.findData("starttls"))
    box.user.setText(USER)
    box.password.setText(PASSWORD)
    box.from_address.setText("not an address")
    qtbot.mouseClick(box.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: box.save_button.isEnabled() and box.message.isVisible())
    assert "not an e-mail address" in box.message.text() and account(demo_db) is None
    box.from_address.setText("treasurer@greatlakes.example")
    qtbot.mouseClick(box.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Saved" in box.message.text())
    saved = account(demo_db)
    assert saved is not None and saved.port == smtp_server.port and saved.username == USER
    assert list(memory_keyring.passwords.values()) == [PASSWORD]
    assert box.password.text() == ""  # never left on screen
    qtbot.mouseClick(box.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Sent a test message" in box.message.text(), timeout=15_000)
    assert [r.recipients for r in smtp_server.received] == [["treasurer@greatlakes.example"]]
    shot(settings, "settings-email")


def test_send_dialog_previews_then_sends_and_outbox_retries(
    qtbot: QtBot,
    window: MainWindow,
    demo_db: Database,
    asked: Asked,
    smtp_server: SmtpServer,  # noqa: F811
    memory_keyring: MemoryKeyring,  # noqa: F811
) -> None:
    set_up(demo_db, smtp_server)
    dues_page = page(window, "dues")
    seen: dict[str, Any] = {}

    def drive_mail(dialog: QDialog) -> bool:
        assert isinstance(dialog, MailDialog)
        dialog.year.setValue(dt.date.today().year)
        dialog.kind.setCurrentIndex(dialog.kind.findData("reminder"))
        dialog.level.setCurrentIndex(dialog.level.findData(1))
        qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.send_button.isEnabled(), timeout=15_000)
        seen["rows"] = dialog.table.rowCount()
        seen["addresses"] = {dialog.table.item(r, 2).text() for r in range(dialog.table.rowCount())}
        first = dialog.table.item(0, 3)  # the amount, in a column of its own, the subject's end
        assert re.fullmatch(r"\$\d[\d,]*\.\d\d", first.text())
        assert dialog.table.item(0, 4).text().endswith(first.text())
        assert first.textAlignment() & Qt.AlignmentFlag.AlignRight
        assert smtp_server.received == []  # the preview sends nothing
        shot(dialog, "mail-dialog-preview")
        smtp_server.stop()  # the server goes away before Send: the messages wait
        qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.result is not None, timeout=30_000)
        seen["said"] = dialog.message.text()
        return True

    asked.dialog_handler = drive_mail
    qtbot.mouseClick(dues_page.mail_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert seen["rows"] > 0 and "cannot be reached" in seen["said"]
    assert outbox_counts(demo_db)["queued"] == seen["rows"]

    def drive_outbox(dialog: QDialog) -> bool:
        assert isinstance(dialog, OutboxDialog)
        qtbot.waitUntil(lambda: dialog.table.rowCount() == seen["rows"], timeout=15_000)
        assert dialog.table.item(0, 1).text() == "queued"
        shot(dialog, "outbox-queued")
        smtp_server.start()
        qtbot.mouseClick(dialog.retry_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "Sent" in dialog.message.text(), timeout=30_000)
        qtbot.waitUntil(
            lambda: all(
                dialog.table.item(r, 1).text() == "sent" for r in range(dialog.table.rowCount())
            ),
            timeout=15_000,
        )
        shot(dialog, "outbox-sent")
        return True

    asked.dialog_handler = drive_outbox
    qtbot.mouseClick(dues_page.outbox_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    delivered = [r.recipients[0] for r in smtp_server.received]
    assert sorted(delivered) == sorted(seen["addresses"])  # each once


def test_settings_templates_box_refuses_unknown_placeholders_and_saves(
    qtbot: QtBot, window: MainWindow, demo_db: Database
) -> None:
    from chapterdesk.services.mail.templates import template_for

    settings = page(window, "settings")
    box = settings.mail_templates
    box.kind.setCurrentIndex(box.kind.findData("reminder"))
    qtbot.waitUntil(lambda: "reminder" in box.subject.text().lower(), timeout=15_000)
    box.text_body.setPlainText("Dear $name, pay by $deadline.")
    qtbot.mouseClick(box.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: box.message.isVisible(), timeout=15_000)
    assert "$deadline" in box.message.text()
    assert "$deadline" not in template_for(demo_db, "reminder").text_body
    box.text_body.setPlainText("Dear $name, $amount_due is $days_overdue days overdue.")
    qtbot.mouseClick(box.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Saved the reminder template" in box.message.text(), timeout=15_000)
    assert template_for(demo_db, "reminder").text_body.endswith("days overdue.")
    shot(box, "settings-templates")


def test_send_dialog_saves_the_pdfs_of_members_without_email(
    qtbot: QtBot,
    window: MainWindow,
    demo_db: Database,
    asked: Asked,
    tmp_path: Path,
    smtp_server: SmtpServer,  # noqa: F811
    memory_keyring: MemoryKeyring,  # noqa: F811
) -> None:
    from pypdf import PdfReader
    from sqlalchemy import update

    from chapterdesk.data.models import HqMember
    from chapterdesk.services.dues.reports import statement_members

    set_up(demo_db, smtp_server)
    owing = statement_members(demo_db, dt.date.today().year)
    with demo_db.session() as session:  # as an HQ export with no address for them leaves it
        session.execute(update(HqMember).where(HqMember.hq_id.in_(owing[:2])).values(email=""))
    asked.save_path = tmp_path / "to-print.pdf"
    seen: dict[str, Any] = {}

    def drive(dialog: QDialog) -> bool:
        assert isinstance(dialog, MailDialog)
        dialog.year.setValue(dt.date.today().year)
        qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.print_button.isEnabled(), timeout=15_000)
        seen["summary"] = dialog.summary.text()
        qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "to print and post" in dialog.message.text(), timeout=15_000)
        return True

    asked.dialog_handler = drive
    qtbot.mouseClick(page(window, "dues").mail_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert "2 member(s) have no e-mail address" in seen["summary"]
    text = "\n".join(p.extract_text() for p in PdfReader(asked.save_path).pages)
    assert owing[0] in text and owing[1] in text and owing[2] not in text
    assert smtp_server.received == []  # saving the PDFs sends nothing
