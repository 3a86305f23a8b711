"""Give feedback: choose a complaint, compliment or comment, answer one question a page (saved
on the server as a draft), check the answers, send, and see the confirmation.

Signed-in residents may keep several drafts; a guest keeps one, found by a random key in their
session cookie. A draft's pages are reachable only by its owner; anyone else gets a 404.
Council staff and councillors signed in here are refused: this journey is for the public.
"""

from __future__ import annotations

import secrets
from datetime import date

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from portal import bp
from portal.forms_feedback import DeleteDraftForm, FilesForm, RemoveFileForm, StartForm, SubmitFeedbackForm
from portal.views import feedback_summary
from portal.views.feedback_pages import PAGES, SLUG_TO_STEP, TYPED, boxes
from shared.auth.access import public
from shared.clock import to_london, utcnow
from shared.db import db
from shared.domain import deadlines, feedback
from shared.domain.enums import CaseKind, ContactMethod, Role
from shared.models import FeedbackDraft, User
from shared.services import cases as case_queries
from shared.services import files, guest_access, intake, signposting
from shared.web.htmx import varies, wants_section

GUEST_KEY = "feedback_guest_key"
SENT_KEY = "feedback_sent"


# --- who is giving feedback -------------------------------------------------------------------


def _resident() -> User | None:
    """The signed-in resident, or None for a guest. Staff and councillors are refused here."""
    if not current_user.is_authenticated:
        return None
    if current_user.role is not Role.RESIDENT:
        abort(403)
    return current_user._get_current_object()


def _guest_key(*, create: bool = False) -> str | None:
    key = session.get(GUEST_KEY)
    if key is None and create:
        key = secrets.token_urlsafe(32)
        session[GUEST_KEY] = key
        session.permanent = True  # kept for the session lifetime, not only until the browser closes
    return key


def _draft_or_404(draft_id: int, *, sending: bool = False) -> tuple[FeedbackDraft, User | None]:
    user = _resident()
    draft = intake.find_draft(draft_id, user=user, guest_key=None if user else _guest_key(), sending=sending)
    if draft is None:
        abort(404)
    return draft, user


def _locale() -> str:
    return str(get_locale())


def step_url(draft: FeedbackDraft, step: str, **kwargs) -> str:
    return url_for("portal.feedback_step", draft_id=draft.id, slug=PAGES[step].slug, **kwargs)


def resume_url(draft: FeedbackDraft) -> str:
    missing = feedback.first_unanswered(draft.kind, draft.answers, guest=draft.user_id is None)
    return step_url(draft, missing) if missing else url_for("portal.feedback_check", draft_id=draft.id)


# --- start ------------------------------------------------------------------------------------


@bp.get("/feedback")
@public
def feedback_start():
    user = _resident()
    if user is not None:
        drafts = intake.drafts_for(user)
        services = {s.slug: s for s in intake.active_services()} if drafts else {}
        return render_template("portal/feedback/start.html", drafts=drafts, services=services, resume_url=resume_url)
    draft = intake.guest_draft(_guest_key())
    return render_template("portal/feedback/start_guest.html", draft=draft, resume_url=resume_url,
                           link_days=guest_access.LINK_LIFETIME.days)


@bp.route("/feedback/new", methods=["GET", "POST"])
@public
def feedback_new():
    user = _resident()
    form = StartForm()
    if form.validate_on_submit():
        try:
            draft = intake.start_draft(CaseKind(form.kind.data), user=user, guest_key=None if user else _guest_key(create=True))
        except intake.TooManyDrafts:
            form.refuse_too_many(intake.MAX_DRAFTS)
        else:
            return redirect(step_url(draft, "service"))
    replacing = user is None and intake.guest_draft(_guest_key()) is not None
    return render_template("portal/feedback/new.html", form=form, back_url=url_for("portal.feedback_start"), replacing=replacing)


# --- one question a page ----------------------------------------------------------------------


def _make_form(step: str, draft: FeedbackDraft, user: User | None):
    answers = draft.answers
    kind = feedback.case_kind(draft.kind, answers)
    form_class = PAGES[step].form
    data = dict(answers)
    if step == "happened_on" and answers.get("happened_on"):
        data["happened_on"] = date.fromisoformat(answers["happened_on"])
    if user is not None:  # offer what the resident saved in their details (never a guest: nothing to offer)
        if step == "contact" and not answers.get("contact_method") and user.preferred_contact:
            data["contact_method"] = user.preferred_contact.value
        if step == "contact_phone" and not answers.get("contact_phone"):
            data["contact_phone"] = user.phone or ""
        if step == "contact_address" and not answers.get("contact_address"):
            data["contact_address"] = user.address or ""
    if step == "service":
        return form_class(data=data, kind=draft.kind, services=intake.active_services(), locale=_locale())
    if step in {"message", "contact"}:
        return form_class(data=data, kind=kind)
    if step == "contact_phone":
        return form_class(data=data, mobile=answers.get("contact_method") == ContactMethod.TEXT.value)
    return form_class(data=data)


