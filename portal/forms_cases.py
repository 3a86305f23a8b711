"""Forms on a resident's case: add information or reply, ask for the next stage, withdraw."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput
from wtforms import HiddenField, MultipleFileField, SubmitField

from shared.services import files as uploads
from shared.services import messages
from shared.web import ratelimits
from shared.web.forms import RedressForm, long_text
from shared.web.numbers import whole_number

MAX_REASON = 5_000


class ReplyForm(RedressForm):
    rate_limits = ratelimits.REPLY

    body = long_text(
        _l("Your message"),
        _l("Your message must be 10,000 characters or fewer"),
        max_length=messages.MAX_BODY,
        required=_l("Enter your message"),
        description=_l("Add anything that will help us, or reply to what we asked you. Do not include bank details or passwords."),
    )
    # Checked by their content in the view (uploads.check_all), which names each file it refuses.
    files = MultipleFileField(
        _l("Add files (optional)"),
        description=_l("Up to %(count)d files, each smaller than 10 MB: %(allowed)s.",
                       count=uploads.MAX_FILES, allowed=uploads.ALLOWED_DESCRIPTION),
        widget=GovFileInput(multiple=True),
    )
    submit = SubmitField(_l("Send message"), widget=GovSubmitInput())


class _CaseChangeForm(RedressForm):
    # The case version the page showed: if the case changed since (say, a response arrived), the
    # person sees it before their request counts.
    version = HiddenField()

    def expected_version(self) -> int | None:
        return whole_number(self.version.data)


class EscalateForm(_CaseChangeForm):
    reason = long_text(
        _l("Tell us why you are not satisfied (optional)"),
        _l("Why you are not satisfied must be 5,000 characters or fewer"),
        max_length=MAX_REASON,
        description=_l("You do not have to give a reason, but it helps the person who looks at your complaint again."),
    )
    submit = SubmitField(_l("Ask us to look again"), widget=GovSubmitInput())


class WithdrawForm(_CaseChangeForm):
    reason = long_text(
        _l("Why are you withdrawing? (optional)"),
        _l("Why you are withdrawing must be 5,000 characters or fewer"),
        max_length=MAX_REASON,
        description=_l("You do not have to tell us, but it helps us improve."),
    )
    submit = SubmitField(_l("Withdraw this case"), widget=GovSubmitInput())
