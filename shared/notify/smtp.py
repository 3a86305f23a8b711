"""Email through an SMTP server (smtplib), STARTTLS and login optional, one connection reused per batch."""

from __future__ import annotations

import contextlib
import smtplib
import ssl
from collections.abc import Callable
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from shared.clock import utcnow
from shared.domain.enums import MessageChannel
from shared.notify.base import ChannelUnsupported, Outgoing, PermanentFailure, TemporaryFailure, one_line


def _address(name: str | None, email: str) -> Address:
    if email != one_line(email) or " " in email or "@" not in email:
        raise PermanentFailure("not a usable email address")
    local, _, domain = email.rpartition("@")
    try:
        return Address(display_name=one_line(name, 200), username=local, domain=domain)
    except (ValueError, HeaderParseError, IndexError):
        raise PermanentFailure("not a usable email address") from None


def _classify(code: int, text: object) -> Exception:
    detail = f"SMTP {code} {text!s}"[:300]
    # RFC 5321: 4xx is a transient failure, 5xx permanent.
    return TemporaryFailure(detail) if 400 <= code < 500 else PermanentFailure(detail)


class SmtpProvider:
    name = "smtp"
    channels = frozenset({MessageChannel.EMAIL})

    def __init__(self, host: str, port: int, *, sender: str, sender_name: str | Callable[[], str] = "",
                 username: str = "", password: str = "", starttls: bool = False, timeout: float = 30.0) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self._sender_email = sender
        # A callable is asked for each message: the council's name, which an admin may change.
        self._sender_name = sender_name
        _address("", sender)  # an unusable sender address fails now, not at the first message
        self.username, self.password, self.starttls = username, password, starttls
        self.domain = sender.rpartition("@")[2] or "localhost"
        self._connection: smtplib.SMTP | None = None

    def _name(self) -> str:
        return self._sender_name() if callable(self._sender_name) else self._sender_name

    @property
    def sender(self) -> Address:
        return _address(self._name(), self._sender_email)

    def _connect(self) -> smtplib.SMTP:
        if self._connection is not None:
            return self._connection
        try:
            connection = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            if self.starttls:
                connection.starttls(context=ssl.create_default_context())
            if self.username:
                connection.login(self.username, self.password)
        except smtplib.SMTPAuthenticationError as error:
            # Wrong credentials are an operator's fix; the messages wait (and are given up only by age).
            raise TemporaryFailure(f"SMTP login refused: {error.smtp_code}") from None
        except smtplib.SMTPResponseException as error:
            raise _classify(error.smtp_code, error.smtp_error) from None
        except (OSError, smtplib.SMTPException) as error:
            raise TemporaryFailure(f"cannot reach the SMTP server: {error}"[:300]) from None
        self._connection = connection
        return connection

    def build(self, message: Outgoing) -> EmailMessage:
        email = EmailMessage()
        email["Subject"] = one_line(message.subject, 200)
        email["From"] = self.sender
        email["To"] = _address(message.recipient_name, message.recipient)
        email["Date"] = format_datetime(utcnow())
        # The stable reference rides along in two places, so a repeated delivery can be recognised.
        email["Message-ID"] = f"<{message.reference}@{self.domain}>"
        email["X-Redress-Reference"] = message.reference
        email["Auto-Submitted"] = "auto-generated"
        email.set_content(message.body)
        return email

    def send(self, message: Outgoing) -> str | None:
        if message.channel not in self.channels:
            raise ChannelUnsupported(f"no {message.channel.value} provider")
        email = self.build(message)
        connection = self._connect()
        try:
            connection.send_message(email)
        except smtplib.SMTPRecipientsRefused as error:
            code, text = next(iter(error.recipients.values()))
            raise _classify(code, text) from None
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as error:
            raise _classify(error.smtp_code, error.smtp_error) from None  # smtplib has reset the session
        except smtplib.SMTPResponseException as error:
            self._drop()
            raise _classify(error.smtp_code, error.smtp_error) from None
        except (OSError, smtplib.SMTPException) as error:
            self._drop()
            raise TemporaryFailure(f"SMTP connection lost: {error}"[:300]) from None
        return email["Message-ID"]

    def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(OSError):
                connection.close()

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                connection.quit()
            except (OSError, smtplib.SMTPException):
                connection.close()
