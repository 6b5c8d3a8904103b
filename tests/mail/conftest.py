"""Fixtures for the e-mail tests: a real SMTP server, a keyring, a demo chapter set up to send."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from chapterdesk.cli import main
from tests.mail.smtp_server import PASSWORD, USER, SmtpServer
from tests.pg.conftest import MemoryKeyring


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    """An empty in-memory keyring (a real `keyring` backend) as the process's keyring."""
    before = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(before)


@pytest.fixture
def smtp_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SmtpServer]:
    """A running SMTP server with STARTTLS and AUTH; its certificate is trusted (SSL_CERT_FILE)."""
    server = SmtpServer(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(server.cert))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mail_demo(
    demo_path: Path, smtp_server: SmtpServer, memory_keyring: MemoryKeyring, tmp_path: Path
) -> Path:
    """The demo chapter with its e-mail account set up for `smtp_server` (password in keyring)."""
    secret = tmp_path / "smtp-password.txt"
    secret.write_text(PASSWORD + "\n", encoding="utf-8")
    status = main(
        [
            "mail", "setup", "--host", "127.0.0.1", "--port", str(smtp_server.port),
            "--user", USER, "--from", "treasurer@greatlakes.example", "--starttls",
            "--password-file", str(secret), "--db", str(demo_path),
        ]
    )  # fmt: skip
    assert status == 0
    return demo_path
