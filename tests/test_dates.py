import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from generator.dates import DateError, PartialDate, Precision, parse_date
from generator.datetext import DateText

UTC = dt.UTC
LONDON = ZoneInfo("Europe/London")


def instant(moment: dt.datetime) -> int:
    """Seconds since 1970 UTC, as datetime counts them in the years it holds."""
    return int(moment.timestamp())


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
    assert DateText("en", UTC).date(date) == "July 2018"


def test_time_without_offset_is_taken_in_the_site_zone():
    date = parse_date("2018-07-19T14:30", LONDON)
    assert date.iso() == "2018-07-19T14:30+01:00"
    assert date.earliest(LONDON) == instant(dt.datetime(2018, 7, 19, 13, 30, tzinfo=UTC))


def test_time_is_shown_in_the_site_zone_but_keeps_its_written_offset():
    date = parse_date("2018-12-07T10:00:00+09:00", ZoneInfo("Europe/Brussels"))
    assert date.iso() == "2018-12-07T10:00:00+09:00"
    text = DateText("en", ZoneInfo("Europe/Brussels")).date(date)
    assert text == "December 7, 2018, 2:00\u202fAM CET"


def test_display_follows_the_language():
    assert DateText("en-GB").date(parse_date("2018-07-19", UTC)) == "19 July 2018"
    assert DateText("nl").date(parse_date("2018-07", UTC)) == "juli 2018"
    assert DateText("nl").date(parse_date("2018", UTC)) == "2018"


def test_periods_start_at_midnight_in_the_site_zone_and_end_at_the_next():
    month = parse_date("2018-12", LONDON)
    assert month.earliest(LONDON) == instant(dt.datetime(2018, 12, 1, tzinfo=UTC))
    assert month.until(LONDON) == instant(dt.datetime(2019, 1, 1, tzinfo=UTC))
    assert parse_date("2018", UTC).until(UTC) == instant(dt.datetime(2019, 1, 1, tzinfo=UTC))
    assert parse_date("2018-02-28", UTC).until(UTC) == instant(dt.datetime(2018, 3, 1,
                                                                           tzinfo=UTC))
    summer = parse_date("2018-07", LONDON)
    assert summer.earliest(LONDON) == instant(dt.datetime(2018, 6, 30, 23, tzinfo=UTC))


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("banana", "'banana' is not a date"),
        ("2018-02-30", "day 30 does not exist in 2018-02"),
        ("2018-13", "month 13 does not exist"),
        ("December", "'December' has no year"),
        ("", "is empty"),
        ("0", "'0': there is no year 0"),
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
        ("Y100000000000", "is further from today than chronoline counts"),
    ],
)
def test_ambiguous_dates_are_refused_rather_than_guessed(written, message):
    with pytest.raises(DateError) as caught:
        parse_date(written, UTC)
    assert message in str(caught.value)


def test_the_first_year_works_in_any_zone():
    date = parse_date("0001", ZoneInfo("Asia/Tokyo"))
    # Midnight in Tokyo, whose clocks then ran 9:18:59 ahead, is in 1 BC in UTC: an instant
    # datetime cannot hold, and which an int holds as any other.
    first = instant(dt.datetime(1, 1, 1, tzinfo=UTC))
    assert date.earliest(ZoneInfo("Asia/Tokyo")) == first - (9 * 3600 + 18 * 60 + 59)
    assert DateText("en", ZoneInfo("Asia/Tokyo")).date(date) == "1 AD"


def test_instants_are_whole_seconds_in_any_year():
    assert type(parse_date("2018-07-19", LONDON).earliest(LONDON)) is int
    # 44 BC is the astronomical year -43; 730,485 days (2,000 Gregorian years) before AD 1957.
    ides = PartialDate(-43, 3, 15)
    assert ides.earliest(LONDON) == PartialDate(1957, 3, 15).earliest(UTC) - 730485 * 86400
    assert ides.until(UTC) - ides.earliest(UTC) == 86400
    deep = PartialDate(1 - 66_000_000)
    assert deep.earliest(UTC) < PartialDate(-43).earliest(UTC) < PartialDate(1).earliest(UTC)
    assert PartialDate(-43, 2).until(UTC) - PartialDate(-43, 2).earliest(UTC) == 28 * 86400
    assert PartialDate(-44, 2).until(UTC) - PartialDate(-44, 2).earliest(UTC) == 29 * 86400


def test_a_moment_is_its_own_instant_and_its_own_end():
    date = parse_date("2018-07-19T14:30:59+09:00", UTC)
    assert date.earliest(LONDON) == date.until(LONDON) == instant(date.moment)


def test_a_decade_spans_ten_years_and_sorts_before_its_first_year():
    decade = PartialDate(1990, years=10)
    assert decade.until(UTC) == PartialDate(2000).earliest(UTC)
    assert decade.earliest(UTC) == PartialDate(1990).earliest(UTC)
    assert decade.rank < PartialDate(1990).rank < PartialDate(1990, 1).rank
    assert PartialDate(1500, bound="before").rank < PartialDate(1500, years=100).rank
    after = PartialDate(1500, bound="after")
    assert after.earliest(UTC) == PartialDate(1501).earliest(UTC)


@pytest.mark.parametrize(
    ("date", "iso", "edtf"),
    [
        (PartialDate(2018, 7), "2018-07", "2018-07"),
        (PartialDate(79), "0079", "0079"),
        (PartialDate(-43, 3, 15), None, "-0043-03-15"),
        (PartialDate(0), None, "0000"),
        (PartialDate(-170000002), None, "Y-170000002"),
        (PartialDate(12345), None, "Y12345"),
        (PartialDate(1984, qualifier="?"), None, "1984?"),
        (PartialDate(2004, 6, qualifier="~"), None, "2004-06~"),
        (PartialDate(2010, years=10), None, "201X"),
        (PartialDate(1900, years=100), None, "19XX"),
        (PartialDate(1000, years=1000), None, "1XXX"),
        (PartialDate(1500, bound="before"), None, "[..1500]"),
        (PartialDate(1500, bound="after"), None, "[1500..]"),
    ],
)
def test_html_gets_a_datetime_only_where_it_can_hold_one_and_edtf_always(date, iso, edtf):
    assert date.iso() == iso
    assert date.edtf() == edtf


def test_moments_in_edtf_keep_their_seconds_and_offset():
    assert parse_date("2018-07-19T14:30Z", UTC).edtf() == "2018-07-19T14:30:00Z"
    assert parse_date("2018-07-19T14:30+01:00", UTC).edtf() == "2018-07-19T14:30:00+01:00"
