"""ChapterDesk: the roster, the bylaw checks and the dues ledger of one chapter.

This package is the domain and service layer. It never imports Qt, so the
command line, the tests and the desktop UI all stand on the same rules.
"""

__version__ = "0.1.0"
