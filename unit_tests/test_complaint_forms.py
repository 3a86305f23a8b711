"""Bad input on every question of the complaint journey, check answers and Change links."""

from __future__ import annotations

from urllib.parse import urlsplit

import html5lib
import pytest
from sqlalchemy import select

from shared import clock
from shared.domain.enums import CaseKind, Role
from shared.models import FeedbackDraft
from unit_tests.factories import sign_in

COMPLETE = {
    "service": "waste",
    "what_happened": "The bin was missed.",
    "happened_on": "2026-03-02",
    "outcome_wanted": "Collect it.",
    "contact_method": "email",
    "contact_phone": "",
    "contact_address": "",
}


@pytest.fixture
def resident(client, make):
    make.service("waste", "Waste and recycling")
    make.service("parks", "Parks and open spaces")
    person = make.user(Role.RESIDENT)
    sign_in(client, person)
    return person


@pytest.fixture
def today():
    clock.set_now("2026-06-15T12:00:00")  # the conftest fixture puts the clock back
    return "2026-06-15"


def _draft(session, user) -> dict | None:
    session.expire_all()
    draft = session.scalar(select(FeedbackDraft).where(FeedbackDraft.user_id == user.id))
    return None if draft is None else dict(draft.answers)


def _save_draft(session, user, answers: dict) -> None:
    session.add(FeedbackDraft(user_id=user.id, kind=CaseKind.COMPLAINT, answers=answers, created_at=clock.utcnow(), updated_at=clock.utcnow()))
    session.commit()


def _document(page: str):
    return html5lib.parse(page, namespaceHTMLElements=False)


def _value(document, element_id: str) -> str | None:
    element = document.find(f".//*[@id='{element_id}']")
    assert element is not None, f"no element #{element_id}"
    return element.text if element.tag == "textarea" else element.get("value")


def assert_error_page(response, message: str) -> str:
    """The GOV.UK error pattern: summary, the same message at the field, "Error:" in the title."""
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    document = _document(page)
    title = document.find(".//title").text.strip()
    assert title.startswith("Error:"), title
    summary = document.find(".//*[@class='govuk-error-summary']")
    assert summary is not None, "no error summary"
    assert "There is a problem" in "".join(summary.itertext())
    links = summary.findall(".//a")
    assert any(message in "".join(a.itertext()) for a in links), f"{message!r} not in the summary"
    for link in links:  # each summary link must lead to something on the page
        target = link.get("href", "")
        assert target.startswith("#") and document.find(f".//*[@id='{target[1:]}']") is not None, target
    field_messages = ["".join(p.itertext()) for p in document.iter("p") if "govuk-error-message" in (p.get("class") or "")]
    assert any(message in text for text in field_messages), f"{message!r} not at the field: {field_messages}"
    return page


# --- each question ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("slug", "data", "message"),
    [
        ("service", {}, "Select the service your complaint is about"),
        ("service", {"service": "no-such-service"}, "Select the service your complaint is about"),
        ("what-happened", {"what_happened": ""}, "Enter what happened"),
        ("what-happened", {"what_happened": "   \n  "}, "Enter what happened"),
        ("when", {"happened_on": ["", "", ""]}, "Enter the date it happened"),
        ("put-it-right", {"outcome_wanted": ""}, "Enter what you would like us to do to put things right"),
        ("put-it-right", {"outcome_wanted": "x" * 10_001}, "What you would like us to do must be 10,000 characters or fewer"),
        ("contact", {}, "Select how you would like us to contact you"),
        ("contact", {"contact_method": "pigeon"}, "Select how you would like us to contact you"),
    ],
)
def test_bad_answers_are_refused_and_nothing_is_saved(client, session, resident, slug, data, message):
    assert_error_page(client.submit(f"/complaint/{slug}", data), message)
    assert _draft(session, resident) is None


@pytest.mark.parametrize(
    ("method", "slug", "data", "message"),
    [
        ("phone", "phone-number", {"contact_phone": ""}, "Enter a phone number, like 01632 960 001 or 07700 900 982"),
        ("phone", "phone-number", {"contact_phone": "call me"}, "Enter a phone number, like 01632 960 001 or 07700 900 982"),
        ("post", "postal-address", {"contact_address": "  "}, "Enter your postal address"),
        ("post", "postal-address", {"contact_address": "x" * 501}, "Postal address must be 500 characters or fewer"),
    ],
)
def test_bad_contact_details_are_refused_and_nothing_is_saved(client, session, resident, method, slug, data, message):
    _save_draft(session, resident, {"contact_method": method})
    assert_error_page(client.submit(f"/complaint/{slug}", data), message)
    assert _draft(session, resident) == {"contact_method": method}


@pytest.mark.parametrize(("method", "slug"), [("email", "phone-number"), ("email", "postal-address"), ("phone", "postal-address"), ("post", "phone-number")])
def test_a_detail_page_for_another_way_of_contact_goes_back_to_the_choice(client, session, resident, method, slug):
    _save_draft(session, resident, {"contact_method": method})
    response = client.get(f"/complaint/{slug}")
    assert response.status_code == 302
    assert urlsplit(response.location).path == "/complaint/contact"


