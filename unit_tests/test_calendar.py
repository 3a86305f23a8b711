"""The working-day calendar: worked dates for every nation, the receipt cut-off, British Summer
Time, due-soon and overdue, properties against a naive day-by-day count, and the CLI.

Every worked date was checked against the `holidays` package (0.109) and a calendar.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.clock import to_london
from shared.config import ConfigError, load_settings
from shared.domain.calendar import WorkingCalendar
from shared.models import ClosureDay

NATIONS = ("england", "wales", "scotland", "northern-ireland")
CALENDARS = {nation: WorkingCalendar(nation) for nation in NATIONS}


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# --- worked dates -----------------------------------------------------------------------------

# (nation, start, working days, expected end)
WORKED = [
    # Christmas and New Year 2026-27: Fri 25 Dec, Mon 28 Dec (Boxing Day substitute), Fri 1 Jan.
    ("england", date(2026, 12, 21), 10, date(2027, 1, 7)),
    ("wales", date(2026, 12, 21), 10, date(2027, 1, 7)),
    ("northern-ireland", date(2026, 12, 21), 10, date(2027, 1, 7)),
    # Scotland also has 2 January, a Saturday in 2027, so Monday 4 January is its substitute.
    ("scotland", date(2026, 12, 21), 10, date(2027, 1, 8)),
    ("england", date(2026, 12, 24), 1, date(2026, 12, 29)),
    ("scotland", date(2026, 12, 31), 1, date(2027, 1, 5)),
    ("england", date(2026, 12, 31), 1, date(2027, 1, 4)),
    # 2 January 2026 is a Friday: a holiday in Scotland only.
    ("scotland", date(2025, 12, 31), 1, date(2026, 1, 5)),
    ("england", date(2025, 12, 31), 1, date(2026, 1, 2)),
    # St Andrew's Day, Monday 30 November 2026, in Scotland only.
    ("scotland", date(2026, 11, 27), 1, date(2026, 12, 1)),
    ("england", date(2026, 11, 27), 1, date(2026, 11, 30)),
    # St Patrick's Day, Tuesday 17 March 2026, in Northern Ireland only.
    ("northern-ireland", date(2026, 3, 16), 1, date(2026, 3, 18)),
    ("wales", date(2026, 3, 16), 1, date(2026, 3, 17)),
    # Battle of the Boyne: 12 July 2026 is a Sunday, so Monday 13 July is the holiday.
    ("northern-ireland", date(2026, 7, 10), 1, date(2026, 7, 14)),
    ("england", date(2026, 7, 10), 1, date(2026, 7, 13)),
    # August: the first Monday (3 August 2026) in Scotland, the last (31 August) elsewhere.
    ("scotland", date(2026, 7, 31), 1, date(2026, 8, 4)),
    ("england", date(2026, 7, 31), 1, date(2026, 8, 3)),
    ("scotland", date(2026, 8, 28), 1, date(2026, 8, 31)),
    ("england", date(2026, 8, 28), 1, date(2026, 9, 1)),
    ("wales", date(2026, 8, 28), 1, date(2026, 9, 1)),
    ("northern-ireland", date(2026, 8, 28), 1, date(2026, 9, 1)),
    # Easter Monday (6 April 2026) is not a bank holiday in Scotland.
    ("scotland", date(2026, 4, 2), 1, date(2026, 4, 6)),
    ("england", date(2026, 4, 2), 1, date(2026, 4, 7)),
    # Christmas 2027 falls at a weekend: Monday 27 and Tuesday 28 December are the substitutes.
    ("england", date(2027, 12, 24), 1, date(2027, 12, 29)),
    # Starting on a weekend: day 1 is the Monday.
    ("england", date(2026, 6, 13), 1, date(2026, 6, 15)),
    ("england", date(2026, 6, 14), 5, date(2026, 6, 19)),
    # Nothing to add.
    ("england", date(2026, 6, 13), 0, date(2026, 6, 13)),
]


@pytest.mark.parametrize(("nation", "start", "days", "end"), WORKED)
def test_worked_dates(nation, start, days, end):
    calendar = CALENDARS[nation]
    assert calendar.add(start, days) == end
    assert calendar.between(start, end) == days


@pytest.mark.parametrize(
    ("nation", "day", "working"),
    [
        ("scotland", date(2026, 11, 30), False), ("england", date(2026, 11, 30), True),
        ("scotland", date(2027, 11, 30), False),  # a Tuesday in 2027
        ("northern-ireland", date(2026, 3, 17), False), ("england", date(2026, 3, 17), True),
        ("northern-ireland", date(2026, 7, 13), False), ("wales", date(2026, 7, 13), True),
        ("northern-ireland", date(2027, 7, 12), False),  # a Monday in 2027
        ("scotland", date(2026, 8, 3), False), ("scotland", date(2026, 8, 31), True),
        ("wales", date(2026, 8, 3), True), ("wales", date(2026, 8, 31), False),
        ("scotland", date(2027, 1, 4), False), ("england", date(2027, 1, 4), True),
    ],
)
def test_nation_holidays(nation, day, working):
    assert CALENDARS[nation].is_working_day(day) is working


def test_closure_days_between_christmas_and_new_year():
    closed = WorkingCalendar("england", closures=[date(2026, 12, 29), date(2026, 12, 30), date(2026, 12, 31)])
    # 22, 23, 24 December, then 4 to 8 and 11, 12 January
    assert closed.add(date(2026, 12, 21), 10) == date(2027, 1, 12)
    assert closed.between(date(2026, 12, 21), date(2027, 1, 12)) == 10
    assert closed.add(date(2026, 12, 24), 1) == date(2027, 1, 4)
    assert closed.between(date(2026, 12, 24), date(2027, 1, 1)) == 0


def test_a_closure_on_a_weekend_or_a_bank_holiday_changes_nothing():
    plain = CALENDARS["england"]
    closed = WorkingCalendar("england", closures=[date(2026, 12, 25), date(2026, 12, 26), date(2026, 12, 27)])
    assert closed.add(date(2026, 12, 21), 10) == plain.add(date(2026, 12, 21), 10)
    assert closed.between(date(2026, 12, 1), date(2027, 2, 1)) == plain.between(date(2026, 12, 1), date(2027, 2, 1))


def test_between_spans_many_years_without_walking_them():
    calendar = CALENDARS["england"]
    # 2026 has 261 weekdays and 8 weekday bank holidays in England.
    assert calendar.between(date(2025, 12, 31), date(2026, 12, 31)) == 253
    assert calendar.between(date(2000, 1, 1), date(2100, 1, 1)) == _naive_between(calendar, date(2000, 1, 1), date(2100, 1, 1))


# --- receipt: weekends, cut-off, British Summer Time --------------------------------------------

CUTOFF_4PM = WorkingCalendar("england", cutoff=time(16, 0))


@pytest.mark.parametrize(
    ("received", "day"),
    [
        ("2026-06-13T10:00", date(2026, 6, 15)),  # Saturday: Monday
        ("2026-06-16T14:59", date(2026, 6, 16)),  # 15:59 BST, before the cut-off
        ("2026-06-16T15:00", date(2026, 6, 16) + timedelta(days=1)),  # 16:00 BST: at the cut-off counts as after
        ("2026-06-19T15:30", date(2026, 6, 22)),  # Friday 16:30 BST: Monday
        ("2026-12-24T17:00", date(2026, 12, 29)),  # Christmas Eve after the cut-off: past Christmas and Boxing Day
        ("2026-12-18T16:30", date(2026, 12, 21)),  # Friday 16:30 GMT: Monday
        ("2026-03-27T15:30", date(2026, 3, 27)),  # Friday 15:30 GMT, before the cut-off
        ("2026-03-30T15:30", date(2026, 3, 31)),  # Monday 16:30 BST (15:30 UTC): after the cut-off
        ("2026-06-16T22:30", date(2026, 6, 17)),  # 23:30 BST
    ],
)
def test_receipt_with_a_4pm_cut_off(received, day):
    assert CUTOFF_4PM.receipt_day(utc(received)) == day


def test_without_a_cut_off_the_whole_working_day_counts():
    assert CALENDARS["england"].receipt_day(utc("2026-06-16T22:30")) == date(2026, 6, 16)  # 23:30 BST
    assert CALENDARS["england"].due(utc("2026-06-16T22:30"), 5) == date(2026, 6, 23)
    assert CUTOFF_4PM.due(utc("2026-06-16T22:30"), 5) == date(2026, 6, 24)


@pytest.mark.parametrize(
    ("received", "london", "day"),
    [
        # Clocks go forward at 01:00 UTC on Sunday 29 March 2026; before that London is on GMT.
        ("2026-03-27T23:30", datetime(2026, 3, 27, 23, 30), date(2026, 3, 27)),  # Friday, still GMT
        ("2026-03-28T23:30", datetime(2026, 3, 28, 23, 30), date(2026, 3, 30)),  # Saturday 23:30 GMT (not yet BST)
        ("2026-03-29T00:30", datetime(2026, 3, 29, 0, 30), date(2026, 3, 30)),  # Sunday 00:30 GMT
        ("2026-03-29T01:30", datetime(2026, 3, 29, 2, 30), date(2026, 3, 30)),  # Sunday 02:30 BST
        ("2026-03-29T23:30", datetime(2026, 3, 30, 0, 30), date(2026, 3, 30)),  # Sunday in UTC, Monday in London
        ("2026-03-30T23:30", datetime(2026, 3, 31, 0, 30), date(2026, 3, 31)),  # Monday in UTC, Tuesday in London
        # Clocks go back at 01:00 UTC on Sunday 25 October 2026.
        ("2026-10-23T23:30", datetime(2026, 10, 24, 0, 30), date(2026, 10, 26)),  # Friday UTC, Saturday BST
        ("2026-10-23T22:59", datetime(2026, 10, 23, 23, 59), date(2026, 10, 23)),  # last minute of Friday, BST
        ("2026-10-25T00:30", datetime(2026, 10, 25, 1, 30), date(2026, 10, 26)),  # 01:30 BST
        ("2026-10-25T01:30", datetime(2026, 10, 25, 1, 30), date(2026, 10, 26)),  # 01:30 GMT, an hour later
        ("2026-10-26T23:30", datetime(2026, 10, 26, 23, 30), date(2026, 10, 26)),  # Monday 23:30 GMT: still Monday
    ],
)
def test_receipt_day_across_the_clock_changes(received, london, day):
    moment = utc(received)
    assert to_london(moment).replace(tzinfo=None) == london
    assert CALENDARS["england"].receipt_day(moment) == day


def test_the_cut_off_is_in_london_time_across_the_clock_change():
    # 15:30 UTC is before a 16:00 cut-off in GMT and after it in BST.
    assert CUTOFF_4PM.receipt_day(utc("2026-10-23T15:30")) == date(2026, 10, 26)  # Friday 16:30 BST
    assert CUTOFF_4PM.receipt_day(utc("2026-10-26T15:30")) == date(2026, 10, 26)  # Monday 15:30 GMT


def test_received_on_a_closure_day_counts_from_the_next_working_day():
    closed = WorkingCalendar("england", closures=[date(2026, 12, 29)])
    assert closed.receipt_day(utc("2026-12-29T10:00")) == date(2026, 12, 30)


# --- due soon and overdue -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due", "today", "soon", "overdue"),
    [
        (date(2026, 6, 19), date(2026, 6, 19), True, False),  # due today: 0 left
        (date(2026, 6, 19), date(2026, 6, 17), True, False),  # 2 working days left
        (date(2026, 6, 19), date(2026, 6, 16), False, False),  # 3 left
        (date(2026, 6, 19), date(2026, 6, 20), False, True),  # day N+1 is late, even a Saturday
        (date(2026, 6, 22), date(2026, 6, 18), True, False),  # Thursday to Monday: 2 working days
        (date(2026, 6, 23), date(2026, 6, 18), False, False),  # Thursday to Tuesday: 3
        (date(2026, 12, 29), date(2026, 12, 23), True, False),  # over Christmas: 24th and 29th
    ],
)
def test_due_soon_and_overdue(due, today, soon, overdue):
    calendar = CALENDARS["england"]
    assert calendar.is_due_soon(due, today) is soon
    assert calendar.is_overdue(due, today) is overdue


def test_due_soon_takes_a_window():
    assert CALENDARS["england"].is_due_soon(date(2026, 6, 19), date(2026, 6, 12), within=5) is True
    assert CALENDARS["england"].is_due_soon(date(2026, 6, 19), date(2026, 6, 11), within=5) is False


# --- properties ---------------------------------------------------------------------------------


def _naive_between(calendar: WorkingCalendar, start: date, end: date) -> int:
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += calendar.is_working_day(day)
    return count


NATION = st.sampled_from(NATIONS)
DAY = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))
CLOSURES = st.frozensets(st.dates(min_value=date(2020, 1, 1), max_value=date(2036, 12, 31)), max_size=40)


@settings(max_examples=200, deadline=None)
@given(nation=NATION, closures=CLOSURES, start=DAY, n=st.integers(min_value=1, max_value=400))
def test_add_lands_on_a_working_day_n_working_days_later(nation, closures, start, n):
    calendar = WorkingCalendar(nation, closures)
    end = calendar.add(start, n)
    assert calendar.is_working_day(end)
    assert calendar.between(start, end) == n
    assert calendar.between(start, end - timedelta(days=1)) == n - 1


@settings(max_examples=150, deadline=None)
@given(nation=NATION, closures=CLOSURES, start=DAY, n=st.integers(min_value=0, max_value=300))
def test_add_is_monotonic_and_matches_stepping(nation, closures, start, n):
    calendar = WorkingCalendar(nation, closures)
    end = calendar.add(start, n)
    assert calendar.add(start, n + 1) > end
    assert calendar.between(start, end) == n
    stepped = start
    for _ in range(n):
        stepped = calendar.next_working_day(stepped)
    assert stepped == end


@settings(max_examples=200, deadline=None)
@given(nation=NATION, closures=CLOSURES, start=DAY, end=DAY)
def test_between_agrees_with_a_day_by_day_count(nation, closures, start, end):
    calendar = WorkingCalendar(nation, closures)
    assert calendar.between(start, end) == _naive_between(calendar, start, end)


# --- settings -----------------------------------------------------------------------------------


def _settings(tmp_path, **extra):
    return load_settings({"REDRESS_INSTANCE_PATH": str(tmp_path), "REDRESS_SECRET_KEY": "x" * 40, **extra})


def test_the_receipt_cut_off_is_unset_by_default(tmp_path):
    assert _settings(tmp_path).receipt_cutoff is None
    assert _settings(tmp_path, REDRESS_RECEIPT_CUTOFF="").receipt_cutoff is None


@pytest.mark.parametrize(("value", "expected"), [("16:30", time(16, 30)), ("09:00", time(9)), (" 7:05 ", time(7, 5)),
                                                 ("00:00", time(0)), ("23:59", time(23, 59))])
def test_the_receipt_cut_off_is_read(tmp_path, value, expected):
    assert _settings(tmp_path, REDRESS_RECEIPT_CUTOFF=value).receipt_cutoff == expected


@pytest.mark.parametrize("value", ["24:00", "16:60", "4pm", "16", "16:3", "16:30:00", "noon"])
def test_a_malformed_receipt_cut_off_is_refused(tmp_path, value):
    with pytest.raises(ConfigError, match="REDRESS_RECEIPT_CUTOFF"):
        _settings(tmp_path, REDRESS_RECEIPT_CUTOFF=value)


# --- the council calendar service ------------------------------------------------------------------


def test_council_calendar_reads_closures_once_per_request(app, session, make):
    from shared.services.calendar import council_calendar

    admin = make.user()
    session.add(ClosureDay(day=date(2026, 12, 29), reason="Christmas closure", created_by_id=admin.id,
                           created_at=datetime(2026, 11, 1, tzinfo=UTC)))
    session.commit()
    with app.test_request_context():
        calendar = council_calendar()
        assert council_calendar() is calendar
        assert calendar.nation == "england"
        assert calendar.is_working_day(date(2026, 12, 29)) is False
        assert calendar.add(date(2026, 12, 21), 10) == date(2027, 1, 8)


# --- the command line ---------------------------------------------------------------------------


def test_cli_adds_working_days(app):
    result = app.test_cli_runner().invoke(args=["working-days", "add", "2026-12-21", "10", "--nation", "england"])
    assert result.exit_code == 0, result.output
    assert result.output == "2027-01-07\n"


def test_cli_counts_working_days_between(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["working-days", "between", "2026-12-21", "2027-01-07", "--nation", "england"])
    assert (result.exit_code, result.output) == (0, "10\n")
    result = runner.invoke(args=["working-days", "between", "2026-12-21", "2027-01-07", "--nation", "scotland"])
    assert (result.exit_code, result.output) == (0, "9\n")


def test_cli_defaults_to_the_configured_nation_and_includes_closure_days(app, session, make):
    session.add(ClosureDay(day=date(2026, 12, 29), reason="Christmas closure", created_by_id=make.user().id,
                           created_at=datetime(2026, 11, 1, tzinfo=UTC)))
    session.commit()
    runner = app.test_cli_runner()
    assert runner.invoke(args=["working-days", "add", "2026-12-21", "10"]).output == "2027-01-08\n"
    assert runner.invoke(args=["working-days", "add", "2026-12-21", "10", "--no-closures"]).output == "2027-01-07\n"
    assert runner.invoke(args=["working-days", "between", "2026-12-21", "2027-01-08"]).output == "10\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["add", "2026-13-01", "3"], "'2026-13-01' is not a real date written as YYYY-MM-DD"),
        (["add", "2026-02-30", "3"], "is not a real date"),
        (["add", "21/12/2026", "3"], "is not a real date"),
        (["add", "20261221", "3"], "is not a real date"),
        (["add", "2026-12-21", "-1"], "No such option"),
        (["add", "2026-12-21", "ten"], "'ten' is not a valid integer"),
        (["add", "2026-12-21", "3", "--nation", "france"], "'france' is not one of"),
        (["between", "2026-12-21", "tomorrow"], "'tomorrow' is not a real date"),
    ],
)
def test_cli_refuses_bad_input_with_usage_errors(app, args, message):
    result = app.test_cli_runner().invoke(args=["working-days", *args])
    assert result.exit_code == 2
    assert message in result.output
