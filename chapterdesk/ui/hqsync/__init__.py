"""The HQ Sync page of the desktop UI: the import wizard and the import history.

`HqSyncPage(db)` is a self-contained QWidget the main window shows under
"HQ Sync"; its `start_import(path=None)` is what Ctrl+I and the welcome page
call, and its `data_changed` signal fires after an import is applied or undone.
"""

from chapterdesk.ui.hqsync.page import HqSyncPage

__all__ = ["HqSyncPage"]
