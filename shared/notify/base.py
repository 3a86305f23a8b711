"""What every provider shares: the message handed to it, the ways sending can fail, safe header text."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from shared.domain.enums import MessageChannel

_SPACES = re.compile(r"\s+")


def one_line(text: str | None, limit: int | None = None) -> str:
    """Text safe for a mail header or a subject: no CR/LF, no Unicode line or paragraph separators
    (U+2028, U+2029, U+0085), no other control or invisible formatting characters, spaces collapsed.

    A header value that kept any of them could start a new header (header injection) or hide text.
    """
    if not text:
        return ""
    cleaned = "".join(" " if unicodedata.category(ch)[0] in "CZ" and ch != " " else ch for ch in text)
    cleaned = _SPACES.sub(" ", cleaned).strip()
    return cleaned[:limit] if limit else cleaned


@dataclass(frozen=True)
class Outgoing:
    """One claimed message, as the worker hands it to a provider (plain values, no database session)."""

    id: int
    reference: str
    channel: MessageChannel
    recipient: str
    recipient_name: str | None
    subject: str
    body: str
    locale: str
    attempts: int  # including this one
    queued_at: datetime


class DeliveryError(Exception):
    """Sending failed; `message` is kept as the row's last error (never the message's content)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class TemporaryFailure(DeliveryError):
    """Worth trying again later: the provider is down, busy or rate-limiting (optionally saying when)."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PermanentFailure(DeliveryError):
    """Trying again would fail the same way (a bad address, a refused message): give up at once."""


class ChannelUnsupported(DeliveryError):
    """This provider cannot send on the message's channel (letters without a letter provider are printed)."""


class Provider(Protocol):
    name: str
    channels: frozenset[MessageChannel]

    def send(self, message: Outgoing) -> str | None:
        """Send one message; return the provider's own id for it, if it gives one."""

    def close(self) -> None:
        """Release connections (the worker calls it when it stops)."""
