"""House rules that keep the layers apart: the domain never imports Qt."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import chapterdesk

PACKAGE = Path(chapterdesk.__file__).resolve().parent
QT_MODULES = ("PySide6", "PyQt5", "PyQt6", "shiboken6", "qtpy")


def domain_modules() -> list[Path]:
    """Every module outside chapterdesk/ui, less the entry point, which opens the window lazily."""
    return [
        p
        for p in PACKAGE.rglob("*.py")
        if "ui" not in p.relative_to(PACKAGE).parts and p.name != "__main__.py"
    ]


def test_no_domain_module_imports_qt_in_its_source() -> None:
    offenders = []
    for path in domain_modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [
                f"{path.relative_to(PACKAGE)}: {n}"
                for n in names
                if n.split(".")[0] in QT_MODULES or n.startswith("chapterdesk.ui")
            ]
    assert offenders == []


def test_importing_every_domain_module_loads_no_qt() -> None:
    names = sorted(
        ".".join(("chapterdesk", *p.relative_to(PACKAGE).with_suffix("").parts)).removesuffix(
            ".__init__"
        )
        for p in domain_modules()
        if p.name != "__main__.py" and "migrations" not in p.parts
    )
    script = (
        "import importlib, sys\n"
        f"for name in {names!r}: importlib.import_module(name)\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {QT_MODULES!r}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        cwd=PACKAGE.parent,
    )
    assert done.stdout.strip() == "[]"
    assert len(names) > 10
