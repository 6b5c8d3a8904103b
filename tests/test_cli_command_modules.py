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
