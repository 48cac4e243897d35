"""Dates as readers of the site's language write them: "15 March 44 BC", "c. 1200", "1990s",
"1984?", "before 1500", "66 million years ago", "2020 – present"."""

from __future__ import annotations

import datetime as dt
import gettext
from dataclasses import replace

from babel.core import Locale, UnknownLocaleError
from babel.dates import (
    format_date,
    format_skeleton,
    format_time,
    format_timedelta,
    get_era_names,
    match_skeleton,
    tokenize_pattern,
    untokenize_pattern,
)
from babel.numbers import format_compact_decimal, format_decimal

from generator.dateparts import PartialDate
from generator.dates import DEEP_YEARS, Period
from generator.i18n import translations

YEAR_SECONDS = 31_556_952  # a Gregorian year's average length: 365.2425 days
# Babel's time spans stop at years, and a timedelta at 2.7 million of them: from this many
# years on, a span is counted in years with large numbers written short.
LONG_SPAN_YEARS = 10_000
_SKELETONS = {0: "Gy", 1: "GyMMMM", 2: "GyMMMMd"}  # by how many of month and day are set
_PROXY_YEAR = 2000  # leap: month and day names of any year, 29 February included


class DateText:
    """The text of dates in one language and time zone; each date is formatted once, since
    Babel is slow and a date reads the same each time. Years 1 to 999 carry their era
    ("79 AD"), site-wide, so a date reads the same on every page."""

    def __init__(self, language: str, tz: dt.tzinfo = dt.UTC) -> None:
        self.locale = language.replace("-", "_")
        self.language = language
        self.tz = tz
        self._shown: dict[PartialDate, str] = {}
        self._catalog: gettext.NullTranslations | None = None

    def date(self, date: PartialDate) -> str:
        """Human text of one date, at its precision, with its qualifier, span and bound."""
        text = self._shown.get(date)
        if text is None:
            text = self._shown[date] = self._format(date)
        return text

    def range(self, date: PartialDate, end: PartialDate | None = None,
              ongoing: bool = False) -> str:
        """A date with its end, or still going on ("2020 – present")."""
        if ongoing:
            present = self._messages().gettext("present")
            return f"{self.date(date)} – {present}"
        return f"{self.date(date)} – {self.date(end)}" if end else self.date(date)

    def period(self, period: Period) -> str:
        """A year page's name: "2018", "250 BC", "1–10 million years ago"."""
        if period.years == 1:
            return self.date(PartialDate(period.first))
        young = 1 - (period.first + period.years - 1)
        old = 2 - period.first  # the band's round end: 10 million for 1–10 million years ago
        return self._messages().ngettext("%(amount)s year ago", "%(amount)s years ago", old) % {
            "amount": f"{self._amount(young)}–{self._amount(old)}"}

    def duration(self, seconds: float) -> str:
        """A span of time, roughly: "3 years"; over LONG_SPAN_YEARS, "66 million years"."""
        years = int(seconds // YEAR_SECONDS)
        if years >= LONG_SPAN_YEARS:
            return self._messages().ngettext("%(amount)s year", "%(amount)s years", years) % {
                "amount": self._amount(_rounded(years))}
        return format_timedelta(dt.timedelta(seconds=seconds), threshold=1.0,
                                locale=self.locale)

    def _format(self, date: PartialDate) -> str:
        if date.bound:
            text = self.date(replace(date, bound=""))
            if date.bound == "before":
                return self._messages().gettext("before %(date)s") % {"date": text}
            return self._messages().gettext("after %(date)s") % {"date": text}
        if date.qualifier:
            text = self.date(replace(date, qualifier=""))
            if date.qualifier in "~%":
                text = self._messages().gettext("c. %(date)s") % {"date": text}
            return text + "?" if date.qualifier in "?%" else text
        if date.years > 1:
            return self._span(date)
        return self._plain(date)

    def _span(self, date: PartialDate) -> str:
        # "1900s" could be the century: a decade that begins one is written out.
        if date.years == 10 and 1000 <= date.year <= 9990 and date.year % 100:
            return self._messages().gettext("%(year)ss") % {"year": date.year}
        first, last = PartialDate(date.year), PartialDate(date.year + date.years - 1)
        return f"{self.date(first)} – {self.date(last)}"

    def _plain(self, date: PartialDate) -> str:
        locale = self.locale
        if date.moment is not None:
            moment = date.moment.astimezone(self.tz)
            day = format_date(moment.date(), "long", locale=locale)
            clock = format_time(moment, "short", tzinfo=self.tz, locale=locale)
            return f"{day}, {clock} {moment.strftime('%Z')}"
        if 1 - date.year >= DEEP_YEARS:
            return self._messages().ngettext("%(amount)s year ago", "%(amount)s years ago",
                                          1 - date.year) % {"amount": self._amount(1 - date.year)}
        if 1000 <= date.year <= 9999:
            if date.month is None:
                return format_skeleton("y", dt.date(date.year, 1, 1), locale=locale)
            if date.day is None:
                return format_skeleton("yMMMM", dt.date(date.year, date.month, 1),
                                       locale=locale)
            return format_date(dt.date(date.year, date.month, date.day), "long",
                               locale=locale)
        return self._with_era(date)

    def _with_era(self, date: PartialDate) -> str:
        """A date of the years before 1000 (and after 9999) with its era, as the language's
        CLDR pattern places it: "15 March 44 BC", "March 15, 44 BC", "15 maart 44 v.Chr."."""
        parts = (date.month is not None) + (date.day is not None)
        try:
            loaded = Locale.parse(self.locale)
        except (UnknownLocaleError, ValueError):
            loaded = Locale.parse("en")
        skeleton = match_skeleton(_SKELETONS[parts], loaded.datetime_skeletons)
        pattern = str(loaded.datetime_skeletons[skeleton].pattern) if skeleton else "y G"
        era = get_era_names("abbreviated", locale=loaded)[1 if date.year >= 1 else 0]
        number = str(date.year if date.year >= 1 else 1 - date.year)
        tokens = [("chars", number) if kind == "field" and value[0] in "yYu"
                  else ("chars", era) if kind == "field" and value[0] == "G"
                  else (kind, value) for kind, value in tokenize_pattern(pattern)]
        proxy = dt.date(_PROXY_YEAR, date.month or 1, date.day or 1)
        return format_date(proxy, untokenize_pattern(tokens), locale=loaded)

    def _amount(self, number: int) -> str:
        """A large number as words with only the digits it has: "66 million", "4.5 billion",
        "315,000"."""
        if number < 10**6:
            return format_decimal(number, locale=self.locale)
        power = 10 ** (3 * ((len(str(number)) - 1) // 3))
        fraction = str(number % power).rjust(len(str(power)) - 1, "0").rstrip("0")
        return format_compact_decimal(number, format_type="long", fraction_digits=len(fraction),
                                      locale=self.locale)

    def _messages(self) -> gettext.NullTranslations:
        # Compiled only for a date that needs words: most sites' dates need none.
        if self._catalog is None:
            self._catalog = translations(self.language)
        return self._catalog


def _rounded(years: int) -> int:
    """Years to two significant figures: a gap of 65,974,312 years reads as 66 million."""
    digits = len(str(years))
    return round(years, 2 - digits) if digits > 2 else years

