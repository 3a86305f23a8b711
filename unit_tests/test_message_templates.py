"""Admins' own wording for outgoing messages: the catalogue against the mail templates, the checks
and the sandbox, what the outbox stores with and without an override (and that a subject stays one
line), the admin pages with preview, history and reset; and the messages added with them (an
answer to an information request, a request for the next stage, a message to the resident by their
channel)."""

from __future__ import annotations

import html
import re
from datetime import date
from pathlib import Path

import pytest
from babel.dates import format_date
from jinja2 import meta
from sqlalchemy import select, text

from shared import clock
from shared.clock import utcnow
from shared.db import db
from shared.domain.enums import CaseStatus, ContactMethod, MessageChannel, Ombudsman, Role
from shared.models import AuditEvent, Case, CaseStage, InformationRequest, MessageTemplateOverride
from shared.services import correspondence, information, message_templates, resident_actions
from shared.services.message_catalogue import FIXED, MESSAGES, PLACEHOLDERS, SAMPLE_REFERENCE, sample_context
from shared.services.message_wording import Wording, WordingProblem, check
from unit_tests.test_notifications import MONDAY, in_service, load, messages, user
from unit_tests.test_route_access import quick_sign_in

MAIL = Path(__file__).resolve().parent.parent / "shared" / "templates" / "shared" / "mail"
ACK = MESSAGES["case_acknowledged"]
EDIT_URL = "/staff/admin/messages/case_acknowledged/cy"
GOOD_BODY = "Annwyl {{ name }},\n\n{% if case_url %}\nDilynwch eich cwyn:\n\n{{ case_url }}\n{% endif %}\n"


@pytest.fixture
def people(app, make):
    clock.set_now(MONDAY)
    service = make.service("bins", "Waste and recycling")
    return {
        "service": service,
        "officer": make.user(Role.OFFICER, full_name="Olive Officer"),
        "manager": make.user(Role.MANAGER, full_name="Mo Manager"),
        "manager2": make.user(Role.MANAGER, full_name="Meg Manager"),
        "admin": make.user(Role.ADMIN, full_name="Ada Admin"),
        "responder": make.user(Role.RESPONDER, service_id=service.id, full_name="Rita Responder"),
    }


@pytest.fixture(autouse=True)
def _no_saved_wording_afterwards():
    """Wording is cached per process; each test's transaction is rolled back, so the database ends
    every test with none saved, and the cache must say so (without a query in the next test)."""
    yield
    message_templates._keep(db.engine, [])


def lines(text: str) -> list[str]:
    """The text's lines without blank ones: the standard templates' spacing varies a little."""
    return [line for line in text.splitlines() if line.strip()]


def save(app, session, message_name: str, locale: str, subject: str, body: str, actor) -> None:
    def work():
        message_templates.save(MESSAGES[message_name], locale, Wording(subject, body), user(actor.id))
        db.session.commit()

    with app.test_request_context():
        work()


# --- the catalogue --------------------------------------------------------------------------------


def test_every_mail_template_is_in_the_catalogue():
    on_disk = {path.stem for path in MAIL.glob("*.txt") if not path.name.startswith("_")}
    assert on_disk == set(MESSAGES) | set(FIXED)
    assert not set(MESSAGES) & set(FIXED)


@pytest.mark.parametrize("name", sorted(MESSAGES))
def test_each_message_offers_exactly_the_values_its_template_uses(app, name):
    message = MESSAGES[name]
    with app.test_request_context():
        source = message_templates.standard_source(message)
        used = meta.find_undeclared_variables(app.jinja_env.parse(source))
    # The council's name comes from the `council` every template is given (or a caller's council_name).
    uses_council = bool(used & {"council", "council_name"})
    used -= {"_", "gettext", "ngettext", "config", "council", "council_name", "channel"}
    assert used == set(message.placeholders) - {"council"}
    assert uses_council or "council" in message.placeholders
    for placeholder in message.placeholders:
        assert str(PLACEHOLDERS[placeholder].meaning)


