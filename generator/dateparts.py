"""Dates as instants: a written date's parts, and the whole seconds since 1970 UTC it spans.

Instants are plain ints in the proleptic Gregorian calendar with astronomical years (0 is
1 BC, -43 is 44 BC), counted with our own day arithmetic: `datetime` holds only the years 1 to
9999, and a timeline may start 13.8 billion years ago. `datetime` is used only where a time
zone's offset is needed, inside those years. At |year| < 10**11 an instant fits 64 bits."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from enum import IntEnum

MIN_YEAR, MAX_YEAR = -10**11 + 1, 10**11 - 1
DAY = 86400
_EPOCH_DAYS = 719468  # days from 0000-03-01, where the algorithm's years begin, to 1970-01-01


class DateError(ValueError):
    """A value that is not a date chronoline can read; the message says why."""


class Precision(IntEnum):
    """How much of a date was written; coarser sorts first on the same start."""

    YEAR = 0
    MONTH = 1
    DAY = 2
    TIME = 3


def is_leap(year: int) -> bool:
    """Whether `year` (astronomical) has a 29 February in the proleptic Gregorian calendar."""
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def days_in_month(year: int, month: int) -> int:
    """The number of days of `month` in `year`."""
    if month == 2:
        return 29 if is_leap(year) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def days_from_civil(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 of a proleptic Gregorian date with an astronomical year."""
    # Years counted from March make the leap day the last of its year (H. Hinnant's
    # algorithm); Python's floor division keeps it right for negative years.
    year -= month <= 2
    era = year // 400
    year_of_era = year - era * 400
    day_of_year = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146097 + day_of_era - _EPOCH_DAYS


