"""Small messages queued straight into the outbox (through the door), for the sending tests."""

from __future__ import annotations

import itertools
from decimal import Decimal
from email.message import EmailMessage
from email.utils import make_msgid

from chapterdesk.data.engine import Database
from chapterdesk.services.mail.compose import PlannedMessage, queue_messages

_NUMBERS = itertools.count(1)


def queue_small(db: Database, count: int) -> list[int]:
    """Queue `count` short messages to distinct addresses; their outbox IDs."""
    built = []
    for _ in range(count):
        n = next(_NUMBERS)
        message = EmailMessage()
        message["Message-ID"] = make_msgid("test", domain="greatlakes.example")
        message["From"] = "treasurer@greatlakes.example"
        message["To"] = f"member{n}@example.org"
        message["Subject"] = f"Test {n}"
        message.set_content(f"Message {n}\n")
        item = PlannedMessage(
            kind="statement",
            hq_id=str(100000 + n),
            name=f"Member {n}",
            email=f"member{n}@example.org",
            subject=f"Test {n}",
            amount_due=Decimal("1.00"),
            dedupe_key=f"test:{n}:{id(db)}",
        )
        built.append((item, message))
    return list(queue_messages(db, "statement", built).queued)
