"""Which Ombudsman a person can go to after our complaints procedure, and how and when to reach them.

The facts about each Ombudsman (website, phone, time limit) live here once, so the portal, letters
and emails say the same thing. Procedures say which Ombudsman looks at their complaints in England
(the Local Government and Social Care Ombudsman for council services and social care, the Housing
Ombudsman for a council's homes); in Wales, Scotland and Northern Ireland one public services
ombudsman covers both.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from shared.domain.enums import Ombudsman

_NATION_OMBUDSMAN = {
    "wales": Ombudsman.PSOW,
    "scotland": Ombudsman.SPSO,
    "northern-ireland": Ombudsman.NIPSO,
}


@dataclass(frozen=True)
class OmbudsmanContact:
    ombudsman: Ombudsman
    website: str  # the address to show and link to
    phone: str
    what_they_do: object  # a translated sentence
    time_limit: object  # when to go to them, as a translated sentence

    @property
    def name(self) -> object:
        return self.ombudsman.label

    @property
    def website_url(self) -> str:
        return f"https://{self.website}"


CONTACTS: dict[Ombudsman, OmbudsmanContact] = {
    contact.ombudsman: contact
    for contact in (
        OmbudsmanContact(
            Ombudsman.LGSCO,
            "www.lgo.org.uk",
            "0300 061 0614",
            _l("The Local Government and Social Care Ombudsman looks at complaints about councils and adult social "
               "care providers once the council's own complaints procedure has finished. It is independent and free "
               "to use."),
            _l("They usually expect you to complain to them within 12 months of when you first knew about the "
               "problem."),
        ),
        OmbudsmanContact(
            Ombudsman.HOUSING,
            "www.housing-ombudsman.org.uk",
            "0300 111 3000",
            _l("The Housing Ombudsman looks at complaints about social landlords, including councils as landlords, "
               "once the landlord's own complaints procedure has finished. It is independent and free to use."),
            _l("They usually expect you to complain to them within 12 months of our final response."),
        ),
        OmbudsmanContact(
            Ombudsman.PSOW,
            "www.ombudsman.wales",
            "0300 790 0203",
            _l("The Public Services Ombudsman for Wales looks at complaints about councils, social care and social "
               "housing in Wales once the organisation's own complaints procedure has finished. It is independent and "
               "free to use."),
            _l("They usually expect you to complain to them within 12 months of when you first knew about the "
               "problem."),
        ),
        OmbudsmanContact(
            Ombudsman.SPSO,
            "www.spso.org.uk",
            "0800 377 7330",
            _l("The Scottish Public Services Ombudsman looks at complaints about councils, social care and housing "
               "associations in Scotland once the organisation's own complaints procedure has finished. It is "
               "independent and free to use."),
            _l("They usually expect you to complain to them within 12 months of when you first knew about the "
               "problem."),
        ),
        OmbudsmanContact(
            Ombudsman.NIPSO,
            "www.nipso.org.uk",
            "0800 34 34 24",
            _l("The Northern Ireland Public Services Ombudsman looks at complaints about councils, social care and "
               "housing in Northern Ireland once the organisation's own complaints procedure has finished. It is "
               "independent and free to use."),
            _l("They usually expect you to complain to them within 6 months of our final response."),
        ),
    )
}


def ombudsman_for(procedure_ombudsman: Ombudsman | None, nation: str) -> Ombudsman | None:
    """The Ombudsman for a procedure's complaints in the council's nation; None when there is none."""
    if procedure_ombudsman is None or procedure_ombudsman is Ombudsman.NONE:
        return None
    return _NATION_OMBUDSMAN.get(nation.replace("_", "-"), procedure_ombudsman)


def contact_for(procedure_ombudsman: Ombudsman | None, nation: str) -> OmbudsmanContact | None:
    found = ombudsman_for(procedure_ombudsman, nation)
    return CONTACTS.get(found) if found is not None else None
