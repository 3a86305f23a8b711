"""Bad input on every question of the give-feedback journey, navigation, Change links and
check answers. Answers are kept on the server as a draft; a refused answer changes nothing."""

from __future__ import annotations

from urllib.parse import urlsplit

import html5lib
import pytest

from shared import clock
from shared.domain import feedback
from shared.domain.enums import CaseKind, ContactMethod, Role
from shared.models import FeedbackDraft
from unit_tests.factories import sign_in

COMPLETE = {
    "service": "waste",
    "what_happened": "The bin was missed.",
    "happened_on": "2026-03-02",
    "outcome_wanted": "Collect it.",
    "asked_before": "yes",
    "someone_else": "no",
    "support": "no",
    "contact_method": "email",
    "files_done": "yes",
}


@pytest.fixture
def resident(client, make):
    make.service("waste", "Waste and recycling")
    make.service("parks", "Parks and open spaces")
    person = make.user(Role.RESIDENT)
    sign_in(client, person)
    return person


@pytest.fixture
def draft(make, resident):
    """A draft of the signed-in resident's with these answers; returns its address."""

    def create(answers: dict | None = None, kind: CaseKind = CaseKind.COMPLAINT) -> str:
        made = make.feedback_draft(resident, kind=kind, answers=answers)
        return f"/feedback/{made.id}"

    return create


@pytest.fixture
def today():
    clock.set_now("2026-06-15T12:00:00")  # the conftest fixture puts the clock back
    return "2026-06-15"


def answers_of(session, url: str) -> dict | None:
    session.expire_all()
    found = session.get(FeedbackDraft, int(url.split("/")[2]))
    return None if found is None else dict(found.answers)


def path(response) -> str:
    return urlsplit(response.location).path


def document(page: str):
    return html5lib.parse(page, namespaceHTMLElements=False)


def value_of(doc, element_id: str) -> str | None:
    element = doc.find(f".//*[@id='{element_id}']")
    assert element is not None, f"no element #{element_id}"
    return element.text if element.tag == "textarea" else element.get("value")


def assert_error_page(response, message: str) -> str:
    """The GOV.UK error pattern: summary, the same message at the field, "Error:" in the title."""
    assert response.status_code == 200, response.status_code
    page = response.get_data(as_text=True)
    doc = document(page)
    title = doc.find(".//title").text.strip()
    assert title.startswith("Error:"), title
    summary = doc.find(".//*[@class='govuk-error-summary']")
    assert summary is not None, "no error summary"
    assert "There is a problem" in "".join(summary.itertext())
    links = summary.findall(".//a")
    assert any(message in "".join(a.itertext()) for a in links), f"{message!r} not in the summary"
    for link in links:  # each summary link must lead to something on the page
        target = link.get("href", "")
        assert target.startswith("#") and doc.find(f".//*[@id='{target[1:]}']") is not None, target
    at_fields = ["".join(p.itertext()) for p in doc.iter("p") if "govuk-error-message" in (p.get("class") or "")]
    if message.startswith("Choose whether"):  # two buttons, no field to put it beside
        return page
    assert any(message in text for text in at_fields), f"{message!r} not at the field: {at_fields}"
    return page


# --- each question ----------------------------------------------------------------------------

PHONE_ERROR = "Enter a phone number, like 01632 960 001 or 07700 900 982"