@pytest.mark.parametrize("locale", ["en", "cy"])
@pytest.mark.parametrize("empty", [False, True], ids=["with-values", "optional-values-empty"])
@pytest.mark.parametrize("name", sorted(MESSAGES))
def test_the_standard_wording_saved_as_an_override_sends_the_same_message(app, name, locale, empty):
    """The page offers the standard wording to start from: unchanged, it must send what the template does."""
    message = MESSAGES[name]
    with app.test_request_context():
        context = sample_context(message)
        if empty:
            context.update({key: None for key in ("case_url", "respond_by", "reason", "acknowledge_by") if key in context})
            if "ombudsman" in context:
                context["ombudsman"] = Ombudsman.NONE
        wording = message_templates.standard_wording(message, locale)
        assert check(message, wording.subject, wording.body) == {}
        assert "{{" in wording.subject + wording.body or not message.placeholders
        standard = message_templates.compose(name, locale, context, wording=None)
        overridden = message_templates.compose(name, locale, context, wording=wording)
    assert overridden[0] == standard[0]
    assert lines(overridden[1]) == lines(standard[1])


def test_the_welsh_starting_point_is_in_welsh_with_placeholders(app):
    with app.test_request_context():
        wording = message_templates.standard_wording(ACK, "cy")
    assert wording.subject == "Rydym yn ymchwilio i'ch cwyn {{ reference }}"
    assert wording.body.startswith("Annwyl {{ name }},")
    assert "{% if respond_by %}\n" in wording.body and "{{ case_url }}\n" in wording.body


# --- checking -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("field", "text", "problem"), [
    ("body", "Dear {{ nmae }}\n{{ case_url }}", "Remove {{ nmae }}: this message has no placeholder called nmae"),
    ("body", "Dear {{ name }\n{{ case_url }}", "Check the placeholders and instructions on line 1"),
    ("body", "Hello\n\nDear {{ name\n{{ case_url }}", "Check the placeholders and instructions on line"),
    ("body", "{{ name | upper }}\n{{ case_url }}", "Check the placeholder on line 1: write it as {{ name }}"),
    ("body", "{{ name.__class__ }}\n{{ case_url }}", "Check the placeholder on line 1"),
    ("body", "{{ name.upper() }}\n{{ case_url }}", "Check the placeholder on line 1"),
    ("body", "{{ ''.__class__.__mro__[1].__subclasses__() }}\n{{ case_url }}", "Check the placeholder on line 1"),
    ("body", "{{ cycler.__init__.__globals__.os }}\n{{ case_url }}", "Check the placeholder on line 1"),
    ("body", "{{ config }}\n{{ case_url }}", "Remove {{ config }}"),
    ("body", "{{ self }}\n{{ case_url }}", "Remove {{ self }}"),
    ("body", "{{ lipsum }}\n{{ case_url }}", "Remove {{ lipsum }}"),
    ("body", "{% for x in range(3) %}\nx\n{% endfor %}\n{{ case_url }}", "Remove the instruction on line 1"),
    ("body", "{% set x = 1 %}\n{{ case_url }}", "Remove the instruction on line 1"),
    ("body", "{% include 'shared/layout.html' %}\n{{ case_url }}", "Remove the instruction on line 1"),
    ("body", "{% raw %}\n{{ case_url }}\n{% endraw %}\n{{ case_url }}", "Remove the instruction on line 1"),
    ("body", "{% if name.x %}\nx\n{% endif %}\n{{ case_url }}", "{% if %} can only test one placeholder"),
    ("body", "{% if nobody %}\nx\n{% endif %}\n{{ case_url }}", "Remove {{ nobody }}"),
    ("body", "Sign in at https://evil.example/login\n{{ case_url }}", "Remove the web address on line 1"),
    ("body", "Hi\nSee www.evil.example\n{{ case_url }}", "Remove the web address on line 2"),
    ("body", "Follow it here: {{ case_url }}", "Put {{ case_url }} on a line of its own"),
    ("body", "{{ case_url }}.evil.example", "Put {{ case_url }} on a line of its own"),
    ("body", "Go to {% if case_url %}\n{{ case_url }}\n{% endif %}", "Put the instruction on line 1 on a line of its own"),
    ("body", "{{- case_url }}", "Remove the “-” or “+” inside the curly brackets"),
    ("body", "Dear {{ name }}, no link", "Add {{ case_url }} on a line of its own: this message must include it"),
    ("body", "   ", "Enter the message"),
    ("body", "x" * 5001 + "\n{{ case_url }}", "The message must be 5,000 characters or fewer"),
    ("subject", "", "Enter the subject"),
    ("subject", "Your complaint\r\nBcc: everyone@example.com", "The subject must be on one line"),
    ("subject", "Your complaint\u2028Bcc: everyone@example.com", "The subject must be on one line"),
    ("subject", "Your complaint\x85Bcc: everyone@example.com", "The subject must be on one line"),
    ("subject", "See {{ case_url }}", "Remove {{ case_url }} from the subject"),
    ("subject", "{% if reference %}{{ reference }}{% endif %}", "Remove the instruction in {% %} from the subject"),
    ("subject", "Your complaint {{ refrence }}", "Remove {{ refrence }}"),
    ("subject", "Your complaint {{ reference", "Check the placeholders in the subject"),
    ("subject", "Visit https://evil.example", "Remove the web address"),
    ("subject", "x" * 201, "The subject must be 200 characters or fewer"),
])
def test_wording_that_could_misbehave_is_refused_with_the_reason(app, field, text, problem):
    subject, body = ("Complaint {{ reference }}", text) if field == "body" else (text, GOOD_BODY)
    with app.test_request_context():
        found = check(ACK, subject, body)
        assert set(found) == {field}, found
        assert any(problem in message for message in found[field]), found
        with pytest.raises(WordingProblem):
            message_templates.render(ACK, Wording(subject, body), sample_context(ACK), "cy")


