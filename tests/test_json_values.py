"""One JSON encoder: a script reading any `--json` output finds money as "150.00", dates ISO."""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from chapterdesk.data.audit_trail import jsonable as audit_jsonable
from chapterdesk.json_values import json_scalar, to_jsonable, write_json
from chapterdesk.standing import Standing


@dataclass(frozen=True)
class _Line:
    hq_id: str
    amount: Decimal
    posted_on: dt.date
    standing: Standing
    aging: dict[str, Decimal]
    applied: tuple[tuple[int, Decimal], ...]


def test_money_is_always_a_string_with_two_places_wherever_it_sits() -> None:
    line = _Line(
        "100001",
        Decimal("150"),
        dt.date(2026, 7, 1),
        Standing.GRACE,
        {"current": Decimal("0"), "days_30": Decimal("12.5")},
        ((2026, Decimal("150")),),
    )
    out = io.StringIO()
    write_json([line], out)
    assert json.loads(out.getvalue()) == [
        {
            "hq_id": "100001",
            "amount": "150.00",
            "posted_on": "2026-07-01",
            "standing": "grace",
            "aging": {"current": "0.00", "days_30": "12.50"},
            "applied": [[2026, "150.00"]],
        }
    ]


def test_scalars_as_json_holds_them() -> None:
    assert json_scalar(Decimal("-0.5")) == "-0.50"
    assert json_scalar(dt.datetime(2026, 7, 1, 9, 30)) == "2026-07-01T09:30:00"
    assert json_scalar(Path("/tmp/x.pdf")) == "/tmp/x.pdf"
    assert json_scalar(None) is None and json_scalar(3) == 3
    assert to_jsonable({1: {Decimal("1")}}) == {"1": ["1.00"]}


def test_the_audit_trail_writes_money_and_dates_the_same_way() -> None:
    values: dict[str, Any] = {"amount": Decimal("150"), "on": dt.date(2026, 7, 1), "b": b"\x01"}
    assert {k: audit_jsonable(v) for k, v in values.items()} == {
        "amount": "150.00",
        "on": "2026-07-01",
        "b": "01",
    }
