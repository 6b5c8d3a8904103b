"""The installed PySide6 keeps Python's reference counts straight.

PySide6 6.12.0 on Python 3.11 dropped a reference to True/None on every signal
emit and every model `data()` that returned None, so a window aborted with
"deallocating None" after a few thousand paints; pyproject.toml excludes it.
This guards the whole UI against such a release coming back.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Signal


class _Emitter(QObject):
    changed = Signal(str)
    result = Signal(object)


class _Blank(QAbstractTableModel):
    def rowCount(self, parent=QModelIndex()):  # type: ignore[no-untyped-def]  # noqa: B008
        return 1

    def columnCount(self, parent=QModelIndex()):  # type: ignore[no-untyped-def]  # noqa: B008
        return 1

    def data(self, index, role=0):  # type: ignore[no-untyped-def]
        return None


def test_signals_and_model_data_keep_singleton_refcounts(qapp) -> None:  # type: ignore[no-untyped-def]
    emitter = _Emitter()
    received: list[object] = []
    emitter.changed.connect(received.append)
    emitter.result.connect(received.append)
    model = _Blank()
    index = model.index(0, 0)
    true_before, none_before = sys.getrefcount(True), sys.getrefcount(None)
    for _ in range(300):
        emitter.changed.emit("x")
        index.data()
    received.clear()
    assert sys.getrefcount(True) - true_before >= 0
    assert sys.getrefcount(None) - none_before >= 0
