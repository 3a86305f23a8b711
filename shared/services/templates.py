"""Response templates: admin-managed wording with merge fields, checked on save and filled per case.

A template body is council data in one language. Its only dynamic part is `{{ field }}` for the
documented fields below: the body is parsed with Jinja's sandbox and any node other than plain
text and a known name (attribute access, calls, filters, tags) is refused, so a template cannot
run code or read anything beyond the values handed to it. Nothing here commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from jinja2 import StrictUndefined, TemplateSyntaxError, nodes
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment
from sqlalchemy import or_, select

from shared.clock import utcnow
from shared.db import db
from shared.domain.enums import Ombudsman
from shared.domain.ombudsman_contacts import ombudsman_for
from shared.domain.translations import pick
from shared.models import Case, CaseStage, Procedure, ResponseTemplate, Service, User
from shared.services import audit
from shared.services.council import council
from shared.web.filters import govuk_date

LANGUAGES = {"en": _l("English"), "cy": _l("Welsh"), "pl": _l("Polish"), "ur": _l("Urdu")}

# name -> what it holds (shown to admins beside the body)
FIELDS: dict[str, object] = {
    "resident_name": _l("The person's full name"),
    "reference": _l("The case reference"),
    "service": _l("The service the complaint is about"),
    "stage": _l("The complaint's stage number"),
    "received_date": _l("The date the complaint was received"),
    "acknowledged_date": _l("The date this stage was acknowledged"),
    "respond_by": _l("The date the response is due"),
    "officer_name": _l("The name of the officer writing the response"),
    "council_name": _l("The council's name"),
    "ombudsman_name": _l("The Ombudsman the person can go to"),
    "escalation_deadline": _l("The last date the person can ask for the next stage"),
}

_env = SandboxedEnvironment(autoescape=False, undefined=StrictUndefined, keep_trailing_newline=True)


class TemplateProblem(Exception):
    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


def problems(body: str) -> list[str]:
    """Why a body cannot be used, in the admin's language; empty when it is fine."""
    try:
        tree = _env.parse(body)
    except TemplateSyntaxError as error:
        return [_("Check the merge fields on line %(line)s: write each one as {{ field_name }}, with two curly "
                  "brackets on each side", line=error.lineno)]
    found: list[str] = []
    for node in tree.body:
        if not isinstance(node, nodes.Output):
            found.append(_("Remove the instruction in {% %}: templates can only contain text and merge fields"))
            continue
        for part in node.nodes:
            if isinstance(part, nodes.TemplateData):
                continue
            if isinstance(part, nodes.Name) and part.ctx == "load":
                if part.name not in FIELDS:
                    found.append(_("Remove {{ %(name)s }}: there is no merge field called %(name)s", name=part.name))
                continue
            found.append(_("Check the merge fields on line %(line)s: write each one as {{ field_name }}, with only "
                           "the field's name inside", line=part.lineno))
    return list(dict.fromkeys(found))


def render(body: str, values: dict[str, str]) -> str:
    """The body with its fields filled. Raises TemplateProblem for a body that fails the check."""
    found = problems(body)
    if found:
        raise TemplateProblem(found)
    try:
        return _env.from_string(body).render({name: values.get(name, "") for name in FIELDS})
    except (SecurityError, UndefinedError) as error:  # unreachable after the check; kept as a second lock
        raise TemplateProblem([str(error)]) from None


# --- values ---------------------------------------------------------------------------------------


def _label(ombudsman: Ombudsman | None) -> str:
    return "" if ombudsman is None or ombudsman is Ombudsman.NONE else str(ombudsman.label)


def _not_yet() -> str:
    return _("[set when the response is sent]")


# The preview's service in the community languages, as a council might have translated it.
_SAMPLE_SERVICE = {"pl": {"name": "Odpady i recykling"}, "ur": {"name": "کوڑا کرکٹ اور ری سائیکلنگ"}}


def sample_values(locale: str, stage: int | None) -> dict[str, str]:
    """Fixed values for the admin preview: the same every time, so wording can be compared."""
    with force_locale(locale):
        return {
            "resident_name": "Jane Smith",
            "reference": "RDR-7K2M-9QXD",
            "service": pick(locale, "Waste and recycling", "Gwastraff ac ailgylchu", _SAMPLE_SERVICE),
            "stage": str(stage or 1),
            "received_date": govuk_date(date(2027, 1, 4)),
            "acknowledged_date": govuk_date(date(2027, 1, 6)),
            "respond_by": govuk_date(date(2027, 1, 29)),
            "officer_name": "Sam Patel",
            "council_name": council().name,
            # A council's usual procedure: the LGSCO in England, the nation's public services ombudsman elsewhere.
            "ombudsman_name": _label(ombudsman_for(Ombudsman.LGSCO, council().nation)),
            "escalation_deadline": govuk_date(date(2027, 3, 1)),
        }


