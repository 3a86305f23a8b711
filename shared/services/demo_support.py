"""Demo data for the advocacy and support directory: real national UK services with their own
published contact routes (phone numbers only where the service publishes one nationally; the
website otherwise). Called from shared/services/demo.py's loader."""

from __future__ import annotations

from shared.db import db
from shared.domain.enums import SupportTopic as T
from shared.models import SupportService

ENGLAND_AND_WALES = "England and Wales"

# name, Welsh name, what they help with, who for, contact, website, areas, languages, topics
SUPPORT_SERVICES = [
    ("POhWER", None,
     "Independent advocacy: an advocate helps you say what you want, understand your rights and make a complaint, "
     "including about social care (Care Act advocacy).",
     "Adults who find it hard to speak up, including disabled people, carers and people with mental health needs.",
     "0300 456 2370 (Monday to Friday, 8am to 6pm)", "https://www.pohwer.net", "England",
     "English; interpreters on request; British Sign Language videos on the website",
     [T.ADVOCACY, T.ADULTS_SOCIAL_CARE, T.GENERAL, T.COMPLAINING_FOR_SOMEONE]),
    ("Citizens Advice", "Cyngor ar Bopeth",
     "Free, confidential advice on benefits, debt, housing, consumer problems and how to complain.",
     "Anyone.", "Adviceline (England) 0800 144 8848; Advicelink (Wales) 0800 702 2020",
     "https://www.citizensadvice.org.uk", ENGLAND_AND_WALES, "English, Welsh",
     [T.GENERAL, T.HOUSING, T.COMPLAINING_FOR_SOMEONE]),
    ("Mind", None,
     "Information and support about mental health, your rights, and where to get help, including advocacy.",
     "Anyone with a mental health problem, and the people who support them.",
     "Mind Infoline 0300 123 3393", "https://www.mind.org.uk", ENGLAND_AND_WALES, "English, Welsh",
     [T.MENTAL_HEALTH, T.ADVOCACY]),
    ("Mencap", None,
     "Advice and support for people with a learning disability and their families, including social care and complaints.",
     "People with a learning disability, their families and carers.",
     "Learning Disability Helpline 0808 808 1111", "https://www.mencap.org.uk", ENGLAND_AND_WALES,
     "English; easy read information on the website",
     [T.LEARNING_DISABILITY, T.ADULTS_SOCIAL_CARE, T.COMPLAINING_FOR_SOMEONE]),
    ("Carers UK", None,
     "Advice for unpaid carers about their rights, carer's assessments, benefits and getting support.",
     "People who look after a family member or friend.",
     "Helpline 0808 808 7777", "https://www.carersuk.org", "United Kingdom", "English",
     [T.CARERS, T.COMPLAINING_FOR_SOMEONE, T.ADULTS_SOCIAL_CARE]),
    ("Coram Voice", None,
     "Independent advocacy for children and young people: an advocate listens and helps them say what they want, "
     "including to make a complaint about children's services.",
     "Children and young people in care, leaving care or getting help from children's services.",
     "Always Heard helpline 0808 800 5792 (free)", "https://coramvoice.org.uk", "England",
     "English; interpreters on request",
     [T.CHILDREN, T.CHILDRENS_SOCIAL_CARE, T.ADVOCACY]),
    ("NYAS (National Youth Advocacy Service)", None,
     "Independent advocacy and advice for children and young people about their rights, care and complaints.",
     "Children and young people, and care leavers up to 25.",
     "See the website for the helpline and how to ask for an advocate.", "https://www.nyas.net", ENGLAND_AND_WALES,
     "English, Welsh",
     [T.CHILDREN, T.CHILDRENS_SOCIAL_CARE, T.ADVOCACY]),
    ("Shelter", None,
     "Expert housing advice: homelessness, repairs, renting, and complaining to your landlord or council.",
     "Anyone with a housing problem.", "Emergency helpline 0808 800 4444", "https://england.shelter.org.uk",
     "England", "English",
     [T.HOUSING]),
    ("SignHealth", None,
     "Support and information in British Sign Language, including help for Deaf people to be heard by services.",
     "Deaf people who use British Sign Language.", "Contact SignHealth in BSL through its website.",
     "https://signhealth.org.uk", "United Kingdom", "British Sign Language, English",
     [T.ADVOCACY, T.GENERAL, T.MENTAL_HEALTH]),
    ("Age UK", None,
     "Free advice for older people on care, money, housing and health, and help to raise a concern.",
     "Older people, their families and carers.", "Age UK Advice Line 0800 678 1602", "https://www.ageuk.org.uk",
     "England", "English",
     [T.ADULTS_SOCIAL_CARE, T.GENERAL, T.CARERS]),
]


def load_support_services() -> None:
    for name, name_cy, helps_with, who_for, contact, website, areas, languages, topics in SUPPORT_SERVICES:
        db.session.add(SupportService(name=name, name_cy=name_cy, helps_with=helps_with, who_for=who_for, contact=contact,
                                      website=website, areas=areas, languages=languages,
                                      topics=[t.value for t in topics], active=True))
    db.session.flush()
