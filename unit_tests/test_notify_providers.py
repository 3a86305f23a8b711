"""The providers against real servers on loopback: SMTP (aiosmtpd) and a fake GOV.UK Notify with JWT auth."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shared.domain.enums import MessageChannel
from shared.notify.base import ChannelUnsupported, Outgoing, PermanentFailure, TemporaryFailure, one_line
from shared.notify.govuk_notify import NotifyProvider
from shared.notify.log import LogProvider
from shared.notify.smtp import SmtpProvider
from unit_tests.mail_servers import API_KEY, FakeNotify, SmtpSink, free_port

NASTY = "Hello\r\nBcc: victim@example.com\nX-Evil: 1\u2028Line\u2029Para\x85Next\x0bTab\u200b"


def outgoing(**fields) -> Outgoing:
    values = {"id": 1, "reference": "msg-0123456789abcdef0123", "channel": MessageChannel.EMAIL,
              "recipient": "jane@example.com", "recipient_name": "Jane Williams", "subject": "Your complaint",
              "body": "Dear Jane,\n\nLine two.\n", "locale": "en", "attempts": 1,
              "queued_at": datetime(2026, 12, 14, 9, tzinfo=UTC)}
    values.update(fields)
    return Outgoing(**values)


def smtp_provider(sink: SmtpSink, **options) -> SmtpProvider:
    return SmtpProvider("127.0.0.1", sink.port, sender="complaints@redbury.gov.uk", sender_name="Redbury Council",
                        timeout=5, **options)


def test_one_line_removes_every_kind_of_line_break_and_control_character():
    cleaned = one_line(NASTY)
    assert cleaned == "Hello Bcc: victim@example.com X-Evil: 1 Line Para Next Tab"
    for bad in ("\r", "\n", "\u2028", "\u2029", "\x85", "\x0b", "\u200b"):
        assert bad not in cleaned


def test_smtp_delivers_with_the_stable_reference_in_message_id_and_header():
    with SmtpSink() as sink:
        provider = smtp_provider(sink)
        provider_reference = provider.send(outgoing(body="Dear Jane,\n\nYour reference is RDR-AAAA-BBBB.\n"))
        provider.close()
    [received] = sink.received
    assert received["X-Redress-Reference"] == "msg-0123456789abcdef0123"
    assert received["Message-ID"] == "<msg-0123456789abcdef0123@redbury.gov.uk>" == provider_reference
    assert received["To"] == "Jane Williams <jane@example.com>"
    assert received["From"] == "Redbury Council <complaints@redbury.gov.uk>"
    assert received["Subject"] == "Your complaint"
    assert received["Auto-Submitted"] == "auto-generated"
    assert "RDR-AAAA-BBBB" in received.get_content()


def test_smtp_reuses_one_connection_for_a_batch():
    with SmtpSink() as sink:
        provider = smtp_provider(sink)
        provider.send(outgoing(reference="msg-1"))
        connection = provider._connection
        provider.send(outgoing(reference="msg-2"))
        assert provider._connection is connection
        provider.close()
    assert sink.references() == ["msg-1", "msg-2"]


def test_smtp_header_injection_is_impossible_through_subject_or_name():
    with SmtpSink() as sink:
        provider = smtp_provider(sink)
        provider.send(outgoing(subject=NASTY, recipient_name="Jane\r\nBcc: victim@example.com\u2028"))
        provider.close()
    [received] = sink.received
    assert received["Bcc"] is None and received["X-Evil"] is None
    assert received["Subject"] == one_line(NASTY)
    assert "\n" not in received["To"] and "victim@example.com" not in [a.addr_spec for a in received["To"].addresses]
    assert [a.addr_spec for a in received["To"].addresses] == ["jane@example.com"]


@pytest.mark.parametrize("recipient", ["jane@example.com\r\nBcc: x@example.com", "jane@example.com\u2028",
                                       "not an address", "two@example.com, three@example.com"])
def test_smtp_refuses_a_recipient_that_is_not_one_address(recipient):
    with SmtpSink() as sink, pytest.raises(PermanentFailure):
        smtp_provider(sink).send(outgoing(recipient=recipient))
    assert sink.received == []


def test_smtp_4xx_is_temporary_and_5xx_permanent():
    with SmtpSink() as sink:
        provider = smtp_provider(sink)
        sink.refuse_with = "451 4.3.0 Mailbox busy, try later"
        with pytest.raises(TemporaryFailure, match="451"):
            provider.send(outgoing())
        sink.refuse_with = "550 5.1.1 No such user"
        with pytest.raises(PermanentFailure, match="550"):
            provider.send(outgoing())
        sink.refuse_with = None
        provider.send(outgoing())  # the same connection still works after a refusal
        provider.close()
    assert len(sink.received) == 1


def test_smtp_server_down_is_temporary():
    provider = SmtpProvider("127.0.0.1", free_port(), sender="complaints@redbury.gov.uk", timeout=2)
    with pytest.raises(TemporaryFailure, match="cannot reach"):
        provider.send(outgoing())


def test_smtp_cannot_send_texts_or_letters():
    provider = SmtpProvider("127.0.0.1", free_port(), sender="complaints@redbury.gov.uk")
    for channel in (MessageChannel.SMS, MessageChannel.LETTER):
        with pytest.raises(ChannelUnsupported):
            provider.send(outgoing(channel=channel))


def test_log_provider_sends_email_and_text_and_leaves_letters_to_print(caplog):
    provider = LogProvider()
    with caplog.at_level("INFO", logger="redress.mail"):
        assert provider.send(outgoing()) == "log-msg-0123456789abcdef0123"
    assert "msg-0123456789abcdef0123" in caplog.text
    with pytest.raises(ChannelUnsupported):
        provider.send(outgoing(channel=MessageChannel.LETTER))


# --- GOV.UK Notify ---------------------------------------------------------------------------------


def notify_provider(server: FakeNotify, key: str = API_KEY) -> NotifyProvider:
    return NotifyProvider(key, server.url, email_template_id="email-template", sms_template_id="sms-template",
                          letter_template_id="letter-template", timeout=5)


def test_notify_email_sms_and_letter_carry_the_reference_through_one_generic_template():
    with FakeNotify() as server:
        provider = notify_provider(server)
        assert provider.send(outgoing(subject=NASTY)) == "notify-1"
        provider.send(outgoing(channel=MessageChannel.SMS, recipient="07700900982", reference="msg-sms"))
        provider.send(outgoing(channel=MessageChannel.LETTER, recipient="1 High Street\nRedbury\nRB1 1AA",
                               reference="msg-letter"))
    email, sms, letter = server.received
    assert email["kind"] == "email" and email["email_address"] == "jane@example.com"
    assert email["template_id"] == "email-template" and email["reference"] == "msg-0123456789abcdef0123"
    assert email["personalisation"] == {"subject": one_line(NASTY), "body": "Dear Jane,\n\nLine two.\n"}
    assert sms["kind"] == "sms" and sms["phone_number"] == "07700900982" and sms["reference"] == "msg-sms"
    assert letter["kind"] == "letter" and letter["reference"] == "msg-letter"
    assert {k: v for k, v in letter["personalisation"].items() if k.startswith("address")} == {
        "address_line_1": "Jane Williams", "address_line_2": "1 High Street", "address_line_3": "Redbury",
        "address_line_4": "RB1 1AA"}


def test_notify_429_is_temporary_with_its_retry_after():
    with FakeNotify() as server:
        server.script.append((429, {"Retry-After": "120"}, {"errors": [{"error": "RateLimitError"}]}))
        with pytest.raises(TemporaryFailure) as raised:
            notify_provider(server).send(outgoing())
    assert raised.value.retry_after == 120 and "429" in raised.value.message


@pytest.mark.parametrize("status", [500, 503])
def test_notify_5xx_is_temporary(status):
    with FakeNotify() as server:
        server.script.append((status, {}, {"errors": [{"error": "Exception"}]}))
        with pytest.raises(TemporaryFailure):
            notify_provider(server).send(outgoing())


def test_notify_400_is_permanent():
    with FakeNotify() as server:
        server.script.append((400, {}, {"errors": [{"error": "BadRequestError", "message": "Not a valid email"}]}))
        with pytest.raises(PermanentFailure, match="400"):
            notify_provider(server).send(outgoing())


def test_notify_checks_the_jwt_so_a_wrong_key_is_refused():
    wrong = API_KEY[:-36] + "00000000-0000-0000-0000-000000000000"
    with FakeNotify() as server:
        with pytest.raises(TemporaryFailure, match="403"):
            notify_provider(server, wrong).send(outgoing())
        assert server.received == []


def test_notify_down_is_temporary():
    provider = NotifyProvider(API_KEY, f"http://127.0.0.1:{free_port()}", email_template_id="t", timeout=2)
    with pytest.raises(TemporaryFailure):
        provider.send(outgoing())


def test_notify_letter_without_a_full_address_is_permanent():
    with FakeNotify() as server, pytest.raises(PermanentFailure, match="postal address"):
        notify_provider(server).send(outgoing(channel=MessageChannel.LETTER, recipient="Redbury"))


def test_notify_without_a_letter_template_leaves_letters_to_print():
    with FakeNotify() as server:
        provider = NotifyProvider(API_KEY, server.url, email_template_id="email-template")
        with pytest.raises(ChannelUnsupported):
            provider.send(outgoing(channel=MessageChannel.LETTER, recipient="1 High St\nRedbury\nRB1 1AA"))


# --- settings and the choice of provider -------------------------------------------------------------


def test_settings_choose_and_configure_the_provider(tmp_path):
    from shared.config import ConfigError, load_settings
    from shared.notify import provider_for

    base = {"REDRESS_INSTANCE_PATH": str(tmp_path)}
    assert isinstance(provider_for(load_settings(base)), LogProvider)
    smtp = provider_for(load_settings({**base, "REDRESS_MAIL_BACKEND": "smtp", "REDRESS_SMTP_HOST": "mail.example",
                                       "REDRESS_SMTP_PORT": "587", "REDRESS_SMTP_STARTTLS": "yes",
                                       "REDRESS_SMTP_USERNAME": "u", "REDRESS_MAIL_FROM_NAME": "Redbury\r\nBcc: x"}))
    assert (smtp.host, smtp.port, smtp.starttls, smtp.username) == ("mail.example", 587, True, "u")
    assert smtp.sender.display_name == "Redbury Bcc: x"
    notify = provider_for(load_settings({**base, "REDRESS_MAIL_BACKEND": "notify", "REDRESS_NOTIFY_API_KEY": API_KEY,
                                         "REDRESS_NOTIFY_EMAIL_TEMPLATE_ID": "e", "REDRESS_NOTIFY_SMS_TEMPLATE_ID": "s"}))
    assert notify.channels == {MessageChannel.EMAIL, MessageChannel.SMS}
    with pytest.raises(ConfigError, match="REDRESS_NOTIFY_API_KEY"):
        load_settings({**base, "REDRESS_MAIL_BACKEND": "notify", "REDRESS_NOTIFY_EMAIL_TEMPLATE_ID": "e"})
    with pytest.raises(ConfigError, match="REDRESS_NOTIFY_EMAIL_TEMPLATE_ID"):
        load_settings({**base, "REDRESS_MAIL_BACKEND": "notify", "REDRESS_NOTIFY_API_KEY": API_KEY})
    with pytest.raises(ConfigError, match="log, smtp or notify"):
        load_settings({**base, "REDRESS_MAIL_BACKEND": "pigeon"})
    with pytest.raises(ConfigError, match="REDRESS_OUTBOX_MAX_ATTEMPTS"):
        load_settings({**base, "REDRESS_OUTBOX_MAX_ATTEMPTS": "many"})
    settings = load_settings({**base, "REDRESS_OUTBOX_GIVE_UP_HOURS": "2", "REDRESS_OUTBOX_LEASE_SECONDS": "60"})
    from shared.notify.worker import Policy

    policy = Policy.from_settings(settings)
    assert policy.give_up_after.total_seconds() == 7200 and policy.lease.total_seconds() == 60
