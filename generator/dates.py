"""Dates that keep their precision: a year, a month, a day or a moment, from 13.8 billion
years ago to past 9999, as historians write them (see docs/dates.md).

Bare numbers count as historians and TimelineJS do: `-250` is 250 BC, and there is no year 0.
ISO 8601 and EDTF strings count astronomically: `-0249` is 250 BC too. A negative year of four
digits without a leading zero in an ISO or EDTF shape (`-2300~`, `-2300-03`) could be either,
so it is refused with both readings."""

from __future__ import annotations

import datetime as dt
import re
import warnings
from dataclasses import dataclass, replace
from typing import NamedTuple

from babel.dates import get_month_names
from dateutil import parser as dateutil_parser

from generator.dateparts import (
    MAX_YEAR,
    MIN_YEAR,
    DateError,
    PartialDate,
    Precision,
    days_in_month,
)
from generator.edtfdates import Reading, is_edtf, read_edtf
from generator.errors import quoted
from generator.writtendates import DEEP_YEARS, EraNames, era_names, prefixes, read_written

__all__ = ["DATE_FORMS", "DEEP_YEARS", "DateError", "DateWords", "MonthNames", "PartialDate",
           "Period", "Precision", "When", "parse_date", "parse_when", "period_of"]

NUMBER_RE = re.compile(r"^([+-]?)(\d+)$")
ISO_RE = re.compile(r"^(-?)(\d{4})-(\d{1,2})(?:-(\d{1,2}))?$")
TIME_RE = re.compile(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?\s*(Z|[+-]\d{2}(:?\d{2})?)?$", re.IGNORECASE
)
# A historian's negative year (no leading zero, four digits or more) in an ISO or EDTF shape.
AMBIGUOUS_RE = re.compile(r"(?:^|/)-([1-9]\d{3,})(?=[-?~%X/]|$)")
SET_RE = re.compile(r"^\[\.\.([^\[\]]+)\]$|^\[([^\[\]]+)\.\.\]$")
# The longest date chronoline reads, "Wednesday, 19 September 2018, 14:30:59", has 38
# characters; 100 leaves room for any real one, and refuses at once a value of thousands of
# digits, which the parsers below would take seconds or minutes over.
MAX_DATE_LENGTH = 100
DATE_FORMS = ("2018, 2018-07, 2018-07-19, 2018-07-19T14:30+01:00, 19 July 2018, 44 BC, -250, "
              "c. 1200, 1990s, 1984?, 201X, 1990/1995, 2020/.., before 1500, 66 Ma")
NO_YEAR_0 = "there is no year 0: 1 BC is followed by AD 1; write -1 (1 BC) or 1"


class When(NamedTuple):
    """What a `date:` says: a date, or an interval's start and end, or a start still going on."""

    date: PartialDate
    end: PartialDate | None = None
    ongoing: bool = False


class MonthNames:
    """The words a written date may use: month names in English and in the site's language,
    and era words (BC, v.Chr.). It keeps what EDTF strings read as, when made to `memoise`."""

    def __init__(self, language: str = "en", memoise: bool = True) -> None:
        names: list[tuple[str, ...]] = [tuple(n) for n in dateutil_parser.parserinfo.MONTHS]
        locale = language.replace("-", "_")
        if locale.split("_")[0] != "en":
            for width in ("wide", "abbreviated"):
                for number, name in get_month_names(width, locale=locale).items():
                    names[number - 1] += (name.strip(".").lower(),)
        self.parserinfo = type("SiteParserInfo", (dateutil_parser.parserinfo,),
                               {"MONTHS": [tuple(dict.fromkeys(n)) for n in names]})()
        words = sorted({w.lower() for n in names for w in n}, key=len, reverse=True)
        self.pattern = re.compile(r"(?<![^\W\d_])(" + "|".join(map(re.escape, words)) +
                                  r")\.?(?![^\W\d_])", re.IGNORECASE)
        self.eras: EraNames = era_names(language)
        self.edtf_memo: dict[str, Reading | str] | None = {} if memoise else None

    def month_of(self, word: str) -> int | None:
        """The number of a month named `word`, in any language this reads."""
        number = self.parserinfo.month(word)
        return None if number is None else number


DateWords = MonthNames
ENGLISH = MonthNames(memoise=False)  # shared by every caller: it keeps nothing


def parse_date(value: object, tz: dt.tzinfo, months: MonthNames = ENGLISH) -> PartialDate:
    """Read one date as written; a time without an offset is taken in `tz`; a written date may
    name its month in English or in the language `months` was made for."""
    when = parse_when(value, tz, months)
    if when.end is not None or when.ongoing:
        raise DateError(f"{quoted(_text(value))} is a range; give one date here")
    return when.date


