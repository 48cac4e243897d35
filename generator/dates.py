"""Dates that keep their precision: a year, a month, a day, or a moment in time."""

from __future__ import annotations

import datetime as dt
import re
import warnings
from dataclasses import dataclass
from enum import IntEnum

from babel.dates import format_date, format_skeleton, format_time, get_month_names
from dateutil import parser as dateutil_parser

from generator.errors import quoted

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


class Precision(IntEnum):
    """How much of a date was written; coarser sorts first on the same start."""

    YEAR = 0
    MONTH = 1
    DAY = 2
    TIME = 3


class DateError(ValueError):
    """A value that is not a date chronoline can read."""


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A date as precise as it was written; `moment` is set only for a time of day."""

    year: int
    month: int | None = None
    day: int | None = None
    moment: dt.datetime | None = None  # aware; offset as written, or the site's zone
    utc_written: bool = False  # written with a trailing Z
    seconds_written: bool = False

    def __getstate__(self) -> tuple:  # pickled as a tuple, as the model's classes are
        return (self.year, self.month, self.day, self.moment, self.utc_written,
                self.seconds_written)

    @property
    def precision(self) -> Precision:
        if self.moment is not None:
            return Precision.TIME
        if self.day is not None:
            return Precision.DAY
        if self.month is not None:
            return Precision.MONTH
        return Precision.YEAR

    def start(self, tz: dt.tzinfo) -> dt.datetime:
        """The first instant of this date, in UTC; periods begin at midnight in `tz`."""
        if self.moment is not None:
            return _utc(self.moment)
        return _utc(dt.datetime(self.year, self.month or 1, self.day or 1, tzinfo=tz))

    def end(self, tz: dt.tzinfo) -> dt.datetime:
        """The instant this date is over: the start of the next period, or the moment itself."""
        if self.moment is not None:
            return _utc(self.moment)
        if self.month is None:
            first = dt.date(self.year + 1, 1, 1)
        elif self.day is None:
            first = dt.date(self.year + self.month // 12, self.month % 12 + 1, 1)
        else:
            first = dt.date(self.year, self.month, self.day) + dt.timedelta(days=1)
        return _utc(dt.datetime(first.year, first.month, first.day, tzinfo=tz))

    def ends_before(self, start: PartialDate, tz: dt.tzinfo) -> bool:
        """True when this date, taken as the end of a range, is over before `start` begins."""
        if self.moment is not None:
            return self.end(tz) < start.start(tz)
        return self.end(tz) <= start.start(tz)

    def local(self, tz: dt.tzinfo) -> PartialDate:
        """The same date with its year, month and day as seen in `tz` (only times move)."""
        if self.moment is None:
            return self
        moment = self.moment.astimezone(tz)
        return PartialDate(
            moment.year, moment.month, moment.day, moment, self.utc_written, self.seconds_written
        )

    def iso(self) -> str:
        """The value for a `<time datetime>`: as precise as written, offset kept as written."""
        if self.moment is not None:
            spec = "seconds" if self.seconds_written or self.moment.second else "minutes"
            text = self.moment.isoformat(timespec=spec)
            return text[:-6] + "Z" if self.utc_written and text.endswith("+00:00") else text
        if self.day is not None:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month is not None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    def display(self, locale: str, tz: dt.tzinfo) -> str:
        """Human text at this date's precision, in the site's language and time zone."""
        # A part is only ever set with the coarser ones: a day with its month, a moment with both.
        if self.moment is not None:
            moment = self.moment.astimezone(tz)
            day = format_date(moment.date(), "long", locale=locale)
            clock = format_time(moment, "short", tzinfo=tz, locale=locale)
            return f"{day}, {clock} {moment.strftime('%Z')}"
        if self.month is None:
            return format_skeleton("y", dt.date(self.year, 1, 1), locale=locale)
        if self.day is None:
            return format_skeleton("yMMMM", dt.date(self.year, self.month, 1), locale=locale)
        return format_date(dt.date(self.year, self.month, self.day), "long", locale=locale)


def _utc(moment: dt.datetime) -> dt.datetime:
    # Near year 1 a zone east of UTC falls before the first instant Python can hold.
    try:
        return moment.astimezone(dt.UTC)
    except OverflowError:
        return dt.datetime.min.replace(tzinfo=dt.UTC)


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
        for instant in (date.start(tz), date.end(tz)):
            instant.astimezone(tz)
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

