"""The demo council's Polish and Urdu names for its services and the standard procedures, so the demo
shows council-entered names in every language (shared/domain/translations.py). A real council fills
in its own on /staff/admin/translations/<language>; these are not loaded by `redress init`."""

from __future__ import annotations

from sqlalchemy import select

from shared.db import db
from shared.models import Procedure, ProcedureStage, Service

# slug → {language: {field: text}}
SERVICES: dict[str, dict[str, dict[str, str]]] = {
    "housing-repairs": {
        "pl": {"name": "Naprawy mieszkań",
               "description": "Naprawy w mieszkaniach komunalnych: wilgoć i pleśń, ogrzewanie, przecieki, drzwi i okna."},
        "ur": {"name": "گھروں کی مرمت",
               "description": "کونسل کے گھروں کی مرمت: نمی اور پھپھوندی، ہیٹنگ، پانی کا رساؤ، دروازے اور کھڑکیاں۔"},
    },
    "council-tax-benefits": {
        "pl": {"name": "Podatek lokalny (Council Tax) i zasiłki",
               "description": "Rachunki za Council Tax, zniżki i zaległości, dodatek mieszkaniowy (Housing Benefit) "
                              "i ulga w Council Tax (Council Tax Reduction)."},
        "ur": {"name": "کونسل ٹیکس اور بینیفٹس",
               "description": "کونسل ٹیکس کے بل، رعایتیں اور بقایا جات، ہاؤسنگ بینیفٹ اور کونسل ٹیکس میں کمی۔"},
    },
    "waste-recycling": {
        "pl": {"name": "Odpady i recykling",
               "description": "Odbiór śmieci, recykling, odpady zielone, odpady wielkogabarytowe i dzikie wysypiska."},
        "ur": {"name": "کوڑا کرکٹ اور ری سائیکلنگ",
               "description": "کوڑے دان خالی کرنا، ری سائیکلنگ، باغ کا کچرا، بڑی اشیاء اور غیر قانونی طور پر کچرا پھینکنا۔"},
    },
    "highways": {
        "pl": {"name": "Drogi i chodniki",
               "description": "Dziury w jezdni, chodniki, oświetlenie ulic, posypywanie dróg zimą, parkowanie i roboty drogowe."},
        "ur": {"name": "سڑکیں اور فٹ پاتھ",
               "description": "سڑکوں کے گڑھے، فٹ پاتھ، اسٹریٹ لائٹس، سردیوں میں سڑکوں پر نمک چھڑکنا، پارکنگ اور سڑکوں پر کام۔"},
    },
    "planning": {
        "pl": {"name": "Planowanie przestrzenne i nadzór budowlany",
               "description": "Wnioski i decyzje planistyczne, egzekwowanie przepisów i prawo budowlane."},
        "ur": {"name": "منصوبہ بندی اور تعمیراتی کنٹرول",
               "description": "منصوبہ بندی کی درخواستیں اور فیصلے، قواعد پر عمل درآمد اور تعمیراتی ضوابط۔"},
    },
    "parks": {
        "pl": {"name": "Parki i tereny zielone",
               "description": "Parki, place zabaw, drzewa, koszenie trawy i ogródki działkowe."},
        "ur": {"name": "پارک اور کھلی جگہیں",
               "description": "پارک، بچوں کے کھیل کے میدان، درخت، گھاس کی کٹائی اور الاٹمنٹس (باغبانی کے قطعات)۔"},
    },
    "adult-social-care": {
        "pl": {"name": "Opieka społeczna dla dorosłych",
               "description": "Ocena potrzeb opiekuńczych, opieka domowa, domy opieki i opłaty za opiekę."},
        "ur": {"name": "بالغوں کی سماجی نگہداشت",
               "description": "نگہداشت کی ضروریات کا جائزہ، گھر پر نگہداشت، کیئر ہومز اور نگہداشت کے اخراجات۔"},
    },
    "childrens-services": {
        "pl": {"name": "Usługi dla dzieci i rodzin",
               "description": "Opieka społeczna nad dziećmi, rodziny zastępcze, wczesna pomoc i wsparcie dla rodzin."},
        "ur": {"name": "بچوں کی خدمات",
               "description": "بچوں کی سماجی نگہداشت، رضاعی پرورش (فوسٹرنگ)، ابتدائی مدد اور خاندانوں کی معاونت۔"},
    },
    "schools": {
        "pl": {"name": "Szkoły i edukacja",
               "description": "Przyjęcia do szkół, dowóz do szkoły i specjalne potrzeby edukacyjne (SEND)."},
        "ur": {"name": "اسکول اور تعلیم",
               "description": "اسکولوں میں داخلے، اسکول کی ٹرانسپورٹ اور خصوصی تعلیمی ضروریات (SEND)۔"},
    },
}

