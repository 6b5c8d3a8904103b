"""Shared material for the report and export tests: names from around the association."""

from __future__ import annotations

import pytest

#: Members whose names the base PDF fonts cannot print; reports must.
ACCENTED_NAMES = ["Łukasz Żółć", "Nguyễn Thị Ánh", "Søren Ødegård", "Zoë O'Brien-Müller"]


@pytest.fixture
def accented_names() -> list[str]:
    """Names with Polish, Vietnamese, Danish/Norwegian and German/Irish letters."""
    return list(ACCENTED_NAMES)
