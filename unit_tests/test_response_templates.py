"""Response templates: the merge-field renderer and its sandbox, the admin pages, and starting a
response from a template in the person's language."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from shared import clock
from shared.clock import utcnow
from shared.domain.enums import EventType, Role
from shared.models import ResponseTemplate
from shared.services import templates
from unit_tests.test_casework import act, case_row, client_for, post, response_data, the_response, triaged_case

EVERY_FIELD = "\n".join(f"{name}={{{{ {name} }}}}" for name in templates.FIELDS)


def add_template(session, name="Stage 1 letter", *, locale="en", stage=1, body="Dear {{ resident_name }}", active=True):
    template = ResponseTemplate(name=name, locale=locale, stage=stage, body=body, active=active, updated_at=utcnow())
    session.add(template)
    session.commit()
    return template


# --- the renderer ---------------------------------------------------------------------------------


def test_every_field_is_filled(app):
    values = {name: f"<{name}>" for name in templates.FIELDS}
    with app.test_request_context():
        assert templates.problems(EVERY_FIELD) == []
        rendered = templates.render(EVERY_FIELD, values)
    for name in templates.FIELDS:
        assert f"{name}=<{name}>" in rendered  # plain text: nothing is HTML-escaped


def test_sample_values_are_in_the_templates_language(app):
    with app.test_request_context():
        english = templates.sample_values("en", 2)
        welsh = templates.sample_values("cy", 2)
    assert english["received_date"] == "4 January 2027" and english["stage"] == "2"
    assert welsh["received_date"] == "4 Ionawr 2027"
    assert english["council_name"] and english["ombudsman_name"]


@pytest.mark.parametrize(("body", "message"), [
    ("Dear {{ nmae }}", "Remove {{ nmae }}: there is no merge field called nmae"),
    ("Dear {{ resident_name }", "Check the merge fields on line 1"),
    ("Line one\nDear {{ resident_name", "Check the merge fields on line 2"),
    ("{% for x in range(10) %}x{% endfor %}", "Remove the instruction in {% %}"),
    ("{{ resident_name | upper }}", "write each one as {{ field_name }}, with only the field's name inside"),
])
def test_unknown_fields_and_mistakes_are_refused(app, body, message):
    with app.test_request_context():
        found = templates.problems(body)
        assert any(message in problem for problem in found), found
        with pytest.raises(templates.TemplateProblem):
            templates.render(body, {})


@pytest.mark.parametrize("body", [
    "{{ ''.__class__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ resident_name.__class__.__init__.__globals__ }}",
    "{{ resident_name.upper() }}",
    "{{ config }}",
    "{{ self }}",
    "{{ cycler.__init__.__globals__.os }}",
    "{{ lipsum }}",
    "{% set x = 1 %}",
    "{% include 'shared/layout.html' %}",
])
def test_a_template_cannot_run_code_or_read_beyond_its_fields(app, body):
    with app.test_request_context():
        assert templates.problems(body)
        with pytest.raises(templates.TemplateProblem):
            templates.render(body, {name: "x" for name in templates.FIELDS})


def test_the_sandbox_is_a_second_lock(app):
    """Even past the check, the environment is Jinja's sandbox with strict undefined values."""
    from jinja2.exceptions import SecurityError, UndefinedError

    with pytest.raises((SecurityError, UndefinedError)):
        templates._env.from_string("{{ ''.__class__.__mro__[1].__subclasses__() }}").render()
    with pytest.raises(UndefinedError):
        templates._env.from_string("{{ nothing }}").render()


# --- admin pages ----------------------------------------------------------------------------------


@pytest.fixture
def admin(app, session, make):
    return client_for(app, session, make.user(Role.ADMIN, full_name="Ada Admin"))


def form_data(**extra) -> dict:
    return {"name": "Stage 1 response", "locale": "en", "stage": "1", "active": "y",
            "body": "Dear {{ resident_name }}, about {{ reference }}.", **extra}