@pytest.mark.parametrize(
    ("kind", "before", "slug", "data", "message"),
    [
        (CaseKind.COMPLAINT, {}, "service", {}, "Select the service your complaint is about"),
        (CaseKind.COMPLAINT, {}, "service", {"service": "no-such-service"}, "Select the service your complaint is about"),
        (CaseKind.COMPLIMENT, {}, "service", {}, "Select the service your compliment is about"),
        (CaseKind.COMMENT, {}, "service", {}, "Select the service your comment is about"),
        (CaseKind.COMPLAINT, {}, "what-happened", {"what_happened": ""}, "Enter what happened"),
        (CaseKind.COMPLAINT, {}, "what-happened", {"what_happened": "   \n  "}, "Enter what happened"),
        (CaseKind.COMPLAINT, {}, "when", {"happened_on": ["", "", ""]}, "Enter the date it happened"),
        (CaseKind.COMPLAINT, {}, "put-it-right", {"outcome_wanted": ""}, "Enter what you would like us to do to put things right"),
        (CaseKind.COMPLAINT, {}, "put-it-right", {"outcome_wanted": "x" * 10_001},
         "What you would like us to do must be 10,000 characters or fewer"),
        (CaseKind.COMPLAINT, {}, "asked-before", {}, "Select yes if you have already asked us about this"),
        (CaseKind.COMPLAINT, {}, "asked-before", {"asked_before": "maybe"}, "Select yes if you have already asked us about this"),
        (CaseKind.COMPLAINT, {"asked_before": "no"}, "first-time-request", {"route": "both"},
         "Choose whether to send it to the service as a request or continue with your complaint"),
        (CaseKind.COMPLAINT, {}, "someone-else", {}, "Select yes if you are complaining for someone else"),
        (CaseKind.COMPLAINT, {"someone_else": "yes"}, "their-details", {"subject_relationship": "Son"}, "Enter their full name"),
        (CaseKind.COMPLAINT, {"someone_else": "yes"}, "their-details", {"subject_name": "Ann Jones"}, "Enter your relationship to them"),
        (CaseKind.COMPLAINT, {"someone_else": "yes"}, "their-details",
         {"subject_name": "A" * 201, "subject_relationship": "Son"}, "Their full name must be 200 characters or fewer"),
        (CaseKind.COMPLAINT, {"someone_else": "yes"}, "their-details",
         {"subject_name": "Ann", "subject_relationship": "Son", "subject_address": "x" * 501}, "Their address must be 500 characters or fewer"),
        (CaseKind.COMPLAINT, {"someone_else": "yes"}, "consent", {}, "Select how they agreed to you complaining for them"),
        (CaseKind.COMPLAINT, {"someone_else": "yes"}, "consent", {"consent": "telepathy"}, "Select how they agreed to you complaining for them"),
        (CaseKind.COMPLAINT, {}, "support", {}, "Select yes if you need help or support to make your complaint"),
        (CaseKind.COMPLAINT, {"support": "yes"}, "support-needed", {"support_note": " "}, "Enter what help or support you need"),
        (CaseKind.COMPLAINT, {"support": "yes"}, "support-needed", {"support_note": "x" * 10_001},
         "The help you need must be 10,000 characters or fewer"),
        (CaseKind.COMPLAINT, {}, "contact", {}, "Select how you would like us to contact you"),
        (CaseKind.COMPLAINT, {}, "contact", {"contact_method": "pigeon"}, "Select how you would like us to contact you"),
        (CaseKind.COMPLAINT, {"contact_method": "phone"}, "phone-number", {"contact_phone": ""}, PHONE_ERROR),
        (CaseKind.COMPLAINT, {"contact_method": "phone"}, "phone-number", {"contact_phone": "call me"}, PHONE_ERROR),
        (CaseKind.COMPLAINT, {"contact_method": "text"}, "phone-number", {"contact_phone": "0770"},
         "Enter a mobile phone number, like 07700 900 982"),
        (CaseKind.COMPLAINT, {"contact_method": "post"}, "postal-address", {"contact_address": "  "}, "Enter your postal address"),
        (CaseKind.COMPLAINT, {"contact_method": "post"}, "postal-address", {"contact_address": "x" * 501},
         "Postal address must be 500 characters or fewer"),
        (CaseKind.COMPLIMENT, {}, "your-message", {"what_happened": ""}, "Enter what you would like to tell us"),
        (CaseKind.COMMENT, {}, "your-message", {"what_happened": "x" * 10_001},
         "What you would like to tell us must be 10,000 characters or fewer"),
        (CaseKind.COMMENT, {}, "reply", {}, "Select yes if you would like a reply"),
    ],
)
def test_bad_answers_are_refused_and_nothing_is_saved(client, session, draft, kind, before, slug, data, message):
    url = draft(before, kind)
    assert_error_page(client.submit(f"{url}/{slug}", data), message)
    assert answers_of(session, url) == before


