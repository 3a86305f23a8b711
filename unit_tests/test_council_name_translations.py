"""Council-entered names in Polish and Urdu: the one rule for which text a reader sees, the admins'
page a language that fills them in (audited, all or nothing, a page's query budget with many
things), and the resident's pages and messages that show them."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from shared.db import db
from shared.domain.enums import CaseReason, Role
from shared.domain.translations import language_of, pick, with_text
from shared.models import AuditEvent, ComplaintReason, CouncilIdentity, Procedure, ProcedureStage, Service
from shared.services import council as council_service
from shared.services import procedures, templates, translation_admin
from unit_tests.test_route_access import quick_sign_in

POLISH = {"pl": {"name": "Naprawy mieszkań"}}


# --- the rule --------------------------------------------------------------------------------


@pytest.mark.parametrize(("locale", "translations", "expected"), [
    ("en", POLISH, "Housing repairs"),  # English readers always see the English
    ("pl", POLISH, "Naprawy mieszkań"),
    ("pl_PL", POLISH, "Naprawy mieszkań"),
    ("pl-PL", POLISH, "Naprawy mieszkań"),
    ("ur", POLISH, "Housing repairs"),  # no Urdu yet: the English
    ("pl", {"pl": {"name": "   "}}, "Housing repairs"),  # only spaces is no translation
    ("pl", {"pl": {"description": "Opis"}}, "Housing repairs"),  # another field's
    ("pl", None, "Housing repairs"),
    ("pl", {}, "Housing repairs"),
    ("cy", POLISH, "Atgyweirio tai"),  # Welsh from its own column, as before
    (None, POLISH, "Housing repairs"),
])
def test_a_reader_sees_their_language_s_text_or_else_the_english(locale, translations, expected):
    assert pick(locale, "Housing repairs", "Atgyweirio tai", translations) == expected


def test_a_welsh_reader_without_a_welsh_name_sees_the_english_and_never_another_language():
    assert pick("cy", "Citizens Advice", None, {"pl": {"name": "Porady obywatelskie"}}) == "Citizens Advice"
    assert pick("cy", "Citizens Advice", "", None) == "Citizens Advice"
    assert pick("ur", None, None, None) == ""


def test_language_of_a_locale():
    assert [language_of(x) for x in ("ur", "ur_PK", "PL-pl", None, "")] == ["ur", "ur", "pl", "en", "en"]


def test_setting_a_text_copies_and_a_blank_one_removes_it():
    before = {"pl": {"name": "Naprawy"}, "ur": {"name": "مرمت"}}
    after = with_text(before, "pl", "description", "Opis")
    assert after == {"pl": {"name": "Naprawy", "description": "Opis"}, "ur": {"name": "مرمت"}}
    assert before == {"pl": {"name": "Naprawy"}, "ur": {"name": "مرمت"}}  # a new value: the JSON column sees it
    assert with_text(after, "ur", "name", "  ") == {"pl": {"name": "Naprawy", "description": "Opis"}}
    assert with_text({}, "pl", "name", " Naprawy ") == {"pl": {"name": "Naprawy"}}


def test_every_translated_thing_reads_its_fields_through_the_rule(app, session, make):
    service = make.service(name="Housing repairs")
    service.translations = {"pl": {"name": "Naprawy mieszkań", "description": "Cieknące krany"},
                            "ur": {"name": "گھروں کی مرمت"}}
    entry = make.support_service("POhWER", name_cy="POhWER (cy)")
    entry.translations = {"ur": {"helps_with": "بات کرنے میں مدد"}}
    session.commit()
    assert (service.display_name("pl"), service.display_description("pl")) == ("Naprawy mieszkań", "Cieknące krany")
    assert (service.display_name("ur"), service.display_description("ur")) == ("گھروں کی مرمت", service.description)
    assert service.display_name("cy") == "Housing repairs (cy)"
    assert (entry.display_name("ur"), entry.display_helps_with("ur")) == ("POhWER", "بات کرنے میں مدد")
    stage = session.scalar(select(ProcedureStage).where(ProcedureStage.procedure_id == make.procedure_id("corporate"),
                                                        ProcedureStage.number == 2))
    stage.translations = {"pl": {"name": "Etap 2"}}
    assert stage.rules().display_name("pl") == "Etap 2" and stage.rules().display_name("cy") == "Cam 2"


def test_the_council_s_name_in_each_language(app, session):
    with app.test_request_context():
        configured = council_service.council()
        assert configured.name_in("pl") == configured.english_name  # nothing saved: the configured name
        session.add(CouncilIdentity(id=1, name="Redbridge Council", name_cy=None, brand_colour="#1d70b8",
                                    nation="england", contact_phone="0", contact_email="a@example.gov.uk",
                                    contact_address="1 High Street", updated_at=configured.saved_at or _now(),
                                    translations={"ur": {"name": "ریڈبرج کونسل"}}))
        session.commit()
        council_service.forget()
        identity = council_service.council()
        assert (identity.name_in("ur"), identity.name_in("pl"), identity.name_in("cy")) == (
            "ریڈبرج کونسل", "Redbridge Council", "Redbridge Council")


def _now():
    from shared.clock import utcnow

    return utcnow()


# --- the admins' page --------------------------------------------------------------------------


@pytest.fixture
def admin(app, session, make):
    client = app.test_client()
    person = make.user(Role.ADMIN, full_name="Alex Admin")
    quick_sign_in(client, session, person)
    client.person = person
    return client


def _reason(session, name: str, **fields) -> ComplaintReason:
    reason = ComplaintReason(name=name, name_cy=f"{name} (cy)", category=fields.pop("category", CaseReason.POLICY),
                             active=fields.pop("active", True), sort_order=fields.pop("sort_order", 10), **fields)
    session.add(reason)
    session.commit()
    return reason


def _field(page: str, name: str) -> str:
    """The input or textarea called `name`, as written."""
    match = re.search(rf'<(input|textarea)[^>]*name="{name}"[^>]*>', page)
    assert match, f"no field {name}"
    return match.group(0)


def test_the_page_is_for_admins_and_only_for_community_languages(app, session, make, admin):
    for language in ("cy", "en", "de", "PL"):
        assert admin.get(f"/staff/admin/translations/{language}").status_code == 404
    officer = app.test_client()
    quick_sign_in(officer, session, make.user(Role.OFFICER))
    assert officer.get("/staff/admin/translations/pl").status_code == 403
    assert admin.get("/staff/admin/translations/ur").status_code == 200


def test_the_admin_home_links_each_language_s_page(admin):
    page = admin.get("/staff/").get_data(as_text=True)
    assert 'href="/staff/admin/translations/pl"' in page and 'href="/staff/admin/translations/ur"' in page


def test_the_page_lists_every_kind_with_its_english_marks_the_blanks_and_counts_them(app, session, make, admin):
    housing = make.service(name="Housing repairs")
    housing.translations = {"pl": {"name": "Naprawy mieszkań"}}
    make.organisation("Citizens Advice")
    make.support_service("POhWER", helps_with="Speaking up at meetings")
    _reason(session, "Charges or fees")
    session.commit()
    with app.test_request_context():
        listed = translation_admin.listing("pl")
    page = admin.get("/staff/admin/translations/pl").get_data(as_text=True)
    for heading in ("The council", "Services", "Procedures", "Procedure stages", "Complaint reasons",
                    "Signposting organisations", "Support directory"):
        assert f">{heading}" in page
    for english in ("Housing repairs", "About housing repairs", "Citizens Advice", "POhWER", "Speaking up at meetings",
                    "Charges or fees", "Corporate complaints (Complaint Handling Code)", "Stage 1"):
        assert f'<span lang="en" dir="ltr">{english}</span>' in page
    assert 'value="Naprawy mieszkań"' in _field(page, f"service_{housing.id}_name")
    assert listed.missing == listed.total - 1
    assert f"{listed.missing} of {listed.total} texts have no translation yet" in page
    assert page.count("Not translated</strong>") == listed.missing
    assert 'lang="pl"' in _field(page, f"service_{housing.id}_name")


def test_urdu_is_typed_right_to_left(admin, make):
    service = make.service(name="Waste")
    page = admin.get("/staff/admin/translations/ur").get_data(as_text=True)
    field = _field(page, f"service_{service.id}_name")
    assert 'dir="rtl"' in field and 'lang="ur"' in field
    assert 'dir="rtl"' in _field(page, f"service_{service.id}_description")  # a textarea too


def test_saving_writes_what_changed_and_audits_each_text_from_and_to(app, session, make, admin):
    housing, waste = make.service(name="Housing repairs"), make.service(name="Waste")
    reason = _reason(session, "Charges or fees")
    url = "/staff/admin/translations/pl"
    response = admin.submit(url, {f"service_{housing.id}_name": " Naprawy mieszkań ",
                                  f"reason_{reason.id}_name": "Opłaty", f"service_{waste.id}_name": ""})
    assert response.status_code == 302 and response.location.endswith(url)
    session.expire_all()
    assert housing.translations == {"pl": {"name": "Naprawy mieszkań"}}
    assert session.get(ComplaintReason, reason.id).translations == {"pl": {"name": "Opłaty"}}
    assert session.get(Service, waste.id).translations == {}
    admin.submit(url, {f"service_{housing.id}_name": "Naprawy w mieszkaniach", f"reason_{reason.id}_name": "Opłaty"})
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == "translations.changed")
                             .order_by(AuditEvent.id)).all()
    assert [event.details["changes"] for event in events] == [
        {f"service_{housing.id}_name": [None, "Naprawy mieszkań"], f"reason_{reason.id}_name": [None, "Opłaty"]},
        {f"service_{housing.id}_name": ["Naprawy mieszkań", "Naprawy w mieszkaniach"]},
    ]
    assert {event.actor_id for event in events} == {admin.person.id}
    assert {event.details["language"] for event in events} == {"pl"}
    page = admin.get(url).get_data(as_text=True)
    history = page[page.index("Changes to these translations"):]
    assert "Alex Admin" in history
    assert ('Services: Housing repairs (Service name)</span>: <span lang="pl" dir="ltr">Naprawy mieszkań</span> → '
            '<span lang="pl" dir="ltr">Naprawy w mieszkaniach</span>') in history
    # nothing else changed: nothing written, nothing audited
    admin.submit(url, {f"service_{housing.id}_name": "Naprawy w mieszkaniach"})
    assert session.scalar(select(func.count()).select_from(AuditEvent)
                          .where(AuditEvent.action == "translations.changed")) == 2
    # Urdu's history is its own
    assert "Alex Admin" not in admin.get("/staff/admin/translations/ur").get_data(as_text=True)


def test_clearing_a_translation_brings_back_the_english(session, make, admin):
    service = make.service(name="Waste")
    service.translations = {"pl": {"name": "Odpady", "description": "Kosze"}, "ur": {"name": "کچرا"}}
    session.commit()
    admin.submit("/staff/admin/translations/pl", {f"service_{service.id}_name": "  "})
    session.expire_all()
    assert service.translations == {"pl": {"description": "Kosze"}, "ur": {"name": "کچرا"}}
    assert service.display_name("pl") == "Waste"


def test_a_text_too_long_is_refused_with_everything_typed_kept_and_nothing_saved(session, make, admin):
    service = make.service(name="Housing repairs")
    reason = _reason(session, "Charges or fees")
    too_long = "ن" * 121
    response = admin.submit("/staff/admin/translations/ur", {f"service_{service.id}_name": too_long,
                                                             f"reason_{reason.id}_name": "فیس"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "<title>Error:" in page and "govuk-error-summary" in page
    assert f'href="#service_{service.id}_name"' in page
    assert "The translation of “Housing repairs” must be 120 characters or fewer" in page
    assert f'value="{too_long}"' in _field(page, f"service_{service.id}_name")
    assert 'value="فیس"' in _field(page, f"reason_{reason.id}_name")
    session.expire_all()
    assert service.translations == {} and session.get(ComplaintReason, reason.id).translations == {}
    assert session.scalar(select(func.count()).select_from(AuditEvent)
                          .where(AuditEvent.action == "translations.changed")) == 0


def test_the_page_costs_the_same_few_queries_however_many_things_there_are(app, session, make, admin):
    for n in range(40):
        make.service(name=f"Service {n}")
        make.organisation(f"Organisation {n}")
        make.support_service(f"Support {n}")
        session.add(ComplaintReason(name=f"Reason {n}", name_cy=f"Rheswm {n}", category=CaseReason.POLICY,
                                    active=True, sort_order=n))
    session.commit()
    response = admin.get("/staff/admin/translations/pl")  # the strict client refuses more than 10 queries
    assert response.status_code == 200
    assert int(response.headers["X-Redress-Queries"]) <= 10
    assert response.get_data(as_text=True).count("Support 39") >= 1


def test_a_procedure_s_translation_reaches_every_version_with_the_same_english(app, session, admin):
    with app.test_request_context():
        old = procedures.current("corporate")
        old_stage_ids = [stage.id for stage in old.stages]
        newer = procedures.new_version("corporate", list(old.rules().stages), None)
        db.session.commit()
        stage_one = next(stage for stage in procedures.current("corporate").stages if stage.number == 1)
    response = admin.submit("/staff/admin/translations/pl", {f"procedure_{newer.id}_name": "Skargi ogólne",
                                                             f"stage_{stage_one.id}_name": "Etap 1"})
    assert response.status_code == 302, response.get_data(as_text=True)
    session.expire_all()
    names = {p.version: p.display_name("pl") for p in session.scalars(select(Procedure).where(Procedure.slug == "corporate"))}
    assert set(names.values()) == {"Skargi ogólne"} and len(names) >= 2
    first_stages = session.scalars(select(ProcedureStage).join(Procedure).where(
        Procedure.slug == "corporate", ProcedureStage.number == 1)).all()
    assert {stage.display_name("pl") for stage in first_stages} == {"Etap 1"}
    assert any(stage.id in old_stage_ids for stage in first_stages)
    # the next version keeps them: they are wording, not rules
    with app.test_request_context():
        latest = procedures.new_version("corporate", list(procedures.current("corporate").rules().stages), None)
        db.session.flush()
        assert latest.display_name("pl") == "Skargi ogólne"
        assert {s.number: s.display_name("pl") for s in procedures.current("corporate").stages}[1] == "Etap 1"


def test_translating_the_council_s_name_before_anyone_saved_its_details_keeps_the_configured_ones(
        app, session, admin):
    assert session.get(CouncilIdentity, 1) is None
    response = admin.submit("/staff/admin/translations/ur", {"council_1_name": "ریڈبرج کونسل"})
    assert response.status_code == 302
    row = session.get(CouncilIdentity, 1)
    settings = app.config["SETTINGS"]
    assert (row.name, row.nation, row.translations) == (settings.council_name, settings.nation,
                                                        {"ur": {"name": "ریڈبرج کونسل"}})
    assert row.updated_by_id == admin.person.id
    page = app.test_client().get("/?lang=ur").get_data(as_text=True)
    assert "ریڈبرج کونسل" in page


# --- what residents see ----------------------------------------------------------------------------


@pytest.mark.parametrize(("language", "name"), [("pl", "Naprawy mieszkań"), ("ur", "گھروں کی مرمت")])
def test_a_resident_s_pages_show_the_names_in_their_language(app, session, make, language, name):
    service = make.service(name="Housing repairs")
    service.translations = {"pl": {"name": "Naprawy mieszkań"}, "ur": {"name": "گھروں کی مرمت"}}
    resident = make.user(Role.RESIDENT, locale=language)
    case = make.case(resident, service)
    client = app.test_client()
    quick_sign_in(client, session, resident)
    cases = client.get("/cases").get_data(as_text=True)
    assert name in cases and "Housing repairs" not in cases
    page = client.get(f"/cases/{case.reference}").get_data(as_text=True)
    assert name in page
    assert "Housing repairs" in client.get(f"/cases/{case.reference}?lang=en").get_data(as_text=True)


def test_a_message_in_the_person_s_language_names_the_service_in_it(app, session, make):
    service = make.service(name="Housing repairs")
    service.translations = {"ur": {"name": "گھروں کی مرمت"}}
    officer = make.user(Role.OFFICER)
    case = make.case(make.user(Role.RESIDENT), service)
    with app.test_request_context():
        assert templates.case_values(case, officer, "ur")["service"] == "گھروں کی مرمت"
        assert templates.case_values(case, officer, "pl")["service"] == "Housing repairs"
        assert templates.case_values(case, officer, "cy")["service"] == "Housing repairs (cy)"


# --- the demo ------------------------------------------------------------------------------------


def test_the_demo_names_every_service_procedure_and_stage_in_each_community_language():
    from shared.domain.procedures import PRESETS
    from shared.services import demo, demo_translations

    assert set(demo_translations.SERVICES) == {slug for slug, *_rest in demo.SERVICES}
    assert set(demo_translations.PROCEDURES) == {rules.slug for rules in PRESETS}
    assert set(demo_translations.STAGES) == {stage.name for rules in PRESETS for stage in rules.stages}
    languages = set(translation_admin.COMMUNITY_LANGUAGES)
    for translations in demo_translations.SERVICES.values():
        assert set(translations) == languages
        assert all(set(fields) == {"name", "description"} for fields in translations.values())
    for names in (*demo_translations.PROCEDURES.values(), *demo_translations.STAGES.values()):
        assert set(names) == languages and all(name.strip() for name in names.values())


def test_the_demo_s_polish_and_urdu_pages_show_its_names(app, session):
    from shared.models import User
    from shared.services import demo

    with app.test_request_context():
        demo.load(cases=20, seed=3)
        db.session.commit()
    resident = session.scalar(select(User).where(User.email == "resident@example.com"))
    client = app.test_client()
    quick_sign_in(client, session, resident)
    polish = client.get("/cases?lang=pl").get_data(as_text=True)
    urdu = client.get("/cases?lang=ur").get_data(as_text=True)
    from shared.models import Case
    from shared.services.demo_translations import SERVICES

    slugs = set(session.scalars(select(Service.slug).join(Case, Case.service_id == Service.id)
                                .where(Case.resident_id == resident.id)))
    assert slugs
    for slug in slugs:
        assert SERVICES[slug]["pl"]["name"] in polish and SERVICES[slug]["ur"]["name"] in urdu
    with app.test_request_context():
        assert procedures.current("corporate").display_name("ur") == "عمومی شکایات (شکایات نمٹانے کا ضابطہ)"
