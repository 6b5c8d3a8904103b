"""The main-window framework's seams, as the HQ Sync page uses them.

The page was built beside the framework and reaches it only through this
module: the `ask` dialog seam (tests replace it), the background task runner,
the page heading and message widgets, and the remembered import folder.
"""

from __future__ import annotations

from chapterdesk.ui import ask
from chapterdesk.ui.settings import LAST_IMPORT_FOLDER
from chapterdesk.ui.tasks import Cancelled, Job, Progress, Task, TaskRunner, report_unexpected
from chapterdesk.ui.widgets import heading, message_label, show_message

__all__ = [
    "LAST_IMPORT_FOLDER",
    "Cancelled",
    "Job",
    "Progress",
    "Task",
    "TaskRunner",
    "ask",
    "heading",
    "message_label",
    "report_unexpected",
    "show_message",
]