def test_too_long_what_happened_keeps_the_text(client, session, draft):
    url = draft({"service": "waste", "what_happened": "What I said first."})
    typed = "a" * 9_990 + "b" * 11
    page = assert_error_page(client.submit(f"{url}/what-happened", {"what_happened": typed}),
                             "What happened must be 10,000 characters or fewer")
    assert value_of(document(page), "what_happened").strip() == typed
    assert answers_of(session, url)["what_happened"] == "What I said first."


def test_exactly_ten_thousand_characters_is_accepted(client, session, draft):
    url = draft()
    assert client.submit(f"{url}/what-happened", {"what_happened": "a" * 10_000}).status_code == 302
    assert len(answers_of(session, url)["what_happened"]) == 10_000


def test_a_wrong_phone_number_is_kept(client, session, draft):
    url = draft({"contact_method": "phone"})
    page = assert_error_page(client.submit(f"{url}/phone-number", {"contact_phone": "call me"}), PHONE_ERROR)
    assert value_of(document(page), "contact_phone") == "call me"


def test_their_details_are_kept_when_one_is_missing(client, session, draft):
    url = draft({"someone_else": "yes"})
    page = assert_error_page(
        client.submit(f"{url}/their-details", {"subject_name": "Ann Jones", "subject_address": "2 Mill Lane"}),
        "Enter your relationship to them",
    )
    doc = document(page)
    assert value_of(doc, "subject_name") == "Ann Jones"
    assert value_of(doc, "subject_address").strip() == "2 Mill Lane"
    assert answers_of(session, url) == {"someone_else": "yes"}


def test_their_address_is_optional(client, session, draft):
    url = draft({"someone_else": "yes"})
    response = client.submit(f"{url}/their-details", {"subject_name": " Ann Jones ", "subject_relationship": "Mother"})
    assert path(response) == f"{url}/consent"
    assert answers_of(session, url) == {"someone_else": "yes", "subject_name": "Ann Jones", "subject_relationship": "Mother",
                                        "subject_address": ""}


def test_the_consent_page_says_we_may_check(client, draft):
    page = client.get(f"{draft({'someone_else': 'yes'})}/consent").get_data(as_text=True)
    assert "We may need to check with them" in page
    for method in ("They have given me written permission", "They are not able to give consent"):
        assert method in page


def test_the_support_page_says_the_team_will_contact_them_and_links_to_help(client, draft):
    page = client.get(f"{draft({'support': 'yes'})}/support-needed").get_data(as_text=True)
    assert "The complaints team will contact you about the help you need" in page
    assert 'href="/contact"' in page


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
        (["first", "3", "2026"], "Date it happened must be a real date", {"day", "month", "year"}),
        (["16", "6", "2026"], "Date it happened must be today or in the past", {"day", "month", "year"}),
        (["1", "1", "2030"], "Date it happened must be today or in the past", {"day", "month", "year"}),
    ],
)
def test_date_rules(client, session, draft, today, parts, message, bad_boxes):
    url = draft()
    doc = document(assert_error_page(client.submit(f"{url}/when", {"happened_on": parts}), message))
    for part, typed in zip(("day", "month", "year"), parts, strict=True):
        box = doc.find(f".//input[@id='happened_on-{part}']")
        assert (box.get("value") or "") == typed, part
        assert ("govuk-input--error" in box.get("class", "")) == (part in bad_boxes), part
    assert answers_of(session, url) == {}


def test_today_is_accepted_and_a_saved_date_is_shown(client, session, draft, today):
    url = draft()
    assert client.submit(f"{url}/when", {"happened_on": ["15", "6", "2026"]}).status_code == 302
    assert answers_of(session, url)["happened_on"] == "2026-06-15"
    doc = document(client.get(f"{url}/when").get_data(as_text=True))
    assert [value_of(doc, f"happened_on-{p}") for p in ("day", "month", "year")] == ["15", "6", "2026"]


