"""Dates in the Library of Congress' Extended Date/Time Format, level 1: `1984?`, `2004-06~`,
`1950%`, `201X`, `19XX`, `-0249`, `Y-170000002`, `1990/1995`, `2020/..`, `../1500`.

Read with PyPI's `edtf`, which keeps the qualifiers (`undate` parses them and drops them). It
is imported only when a site has such a date, since its import takes a fifth of a second, and
each string is parsed once: its pyparsing grammar takes milliseconds a string. Its answers are
checked here where it is lax: it accepts days that do not exist, such as 1900-02-29."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from generator.dateparts import (
    MAX_YEAR,
    MIN_YEAR,
    DateError,
    PartialDate,
    days_in_month,
)
from generator.errors import quoted

# EDTF's shape: a year of four digits or X (or `Y` and a long year, or an open start) first,
# then only EDTF's characters; and something ISO 8601 does not write: a qualifier, an X, a
# long year, an interval. "12/07/2018" is no EDTF: its first part is no year.
EDTF_SHAPE = re.compile(r"^(?:\.\.|Y|-?[\dX]{4})[\dXYES?~%/.:+\-TZ]*$")
EDTF_ONLY = re.compile(r"[?~%/X]|^Y|\.\.")
LEVEL_2 = "EDTF level 2 is not supported; level 1 is"
_COMMON = re.compile(r"^(?!-0000)(-?(?:\d{4}|\d{3}X|\d{2}XX|\dXXX))"
                     r"(?:-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01]))?)?([?~%]?)$")
_QUALIFIED_LONG_YEAR = re.compile(r"^(Y-?\d+)([?~%])$")
# A date, its end when it is an interval, and whether it is still going on.
Reading = tuple[PartialDate, PartialDate | None, bool]


def is_edtf(text: str) -> bool:
    """Whether `text` has a shape only EDTF gives a date."""
    return bool(EDTF_SHAPE.match(text) and EDTF_ONLY.search(text))


def read_edtf(text: str, memo: dict[str, Reading | str]) -> Reading:
    """An EDTF level 1 date or interval: the date, its end, and whether it is ongoing. `memo`
    keeps each string's reading, or the message of its error, for the next time."""
    kept = memo.get(text)
    if kept is None:
        try:
            kept = _read_common(text) or _read(text)
        except DateError as exc:
            kept = str(exc)
        memo[text] = kept
    if isinstance(kept, str):
        raise DateError(kept)
    return kept


def _read_common(text: str) -> Reading | None:
    """The common shapes of level 1, read without the parser, which takes some 20 ms a string
    (a site of 10,000 such dates would spend minutes): a date as precise as written with a
    qualifier (`1984?`, `2004-06~`, `2004-06-11%`), unspecified digits of a year (`201X`),
    and intervals of the first (`1990/1995`, `2020/..`, `../1500`). None for any other shape,
    which the parser reads; tests check both agree on these."""
    if text.count("/") == 1 and "X" not in text:  # the parser takes no X in intervals
        lower, upper = text.split("/")
        if lower == ".." and upper != "..":
            date = _common_date(upper)
            return None if date is None else (replace(date, bound="before"), None, False)
        start = _common_date(lower)
        if start is None:
            return None
        if upper == "..":
            return start, None, True
        end = _common_date(upper)
        return None if end is None else (start, end, False)
    date = _common_date(text)
    return None if date is None else (date, None, False)


def _common_date(text: str) -> PartialDate | None:
    match = _COMMON.match(text)
    if match is None:
        return None
    year, month, day, qualifier = match.groups()
    if "X" in year and month:
        return None
    return replace(_parts(text, year, month, day), qualifier=qualifier)


def _read(text: str) -> Reading:
    from edtf import parse_edtf  # here: its import costs 0.2 s, and most sites never need it
    from edtf.parser.edtf_exceptions import EDTFParseException

    if match := _QUALIFIED_LONG_YEAR.match(text):
        # Level 1 qualifies no long year, and "c. 66 Ma" needs one: chronoline writes it as
        # Y-65999999~, and reads it back.
        date, _, _ = _read(match.group(1))
        return replace(date, qualifier=match.group(2)), None, False
    try:
        parsed = parse_edtf(text)
    except EDTFParseException:
        raise DateError(f"{quoted(text)} is not a date") from None
    kind = type(parsed).__name__
    if kind in ("Interval", "Level1Interval"):
        return _interval(text, parsed.lower, parsed.upper)
    return _date(text, parsed), None, False


def _interval(text: str, lower: Any, upper: Any) -> Reading:
    if type(lower).__name__ == "UnspecifiedIntervalSection":
        if type(upper).__name__ == "UnspecifiedIntervalSection" or str(lower) != "..":
            raise DateError(f"{quoted(text)} has no known start; write its start, or "
                            "../1500 for a date before 1500")
        return replace(_date(text, upper), bound="before"), None, False
    start = _date(text, lower)
    if type(upper).__name__ == "UnspecifiedIntervalSection":
        if str(upper) != "..":
            raise DateError(f"{quoted(text)} has an unknown end; write {str(lower)}/.. for "
                            "what is still going on, or give its end")
        return start, None, True
    return start, _date(text, upper), False


def _date(text: str, parsed: Any) -> PartialDate:
    kind = type(parsed).__name__
    if kind == "UncertainOrApproximate":
        inner = _date(text, parsed.date)
        return replace(inner, qualifier=_qualifier(parsed.ua))
    if kind == "LongYear":
        return PartialDate(_year(text, int(parsed.year)))
    if kind in ("Date", "Unspecified"):
        date = _parts(text, parsed.year, parsed.month, parsed.day)
        return replace(date, qualifier=_qualifier(getattr(parsed, "ua", None)))
    if kind in ("Season", "Level2Season"):
        raise DateError(f"{quoted(text)}: seasons are not supported; write the months, as "
                        "in 2001-03/2001-05")
    raise DateError(f"{quoted(text)}: {LEVEL_2}")


def _qualifier(ua: Any) -> str:
    return str(ua) if ua else ""


def _parts(text: str, year_text: str, month_text: str | None, day_text: str | None,
           ) -> PartialDate:
    """A date from EDTF's digits: unspecified digits of the year give a decade, a century or
    a millennium; an unspecified month or day leaves it out."""
    unspecified = len(year_text) - len(year_text.rstrip("X"))
    if "X" in year_text.rstrip("X") or unspecified > 3 or (unspecified and
                                                           (month_text or day_text)):
        raise DateError(f"{quoted(text)}: {LEVEL_2}")
    # A negative decade runs from its digits 9 down: -019X is 199 BC to 190 BC.
    filler = "9" if year_text.startswith("-") else "0"
    year = _year(text, int(year_text.replace("X", filler)))
    if unspecified:
        return PartialDate(year, years=10**unspecified)
    month = None if month_text in (None, "XX") else int(month_text)
    day = None if day_text in (None, "XX") else int(day_text)
    if month is None and day is not None:
        raise DateError(f"{quoted(text)}: {LEVEL_2}")
    if month is not None and not 1 <= month <= 12:
        raise DateError(f"{quoted(text)}: month {month} does not exist")
    if month is not None and day is not None and not 1 <= day <= days_in_month(year, month):
        raise DateError(f"{quoted(text)}: day {day} does not exist in that month")
    return PartialDate(year, month, day)


def _year(text: str, year: int) -> int:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise DateError(f"{quoted(text)} is further from today than chronoline counts")
    return year