def test_placeholders_and_optional_parts_are_filled_as_plain_text(app):
    body = ("Dear {{ name }},\n{% if respond_by %}\nBy {{ respond_by }}.\n{% else %}\nSoon.\n{% endif %}\n"
            "{% if not case_url %}\nNo link.\n{% endif %}\n{{ case_url }}\n")
    with app.test_request_context():
        assert check(ACK, "Hi {{ name }}", body) == {}
        context = {**sample_context(ACK), "name": "<b>Jo & Co</b>"}
        subject, text = message_templates.compose("case_acknowledged", "en", context, wording=Wording("Hi {{ name }}", body))
        _subject, without = message_templates.compose("case_acknowledged", "cy", {**context, "respond_by": None},
                                                      wording=Wording("Hi {{ name }}", body))
    assert subject == "Hi <b>Jo & Co</b>"  # text, not HTML: nothing escaped
    assert text == f"Dear <b>Jo & Co</b>,\nBy 29 January 2027.\n{context['case_url']}"
    assert without == f"Dear <b>Jo & Co</b>,\nSoon.\n{context['case_url']}"


# --- what the outbox stores -----------------------------------------------------------------------


def _welsh_case(make, people, **fields):
    resident = make.user(Role.RESIDENT, full_name="Siân Jones", locale="cy", **fields)
    return make.case(resident, people["service"], status=CaseStatus.TRIAGED)


def test_a_saved_wording_is_what_the_outbox_stores_and_only_in_its_language(app, make, people, session):
    from shared.services import casework

    save(app, session, "case_acknowledged", "cy", "Cwyn {{ reference }} ({{ council }})",
         "Annwyl {{ name }},\n\nErbyn {{ respond_by }}.\n\n{{ case_url }}\n", people["admin"])
    welsh = _welsh_case(make, people)
    english = make.case(make.user(Role.RESIDENT, locale="en"), people["service"], status=CaseStatus.TRIAGED)
    for case in (welsh, english):
        in_service(app, lambda case=case: casework.acknowledge(load(case.id), user(people["officer"].id), None))

    [cy] = messages(session, "case_acknowledged", case_id=welsh.id)
    [en] = messages(session, "case_acknowledged", case_id=english.id)
    respond_by = session.get(Case, welsh.id).respond_by
    council = app.config["SETTINGS"].council_name
    assert cy.subject == f"Cwyn {welsh.reference} ({council})"
    assert cy.body.startswith(f"Annwyl Siân Jones,\n\nErbyn {format_date(respond_by, 'd MMMM y', locale='cy')}.\n\n")
    assert cy.body.endswith(f"http://localhost/cases/{welsh.reference}")  # the application's link, on its own line
    assert en.subject == f"We are looking into your complaint {english.reference}"  # English: still the standard


