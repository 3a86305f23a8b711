"""What "check your answers" shows for a draft: one summary-list row per answer, each with the
Change link back to its question, only for the questions that apply."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask_babel import gettext as _
from markupsafe import Markup, escape

from shared.domain import feedback
from shared.domain.enums import ConsentMethod, ContactMethod
from shared.models import FeedbackDraft, Service, StoredFile, User
from shared.services.files import human_size
from shared.web.filters import govuk_date


def _yes_no(value: str | None) -> str:
    return _("Yes") if value == feedback.YES else _("No")


def rows(
    draft: FeedbackDraft,
    steps: list[str],
    *,
    service: Service | None,
    user: User | None,
    added: list[StoredFile],
    step_url: Callable[..., str],
    locale: str,
) -> list[dict]:
    answers = draft.answers
    result: list[dict] = []

    def row(step: str, key: str, hidden: str, value: object, *, multiline: bool = False) -> None:
        shown = {"html": value} if isinstance(value, Markup) else {"text": value}
        if multiline:
            shown["classes"] = "redress-pre-line"
        result.append({
            "key": {"text": key},
            "value": shown,
            "actions": {"items": [{"href": step_url(draft, step, change=1), "text": _("Change"), "visuallyHiddenText": hidden}]},
        })

    for step in steps:
        match step:
            case "service":
                row(step, _("Service"), _("service"), service.display_name(locale) if service else "")
            case "what_happened":
                row(step, _("What happened"), _("what happened"), answers["what_happened"], multiline=True)
            case "message":
                row(step, _("What you told us"), _("what you told us"), answers["what_happened"], multiline=True)
            case "happened_on":
                row(step, _("When it happened"), _("when it happened"), govuk_date(date.fromisoformat(answers["happened_on"])))
            case "outcome_wanted":
                row(step, _("What would put things right"), _("what would put things right"), answers["outcome_wanted"], multiline=True)
            case "asked_before":
                row(step, _("Already asked us about this"), _("whether you have already asked us"), _yes_no(answers["asked_before"]))
            case "first_request":
                chosen = _("Send it to the service as a request") if answers["route"] == feedback.AS_REQUEST else _("Continue with my complaint")
                row(step, _("What you chose"), _("whether to send it as a request"), chosen)
            case "someone_else":
                row(step, _("Complaining for someone else"), _("whether you are complaining for someone else"), _yes_no(answers["someone_else"]))
            case "their_details":
                row(step, _("Their full name"), _("their full name"), answers["subject_name"])
                row(step, _("Your relationship to them"), _("your relationship to them"), answers["subject_relationship"])
                row(step, _("Their address"), _("their address"), answers.get("subject_address") or _("Not given"), multiline=True)
            case "consent":
                row(step, _("How they agreed"), _("how they agreed"), str(ConsentMethod(answers["consent"]).label))
            case "support":
                row(step, _("Help or support needed"), _("whether you need help or support"), _yes_no(answers["support"]))
            case "support_note":
                row(step, _("Help or support you need"), _("the help or support you need"), answers["support_note"], multiline=True)
            case "reply_wanted":
                row(step, _("Reply wanted"), _("whether you would like a reply"), _yes_no(answers["reply_wanted"]))
            case "your_name":
                row(step, _("Your name"), _("your name"), answers["your_name"])
            case "your_email":
                row(step, _("Your email address"), _("your email address"), answers["your_email"])
            case "contact":
                method = ContactMethod(answers["contact_method"])
                email = user.email if user is not None else answers.get("your_email", "")
                shown = _("Email to %(email)s", email=email) if method is ContactMethod.EMAIL else str(method.label)
                row(step, _("How to contact you"), _("how to contact you"), shown)
            case "contact_phone":
                if answers["contact_method"] == ContactMethod.TEXT.value:
                    row(step, _("Mobile phone number"), _("mobile phone number"), answers["contact_phone"])
                else:
                    row(step, _("Phone number"), _("phone number"), answers["contact_phone"])
            case "contact_address":
                row(step, _("Postal address"), _("postal address"), answers["contact_address"], multiline=True)
            case "files":
                if added:
                    items = Markup("").join(
                        Markup('<li>{name} ({size})</li>').format(name=f.original_name, size=human_size(f.size)) for f in added
                    )
                    listed = Markup('<ul class="govuk-list">{items}</ul>').format(items=items)
                else:
                    listed = escape(_("No files added"))
                row(step, _("Files"), _("files"), listed)
    return result
