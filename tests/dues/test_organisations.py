"""Marking an organisation non-profit: only an employer HQ data knows (service and CLI)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from chapterdesk.data.engine import Database
from chapterdesk.data.migrate import open_database
from chapterdesk.errors import BadInputError
from chapterdesk.services import dues
from tests.helpers import add_hq

PAID = dt.date.today() + dt.timedelta(days=200)


def test_a_typo_is_refused_and_nothing_is_created(db: Database) -> None:
    add_hq(db, "601", company="Baker & Whitfield LLP", paid_through=PAID)
    with pytest.raises(BadInputError, match="Did you mean 'Baker & Whitfield LLP'"):
        dues.set_nonprofit(db, "Baker & Whitfeld")
    assert dues.list_organisations(db) == []
    marked = dues.set_nonprofit(db, "the baker and whitfield, l.l.p.")
    assert marked.key == "bakerandwhitfield" and marked.nonprofit
    assert not dues.set_nonprofit(db, "Baker & Whitfield LLP", False).nonprofit


def test_marking_a_nonprofit_refuses_a_name_no_hq_member_works_for(
    cli: Any, db_path: Path
) -> None:
    db = ("--db", str(db_path))
    database = open_database(db_path)
    try:
        add_hq(database, "901", company="Legal Aid Society of the Lakes", paid_through=PAID)
    finally:
        database.dispose()
    assert cli("members", "add", "901", *db).returncode == 0
    typo = cli("dues", "org", "nonprofit", "Legal Aid Society of the Lake", *db)
    assert typo.returncode == 2 and typo.stderr.count("\n") == 1, typo.stderr
    for says in ("No HQ member works for an organisation called 'Legal Aid Society of the Lake'",
                 "Did you mean 'Legal Aid Society of the Lakes'?", "chapterdesk dues org list"):
        assert says in typo.stderr
    nothing_like = cli("dues", "org", "nonprofit", "Zyx", *db)
    assert nothing_like.returncode == 2 and "called 'Zyx'" in nothing_like.stderr
    assert "Did you mean" not in nothing_like.stderr
    listed = cli("dues", "org", "list", "--json", *db)
    assert [o["name"] for o in json.loads(listed.stdout)] == ["Legal Aid Society of the Lakes"]

    marked = cli("dues", "org", "nonprofit", "legal aid society of the lakes, inc.", *db)
    assert marked.returncode == 0, marked.stderr
    assert "is now non-profit (1 current members)" in marked.stdout
    orgs = json.loads(cli("dues", "org", "list", "--json", *db).stdout)
    assert [(o["members"], o["nonprofit"]) for o in orgs] == [(1, True)]
    unmarked = cli("dues", "org", "nonprofit", "Legal Aid Society of the Lakes", "--off", *db)
    assert unmarked.returncode == 0 and "not non-profit" in unmarked.stdout