@pytest.mark.parametrize(("method", "next_path"), [("phone", "/complaint/phone-number"), ("post", "/complaint/postal-address")])
def test_phone_and_post_ask_for_the_details_next(client, session, resident, method, next_path):
    response = client.submit("/complaint/contact", {"contact_method": method})
    assert urlsplit(response.location).path == next_path


def test_too_long_what_happened_keeps_the_text(client, session, resident):
    _save_draft(session, resident, {"service": "waste", "what_happened": "What I said first."})
    typed = "a" * 9_990 + "b" * 11
    page = assert_error_page(
        client.submit("/complaint/what-happened", {"what_happened": typed}),
        "What happened must be 10,000 characters or fewer",
    )
    assert _value(_document(page), "what_happened").strip() == typed
    assert _draft(session, resident)["what_happened"] == "What I said first."


def test_exactly_ten_thousand_characters_is_accepted(client, session, resident):
    response = client.submit("/complaint/what-happened", {"what_happened": "a" * 10_000})
    assert response.status_code == 302
    assert len(_draft(session, resident)["what_happened"]) == 10_000


def test_the_phone_number_is_kept_when_it_is_wrong(client, session, resident):
    _save_draft(session, resident, {"contact_method": "phone"})
    page = assert_error_page(
        client.submit("/complaint/phone-number", {"contact_phone": "call me"}),
        "Enter a phone number, like 01632 960 001 or 07700 900 982",
    )
    assert _value(_document(page), "contact_phone") == "call me"


def test_choosing_email_drops_an_earlier_phone_number_and_address(client, session, resident):
    _save_draft(session, resident, {"contact_method": "phone", "contact_phone": "07700 900 982", "contact_address": "1 High Street"})
    response = client.submit("/complaint/contact", {"contact_method": "email"})
    assert response.status_code == 302
    draft = _draft(session, resident)
    assert draft["contact_method"] == "email"
    assert draft["contact_phone"] == "" and draft["contact_address"] == ""


# --- dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("parts", "message", "bad_boxes"),
    [
        (["31", "2", "2026"], "Date it happened must be a real date", {"day", "month", "year"}),
        (["12", "", "2026"], "Date it happened must include a month", {"month"}),
        (["", "3", "2026"], "Date it happened must include a day", {"day"}),
        (["12", "3", ""], "Date it happened must include a year", {"year"}),
        (["12", "", ""], "Date it happened must be a real date", {"month", "year"}),
        (["12", "3", "26"], "Date it happened must be a real date", {"day", "month", "year"}),
        (["12", "13", "2026"], "Date it happened must be a real date", {"day", "month", "year"}),
        (["first", "3", "2026"], "Date it happened must be a real date", {"day", "month", "year"}),
        (["16", "6", "2026"], "Date it happened must be today or in the past", {"day", "month", "year"}),
        (["1", "1", "2030"], "Date it happened must be today or in the past", {"day", "month", "year"}),
    ],
)
def test_date_rules(client, session, resident, today, parts, message, bad_boxes):
    page = assert_error_page(client.submit("/complaint/when", {"happened_on": parts}), message)
    document = _document(page)
    for part, typed in zip(("day", "month", "year"), parts, strict=True):
        box = document.find(f".//input[@id='happened_on-{part}']")
        assert (box.get("value") or "") == typed, part
        has_error = "govuk-input--error" in box.get("class", "")
        assert has_error == (part in bad_boxes), part
    assert _draft(session, resident) is None


def test_today_is_accepted(client, session, resident, today):
    assert client.submit("/complaint/when", {"happened_on": ["15", "6", "2026"]}).status_code == 302
    assert _draft(session, resident)["happened_on"] == "2026-06-15"


def test_a_saved_date_is_shown_in_the_boxes(client, session, resident):
    _save_draft(session, resident, {"happened_on": "2026-03-02"})
    document = _document(client.get("/complaint/when").get_data(as_text=True))
    assert [_value(document, f"happened_on-{p}") for p in ("day", "month", "year")] == ["2", "3", "2026"]


def test_a_wrong_date_does_not_replace_the_saved_one(client, session, resident):
    _save_draft(session, resident, {"happened_on": "2026-03-02"})
    client.submit("/complaint/when", {"happened_on": ["31", "2", "2026"]})
    assert _draft(session, resident) == {"happened_on": "2026-03-02"}


# --- navigation -------------------------------------------------------------------------------


def test_an_unknown_step_is_not_found(client, resident):
    assert client.get("/complaint/what-colour").status_code == 404
    assert client.get("/complaint/happened_on").status_code == 404  # the step's name is not its slug


def test_check_answers_sends_an_incomplete_draft_to_the_first_unanswered_question(client, session, resident):
    assert urlsplit(client.get("/complaint/check-your-answers").location).path == "/complaint/service"
    _save_draft(session, resident, {"service": "waste", "what_happened": "x", "outcome_wanted": "y"})
    assert urlsplit(client.get("/complaint/check-your-answers").location).path == "/complaint/when"


