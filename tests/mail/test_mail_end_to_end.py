"""The issue's "done when", end to end on the demo chapter against a real SMTP server.

`mail statements` then `mail reminders --level 2` deliver to the local server
(STARTTLS, AUTH) exactly the members who owe, each with their own PDF; with the
server stopped the messages queue, and `mail send` delivers each one once when
the server is back.
"""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from chapterdesk.cli import main
from tests.conftest import DEMO_DAY
from tests.mail.smtp_server import Received, SmtpServer

YEAR = DEMO_DAY.year  # the demo's dues year is the calendar year


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    """Run a command in-process with --json; the parsed output (exit status 0 asserted)."""
    capsys.readouterr()
    status = main([*argv, "--json"])
    out, err = capsys.readouterr()
    assert status == 0, err
    return json.loads(out)


def pdf_text(message: Received) -> tuple[str, str]:
    """The attachment's file name and its text, read back with pypdf."""
    attachments = list(message.message.iter_attachments())
    assert len(attachments) == 1
    part = attachments[0]
    assert part.get_content_type() == "application/pdf"
    data = part.get_content()
    reader = PdfReader(io.BytesIO(data))
    return str(part.get_filename()), "\n".join(page.extract_text() for page in reader.pages)


def bodies(message: Received) -> tuple[str, str]:
    """The text and HTML bodies of a message."""
    text = message.message.get_body(("plain",))
    html = message.message.get_body(("html",))
    assert text is not None and html is not None
    return str(text.get_content()), str(html.get_content())


def check_delivered(
    received: list[Received], owing: dict[str, dict[str, Any]], emails: dict[str, str], kind: str
) -> None:
    """Each member in `owing` got exactly one message, to their address, with their PDF."""
    by_address = {r.recipients[0]: r for r in received}
    assert len(by_address) == len(received) == len(owing)
    assert sorted(by_address) == sorted(emails[hq] for hq in owing)
    for hq_id, line in owing.items():
        message = by_address[emails[hq_id]]
        assert message.recipients == [emails[hq_id]]
        assert message.mail_from == "treasurer@greatlakes.example"
        assert str(message.message["To"]).endswith(f"<{emails[hq_id]}>")
        subject = str(message.message["Subject"])
        assert subject.startswith("Great Lakes Chapter") and str(YEAR) in subject
        text, html = bodies(message)
        assert line["name"].split(",")[0].split()[-1] in text  # the last name
        # a statement names all that is owed; a reminder the year's open charge
        assert f"${line['owed' if kind == 'statement' else 'open']}" in text
        assert "Purchase orders are not accepted" in text and "<p>" in html
        name, pdf = pdf_text(message)
        assert name == f"statement-{YEAR}-{hq_id}.pdf"
        assert hq_id in pdf and f"Dues statement {YEAR}" in pdf
        if kind == "reminder":
            assert "reminder 2" in subject


def test_statements_then_reminders_then_offline_queue_delivered_once(
    mail_demo: Path, smtp_server: SmtpServer, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(mail_demo)
    unpaid = run_json(capsys, "dues", "list", "--year", str(YEAR), "--unpaid", "--db", db)
    members = run_json(capsys, "members", "list", "--db", db)
    emails = {m["hq_id"]: m["email"] for m in members}
    every_year = run_json(capsys, "dues", "list", "--unpaid", "--db", db)
    owed: dict[str, Decimal] = {}
    for line in every_year:
        owed[line["hq_id"]] = owed.get(line["hq_id"], Decimal(0)) + Decimal(line["open"])
    owing = {
        line["hq_id"]: {
            **line,
            "owed": f"{owed[line['hq_id']]:,.2f}",
            "days": line["days_outstanding"],
        }
        for line in unpaid
    }
    assert len(owing) == len(unpaid)  # one charge per member in the demo's year
    assert len(owing) > 10

    # 1. statements: exactly the members who owe, each with their statement
    result = run_json(capsys, "mail", "statements", str(YEAR), "--db", db)
    assert result["queued"] == result["sent"] == len(owing)
    statements = list(smtp_server.received)
    check_delivered(statements, owing, emails, "statement")

    # 2. level-2 reminders (intervals set to 30/100/400 days): those at least 100 days overdue
    setup = run_json(capsys, "mail", "setup", "--reminder-days", "30,100,400", "--db", db)
    assert setup["reminder_days"] == [30, 100, 400] and setup["password_in_keyring"]
    overdue = {hq: line for hq, line in owing.items() if line["days"] >= 100}
    assert 0 < len(overdue) < len(owing)
    preview = run_json(
        capsys, "mail", "reminders", str(YEAR), "--level", "2", "--dry-run", "--db", db
    )
    assert sorted(m["hq_id"] for m in preview["messages"]) == sorted(overdue)
    assert len(smtp_server.received) == len(statements)  # a dry run sends nothing
    result = run_json(capsys, "mail", "reminders", str(YEAR), "--level", "2", "--db", db)
    assert result["sent"] == len(overdue)
    check_delivered(smtp_server.received[len(statements) :], overdue, emails, "reminder")
    # never the same level twice for the same charge
    again = run_json(capsys, "mail", "reminders", str(YEAR), "--level", "2", "--db", db)
    assert again["messages"] == [] and again["already_in_outbox"] == len(overdue)

    # 3. the server is down: level-1 reminders queue; `mail send` delivers each once
    before = len(smtp_server.received)
    smtp_server.stop()
    first_level = {hq for hq, line in owing.items() if line["days"] >= 30}
    result = run_json(capsys, "mail", "reminders", str(YEAR), "--level", "1", "--db", db)
    assert result["queued"] == len(first_level) and result["sent"] == 0
    assert result["waiting"] == len(first_level) and "cannot be reached" in result["problem"]
    box = run_json(capsys, "mail", "outbox", "--db", db)["messages"]
    waiting = [m for m in box if m["status"] == "queued"]
    assert len(waiting) == len(first_level)
    assert all("cannot be reached" in m["reason"] for m in waiting)
    capsys.readouterr()
    assert main(["mail", "send", "--db", db]) == 2  # still down: said so, nothing lost
    assert "cannot be reached" in capsys.readouterr().err
    assert main(["mail", "send", "--json", "--db", db]) == 2
    error = json.loads(capsys.readouterr().out)["error"]
    assert error["code"] == 2 and "cannot be reached" in error["message"]
    smtp_server.start()
    sent = run_json(capsys, "mail", "send", "--db", db)
    assert sent["sent"] == len(first_level) and sent["outbox"]["queued"] == 0
    assert run_json(capsys, "mail", "send", "--db", db)["sent"] == 0
    later = smtp_server.received[before:]
    assert sorted(r.recipients[0] for r in later) == sorted(emails[hq] for hq in first_level)
    ids = smtp_server.message_ids()
    assert len(ids) == len(set(ids))  # no message twice
    box = run_json(capsys, "mail", "outbox", "--db", db)["messages"]
    assert {m["status"] for m in box} == {"sent"}
    assert sorted(m["message_id"] for m in box) == sorted(ids)
