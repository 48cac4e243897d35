"""EDTF level 1 through PyPI's edtf: what each form is read as, what is refused, and that each
string is parsed once."""

import datetime as dt

import pytest

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
        parse_date("1984?", UTC, words)
        with pytest.raises(DateError):
            parse_date("2001-21", UTC, words)
    assert calls == ["1984?", "2001-21"]
