"""Dates as instants: the day arithmetic against datetime, and across the years it cannot
hold against its own 400-year cycle."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from generator.dateparts import (
    MAX_YEAR,
    MIN_YEAR,
    civil_from_days,
    days_from_civil,
    days_in_month,
    is_leap,
    utc_datetime,
)

CYCLE_DAYS = 146097  # the Gregorian calendar repeats every 400 years, of this many days
EPOCH = dt.date(1970, 1, 1)


@given(st.dates())
def test_days_agree_with_datetime_where_it_holds_them(day):
    assert days_from_civil(day.year, day.month, day.day) == (day - EPOCH).days
    assert civil_from_days((day - EPOCH).days) == (day.year, day.month, day.day)


@st.composite
def any_day(draw):
    year = draw(st.integers(MIN_YEAR, MAX_YEAR))
    month = draw(st.integers(1, 12))
    return year, month, draw(st.integers(1, days_in_month(year, month)))


@given(any_day())
def test_days_shift_by_whole_cycles_in_any_year(day):
    year, month, number = day
    # The same day moved into the years datetime holds, by whole 400-year cycles.
    cycles = (year - 1) // 400
    near = dt.date(year - cycles * 400, month, number)
    assert days_from_civil(year, month, number) == (near - EPOCH).days + cycles * CYCLE_DAYS
    assert civil_from_days(days_from_civil(year, month, number)) == day


@given(st.integers(-(10**14), 10**14))
def test_civil_from_days_inverts_days_from_civil(days):
    assert days_from_civil(*civil_from_days(days)) == days


@given(st.integers(MIN_YEAR, MAX_YEAR))
def test_leap_years_have_366_days(year):
    length = days_from_civil(year + 1, 1, 1) - days_from_civil(year, 1, 1)
    assert length == (366 if is_leap(year) else 365)


@given(st.datetimes(timezones=st.just(dt.UTC)))
def test_utc_datetime_gives_back_the_instant(moment):
    moment = moment.replace(microsecond=0)
    assert utc_datetime(int(moment.timestamp())) == moment


def test_utc_datetime_is_none_outside_the_years_datetime_holds():
    assert utc_datetime(days_from_civil(0, 12, 31) * 86400) is None
    assert utc_datetime(days_from_civil(10000, 1, 1) * 86400) is None

