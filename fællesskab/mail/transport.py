"""How a message leaves: SMTP, or .eml files in a folder during development.

The transport is chosen by configuration (DESIGN.md: external adapters sit
behind a small protocol with a working offline default):

* `MAIL_SERVER` set: SMTP (`MAIL_PORT`, `MAIL_USERNAME`, `MAIL_PASSWORD`,
  `MAIL_USE_TLS` for STARTTLS);
* otherwise, in development and tests: one `.eml` file per message in
  `MAIL_FOLDER` (default `<instance>/mail/`), which any mail program opens;
* otherwise (production without `MAIL_SERVER`): nothing is sent and the
  messages wait in the outbox until a server is configured.
"""
from __future__ import annotations

import os
import re
import smtplib
import ssl
from datetime import UTC
from email.message import EmailMessage
from typing import Protocol

SMTP_TIMEOUT = 15  # seconds; a request waits at most this long for a dead server


class MailError(Exception):
    """A message could not be handed over; it stays in the outbox."""


class Transport(Protocol):
    def send(self, message: EmailMessage) -> None:
        """Hand over one message or raise MailError."""


class SMTPTransport:
    def __init__(self, host: str, port: int, *, username: str | None = None, password: str | None = None,
                 use_tls: bool = False, timeout: float = SMTP_TIMEOUT):
        self.host, self.port = host, port
        self.username, self.password = username, password
        self.use_tls, self.timeout = use_tls, timeout

    def send(self, message: EmailMessage) -> None:
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.use_tls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.username:
                    smtp.login(self.username, self.password or "")
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            raise MailError(f"SMTP {self.host}:{self.port}: {exc}") from exc


class FolderTransport:
    """Write each message as `<folder>/<time>-<Message-ID>.eml` (development)."""

    def __init__(self, folder: str):
        self.folder = folder

    def send(self, message: EmailMessage) -> None:
        from datetime import datetime

        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        ident = re.sub(r"[^A-Za-z0-9.-]+", "_", str(message["Message-ID"] or "").strip("<>"))[:80]
        try:
            os.makedirs(self.folder, exist_ok=True)
            path = os.path.join(self.folder, f"{stamp}-{ident or 'mail'}.eml")
            with open(path, "wb") as fh:
                fh.write(message.as_bytes())
        except OSError as exc:
            raise MailError(f"kunne ikke skrive til {self.folder}: {exc}") from exc


class UnconfiguredTransport:
    def send(self, message: EmailMessage) -> None:
        raise MailError("MAIL_SERVER er ikke sat; e-mailen venter i udbakken")


def transport_from_config(config) -> Transport:
    if config.get("MAIL_SERVER"):
        return SMTPTransport(
            config["MAIL_SERVER"], int(config.get("MAIL_PORT") or 25),
            username=config.get("MAIL_USERNAME") or None, password=config.get("MAIL_PASSWORD") or None,
            use_tls=bool(config.get("MAIL_USE_TLS")),
        )
    if config.get("FAELLESSKAB_ENV") == "production":
        return UnconfiguredTransport()
    return FolderTransport(config["MAIL_FOLDER"])
