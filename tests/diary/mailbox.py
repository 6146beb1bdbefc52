"""A real SMTP server for the tests (aiosmtpd on a free loopback port) that keeps what it is sent."""

from __future__ import annotations

import email
import email.policy
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.web.live import free_port


@dataclass
class Mailbox:
    """Messages received, in order; `refuse`, `refuse_rcpt` and `quit_answer`, when set, are the
    server's answer to each DATA, RCPT TO and QUIT (the message is kept all the same when only
    QUIT is answered badly)."""

    messages: list[EmailMessage] = field(default_factory=list)
    recipients: list[list[str]] = field(default_factory=list)
    refuse: str = ""
    refuse_rcpt: str = ""
    quit_answer: str = ""
    port: int = 0
    logins: list[tuple[str, str]] = field(default_factory=list)
    """Every login tried (user, password)."""
    _lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd's name)
        """Keep the message (or refuse it)."""
        if self.refuse:
            return self.refuse
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        with self._lock:
            self.messages.append(parsed)
            self.recipients.append(list(envelope.rcpt_tos))
        return "250 OK"

    async def handle_RCPT(  # noqa: N802 (aiosmtpd's name)
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        """Take the recipient (or refuse it)."""
        if self.refuse_rcpt:
            return self.refuse_rcpt
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_QUIT(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd's name)
        """Say goodbye (or something else)."""
        return self.quit_answer or "221 Bye"

    def wait_for(self, count: int, timeout_s: float = 60) -> list[EmailMessage]:
        """The messages once there are at least `count` (fails after `timeout_s`)."""
        deadline = time.monotonic() + timeout_s
        while len(self.messages) < count:
            assert time.monotonic() < deadline, f"{len(self.messages)} of {count} messages arrived"
            time.sleep(0.1)
        return list(self.messages)

    def authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        """Accept the test's one user (login over plain TCP is allowed here: loopback only)."""
        if not isinstance(data, LoginPassword):
            return AuthResult(success=False, handled=False)
        self.logins.append((data.login.decode(), data.password.decode()))
        return AuthResult(success=(data.login, data.password) == (b"mailer", b"s3cret-pass"))


@contextmanager
def smtp_server(auth: bool = False) -> Iterator[Mailbox]:
    """Run an SMTP server until the block ends (with `auth`, only user mailer may send)."""
    box = Mailbox(port=free_port())
    extra: dict[str, Any] = {}
    if auth:
        extra = {"authenticator": box.authenticate, "auth_required": True, "auth_require_tls": False}
    controller = Controller(box, hostname="127.0.0.1", port=box.port, **extra)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()
