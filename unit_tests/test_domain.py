"""Pure domain rules: working-day calendar, case references, the transition table, case policy."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.domain.calendar import WorkingCalendar
from shared.domain.contact import choose
from shared.domain.enums import ContactMethod, MessageChannel, Role
from shared.domain.policy import can_view_case, sees_internal_events
from shared.domain.references import ALPHABET, new_reference, normalise

ENGLAND = WorkingCalendar("england")
MONDAY_21_DEC_2026 = date(2026, 12, 21)

# --- working days -----------------------------------------------------------------------------


def test_ten_working_days_over_christmas_in_england():
    # Christmas Day, the Boxing Day substitute (Mon 28th) and New Year's Day are skipped.
    assert ENGLAND.add(MONDAY_21_DEC_2026, 10) == date(2027, 1, 7)
    assert ENGLAND.between(MONDAY_21_DEC_2026, date(2027, 1, 7)) == 10


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 12, 25), False), (date(2026, 12, 26), False), (date(2026, 12, 28), False),
        (date(2026, 12, 29), True), (date(2027, 1, 1), False), (date(2027, 1, 4), True),
        (date(2026, 8, 31), False),  # summer bank holiday (England)
        (date(2026, 6, 13), False), (date(2026, 6, 14), False), (date(2026, 6, 15), True),
    ],
)
def test_england_working_days(day, working):
    assert ENGLAND.is_working_day(day) is working


def test_scotland_has_2_january_and_not_the_english_august_holiday():
    scotland = WorkingCalendar("scotland")
    assert scotland.is_working_day(date(2026, 1, 2)) is False
    assert ENGLAND.is_working_day(date(2026, 1, 2)) is True
    assert scotland.is_working_day(date(2026, 8, 31)) is True
    assert scotland.is_working_day(date(2026, 8, 3)) is False  # Scotland's August bank holiday
    assert scotland.add(date(2025, 12, 31), 1) == date(2026, 1, 5)
    assert ENGLAND.add(date(2025, 12, 31), 1) == date(2026, 1, 2)


def test_wales_and_northern_ireland_have_their_own_holidays():
    assert WorkingCalendar("northern-ireland").is_working_day(date(2026, 3, 17)) is False  # St Patrick's Day
    assert WorkingCalendar("wales").is_working_day(date(2026, 3, 17)) is True
    assert ENGLAND.is_working_day(date(2026, 3, 17)) is True


def test_closure_days_are_skipped():
    closed = WorkingCalendar("england", closures=[date(2026, 12, 29), date(2026, 12, 30)])
    assert closed.is_working_day(date(2026, 12, 29)) is False
    assert closed.add(MONDAY_21_DEC_2026, 10) == date(2027, 1, 11)
    assert closed.between(MONDAY_21_DEC_2026, date(2027, 1, 11)) == 10


def test_received_on_a_saturday_counts_from_monday():
    saturday = datetime(2026, 6, 13, 10, 0, tzinfo=UTC)
    assert ENGLAND.receipt_day(saturday) == date(2026, 6, 15)
    assert ENGLAND.due(saturday, 5) == date(2026, 6, 22)
    assert ENGLAND.due(saturday, 0) == date(2026, 6, 15)


def test_receipt_day_is_the_day_in_london():
    # 23:30 UTC on Friday 12 June is 00:30 on Saturday in London (BST): it counts from Monday.
    late_friday_utc = datetime(2026, 6, 12, 23, 30, tzinfo=UTC)
    assert ENGLAND.receipt_day(late_friday_utc) == date(2026, 6, 15)
    # in winter London is on UTC, so the same clock time is still Friday
    assert ENGLAND.receipt_day(datetime(2026, 1, 9, 23, 30, tzinfo=UTC)) == date(2026, 1, 9)


def test_received_on_a_working_day_counts_from_that_day():
    tuesday = datetime(2026, 6, 16, 9, 0, tzinfo=UTC)
    assert ENGLAND.receipt_day(tuesday) == date(2026, 6, 16)
    assert ENGLAND.due(tuesday, 5) == date(2026, 6, 23)


def test_between_is_zero_when_the_end_is_not_after_the_start():
    assert ENGLAND.between(date(2026, 6, 16), date(2026, 6, 16)) == 0
    assert ENGLAND.between(date(2026, 6, 16), date(2026, 6, 1)) == 0
    assert ENGLAND.between(date(2026, 6, 12), date(2026, 6, 14)) == 0  # Friday to Sunday


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError):
        WorkingCalendar("france")
    with pytest.raises(ValueError):
        ENGLAND.add(MONDAY_21_DEC_2026, -1)


NATIONS = st.sampled_from(["england", "wales", "scotland", "northern-ireland"])
DATES = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))


@settings(max_examples=150, deadline=None)
@given(nation=NATIONS, start=DATES, n=st.integers(min_value=1, max_value=60))
def test_add_lands_on_a_working_day_that_is_n_working_days_later(nation, start, n):
    calendar = WorkingCalendar(nation)
    end = calendar.add(start, n)
    assert calendar.is_working_day(end)
    assert calendar.between(start, end) == n
    assert calendar.between(start, end - timedelta(days=1)) == n - 1  # and not a day later than needed
    assert end > start


@settings(max_examples=100, deadline=None)
@given(nation=NATIONS, start=DATES, a=st.integers(0, 30), b=st.integers(0, 30))
def test_adding_working_days_composes(nation, start, a, b):
    calendar = WorkingCalendar(nation)
    assert calendar.add(calendar.add(start, a), b) == calendar.add(start, a + b)


# --- references -------------------------------------------------------------------------------

REFERENCE = re.compile(rf"^RDR-[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}$")


def test_new_references_have_the_documented_format():
    for _ in range(200):
        reference = new_reference()
        assert REFERENCE.match(reference), reference
        assert not set(reference[4:]) & set("ILOU")


def test_the_alphabet_is_crockford_base32():
    assert len(ALPHABET) == len(set(ALPHABET)) == 32
    assert not set(ALPHABET) & set("ILOU")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("RDR-7K2M-9QXD", "RDR-7K2M-9QXD"),
        ("rdr-7k2m-9qxd", "RDR-7K2M-9QXD"),
        ("  rdr 7k2m 9qxd ", "RDR-7K2M-9QXD"),
        ("7K2M9QXD", "RDR-7K2M-9QXD"),
        ("7k2m-9qxd", "RDR-7K2M-9QXD"),
        ("RDR-7K2M-9QXO", "RDR-7K2M-9QX0"),  # O read as zero
        ("RDR-IK2M-9QXL", "RDR-1K2M-9QX1"),  # I and L read as one
        ("RDR-RDR1-2345", "RDR-RDR1-2345"),
        ("RDR12345", "RDR-RDR1-2345"),  # a bare body that happens to start with RDR
        ("RDR-7K2M-9QX", None),
        ("RDR-7K2M-9QXDD", None),
        ("7K2M9QX", None),
        ("", None),
        ("RDR", None),
        ("RDR-7K2M-9QXU", None),  # U is not in the alphabet
        ("RDR-7K2M-9QX!", None),
        ("ABC-7K2M-9QXD", None),
    ],
)
def test_normalise(typed, expected):
    assert normalise(typed) == expected


BODIES = st.text(alphabet=ALPHABET, min_size=8, max_size=8)


@settings(max_examples=300)
@given(body=BODIES, with_prefix=st.booleans(), lower=st.booleans(), separator=st.sampled_from(["-", " ", "", "  "]))
def test_references_survive_being_retyped(body, with_prefix, lower, separator):
    reference = f"RDR-{body[:4]}-{body[4:]}"
    typed = (f"RDR{separator}" if with_prefix else "") + body[:4] + separator + body[4:]
    if lower:
        typed = typed.lower()
    assert normalise(typed) == reference


@settings(max_examples=200)
@given(body=st.text(alphabet=ALPHABET, min_size=0, max_size=12).filter(lambda b: len(b) != 8))
def test_wrong_lengths_are_refused(body):
    assert normalise(body) is None
    if len(body) != 5:  # "RDR" + 5 characters is also a bare 8-character body, e.g. RDR-RDR0-0000
        assert normalise("RDR-" + body) is None


# --- policy -----------------------------------------------------------------------------------

HOUSING, WASTE = 1, 2


def _viewer(role: Role, *, id: int = 10, service_id: int | None = None):
    return SimpleNamespace(id=id, role=role, service_id=service_id)


CASE = SimpleNamespace(resident_id=10, service_id=HOUSING)


@pytest.mark.parametrize(
    ("viewer", "can_view"),
    [
        (_viewer(Role.RESIDENT, id=10), True),  # their own
        (_viewer(Role.RESIDENT, id=11), False),  # someone else's
        (_viewer(Role.COUNCILLOR, id=10), False),
        (_viewer(Role.AGENT), True),
        (_viewer(Role.OFFICER), True),
        (_viewer(Role.MANAGER), True),
        (_viewer(Role.RESPONDER, service_id=HOUSING), True),
        (_viewer(Role.RESPONDER, service_id=WASTE), False),
        (_viewer(Role.RESPONDER, service_id=None), False),
        (_viewer(Role.ADMIN), False),
        (_viewer(Role.ADMIN, id=10, service_id=HOUSING), False),
    ],
    ids=lambda v: f"{v.role.value}-{v.id}-{v.service_id}" if isinstance(v, SimpleNamespace) else str(v),
)
def test_can_view_case(viewer, can_view):
    assert can_view_case(viewer, CASE) is can_view


def test_a_case_without_a_resident_is_not_anyones_own():
    anonymous_case = SimpleNamespace(resident_id=None, service_id=HOUSING)
    assert can_view_case(_viewer(Role.RESIDENT, id=10), anonymous_case) is False
    assert can_view_case(_viewer(Role.OFFICER), anonymous_case) is True


@pytest.mark.parametrize("role", list(Role))
def test_only_case_readers_see_internal_events(role):
    expected = role in {Role.AGENT, Role.OFFICER, Role.RESPONDER, Role.MANAGER}
    assert sees_internal_events(_viewer(role)) is expected


@pytest.mark.parametrize(
    ("happened_on", "today", "late"),
    [
        (date(2025, 11, 22), date(2026, 11, 22), False),  # exactly 12 months: still in time
        (date(2025, 11, 21), date(2026, 11, 22), True),
        (date(2025, 12, 31), date(2026, 11, 22), False),
        (date(2024, 2, 29), date(2025, 3, 1), True),
        (date(2026, 11, 22), date(2026, 11, 22), False),
    ],
)
def test_the_twelve_month_time_limit(happened_on, today, late):
    from shared.domain.deadlines import is_late_complaint

    assert is_late_complaint(happened_on, today) is late


EMAIL, SMS, LETTER = MessageChannel.EMAIL, MessageChannel.SMS, MessageChannel.LETTER


@pytest.mark.parametrize(("method", "held", "effects", "expected"), [
    (ContactMethod.EMAIL, "eph", set(), (EMAIL, "e")),
    (ContactMethod.TEXT, "eph", set(), (SMS, "p")),
    (ContactMethod.POST, "eph", set(), (LETTER, "h")),
    (ContactMethod.POST, "ep", set(), (EMAIL, "e")),  # no address: what there is
    (ContactMethod.TEXT, "eh", set(), (EMAIL, "e")),
    (ContactMethod.EMAIL, "ph", set(), (LETTER, "h")),  # no email: post, then text
    (ContactMethod.EMAIL, "p", set(), (SMS, "p")),
    (ContactMethod.EMAIL, "", set(), None),
    (ContactMethod.POST, "eph", {"email_only"}, (EMAIL, "e")),  # the register outweighs the choice
    (ContactMethod.EMAIL, "eph", {"phone_only"}, (SMS, "p")),
    (ContactMethod.EMAIL, "eph", {"large_print"}, (LETTER, "h")),
    (ContactMethod.EMAIL, "ep", {"large_print"}, (EMAIL, "e")),  # nowhere to post the large print
    (None, "eph", {"plain_text_email"}, (EMAIL, "e")),
])
def test_how_we_write_to_a_person(method, held, effects, expected):
    found = choose(method, email="e" if "e" in held else None, phone="p" if "p" in held else None,
                   address="h" if "h" in held else None, effects=frozenset(effects))
    assert found == expected
