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


def _calls(path: Path) -> list[tuple[int, str]]:
    """(line, dotted name) of every call in a module, e.g. `db.session` or `session.execute`."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            found.append((node.lineno, ast.unparse(node.func)))
    return found


def test_only_the_door_opens_a_writing_unit_of_work() -> None:
    # Every change passes through services.door.change, which checks the policy and audits;
    # a module that opened db.session() itself would write around both.
    offenders = [
        f"{path.relative_to(PACKAGE)}:{line}"
        for path in PACKAGE.rglob("*.py")
        if path.relative_to(PACKAGE).as_posix()
        not in {"services/door.py", "data/engine.py", "services/safety/copy.py"}
        for line, name in _calls(path)
        if name.endswith(".session") and name != "self.session"
    ]
    assert offenders == []


def test_no_core_write_to_an_audited_table_outside_the_door() -> None:
    # Core insert/update/delete statements skip the flush listener that writes the trail;
    # only tables the trail leaves out (the bulk HQ rows, whose batch is audited) may take them.
    from chapterdesk.data.audit_trail import NOT_AUDITED

    allowed_modules = {"services/door.py", "data/audit_trail.py", "services/safety/copy.py"}
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel in allowed_modules or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            if node.func.id not in {"insert", "update", "delete"} or not node.args:
                continue
            target = ast.unparse(node.args[0])
            table = {
                "HqMember": "hq_member",
                "HqAffiliation": "hq_affiliation",
                "HqMemberChange": "hq_member_change",
                "HqLocalEdit": "hq_local_edit",
            }.get(target, target)
            if table not in NOT_AUDITED:
                offenders.append(f"{rel}:{node.lineno} {node.func.id}({target})")
    assert offenders == []
