"""The give-feedback journey with JavaScript: each typed answer checked as the person leaves its box
(htmx posts it; the answer is the same form group as the page draws, with or without its error,
and nothing is saved), and evidence files uploaded as soon as they are chosen."""

from __future__ import annotations

import re
from pathlib import Path
from xml.etree import ElementTree

import html5lib
import pytest
from sqlalchemy import select

from shared.domain.enums import CaseKind, Role
from shared.models import FeedbackDraft, StoredFile
from unit_tests.factories import sign_in
from unit_tests.test_feedback_journey import PDF, upload

HX = {"HX-Request": "true"}
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def resident(client, make):
    make.service("waste", "Waste and recycling")
    person = make.user(Role.RESIDENT)
    sign_in(client, person)
    return person


@pytest.fixture
def draft(make, resident):
    def create(answers: dict | None = None, kind: CaseKind = CaseKind.COMPLAINT) -> str:
        return f"/feedback/{make.feedback_draft(resident, kind=kind, answers=answers).id}"

    return create


def check(client, url: str, slug: str, field: str, data: dict, *, headers=HX):
    """What htmx sends when the person leaves a box: that answer only, the CSRF token in a header."""
    token = client.csrf_token(f"{url}/{slug}")
    return client.post(f"{url}/{slug}/check?field={field}", data=data, headers={**headers, "X-CSRFToken": token})


def fragment(response):
    return html5lib.parseFragment(response.get_data(as_text=True), namespaceHTMLElements=False)


def by_id(tree, element_id: str):
    return next((el for el in tree.iter() if el.get("id") == element_id), None)


def text_of(element) -> str:
    return " ".join("".join(element.itertext()).split())


def markup(element) -> str:
    element.tail = None  # what follows the element is not part of it
    return ElementTree.tostring(element, encoding="unicode", method="html")


def answers_of(session, url: str) -> dict:
    session.expire_all()
    return dict(session.get(FeedbackDraft, int(url.split("/")[2])).answers)


# --- checking a box as the person leaves it --------------------------------------------------------


def test_a_typed_question_asks_htmx_to_check_its_box_on_leaving(client, draft):
    url = draft({"service": "waste"})
    page = html5lib.parse(client.get(f"{url}/what-happened").get_data(as_text=True), namespaceHTMLElements=False)
    box = by_id(page, "what_happened-box")
    assert box.get("hx-post") == f"{url}/what-happened/check?field=what_happened"
    # A custom event app.mjs sends when focus leaves the box after a change: no hx-trigger filter,
    # which would need eval.
    assert (box.get("hx-trigger"), box.get("hx-target"), box.get("hx-swap"), box.get("hx-params")) == (
        "redress:leave", "this", "outerHTML", "what_happened")
    assert box.get("data-inline-validate") is not None
    assert by_id(box, "what_happened") is not None  # the question's own box is inside it
    region = by_id(page, "check-announcement")
    assert region.get("role") == "status" and text_of(region) == ""


def test_an_empty_answer_comes_back_with_its_govuk_error_and_nothing_is_saved(client, session, draft):
    url = draft({"service": "waste", "what_happened": "Saved before."})
    response = check(client, url, "what-happened", "what_happened", {"what_happened": "  "})

    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    tree = fragment(response)
    box = by_id(tree, "what_happened-box")
    assert "govuk-form-group--error" in markup(box)
    error = by_id(box, "what_happened-error")
    assert text_of(error) == "Error: Enter what happened"
    assert "what_happened-error" in by_id(box, "what_happened").get("aria-describedby").split()
    assert text_of(by_id(tree, "check-announcement")) == "Error: Enter what happened"
    assert by_id(tree, "check-announcement").get("hx-swap-oob") == "innerHTML"
    assert answers_of(session, url)["what_happened"] == "Saved before."


def test_a_good_answer_comes_back_without_an_error_and_is_not_saved_either(client, session, draft):
    url = draft({"service": "waste"})
    response = check(client, url, "what-happened", "what_happened", {"what_happened": "The bin was missed."})
    tree = fragment(response)
    box = by_id(tree, "what_happened-box")
    assert "govuk-form-group--error" not in markup(box) and by_id(box, "what_happened-error") is None
    assert "The bin was missed." in text_of(box)  # what they typed, kept in the box
    assert text_of(by_id(tree, "check-announcement")) == ""
    assert "what_happened" not in answers_of(session, url)


