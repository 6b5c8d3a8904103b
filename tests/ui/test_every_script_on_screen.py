"""The roster table and the member panel show names in their own scripts (issue 16).

Qt shapes Arabic and lays out right-to-left text itself; what the window must
do is hand it the name untouched and have a font for it. One Chinese and one
Arabic name from the international demo are found in the roster table, chosen,
and shown in the member panel, whose Dues sentence begins with the name and must
still read left to right; a screenshot of each is saved for a person to
look at (the test's temporary folder, `screens/`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QFontDatabase, QRawFont, QTextDocument
from pytestqt.qtbot import QtBot

from chapterdesk.data.engine import Database
from chapterdesk.data.migrate import open_database
from chapterdesk.demo import build_demo
from chapterdesk.names import in_sentence
from chapterdesk.services.roster import members as roster
from chapterdesk.ui.dues.dialogs import PaymentDialog
from chapterdesk.ui.main_window import MainWindow
from tests.ui.conftest import Asked, page, settle
from tests.ui.test_find_anyone import _picker_found


@pytest.fixture
def world_db(tmp_path: Path) -> Iterator[Database]:
    """A fresh 60-member international demo chapter."""
    db = open_database(tmp_path / "world.sqlite3", create=True)
    build_demo(db, members=60, international=True)
    yield db
    db.dispose()


def _covered(text: str, family: str) -> bool:
    """Whether the font Qt picks for `family` has a glyph for every letter of `text`."""
    from PySide6.QtGui import QFont

    raw = QRawFont.fromFont(QFont(family))
    return all(raw.supportsCharacter(ord(c)) for c in text if not c.isspace())


def test_a_chinese_and_an_arabic_name_show_in_table_and_panel(
    qtbot: QtBot, world_db: Database, asked: Asked, tmp_path: Path
) -> None:
    people = roster.list_members(world_db)
    chinese = next(p for p in people if any("\u4e00" <= c <= "\u9fff" for c in p.hq.last_name))
    arabic = next(p for p in people if any("\u0600" <= c <= "\u06ff" for c in p.hq.last_name))
    families = set(QFontDatabase.families())
    assert {"Noto Sans CJK SC", "Noto Sans Arabic"} <= families, "scripts/ensure-fonts has them"
    window = MainWindow(world_db)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    settle(qtbot, window)
    try:
        roster_page = page(window, "roster")
        model = roster_page.model
        shots = tmp_path / "screens"
        shots.mkdir()
        for person, family in ((chinese, "Noto Sans CJK SC"), (arabic, "Noto Sans Arabic")):
            row = next(r for r in range(model.rowCount()) if model.row_at(r).hq_id == person.hq_id)
            assert model.index(row, 1).data() == person.hq.sort_name
            roster_page.table.selectionModel().setCurrentIndex(
                model.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
            roster_page.table.scrollTo(model.index(row, 0))
            settle(qtbot, window)
            panel = roster_page.panel
            qtbot.waitUntil(
                lambda shown=panel, p=person: shown.detail is not None
                and shown.detail.hq.hq_id == p.hq_id
            )
            assert panel.title.text() == f"{person.hq.display_name}\nHQ ID {person.hq_id}"
            assert _covered(person.hq.display_name, family)
            ledger = panel.ledger
            qtbot.waitUntil(
                lambda shown=ledger, p=person: p.hq.display_name in shown.summary.text()
            )
            # the Dues sentence starts with the name and still reads left to right, its full
            # stop at its end: the name is isolated (`names.in_sentence`)
            sentence = QTextDocument()
            sentence.setHtml(ledger.summary.text())
            assert sentence.firstBlock().textDirection() == Qt.LayoutDirection.LeftToRight
            assert sentence.toPlainText().startswith(in_sentence(person.hq.display_name))
            assert window.grab().save(str(shots / f"{person.hq_id}.png"))
    finally:
        window.tasks.shutdown()


def _reads_left_to_right(text: str) -> bool:
    document = QTextDocument()
    document.setPlainText(text)
    return document.firstBlock().textDirection() == Qt.LayoutDirection.LeftToRight


def test_a_right_to_left_name_leaves_its_tooltip_and_choices_left_to_right(
    qtbot: QtBot, world_db: Database, asked: Asked
) -> None:
    """"محمد الأحمد (100123): good standing" would be laid out from the right, its ID and
    standing at the front; the name is isolated in the roster's tooltip and in the picker."""
    people = roster.list_members(world_db)
    arabic = next(p for p in people if any("\u0600" <= c <= "\u06ff" for c in p.hq.last_name))
    window = MainWindow(world_db)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    settle(qtbot, window)
    try:
        model = page(window, "roster").model
        row = next(r for r in range(model.rowCount()) if model.row_at(r).hq_id == arabic.hq_id)
        tip = model.index(row, 1).data(Qt.ItemDataRole.ToolTipRole)
        assert f"({arabic.hq_id}): " in tip and _reads_left_to_right(tip)
        dialog = PaymentDialog(window.ctx, "USD", window)
        qtbot.addWidget(dialog)
        dialog.show()
        found = _picker_found(qtbot, dialog.finder, arabic.hq.last_name)
        assert [text for text in found if text.endswith(f"({arabic.hq_id})")]
        assert all(_reads_left_to_right(text) for text in found), found
    finally:
        window.tasks.shutdown()