def test_the_subject_stays_one_line_whatever_the_values_hold(app, make, people, session):
    from shared.services import casework

    save(app, session, "case_acknowledged", "cy", "Helo {{ name }} {{ reference }}", GOOD_BODY, people["admin"])
    case = _welsh_case(make, people)
    session.execute(text("UPDATE users SET full_name = :name WHERE id = :id"),
                    {"name": "Eve\r\nBcc: everyone@example.com\u2028X-Spam: yes", "id": case.resident_id})
    session.commit()
    in_service(app, lambda: casework.acknowledge(load(case.id), user(people["officer"].id), None))
    [message] = messages(session, "case_acknowledged")
    assert message.subject == f"Helo Eve Bcc: everyone@example.com X-Spam: yes {case.reference}"
    assert not re.search(r"[\r\n\u2028\u2029\x85]", message.subject + (message.recipient_name or ""))


def test_wording_that_fails_the_check_when_sent_falls_back_to_the_standard_wording(app, make, people, session, caplog):
    """Saved before a placeholder was withdrawn, or written to the table by hand: the person still
    gets the standard message, and a line in the log says why."""
    from shared.services import casework

    session.add(MessageTemplateOverride(template="case_acknowledged", locale="cy", updated_at=utcnow(),
                                        subject="Helo\r\nBcc: everyone@example.com", body="{{ config.SECRET_KEY }}"))
    session.commit()
    message_templates.forget()
    case = _welsh_case(make, people)
    in_service(app, lambda: casework.acknowledge(load(case.id), user(people["officer"].id), None))
    [message] = messages(session, "case_acknowledged")
    assert message.subject.startswith("Rydym yn ymchwilio i'ch cwyn")
    assert "SECRET" not in message.body and "Bcc" not in message.subject
    assert "admin's wording not usable" in caplog.text


def test_composing_messages_reads_no_saved_wording_per_request(app, make, people, session):
    save(app, session, "case_acknowledged", "cy", "Cwyn {{ reference }}", GOOD_BODY, people["admin"])
    with app.test_request_context():
        message_templates.override_for("case_acknowledged", "cy")  # read once, after the save
    with app.test_request_context():
        from flask import g

        g.query_count = 0
        assert message_templates.override_for("case_acknowledged", "cy") == Wording("Cwyn {{ reference }}", GOOD_BODY)
        assert message_templates.override_for("case_closed", "cy") is None
        assert g.query_count == 0


# --- the admin pages ------------------------------------------------------------------------------


@pytest.fixture
def admin_client(app, session, people):
    client = app.test_client()
    quick_sign_in(client, session, people["admin"])
    return client


def _post(client, url: str, **data):
    return client.post(url, data={"csrf_token": client.csrf_token(EDIT_URL), **data})


def _rows(session) -> list[MessageTemplateOverride]:
    session.expire_all()
    return list(session.scalars(select(MessageTemplateOverride)))


def _history(session) -> list[AuditEvent]:
    session.expire_all()
    return list(session.scalars(select(AuditEvent).where(AuditEvent.subject_type == "message_template")
                                .order_by(AuditEvent.id)))


def _main(response) -> str:
    body = response.get_data(as_text=True)
    return html.unescape(body[body.index("<main"):body.index("</main>")])


def test_the_list_shows_every_message_and_which_are_customised(admin_client, app, session, people):
    save(app, session, "case_acknowledged", "cy", "Cwyn {{ reference }}", GOOD_BODY, people["admin"])
    response = admin_client.get("/staff/admin/messages")
    page = _main(response)
    assert response.status_code == 200
    for message in MESSAGES.values():
        assert str(message.title) in page
    row = page[page.index("Complaint acknowledged"):]
    row = row[:row.index("</tr>")]
    assert row.count("Customised") == 1 and row.index("Standard") < row.index("Customised")  # English, then Welsh
    assert page.count("Customised") == 1
    assert 'href="/staff/admin/messages/case_acknowledged/cy"' in page


