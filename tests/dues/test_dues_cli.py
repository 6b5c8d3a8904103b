"""`chapterdesk dues …` in a subprocess, as a treasurer's script sees it: statuses, text, JSON."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any


def test_a_treasurer_sets_rates_assesses_takes_payments_and_corrects_one(
    cli: Any, demo_path: Path
) -> None:
    db = ("--db", str(demo_path))
    done = cli("dues", "rate", "set", "2027", "Regular", "$160", "--nonprofit", "95", *db)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Regular dues for 2027: $160.00, non-profit $95.00."
    rates = json.loads(cli("dues", "rate", "list", "2027", "--json", *db).stdout)
    assert rates == [
        {
            "dues_year": 2027,
            "category": "REG",
            "category_name": "Regular",
            "amount": "160.00",
            "nonprofit_amount": "95.00",
            "enterprise_amount": None,
        }
    ]
    dry = json.loads(cli("dues", "assess", "2027", "--dry-run", "--json", *db).stdout)
    assert dry["dry_run"] is True and dry["charged"]
    assert {s["standing"] for s in dry["skipped"]} >= {"lapsed", "not_in_hq"}
    line = dry["charged"][0]
    assert set(line) == {
        "hq_id",
        "name",
        "category",
        "amount",
        "tier",
        "promotion_percent",
        "proration_percent",
        "reasons",
        "entry_id",
        "list_name",  # the name as a list shows it, "Adams, Andrew J."
    }
    assert line["entry_id"] is None and line["reasons"][0].startswith("Regular rate $160.00")
    real = json.loads(cli("dues", "assess", "2027", "--json", *db).stdout)
    assert [x["hq_id"] for x in real["charged"]] == [x["hq_id"] for x in dry["charged"]]
    assert real["total"] == dry["total"] and all(x["entry_id"] for x in real["charged"])
    again = cli("dues", "assess", "2027", *db)
    assert again.returncode == 0 and "Charged 0 member(s), $0.00 in all" in again.stdout

    member = real["charged"][0]["hq_id"]
    paid_before = json.loads(cli("dues", "balance", member, "--json", *db).stdout)["paid"]
    check = cli("dues", "pay", member, "1,000", "--method", "check", "--reference", "5001", *db)
    assert check.returncode == 0, check.stderr
    assert "by Check 5001" in check.stdout and "2027 dues $160.00" in check.stdout
    card = json.loads(
        cli(
            "dues",
            "pay",
            member,
            "25.50",
            "--method",
            "visa",
            "--reference",
            "auth 77",
            "--json",
            *db,
        ).stdout
    )
    assert card["method"] == "visa" and card["amount"] == "25.50"
    assert card["receipt_no"] > 1 and card["applied"] == []  # all owed was paid: a credit
    undo = cli("dues", "reverse", str(card["entry_id"]), "--reason", "Charged the wrong card", *db)
    assert undo.returncode == 0 and "Reversal" in undo.stdout
    twice = cli("dues", "reverse", str(card["entry_id"]), "--reason", "again", *db)
    assert twice.returncode == 3 and "already reversed" in twice.stderr

    balance = json.loads(cli("dues", "balance", member, "--json", *db).stdout)
    assert balance["hq_id"] == member
    # The reversed card payment no longer counts.
    assert Decimal(balance["paid"]) - Decimal(paid_before) == Decimal("1000.00")
    assert [e["kind"] for e in balance["entries"]][-3:] == ["payment", "payment", "reversal"]
    totals = json.loads(cli("dues", "balance", "--json", *db).stdout)["totals"]
    assert set(totals) >= {"assessed", "paid", "credit", "outstanding", "aging"}
    assert set(totals["aging"]) == {"current", "days_30", "days_60", "days_90_plus"}
    money = [totals[k] for k in ("assessed", "paid", "credit", "outstanding")]
    assert all(re.fullmatch(r"-?\d+\.\d\d", v) for v in [*money, *totals["aging"].values()])
    unpaid = json.loads(cli("dues", "list", "--year", "2027", "--unpaid", "--json", *db).stdout)
    assert member not in {x["hq_id"] for x in unpaid}
    assert unpaid and all(Decimal(x["open"]) > 0 for x in unpaid)
    # Members who carried a credit from the demo's payments have part-paid 2027 already.
    assert {x["status"] for x in unpaid} == {"unpaid", "part-paid"}


def test_refusals_exit_2_or_3_with_one_sentence_and_write_nothing(
    cli: Any, demo_path: Path
) -> None:
    db = ("--db", str(demo_path))
    lines = json.loads(cli("dues", "list", "--unpaid", "--json", *db).stdout)
    member = lines[0]["hq_id"]
    before = cli("dues", "balance", "--json", *db).stdout
    cases = [
        (("dues", "pay", member, "150", "--method", "po"), 3, "Purchase orders are not accepted"),
        (("dues", "pay", member, "150", "--method", "check"), 2, "needs the check number"),
        (("dues", "pay", member, "150.001", "--method", "visa"), 2, "fraction of a cent"),
        (("dues", "reverse", "999999", "--reason", "x"), 2, "no ledger entry 999999"),
        (("dues", "waive", member, "1999", "--reason", "x"), 3, "no dues charge for 1999"),
        (("dues", "rate", "set", "2027", "Gold", "10"), 2, "No category is called 'Gold'"),
    ]
    for args, status, says in cases:
        done = cli(*args, *db)
        assert (done.returncode, says in done.stderr) == (status, True), (args, done.stderr)
        assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1
    assert cli("dues", "balance", "--json", *db).stdout == before
    waived = cli("dues", "waive", member, str(lines[0]["dues_year"]), "--reason", "Hardship", *db)
    assert waived.returncode == 0 and "Waiver" in waived.stdout
