"""Every remembered UI preference, declared once with its default and stored with QSettings.

Pages read and write preferences only through these declarations, so a key is
never spelt twice and a missing or damaged value falls back to its default.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QByteArray, QSettings


@dataclass(frozen=True)
class Setting:
    """One preference: its QSettings key, its default and the Python type it holds."""

    key: str
    default: Any
    kind: type

    def get(self) -> Any:
        """The stored value, or the default when it is missing or of the wrong kind."""
        store = QSettings()
        if not store.contains(self.key):
            return list(self.default) if self.kind is list else self.default
        value = store.value(self.key)
        if self.kind is list:
            # Kept as one comma-separated text: an empty list survives the round trip.
            return [v for v in str(value or "").split(",") if v]
        if self.kind is int:
            try:
                return int(value)
            except (TypeError, ValueError):
                return self.default
        if self.kind is QByteArray:
            return value if isinstance(value, QByteArray) else None
        return value if isinstance(value, self.kind) else self.default

    def set(self, value: Any) -> None:
        """Remember a new value."""
        if self.kind is list:
            value = ",".join(str(v) for v in value)
        QSettings().setValue(self.key, value)


WINDOW_GEOMETRY = Setting("window/geometry", None, QByteArray)
LAST_PAGE = Setting("window/last_page", "dashboard", str)
LAST_DATABASE = Setting("files/last_database", "", str)
LAST_DATABASE_FOLDER = Setting("files/database_folder", "", str)
LAST_EXPORT_FOLDER = Setting("files/export_folder", "", str)
LAST_IMPORT_FOLDER = Setting("files/hq_import_folder", "", str)
LAST_REPORT_FOLDER = Setting("files/report_folder", "", str)
# The shared server last connected to, as a URL without its password (that is in the keyring).
LAST_SERVER = Setting("files/last_server", "", str)
ROSTER_HIDDEN_COLUMNS = Setting("roster/hidden_columns", ["city", "joined"], list)
ROSTER_SPLITTER = Setting("roster/splitter", None, QByteArray)