def test_the_edit_page_starts_from_the_standard_welsh_wording_and_lists_the_placeholders(admin_client):
    response = admin_client.get(EDIT_URL)
    page = _main(response)
    assert response.status_code == 200
    assert "Complaint acknowledged in Welsh" in page and "Standard" in page
    assert "Rydym yn ymchwilio i'ch cwyn {{ reference }}" in page
    assert "Annwyl {{ name }}," in page and 'lang="cy"' in page
    for name in ACK.placeholders:
        assert "{{ " + name + " }}" in page
        assert str(PLACEHOLDERS[name].meaning) in page
    assert "Use the standard wording" not in page  # nothing to reset yet


def test_an_unknown_placeholder_is_refused_and_what_was_typed_kept(admin_client, session):
    response = _post(admin_client, EDIT_URL, subject="Cwyn {{ cyfeirnod }}", body=GOOD_BODY, submit="Save")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in page and "<title>Error:" in page
    assert "Remove {{ cyfeirnod }}: this message has no placeholder called cyfeirnod" in html.unescape(page)
    assert 'value="Cwyn {{ cyfeirnod }}"' in html.unescape(page)
    assert "Dilynwch eich cwyn:" in page
    assert _rows(session) == [] and _history(session) == []


def test_preview_shows_exactly_what_would_be_sent_and_saves_nothing(admin_client, app, session):
    subject = "Cwyn {{ reference }}\u2003gan {{ council }}"
    response = _post(admin_client, EDIT_URL, subject=subject, body=GOOD_BODY, preview="Preview")
    page = _main(response)
    assert response.status_code == 200
    council = app.config["SETTINGS"].council_name
    with app.test_request_context():
        expected = message_templates.compose("case_acknowledged", "cy", sample_context(ACK),
                                             wording=Wording(subject, GOOD_BODY))
    assert expected[0] == f"Cwyn {SAMPLE_REFERENCE} gan {council}"  # one line, spaces as the outbox keeps them
    assert f'id="preview-subject">{expected[0]}<' in page
    assert f'id="preview-body">{expected[1]}<' in page
    assert f"http://localhost/cases/{SAMPLE_REFERENCE}" in expected[1]
    assert "Your wording has not been saved yet" in page
    assert f'value="{subject}"' in page  # still in the form, to change or save
    assert _rows(session) == [] and _history(session) == []


def test_saving_replaces_the_standard_wording_and_records_who_and_what(admin_client, session, people):
    response = _post(admin_client, EDIT_URL, subject="Cwyn {{ reference }}", body=GOOD_BODY, submit="Save")
    assert response.status_code == 302 and response.location.endswith("/staff/admin/messages")
    [row] = _rows(session)
    assert (row.template, row.locale, row.subject, row.body) == ("case_acknowledged", "cy", "Cwyn {{ reference }}",
                                                                 GOOD_BODY)
    assert row.updated_by_id == people["admin"].id
    [event] = _history(session)
    assert (event.action, event.actor_id, event.subject_id) == ("message_template.saved", people["admin"].id, row.id)
    assert event.details == {"template": "case_acknowledged", "locale": "cy", "from": None,
                             "to": {"subject": "Cwyn {{ reference }}", "body": GOOD_BODY}}
    assert "is saved. Messages use it from now on." in _main(admin_client.get("/staff/admin/messages"))

    # the same text again changes nothing and records nothing
    _post(admin_client, EDIT_URL, subject="Cwyn {{ reference }}", body=GOOD_BODY, submit="Save")
    assert len(_history(session)) == 1

    changed = GOOD_BODY.replace("Dilynwch", "Darllenwch")
    _post(admin_client, EDIT_URL, subject="Cwyn {{ reference }}", body=changed, submit="Save")
    first, second = _history(session)
    assert second.details["from"] == {"subject": "Cwyn {{ reference }}", "body": GOOD_BODY}
    assert second.details["to"]["body"] == changed

    page = _main(admin_client.get(EDIT_URL))
    assert "Customised" in page and "Darllenwch eich cwyn:" in page
    assert page.index("Changed the wording") < page.index("Replaced the standard wording")  # newest first
    assert people["admin"].full_name in page and "Wording before" in page and "Dilynwch eich cwyn:" in page


