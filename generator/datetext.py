"""Dates as readers of the site's language write them."""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date, format_skeleton, format_time

from generator.dateparts import PartialDate


class DateText:
    """The text of dates in one language and time zone; each date is formatted once, since
    Babel is slow and a date reads the same each time."""

    def __init__(self, language: str, tz: dt.tzinfo = dt.UTC) -> None:
        self.locale = language.replace("-", "_")
        self.tz = tz
        self._shown: dict[PartialDate, str] = {}

    def date(self, date: PartialDate) -> str:
        """Human text at this date's precision."""
        text = self._shown.get(date)
        if text is None:
            text = self._shown[date] = self._format(date)
        return text

    def _format(self, date: PartialDate) -> str:
        # A part is only ever set with the coarser ones: a day with its month, a moment with
        # both.
        locale = self.locale
        if date.moment is not None:
            moment = date.moment.astimezone(self.tz)
            day = format_date(moment.date(), "long", locale=locale)
            clock = format_time(moment, "short", tzinfo=self.tz, locale=locale)
            return f"{day}, {clock} {moment.strftime('%Z')}"
        if date.month is None:
            return format_skeleton("y", dt.date(date.year, 1, 1), locale=locale)
        if date.day is None:
            return format_skeleton("yMMMM", dt.date(date.year, date.month, 1), locale=locale)
        return format_date(dt.date(date.year, date.month, date.day), "long", locale=locale)
