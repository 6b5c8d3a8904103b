"""The window asks before an import that would mark most of the chapter missing from HQ."""

from __future__ import annotations

import csv
from pathlib import Path

from pytestqt.qtbot import QtBot

from chapterdesk.data.engine import Database
from chapterdesk.ui.hqsync import HqSyncPage
from chapterdesk.ui.hqsync.page import DONE, MAP, REVIEW
from tests.hqimport.exports import HEADERS, hq_content
from tests.ui_hqsync.conftest import Asked
from tests.ui_hqsync.flow import click, settle


def test_a_file_with_no_rows_is_applied_only_when_confirmed(
    qtbot: QtBot, page: HqSyncPage, demo_db: Database, asked: Asked, tmp_path: Path
) -> None:
    path = tmp_path / "cut-short.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerow(list(HEADERS.values()))
    before = hq_content(demo_db)

    page.start_import(path)
    settle(qtbot, page)
    assert page.stack.currentIndex() == MAP  # the columns, shown for the officer to confirm
    click(qtbot, page.next_button)
    settle(qtbot, page)
    assert page.stack.currentIndex() == REVIEW
    asked.confirm_answer = False
    click(qtbot, page.next_button)
    settle(qtbot, page)
    assert len(asked.questions) == 1
    assert asked.questions[0].startswith("cut-short.csv has a header but no member rows: "
                                         "importing it would mark ")  # fmt: skip
    assert "members missing from HQ" in asked.questions[0]
    assert page.stack.currentIndex() == REVIEW and hq_content(demo_db) == before

    asked.confirm_answer = True
    with qtbot.waitSignal(page.data_changed, timeout=20_000):
        click(qtbot, page.next_button)
    settle(qtbot, page)
    assert page.stack.currentIndex() == DONE
    assert hq_content(demo_db) != before
    assert asked.texts("error") == []
