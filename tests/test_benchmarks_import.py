"""Every benchmark script still imports: they are run by hand, so nothing else would notice.

A rename in the package (a formatter moved, a service regrouped) once left two
benchmarks broken until someone ran them; importing each one here catches that
in `make test` without running any measurement.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

BENCHMARKS = sorted(p.stem for p in (Path(__file__).parent.parent / "benchmarks").glob("*.py"))


@pytest.mark.parametrize("name", [n for n in BENCHMARKS if n != "__init__"])
def test_the_benchmark_imports(name: str) -> None:
    module = importlib.import_module(f"benchmarks.{name}")
    assert module.__doc__, f"benchmarks/{name}.py says what it measures and how to run it"