def test_sending_an_incomplete_draft_goes_to_the_first_unanswered_question(client, session, resident):
    _save_draft(session, resident, {k: v for k, v in COMPLETE.items() if k != "contact_method"})
    token = client.csrf_token("/complaint")
    response = client.post("/complaint/check-your-answers", data={"csrf_token": token})
    assert urlsplit(response.location).path == "/complaint/contact"
    assert _draft(session, resident) is not None  # nothing was sent


def test_questions_lead_on_to_the_next_one(client, resident):
    assert urlsplit(client.submit("/complaint/service", {"service": "waste"}).location).path == "/complaint/what-happened"
    assert urlsplit(client.submit("/complaint/what-happened", {"what_happened": "x"}).location).path == "/complaint/when"


@pytest.mark.parametrize(
    ("slug", "data"),
    [
        ("service", {"service": "parks"}),
        ("what-happened", {"what_happened": "A better account of it."}),
        ("when", {"happened_on": ["1", "3", "2026"]}),
        ("put-it-right", {"outcome_wanted": "An apology."}),
        ("contact", {"contact_method": "email"}),
        ("phone-number", {"contact_phone": "01632 960 001"}),
    ],
)
def test_change_links_return_to_check_answers(client, session, resident, slug, data):
    by_phone = {**COMPLETE, "contact_method": "phone", "contact_phone": "07700 900 982"}
    before = by_phone if slug in {"contact", "phone-number"} else COMPLETE
    _save_draft(session, resident, before)
    check = client.get("/complaint/check-your-answers").get_data(as_text=True)
    assert f"/complaint/{slug}?change=1" in check

    question = _document(client.get(f"/complaint/{slug}?change=1").get_data(as_text=True))
    back = question.find(".//a[@class='govuk-back-link']")
    assert back is not None and back.get("href") == "/complaint/check-your-answers"

    response = client.submit(f"/complaint/{slug}?change=1", data)
    assert urlsplit(response.location).path == "/complaint/check-your-answers"
    assert _draft(session, resident) != before


def test_changing_to_post_asks_for_the_address_then_returns_to_check_answers(client, session, resident):
    _save_draft(session, resident, COMPLETE)
    response = client.submit("/complaint/contact?change=1", {"contact_method": "post"})
    assert response.location.endswith("/complaint/postal-address?change=1")
    question = _document(client.get("/complaint/postal-address?change=1").get_data(as_text=True))
    assert question.find(".//a[@class='govuk-back-link']").get("href") == "/complaint/check-your-answers"
    response = client.submit("/complaint/postal-address?change=1", {"contact_address": "1 High Street\nRedbury"})
    assert urlsplit(response.location).path == "/complaint/check-your-answers"
    draft = _draft(session, resident)
    assert (draft["contact_method"], draft["contact_address"]) == ("post", "1 High Street\nRedbury")
    page = client.get("/complaint/check-your-answers").get_data(as_text=True)
    assert "/complaint/postal-address?change=1" in page


def test_a_change_with_an_error_stays_in_change_mode(client, session, resident):
    _save_draft(session, resident, COMPLETE)
    page = assert_error_page(client.submit("/complaint/what-happened?change=1", {"what_happened": ""}), "Enter what happened")
    assert "Save and return to check your answers" in page
    assert _draft(session, resident) == COMPLETE


def test_check_answers_shows_the_answers(client, session, resident):
    _save_draft(session, resident, {**COMPLETE, "contact_method": "post", "contact_address": "1 High Street\n<b>Redbury</b>"})
    page = client.get("/complaint/check-your-answers").get_data(as_text=True)
    assert "Waste and recycling" in page and "The bin was missed." in page and "2 March 2026" in page
    assert "1 High Street\n&lt;b&gt;Redbury&lt;/b&gt;" in page  # escaped; line breaks shown by pre-line


# --- size limit -------------------------------------------------------------------------------


def test_a_request_over_the_size_limit_gets_the_413_page(app, client, session, resident):
    assert app.config["MAX_CONTENT_LENGTH"] == 1024 * 1024
    token = client.csrf_token("/complaint/what-happened")
    response = client.post("/complaint/what-happened", data={"csrf_token": token, "what_happened": "a" * (1024 * 1024 + 1)})
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "The file or text you sent is too large" in page
    assert "Traceback" not in page
    assert _draft(session, resident) is None


@pytest.mark.parametrize(("happened_on", "warned"), [("2024-01-15", True), ("2026-03-02", False)])
def test_check_answers_warns_when_the_matter_is_over_twelve_months_old(client, session, resident, happened_on, warned):
    from shared import clock

    clock.set_now("2026-11-22T10:00")
    _save_draft(session, resident, {**COMPLETE, "happened_on": happened_on})
    page = client.get("/complaint/check-your-answers").get_data(as_text=True)
    assert ("This happened more than 12 months ago." in page) is warned
