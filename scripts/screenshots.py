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
from chapterdesk.services import dues  # noqa: E402
from chapterdesk.services.chapter import set_officer_name  # noqa: E402
from chapterdesk.services.hq.reconcile import reconcile  # noqa: E402
from chapterdesk.services.mail.account import set_up_account  # noqa: E402
from chapterdesk.services.roster.members import list_members, update_chapter_facts  # noqa: E402
from chapterdesk.standing import Standing  # noqa: E402
from chapterdesk.ui.app import make_application  # noqa: E402
from chapterdesk.ui.dialogs import AddMemberDialog  # noqa: E402
from chapterdesk.ui.dues.dialogs import PaymentDialog  # noqa: E402
from chapterdesk.ui.dues.target import DuesTarget  # noqa: E402
from chapterdesk.ui.handover_dialog import HandoverExportDialog  # noqa: E402
from chapterdesk.ui.mail.dialogs import MailDialog  # noqa: E402
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


def dues_tabs(app: QApplication, window: MainWindow, prefix: str, hq_id: str) -> None:
    """Photograph each tab of the Dues page (the assessment after its preview)."""
    page = window.pages["dues"]
    db = window.ctx.db  # type: ignore[union-attr]
    next_year = dues.dues_year(db).year + 1
    for rate in dues.list_rates(db, next_year - 1):  # next year's rates, for the preview
        dues.set_rate(db, next_year, rate.category_code, rate.amount + 10,
                      nonprofit=rate.nonprofit_amount, enterprise=rate.enterprise_amount)
    for key in ("rates", "assess", "payments", "balances"):
        page.activate(DuesTarget(key, hq_id=hq_id))  # type: ignore[attr-defined]
        if key == "assess":
            page.assess.set_year(next_year)  # type: ignore[attr-defined]
            page.assess.run_preview()  # type: ignore[attr-defined]
        settle(app, window, 600)
        save(window, f"{prefix}-dues-{key}")


def payment_dialogs(app: QApplication, window: MainWindow, hq_id: str, prefix: str) -> None:
    """The payment dialog filled in, then with a purchase order refused."""
    dialog = PaymentDialog(window.ctx, "USD", window, hq_id)  # type: ignore[arg-type]
    dialog.show()
    dialog.amount.setText("150.00")
    dialog.reference.setText("1042")
    settle(app, window)
    save(dialog, f"{prefix}-92-payment")
    dialog.method.setEditText("PO")
    dialog.reference.setText("PO 7731")
    dialog.record()
    settle(app, window)
    save(dialog, f"{prefix}-93-payment-refused")
    dialog.close()


def main() -> int:
    """Build the demo, then photograph every page and the key dialogs at both sizes."""
    OUT.mkdir(exist_ok=True)
    app = make_application()
    db = open_database(_HOME / "demo.sqlite3", create=True)
    build_demo(db, members=600)
    found = reconcile(db)
    addable = next(u.hq.hq_id for u in found.unlisted if u.standing is Standing.GOOD)
    refused = next(u.hq.hq_id for u in found.unlisted if u.standing is Standing.LAPSED)
    owing = next(line.hq_id for line in dues.who_has_not_paid(db, dues.dues_year(db).year))
    # A few officer edits, so the Audit trail page shows old → new values.
    set_officer_name(db, "Pat Treasurer")
    for member, notes in zip(list_members(db)[:4], ("Prefers mail to e-mail", "Committee chair",
                                                    "Speaks at the spring meeting", "New job"),
                             strict=True):
        m = member.membership
        update_chapter_facts(db, member.hq_id, chapter_joined_on=m.chapter_joined_on,
                             notes=notes, employment_ended_on=m.employment_ended_on)

    # An e-mail account (no server needed to preview who would get what).
    set_up_account(db, host="smtp.example.org", port=587, from_address="treasurer@example.org")

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
            if key == "reports":
                reports = window.pages[key]
                reports.choose("dues")  # type: ignore[attr-defined]
                reports.generate()  # type: ignore[attr-defined]
                settle(app, window, 600)
            save(window, f"{width}x{height}-{number:02d}-{key}")
            if key == "dues":
                dues_tabs(app, window, f"{width}x{height}-{number:02d}", owing)
        dialog = AddMemberDialog(window.ctx, window)  # type: ignore[arg-type]
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
        payment_dialogs(app, window, owing, f"{width}x{height}")
        handover = HandoverExportDialog(Path.home() / "great-lakes-handover.cdh", window)
        handover.passphrase.setText("walnut harbour tinsel")
        handover.repeat.setText("walnut harbour")
        handover.show()
        handover.accept()  # refused inline: the two passphrases differ
        settle(app, window)
        save(handover, f"{width}x{height}-92-handover")
        handover.close()
        mail = MailDialog(window.ctx, dues.dues_year(db).year, window)  # type: ignore[arg-type]
        mail.kind.setCurrentIndex(mail.kind.findData("reminder"))
        mail.show()
        mail.preview()
        settle(app, window, 600)
        save(mail, f"{width}x{height}-93-email-preview")
        mail.close()
        window.close()
        settle(app)
    db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
