"""Fixtures for the hqsync tests: HQ export files written into tmp_path on demand."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from hqfiles import write_csv, write_xlsx


@pytest.fixture
def roster_xlsx(tmp_path: Path) -> Callable[..., Path]:
    """Write an xlsx roster: `roster_xlsx(rows, name="x.xlsx", **write_xlsx options)`."""

    def make(rows: Sequence[Sequence[Any]], name: str = "roster.xlsx", **options: Any) -> Path:
        return write_xlsx(tmp_path / name, rows, **options)

    return make


@pytest.fixture
def roster_csv(tmp_path: Path) -> Callable[..., Path]:
    """Write a CSV roster: `roster_csv(rows, name="x.csv", encoding=..., delimiter=...)`."""

    def make(rows: Sequence[Sequence[Any]], name: str = "roster.csv", **options: Any) -> Path:
        return write_csv(tmp_path / name, rows, **options)

    return make