def _answers_from(step: str, form) -> dict:
    given = {}
    for key in feedback.ANSWERS_OF[step]:
        value = form[key].data
        if isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, str):
            value = value.strip()
        elif value is None:  # an optional box the browser did not send
            value = ""
        given[key] = value
    return given


@bp.route("/feedback/<int:draft_id>/<slug>", methods=["GET", "POST"])
@public
def feedback_step(draft_id: int, slug: str):
    draft, user = _draft_or_404(draft_id)
    step = SLUG_TO_STEP.get(slug)
    if step is None:
        abort(404)
    guest = user is None
    if step not in feedback.steps(draft.kind, draft.answers, guest=guest):
        # A question that does not apply to what they have chosen (say, a phone number for post).
        return redirect(resume_url(draft))
    changing = request.args.get("change") == "1"
    if step == "files":
        return _files_page(draft, user, changing)

    form = _make_form(step, draft, user)
    if form.validate_on_submit():
        given = _answers_from(step, form)
        if step == "your_email" and not intake.may_use_as_guest(given["your_email"]):
            form.refuse_work_address()
        else:
            intake.save_answers(draft, given)
            return redirect(_next_url(draft, step, changing))
    return _render_step(step, draft, user, form, changing)


def _render_step(step: str, draft: FeedbackDraft, user: User | None, form, changing: bool, **extra):
    page = PAGES[step]
    return render_template(
        page.template,
        form=form,
        step=step,
        slug=page.slug,
        field_name=feedback.ANSWERS_OF[step][0],
        boxes=boxes(step, form),
        draft=draft,
        kind=feedback.case_kind(draft.kind, draft.answers),
        guest=user is None,
        changing=changing,
        back_url=_previous_url(draft, step, changing),
        **signposting.for_feedback_step(step, draft),  # the support directory's entries (issue 7)
        **extra,
    )


@bp.post("/feedback/<int:draft_id>/<slug>/check")
@public
def feedback_check_box(draft_id: int, slug: str):
    """One box of a typed answer, checked as the person leaves it (htmx): the box again, with its
    error or without. Nothing is saved; Continue still checks everything."""
    draft, user = _draft_or_404(draft_id)
    step = SLUG_TO_STEP.get(slug)
    name = request.args.get("field", "")
    if step not in TYPED or name not in feedback.ANSWERS_OF[step]:
        abort(404)
    if not wants_section():
        return redirect(step_url(draft, step))  # without JavaScript, answers are checked on Continue
    form = _make_form(step, draft, user)
    form.validate()
    if step == "your_email" and not form.your_email.errors and not intake.may_use_as_guest(form.your_email.data):
        form.refuse_work_address()
    return varies(render_template("portal/feedback/_checked_box.html", form=form, name=name, params=boxes(step, form)[name],
                                  draft=draft, slug=slug))


def _next_url(draft: FeedbackDraft, step: str, changing: bool) -> str:
    guest = draft.user_id is None
    following = feedback.first_unanswered(draft.kind, draft.answers, guest=guest)
    if following is None:
        return url_for("portal.feedback_check", draft_id=draft.id)
    if changing:
        return step_url(draft, following, change=1)
    steps = feedback.steps(draft.kind, draft.answers, guest=guest)
    return step_url(draft, steps[min(steps.index(step) + 1, len(steps) - 1)])


def _previous_url(draft: FeedbackDraft, step: str, changing: bool) -> str:
    if changing:
        return url_for("portal.feedback_check", draft_id=draft.id)
    steps = feedback.steps(draft.kind, draft.answers, guest=draft.user_id is None)
    index = steps.index(step)
    return url_for("portal.feedback_start") if index == 0 else step_url(draft, steps[index - 1])


def _files_page(draft: FeedbackDraft, user: User | None, changing: bool):
    form = FilesForm()
    result = intake.FilesAdded()
    if form.validate_on_submit():
        # The files that pass are kept even when others are refused: nobody should choose them twice.
        result = intake.add_files(draft, form.files.data or [], user=user)
        if wants_section():  # chosen with JavaScript: the list and the box again, each file accepted or refused
            return varies(render_template(
                "portal/feedback/_files_section.html", form=form, draft=draft, changing=changing, result=result,
                **_files_context(draft),
            ))
        if not result.refused:
            if form.action.data == "add":
                return redirect(step_url(draft, "files", **({"change": 1} if changing else {})))
            intake.save_answers(draft, {"files_done": feedback.YES})
            return redirect(_next_url(draft, "files", changing))
    return _render_step("files", draft, user, form, changing, refused=result.refused, **_files_context(draft))