def test_the_box_is_drawn_the_same_as_on_the_page(client, draft):
    """One template for both: the page after Continue with the same answer shows the same group."""
    url = draft({"service": "waste"})
    checked = by_id(fragment(check(client, url, "what-happened", "what_happened", {"what_happened": ""})), "what_happened-box")
    page = client.submit(f"{url}/what-happened", {"what_happened": ""}).get_data(as_text=True)
    on_page = by_id(html5lib.parse(page, namespaceHTMLElements=False), "what_happened-box")
    assert markup(checked) == markup(on_page)
    assert "<h1" in markup(checked)  # the label is still the page's heading after a swap


@pytest.mark.parametrize(("parts", "message"), [
    (["3", "11", ""], "Date it happened must include a year"),
    (["31", "2", "2026"], "Date it happened must be a real date"),
    (["", "", ""], "Enter the date it happened"),
])
def test_a_date_is_checked_as_a_whole(client, session, draft, parts, message):
    url = draft({"service": "waste", "what_happened": "x"})
    tree = fragment(check(client, url, "when", "happened_on", {"happened_on": parts}))
    box = by_id(tree, "happened_on-box")
    assert text_of(by_id(box, "happened_on-error")) == f"Error: {message}"
    assert by_id(box, "happened_on-day") is not None and by_id(box, "happened_on-year") is not None
    assert "happened_on" not in answers_of(session, url)


def test_one_of_several_boxes_comes_back_alone(client, draft):
    url = draft({"service": "waste", "what_happened": "x", "happened_on": "2026-01-02", "outcome_wanted": "y",
                 "asked_before": "yes", "someone_else": "yes"})
    tree = fragment(check(client, url, "their-details", "subject_relationship", {"subject_relationship": ""}))
    assert text_of(by_id(tree, "subject_relationship-error")) == "Error: Enter your relationship to them"
    # Only that box: the others (and their errors for being empty) are not part of the answer.
    assert by_id(tree, "subject_name-box") is None and by_id(tree, "subject_name-error") is None
    assert by_id(tree, "subject_relationship-box") is not None


def test_a_mobile_number_is_asked_for_when_they_chose_texts(client, draft):
    url = draft({"service": "waste", "what_happened": "x", "happened_on": "2026-01-02", "outcome_wanted": "y",
                 "asked_before": "yes", "someone_else": "no", "support": "no", "contact_method": "text"})
    tree = fragment(check(client, url, "phone-number", "contact_phone", {"contact_phone": "call me"}))
    assert text_of(by_id(tree, "contact_phone-error")) == "Error: Enter a mobile phone number, like 07700 900 982"
    good = fragment(check(client, url, "phone-number", "contact_phone", {"contact_phone": "07700 900 982"}))
    assert by_id(good, "contact_phone-error") is None


def test_without_htmx_the_check_goes_back_to_the_question(client, session, draft):
    url = draft({"service": "waste"})
    response = check(client, url, "what-happened", "what_happened", {"what_happened": "Typed."}, headers={})
    assert response.status_code == 302 and response.location.endswith(f"{url}/what-happened")
    assert "what_happened" not in answers_of(session, url)


@pytest.mark.parametrize(("slug", "field"), [
    ("what-happened", "service"),  # not a box of this question
    ("service", "service"),  # a choice: nothing to check as they type
    ("no-such-question", "what_happened"),
])
def test_only_the_boxes_of_typed_questions_are_checked(client, draft, slug, field):
    url = draft({"service": "waste"})
    token = client.csrf_token(f"{url}/what-happened")
    response = client.post(f"{url}/{slug}/check?field={field}", data={field: "x"}, headers={**HX, "X-CSRFToken": token})
    assert response.status_code == 404


def test_another_persons_draft_cannot_be_checked(client, session, make, draft):
    theirs = make.feedback_draft(make.user(Role.RESIDENT), answers={"service": "waste"})
    token = client.csrf_token(f"{draft()}/service")
    response = client.post(f"/feedback/{theirs.id}/what-happened/check?field=what_happened",
                           data={"what_happened": ""}, headers={**HX, "X-CSRFToken": token})
    assert response.status_code == 404
    assert "Enter what happened" not in response.get_data(as_text=True)


def test_a_check_without_the_csrf_token_is_refused(client, draft):
    url = draft({"service": "waste"})
    client.get(f"{url}/what-happened")
    response = client.post(f"{url}/what-happened/check?field=what_happened", data={"what_happened": ""}, headers=HX)
    assert response.status_code == 400


# --- evidence files uploaded as they are chosen -----------------------------------------------------


@pytest.fixture
def files_page(draft) -> str:
    return draft({"service": "waste", "what_happened": "x", "happened_on": "2026-01-02", "outcome_wanted": "y",
                  "asked_before": "yes", "someone_else": "no", "support": "no", "contact_method": "email"})


