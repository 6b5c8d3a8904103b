"""`chapterdesk members voters` in a subprocess, as a secretary scripting a meeting uses it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.voting_chapter import (
    EXCLUDED_ORDER,
    VOTE_DAY,
    VOTERS,
    voting_path_fixture,  # noqa: F401 - the `voting_path` fixture
)


def test_cli_prints_the_table_and_the_quorum(cli: Any, voting_path: Path) -> None:
    done = cli("members", "voters", "--db", str(voting_path), "--as-of", VOTE_DAY.isoformat())
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[-1] == "7 eligible voters; quorum 4 (a simple majority)"
    table = done.stdout[: done.stdout.index("Left off")]
    assert table.index("Adams, Zoë") < table.index("García, Ana") < table.index("Żółć, Łukasz")
    assert "Lapsed, Lars" not in table
    left_off = done.stdout[done.stdout.index("Left off") :]
    assert "Lapsed, Lars" in left_off and "international membership is lapsed" in left_off


def test_cli_json_and_a_malformed_date(cli: Any, voting_path: Path) -> None:
    db = str(voting_path)
    done = cli("members", "voters", "--db", db, "--as-of", VOTE_DAY.isoformat(), "--json")
    assert done.returncode == 0, done.stderr
    body = json.loads(done.stdout)
    assert (body["count"], body["quorum"], body["quorum_rule"]) == (7, 4, "a simple majority")
    assert body["as_of"] == "2026-11-25" and body["chapter"] == "Test Chapter"
    assert [v["hq_id"] for v in body["voters"]] == VOTERS
    assert body["voters"][0] == {
        "hq_id": "300004", "name": "Zoë Adams", "sort_name": "Adams, Zoë",
        "category": "Regular", "standing": "grace", "chapter_joined_on": "2020-01-15",
    }
    left_off = {e["hq_id"]: e for e in body["excluded"]}
    assert list(left_off) == EXCLUDED_ORDER
    assert left_off["300011"]["standing"] == "not_in_hq"
    assert left_off["300010"]["reason"] == "international membership is lapsed"

    bad = cli("members", "voters", "--db", db, "--as-of", "2026-13-01")
    assert bad.returncode == 2
    assert "as-of date" in bad.stderr and "Traceback" not in bad.stderr
