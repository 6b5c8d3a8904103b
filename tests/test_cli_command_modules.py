"""The command line imports only the module of the command it runs, and knows every command.

`chapterdesk dues list` should not pay for reportlab, xlsxwriter and the demo
builder before it reads a row (issue 14's listing targets are measured as
whole processes). `cli.COMMAND_MODULE_OF` says which module registers each
command; these tests hold it to what the modules really register, so a new
command cannot be missing from it, and check what a dues command loads.
"""

from __future__ import annotations

import argparse
import importlib
import subprocess
import sys

from chapterdesk.cli import COMMAND_MODULE_OF, COMMAND_MODULES, build_parser


def test_every_registered_command_is_mapped_to_its_module() -> None:
    registered = {}
    for module in COMMAND_MODULES:
        parser = argparse.ArgumentParser()
        sub = parser.add_subparsers()
        importlib.import_module(module).register(sub)
        registered.update(dict.fromkeys(sub.choices, module))
    assert registered == COMMAND_MODULE_OF


def test_help_and_unknown_words_still_list_every_command() -> None:
    for argv in ([], ["--help"], ["nonsense"], ["--db", "x.sqlite3", "dues"]):
        choices = build_parser(argv)._subparsers._group_actions[0].choices  # type: ignore[union-attr]
        assert set(choices) == set(COMMAND_MODULE_OF)


def test_a_dues_command_loads_no_pdf_spreadsheet_or_demo_code() -> None:
    script = (
        "import sys\n"
        "from chapterdesk.cli import build_parser\n"
        "args = build_parser(['dues', 'list']).parse_args(['dues', 'list', '--year', '2026'])\n"
        "assert args.command == 'dues'\n"
        "print(sorted(m for m in ('reportlab', 'xlsxwriter', 'chapterdesk.demo', 'PySide6')"
        " if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"
