"""Names vulture cannot see being used: frameworks call them by name or read them by reflection.

`make lint` runs vulture over `chapterdesk/`, `tests/`, `benchmarks/` and
`scripts/` with this file (settings in pyproject's `[tool.vulture]`). A name
belongs here only if something outside our code calls or reads it: Qt's
virtual methods, Alembic's revision variables, SQLAlchemy columns, pytest's
and Hypothesis' hooks (decorated fixtures and rules are ignored by decorator
in pyproject), a value written to a file. Anything else vulture reports is
dead: delete it instead of listing it here. (qutebrowser keeps the same kind
of list in `scripts/dev/run_vulture.py`.)

Entries marked "remove after merge" are dead code in folders other branches
were changing when vulture arrived; they are to be deleted once those merge.
"""

# ruff: noqa: F821, B018  (a whitelist is bare names by design: vulture reads, nothing runs it)

# --- Qt calls these overrides by name (virtual methods of the classes we subclass) ---
# QAbstractItemModel / QAbstractTableModel
_.rowCount
_.columnCount
_.headerData
_.flags
_.setData
_.canFetchMore
_.fetchMore
_.sort
# QWidget events
_.dragEnterEvent
_.dragMoveEvent
_.dragLeaveEvent
_.dropEvent
_.closeEvent
_.showEvent
_.hideEvent
_.resizeEvent
_.paintEvent
_.changeEvent
_.keyPressEvent
_.eventFilter
_.sizeHint
_.minimumSizeHint
# QIconEngine (ui/icons.py)
_.paint
_.actualSize
_.clone
_.pixmap

# --- Qt objects kept referenced so Qt does not delete them while in use ---
_._temp  # ui/pages/reports.py: the folder of the PDFs shown, removed with the page
_._printer  # ui/pages/reports.py: the printer of a print job still running

# --- the window builds its pages by class name (ui/pages/__init__.py, importlib + getattr) ---
AuditPage
DashboardPage
DuesPage
OfficersPage
ReportsPage
RosterPage
SettingsPage

# --- Alembic reads these module attributes of every revision ---
revision
down_revision
branch_labels
depends_on
upgrade
downgrade

# --- SQLAlchemy: columns of the schema, read and written by the ORM and by SQL ---
confirmed_at  # data/hq_models.py HqMapping
edited_at  # data/hq_models.py
charge_seq  # data/ledger_models.py: one live charge per member and year (a constraint)
last_batch_id  # data/models.py
# sqlite3 DB-API: pysqlite's own BEGIN off, so SQLAlchemy's begin event issues it (connections.py)
_.isolation_level

# --- reportlab reads these attributes of our Table subclass and cell styles ---
_.valign  # reports/tablelook.py: CellStyle
_._curweight  # reports/tablelook.py: state Table._drawLines expects
_._curcolor
_._curcellstyle

# --- written into files by __dict__ / read back by name ---
app_version  # services/safety/handover.py: the sealed file's manifest

# --- the signal module calls a handler with (signum, frame) ---
signum  # cli/common.py on_interrupt

# --- pytest and the standard library call these by name ---
pytestmark
teardown  # hypothesis RuleBasedStateMachine
_.row_factory  # sqlite3.Connection
_.writable  # io.TextIOBase: print() and the io stack ask a stream (cli/failures.py)
priority  # keyring backends (tests/pg/conftest.py MemoryKeyring)
voting_path_fixture  # a fixture imported into test modules so pytest finds it
__getattr__  # a module's lazy attributes (PEP 562): services/dues/__init__.py

# --- benchmarks run in a child process by name (bench_import.py builds a -c script;
# cli_floors.py, on main since this list was made, picks its floor by name from globals()) ---
prepare
peak_rss_mb
report_roster
report_compliance
report_labels
export_hq

# --- fontTools reads these attributes of a table or of subsetting options (reports/cjk.py) ---
_.layout_features
_.hinting
_.desubroutinize
_.name_IDs
_.notdef_outline
_.glyphOrder
_.glyphs
_.tableVersion
_.formatType
_.glyphDataFormat
_.sfntVersion

# --- remove after merge: dead code in folders other branches are changing ---
Handler  # cli/common.py: a type alias nothing uses
FieldValue  # hqsync/results.py: a type alias nothing uses
_.is_clean  # hqsync/results.py: a property nothing reads
members_paid  # services/dues/summary.py: computed, never shown or exported

# --- aiosmtpd calls a handler's hooks by name (tests/mail/smtp_server.py) ---
_.handle_MAIL
_.handle_DATA
