"""Dates, times and numbers in the page's language: GOV.UK's own style in English and Welsh, each
other language's conventions (CLDR, through babel) in the others."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask_babel import force_locale

from shared.web.filters import govuk_date, govuk_datetime, govuk_time, report_figure

# 14:05 in London on 7 January 2027 (GMT) and 12 July 2027 (BST).
WINTER = datetime(2027, 1, 7, 14, 5, tzinfo=UTC)
SUMMER = datetime(2027, 7, 12, 13, 5, tzinfo=UTC)


@pytest.mark.parametrize(("locale", "expected"), [
    ("en", "2:05pm"),
    ("pl", "14:05"),
    ("ur", "2:05 PM"),
])
def test_times_are_london_time_in_the_languages_own_style(app, locale, expected):
    with app.test_request_context(), force_locale(locale):
        assert govuk_time(WINTER) == expected
        assert govuk_time(SUMMER) == expected  # 13:05 UTC is 14:05 British Summer Time


@pytest.mark.parametrize(("locale", "expected"), [
    ("en", "7 January 2027"),
    ("cy", "7 Ionawr 2027"),
    ("pl", "7 stycznia 2027"),  # the genitive month, as Polish dates need
    ("ur", "7 جنوری 2027"),
])
def test_dates_use_the_languages_month_names(app, locale, expected):
    with app.test_request_context(), force_locale(locale):
        assert govuk_date(WINTER) == expected
        assert expected in govuk_datetime(WINTER)


def test_report_figures_use_the_languages_separators(app):
    with app.test_request_context():
        with force_locale("en"):
            assert str(report_figure(1234)) == "1,234"
        with force_locale("pl"):
            assert str(report_figure(1234)).replace("\xa0", " ") == "1 234"


@pytest.mark.parametrize(("n", "form"), [(1, 0), (2, 1), (4, 1), (5, 2), (12, 2), (22, 1), (25, 2)])
def test_polish_plurals_take_their_three_forms(app, n, form):
    """Polish: 1 sprawa, 2–4 sprawy (also 22–24), 5–21 spraw: the catalogue's plural rule picks the form."""
    from babel.messages.pofile import read_po
    from flask_babel import ngettext

    with open(app.root_path + "/../translations/pl/LC_MESSAGES/messages.po", "rb") as handle:
        catalog = read_po(handle)
    forms = catalog[("%(num)d case", "%(num)d cases")].string
    assert len(set(forms)) == 3, forms  # three different words
    with app.test_request_context(), force_locale("pl"):
        assert ngettext("%(num)d case", "%(num)d cases", n) == forms[form] % {"num": n}
