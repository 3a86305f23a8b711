"""GOV.UK Notify for email, text messages and letters (notifications-python-client).

Notify sends from templates made in its own admin: Redress uses one generic template per channel
with ((subject)) and ((body)) placeholders (text messages: ((body)) only), and sends its own
rendered text through them, so wording stays in Redress and in the person's language.
"""

from __future__ import annotations

from email.utils import parsedate_to_datetime

from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient

from shared.clock import utcnow
from shared.domain.enums import MessageChannel
from shared.notify.base import ChannelUnsupported, Outgoing, PermanentFailure, TemporaryFailure, one_line

MAX_ADDRESS_LINES = 7  # Notify's letters: address_line_1 to address_line_7, the last a postcode


def retry_after(response) -> float | None:
    """Seconds from a Retry-After header (a number of seconds or an HTTP date), if there is one."""
    value = (getattr(response, "headers", None) or {}).get("Retry-After")
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        return max(0.0, (parsedate_to_datetime(value) - utcnow()).total_seconds())
    except (TypeError, ValueError):
        return None


def letter_address(name: str | None, address: str) -> dict[str, str]:
    lines = [one_line(line, 100) for line in [name or "", *address.splitlines()]]
    lines = [line for line in lines if line]
    if len(lines) < 3 or len(lines) > MAX_ADDRESS_LINES:
        raise PermanentFailure("the postal address needs a name, between 2 and 6 lines and a postcode")
    return {f"address_line_{number}": line for number, line in enumerate(lines, start=1)}


class NotifyProvider:
    name = "notify"

    def __init__(self, api_key: str, base_url: str, *, email_template_id: str, sms_template_id: str = "",
                 letter_template_id: str = "", email_reply_to_id: str = "", timeout: float = 30.0) -> None:
        self.client = NotificationsAPIClient(api_key, base_url=base_url, timeout=timeout)
        self.templates = {MessageChannel.EMAIL: email_template_id, MessageChannel.SMS: sms_template_id,
                          MessageChannel.LETTER: letter_template_id}
        self.channels = frozenset(channel for channel, template in self.templates.items() if template)
        self.email_reply_to_id = email_reply_to_id or None

    def send(self, message: Outgoing) -> str | None:
        if message.channel not in self.channels:
            raise ChannelUnsupported(f"no Notify template for {message.channel.value}")
        template_id = self.templates[message.channel]
        subject = one_line(message.subject, 200)
        try:
            if message.channel is MessageChannel.EMAIL:
                answer = self.client.send_email_notification(
                    email_address=message.recipient, template_id=template_id,
                    personalisation={"subject": subject, "body": message.body},
                    reference=message.reference, email_reply_to_id=self.email_reply_to_id,
                )
            elif message.channel is MessageChannel.SMS:
                answer = self.client.send_sms_notification(
                    phone_number=message.recipient, template_id=template_id,
                    personalisation={"body": message.body}, reference=message.reference,
                )
            else:
                personalisation = letter_address(message.recipient_name, message.recipient)
                personalisation.update({"subject": subject, "body": message.body})
                answer = self.client.send_letter_notification(
                    template_id=template_id, personalisation=personalisation, reference=message.reference,
                )
        except APIError as error:
            raise _classify(error) from None
        return str((answer or {}).get("id") or "") or None

    def close(self) -> None:
        self.client.request_session.close()


def _classify(error: APIError) -> Exception:
    status = error.status_code
    detail = f"Notify {status}: {error.message!s}"[:300]
    if status == 429 or status >= 500 or error.response is None:
        return TemporaryFailure(detail, retry_after(error.response))
    if status in (401, 403):
        # A wrong or revoked key is an operator's fix; the messages wait for it (given up only by age).
        return TemporaryFailure(detail)
    return PermanentFailure(detail)
