"""Qt's own messages (warnings about fonts, platform plugins, …) routed into ChapterDesk's log.

Without this they go to a terminal the officer never sees, and a crash report
would lack them. Debug messages are dropped; the rest keep their severity.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

log = logging.getLogger("chapterdesk.qt")

_LEVELS = {
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def qt_message(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    """Log one Qt message at its severity (the handler `route_qt_messages` installs)."""
    level = _LEVELS.get(kind)
    if level is None:  # QtDebugMsg: Qt's chatter, not worth a line
        return
    where = f" ({context.category})" if context.category and context.category != "default" else ""
    log.log(level, "%s%s", message, where)


def route_qt_messages() -> None:
    """Send Qt's messages to the log from now on."""
    qInstallMessageHandler(qt_message)