def add_with_htmx(client, url: str, *named):
    token = client.csrf_token(f"{url}/files")
    return client.post(f"{url}/files", data={"files": upload(*named), "action": "add"},
                       headers={**HX, "X-CSRFToken": token}, content_type="multipart/form-data")


def test_the_file_box_uploads_on_choosing(client, files_page):
    page = html5lib.parse(client.get(f"{files_page}/files").get_data(as_text=True), namespaceHTMLElements=False)
    chooser = by_id(page, "files")
    assert (chooser.get("hx-post"), chooser.get("hx-trigger"), chooser.get("hx-target"), chooser.get("hx-encoding")) == (
        f"{files_page}/files", "change", "#evidence-upload", "multipart/form-data")
    assert chooser.get("hx-vals") == '{"action": "add"}' and chooser.get("data-upload-status") == "files-status"
    assert "{percent}" in chooser.get("data-progress-text")
    assert by_id(page, "files-status").get("role") == "status"
    add_button = next(b for b in page.iter("button") if b.get("value") == "add")
    assert add_button.get("data-upload-fallback") is not None  # app.mjs takes it away when uploads are instant


def test_chosen_files_are_stored_and_come_back_listed_each_accepted_or_refused(client, session, files_page):
    response = add_with_htmx(client, files_page, ("letter.pdf", PDF), ("photo.exe", b"MZ\x90\x00\x03\x00"))

    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    tree = fragment(response)
    box = by_id(tree, "evidence-upload")
    assert "photo.exe must be a PDF, JPEG, PNG, DOCX, ODT or TXT file" in text_of(by_id(box, "files-error"))
    assert by_id(box, "files").get("value") is None  # a new, empty box: nothing is sent twice
    listed = by_id(tree, "evidence-list")
    assert listed.get("hx-swap-oob") == "true"
    assert "You have added 1 file" in text_of(listed) and "letter.pdf" in text_of(listed) and "photo.exe" not in text_of(listed)
    status = text_of(by_id(tree, "files-status"))
    assert status == ("letter.pdf has been added. photo.exe must be a PDF, JPEG, PNG, DOCX, ODT or TXT file. "
                      "You have added 1 file.")
    session.expire_all()
    draft_id = int(files_page.split("/")[2])
    assert list(session.scalars(select(StoredFile.original_name).where(StoredFile.draft_id == draft_id))) == ["letter.pdf"]
    assert "files_done" not in session.get(FeedbackDraft, draft_id).answers  # still on the page


def test_the_list_after_an_upload_is_the_pages_list(client, files_page):
    uploaded = by_id(fragment(add_with_htmx(client, files_page, ("a.txt", b"first"), ("b.txt", b"second"))), "evidence-list")
    page = by_id(html5lib.parse(client.get(f"{files_page}/files").get_data(as_text=True), namespaceHTMLElements=False),
                 "evidence-list")
    del uploaded.attrib["hx-swap-oob"]
    # The CSRF tokens in the Remove forms differ between requests; everything else is the same.
    token = re.compile(r'name="csrf_token" type="hidden" value="[^"]+"|value="[^"]+" name="csrf_token"')
    assert token.sub("", markup(uploaded)) == token.sub("", markup(page))


def test_at_the_limit_the_box_gives_way_to_a_sentence(client, files_page, monkeypatch):
    from unit_tests.test_feedback_journey import writes

    with writes(monkeypatch):  # one row per file
        tree = fragment(add_with_htmx(client, files_page, *[(f"{n}.txt", b"note %d" % n) for n in range(10)]))
    assert "You have added the most files you can" in text_of(by_id(tree, "evidence-upload"))
    assert by_id(tree, "files") is None


# --- nothing in the portal needs eval ----------------------------------------------------------------


def test_no_portal_template_asks_htmx_for_eval(client):
    """The CSP has no 'unsafe-eval' and htmx runs with allowEval off: hx-on, js: values and
    filters in hx-trigger ("[...]") would silently do nothing."""
    for template in (REPO / "portal" / "templates").rglob("*.html"):
        text = template.read_text()
        assert "hx-on" not in text, template
        assert "js:" not in text and "javascript:" not in text, template
        for trigger in re.findall(r'hx-trigger"?\s*[:=]\s*"([^"]*)"', text):
            assert "[" not in trigger, (template, trigger)
    page = client.get("/").get_data(as_text=True)
    config = re.search(r'<meta name="htmx-config" content=\'([^\']+)\'>', page).group(1)
    assert '"allowEval": false' in config and '"allowScriptTags": false' in config
    assert "unsafe-eval" not in client.get("/").headers["Content-Security-Policy"]
