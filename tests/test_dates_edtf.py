"""EDTF level 1 through PyPI's edtf: what each form is read as, what is refused, and that each
string is parsed once."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import edtfdates
from generator.dates import DateError, MonthNames, PartialDate, parse_date, parse_when

UTC = dt.UTC


@pytest.mark.parametrize(
    ("written", "date"),
    [
        ("1984?", PartialDate(1984, qualifier="?")),
        ("2004-06~", PartialDate(2004, 6, qualifier="~")),
        ("1950%", PartialDate(1950, qualifier="%")),
        ("2004-06-11%", PartialDate(2004, 6, 11, qualifier="%")),
        ("201X", PartialDate(2010, years=10)),
        ("19XX", PartialDate(1900, years=100)),
        ("1XXX", PartialDate(1000, years=1000)),
        ("201X?", PartialDate(2010, years=10, qualifier="?")),
        ("-019X", PartialDate(-199, years=10)),
        ("1985-XX", PartialDate(1985)),
        ("1985-04-XX", PartialDate(1985, 4)),
        ("-0249", PartialDate(-249)),
        ("-0249~", PartialDate(-249, qualifier="~")),
        ("Y-170000002", PartialDate(-170000002)),
        ("Y12345", PartialDate(12345)),
    ],
)
def test_level_1_dates(written, date):
    assert parse_date(written, UTC) == date
    assert parse_date(date.edtf(), UTC) == date


def test_level_1_intervals():
    assert parse_when("1990/1995", UTC) == (PartialDate(1990), PartialDate(1995), False)
    assert parse_when("1984~/2004-06", UTC) == (PartialDate(1984, qualifier="~"),
                                                 PartialDate(2004, 6), False)
    assert parse_when("2020/..", UTC) == (PartialDate(2020), None, True)
    assert parse_when("../1500", UTC) == (PartialDate(1500, bound="before"), None, False)


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("2001-21", "'2001-21': seasons are not supported; write the months, as in "
                    "2001-03/2001-05"),
        ("2004?-06-11", "'2004?-06-11': EDTF level 2 is not supported; level 1 is"),
        ("Y-17E7", "EDTF level 2 is not supported"),
        ("156X-12-25", "EDTF level 2 is not supported"),
        ("1900-02-29", "day 29 does not exist in 1900-02"),
        ("-0043-02-29", "day 29 does not exist in -0043-02"),
        ("2020/", "'2020/' has an unknown end; write 2020/.. for what is still going on"),
        ("../..", "has no known start"),
        ("1984??", "'1984??' is not a date"),
    ],
)
def test_what_edtf_level_1_does_not_say_is_refused(written, message):
    with pytest.raises(DateError) as caught:
        parse_when(written, UTC)
    assert message in str(caught.value)


def test_the_ambiguous_negative_year_gives_both_readings():
    with pytest.raises(DateError) as caught:
        parse_date("-2300~", UTC)
    assert "2,300 BC (as TimelineJS counts) or 2,301 BC (as ISO 8601 counts)" in str(
        caught.value)
    assert parse_date("c. 2300 BC", UTC) == PartialDate(-2299, qualifier="~")
    assert parse_date("-2300", UTC) == PartialDate(-2299)  # a bare number: TimelineJS's count


def test_each_string_is_parsed_once_per_set_of_words(monkeypatch):
    import edtf

    calls = []
    real = edtf.parse_edtf

    def counted(text):
        calls.append(text)
        return real(text)

    monkeypatch.setattr(edtf, "parse_edtf", counted)
    words = MonthNames()
    for _ in range(3):
        parse_date("1985-04-XX", UTC, words)
        parse_date("1984?", UTC, words)  # a common shape: read without the parser
        with pytest.raises(DateError):
            parse_date("2001-21", UTC, words)
    assert calls == ["1985-04-XX", "2001-21"]


DAYS = st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31))
COMMON = st.one_of(
    st.builds(lambda d, n, q: d.isoformat()[:n] + q, DAYS, st.sampled_from([4, 7, 10]),
              st.sampled_from(["", "?", "~", "%"])),
    st.builds(lambda d, x, q: d.isoformat()[:4 - x] + "X" * x + q, DAYS, st.integers(1, 3),
              st.sampled_from(["", "?", "~", "%"])),
    st.builds(lambda y: f"-{y:04d}", st.integers(1, 999)),  # -0000 is no EDTF
    st.builds(lambda y, m, q: f"-{y:04d}-{m:02d}{q}", st.integers(1, 999), st.integers(1, 12),
              st.sampled_from(["", "?", "~", "%"])),
)


@settings(max_examples=150, deadline=None)
@given(st.one_of(COMMON, st.builds("{}/{}".format, COMMON, COMMON),
                 st.builds("{}/..".format, COMMON), st.builds("../{}".format, COMMON)))
def test_the_common_shapes_read_as_the_parser_reads_them(text):
    def reading(read):
        try:
            return read(text)
        except DateError as exc:
            return str(exc)

    common = reading(edtfdates._read_common)
    if "/" in text and "X" in text:
        assert common is None  # the parser's: it refuses them
    else:
        assert common == reading(edtfdates._read)
