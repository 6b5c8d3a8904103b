"""Every CHECK constraint in a migrated database carries the name its model gives it.

Alembic's batch mode (SQLite) finds constraints by name when it rebuilds a
table; a doubled or missing name would make a later migration drop a check.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from sqlalchemy import CheckConstraint

from chapterdesk.data.models import all_models


def test_check_names_in_the_database_match_the_models(db_path: Path) -> None:
    con = sqlite3.connect(db_path)
    try:
        schema = " ".join(r[0] for r in con.execute("SELECT sql FROM sqlite_master") if r[0])
    finally:
        con.close()
    in_database = set(re.findall(r"CONSTRAINT (ck_\w+) CHECK", schema))
    in_models = {
        str(c.name)
        for table in all_models().sorted_tables
        for c in table.constraints
        if isinstance(c, CheckConstraint)
    }
    assert in_database == in_models
    assert not any("_ck_" in name for name in in_database)  # no doubled prefix