def case_values(case: Case, officer: User, locale: str) -> dict[str, str]:
    """The fields for one case, in the template's language (three queries)."""
    resident_name, service_name, service_name_cy, service_translations, ombudsman = db.session.execute(
        select(User.full_name, Service.name, Service.name_cy, Service.translations, Procedure.ombudsman)
        .select_from(Case)
        .join(Service, Service.id == Case.service_id)
        .outerjoin(User, User.id == Case.resident_id)
        .outerjoin(Procedure, Procedure.id == Case.procedure_id)
        .where(Case.id == case.id)
    ).one()
    stage = db.session.scalar(select(CaseStage).where(CaseStage.case_id == case.id, CaseStage.number == case.stage))
    with force_locale(locale):
        return {
            "resident_name": resident_name or "",
            "reference": case.reference,
            "service": pick(locale, service_name, service_name_cy, service_translations),
            "stage": str(case.stage),
            "received_date": govuk_date(stage.received_on if stage else case.received_at),
            "acknowledged_date": govuk_date(stage.acknowledged_at) if stage and stage.acknowledged_at else _not_yet(),
            "respond_by": govuk_date((stage.due if stage else None) or case.respond_by),
            "officer_name": officer.full_name,
            "council_name": council().name,
            # The procedure names the English body; outside England the nation's Ombudsman covers it.
            "ombudsman_name": _label(ombudsman_for(ombudsman, council().nation)),
            # Set by the engine when the response is sent, never guessed here.
            "escalation_deadline": govuk_date(stage.escalation_ends) if stage and stage.escalation_ends else _not_yet(),
        }


# --- the templates themselves ---------------------------------------------------------------------


def all_templates() -> list[ResponseTemplate]:
    return list(db.session.scalars(
        select(ResponseTemplate).order_by(ResponseTemplate.locale, ResponseTemplate.stage.is_not(None),
                                          ResponseTemplate.stage, ResponseTemplate.name)
    ))


def get(template_id: int) -> ResponseTemplate | None:
    return db.session.get(ResponseTemplate, template_id)


def save(template: ResponseTemplate | None, *, name: str, locale: str, stage: int | None, body: str, active: bool,
         actor: User | None) -> ResponseTemplate:
    found = problems(body)
    if found:
        raise TemplateProblem(found)
    action = "response_template.added" if template is None else "response_template.changed"
    if template is None:
        template = ResponseTemplate()
        db.session.add(template)
    template.name = name.strip()
    template.locale = locale
    template.stage = stage
    template.body = body.strip() + "\n"
    template.active = active
    template.updated_at = utcnow()
    template.updated_by_id = actor.id if actor else None
    db.session.flush()
    audit.record(action, actor=actor, subject_type="response_template", subject_id=template.id, locale=locale,
                 active=active)
    return template


@dataclass(frozen=True)
class Offer:
    id: int
    label: str


def offered_for(case: Case) -> tuple[str, list[ResponseTemplate]]:
    """The person's language ("en" when unknown) and the active templates for the case's stage (or
    any stage) in it; if there are none in it, every language's, so the officer is not left with
    nothing. One query: the drafting page is near its budget."""
    their_locale = select(User.locale).where(User.id == case.resident_id).scalar_subquery()
    rows = db.session.execute(
        select(ResponseTemplate, their_locale)
        .where(ResponseTemplate.active.is_(True),
               or_(ResponseTemplate.stage.is_(None), ResponseTemplate.stage == case.stage))
        .order_by(ResponseTemplate.locale, ResponseTemplate.stage.is_(None), ResponseTemplate.name)
    ).all()
    locale = rows[0][1] if rows and rows[0][1] in LANGUAGES else "en"
    templates = [row[0] for row in rows]
    theirs = [t for t in templates if t.locale == locale]
    return locale, theirs or templates


def offers(templates: list[ResponseTemplate], resident_locale: str | None) -> list[Offer]:
    locale = resident_locale if resident_locale in LANGUAGES else "en"
    mixed = any(t.locale != locale for t in templates)
    return [
        Offer(t.id, _("%(name)s (%(language)s)", name=t.name, language=LANGUAGES.get(t.locale, t.locale)) if mixed else t.name)
        for t in templates
    ]
