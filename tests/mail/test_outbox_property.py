"""A state machine over queue / send / server up-down / dropped connections (hypothesis).

Against the real SMTP server: whatever the interleaving, no Message-ID reaches
the server twice unless the officer asked to resend the uncertain ones (and
then only an uncertain one, with the same Message-ID), no message is lost, and
once the server stays up `mail send` (with `--retry-uncertain` for the
uncertain) delivers every queued message.
"""

from __future__ import annotations

import shutil
import tempfile
from collections import Counter
from pathlib import Path

import keyring
import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from chapterdesk.data.migrate import open_database
from chapterdesk.services.mail.account import set_up_account
from chapterdesk.services.mail.outbox import outbox, retry_uncertain, send_outbox
from tests.mail.outbox_helpers import queue_small
from tests.mail.smtp_server import PASSWORD, USER, SmtpServer, self_signed_certificate
from tests.pg.conftest import MemoryKeyring

pytestmark = pytest.mark.timeout(600)


class OutboxMachine(RuleBasedStateMachine):
    """The outbox and a real server that comes and goes and drops connections."""

    template: Path
    certificate: tuple[Path, Path]

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="outbox-machine-"))
        shutil.copyfile(self.template, self.folder / "chapter.sqlite3")
        self.server = SmtpServer(self.folder, self.certificate)
        self.server.start()
        self.db = open_database(self.folder / "chapter.sqlite3")
        set_up_account(
            self.db, host="127.0.0.1", port=self.server.port, security="starttls",
            username=USER, from_address="treasurer@greatlakes.example",
        )  # fmt: skip
        self.queued: set[str] = set()
        self.resent_uncertain: set[str] = set()

    @rule(count=st.integers(1, 3))
    def queue(self, count: int) -> None:
        queue_small(self.db, count)
        self.queued = {row.message_id for row in outbox(self.db)}

    @precondition(lambda self: self.server.running)
    @rule()
    def server_down(self) -> None:
        self.server.stop()

    @precondition(lambda self: not self.server.running)
    @rule()
    def server_up(self) -> None:
        self.server.start()

    @rule(
        mode=st.sampled_from(["drop_at_mail", "drop_after_store", "drop_in_data"]),
        after=st.integers(0, 2),
    )
    def arm_drop(self, mode: str, after: int) -> None:
        setattr(self.server, mode, after)

    @rule()
    def send(self) -> None:
        send_outbox(self.db, password=PASSWORD)

    @rule()
    def resend_uncertain(self) -> None:
        self.resent_uncertain |= {r.message_id for r in outbox(self.db, status="uncertain")}
        retry_uncertain(self.db)

    @invariant()
    def nothing_twice_nothing_lost(self) -> None:
        received = Counter(self.server.message_ids())
        rows = outbox(self.db)
        assert {r.message_id for r in rows} == self.queued  # nothing lost from the outbox
        for row in rows:
            copies = received[row.message_id]
            if row.message_id not in self.resent_uncertain:
                assert copies <= 1, row
            if row.status == "sent":
                assert copies >= 1, row
            assert row.status != "sending"  # only a killed process leaves one sending

    def teardown(self) -> None:
        try:
            for mode in ("drop_at_mail", "drop_after_store", "drop_in_data"):
                setattr(self.server, mode, None)
            if not self.server.running:
                self.server.start()
            send_outbox(self.db, password=PASSWORD)
            retry_uncertain(self.db)
            send_outbox(self.db, password=PASSWORD)
            rows = outbox(self.db)
            received = Counter(self.server.message_ids())
            assert all(r.status == "sent" for r in rows)
            assert set(received) == self.queued  # eventually every one delivered
        finally:
            self.db.dispose()
            self.server.stop()
            shutil.rmtree(self.folder, ignore_errors=True)


def test_outbox_state_machine(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    before = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    OutboxMachine.certificate = self_signed_certificate(tmp_path)  # every run's server uses it
    monkeypatch.setenv("SSL_CERT_FILE", str(OutboxMachine.certificate[0]))
    OutboxMachine.template = db_path
    try:
        OutboxMachine.TestCase.settings = settings(
            max_examples=12, stateful_step_count=12, deadline=None
        )
        OutboxMachine.TestCase().runTest()
    finally:
        keyring.set_keyring(before)
