"""Write a PNG of every page and key dialog of ChapterDesk on a demo chapter (`make screenshots`).

Builds a 600-member demo chapter in a temporary folder (with its own data
and settings folders, so nothing of the user's is touched), opens the window
offscreen at 1280×800 and at 1920×1080, and saves what each page looks like
into screenshots/.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_HOME = Path(tempfile.mkdtemp(prefix="chapterdesk-screens-"))
os.environ["XDG_DATA_HOME"] = str(_HOME / "data")
os.environ["XDG_CONFIG_HOME"] = str(_HOME / "config")
os.environ.pop("CHAPTERDESK_DB", None)

from PySide6.QtCore import QItemSelectionModel  # noqa: E402 - after the environment is set
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from chapterdesk.data.migrate import open_database  # noqa: E402
from chapterdesk.demo import build_demo  # noqa: E402
from chapterdesk.services.chapter import set_officer_name  # noqa: E402
from chapterdesk.services.reconcile import reconcile  # noqa: E402
from chapterdesk.services.roster import list_members, update_chapter_facts  # noqa: E402
from chapterdesk.standing import Standing  # noqa: E402
from chapterdesk.ui.app import make_application  # noqa: E402
from chapterdesk.ui.dialogs import AddMemberDialog  # noqa: E402
from chapterdesk.ui.handover_dialog import HandoverExportDialog  # noqa: E402
from chapterdesk.ui.main_window import MainWindow  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "screenshots"
SIZES = ((1280, 800), (1920, 1080))


def settle(app: QApplication, window: MainWindow | None = None, ms: int = 300) -> None:
    """Let queued work, background jobs and layouts finish."""
    end = time.monotonic() + ms / 1000
    while time.monotonic() < end or (window is not None and window.tasks.busy()):
        app.processEvents()
        time.sleep(0.01)


def save(widget: QWidget, name: str) -> None:
    """Grab a widget into screenshots/NAME.png."""
    path = OUT / f"{name}.png"
    widget.grab().save(str(path))
    print(f"wrote {path.relative_to(OUT.parent)}")


def main() -> int:
    """Build the demo, then photograph every page and the key dialogs at both sizes."""
    OUT.mkdir(exist_ok=True)
    app = make_application()
    db = open_database(_HOME / "demo.sqlite3", create=True)
    build_demo(db, members=600)
    found = reconcile(db)
    addable = next(u.hq.hq_id for u in found.unlisted if u.standing is Standing.GOOD)
    refused = next(u.hq.hq_id for u in found.unlisted if u.standing is Standing.LAPSED)
    # A few officer edits, so the Audit trail page shows old → new values.
    set_officer_name(db, "Pat Treasurer")
    for member, notes in zip(list_members(db)[:4], ("Prefers mail to e-mail", "Committee chair",
                                                    "Speaks at the spring meeting", "New job"),
                             strict=True):
        m = member.membership
        update_chapter_facts(db, member.hq_id, chapter_joined_on=m.chapter_joined_on,
                             notes=notes, employment_ended_on=m.employment_ended_on)

    welcome = MainWindow(None)
    for width, height in SIZES:
        welcome.resize(width, height)
        welcome.show()
        settle(app)
        save(welcome, f"{width}x{height}-00-welcome")
    welcome.close()

    for width, height in SIZES:
        window = MainWindow(db)
        window.resize(width, height)
        window.show()
        settle(app, window)
        for number, key in enumerate(window.pages, start=1):
            window.go_to(key)
            settle(app, window, 600)
            if key == "roster":
                page = window.pages[key]
                page.table.selectionModel().setCurrentIndex(  # type: ignore[attr-defined]
                    page.model.index(2, 0),  # type: ignore[attr-defined]
                    QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows,
                )
                settle(app, window)
            save(window, f"{width}x{height}-{number:02d}-{key}")
        dialog = AddMemberDialog(db, window)
        dialog.show()
        dialog.hq_id.setText(addable)
        dialog.look_up()
        settle(app, window)
        save(dialog, f"{width}x{height}-90-add-member")
        dialog.hq_id.setText(refused)
        dialog.look_up()
        dialog.add()
        settle(app, window)
        save(dialog, f"{width}x{height}-91-add-member-refused")
        dialog.close()
        handover = HandoverExportDialog(Path.home() / "great-lakes-handover.cdh", window)
        handover.passphrase.setText("walnut harbour tinsel")
        handover.repeat.setText("walnut harbour")
        handover.show()
        handover.accept()  # refused inline: the two passphrases differ
        settle(app, window)
        save(handover, f"{width}x{height}-92-handover")
        handover.close()
        window.close()
        settle(app)
    db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
