"""Dates as historians write them: each written form, what it is read as, its EDTF and HTML
values, and how it reads in English and Dutch; and what is refused, with why."""

import datetime as dt

import pytest

from generator.dates import (
    DateError,
    MonthNames,
    PartialDate,
    Period,
    circa,
    parse_date,
    parse_when,
    period_of,
)
from generator.datetext import DateText

UTC = dt.UTC
DUTCH = MonthNames("nl")


@pytest.mark.parametrize(
    ("written", "fields", "edtf", "english", "dutch"),
    [
        ("44 BC", (-43, None, None), "-0043", "44 BC", "44 v.Chr."),
        ("44 BCE", (-43, None, None), "-0043", "44 BC", "44 v.Chr."),
        ("44 B.C.", (-43, None, None), "-0043", "44 BC", "44 v.Chr."),
        ("44 v.Chr.", (-43, None, None), "-0043", "44 BC", "44 v.Chr."),
        ("44 v. Chr.", (-43, None, None), "-0043", "44 BC", "44 v.Chr."),
        ("15 March 44 BC", (-43, 3, 15), "-0043-03-15", "March 15, 44 BC",
         "15 maart 44 v.Chr."),
        ("March 15, 44 BC", (-43, 3, 15), "-0043-03-15", "March 15, 44 BC",
         "15 maart 44 v.Chr."),
        ("15 maart 44 v.Chr.", (-43, 3, 15), "-0043-03-15", "March 15, 44 BC",
         "15 maart 44 v.Chr."),
        ("March 44 BC", (-43, 3, None), "-0043-03", "March 44 BC", "maart 44 v.Chr."),
        ("-250", (-249, None, None), "-0249", "250 BC", "250 v.Chr."),
        (-250, (-249, None, None), "-0249", "250 BC", "250 v.Chr."),
        ("-0249", (-249, None, None), "-0249", "250 BC", "250 v.Chr."),
        ("-0043-03-15", (-43, 3, 15), "-0043-03-15", "March 15, 44 BC",
         "15 maart 44 v.Chr."),
        ("0000", (0, None, None), "0000", "1 BC", "1 v.Chr."),
        ("-2300", (-2299, None, None), "-2299", "2300 BC", "2300 v.Chr."),
        ("79", (79, None, None), "0079", "79 AD", "79 n.Chr."),
        (79, (79, None, None), "0079", "79 AD", "79 n.Chr."),
        ("79 AD", (79, None, None), "0079", "79 AD", "79 n.Chr."),
        ("AD 79", (79, None, None), "0079", "79 AD", "79 n.Chr."),
        ("1984", (1984, None, None), "1984", "1984", "1984"),
        ("12345", (12345, None, None), "Y12345", "12345 AD", "12345 n.Chr."),
        ("66 Ma", (1 - 66_000_000, None, None), "Y-65999999", "66 million years ago",
         "66 miljoen jaar geleden"),
        ("66 million years ago", (1 - 66_000_000, None, None), "Y-65999999",
         "66 million years ago", "66 miljoen jaar geleden"),
        ("66 miljoen jaar geleden", (1 - 66_000_000, None, None), "Y-65999999",
         "66 million years ago", "66 miljoen jaar geleden"),
        ("4.5 Ga", (1 - 4_500_000_000, None, None), "Y-4499999999", "4.5 billion years ago",
         "4,5 miljard jaar geleden"),
        ("4,5 Ga", (1 - 4_500_000_000, None, None), "Y-4499999999", "4.5 billion years ago",
         "4,5 miljard jaar geleden"),
        ("13.8 billion years ago", (1 - 13_800_000_000, None, None), "Y-13799999999",
         "13.8 billion years ago", "13,8 miljard jaar geleden"),
        ("-4500000000", (1 - 4_500_000_000, None, None), "Y-4499999999",
         "4.5 billion years ago", "4,5 miljard jaar geleden"),
        ("251.902 Ma", (1 - 251_902_000, None, None), "Y-251901999",
         "251.902 million years ago", "251,902 miljoen jaar geleden"),
        ("-315000", (-314999, None, None), "Y-314999", "315,000 years ago",
         "315.000 jaar geleden"),
        ("315,000 years ago", (-314999, None, None), "Y-314999", "315,000 years ago",
         "315.000 jaar geleden"),
        ("Y-170000002", (-170000002, None, None), "Y-170000002", "170.000003 million years ago",
         "170,000003 miljoen jaar geleden"),
    ],
)
def test_written_forms(written, fields, edtf, english, dutch):
    date = parse_date(written, UTC, DUTCH)
    assert (date.year, date.month, date.day) == fields
    assert date.edtf() == edtf
    assert date.iso() == (edtf if 1 <= date.year <= 9999 else None)
    assert DateText("en").date(date) == english
    assert DateText("nl").date(date) == dutch


