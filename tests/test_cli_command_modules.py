"""The command line imports only the module of the command it runs, and knows every command.

`chapterdesk dues list` should not pay for reportlab, xlsxwriter and the demo
builder before it reads a row (issue 14's listing targets are measured as
whole processes). `cli.COMMAND_MODULE` says which module registers each
command (`test_cli_parser` holds it to the modules); this checks what a dues
command loads.
"""

from __future__ import annotations

import subprocess
import sys


def test_a_dues_command_loads_no_pdf_spreadsheet_or_demo_code() -> None:
    script = (
        "import sys\n"
        "from chapterdesk.cli import build_parser\n"
        "args = build_parser('dues').parse_args(['dues', 'list', '--year', '2026'])\n"
        "assert args.command == 'dues'\n"
        "print(sorted(m for m in ('reportlab', 'xlsxwriter', 'chapterdesk.demo', 'PySide6')"
        " if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"


def _loaded_after(lines: str, watched: str) -> str:
    script = (
        f"import sys\n{lines}\nprint(sorted(m for m in sys.modules if m.startswith({watched})))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    return done.stdout.strip()


def test_export_hq_loads_no_pdf_code() -> None:
    loaded = _loaded_after(
        "from chapterdesk.cli import build_parser\n"
        "build_parser('export').parse_args(['export', 'hq', '-o', 'x.xlsx'])\n"
        "import chapterdesk.exports.hq",
        "('reportlab', 'chapterdesk.reports.')",
    )
    assert loaded == "['chapterdesk.reports.progress']"


def test_report_roster_loads_no_spreadsheet_writer_nor_other_reports() -> None:
    loaded = _loaded_after(
        "from chapterdesk.cli import build_parser\n"
        "build_parser('report').parse_args(['report', 'roster', '-o', 'x.pdf'])\n"
        "import chapterdesk.reports.roster",
        "('xlsxwriter', 'chapterdesk.exports', 'chapterdesk.reports.statements',"
        " 'chapterdesk.reports.compliance', 'chapterdesk.reports.mailing')",
    )
    assert loaded == "[]"


def test_the_label_sheets_offered_are_the_ones_drawn() -> None:
    from chapterdesk.cli.reports import LABEL_SHEET_CODES
    from chapterdesk.reports.labels import LABEL_SHEETS

    assert tuple(sorted(LABEL_SHEETS)) == LABEL_SHEET_CODES