# --- contact ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "slug"), [("phone", "phone-number"), ("text", "phone-number"), ("post", "postal-address")])
def test_phone_text_and_post_ask_for_the_details_next(client, draft, method, slug):
    url = draft()
    assert path(client.submit(f"{url}/contact", {"contact_method": method})) == f"{url}/{slug}"


def test_a_text_message_asks_for_a_mobile_number(client, draft):
    page = client.get(f"{draft({'contact_method': 'text'})}/phone-number").get_data(as_text=True)
    assert "What is your mobile phone number?" in page


def test_choosing_email_drops_an_earlier_phone_number_and_address(client, session, draft):
    url = draft({"contact_method": "phone", "contact_phone": "07700 900 982"})
    assert client.submit(f"{url}/contact", {"contact_method": "email"}).status_code == 302
    assert answers_of(session, url) == {"contact_method": "email"}


def test_a_phone_number_is_kept_between_phone_and_text(client, session, draft):
    url = draft({"contact_method": "phone", "contact_phone": "07700 900 982"})
    client.submit(f"{url}/contact", {"contact_method": "text"})
    assert answers_of(session, url)["contact_phone"] == "07700 900 982"


def test_saved_details_are_offered_but_not_saved_until_continue(client, session, make, resident, draft):
    resident_row = session.get(type(resident), resident.id)
    resident_row.preferred_contact = ContactMethod.POST
    resident_row.phone = "01632 960 001"
    resident_row.address = "1 High Street\nRedbury"
    session.commit()
    url = draft()
    contact = document(client.get(f"{url}/contact").get_data(as_text=True))
    checked = [i.get("value") for i in contact.iter("input") if i.get("name") == "contact_method" and i.get("checked") is not None]
    assert checked == ["post"]
    address = document(client.get(f"{draft({'contact_method': 'post'})}/postal-address").get_data(as_text=True))
    assert value_of(address, "contact_address").strip() == "1 High Street\nRedbury"
    phone = document(client.get(f"{draft({'contact_method': 'phone'})}/phone-number").get_data(as_text=True))
    assert value_of(phone, "contact_phone") == "01632 960 001"
    assert answers_of(session, url) == {}


# --- navigation -------------------------------------------------------------------------------


def test_an_unknown_question_is_not_found(client, draft):
    url = draft()
    assert client.get(f"{url}/what-colour").status_code == 404
    assert client.get(f"{url}/happened_on").status_code == 404  # the step's name is not its address


@pytest.mark.parametrize(
    ("kind", "answers", "slug"),
    [
        (CaseKind.COMPLAINT, {"contact_method": "email"}, "phone-number"),
        (CaseKind.COMPLAINT, {"contact_method": "phone"}, "postal-address"),
        (CaseKind.COMPLAINT, {"someone_else": "no"}, "consent"),
        (CaseKind.COMPLAINT, {"asked_before": "yes"}, "first-time-request"),
        (CaseKind.COMPLAINT, {}, "your-email"),  # only guests are asked
        (CaseKind.COMPLIMENT, {}, "when"),
        (CaseKind.COMPLIMENT, {}, "files"),
        (CaseKind.COMMENT, {"reply_wanted": "no"}, "contact"),
    ],
)
def test_a_question_that_does_not_apply_goes_to_the_first_unanswered_one(client, draft, kind, answers, slug):
    url = draft(answers, kind)
    response = client.get(f"{url}/{slug}")
    assert response.status_code == 302
    assert path(response) == f"{url}/service"


def test_check_answers_sends_an_incomplete_draft_to_the_first_unanswered_question(client, draft):
    url = draft()
    assert path(client.get(f"{url}/check-your-answers")) == f"{url}/service"
    url = draft({k: v for k, v in COMPLETE.items() if k != "happened_on"})
    assert path(client.get(f"{url}/check-your-answers")) == f"{url}/when"


def test_sending_an_incomplete_draft_goes_to_the_first_unanswered_question(client, session, draft):
    url = draft({k: v for k, v in COMPLETE.items() if k != "contact_method"})
    token = client.csrf_token("/feedback")
    assert path(client.post(f"{url}/check-your-answers", data={"csrf_token": token})) == f"{url}/contact"
    assert answers_of(session, url) is not None  # nothing was sent


