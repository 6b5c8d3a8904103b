"""The Dues page's "Import payments…": a Stripe export read on the worker, reviewed, posted."""

from __future__ import annotations

import datetime as dt
import sqlite3
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialog, QLabel
from pytestqt.qtbot import QtBot

from chapterdesk.services.payments import list_payment_imports
from chapterdesk.ui.dues.payments_import import MEMBER_COLUMN, PaymentsImportDialog
from chapterdesk.ui.dues.target import DuesTarget
from chapterdesk.ui.main_window import MainWindow
from tests.payments import samples as s
from tests.ui.conftest import Asked, settle

D = Decimal


def demo_members(window: MainWindow) -> list[tuple[str, str, str, str]]:
    path = window.ctx.db.location.path
    assert path is not None
    with sqlite3.connect(path) as con:
        return con.execute(
            "SELECT h.hq_id, h.first_name, h.last_name, h.email FROM hq_member h JOIN "
            "chapter_membership cm ON cm.hq_id = h.hq_id WHERE cm.left_on IS NULL "
            "ORDER BY h.hq_id LIMIT 3"
        ).fetchall()


def test_import_review_choose_and_post_then_nothing_twice(
    qtbot: QtBot, window: MainWindow, asked: Asked, tmp_path: Path
) -> None:
    (id1, _f1, _l1, email1), (_id2, first2, last2, _e2), (id3, first3, last3, _e3) = (
        demo_members(window)
    )
    day = dt.date.today() - dt.timedelta(days=3)
    path = s.write_stripe(
        tmp_path / "stripe.csv",
        [
            s.Paid("ch_ui_1", day, D("150.00"), D("4.65"), "", email1),
            s.Paid("ch_ui_2", day, D("90.00"), D("2.91"), f"{last2}, {first2}"),
            s.Paid("ch_ui_3", day, D("12.34"), D("0.66"), "Somebody Unknown"),
        ],
    )
    window.go_to("dues", DuesTarget("payments"))
    settle(qtbot, window)
    tab = window.pages["dues"].payments
    asked.open_path = path
    seen: dict[str, object] = {}

    def review(dialog: QDialog) -> bool:
        assert isinstance(dialog, PaymentsImportDialog)
        qtbot.waitUntil(lambda: dialog.review is not None, timeout=15_000)
        assert dialog.review is not None
        seen["classes"] = [m.status for m in dialog.review.lines]
        assert "Stripe payments export" in dialog.summary.text()
        assert dialog.table.item(0, 0).checkState() == Qt.CheckState.Checked
        # the stranger's line is given a member with the one member picker: select the
        # line, find the member by name, choose them in the matches; that ticks the line
        member = dialog.table.cellWidget(2, MEMBER_COLUMN)
        assert isinstance(member, QLabel)
        assert dialog.table.item(2, 0).checkState() == Qt.CheckState.Unchecked
        picker = dialog.picker
        dialog.table.setCurrentCell(0, 1)
        assert not picker.isEnabled()  # a matched line has its member
        dialog.table.setCurrentCell(2, 1)
        assert picker.isEnabled() and "Line 4" in dialog.picker_label.text()
        with qtbot.waitSignal(picker.looked_up, timeout=15_000):
            qtbot.keyClicks(picker.member, f"{first3} {last3}")
        qtbot.waitUntil(lambda: picker.matches.count() > 0, timeout=15_000)
        found = [picker.matches.item(i) for i in range(picker.matches.count())]
        chosen = next(i for i in found if i.data(Qt.ItemDataRole.UserRole) == id3)
        picker.matches.setCurrentItem(chosen)
        with qtbot.waitSignal(picker.looked_up, timeout=15_000):
            qtbot.keyClick(picker.matches, Qt.Key.Key_Return)  # the picker's, not "Post"
        assert dialog.outcome is None and not dialog.saving  # Enter did not press "Post"
        assert dialog.table.item(2, 0).checkState() == Qt.CheckState.Checked
        said = member.text()  # named as the picker found them (a middle name too)
        assert said.startswith(f" \u200e\u2068{first3} ")  # the name isolated: `in_sentence`
        assert said.endswith(f"{last3}\u2069 ({id3}) [chosen]")
        assert dialog.choices()[0] == {4: id3}
        dialog.resize(1100, 700)
        dialog.grab().save(str(tmp_path / "review.png"))
        seen["png"] = tmp_path / "review.png"
        with qtbot.waitSignal(dialog.accepted, timeout=15_000):
            dialog.post_button.click()
        assert dialog.outcome is not None
        seen["posted"] = [(m.hq_id, m.line.line_no) for m, _r in dialog.outcome.posted]
        return True

    asked.dialog_handler = review
    tab.import_button.click()
    settle(qtbot, window)
    assert seen["classes"][0] == "matched" and seen["classes"][2] == "unmatched"
    posted = seen["posted"]
    assert (id1, 2) in posted and (id3, 4) in posted  # type: ignore[operator]
    batches = list_payment_imports(window.ctx.db)
    assert len(batches) == 1 and batches[0].fees >= D("4.65")

    def again(dialog: QDialog) -> bool:
        assert isinstance(dialog, PaymentsImportDialog)
        qtbot.waitUntil(lambda: dialog.review is not None, timeout=15_000)
        assert dialog.review is not None
        statuses = [m.status for m in dialog.review.lines]
        seen["again"] = statuses
        # posted lines cannot be ticked; an ambiguous one offers its candidates in a list
        assert not dialog.table.item(0, 0).flags() & Qt.ItemFlag.ItemIsUserCheckable
        if statuses[1] == "ambiguous":
            assert isinstance(dialog.table.cellWidget(1, MEMBER_COLUMN), QComboBox)
        return False

    asked.dialog_handler = again
    tab.import_button.click()
    settle(qtbot, window)
    assert seen["again"][0] == "posted" and seen["again"][2] == "posted"
    assert len(list_payment_imports(window.ctx.db)) == 1


