"""Delivery of outbox messages: the providers (log, SMTP, GOV.UK Notify) and the worker that drives them."""

from __future__ import annotations

from shared.config import Settings
from shared.notify.base import Provider


def _council_name() -> str:
    from shared.services.council import council

    return council().english_name


def provider_for(settings: Settings) -> Provider:
    """The provider REDRESS_MAIL_BACKEND names, configured from the settings."""
    if settings.mail_backend == "smtp":
        from shared.notify.smtp import SmtpProvider

        return SmtpProvider(
            settings.smtp_host, settings.smtp_port, sender=settings.mail_from,
            sender_name=settings.mail_from_name or _council_name, username=settings.smtp_username,
            password=settings.smtp_password, starttls=settings.smtp_starttls, timeout=settings.smtp_timeout,
        )
    if settings.mail_backend == "notify":
        from shared.notify.govuk_notify import NotifyProvider

        return NotifyProvider(
            settings.notify_api_key, settings.notify_base_url, email_template_id=settings.notify_email_template_id,
            sms_template_id=settings.notify_sms_template_id, letter_template_id=settings.notify_letter_template_id,
            email_reply_to_id=settings.notify_email_reply_to_id,
        )
    from shared.notify.log import LogProvider

    return LogProvider()
