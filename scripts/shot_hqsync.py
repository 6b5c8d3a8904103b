"""Render every step of the HQ Sync page offscreen at 1280×800 (or --size WxH) into /tmp.

Builds a demo chapter in a temporary folder (its own data and settings
folders, so nothing of the user's is touched), writes next month's HQ export
with a renamed column, a bad row, and changes of every kind, then walks the
wizard as an officer would and saves a PNG of each step:

    python scripts/shot_hqsync.py [--size 1920x1080] [--out /tmp]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_HOME = Path(tempfile.mkdtemp(prefix="chapterdesk-hqshots-"))
os.environ["XDG_DATA_HOME"] = str(_HOME / "data")
os.environ["XDG_CONFIG_HOME"] = str(_HOME / "config")
os.environ.pop("CHAPTERDESK_DB", None)
PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from PySide6.QtCore import QCoreApplication, Qt  # noqa: E402 - after the environment is set
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from chapterdesk.data.engine import Database  # noqa: E402
from chapterdesk.data.migrate import open_database  # noqa: E402
from chapterdesk.demo import build_demo  # noqa: E402
from chapterdesk.services.hq.edits import edit_hq_field  # noqa: E402
from chapterdesk.services.roster import members as roster  # noqa: E402
from chapterdesk.standing import Standing  # noqa: E402
from chapterdesk.ui.hqsync import HqSyncPage  # noqa: E402
from chapterdesk.ui.hqsync.review import TABS  # noqa: E402
from tests.hqimport.exports import hq_records, write_export  # noqa: E402


def settle(page: HqSyncPage, ms: int = 200) -> None:
    """Let background jobs finish and the layout settle."""
    while page.tasks.busy():
        QCoreApplication.processEvents()
        time.sleep(0.01)
    end = time.monotonic() + ms / 1000
    while time.monotonic() < end:
        QCoreApplication.processEvents()
        time.sleep(0.01)


def next_month(db: Database, folder: Path) -> Path:
    """HQ's next export: a renamed column, one bad row, and one change of every kind."""
    records = hq_records(db)
    by_id = {str(r["hq_id"]): r for r in records}
    good = [m.hq_id for m in roster.list_members(db, standing=Standing.GOOD)]
    lapsed = [m.hq_id for m in roster.list_members(db, standing=Standing.LAPSED)]
    today = dt.date.today()
    for hq_id in good[:4]:
        by_id[hq_id].update(title="Senior Paralegal", phone="+1 312 555 0199")
    for hq_id in good[4:6]:
        by_id[hq_id].update(paid_through=today - dt.timedelta(days=200), hq_status="Lapsed")
    for hq_id in lapsed[:3]:
        by_id[hq_id].update(paid_through=today + dt.timedelta(days=330), hq_status="Active")
    by_id[good[6]].update(first_name="Jordan", last_name="Okafor", email="j.okafor@example.org")
    edit_hq_field(db, good[7], "email", "officer.fixed@example.org")
    by_id[good[7]]["email"] = "hq.says@example.org"
    for hq_id in good[8:10]:
        records.remove(by_id[hq_id])
    for n in range(5):
        records.append(
            dict(
                records[0],
                hq_id=str(990001 + n),
                first_name=("Amara", "Lucía", "Wen", "Priya", "Tomasz")[n],
                last_name=("Bello", "Fernández", "Zhang", "Raman", "Nowak")[n],
                email=f"new{n}@example.org",
                paid_through=today + dt.timedelta(days=365),
                hq_status="Active",
            )
        )
    records[12]["email"] = "x" * 300
    records.append(dict(records[20]))  # a duplicate ID: both rows are refused
    path = folder / "HQ roster export November.xlsx"
    return write_export(path, records, headers={"paid_through": "Dues Expire"})


def save(widget: QWidget, out: Path, name: str) -> None:
    """Grab the widget into OUT/hqsync-NAME.png."""
    path = out / f"hqsync-{name}.png"
    if not widget.grab().save(str(path)):
        raise SystemExit(f"could not write {path}")
    print(f"wrote {path}")


def main() -> int:
    """Build the demo, walk the wizard, and photograph each step."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="1280x800")
    parser.add_argument("--out", type=Path, default=Path("/tmp"))
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split("x"))
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("ChapterDesk")
    app.setOrganizationName("ChapterDesk")
    db = open_database(_HOME / "demo.sqlite3", create=True)
    build_demo(db, members=600)
    export = next_month(db, _HOME)
    page = HqSyncPage(db)
    page.resize(width, height)
    page.show()
    settle(page)
    save(page, args.out, "1-choose")

    hostile = _HOME / "roster.xlsx"
    hostile.write_bytes(b"%PDF-1.7\n" + b"\x00" * 2048)
    page.start_import(hostile)
    settle(page)
    save(page, args.out, "1-choose-refused")

    page.start_import(export)
    settle(page)
    save(page, args.out, "2-mapping-missing")
    combo = page.mapping.combos["paid_through"]
    combo.setCurrentIndex(combo.findText("Dues Expire", Qt.MatchFlag.MatchStartsWith))
    settle(page)
    save(page, args.out, "2-mapping")

    page.next_button.click()
    settle(page)
    save(page, args.out, "3-validation")
    page.validation.skip.setChecked(True)
    page.next_button.click()
    settle(page)
    save(page, args.out, "4-review-new")
    for position, (_title, kind, _note) in enumerate(TABS):
        if kind.value in ("changed", "conflict"):
            page.review.tabs.setCurrentIndex(position)
            view = page.review.views[kind]
            view.selectRow(0)
            settle(page)
            save(page, args.out, f"4-review-{kind.value}")

    page.next_button.click()
    settle(page)
    save(page, args.out, "5-summary")
    page.sections.setCurrentIndex(1)
    settle(page)
    save(page, args.out, "6-history")
    page.close()
    db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