@pytest.mark.parametrize(
    ("written", "edtf", "english", "dutch"),
    [
        ("c. 1200", "1200~", "c. 1200", "ca. 1200"),
        ("ca. 1200", "1200~", "c. 1200", "ca. 1200"),
        ("circa 1200", "1200~", "c. 1200", "ca. 1200"),
        ("c. 44 BC", "-0043~", "c. 44 BC", "ca. 44 v.Chr."),
        ("1984?", "1984?", "1984?", "1984?"),
        ("2004-06~", "2004-06~", "c. June 2004", "ca. juni 2004"),
        ("1950%", "1950%", "c. 1950?", "ca. 1950?"),
        ("c. 1950?", "1950%", "c. 1950?", "ca. 1950?"),
        ("1990s", "199X", "1990s", "jaren 1990"),
        ("jaren 1990", "199X", "1990s", "jaren 1990"),
        ("201X", "201X", "2010s", "jaren 2010"),
        ("19XX", "19XX", "1900 – 1999", "1900 – 1999"),
        ("before 1500", "[..1500]", "before 1500", "vóór 1500"),
        ("vóór 1500", "[..1500]", "before 1500", "vóór 1500"),
        ("../1500", "[..1500]", "before 1500", "vóór 1500"),
        ("[..1500]", "[..1500]", "before 1500", "vóór 1500"),
        ("after 1500", "[1500..]", "after 1500", "na 1500"),
        ("na 1500", "[1500..]", "after 1500", "na 1500"),
    ],
)
def test_uncertain_coarse_and_bounded_dates(written, edtf, english, dutch):
    date = parse_date(written, UTC, DUTCH)
    assert date.edtf() == edtf
    assert date.iso() is None  # HTML's datetime cannot say any of these
    assert DateText("en").date(date) == english
    assert DateText("nl").date(date) == dutch


def test_intervals_and_ongoing_ranges():
    when = parse_when("1990/1995", UTC)
    assert (when.date, when.end, when.ongoing) == (PartialDate(1990), PartialDate(1995), False)
    assert DateText("en").range(*when) == "1990 – 1995"
    ongoing = parse_when("2020/..", UTC)
    assert (ongoing.date, ongoing.end, ongoing.ongoing) == (PartialDate(2020), None, True)
    assert DateText("en").range(*ongoing) == "2020 – present"
    assert DateText("nl").range(*ongoing) == "2020 – heden"


def test_circa_marks_a_date_approximate_and_keeps_its_uncertainty():
    assert circa(PartialDate(1200)).edtf() == "1200~"
    assert circa(PartialDate(1200, qualifier="?")).edtf() == "1200%"


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("0", "'0': there is no year 0: 1 BC is followed by AD 1; write -1 (1 BC) or 1"),
        (0, "'0': there is no year 0: 1 BC is followed by AD 1"),
        ("0 BC", "there is no year 0"),
        ("-2300~", "'-2300~' could be 2,300 BC (as TimelineJS counts) or 2,301 BC (as ISO 8601 "
                   "counts); write the year with its era, as in 2300 BC"),
        ("-2300-03", "'-2300-03' could be 2,300 BC"),
        ("12,000 years ago", "'12,000 years ago' is too recent to read without a reference "
                             "year: write its year, as in 10000 BC"),
        ("1900s", "'1900s': 1900–1909 or the century? write 190X or 19XX"),
        ("1.23456 ka", "'1.23456 ka' is not a whole number of years"),
        ("200 billion years ago", "is further back than chronoline counts"),
        ("30 February 44 BC", "day 30 does not exist in '30 February 44 BC'"),
        ("before 1990/1995", "a range has no before or after"),
    ],
)
def test_what_historians_write_wrongly_is_refused_with_why(written, message):
    with pytest.raises(DateError) as caught:
        parse_date(written, UTC)
    assert message in str(caught.value)


def test_a_range_is_refused_where_one_date_is_asked():
    with pytest.raises(DateError, match="'1990/1995' is a range; give one date here"):
        parse_date("1990/1995", UTC)


@pytest.mark.parametrize(
    ("year", "path", "english"),
    [
        (2018, "2018", "2018"),
        (79, "0079", "79 AD"),
        (-249, "250-bc", "250 BC"),
        (12345, "12345", "12345 AD"),
        (-99_998, "99999-bc", "99999 BC"),
        (1 - 100_000, "100ka", "100,000–1 million years ago"),
        (1 - 66_000_000, "10ma", "10 million–100 million years ago"),
        (1 - 4_540_000_000, "1ga", "1 billion–10 billion years ago"),
    ],
)
def test_periods_group_years_and_deep_time_in_bands(year, path, english):
    period = period_of(year)
    assert period.path == path
    assert DateText("en").period(period) == english
    assert period.first <= year < period.first + period.years


def test_period_anchors_keep_todays_month_ids():
    assert Period(2018).anchor(7) == "month-2018-07"


def test_a_long_span_reads_in_years_with_large_numbers_short():
    assert DateText("en").duration(65_974_312 * 31_556_952) == "66 million years"
    assert DateText("nl").duration(2 * 86400) == "2 dagen"