def test_questions_lead_on_to_the_next_one(client, draft):
    url = draft()
    assert path(client.submit(f"{url}/service", {"service": "waste"})) == f"{url}/what-happened"
    assert path(client.submit(f"{url}/what-happened", {"what_happened": "x"})) == f"{url}/when"
    assert path(client.submit(f"{url}/asked-before", {"asked_before": "no"})) == f"{url}/first-time-request"
    assert path(client.submit(f"{url}/first-time-request", {"route": "complaint"})) == f"{url}/someone-else"
    assert path(client.submit(f"{url}/someone-else", {"someone_else": "no"})) == f"{url}/support"
    assert path(client.submit(f"{url}/support", {"support": "no"})) == f"{url}/contact"


def test_the_first_question_goes_back_to_the_start(client, draft):
    doc = document(client.get(f"{draft()}/service").get_data(as_text=True))
    assert doc.find(".//a[@class='govuk-back-link']").get("href") == "/feedback"


@pytest.mark.parametrize(
    ("slug", "data"),
    [
        ("service", {"service": "parks"}),
        ("what-happened", {"what_happened": "A better account of it."}),
        ("when", {"happened_on": ["1", "3", "2026"]}),
        ("put-it-right", {"outcome_wanted": "An apology."}),
        ("support", {"support": "no"}),
        ("contact", {"contact_method": "email"}),
        ("phone-number", {"contact_phone": "01632 960 001"}),
    ],
)
def test_change_links_return_to_check_answers(client, session, draft, slug, data):
    before = {**COMPLETE, "contact_method": "phone", "contact_phone": "07700 900 982", "support": "yes", "support_note": "BSL"}
    url = draft(before)
    check = client.get(f"{url}/check-your-answers").get_data(as_text=True)
    assert f"{url}/{slug}?change=1" in check
    question = document(client.get(f"{url}/{slug}?change=1").get_data(as_text=True))
    assert question.find(".//a[@class='govuk-back-link']").get("href") == f"{url}/check-your-answers"
    response = client.submit(f"{url}/{slug}?change=1", data)
    assert path(response) == f"{url}/check-your-answers"
    assert answers_of(session, url) != before


def test_saying_yes_to_someone_else_asks_the_new_questions_then_returns(client, session, draft):
    url = draft(COMPLETE)
    response = client.submit(f"{url}/someone-else?change=1", {"someone_else": "yes"})
    assert response.location.endswith(f"{url}/their-details?change=1")
    response = client.submit(f"{url}/their-details?change=1", {"subject_name": "Ann Jones", "subject_relationship": "Daughter"})
    assert response.location.endswith(f"{url}/consent?change=1")
    response = client.submit(f"{url}/consent?change=1", {"consent": "legal_authority"})
    assert path(response) == f"{url}/check-your-answers"
    page = client.get(f"{url}/check-your-answers").get_data(as_text=True)
    assert "Ann Jones" in page and "I have legal authority to act for them" in page


def test_saying_no_to_someone_else_forgets_their_details(client, session, draft):
    url = draft({**COMPLETE, "someone_else": "yes", "subject_name": "Ann Jones", "subject_relationship": "Daughter",
                 "subject_address": "", "consent": "written"})
    client.submit(f"{url}/someone-else?change=1", {"someone_else": "no"})
    answers = answers_of(session, url)
    assert answers["someone_else"] == "no"
    assert not {"subject_name", "subject_relationship", "subject_address", "consent"} & set(answers)
    assert "Ann Jones" not in client.get(f"{url}/check-your-answers").get_data(as_text=True)


def test_a_change_with_an_error_stays_in_change_mode(client, session, draft):
    url = draft(COMPLETE)
    page = assert_error_page(client.submit(f"{url}/what-happened?change=1", {"what_happened": ""}), "Enter what happened")
    assert "Save and return to check your answers" in page
    assert answers_of(session, url) == COMPLETE