def test_an_admin_adds_previews_and_edits_a_template(app, session, admin):
    assert "Templates" in admin.get("/staff/home").get_data(as_text=True)  # the nav item
    assert admin.get("/staff/admin/response-templates").status_code == 200
    assert admin.get("/staff/admin/response-templates/new").status_code == 200

    # Preview fills the sample case, shown below the form, and saves nothing.
    preview = admin.submit("/staff/admin/response-templates/new", form_data(preview="Preview"))
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "Dear Jane Smith, about RDR-7K2M-9QXD." in page and "has not been saved" in page
    assert session.scalar(select(ResponseTemplate)) is None

    # An unknown field is a field error naming it.
    bad = admin.submit("/staff/admin/response-templates/new", form_data(body="Dear {{ nmae }}"))
    assert bad.status_code == 400
    assert "Remove {{ nmae }}: there is no merge field called nmae" in bad.get_data(as_text=True)
    bad_preview = admin.submit("/staff/admin/response-templates/new", form_data(body="{{ ''.__class__ }}", preview="Preview"))
    assert bad_preview.status_code == 400 and "&lt;class" not in bad_preview.get_data(as_text=True)
    assert session.scalar(select(ResponseTemplate)) is None

    saved = admin.submit("/staff/admin/response-templates/new", form_data())
    assert saved.status_code == 302 and saved.location.endswith("/staff/admin/response-templates")
    template = session.scalar(select(ResponseTemplate))
    assert (template.name, template.locale, template.stage, template.active) == ("Stage 1 response", "en", 1, True)
    assert template.updated_by_id is not None
    listing = admin.get("/staff/admin/response-templates").get_data(as_text=True)
    assert "Stage 1 response" in listing and "English" in listing

    url = f"/staff/admin/response-templates/{template.id}"
    assert "Dear {{ resident_name }}" in admin.get(url).get_data(as_text=True)
    welsh = form_data(name="Ymateb", locale="cy", stage="any", body="Annwyl {{ resident_name }}")
    del welsh["active"]
    assert admin.submit(url, welsh).status_code == 302
    session.expire_all()
    template = session.get(ResponseTemplate, template.id)
    assert (template.name, template.locale, template.stage, template.active) == ("Ymateb", "cy", None, False)
    listing = admin.get("/staff/admin/response-templates").get_data(as_text=True)
    assert "Welsh" in listing and "Any stage" in listing and "Not offered" in listing
    welsh_preview = admin.submit(url, {**welsh, "body": "{{ received_date }}", "preview": "Preview"})
    assert "4 Ionawr 2027" in welsh_preview.get_data(as_text=True)
    assert admin.get("/staff/admin/response-templates/999999").status_code == 404


@pytest.mark.parametrize("role", [Role.AGENT, Role.OFFICER, Role.RESPONDER, Role.MANAGER])
def test_only_admins_manage_templates(app, session, make, role):
    template = add_template(session)
    client = client_for(app, session, make.user(role))
    for url in ("/staff/admin/response-templates", "/staff/admin/response-templates/new",
                f"/staff/admin/response-templates/{template.id}"):
        assert client.get(url).status_code == 403, url
    assert "/staff/admin/response-templates" not in client.get("/staff/home").get_data(as_text=True)


def test_the_template_list_stays_within_the_query_budget(app, session, admin):
    for n in range(12):
        add_template(session, f"Template {n}", locale="cy" if n % 2 else "en", stage=(n % 4) or None)
    # the strict client fails any page over 10 queries
    assert admin.get("/staff/admin/response-templates").status_code == 200


# --- starting a response from a template ----------------------------------------------------------


@pytest.fixture
def team(app, make):
    clock.set_now("2026-12-14T10:00")
    service = make.service("bins", "Waste and recycling")
    return {
        "service": service,
        "resident": make.user(Role.RESIDENT, full_name="Jane Resident", locale="cy"),
        "author": make.user(Role.OFFICER, full_name="Ann Author"),
        "manager": make.user(Role.MANAGER, full_name="Mo Manager"),
    }


def investigating(app, team) -> str:
    reference = triaged_case(app, team)
    act(app, reference, EventType.ACKNOWLEDGED, team["author"])
    act(app, reference, EventType.ALLOCATED, team["manager"], handler=team["author"])
    act(app, reference, EventType.INVESTIGATION_STARTED, team["author"])
    return reference


def options(page: str) -> list[str]:
    select_html = re.search(r'<select[^>]*name="template_id".*?</select>', page, re.S)
    return re.findall(r"<option[^>]*>([^<]*)</option>", select_html.group(0)) if select_html else []


