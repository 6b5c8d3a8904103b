"""Every command's --help prints its usage and exits 0 (a stray `%` in a help text crashes it)."""

from __future__ import annotations

import pytest

from chapterdesk.cli import main
from tests.faults.test_every_command import COMMANDS

GROUPS = sorted({" ".join(c.split()[:depth]) for c in COMMANDS for depth in (1, 2)})


@pytest.mark.parametrize("command", ["", *GROUPS, *COMMANDS])
def test_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    """`chapterdesk … --help` shows the usage of that command."""
    with pytest.raises(SystemExit) as stopped:
        main([*command.split(), "--help"])
    out, err = capsys.readouterr()
    assert stopped.value.code == 0, err
    assert out.startswith(f"usage: chapterdesk {command}".rstrip()) and not err
