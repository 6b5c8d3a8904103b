"""`services.dues` hands out each public name from its module, however the modules were loaded."""

from __future__ import annotations

import importlib
import subprocess
import sys

from chapterdesk.services import dues


def test_every_public_name_is_its_modules_own_even_after_every_module_loaded() -> None:
    for module in set(dues._HOME.values()) | {"balances"}:
        importlib.import_module(f"chapterdesk.services.dues.{module}")
    for name in dues.__all__:
        home = dues._HOME.get(name, "balances")
        own = getattr(importlib.import_module(f"chapterdesk.services.dues.{home}"), name)
        assert getattr(dues, name) is own, name
    assert callable(dues.balances)  # not the module of the same name


def test_importing_the_facade_loads_neither_sqlalchemy_nor_the_writers() -> None:
    script = (
        "import sys; from chapterdesk.services import dues; dues.balances; dues.dues_lines; "
        "loaded = [m for m in ('sqlalchemy', 'chapterdesk.services.dues.payments') "
        "if m in sys.modules]; assert not loaded, loaded"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert dues.record_payment.__module__ == "chapterdesk.services.dues.payments"
