"""The command line builds only the parser of the command it runs, and knows every command."""

from __future__ import annotations

import argparse
import importlib
import subprocess
import sys

from chapterdesk.cli import COMMAND_MODULE, COMMAND_MODULES, build_parser


def _commands(parser: argparse.ArgumentParser) -> set[str]:
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return set(actions[0].choices)


def test_every_command_is_found_in_the_module_that_registers_it() -> None:
    for module in COMMAND_MODULES:
        parser = argparse.ArgumentParser()
        importlib.import_module(module).register(parser.add_subparsers())
        registered = _commands(parser)
        assert registered == {c for c, m in COMMAND_MODULE.items() if m == module}, module
    assert _commands(build_parser()) == set(COMMAND_MODULE)


def test_one_command_builds_only_its_own_group() -> None:
    assert _commands(build_parser("import")) == {"import", "imports"}
    assert _commands(build_parser("--help")) == set(COMMAND_MODULE)


def test_an_import_does_not_load_the_report_or_demo_code() -> None:
    code = (
        "import sys\n"
        "from chapterdesk.cli import main\n"
        "try:\n"
        "    main(['import', '--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith(('reportlab', 'chapterdesk.demo'))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip().splitlines()[-1] == "[]"