def test_check_answers_shows_every_answer_escaped(client, draft):
    url = draft({**COMPLETE, "contact_method": "post", "contact_address": "1 High Street\n<b>Redbury</b>", "someone_else": "yes",
                 "subject_name": "Ann <i>Jones</i>", "subject_relationship": "Daughter", "subject_address": "", "consent": "written"})
    page = client.get(f"{url}/check-your-answers").get_data(as_text=True)
    for shown in ("Waste and recycling", "The bin was missed.", "2 March 2026", "Collect it.", "Ann &lt;i&gt;Jones&lt;/i&gt;",
                  "Daughter", "They have given me written permission", "1 High Street\n&lt;b&gt;Redbury&lt;/b&gt;", "No files added"):
        assert shown in page, shown
    assert "Send complaint" in page


@pytest.mark.parametrize(("happened_on", "warned"), [("2024-01-15", True), ("2026-03-02", False)])
def test_check_answers_warns_when_the_matter_is_over_twelve_months_old(client, draft, happened_on, warned):
    clock.set_now("2026-11-22T10:00")
    page = client.get(f"{draft({**COMPLETE, 'happened_on': happened_on})}/check-your-answers").get_data(as_text=True)
    assert ("This happened more than 12 months ago." in page) is warned


def test_a_request_over_the_size_limit_gets_the_413_page(app, client, session, draft):
    assert app.config["MAX_CONTENT_LENGTH"] == 1024 * 1024
    url = draft()
    token = client.csrf_token(f"{url}/what-happened")
    response = client.post(f"{url}/what-happened", data={"csrf_token": token, "what_happened": "a" * (1024 * 1024 + 1)})
    assert response.status_code == 413
    assert "The file or text you sent is too large" in response.get_data(as_text=True)
    assert answers_of(session, url) == {}


# --- which questions apply (pure) --------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "answers", "guest", "expected"),
    [
        (CaseKind.COMPLAINT, {}, False,
         ["service", "what_happened", "happened_on", "outcome_wanted", "asked_before", "someone_else", "support", "contact", "files"]),
        (CaseKind.COMPLAINT, {"asked_before": "no", "route": "request", "contact_method": "text"}, True,
         ["service", "what_happened", "happened_on", "outcome_wanted", "asked_before", "first_request",
          "your_name", "your_email", "contact", "contact_phone", "files"]),
        (CaseKind.COMPLAINT, {"asked_before": "no", "route": "complaint", "someone_else": "yes", "support": "yes"}, False,
         ["service", "what_happened", "happened_on", "outcome_wanted", "asked_before", "first_request", "someone_else",
          "their_details", "consent", "support", "support_note", "contact", "files"]),
        (CaseKind.COMPLIMENT, {}, False, ["service", "message"]),
        (CaseKind.COMPLIMENT, {}, True, ["service", "message", "your_name", "your_email"]),
        (CaseKind.COMMENT, {"reply_wanted": "no"}, False, ["service", "message", "reply_wanted"]),
        (CaseKind.COMMENT, {"reply_wanted": "yes", "contact_method": "post"}, True,
         ["service", "message", "reply_wanted", "your_name", "your_email", "contact", "contact_address"]),
    ],
)
def test_which_questions_apply(kind, answers, guest, expected):
    assert feedback.steps(kind, answers, guest=guest) == expected


def test_only_a_first_time_complaint_sent_as_a_request_becomes_a_service_request():
    assert feedback.case_kind(CaseKind.COMPLAINT, {"asked_before": "no", "route": "request"}) is CaseKind.SERVICE_REQUEST
    assert feedback.case_kind(CaseKind.COMPLAINT, {"asked_before": "no", "route": "complaint"}) is CaseKind.COMPLAINT
    # a stale choice from before they said they had asked already does not count
    assert feedback.case_kind(CaseKind.COMPLAINT, {"asked_before": "yes", "route": "request"}) is CaseKind.COMPLAINT
    assert feedback.case_kind(CaseKind.COMMENT, {"asked_before": "no", "route": "request"}) is CaseKind.COMMENT