def parse_when(value: object, tz: dt.tzinfo, months: MonthNames = ENGLISH) -> When:
    """Read a date, or an EDTF interval (`1990/1995`, `2020/..`), as written."""
    text = _text(value)
    try:
        return _in_range(_prefixed(text, tz, months), text, tz)
    except (ValueError, OverflowError) as exc:
        if isinstance(exc, DateError):
            raise
        raise DateError(f"{quoted(text)} is not a date") from None


def _text(value: object) -> str:
    if isinstance(value, bool) or value is None:
        raise DateError(f"{value!r} is not a date")
    if isinstance(value, int) and value.bit_length() > 4 * MAX_DATE_LENGTH:  # str() would fail
        raise DateError(f"a number of {value.bit_length():,} bits is too long for a date")
    if isinstance(value, dt.datetime):
        value = value.isoformat()
    elif isinstance(value, (dt.date, int)):
        value = str(value) if not isinstance(value, dt.date) else value.isoformat()
    if not isinstance(value, str):
        raise DateError(f"{quoted(repr(value))} is not a date")
    text = value.strip()
    if not text:
        raise DateError("is empty")
    if len(text) > MAX_DATE_LENGTH:
        raise DateError(f"{quoted(text)} is too long for a date: at most {MAX_DATE_LENGTH} "
                        "characters")
    return text


def _in_range(when: When, text: str, tz: dt.tzinfo) -> When:
    """`when` if the site can place it: near year 1 and year 9999 an offset or the site's time
    zone can carry a moment past what Python's datetime holds."""
    try:
        for date in filter(None, (when.date, when.end)):
            date.local(tz)
    except OverflowError:
        raise DateError(f"{quoted(text)} falls outside the years 1 to 9998 in the time zone "
                        f"{tz}; write a later or earlier date") from None
    return when


def _prefixed(text: str, tz: dt.tzinfo, months: MonthNames) -> When:
    """A date with its `before`/`after` and `c.` taken off and put back on the date read."""
    bound, circa, rest = prefixes(text)
    if match := SET_RE.match(rest):  # EDTF's sets, as PartialDate.edtf writes a bound
        bound, rest = ("before", match.group(1)) if match.group(1) else ("after", match.group(2))
    if rest.endswith("?") and not is_edtf(rest):  # "44 BC?", "June 2004?": uncertain
        circa, rest = _with(circa, "?"), rest[:-1].rstrip()
    if not (bound or circa):
        return _parse_text(text, tz, months)
    when = _parse_text(rest, tz, months)
    if bound and (when.end is not None or when.ongoing or when.date.bound):
        raise DateError(f"{quoted(text)}: a range has no before or after; write one date")
    dates = [replace(d, bound=bound or d.bound, qualifier=_with(d.qualifier, circa))
             if d is not None else None for d in (when.date, when.end)]
    assert dates[0] is not None
    return When(dates[0], dates[1], when.ongoing)


def circa(date: PartialDate) -> PartialDate:
    """`date` marked approximate, as `circa: true` does: `?` with it gives `%`."""
    return replace(date, qualifier=_with(date.qualifier, "~"))


def _with(qualifier: str, added: str) -> str:
    if not added or qualifier in (added, "%"):
        return qualifier
    return "%" if qualifier else added


def _parse_text(text: str, tz: dt.tzinfo, months: MonthNames) -> When:
    if match := NUMBER_RE.match(text):
        return When(_number(text, match.group(1), match.group(2)))
    if match := AMBIGUOUS_RE.search(text):
        number = int(match.group(1))
        raise DateError(f"{quoted(text)} could be {number:,} BC (as TimelineJS counts) or "
                        f"{number + 1:,} BC (as ISO 8601 counts); write the year with its era, "
                        f"as in {number} BC")
    if match := ISO_RE.match(text):
        sign, year, month, day = match.groups()
        if day is None and 21 <= int(month) <= 41:  # EDTF's seasons, which its reader names
            return _edtf(text, months)
        return When(_checked(int(sign + year), int(month), int(day) if day else None))
    if match := TIME_RE.match(text):
        cleaned = re.sub(r"\s+(?=[Zz+-]\d*)", "", text.replace(" ", "T", 1))
        moment = dt.datetime.fromisoformat(cleaned).replace(microsecond=0)
        if moment.year > 9998:
            raise DateError(f"{quoted(text)}: times of day are kept for the years 1 to 9998; "
                            "write the day alone")
        return When(_from_moment(moment, tz, text.upper().endswith("Z"),
                                 match.group(1) is not None))
    if is_edtf(text):
        return _edtf(text, months)
    written = read_written(text, months.eras, months.month_of)
    if written is not None:
        return When(written)
    return When(_parse_written(text, tz, months))


def _edtf(text: str, months: MonthNames) -> When:
    memo = months.edtf_memo if months.edtf_memo is not None else {}
    return When(*read_edtf(text, memo))