def _files_context(draft: FeedbackDraft) -> dict:
    return {"added": intake.draft_files(draft), "max_files": files.MAX_FILES, "human_size": files.human_size,
            "accept": files.ACCEPT_ATTRIBUTE}


@bp.post("/feedback/<int:draft_id>/files/<int:file_id>/remove")
@public
def feedback_remove_file(draft_id: int, file_id: int):
    draft, _user = _draft_or_404(draft_id)
    if not RemoveFileForm().validate_on_submit() or not intake.remove_file(draft, file_id):
        abort(404)
    changing = {"change": 1} if request.args.get("change") == "1" else {}
    return redirect(step_url(draft, "files", **changing))


# --- check answers, send, confirmation ---------------------------------------------------------


@bp.route("/feedback/<int:draft_id>/check-your-answers", methods=["GET", "POST"])
@public
def feedback_check(draft_id: int):
    # A POST is "Send": the draft is read with everything sending needs (one query for both).
    draft, user = _draft_or_404(draft_id, sending=request.method == "POST")
    guest = user is None
    missing = feedback.first_unanswered(draft.kind, draft.answers, guest=guest)
    if missing:
        return redirect(step_url(draft, missing))
    kind = feedback.case_kind(draft.kind, draft.answers)
    form = SubmitFeedbackForm(kind=kind)
    if form.validate_on_submit():
        key = intake.submission_key(draft)
        try:
            case = intake.submit(draft, user=user, locale=_locale())
        except intake.IncompleteFeedback as incomplete:
            return redirect(step_url(draft, incomplete.step, change=1))
        except IntegrityError:
            # "Send" pressed again while the first press was being saved: that one made the case.
            db.session.rollback()
            case = intake.case_for_submission(key)
            if case is None:
                raise
        if guest:
            session.pop(GUEST_KEY, None)
            session[SENT_KEY] = [*session.get(SENT_KEY, [])[-4:], case.reference]
        return redirect(url_for("portal.feedback_sent", reference=case.reference))
    services = {s.slug: s for s in intake.active_services()}
    answers = draft.answers
    over_a_year = bool(answers.get("happened_on")) and deadlines.is_late_complaint(
        date.fromisoformat(answers["happened_on"]), to_london(utcnow()).date()
    )
    steps = feedback.steps(draft.kind, answers, guest=guest)
    rows = feedback_summary.rows(
        draft, steps, service=services.get(answers["service"]), user=user,
        added=intake.draft_files(draft) if "files" in steps else [], step_url=step_url, locale=_locale(),
    )
    return render_template(
        "portal/feedback/check.html",
        form=form, kind=kind, rows=rows, over_a_year=over_a_year, guest=guest,
        back_url=step_url(draft, steps[-1]),
    )


@bp.get("/feedback/sent/<reference>")
@public
def feedback_sent(reference: str):
    user = _resident()
    if user is not None:
        case = case_queries.case_for(user, reference)
    elif reference in session.get(SENT_KEY, []):
        case = intake.sent_case(reference)
    else:
        case = None
    if case is None:
        abort(404)
    return render_template("portal/feedback/sent.html", case=case, guest=user is None,
                           acknowledgement=intake.acknowledgement(case))


# --- deleting a draft --------------------------------------------------------------------------


@bp.route("/feedback/<int:draft_id>/delete", methods=["GET", "POST"])
@public
def feedback_delete(draft_id: int):
    draft, user = _draft_or_404(draft_id)
    form = DeleteDraftForm()
    if form.validate_on_submit():
        intake.delete_draft(draft)
        if user is None:
            session.pop(GUEST_KEY, None)
        flash(_("Your unfinished feedback has been deleted."))
        return redirect(url_for("portal.feedback_start"))
    service = next((s for s in intake.active_services() if s.slug == draft.answers.get("service")), None)
    return render_template("portal/feedback/delete.html", form=form, draft=draft, service=service,
                           back_url=url_for("portal.feedback_start"))


# The journey's address before it took compliments and comments: kept for old bookmarks.
@bp.get("/complaint", defaults={"slug": ""})
@bp.get("/complaint/<path:slug>")
@public
def complaint_moved(slug: str):
    return redirect(url_for("portal.feedback_start"))