def test_reset_goes_back_to_the_standard_wording_and_keeps_the_history(admin_client, app, session, people):
    save(app, session, "case_acknowledged", "cy", "Cwyn {{ reference }}", GOOD_BODY, people["admin"])
    page = _main(admin_client.get(EDIT_URL))
    assert "Use the standard wording" in page
    response = _post(admin_client, f"{EDIT_URL}/reset")
    assert response.status_code == 302 and response.location.endswith("/staff/admin/messages")
    [row] = _rows(session)
    assert row.subject is None and row.body is None and not row.customised
    saved, reset = _history(session)
    assert (reset.action, reset.subject_id) == ("message_template.reset", row.id)
    assert reset.details["from"] == {"subject": "Cwyn {{ reference }}", "body": GOOD_BODY} and reset.details["to"] is None
    with app.test_request_context():
        assert message_templates.override_for("case_acknowledged", "cy") is None
    page = _main(admin_client.get(EDIT_URL))
    assert "Rydym yn ymchwilio i'ch cwyn {{ reference }}" in page and "Went back to the standard wording" in page

    again = _post(admin_client, f"{EDIT_URL}/reset")  # already standard: nothing to record
    assert again.status_code == 302 and len(_history(session)) == 2


@pytest.mark.parametrize("url", ["/staff/admin/messages/no_such_message/cy", "/staff/admin/messages/case_closed/fr",
                                 "/staff/admin/messages/_staff_digest/en"])
def test_unknown_messages_and_languages_are_not_found(admin_client, url):
    assert admin_client.get(url).status_code == 404
    assert _post(admin_client, url + "/reset").status_code == 404


@pytest.mark.parametrize("role", [Role.OFFICER, Role.MANAGER, Role.AGENT, Role.RESPONDER])
def test_only_admins_may_change_wording(app, session, make, people, role):
    client = app.test_client()
    quick_sign_in(client, session, make.user(role))
    assert client.get(EDIT_URL).status_code == 403
    token = client.csrf_token("/sign-in")
    response = client.post(EDIT_URL, data={"csrf_token": token, "subject": "x {{ reference }}", "body": GOOD_BODY})
    assert response.status_code == 403 and _rows(session) == []


def test_the_admin_navigation_links_to_messages(admin_client):
    page = admin_client.get("/staff/admin/response-templates").get_data(as_text=True)
    header = page[:page.index("<main")]
    assert re.search(r'<a[^>]*href="/staff/admin/messages"[^>]*>\s*Messages\s*</a>', header)


# --- the messages added with this -----------------------------------------------------------------


def test_an_answer_to_an_information_request_tells_the_cases_officer(app, make, people, session):
    resident = make.user(Role.RESIDENT)
    case = make.case(resident, people["service"], status=CaseStatus.WITH_TEAM, officer_id=people["officer"].id)
    request = InformationRequest(case_id=case.id, stage=1, service_id=people["service"].id,
                                 requested_by_id=people["manager"].id, question="Was the bin out?",
                                 due_on=date(2026, 12, 21), requested_at=case.received_at)
    session.add(request)
    session.commit()

    def work():
        responder = user(people["responder"].id)
        information.answer(information.request_for(responder, request.id), responder, "Yes, it was out by 7am.")

    in_service(app, work)
    [message] = messages(session, "information_answered")
    assert message.recipient == people["officer"].email and message.user_id == people["officer"].id
    assert case.reference in message.subject and f"/staff/cases/{case.reference}" in message.body
    assert "7am" not in message.body and "Was the bin out" not in message.body