def _number(text: str, sign: str, digits: str) -> PartialDate:
    """A bare year: `1984`, `79`, `-250` (250 BC); four digits with a leading zero are ISO's
    astronomical years (`0079`, `-0249`, `0000`)."""
    if len(digits) == 4 and digits.startswith("0") and sign != "+":
        return _checked(int(sign + digits))
    if not digits.strip("0"):
        raise DateError(f"{quoted(text)}: {NO_YEAR_0}")
    if digits.startswith("0"):
        raise DateError(f"{quoted(text)} is not a date; write a year without leading zeros, "
                        "or as four digits")
    number = int(digits)
    return _checked(1 - number if sign == "-" else number)


def _checked(year: int, month: int | None = None, day: int | None = None) -> PartialDate:
    if year < MIN_YEAR:
        raise DateError(f"year {year:,} is further back than chronoline counts")
    if year > MAX_YEAR:
        raise DateError(f"year {year:,} is too far in the future")
    if month is not None and not 1 <= month <= 12:
        raise DateError(f"month {month} does not exist")
    if day is not None:
        assert month is not None, "a day is read only with its month"
        if not 1 <= day <= days_in_month(year, month):
            shown = PartialDate(year, month).edtf()
            raise DateError(f"day {day} does not exist in {shown}")
    return PartialDate(year, month, day)


def _from_moment(
    moment: dt.datetime, tz: dt.tzinfo, utc_written: bool, seconds_written: bool
) -> PartialDate:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return PartialDate(moment.year, moment.month, moment.day, moment, utc_written, seconds_written)


# Two parses with different defaults tell which parts the author wrote: a part that
# changes with the default was filled in by dateutil, not written.
_DEFAULT_A = dt.datetime(1904, 1, 1, 3, 7, 11)
_DEFAULT_B = dt.datetime(1908, 2, 2, 5, 13, 17)


def _parse_written(text: str, tz: dt.tzinfo, months: MonthNames) -> PartialDate:
    # A written date names its month: "12/07/2018" is 12 July or 7 December depending on who
    # wrote it, and "Monday 2018" is no date at all.
    if not months.pattern.search(text):
        if re.search(r"\d+\s*[/.-]\s*\d+", text):
            raise DateError(f"{quoted(text)} could be read in more than one way")
        raise DateError(f"{quoted(text)} is not a date")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            first = dateutil_parser.parse(text, months.parserinfo, default=_DEFAULT_A)
            second = dateutil_parser.parse(text, months.parserinfo, default=_DEFAULT_B)
        except dateutil_parser.UnknownTimezoneWarning:
            raise DateError(f"{quoted(text)} names a time zone; write its offset instead, as in "
                            "2018-07-19T14:00-05:00") from None
        except (dateutil_parser.ParserError, TypeError, Warning):
            raise DateError(f"{quoted(text)} is not a date") from None
    if first.year != second.year:
        raise DateError(f"{quoted(text)} has no year; write it as 19 July 2018 or 2018-07-19")
    has_month = first.month == second.month
    has_day = first.day == second.day
    has_time = first.hour == second.hour or first.minute == second.minute
    if has_day and not has_month:
        raise DateError(f"{quoted(text)} has a day but no month")
    if has_time:
        if not has_day:
            raise DateError(f"{quoted(text)} has a time but no day")
        minute = first.minute if first.minute == second.minute else 0
        second_ = first.second if first.second == second.second else 0
        moment = first.replace(minute=minute, second=second_, microsecond=0)
        return _from_moment(moment, tz, False, first.second == second.second)
    return _checked(first.year, first.month if has_month else None, first.day if has_day else None)



@dataclass(frozen=True, slots=True, order=True)
class Period:
    """The years a year page lists: one year, or for deep time a band of ages, such as 10 to
    100 million years ago. Years 1 to 9999 keep their URLs (`2018/`)."""

    first: int  # astronomical
    years: int = 1

    @property
    def path(self) -> str:
        """The page's folder: `2018`, `250-bc`, `12345`, `1ma` (1 to 10 million years ago)."""
        if self.years > 1:
            age = 1 - (self.first + self.years - 1)  # the band's youngest age, a power of ten
            digits = len(str(age)) - 1
            unit = "ka" if digits < 6 else "ma" if digits < 9 else "ga"
            return f"{10 ** (digits - {'ka': 3, 'ma': 6, 'ga': 9}[unit])}{unit}"
        if 1 <= self.first <= 9999:
            return f"{self.first:04d}"
        return f"{1 - self.first}-bc" if self.first < 1 else str(self.first)

    def anchor(self, month: int) -> str:
        """The id of a month's heading on the period's page."""
        return f"month-{self.path}-{month:02d}"


def period_of(year: int) -> Period:
    """The period a year is listed under: itself, or before DEEP_YEARS ago, its band."""
    age = 1 - year
    if age < DEEP_YEARS:
        return Period(year)
    band = 10 ** (len(str(age)) - 1)
    return Period(2 - 10 * band, 9 * band)
