"""The admin forms for the council's identity, its logo and its retention periods."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, StopValidation, ValidationError

from shared.config import NATIONS
from shared.domain import colour
from shared.domain.retention import MAX_YEARS, MIN_YEARS
from shared.services.council import NATION_LABELS, SHORT_NAME_LIMIT
from shared.web.forms import RedressForm, email_field, is_phone_number, required_choice, select_choices, strip_spaces


class CouncilForm(RedressForm):
    name = StringField(
        _l("Council's name"), description=_l("As residents know it, like Redbury Borough Council."),
        widget=GovTextInput(), filters=[strip_spaces],
        validators=[DataRequired(_l("Enter the council's name")),
                    Length(max=120, message=_l("The council's name must be 120 characters or fewer"))])
    name_cy = StringField(
        _l("Welsh name (optional)"),
        description=_l("If the council has one: shown instead of the English name on pages, emails and letters in Welsh."),
        widget=GovTextInput(), filters=[strip_spaces],
        validators=[Optional(), Length(max=120, message=_l("The Welsh name must be 120 characters or fewer"))])
    short_name = StringField(
        _l("Short name (optional)"),
        description=_l("Up to 12 characters, like Redbury. Shown under the icon when a resident adds the service to "
                       "their phone's home screen; without one, “Complaints” is shown."),
        widget=GovTextInput(), filters=[strip_spaces],
        validators=[Optional(), Length(max=SHORT_NAME_LIMIT,
                                       message=_l("The short name must be 12 characters or fewer"))])
    brand_colour = StringField(
        _l("Brand colour"),
        description=_l("A colour like #0b3d66. The header and navigation show white text on it, so it must be dark "
                       "enough for white text to be read: a contrast of at least 4.5 to 1."),
        widget=GovTextInput(), filters=[lambda value: colour.normalise(value) if isinstance(value, str) else value],
        validators=[DataRequired(_l("Enter the brand colour, like #0b3d66"))])
    contact_phone = StringField(
        _l("Phone number"), description=_l("The complaints team's number, shown on the contact page and in letters."),
        widget=GovTextInput(), filters=[strip_spaces],
        validators=[DataRequired(_l("Enter the complaints team's phone number"))])
    contact_email = email_field(_l("Email address"), _l("Enter the complaints team's email address"),
                                description=_l("Where residents write to the complaints team."))
    contact_address = TextAreaField(
        _l("Postal address"), description=_l("One line of the address on each line. Include the postcode."),
        widget=GovTextArea(),
        validators=[DataRequired(_l("Enter the complaints team's postal address")),
                    Length(max=500, message=_l("The postal address must be 500 characters or fewer"))])
    website = StringField(
        _l("Website (optional)"), description=_l("The council's own website, like https://www.redbury.gov.uk."),
        widget=GovTextInput(), filters=[strip_spaces],
        validators=[Optional(), Length(max=300, message=_l("The website's address must be 300 characters or fewer"))])
    nation = required_choice(_l("Nation"), select_choices((code, NATION_LABELS[code]) for code in NATIONS),
                             _l("Choose the nation the council is in"))
    # Set to the new nation once the admin has seen what changing it does (see the view).
    confirm_nation = HiddenField()
    submit = SubmitField(_l("Save council details"), widget=GovSubmitInput())

    def validate_brand_colour(self, field):
        if not colour.is_hex_colour(field.data or ""):
            raise ValidationError(_l("Enter the brand colour as # and 6 letters or digits, like #0b3d66"))
        ratio = colour.contrast_ratio(field.data, colour.WHITE)
        if ratio < colour.AA_TEXT_CONTRAST:
            raise ValidationError(_(
                "%(colour)s is too light for white text: its contrast with white is %(ratio)s to 1, and WCAG 2.2 "
                "level AA needs at least 4.5 to 1. Choose a darker colour",
                colour=field.data, ratio=colour.describe_ratio(ratio)))

    def validate_contact_phone(self, field):
        if not is_phone_number(field.data):
            raise ValidationError(_l("Enter a phone number, like 01632 960 001 or +44 808 157 0192"))

    def validate_website(self, field):
        parts = urlsplit(field.data or "")
        if parts.scheme not in {"http", "https"} or "." not in parts.netloc or " " in field.data:
            raise ValidationError(_l("Enter the website's full address, like https://www.redbury.gov.uk"))


class LogoForm(RedressForm):
    # Checked in the view by shared/services/logos.py, which must read the file to check it.
    logo = FileField(
        _l("Upload a logo"),
        description=_l("A PNG or SVG file smaller than 512 KB. It is shown in the header beside the council's name, "
                       "on the brand colour, so use a version that shows up on it (often a white one)."),
        widget=GovFileInput())
    submit = SubmitField(_l("Upload logo"), widget=GovSubmitInput())
    remove = SubmitField(_l("Remove the logo"), widget=GovSubmitInput())


class RetentionForm(RedressForm):
    """One box per procedure, added by `for_procedures` (their names are the procedures' slugs)."""

    submit = SubmitField(_l("Save retention periods"), widget=GovSubmitInput())

    @classmethod
    def for_procedures(cls, periods, locale: str, **kwargs) -> RetentionForm:
        class Bound(cls):
            pass

        for period in periods:
            setattr(Bound, f"years_{period.slug}", StringField(
                period.display_name(locale), widget=GovTextInput(), default=str(period.years), filters=[strip_spaces],
                validators=[_whole_years]))
        form = Bound(**kwargs)
        form.periods = periods
        return form

    def years(self) -> dict[str, int]:
        return {period.slug: int(self[f"years_{period.slug}"].data) for period in self.periods}


def _whole_years(form, field):
    # What was sent, not the default a missing box would keep.
    text = field.raw_data[0].strip() if field.raw_data else ""
    if not (text.isascii() and text.isdigit() and MIN_YEARS <= int(text) <= MAX_YEARS):
        # Translated now, not lazily: it holds a procedure's name, which the page must escape.
        raise StopValidation(_("Enter a whole number of years from %(low)d to %(high)d for %(procedure)s",
                                low=MIN_YEARS, high=MAX_YEARS, procedure=field.label.text))