# procedure slug → {language: name}
PROCEDURES: dict[str, dict[str, str]] = {
    "corporate": {"pl": "Skargi ogólne (Kodeks rozpatrywania skarg)", "ur": "عمومی شکایات (شکایات نمٹانے کا ضابطہ)"},
    "housing": {"pl": "Skargi dotyczące mieszkań (Kodeks rozpatrywania skarg)",
                "ur": "رہائش سے متعلق شکایات (شکایات نمٹانے کا ضابطہ)"},
    "adults": {"pl": "Skargi dotyczące opieki społecznej dla dorosłych", "ur": "بالغوں کی سماجی نگہداشت سے متعلق شکایات"},
    "children": {"pl": "Skargi dotyczące opieki społecznej nad dziećmi", "ur": "بچوں کی سماجی نگہداشت سے متعلق شکایات"},
    "member-enquiry": {"pl": "Zapytania radnych", "ur": "کونسلروں کے استفسارات"},
    "member-enquiry-complex": {"pl": "Zapytania radnych (złożone, z uzgodnionym terminem)",
                               "ur": "کونسلروں کے استفسارات (پیچیدہ، طے شدہ تاریخ کے ساتھ)"},
    "feedback": {"pl": "Pochwały i uwagi", "ur": "تعریفیں اور آراء"},
    "local-policy": {"pl": "Lokalne zasady rozpatrywania skarg", "ur": "شکایات کی مقامی پالیسی"},
}

# a stage's English name → {language: name}
STAGES: dict[str, dict[str, str]] = {
    "Stage 1": {"pl": "Etap 1", "ur": "پہلا مرحلہ"},
    "Stage 2": {"pl": "Etap 2", "ur": "دوسرا مرحلہ"},
    "Stage 1: local resolution": {"pl": "Etap 1: rozwiązanie na miejscu", "ur": "پہلا مرحلہ: مقامی سطح پر حل"},
    "Stage 2: investigation": {"pl": "Etap 2: postępowanie wyjaśniające", "ur": "دوسرا مرحلہ: تحقیقات"},
    "Stage 3: review panel": {"pl": "Etap 3: komisja odwoławcza", "ur": "تیسرا مرحلہ: نظرثانی پینل"},
    "Response plan": {"pl": "Plan odpowiedzi", "ur": "جواب کا منصوبہ"},
    "Early resolution": {"pl": "Szybkie rozwiązanie", "ur": "ابتدائی حل"},
    "Acknowledge and pass on": {"pl": "Potwierdzenie i przekazanie", "ur": "وصولی کی تصدیق اور آگے بھیجنا"},
    "Enquiry": {"pl": "Zapytanie", "ur": "استفسار"},
}


def load(services: dict[str, Service]) -> None:
    """Give the demo's services, and every version of the standard procedures and their stages,
    their Polish and Urdu names (three statements)."""
    for slug, translations in SERVICES.items():
        if slug in services:
            services[slug].translations = {language: dict(fields) for language, fields in translations.items()}
    for procedure in db.session.scalars(select(Procedure).where(Procedure.slug.in_(PROCEDURES))):
        procedure.translations = {language: {"name": name} for language, name in PROCEDURES[procedure.slug].items()}
    for stage in db.session.scalars(select(ProcedureStage).where(ProcedureStage.name.in_(STAGES))):
        stage.translations = {language: {"name": name} for language, name in STAGES[stage.name].items()}
    db.session.flush()
