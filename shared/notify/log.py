"""The development provider: writes each message to the log and counts it as sent."""

from __future__ import annotations

import logging

from shared.domain.enums import MessageChannel
from shared.notify.base import ChannelUnsupported, Outgoing

log = logging.getLogger("redress.mail")


class LogProvider:
    name = "log"
    # Letters are not "sent" by a log: they wait in the staff outbox to be printed and posted.
    channels = frozenset({MessageChannel.EMAIL, MessageChannel.SMS})

    def send(self, message: Outgoing) -> str | None:
        if message.channel not in self.channels:
            raise ChannelUnsupported(f"no {message.channel.value} provider")
        log.info("%s %s to %s: %s\n%s", message.channel.value, message.reference, message.recipient,
                 message.subject, message.body)
        return f"log-{message.reference}"

    def close(self) -> None:
        return None
