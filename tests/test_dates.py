import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from generator.dates import DateError, Precision, parse_date

UTC = dt.UTC
LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("written", "precision", "iso"),
    [
        ("2018", Precision.YEAR, "2018"),
        (2018, Precision.YEAR, "2018"),
        ("2018-07", Precision.MONTH, "2018-07"),
        ("2018-07-19", Precision.DAY, "2018-07-19"),
        (dt.date(2018, 7, 19), Precision.DAY, "2018-07-19"),
        ("2018-07-19T14:30:00+01:00", Precision.TIME, "2018-07-19T14:30:00+01:00"),
        ("2018-07-19T14:30+09:00", Precision.TIME, "2018-07-19T14:30+09:00"),
        ("2018-07-19T14:30Z", Precision.TIME, "2018-07-19T14:30Z"),
        ("19 July 2018", Precision.DAY, "2018-07-19"),
        ("July 19, 2018", Precision.DAY, "2018-07-19"),
        ("July 2018", Precision.MONTH, "2018-07"),
        ("Dec 2018", Precision.MONTH, "2018-12"),
    ],
)
def test_dates_keep_the_precision_they_were_written_with(written, precision, iso):
    date = parse_date(written, UTC)
    assert date.precision is precision
    assert date.iso() == iso


def test_written_month_never_gains_a_day():
    date = parse_date("July 2018", UTC)
    assert date.day is None
    assert date.display("en", UTC) == "July 2018"


def test_time_without_offset_is_taken_in_the_site_zone():
    date = parse_date("2018-07-19T14:30", LONDON)
    assert date.iso() == "2018-07-19T14:30+01:00"
    assert date.start(LONDON) == dt.datetime(2018, 7, 19, 13, 30, tzinfo=UTC)


def test_time_is_shown_in_the_site_zone_but_keeps_its_written_offset():
    date = parse_date("2018-12-07T10:00:00+09:00", ZoneInfo("Europe/Brussels"))
    assert date.iso() == "2018-12-07T10:00:00+09:00"
    assert date.display("en", ZoneInfo("Europe/Brussels")) == "December 7, 2018, 2:00\u202fAM CET"


def test_display_follows_the_language():
    assert parse_date("2018-07-19", UTC).display("en_GB", UTC) == "19 July 2018"
    assert parse_date("2018-07", UTC).display("nl", UTC) == "juli 2018"
    assert parse_date("2018", UTC).display("nl", UTC) == "2018"


def test_periods_start_at_midnight_in_the_site_zone_and_end_at_the_next():
    month = parse_date("2018-12", LONDON)
    assert month.start(LONDON) == dt.datetime(2018, 12, 1, tzinfo=UTC)
    assert month.end(LONDON) == dt.datetime(2019, 1, 1, tzinfo=UTC)
    assert parse_date("2018", UTC).end(UTC) == dt.datetime(2019, 1, 1, tzinfo=UTC)
    assert parse_date("2018-02-28", UTC).end(UTC) == dt.datetime(2018, 3, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("banana", "'banana' is not a date"),
        ("2018-02-30", "day 30 does not exist in 2018-02"),
        ("2018-13", "month 13 does not exist"),
        ("December", "'December' has no year"),
        ("", "is empty"),
        ("0000", "year 0 is before year 1"),
        (True, "True is not a date"),
    ],
)
def test_what_is_not_a_date_says_why(written, message):
    with pytest.raises(DateError) as caught:
        parse_date(written, UTC)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("12/07/2018", "'12/07/2018' could be read in more than one way"),
        ("Monday 2018", "'Monday 2018' is not a date"),
        ("19 July 2018 2pm EST", "'19 July 2018 2pm EST' names a time zone; write its offset"),
        ("9999-12", "year 9999 is too far in the future"),
    ],
)
def test_ambiguous_dates_are_refused_rather_than_guessed(written, message):
    with pytest.raises(DateError) as caught:
        parse_date(written, UTC)
    assert message in str(caught.value)


def test_the_first_year_works_in_any_zone():
    date = parse_date("0001", ZoneInfo("Asia/Tokyo"))
    assert date.start(ZoneInfo("Asia/Tokyo")) == dt.datetime.min.replace(tzinfo=UTC)
    assert date.display("en", ZoneInfo("Asia/Tokyo")) == "1"
