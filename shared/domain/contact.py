"""How we write to a person: the channel and address, from what they chose, what we hold for them
and the adjustments in their register that fix a channel. Pure logic: callers read the person, the
case and the register (shared/services/notifications.py `contact_and_effects`)."""

from __future__ import annotations

from shared.domain.enums import ContactMethod, MessageChannel


def choose(method: ContactMethod | None, *, email: str | None, phone: str | None, address: str | None,
           effects: frozenset[str]) -> tuple[MessageChannel, str] | None:
    """An adjustment that fixes the channel (shared/domain/adjustments.py `correspondence_effects`),
    then the chosen method, falling back to whatever we have: email, post, text. None when we have
    no way to write to them."""
    if "email_only" in effects and email:
        return MessageChannel.EMAIL, email
    if "phone_only" in effects and phone:
        return MessageChannel.SMS, phone
    if "large_print" in effects and address:
        return MessageChannel.LETTER, address
    if method is ContactMethod.TEXT and phone:
        return MessageChannel.SMS, phone
    if method is ContactMethod.POST and address:
        return MessageChannel.LETTER, address
    if email:
        return MessageChannel.EMAIL, email
    if address:
        return MessageChannel.LETTER, address
    if phone:
        return MessageChannel.SMS, phone
    return None
