"""Dates that keep their precision: a year, a month, a day, or a moment in time."""

from __future__ import annotations

import datetime as dt
import re
import warnings

from babel.dates import get_month_names
from dateutil import parser as dateutil_parser

from generator.dateparts import DateError, PartialDate, Precision
from generator.errors import quoted

__all__ = ["DATE_FORMS", "DateError", "MonthNames", "PartialDate", "Precision", "parse_date"]

YEAR_RE = re.compile(r"^(\d{4})$")
MONTH_RE = re.compile(r"^(\d{4})-(\d{1,2})$")
DAY_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
TIME_RE = re.compile(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?\s*(Z|[+-]\d{2}(:?\d{2})?)?$", re.IGNORECASE
)
# The longest date chronoline reads, "Wednesday, 19 September 2018, 14:30:59", has 38
# characters; 100 leaves room for any real one, and refuses at once a value of thousands of
# digits, which the parsers below would take seconds or minutes over.
MAX_DATE_LENGTH = 100
DATE_FORMS = "2018, 2018-07, 2018-07-19, 2018-07-19T14:30:00+01:00, 19 July 2018 or July 2018"


class MonthNames:
    """The month names a written date may use: English, and those of the site's language."""

    def __init__(self, language: str = "en") -> None:
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


ENGLISH = MonthNames()


def parse_date(value: object, tz: dt.tzinfo, months: MonthNames = ENGLISH) -> PartialDate:
    """Read a date as written; a time without an offset is taken in `tz`; a written date may
    name its month in English or in the language `months` was made for."""
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
    try:
        return _in_range(_parse_text(text, tz, months), text, tz)
    except (ValueError, OverflowError) as exc:
        if isinstance(exc, DateError):
            raise
        raise DateError(f"{quoted(text)} is not a date") from None


def _in_range(date: PartialDate, text: str, tz: dt.tzinfo) -> PartialDate:
    """`date` if every instant the site derives from it exists: near year 1 and year 9999 an
    offset or the site's time zone can carry a date past what Python can hold."""
    if date.year > 9998:
        raise DateError(f"year {date.year} is too far in the future")
    try:
        date.local(tz)
    except OverflowError:
        raise DateError(f"{quoted(text)} falls outside the years 1 to 9998 in the time zone "
                        f"{tz}; write a later or earlier date") from None
    return date


def _parse_text(text: str, tz: dt.tzinfo, months: MonthNames) -> PartialDate:
    if match := YEAR_RE.match(text):
        return _checked(int(match.group(1)))
    if match := MONTH_RE.match(text):
        return _checked(int(match.group(1)), int(match.group(2)))
    if match := DAY_RE.match(text):
        return _checked(*(int(g) for g in match.groups()))
    if match := TIME_RE.match(text):
        cleaned = re.sub(r"\s+(?=[Zz+-]\d*)", "", text.replace(" ", "T", 1))
        moment = dt.datetime.fromisoformat(cleaned).replace(microsecond=0)
        return _from_moment(moment, tz, text.upper().endswith("Z"), match.group(1) is not None)
    return _parse_written(text, tz, months)


def _checked(year: int, month: int | None = None, day: int | None = None) -> PartialDate:
    if year < 1:
        raise DateError(f"year {year} is before year 1")
    if year > 9998:
        raise DateError(f"year {year} is too far in the future")
    if month is not None and not 1 <= month <= 12:
        raise DateError(f"month {month} does not exist")
    if day is not None:
        assert month is not None, "a day is read only with its month"
        try:
            dt.date(year, month, day)
        except ValueError:
            raise DateError(f"day {day} does not exist in {year:04d}-{month:02d}") from None
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

