"""Following a case without an account: open the emailed link, or ask for a new one.

Asking for a link always gets the same answer, whether or not the details match a case, so the
form cannot be used to find out who has complained; only a rate limit gets a different one (the form
again, saying when to try again).
"""

from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_babel import get_locale

from portal import bp
from portal.forms_feedback import FollowCaseForm
from shared.auth.access import public
from shared.services import guest_access


@bp.get("/follow/<token>")
@public
def follow_case(token: str):
    case = guest_access.follow(token)
    if case is None:
        form = FollowCaseForm(formdata=None)
        return render_template("portal/guest/link_expired.html", form=form, link_days=guest_access.LINK_LIFETIME.days), 404
    return redirect(url_for("portal.case", reference=case.reference))


@bp.route("/follow-a-case", methods=["GET", "POST"])
@public
def follow_a_case():
    form = FollowCaseForm()
    if form.validate_on_submit():
        guest_access.re_request(form.reference.data, form.email.data, locale=str(get_locale()))
        return redirect(url_for("portal.follow_link_sent"))
    return render_template("portal/guest/follow_a_case.html", form=form)


@bp.get("/follow-a-case/check-your-email")
@public
def follow_link_sent():
    return render_template("portal/guest/link_sent.html")
