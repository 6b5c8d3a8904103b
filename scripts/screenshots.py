"""Write a PNG of every page and key dialog of ChapterDesk on a demo chapter (`make screenshots`).

Builds a 600-member demo chapter in a temporary folder (with its own data
and settings folders, so nothing of the user's is touched), opens the window
offscreen in the Fusion style, light and dark (a dark QPalette, as Qt follows a
dark system theme), at 1024×640 and 1920×1080, and saves what each page looks
like into screenshots/ as THEME-xSCALE-WIDTHxHEIGHT-NN-page.png. The whole run
is made at scale 1 and again at scale 2 (QT_SCALE_FACTOR, a high-DPI screen):
Qt reads the scale when the application starts, so each scale is a process of
its own (`--scale N` runs one).
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_HOME = Path(tempfile.mkdtemp(prefix="chapterdesk-screens-"))
atexit.register(shutil.rmtree, _HOME, ignore_errors=True)  # the demo chapter (3 MB) goes too
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
from chapterdesk.ui.colours import dark_palette  # noqa: E402
from chapterdesk.ui.dialogs import AddMemberDialog  # noqa: E402
from chapterdesk.ui.dues.dialogs import PaymentDialog  # noqa: E402
from chapterdesk.ui.dues.target import DuesTarget  # noqa: E402
from chapterdesk.ui.handover_dialog import HandoverExportDialog  # noqa: E402
from chapterdesk.ui.mail.dialogs import MailDialog  # noqa: E402
from chapterdesk.ui.main_window import MainWindow  # noqa: E402
from chapterdesk.ui.style import clear_style  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "screenshots"
SIZES = ((1024, 640), (1920, 1080))
SCALES = (1, 2)
THEMES = ("light", "dark")


def settle(app: QApplication, window: MainWindow | None = None, ms: int = 300) -> None:
    """Let queued work, background jobs and layouts finish."""
    end = time.monotonic() + ms / 1000
    while time.monotonic() < end or (window is not None and window.tasks.busy()):
        app.processEvents()
        time.sleep(0.01)
    # What the last job's result asked for (a layout, a repaint) happens before the picture.
    for _ in range(5):
        app.processEvents()
        time.sleep(0.02)


def save(widget: QWidget, name: str) -> None:
    """Grab a widget into screenshots/NAME.png."""
    path = OUT / f"{name}.png"
    widget.grab().save(str(path))
    print(f"wrote {path.relative_to(OUT.parent)}")


def dues_tabs(
    app: QApplication, window: MainWindow, prefix: str, hq_id: str, first_run: bool
) -> None:
    """Photograph each tab of the Dues page (the assessment after its preview)."""
    page = window.pages["dues"]
    db = window.ctx.db  # type: ignore[union-attr]
    next_year = dues.dues_year(db).year + 1
    if first_run:  # next year's rates, for the preview
        for rate in dues.list_rates(db, next_year - 1):
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


def use_theme(app: QApplication, theme: str) -> None:
    """Fusion, in its own light palette or in a dark one."""
    style = clear_style("Fusion")  # as the application makes it
    assert style is not None
    app.setStyle(style)
    app.setPalette(dark_palette() if theme == "dark" else style.standardPalette())


def photograph(scale: int) -> int:
    """Build the demo, then photograph every page and the key dialogs: both themes, both sizes."""
    OUT.mkdir(exist_ok=True)
    app = make_application()
    db = open_database(_HOME / "demo.sqlite3", create=True)
    build_demo(db, members=600)
    found = reconcile(db)
    addable = next(u.hq.hq_id for u in found.unlisted if u.standing is Standing.GOOD)
    refused = next(u.hq.hq_id for u in found.unlisted if u.standing is Standing.LAPSED)
    owing = next(line.hq_id for line in dues.who_has_not_paid(db, dues.dues_year(db).year))
    # A few officer edits, so the Audit trail page shows them as sentences.
    set_officer_name(db, "Pat Treasurer")
    for member, notes in zip(list_members(db)[:4], ("Prefers mail to e-mail", "Committee chair",
                                                    "Speaks at the spring meeting", "New job"),
                             strict=True):
        m = member.membership
        update_chapter_facts(db, member.hq_id, chapter_joined_on=m.chapter_joined_on,
                             notes=notes, employment_ended_on=m.employment_ended_on)

    # An e-mail account (no server needed to preview who would get what).
    set_up_account(db, host="smtp.example.org", port=587, from_address="treasurer@example.org")
    first_run = True
    for theme in THEMES:
        use_theme(app, theme)
        welcome = MainWindow(None)
        for width, height in SIZES:
            welcome.resize(width, height)
            welcome.show()
            settle(app)
            save(welcome, f"{theme}-x{scale}-{width}x{height}-00-welcome")
        welcome.close()
        for width, height in SIZES:
            shoot_window(app, db, f"{theme}-x{scale}-{width}x{height}", (width, height),
                         owing, addable, refused, first_run)
            first_run = False
    db.dispose()
    return 0


def shoot_window(
    app: QApplication, db: object, prefix: str, size: tuple[int, int], owing: str,
    addable: str, refused: str, first_run: bool,
) -> None:
    """Every page of one window at one size, then the key dialogs."""
    window = MainWindow(db)  # type: ignore[arg-type]
    window.resize(*size)
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
            settle(app, window, 1500)  # QtPdf draws the preview's pages after loading them
        save(window, f"{prefix}-{number:02d}-{key}")
        if key == "audit":  # the member filter: a name typed, the picker's matches under it
            audit = window.pages[key]
            first = list_members(window.ctx.db)[0].hq  # type: ignore[union-attr]
            audit.member.setText(first.last_name)  # type: ignore[attr-defined]
            audit.picker.look_up()  # type: ignore[attr-defined]
            settle(app, window)
            save(window, f"{prefix}-{number:02d}-audit-member")
            audit.clear_filters()  # type: ignore[attr-defined]
            settle(app, window)
        if key == "dues":
            dues_tabs(app, window, f"{prefix}-{number:02d}", owing, first_run)
    dialog = AddMemberDialog(window.ctx, window)  # type: ignore[arg-type]
    dialog.show()
    dialog.hq_id.setText(addable)
    dialog.look_up()
    settle(app, window)
    save(dialog, f"{prefix}-90-add-member")
    dialog.hq_id.setText(refused)
    dialog.look_up()
    dialog.add()
    settle(app, window)
    save(dialog, f"{prefix}-91-add-member-refused")
    dialog.close()
    payment_dialogs(app, window, owing, prefix)
    handover = HandoverExportDialog(Path.home() / "great-lakes-handover.cdh", window)
    handover.passphrase.setText("walnut harbour tinsel")
    handover.repeat.setText("walnut harbour")
    handover.show()
    handover.accept()  # refused inline: the two passphrases differ
    settle(app, window)
    save(handover, f"{prefix}-94-handover")
    handover.close()
    mail = MailDialog(window.ctx, dues.dues_year(db).year, window)  # type: ignore[arg-type]
    mail.kind.setCurrentIndex(mail.kind.findData("reminder"))
    mail.show()
    mail.preview()
    settle(app, window, 600)
    save(mail, f"{prefix}-95-email-preview")
    mail.close()
    window.close()
    settle(app)


def main() -> int:
    """`--scale N`: one scale in this process; without it, every scale, each in its own."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, choices=SCALES)
    args = parser.parse_args()
    if args.scale is not None:
        return photograph(args.scale)
    # Qt's offscreen screen is 800×800 pixels: at scale 2 only 400×400, and dialogs (which
    # never grow past the screen) were cut short. A 4K screen holds every size at both scales.
    screen = _HOME / "screen.json"
    screen.write_text(json.dumps({"screens": [
        {"name": "4K", "x": 0, "y": 0, "width": 3840, "height": 2160, "logicalDpi": 96}
    ]}))
    for scale in SCALES:
        env = {**os.environ, "QT_SCALE_FACTOR": str(scale)}
        if env.get("QT_QPA_PLATFORM") == "offscreen":
            env["QT_QPA_PLATFORM"] = f"offscreen:configfile={screen}"
        done = subprocess.run([sys.executable, __file__, "--scale", str(scale)], env=env,
                              check=False)
        if done.returncode != 0:
            return done.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
