"""A real SMTP server for the e-mail tests: aiosmtpd on 127.0.0.1 with AUTH and STARTTLS.

It keeps every message it accepted (parsed) and can be stopped and started
again on the same port (the server is "down"), refuse logins, or drop the
connection at a chosen moment of the Nth message:

- `drop_at_mail=N`: the connection is closed when message N+1 says MAIL FROM,
  so the server never has it (the client knows it was not sent);
- `drop_after_store=N`: message N+1 is stored, then the connection is closed
  before the server's 250 (the client cannot know whether it arrived);
- `drop_in_data=N`: message N+1 is received but not stored, and the connection
  closed before the 250 (it did not arrive; the client cannot know that either);
- `hold_after=N`: message N+1 is stored and its 250 held back until `release`
  is set (`holding` says when), so a test can kill the client at that moment.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email
import email.policy
import socket
import ssl
import threading
import warnings
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

USER = "treasurer"
PASSWORD = "s3cret-smtp-passw0rd"


def free_port() -> int:
    """A TCP port on 127.0.0.1 nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost and its key, written as PEM files."""
    import ipaddress

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path = folder / "smtp-cert.pem"
    key_path = folder / "smtp-key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@dataclass
class Received:
    """One message the server accepted."""

    mail_from: str
    recipients: list[str]
    message: EmailMessage


@dataclass
class _Handler:
    server: SmtpServer
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_MAIL(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        owner = self.server
        if owner.drop_at_mail is not None and len(owner.received) >= owner.drop_at_mail:
            owner.drop_at_mail = None
            server.transport.close()
            return "421 closing"
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        owner = self.server
        if owner.drop_in_data is not None and len(owner.received) >= owner.drop_in_data:
            owner.drop_in_data = None
            server.transport.close()
            return "451 lost"
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        with self.lock:
            owner.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed))
        if owner.hold_after is not None and len(owner.received) > owner.hold_after:
            owner.hold_after = None
            owner.holding.set()
            await asyncio.get_running_loop().run_in_executor(None, owner.release.wait, 60)
        if owner.drop_after_store is not None and len(owner.received) > owner.drop_after_store:
            owner.drop_after_store = None
            server.transport.close()
            return "451 lost"
        return "250 Message accepted for delivery"


class _ImplicitTlsController(Controller):
    """A controller whose sessions are TLS from the first byte.

    aiosmtpd warns that AUTH without *STARTTLS* is insecure whenever it builds such
    a session; here the whole connection is TLS, so the warning does not apply.
    """

    def factory(self) -> Any:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "Requiring AUTH while not requiring TLS")
            return super().factory()


class SmtpServer:
    """aiosmtpd on 127.0.0.1 with STARTTLS required and AUTH (USER / PASSWORD)."""

    def __init__(
        self,
        folder: Path,
        certificate: tuple[Path, Path] | None = None,
        *,
        implicit_tls: bool = False,
    ) -> None:
        self.implicit_tls = implicit_tls  # TLS from the first byte (port 465), not STARTTLS
        self.port = free_port()
        self.cert, self.key = certificate or self_signed_certificate(folder)
        self.received: list[Received] = []
        self.password = PASSWORD
        self.drop_at_mail: int | None = None
        self.drop_after_store: int | None = None
        self.drop_in_data: int | None = None
        # hold message N+1's 250 until `release` is set (and set `holding`): a client killed then
        self.hold_after: int | None = None
        self.holding = threading.Event()
        self.release = threading.Event()
        self._controller: Controller | None = None

    def _authenticate(
        self, server: Any, session: Any, envelope: Any, _mechanism: str, data: Any
    ) -> AuthResult:
        ok = (
            isinstance(data, LoginPassword)
            and data.login == USER.encode()
            and data.password == self.password.encode()
        )
        return AuthResult(success=ok, handled=False)

    @property
    def running(self) -> bool:
        """Whether the server listens now."""
        return self._controller is not None

    def start(self) -> None:
        """Listen on the port (the same one each time)."""
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert, self.key)
        if self.implicit_tls:
            self._controller = _ImplicitTlsController(
                _Handler(self),
                hostname="127.0.0.1",
                port=self.port,
                ssl_context=context,
                authenticator=self._authenticate,
                auth_required=True,
                auth_require_tls=False,  # the whole connection is TLS already
            )
        else:
            self._controller = Controller(
                _Handler(self),
                hostname="127.0.0.1",
                port=self.port,
                tls_context=context,
                require_starttls=True,
                authenticator=self._authenticate,
                auth_required=True,
                auth_require_tls=True,
            )
        self._controller.start()

    def stop(self) -> None:
        """Stop listening: the server is down."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def message_ids(self) -> list[str]:
        """The Message-ID of every message accepted, in order."""
        return [str(r.message["Message-ID"]).strip() for r in self.received]
