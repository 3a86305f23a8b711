"""Signposting to the advocacy and support directory: choice by topic, what the feedback journey
shows and records (once per draft and context), linking to the case, and staff sending entries."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from shared import clock
from shared.domain.enums import (
    AdjustmentKind,
    CareKind,
    CaseKind,
    CaseStatus,
    MessageChannel,
    MessageFormat,
    ProcedureKind,
    Role,
    SupportTopic,
)
from shared.models import Case, OutboxMessage, Signpost
from shared.services import signposting
from unit_tests.test_route_access import quick_sign_in

MONDAY = "2026-12-14T10:00"


def page(response) -> str:
    return response.get_data(as_text=True)


def as_user(app, session, user):
    client = app.test_client()
    quick_sign_in(client, session, user)
    return client


@pytest.fixture
def directory(make):
    return {
        "pohwer": make.support_service("POhWER", topics=("advocacy", "adults_social_care", "general")),
        "citizens": make.support_service("Citizens Advice", topics=("general", "complaining_for_someone")),
        "carers": make.support_service("Carers UK", topics=("carers", "complaining_for_someone")),
        "coram": make.support_service("Coram Voice", topics=("children", "childrens_social_care", "advocacy")),
        "shelter": make.support_service("Shelter", topics=("housing",)),
        "gone": make.support_service("Closed Charity", topics=("general", "advocacy"), active=False),
    }


# --- choosing entries ------------------------------------------------------------------------------


def test_topics_put_social_care_first():
    assert signposting.topics_for("support") == (SupportTopic.GENERAL, SupportTopic.ADVOCACY)
    assert signposting.topics_for("support", SupportTopic.CHILDRENS_SOCIAL_CARE)[:2] == (
        SupportTopic.CHILDRENS_SOCIAL_CARE, SupportTopic.CHILDREN)
    assert signposting.topics_for("someone_else")[0] is SupportTopic.COMPLAINING_FOR_SOMEONE


@pytest.mark.parametrize(("care", "kind", "topic"), [
    (CareKind.CHILDREN, None, SupportTopic.CHILDRENS_SOCIAL_CARE),
    (CareKind.ADULTS, None, SupportTopic.ADULTS_SOCIAL_CARE),
    (None, None, None),
    (None, ProcedureKind.CHILDREN, SupportTopic.CHILDRENS_SOCIAL_CARE),
    (None, ProcedureKind.ADULTS, SupportTopic.ADULTS_SOCIAL_CARE),
    (None, ProcedureKind.COMPLAINT_CODE, None),
])
def test_social_care_is_recognised_by_service_or_procedure(care, kind, topic):
    assert signposting.social_care_topic(care_kind=care, procedure_kind=kind) is topic


def test_a_service_is_social_care_by_its_kind_not_its_slug(app, session, make):
    make.service("family-support", "Family support", care_kind=CareKind.CHILDREN)
    make.service("childrens-services", "Children's services")  # the old slug alone means nothing now
    with app.app_context():
        assert signposting.care_kind_of("family-support") is CareKind.CHILDREN
        assert signposting.care_kind_of("childrens-services") is None
        assert signposting.care_kind_of("no-such-service") is None and signposting.care_kind_of(None) is None


def test_choice_by_topic_best_match_first_inactive_left_out(app, session, directory):
    with app.app_context():
        names = [s.name for s in signposting.choose(signposting.topics_for("support"))]
        assert names == ["Citizens Advice", "POhWER", "Coram Voice"]
        children = [s.name for s in signposting.choose(signposting.topics_for("support", SupportTopic.CHILDRENS_SOCIAL_CARE))]
        assert children[0] == "Coram Voice" and "Shelter" not in children and "Closed Charity" not in children
        someone = [s.name for s in signposting.choose(signposting.topics_for("someone_else"))]
        assert someone[:2] == ["Carers UK", "Citizens Advice"]


def test_nothing_matches_nothing_is_shown(app, session, make):
    make.support_service("Shelter", topics=("housing",))
    with app.app_context():
        assert signposting.choose(signposting.topics_for("support")) == []


# --- the feedback journey -------------------------------------------------------------------------


@pytest.fixture
def resident(make):
    clock.set_now(MONDAY)
    return make.user(Role.RESIDENT)


def _draft(make, resident, service_slug: str, **answers):
    return make.feedback_draft(resident, kind=CaseKind.COMPLAINT, answers={
        "service": service_slug, "what_happened": "It went wrong.", "happened_on": "2026-12-01", "outcome_wanted": "Fix it.",
        "asked_before": "yes", **answers})


def test_needing_support_shows_entries_and_records_them_once(app, session, make, resident, directory):
    make.service("housing", "Housing")
    draft = _draft(make, resident, "housing", someone_else="no", support="yes")
    client = as_user(app, session, resident)
    url = f"/feedback/{draft.id}/support-needed"
    body = page(client.get(url))
    assert "Independent help you can get" in body and "Citizens Advice" in body and "POhWER" in body
    assert "Shelter" not in body and "Closed Charity" not in body
    client.get(url)  # a refresh records nothing new
    rows = session.scalars(select(Signpost).where(Signpost.draft_id == draft.id)).all()
    assert len(rows) == 1
    assert rows[0].context == "support" and rows[0].person_id == resident.id and rows[0].case_id is None
    assert rows[0].service_ids == [directory["citizens"].id, directory["pohwer"].id, directory["coram"].id]


def test_complaining_for_someone_else_shows_entries(app, session, make, resident, directory):
    make.service("housing", "Housing")
    draft = _draft(make, resident, "housing", someone_else="yes")
    body = page(as_user(app, session, resident).get(f"/feedback/{draft.id}/their-details"))
    assert "Carers UK" in body and "Citizens Advice" in body
    assert session.scalars(select(Signpost.context).where(Signpost.draft_id == draft.id)).all() == ["someone_else"]


def test_childrens_social_care_always_offers_an_advocate_prominently(app, session, make, resident, directory):
    make.service("childrens-services", "Children's services", care_kind=CareKind.CHILDREN)
    draft = _draft(make, resident, "childrens-services", someone_else="no")
    body = page(as_user(app, session, resident).get(f"/feedback/{draft.id}/support"))
    assert "Children and young people can have an advocate, free of charge" in body
    assert body.index("Children and young people can have an advocate") < body.index("<h1")  # before the question
    assert "Coram Voice" in body
    assert session.scalars(select(Signpost.context).where(Signpost.draft_id == draft.id)).all() == ["social_care"]


def test_adult_social_care_shows_entries_on_the_support_question_but_other_services_do_not(app, session, make, resident,
                                                                                          directory):
    make.service("adult-social-care", "Adult social care", care_kind=CareKind.ADULTS)
    make.service("housing", "Housing")
    care = _draft(make, resident, "adult-social-care", someone_else="no")
    client = as_user(app, session, resident)
    body = page(client.get(f"/feedback/{care.id}/support"))
    assert "POhWER" in body and "can have an advocate, free of charge" not in body
    housing = _draft(make, resident, "housing", someone_else="no")
    assert "Independent help you can get" not in page(client.get(f"/feedback/{housing.id}/support"))
    assert session.scalar(select(Signpost.id).where(Signpost.draft_id == housing.id)) is None


def test_a_guest_is_shown_entries_too(app, client, session, make, directory):
    make.service("housing", "Housing")
    client.get("/feedback")
    response = client.submit("/feedback/new", {"kind": "complaint"})
    draft_id = int(response.location.split("/feedback/")[1].split("/")[0])
    from shared.models import FeedbackDraft

    draft = session.get(FeedbackDraft, draft_id)
    draft.answers = {"service": "housing", "what_happened": "x", "outcome_wanted": "y", "asked_before": "yes",
                     "someone_else": "no", "support": "yes"}
    session.commit()
    assert "Citizens Advice" in page(client.get(f"/feedback/{draft_id}/support-needed"))
    row = session.scalars(select(Signpost).where(Signpost.draft_id == draft_id)).one()
    assert row.person_id is None


def test_submitting_links_what_was_shown_to_the_case(app, session, make, resident, directory):
    from flask_babel import force_locale

    from shared.services import intake

    make.service("housing", "Housing")
    draft = _draft(make, resident, "housing", someone_else="no", support="yes", support_note="Large print please",
                   contact_method="email", files_done="yes")
    as_user(app, session, resident).get(f"/feedback/{draft.id}/support-needed")
    with app.test_request_context(), force_locale("en"):
        from shared.db import db

        case = intake.submit(db.session.get(type(draft), draft.id), user=db.session.get(type(resident), resident.id),
                             locale="en")
        row = db.session.scalars(select(Signpost)).one()
        assert row.case_id == case.id and row.person_id == resident.id
        db.session.rollback()


# --- staff: what was shown, and sending entries ----------------------------------------------------------


@pytest.fixture
def staff_world(make, resident):
    service = make.service("housing", "Housing")
    return {
        "case": make.case(resident, service, status=CaseStatus.WITH_TEAM),
        "officer": make.user(Role.OFFICER, full_name="Olive Officer"),
        "agent": make.user(Role.AGENT),
        "responder": make.user(Role.RESPONDER, service_id=service.id),
    }


def test_the_case_page_shows_what_was_signposted(app, session, make, resident, directory, staff_world):
    case = staff_world["case"]
    session.add(Signpost(person_id=resident.id, case_id=case.id, context="support",
                         service_ids=[directory["citizens"].id, directory["pohwer"].id], at=clock.utcnow()))
    session.commit()
    for role in ("officer", "responder"):
        response = as_user(app, session, staff_world[role]).get(f"/staff/cases/{case.reference}")
        body = page(response)
        assert "Shown when they said they need help or support" in body
        shown = re.search(r"Shown when they said they need help or support</strong>, [^:]+: ([^<]+)</li>", body).group(1)
        assert sorted(shown.strip().split(", ")) == ["Citizens Advice", "POhWER"]
        assert ("Send support information" in body) is (role == "officer")
        assert int(response.headers["X-Redress-Queries"]) <= 10


def test_an_officer_sends_support_information_in_the_persons_language(app, session, make, resident, directory,
                                                                      staff_world):
    resident.locale = "cy"
    session.commit()
    case = staff_world["case"]
    client = as_user(app, session, staff_world["officer"])
    url = f"/staff/cases/{case.reference}/support"
    form = page(client.get(url))
    assert "Coram Voice" in form and "Closed Charity" not in form
    refused = client.submit(url, {})
    assert refused.status_code == 400 and "Select at least one service to send" in page(refused)
    response = client.submit(url, {"services": [str(directory["pohwer"].id), str(directory["shelter"].id)]})
    assert response.status_code == 302
    message = session.scalars(select(OutboxMessage).where(OutboxMessage.template == "support_information")).one()
    assert message.locale == "cy" and message.user_id == resident.id and message.channel is MessageChannel.EMAIL
    assert "POhWER" in message.body and "Shelter" in message.body and "https://www.example.org.uk" in message.body
    sent = session.scalars(select(Signpost).where(Signpost.context == "staff_sent")).one()
    assert sent.shown_by_id == staff_world["officer"].id and sent.case_id == case.id
    assert sorted(sent.service_ids) == sorted([directory["pohwer"].id, directory["shelter"].id])
    assert "Sent by staff" in page(client.get(f"/staff/cases/{case.reference}"))


def test_sending_uses_the_channel_adjustments_choose(app, session, make, resident, directory, staff_world):
    resident.address = "1 High Street"
    session.commit()
    make.adjustment(resident, AdjustmentKind.LARGE_PRINT)
    client = as_user(app, session, staff_world["agent"])
    client.submit(f"/staff/cases/{staff_world['case'].reference}/support", {"services": [str(directory["pohwer"].id)]})
    message = session.scalars(select(OutboxMessage).where(OutboxMessage.template == "support_information")).one()
    assert message.channel is MessageChannel.LETTER and message.format is MessageFormat.LARGE_PRINT


def test_a_responder_cannot_send(app, session, resident, directory, staff_world):
    client = as_user(app, session, staff_world["responder"])
    assert client.get(f"/staff/cases/{staff_world['case'].reference}/support").status_code == 403


def test_a_case_without_a_person_cannot_be_sent_anything(app, session, make, directory, staff_world):
    nobody = make.case(None, make.service())
    client = as_user(app, session, staff_world["officer"])
    assert client.get(f"/staff/cases/{nobody.reference}/support").status_code == 404
    assert session.scalar(select(Case.id).where(Case.id == nobody.id)) == nobody.id