def test_an_answer_goes_to_whoever_asked_when_the_case_has_no_officer_and_not_to_the_answerer(app, make, people,
                                                                                             session):
    case = make.case(make.user(Role.RESIDENT), people["service"], status=CaseStatus.TRIAGED)
    first, second = (InformationRequest(case_id=case.id, stage=1, service_id=people["service"].id,
                                        requested_by_id=asker.id, question="?", due_on=date(2026, 12, 21),
                                        requested_at=case.received_at)
                     for asker in (people["manager"], people["officer"]))
    session.add_all([first, second])
    session.commit()
    for request, who, text_ in ((first, "responder", "Answer one."), (second, "officer", "I found it myself.")):
        in_service(app, lambda request=request, who=who, text_=text_: information.answer(
            information.request_for(user(people[who].id), request.id), user(people[who].id), text_))
    [message] = messages(session, "information_answered")
    assert message.user_id == people["manager"].id


def _asked_for_escalation(app, make, people, session, *, handler=None, officer=None):
    resident = make.user(Role.RESIDENT)
    case = make.case_with_response(resident, people["service"], officer=officer or people["officer"])
    session.execute(CaseStage.__table__.update().where(CaseStage.case_id == case.id)
                    .values(handler_id=handler.id if handler else None))
    if officer is None and handler is None:
        session.execute(Case.__table__.update().where(Case.id == case.id).values(officer_id=None))
    session.commit()
    in_service(app, lambda: resident_actions.request_escalation(load(case.id), user(resident.id), None,
                                                                "You ignored my photos."))
    session.expire_all()
    assert session.get(Case, case.id).status is CaseStatus.ESCALATION_REQUESTED
    return case


def test_asking_for_the_next_stage_tells_the_stages_handler(app, make, people, session):
    case = _asked_for_escalation(app, make, people, session, handler=people["manager2"])
    [message] = messages(session, "escalation_requested")
    assert message.user_id == people["manager2"].id and case.reference in message.subject
    assert f"/staff/cases/{case.reference}" in message.body and "photos" not in message.body


def test_asking_for_the_next_stage_with_no_handler_tells_every_active_manager(app, make, people, session):
    make.user(Role.MANAGER, disabled_at=utcnow())
    _asked_for_escalation(app, make, people, session)
    told = {message.user_id for message in messages(session, "escalation_requested")}
    assert told == {people["manager"].id, people["manager2"].id}


def _sent(app, make, people, session, *, method=ContactMethod.EMAIL, account=True, **resident_fields):
    resident = make.user(Role.RESIDENT, full_name="Jane Williams", **resident_fields)
    if not account:
        session.execute(text("UPDATE users SET password_hash = NULL WHERE id = :id"), {"id": resident.id})
    case = make.case(resident, people["service"], status=CaseStatus.WITH_TEAM, officer_id=people["officer"].id)
    session.execute(Case.__table__.update().where(Case.id == case.id).values(contact_method=method))
    session.commit()
    in_service(app, lambda: correspondence.send_to_resident(load(case.id), user(people["officer"].id),
                                                            "Please send a photo of the bin."))
    return case, messages(session, "case_message_sent")


def test_a_message_to_the_resident_is_announced_by_email_with_a_link_only(app, make, people, session):
    case, [message] = _sent(app, make, people, session)
    assert message.channel is MessageChannel.EMAIL
    assert f"http://localhost/cases/{case.reference}" in message.body and "photo" not in message.body


def test_a_resident_who_chose_texts_is_told_of_a_message_by_text(app, make, people, session):
    case, [message] = _sent(app, make, people, session, method=ContactMethod.TEXT, phone="07700900123")
    assert (message.channel, message.recipient) == (MessageChannel.SMS, "07700900123")
    assert case.reference in message.body and "photo" not in message.body


def test_people_who_chose_post_get_the_message_itself_posted_not_a_note(app, make, people, session):
    _case, found = _sent(app, make, people, session, method=ContactMethod.POST, address="1 High St")
    assert found == []


def test_a_guest_is_told_to_use_their_case_link(app, make, people, session):
    _case, [message] = _sent(app, make, people, session, account=False)
    assert "/cases/" not in message.body and "Use the link we sent you" in message.body