def test_using_a_template_fills_the_letter_in_the_persons_language(app, session, team):
    english = add_template(session, "English letter", locale="en", body="Dear {{ resident_name }}")
    welsh = add_template(session, "Llythyr", locale="cy", stage=None,
                         body="Annwyl {{ resident_name }}\nCyfeirnod {{ reference }}, {{ service }}, {{ received_date }}.\n"
                              "{{ officer_name }}, {{ council_name }}")
    add_template(session, "Cam 2", locale="cy", stage=2)
    add_template(session, "Hen", locale="cy", active=False)
    reference = investigating(app, team)
    url = f"/staff/cases/{reference}/response"
    author = client_for(app, session, team["author"])

    page = author.get(url).get_data(as_text=True)
    # Only active templates for stage 1 or any stage, in the person's language (Welsh).
    assert options(page)[1:] == ["Llythyr"]

    typed = response_data(body="", template_id=str(welsh.id), use_template="Use template")
    filled = post(author, url, typed, session=session, reference=reference)
    body = filled.get_data(as_text=True)
    assert filled.status_code == 200
    assert "Annwyl Jane Resident" in body and f"Cyfeirnod {reference}, Waste and recycling (cy), 14 Rhagfyr 2026." in body
    assert "Ann Author" in body
    # Everything else typed is still there, and nothing was saved.
    assert "The crew missed the street." in body and "150.50" in body and "Retrain the crew" in body
    assert the_response(session, reference) is None
    assert english.id  # offered only when there is nothing in the person's language (next test)


def test_a_typed_letter_is_only_replaced_when_the_officer_says_so(app, session, team):
    welsh = add_template(session, "Llythyr", locale="cy", body="Annwyl {{ resident_name }}")
    reference = investigating(app, team)
    url = f"/staff/cases/{reference}/response"
    author = client_for(app, session, team["author"])

    kept = post(author, url, response_data(body="My own words.", template_id=str(welsh.id), use_template="Use template"),
                session=session, reference=reference)
    page = kept.get_data(as_text=True)
    assert kept.status_code == 400 and "My own words." in page and "Annwyl Jane Resident" not in page
    assert "Tick the box to replace them" in page

    replaced = post(author, url, response_data(body="My own words.", template_id=str(welsh.id), replace_body="y",
                                               use_template="Use template"), session=session, reference=reference)
    page = replaced.get_data(as_text=True)
    assert replaced.status_code == 200 and "Annwyl Jane Resident" in page and "My own words." not in page

    nothing = post(author, url, response_data(body="", template_id="", use_template="Use template"),
                   session=session, reference=reference)
    assert nothing.status_code == 400 and "Choose a template" in nothing.get_data(as_text=True)
    # A template that is not offered for this case cannot be used by guessing its id.
    stage2 = add_template(session, "Cam 2", locale="cy", stage=2)
    guessed = post(author, url, response_data(body="", template_id=str(stage2.id), use_template="Use template"),
                   session=session, reference=reference)
    assert guessed.status_code == 400
    assert the_response(session, reference) is None
    assert case_row(session, reference).respond_by is not None


def test_with_nothing_in_the_persons_language_both_are_offered_with_the_language(app, session, team):
    add_template(session, "English letter", locale="en")
    reference = investigating(app, team)
    author = client_for(app, session, team["author"])
    page = author.get(f"/staff/cases/{reference}/response").get_data(as_text=True)
    assert options(page)[1:] == ["English letter (English)"]


def test_without_templates_the_page_is_as_before(app, session, team):
    reference = investigating(app, team)
    author = client_for(app, session, team["author"])
    page = author.get(f"/staff/cases/{reference}/response").get_data(as_text=True)
    assert 'name="template_id"' not in page
    assert post(author, f"/staff/cases/{reference}/response", response_data(), session=session,
                reference=reference).status_code == 302


def test_dates_in_case_values_follow_the_template_language(app, session, team):
    reference = investigating(app, team)
    with app.test_request_context():
        from shared.db import db
        from shared.models import Case, User

        case = db.session.scalar(select(Case).where(Case.reference == reference))
        officer = db.session.get(User, team["author"].id)
        english = templates.case_values(case, officer, "en")
        welsh = templates.case_values(case, officer, "cy")
    assert english["received_date"] == "14 December 2026" and welsh["received_date"] == "14 Rhagfyr 2026"
    assert english["service"] == "Waste and recycling" and welsh["service"] == "Waste and recycling (cy)"
    assert english["acknowledged_date"] == "14 December 2026"
    assert english["escalation_deadline"] == "[set when the response is sent]"
    assert english["respond_by"] and date.today()  # a date is always shown for a running stage
