"""The give-feedback journey's pages: the form and template of each question, and how the boxes
of a typed answer are drawn — the same for the whole page and for one box checked on its own."""

from __future__ import annotations

from dataclasses import dataclass, field

from portal.forms_feedback import (
    AddressForm,
    AskedBeforeForm,
    ConsentForm,
    ContactForm,
    FilesForm,
    FirstRequestForm,
    MessageForm,
    OutcomeForm,
    PhoneForm,
    ReplyWantedForm,
    ServiceForm,
    SomeoneElseForm,
    SupportForm,
    SupportNoteForm,
    TheirDetailsForm,
    WhatHappenedForm,
    WhenForm,
    YourEmailForm,
    YourNameForm,
)
from shared.domain import feedback


@dataclass(frozen=True)
class Page:
    slug: str
    form: type
    template: str
    params: dict = field(default_factory=dict)  # extra GOV.UK macro params for the question's field


_TEXT = "portal/feedback/text.html"
_YES_NO = "portal/feedback/yes_no.html"
PAGES: dict[str, Page] = {
    "service": Page("service", ServiceForm, "portal/feedback/service.html"),
    "what_happened": Page("what-happened", WhatHappenedForm, _TEXT, {"maxlength": 10000, "rows": 10}),
    "message": Page("your-message", MessageForm, _TEXT, {"maxlength": 10000, "rows": 8}),
    "happened_on": Page("when", WhenForm, "portal/feedback/when.html"),
    "outcome_wanted": Page("put-it-right", OutcomeForm, _TEXT, {"maxlength": 10000, "rows": 6}),
    "asked_before": Page("asked-before", AskedBeforeForm, _YES_NO),
    "first_request": Page("first-time-request", FirstRequestForm, "portal/feedback/first_request.html"),
    "someone_else": Page("someone-else", SomeoneElseForm, _YES_NO),
    "their_details": Page("their-details", TheirDetailsForm, "portal/feedback/their_details.html"),
    "consent": Page("consent", ConsentForm, "portal/feedback/consent.html"),
    "support": Page("support", SupportForm, _YES_NO),
    "support_note": Page("support-needed", SupportNoteForm, "portal/feedback/support_note.html", {"maxlength": 10000, "rows": 5}),
    "reply_wanted": Page("reply", ReplyWantedForm, _YES_NO),
    "your_name": Page("your-name", YourNameForm, _TEXT, {"autocomplete": "name", "spellcheck": False}),
    "your_email": Page("your-email", YourEmailForm, _TEXT,
                       {"type": "email", "autocomplete": "email", "spellcheck": False}),
    "contact": Page("contact", ContactForm, "portal/feedback/contact.html"),
    "contact_phone": Page("phone-number", PhoneForm, _TEXT, {"type": "tel", "autocomplete": "tel", "classes": "govuk-input--width-20"}),
    "contact_address": Page("postal-address", AddressForm, _TEXT, {"autocomplete": "street-address", "rows": 5}),
    "files": Page("files", FilesForm, "portal/feedback/files.html"),
}
SLUG_TO_STEP = {page.slug: step for step, page in PAGES.items()}

# Questions answered by typing: with JavaScript each box is checked as the person leaves it, so a
# mistake shows before they press Continue. Choices need no such help.
TYPED = frozenset({
    "what_happened", "message", "happened_on", "outcome_wanted", "their_details", "support_note",
    "your_name", "your_email", "contact_phone", "contact_address",
})


def boxes(step: str, form) -> dict[str, dict]:
    """The GOV.UK macro params for each box of a typed answer, by field name."""
    if step == "happened_on":
        legend = {"text": form.happened_on.label.text, "isPageHeading": True, "classes": "govuk-fieldset__legend--l"}
        return {"happened_on": {"fieldset": {"legend": legend}}}
    if step == "their_details":  # three boxes under one heading (the fieldset's legend)
        return {"subject_name": {"autocomplete": "off", "spellcheck": False}, "subject_relationship": {},
                "subject_address": {"rows": 4}}
    if step not in TYPED:
        return {}
    name = feedback.ANSWERS_OF[step][0]
    # One box a page: its label is the page's heading.
    label = {"text": form[name].label.text, "isPageHeading": True, "classes": "govuk-label--l"}
    return {name: {"label": label, **PAGES[step].params}}