def civil_from_days(days: int) -> tuple[int, int, int]:
    """The (astronomical year, month, day) of a count of days since 1970-01-01."""
    days += _EPOCH_DAYS
    era = days // 146097
    day_of_era = days - era * 146097
    year_of_era = (day_of_era - day_of_era // 1460 + day_of_era // 36524
                   - day_of_era // 146096) // 365
    day_of_year = day_of_era - (365 * year_of_era + year_of_era // 4 - year_of_era // 100)
    shifted = (5 * day_of_year + 2) // 153
    day = day_of_year - (153 * shifted + 2) // 5 + 1
    month = shifted + 3 if shifted < 10 else shifted - 9
    return year_of_era + era * 400 + (month <= 2), month, day


def local_midnight(year: int, month: int, day: int, tz: dt.tzinfo) -> int:
    """The instant a day begins in `tz`; outside the years 1 to 9999, where time zones mean
    nothing, at midnight UTC."""
    seconds = days_from_civil(year, month, day) * DAY
    if 1 <= year <= 9999:
        # A naive datetime exists for every day of those years, east or west of UTC, where
        # an aware one converted to UTC would not near their ends.
        offset = tz.utcoffset(dt.datetime(year, month, day))
        if offset is not None:
            seconds -= offset // dt.timedelta(seconds=1)
    return seconds


def moment_instant(moment: dt.datetime) -> int:
    """The instant of an aware datetime, in whole seconds, without leaving its calendar."""
    offset = moment.utcoffset() or dt.timedelta(0)
    clock = moment.hour * 3600 + moment.minute * 60 + moment.second
    return (days_from_civil(moment.year, moment.month, moment.day) * DAY + clock
            - offset // dt.timedelta(seconds=1))


def utc_datetime(instant: int) -> dt.datetime | None:
    """The aware UTC datetime of an instant; None outside the years 1 to 9999 UTC."""
    days, seconds = divmod(instant, DAY)
    year, month, day = civil_from_days(days)
    if not 1 <= year <= 9999:
        return None
    return dt.datetime(year, month, day, tzinfo=dt.UTC) + dt.timedelta(seconds=seconds)


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A date as precise as it was written; `moment` is set only for a time of day, in the
    years 1 to 9998. `year` is astronomical: 0 is 1 BC."""

    year: int
    month: int | None = None
    day: int | None = None
    moment: dt.datetime | None = None  # aware; offset as written, or the site's zone
    utc_written: bool = False  # written with a trailing Z
    seconds_written: bool = False
    years: int = 1  # the span of a year-precise date: 10 for a decade, 100 for a century
    qualifier: str = ""  # "" | "?" uncertain | "~" approximate | "%" both
    bound: str = ""  # "" | "before" | "after": the date is a limit, not the time itself

    def __getstate__(self) -> tuple:  # pickled as a tuple, as the model's classes are
        return (self.year, self.month, self.day, self.moment, self.utc_written,
                self.seconds_written, self.years, self.qualifier, self.bound)

    @property
    def precision(self) -> Precision:
        if self.moment is not None:
            return Precision.TIME
        if self.day is not None:
            return Precision.DAY
        if self.month is not None:
            return Precision.MONTH
        return Precision.YEAR

    @property
    def rank(self) -> tuple[int, int, int]:
        """What orders dates of one earliest instant: "before 1500" before 1500, a decade
        before its first year, a year before its months, a month before its days."""
        return (0 if self.bound == "before" else 1, self.precision, -self.years)

    def earliest(self, tz: dt.tzinfo) -> int:
        """The first instant of the written period, as written: no padding for a qualifier.
        Periods begin at midnight in `tz`; "after 1500" begins when 1500 is over."""
        if self.bound == "after":
            return replace(self, bound="").until(tz)
        if self.moment is not None:
            return moment_instant(self.moment)
        return local_midnight(self.year, self.month or 1, self.day or 1, tz)

    def until(self, tz: dt.tzinfo) -> int:
        """The instant this date is over: the start of the next period, or the moment itself.
        "before 1500" is over when 1500 begins."""
        if self.bound:
            return replace(self, bound="").earliest(tz) if self.bound == "before" \
                else self.earliest(tz)
        if self.moment is not None:
            return moment_instant(self.moment)
        if self.month is None:
            return local_midnight(self.year + self.years, 1, 1, tz)
        if self.day is None:
            return local_midnight(self.year + self.month // 12, self.month % 12 + 1, 1, tz)
        year, month, day = civil_from_days(days_from_civil(self.year, self.month, self.day) + 1)
        return local_midnight(year, month, day, tz)

    def ends_before(self, start: PartialDate, tz: dt.tzinfo) -> bool:
        """True when this date, taken as the end of a range, is over before `start` begins."""
        if self.moment is not None:
            return self.until(tz) < start.earliest(tz)
        return self.until(tz) <= start.earliest(tz)

    def local(self, tz: dt.tzinfo) -> PartialDate:
        """The same date with its year, month and day as seen in `tz` (only times move)."""
        if self.moment is None:
            return self
        moment = self.moment.astimezone(tz)
        return replace(self, year=moment.year, month=moment.month, day=moment.day,
                       moment=moment)

    @property
    def plain(self) -> bool:
        """Written as one year, month, day or moment: no span, qualifier or bound."""
        return self.years == 1 and not self.qualifier and not self.bound

    def iso(self) -> str | None:
        """The value for a `<time datetime>`, as precise as written and with the offset as
        written; None for what HTML cannot hold: years outside 1 to 9999, spans, qualifiers,
        bounds."""
        if not (self.plain and 1 <= self.year <= 9999):
            return None
        if self.moment is not None:
            spec = "seconds" if self.seconds_written or self.moment.second else "minutes"
            text = self.moment.isoformat(timespec=spec)
            return text[:-6] + "Z" if self.utc_written and text.endswith("+00:00") else text
        return self._calendar(f"{self.year:04d}")

    def edtf(self) -> str:
        """The date in the Extended Date/Time Format (level 1; a bound as level 2's set):
        `2018-07`, `-0043-03-15`, `1984?`, `201X`, `Y-170000002`, `[..1500]`."""
        if self.moment is not None:
            text = self.moment.isoformat(timespec="seconds")
            text = text[:-6] + "Z" if self.utc_written and text.endswith("+00:00") else text
        else:
            text = self._calendar(_edtf_year(self.year, self.years))
        text += self.qualifier
        if self.bound == "before":
            return f"[..{text}]"
        return f"[{text}..]" if self.bound == "after" else text

    def _calendar(self, year: str) -> str:
        if self.day is not None:
            return f"{year}-{self.month:02d}-{self.day:02d}"
        if self.month is not None:
            return f"{year}-{self.month:02d}"
        return year


def _edtf_year(year: int, years: int) -> str:
    """A year as EDTF writes it: four digits and a sign, `Y` past four, `X` for a span's
    unspecified digits."""
    if -9999 <= year <= 9999:
        text = f"{year:05d}" if year < 0 else f"{year:04d}"
    else:
        text = f"Y{year}"
    unspecified = len(str(years)) - 1 if years in (10, 100, 1000) else 0
    return text[:len(text) - unspecified] + "X" * unspecified if unspecified else text
