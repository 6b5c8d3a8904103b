"""The File menu's data-safety and shared-database actions, kept out of the main window.

Back up…, Restore from backup…, Hand over to the next officer…, Open a handover
package… and Connect to shared database…: each asks what it needs through the
`ask` seam or its own dialog, runs the service (`services.safety.backups`,
`services.safety.handover`, `data.migrate.open_database`) off the UI thread, and says
in one sentence what happened or why it was refused. Every rule (what a backup
is, how long a passphrase must be, which files are refused) is the services'.
Those services and dialogs are imported when an action is first used: the
window's start-up does not wait for SQLAlchemy or the cryptography package.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from chapterdesk.data.engine import Database
from chapterdesk.errors import BadInputError, ChapterDeskError
from chapterdesk.paths import backups_dir, data_dir
from chapterdesk.ui import ask, settings
from chapterdesk.ui.tasks import report_unexpected

if TYPE_CHECKING:
    from chapterdesk.services.safety import backups as backups
    from chapterdesk.services.safety import handover as handover
    from chapterdesk.ui.main_window import MainWindow

BACKUP_FILTER = "ChapterDesk backup (*.sqlite3 *.sqlite *.db);;All files (*)"


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "chapter"


def _size(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{size / 1000:.0f} kB"


class SafetyActions(QObject):
    """The actions, and what each does, for one main window."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        #: scrypt's cost for a handover package (None: the services' default; tests lower it).
        self.log2n: int | None = None
        self.back_up_action = self._action("&Back up…", self.back_up)
        self.restore_action = self._action("&Restore from backup…", self.restore)
        self.hand_over_action = self._action("&Hand over to the next officer…", self.hand_over)
        self.open_handover_action = self._action("Open a hando&ver package…", self.open_handover)
        self.connect_action = self._action("&Connect to shared database…", self.connect_shared)
        #: Actions that need a chapter open (the window disables them on the welcome page).
        self.chapter_actions = [self.back_up_action, self.restore_action, self.hand_over_action]

    def _action(self, text: str, slot: Any) -> QAction:
        action = QAction(text, self.window)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def add_to(self, menu: QMenu) -> None:
        """Put the actions into the File menu, in two groups."""
        for action in (self.back_up_action, self.restore_action):
            menu.addAction(action)
        menu.addSeparator()
        for action in (self.hand_over_action, self.open_handover_action):
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.connect_action)

    def _db(self) -> Database | None:
        return self.window.ctx.db if self.window.ctx is not None else None

    def _chapter_slug(self) -> str:
        title = self.window.windowTitle().split(" — ")[0]
        return _slug(title)

    # -- backups -----------------------------------------------------------------------
    def back_up(self) -> None:
        """File → Back up…: a verified snapshot where the officer says, off the UI thread."""
        from chapterdesk.services.safety import backups as backups

        db = self._db()
        if db is None:
            return
        folder = settings.LAST_EXPORT_FOLDER.get() or str(Path.home())
        suggested = Path(folder) / f"{self._chapter_slug()}-{dt.date.today().isoformat()}.sqlite3"
        target = ask.save_file(self.window, "Back up the chapter database", str(suggested),
                               BACKUP_FILTER)
        if target is None:
            return
        if target.suffix == "":
            target = target.with_suffix(".sqlite3")
        settings.LAST_EXPORT_FOLDER.set(str(target.parent))
        location = db.location

        def done(facts: backups.ChapterFileFacts) -> None:
            text = (
                f"Backed up {facts.chapter or 'the chapter'} ({facts.members:,} members, "
                f"{_size(facts.size_bytes)}) to {facts.path}; the integrity check passed."
            )
            self.window.statusBar().showMessage(text, 8000)
            ask.inform(self.window, text, "Back up")

        self.window.tasks.run(lambda _p, _c: backups.backup_database(location, target),
                              title="Backing up the chapter", parent=self.window, on_done=done)

    def restore(self) -> None:
        """File → Restore from backup…: check the file, confirm, then swap it in and reopen."""
        from chapterdesk.services.safety import backups as backups

        db = self._db()
        if db is None:
            return
        try:
            path = backups.sqlite_path(db.location, "Restore")
        except ChapterDeskError as exc:
            ask.warn(self.window, exc.message)
            return
        folder = settings.LAST_EXPORT_FOLDER.get() or str(Path.home())
        source = ask.open_file(self.window, "Restore from a backup", folder, BACKUP_FILTER)
        if source is None:
            return
        try:  # refuse what is not a ChapterDesk backup before anything is closed
            if source.resolve() == path.resolve():
                raise BadInputError(
                    f"{source} is the database itself; choose a backup file to restore."
                )
            facts = backups.chapter_file_facts(source)
        except ChapterDeskError as exc:
            ask.warn(self.window, exc.message)
            return
        if not ask.confirm(
            self.window,
            f"Replace the chapter database {path} with the backup {source} "
            f"({facts.chapter or 'no chapter name'}, {facts.members:,} members)?\n\n"
            f"Everything in the database now is replaced. It is first saved as an automatic "
            f"backup in {backups_dir(path)}, so you can go back to it.",
            "Restore from backup",
        ):
            return
        self.window.tasks.shutdown()
        db.dispose()  # gives up the writer lock the restore needs

        def job(_progress: Any, _cancelled: Any) -> tuple[bool, Any]:
            try:
                return True, backups.restore_database(str(path), source)
            except Exception as exc:  # reopened below whatever went wrong
                return False, exc

        self.window.tasks.run(job, title="Restoring the backup", parent=self.window,
                              on_done=lambda outcome: self._restored(path, *outcome))

    def _restored(self, path: Path, ok: bool, value: Any) -> None:
        if not self.window.open_path(path):
            return
        if not ok:
            if isinstance(value, ChapterDeskError):
                ask.warn(self.window, value.message)
            else:
                report_unexpected(self.window, value)
            return
        result: backups.RestoreResult = value
        text = (
            f"Restored {result.chapter or 'the chapter'} ({result.members:,} members) from "
            f"{result.restored_from}."
        )
        if result.previous_saved_as is not None:
            text += f" The database it replaced was saved as {result.previous_saved_as}."
        self.window.statusBar().showMessage(text, 8000)
        ask.inform(self.window, text, "Restore from backup")

    # -- handover ------------------------------------------------------------------------
    def hand_over(self) -> None:
        """File → Hand over…: seal the chapter with a passphrase typed twice (never kept)."""
        from chapterdesk.sealing import DEFAULT_LOG2N
        from chapterdesk.services.safety import handover as handover
        from chapterdesk.ui.handover_dialog import HandoverExportDialog

        db = self._db()
        if db is None:
            return
        folder = settings.LAST_EXPORT_FOLDER.get() or str(Path.home())
        dialog = HandoverExportDialog(
            Path(folder) / f"{self._chapter_slug()}-handover-{dt.date.today().isoformat()}.cdh",
            self.window,
        )
        try:
            if not ask.run_dialog(dialog):
                return
            target, passphrase = dialog.target(), dialog.passphrase.text()
        finally:
            dialog.forget_passphrase()
            dialog.deleteLater()
        assert target is not None  # the dialog accepts only with a file
        settings.LAST_EXPORT_FOLDER.set(str(target.parent))
        location = db.location
        log2n = self.log2n if self.log2n is not None else DEFAULT_LOG2N

        def done(manifest: handover.HandoverManifest) -> None:
            text = (
                f"Sealed {manifest.chapter or 'the chapter'} ({manifest.members:,} members) "
                f"into {target}. Give the passphrase to the next officer separately from "
                "the file."
            )
            self.window.statusBar().showMessage(text, 8000)
            ask.inform(self.window, text, "Hand over")

        self.window.tasks.run(
            lambda _p, _c: handover.export_handover(location, target, passphrase, log2n=log2n),
            title="Sealing the handover package", parent=self.window, on_done=done,
        )

    def open_handover(self) -> None:
        """File → Open a handover package…: unseal it as a new database file, then open it."""
        folder = settings.LAST_EXPORT_FOLDER.get() or str(Path.home())
        package = ask.open_file(self.window, "Open a handover package", folder,
                                "ChapterDesk handover package (*.cdh);;All files (*)")
        if package is not None:
            self.open_handover_package(package)

    def open_handover_package(self, package: Path) -> None:
        """The handover dialog on a package already chosen (`chapterdesk FILE.cdh`, the file
        manager's Open), then the new database it is unsealed as."""
        from chapterdesk.services.safety import handover as handover
        from chapterdesk.ui.handover_dialog import HandoverImportDialog

        home = settings.LAST_DATABASE_FOLDER.get() or str(data_dir())
        dialog = HandoverImportDialog(package, Path(home) / f"{_slug(package.stem)}.sqlite3",
                                      self.window)
        try:
            if not ask.run_dialog(dialog):
                return
            source = Path(dialog.package.text().strip()).expanduser()
            target, passphrase = dialog.target(), dialog.passphrase.text()
        finally:
            dialog.forget_passphrase()
            dialog.deleteLater()
        assert target is not None  # the dialog accepts only with a database file

        def done(result: handover.HandoverImport) -> None:
            if not self.window.open_path(result.database):
                return
            manifest = result.manifest
            text = (
                f"Opened {manifest.chapter or 'the chapter'} ({manifest.members:,} members, "
                f"handed over {manifest.created_at}) as {result.database}."
            )
            self.window.statusBar().showMessage(text, 8000)
            ask.inform(self.window, text, "Open a handover package")

        self.window.tasks.run(
            lambda _p, _c: handover.import_handover(source, str(target), passphrase),
            title="Opening the handover package", parent=self.window, on_done=done,
        )

    # -- shared database ---------------------------------------------------------------
    def connect_shared(self) -> None:
        """File → Connect to shared database…: the dialog, then the window on that database."""
        from chapterdesk.credentials import address_of
        from chapterdesk.data.migrate import open_database
        from chapterdesk.ui.connect_dialog import ConnectDialog

        last = settings.LAST_SERVER.get()
        dialog = ConnectDialog(self.window, initial=address_of(last) if last else None)
        try:
            if not ask.run_dialog(dialog):
                return
            address, password = dialog.address(), dialog.session_password
        finally:
            dialog.password.clear()
            dialog.deleteLater()
        if address is None:
            return
        kept = address.url_text()  # what settings remember: never the password
        # A password the keyring could not keep is used for this session only.
        url = address.url(password).render_as_string(hide_password=False) if password else kept

        def opened(db: Database) -> None:
            try:
                self.window.set_database(db)
            except ChapterDeskError as exc:
                db.dispose()
                ask.warn(self.window, exc.message)
                return
            settings.LAST_SERVER.set(kept)
            self.window.statusBar().showMessage(f"Connected to {db.location.display()}.", 8000)

        self.window.tasks.run(lambda _p, _c: open_database(url),
                              title=f"Connecting to {address.host}", parent=self.window,
                              on_done=opened)