def test_a_hostile_file_is_refused_in_the_dialog(
    qtbot: QtBot, window: MainWindow, asked: Asked, tmp_path: Path
) -> None:
    path = tmp_path / "statement.pdf"
    path.write_bytes(b"%PDF-1.4 not a statement")
    window.go_to("dues", DuesTarget("payments"))
    settle(qtbot, window)
    asked.open_path = path

    def review(dialog: QDialog) -> bool:
        assert isinstance(dialog, PaymentsImportDialog)
        qtbot.waitUntil(lambda: bool(dialog.message.text()), timeout=15_000)
        assert "is a PDF, not a payments export" in dialog.message.text()
        assert not dialog.post_button.isEnabled()
        return False

    asked.dialog_handler = review
    window.pages["dues"].payments.import_button.click()
    settle(qtbot, window)
    assert list_payment_imports(window.ctx.db) == []


def test_a_bank_csv_with_unknown_headings_has_its_columns_chosen_then_remembered(
    qtbot: QtBot, window: MainWindow, asked: Asked, tmp_path: Path
) -> None:
    (id1, first1, last1, _e1), *_rest = demo_members(window)
    day = dt.date.today() - dt.timedelta(days=2)
    path = s.write_bank_csv(
        tmp_path / "bank.csv",
        [s.Paid("b1", day, D("75.00"), name=f"{first1} {last1}", memo=f"Dues {id1}")],
        headers=["Booked", "Text", "Counterparty", "Cheque", "Value"],
    )
    window.go_to("dues", DuesTarget("payments"))
    settle(qtbot, window)
    asked.open_path = path
    seen: dict[str, object] = {}

    def choose(dialog: QDialog) -> bool:
        assert isinstance(dialog, PaymentsImportDialog)
        bank = dialog.bank
        qtbot.waitUntil(lambda: bool(dialog.message.text()), timeout=15_000)
        assert not bank.isHidden(), dialog.message.text()
        assert "does not recognise this file's columns" in bank.note.text()
        # the title line is not offered as a header row; the heading row is, and is chosen
        assert bank.header_row.currentText().startswith("1: Booked, Text, Counterparty")
        assert bank.fields["payer"].currentText() == "Counterparty"  # a heading it knows
        assert bank.fields["date"].currentData() == ""
        assert dialog.message.text() == "Choose the column that holds each payment's date."
        assert dialog.review is None and not dialog.post_button.isEnabled()
        dialog.reread_button.click()  # still no date: refused in the dialog, nothing read
        assert dialog.message.text() == "Choose the column that holds each payment's date."
        bank.fields["date"].setCurrentIndex(bank.fields["date"].findText("Booked"))
        bank.fields["amount"].setCurrentIndex(bank.fields["amount"].findText("Value"))
        bank.fields["memo"].setCurrentIndex(bank.fields["memo"].findText("Text"))
        assert dialog.reread_button.text() == "&Read with these columns"
        dialog.reread_button.click()
        qtbot.waitUntil(lambda: dialog.review is not None, timeout=15_000)
        assert dialog.review is not None
        assert "bank CSV export" in dialog.summary.text()
        assert [(m.status, m.hq_id) for m in dialog.review.lines] == [("matched", id1)]
        assert "Read as a bank export" in bank.note.text()  # the mapping stays on view
        dialog.resize(1000, 760)
        dialog.grab().save(str(tmp_path / "bank-columns.png"))
        with qtbot.waitSignal(dialog.accepted, timeout=15_000):
            dialog.post_button.click()
        return True

    asked.dialog_handler = choose
    window.pages["dues"].payments.import_button.click()
    settle(qtbot, window)
    assert len(list_payment_imports(window.ctx.db)) == 1

    # The same bank's next download is read with the columns chosen last time.
    later = s.write_bank_csv(
        tmp_path / "bank-december.csv",
        [s.Paid("b2", day, D("20.00"), name="Nobody Known")],
        headers=["Booked", "Text", "Counterparty", "Cheque", "Value"],
    )
    asked.open_path = later

    def remembered(dialog: QDialog) -> bool:
        assert isinstance(dialog, PaymentsImportDialog)
        qtbot.waitUntil(
            lambda: dialog.review is not None or bool(dialog.message.text()), timeout=15_000
        )
        assert dialog.review is not None, dialog.message.text()
        chosen = dialog.bank.mapping()
        seen["mapping"] = chosen
        return False

    asked.dialog_handler = remembered
    window.pages["dues"].payments.import_button.click()
    settle(qtbot, window)
    assert seen["mapping"] == {
        "date": "Booked", "amount": "Value", "payer": "Counterparty", "memo": "Text"
    }  # fmt: skip


def test_a_stripe_export_needs_no_columns(
    qtbot: QtBot, window: MainWindow, asked: Asked, tmp_path: Path
) -> None:
    path = s.write_stripe(
        tmp_path / "stripe.csv", [s.Paid("ch_x", dt.date.today(), D("10.00"), D("0.59"), "A B")]
    )
    window.go_to("dues", DuesTarget("payments"))
    settle(qtbot, window)
    asked.open_path = path

    def look(dialog: QDialog) -> bool:
        assert isinstance(dialog, PaymentsImportDialog)
        qtbot.waitUntil(lambda: dialog.review is not None, timeout=15_000)
        assert dialog.bank.isHidden() and dialog.overrides() == []
        return False

    asked.dialog_handler = look
    window.pages["dues"].payments.import_button.click()
    settle(qtbot, window)
