"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives and can fail on request."""

from __future__ import annotations

import email
import socket
import threading
from dataclasses import dataclass, field
from email.message import Message

from aiosmtpd.controller import Controller


def free_port() -> int:
    """Return a TCP port that is free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Received:
    """One mail as the server got it."""

    mail_from: str
    rcpt_tos: list[str]
    message: Message

    @property
    def message_id(self) -> str:
        return self.message["Message-ID"]

    @property
    def text(self) -> str:
        """Return the decoded subject and body."""
        from email.header import decode_header, make_header

        body = self.message.get_payload(decode=True).decode(self.message.get_content_charset() or "utf-8")
        return str(make_header(decode_header(self.message["Subject"]))) + "\n" + body


@dataclass
class Handler:
    """Accepts mail; ``refuse_from`` makes the n-th and later messages get a 451; ``on_data`` runs first."""

    received: list[Received] = field(default_factory=list)
    refuse_from: int | None = None
    on_data: object = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        with self.lock:
            number = len(self.received) + 1
            if self.refuse_from is not None and number >= self.refuse_from:
                return "451 4.3.0 Midlertidig fejl, prøv igen senere"
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos),
                                          email.message_from_bytes(envelope.original_content)))
        if callable(self.on_data):
            self.on_data(number)
        return "250 2.0.0 OK"


class SmtpServer:
    """Start and stop an aiosmtpd server on 127.0.0.1 on a fixed port (so it can come back after an outage)."""

    def __init__(self) -> None:
        self.handler = Handler()
        self.port = free_port()
        self.controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> "SmtpServer":
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def received(self) -> list[Received]:
        return self.handler.received
