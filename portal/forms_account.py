"""Forms for a resident's own account: one detail a page, email, password, closing the account."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea, GovTextInput
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import Length, ValidationError

from portal.forms import confirm_password_field, full_name_field, new_password_field, password_field
from shared.domain.enums import ContactMethod
from shared.web import ratelimits
from shared.web.forms import RedressForm, email_field, is_phone_number, required_choice, select_choices
from shared.web.locale import LANGUAGES


class _SaveForm(RedressForm):
    """One detail a page; `user` is the person whose details they are, for checks across details."""

    submit = SubmitField(_l("Save"), widget=GovSubmitInput())

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._user = user

    def _prefers(self, *methods: ContactMethod) -> bool:
        return self._user is not None and self._user.preferred_contact in methods


class NameForm(_SaveForm):
    full_name = full_name_field(_l("What is your full name?"))


class PhoneForm(_SaveForm):
    phone = StringField(
        _l("What is your phone number?"),
        description=_l("Leave this empty if you do not want us to phone you or send you text messages. For international numbers include the country code."),
        widget=GovTextInput(),
        validators=[],
    )

    def validate_phone(self, field):
        if field.data and field.data.strip() and not is_phone_number(field.data):
            raise ValidationError(_l("Enter a phone number, like 01632 960 001 or 07700 900 982"))
        if not (field.data or "").strip() and self._prefers(ContactMethod.PHONE, ContactMethod.TEXT):
            raise ValidationError(_l("Choose another way for us to contact you before removing your phone number"))


class AddressForm(_SaveForm):
    address = TextAreaField(
        _l("What is your postal address?"),
        description=_l("Leave this empty if you do not want us to write to you by post."),
        widget=GovTextArea(),
        validators=[Length(max=500, message=_l("Postal address must be 500 characters or fewer"))],
    )

    def validate_address(self, field):
        if not (field.data or "").strip() and self._prefers(ContactMethod.POST):
            raise ValidationError(_l("Choose another way for us to contact you before removing your address"))


class ContactMethodForm(_SaveForm):
    preferred_contact = required_choice(
        _l("How would you like us to contact you?"),
        select_choices(ContactMethod.choices()),
        _l("Select how you would like us to contact you"),
    )

    def validate_preferred_contact(self, field):
        # Each way needs somewhere to reach the person: ask for it first, rather than saving a
        # preference the council cannot use.
        if self._user is None:
            return
        if field.data in {ContactMethod.PHONE.value, ContactMethod.TEXT.value} and not self._user.phone:
            raise ValidationError(_l("Add your phone number before choosing phone or text message"))
        if field.data == ContactMethod.POST.value and not self._user.address:
            raise ValidationError(_l("Add your postal address before choosing post"))


class LanguageForm(_SaveForm):
    locale = required_choice(
        _l("Which language would you like us to use?"),
        select_choices(LANGUAGES.items()),
        _l("Select the language you would like us to use"),
        description=_l("We will use it for this website when you are signed in, and for the emails and letters we send you."),
    )


class ChangeEmailForm(RedressForm):
    rate_limits = ratelimits.CURRENT_PASSWORD
    email = email_field(
        _l("New email address"),
        _l("Enter your new email address"),
        description=_l("We will send a link to this address. Your email address changes when you follow it."),
    )
    password = password_field(_l("Your current password"), _l("Enter your current password"))
    submit = SubmitField(_l("Send a confirmation link"), widget=GovSubmitInput())

    def __init__(self, *args, current_email: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self._current_email = current_email.lower()

    def validate_email(self, field):
        if field.data and field.data.strip().lower() == self._current_email:
            raise ValidationError(_l("Enter a different email address from the one you use now"))


class ChangePasswordForm(RedressForm):
    rate_limits = ratelimits.CURRENT_PASSWORD
    current_password = password_field(_l("Your current password"), _l("Enter your current password"))
    password = new_password_field(
        _l("New password"),
        _l("Enter a new password"),
        description=_l("Use 10 characters or more. A few unrelated words is a good password."),
    )
    confirm_password = confirm_password_field(_l("Confirm new password"), _l("Confirm your new password"))
    submit = SubmitField(_l("Change password"), widget=GovSubmitInput())


class CloseAccountForm(RedressForm):
    rate_limits = ratelimits.CURRENT_PASSWORD
    password = password_field(
        _l("Your password"), _l("Enter your password"), description=_l("We ask for it to make sure it is you.")
    )
    submit = SubmitField(_l("Close my account"), widget=GovSubmitInput())


class LinkProviderForm(RedressForm):
    """"Confirm it's you" before linking the account to the council's identity provider."""

    rate_limits = ratelimits.CURRENT_PASSWORD
    password = password_field(
        _l("Your password"), _l("Enter your password"), description=_l("We ask for it to make sure it is you.")
    )
    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())
