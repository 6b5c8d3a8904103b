"""`mail …` from the command line: set-up, templates, dry runs, receipts, the printed PDFs."""

from __future__ import annotations

import json
import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Any

import keyring.core
import pytest
from keyring.backends import fail
from pypdf import PdfReader

from chapterdesk.cli import main
from tests.conftest import DEMO_DAY
from tests.mail.smtp_server import SmtpServer
from tests.mail.test_mail_end_to_end import bodies, pdf_text, run_json

YEAR = DEMO_DAY.year


def refused(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """Run a command that must be refused with exit 2; its one line on stderr."""
    capsys.readouterr()
    assert main(list(argv)) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    return err


def digest(path: Path) -> bytes:
    return path.read_bytes()


def test_setup_refuses_bad_values_and_writes_nothing(
    demo_path: Path,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    db = str(demo_path)
    before = digest(demo_path)
    assert "needs the server" in refused(capsys, "mail", "setup", "--host", "h", "--db", db)
    assert "not an e-mail address" in refused(
        capsys, "mail", "setup", "--host", "h", "--port", "25", "--from", "nobody", "--db", db
    )
    assert "rising" in refused(
        capsys, "mail", "setup", "--host", "h", "--port", "25", "--from", "a@b.example",
        "--reminder-days", "60,30,90", "--db", db,
    )  # fmt: skip
    secret = tmp_path / "pw.txt"
    secret.write_text("hunter2hunter2\n", encoding="utf-8")
    # a computer with no keyring at all: the password is refused, nothing written
    monkeypatch.setattr(keyring.core, "_keyring_backend", fail.Keyring())
    assert "no password store" in refused(
        capsys, "mail", "setup", "--host", "h", "--port", "25", "--from", "a@b.example",
        "--user", "u", "--password-file", str(secret), "--db", db,
    )  # fmt: skip
    assert "No e-mail account" in refused(capsys, "mail", "show", "--db", db)
    assert digest(demo_path) == before


def test_templates_refuse_unknown_placeholders_and_are_used(
    mail_demo: Path,
    smtp_server: SmtpServer,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    db = str(mail_demo)
    text = tmp_path / "text.txt"
    html = tmp_path / "body.html"
    text.write_text("Hello $name, pay $amount_due by $deadline.\n", encoding="utf-8")
    err = refused(
        capsys, "mail", "template", "set", "statement", "--text-file", str(text), "--db", db
    )
    assert "$deadline" in err and "$amount_due" in err
    text.write_text("Hello $name, you owe $amount_due.\n\n$signature\n", encoding="utf-8")
    html.write_text(
        "<style>p { color: navy; }</style><p>Hello <b>$name</b>: $amount_due</p>", encoding="utf-8"
    )
    assert main([
        "mail", "template", "set", "statement", "--subject", "Dues for $year",
        "--text-file", str(text), "--html-file", str(html), "--db", db,
    ]) == 0  # fmt: skip
    shown = run_json(capsys, "mail", "template", "show", "statement", "--db", db)
    assert shown["subject"] == "Dues for $year" and "color: navy" in shown["html"]
    result = run_json(capsys, "mail", "statements", str(YEAR), "--db", db)
    assert result["sent"] == len(result["messages"]) > 0
    first = smtp_server.received[0]
    plain, rich = bodies(first)
    assert str(first.message["Subject"]).strip() == f"Dues for {YEAR}"
    assert plain.startswith("Hello ") and "you owe $" in plain and "Great Lakes Chapter" in plain
    assert "color: navy" in rich and "<b>" in rich


def test_dry_run_lists_and_writes_nothing_and_members_without_email_are_printed(
    mail_demo: Path,
    smtp_server: SmtpServer,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    db = str(mail_demo)
    preview = run_json(capsys, "mail", "statements", str(YEAR), "--dry-run", "--db", db)
    owing = [m["hq_id"] for m in preview["messages"]]
    no_address = owing[:3]
    con = sqlite3.connect(mail_demo)  # as an HQ export with no address for them would leave it
    con.executemany("UPDATE hq_member SET email = '' WHERE hq_id = ?", [(h,) for h in no_address])
    con.commit()
    con.close()
    before = digest(mail_demo)
    printed = tmp_path / "to-print.pdf"
    preview = run_json(
        capsys, "mail", "statements", str(YEAR), "--dry-run", "--print-missing", str(printed),
        "--db", db,
    )  # fmt: skip
    assert digest(mail_demo) == before and smtp_server.received == []
    assert sorted(m["hq_id"] for m in preview["without_email"]) == sorted(no_address)
    assert len(preview["messages"]) == len(owing) - 3
    text = "\n".join(p.extract_text() for p in PdfReader(printed).pages)
    assert all(hq_id in text for hq_id in no_address)
    assert not any(hq_id in text for hq_id in owing[3:])
    capsys.readouterr()
    assert main(["mail", "statements", str(YEAR), "--queue-only", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "3 member(s) have no e-mail address" in out and "--print-missing" in out
    assert smtp_server.received == []
    box = run_json(capsys, "mail", "outbox", "--db", db)["messages"]
    assert len(box) == len(owing) - 3 and {m["status"] for m in box} == {"queued"}


def test_receipts_for_recent_payments_once_each(
    mail_demo: Path, smtp_server: SmtpServer, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(mail_demo)
    paid = run_json(
        capsys, "dues", "pay", "100074", "150", "--method", "check", "--reference", "4417",
        "--db", db,
    )  # fmt: skip
    receipt_no: Any = paid["receipt_no"]
    result = run_json(capsys, "mail", "receipts", "--since", DEMO_DAY.isoformat(), "--db", db)
    numbers = [m["receipt_no"] for m in result["messages"]]
    assert receipt_no in numbers and result["sent"] == len(numbers)
    message = next(r for r in smtp_server.received if str(receipt_no) in str(r.message["Subject"]))
    name, text = pdf_text(message)
    assert name == f"receipt-{receipt_no}.pdf" and "$150.00" in text and "4417" in text
    again = run_json(capsys, "mail", "receipts", "--since", DEMO_DAY.isoformat(), "--db", db)
    assert again["messages"] == [] and again["already_in_outbox"] == len(numbers)


def test_reminders_without_a_level_send_each_charge_its_highest_level_due(
    mail_demo: Path, smtp_server: SmtpServer, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(mail_demo)
    unpaid = run_json(capsys, "dues", "list", "--year", str(YEAR), "--unpaid", "--db", db)
    expected = {}
    for line in unpaid:
        levels = [n for n, days in enumerate((30, 60, 90), 1) if line["days_outstanding"] >= days]
        if levels:
            expected[line["hq_id"]] = max(levels)
    result = run_json(capsys, "mail", "reminders", str(YEAR), "--db", db)
    assert {m["hq_id"]: m["level"] for m in result["messages"]} == expected
    assert result["sent"] == len(expected)
    # once paid, no more reminders
    payer = next(iter(expected))
    every_year = run_json(capsys, "dues", "list", "--unpaid", "--db", db)
    owed = str(sum(Decimal(line["open"]) for line in every_year if line["hq_id"] == payer))
    assert main(["dues", "pay", payer, owed, "--method", "visa", "--db", db]) == 0
    for level in ("1", "2", "3"):
        later = run_json(
            capsys, "mail", "reminders", str(YEAR), "--level", level, "--dry-run", "--db", db
        )
        assert payer not in {m["hq_id"] for m in later["messages"]}


def test_outbox_text_and_json(mail_demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(mail_demo)
    capsys.readouterr()
    assert main(["mail", "outbox", "--db", db]) == 0
    assert "The outbox is empty." in capsys.readouterr().out
    assert run_json(capsys, "mail", "outbox", "--db", db) == {"messages": []}
    shown = run_json(capsys, "mail", "show", "--db", db)
    assert shown["security"] == "starttls" and shown["password_in_keyring"] is True
    assert json.dumps(shown).find("s3cret") == -1  # the password is never shown
