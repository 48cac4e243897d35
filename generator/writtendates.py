"""Dates as historians write them: `44 BC`, `15 March 44 BC`, `44 v.Chr.`, `AD 79`, `66 Ma`,
`13.8 billion years ago`, `1990s`, and the prefixes `c.`, `before` and `after`.

Deep time counts back as TimelineJS does: "N years ago" is the year N BC, astronomically
1 - N, an offset of some two thousand years from "before present" that is under 2 % from
100,000 years ago on, the most recent past read this way."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from babel.core import UnknownLocaleError
from babel.dates import get_era_names

from generator.dateparts import MAX_YEAR, MIN_YEAR, DateError, PartialDate, days_in_month
from generator.errors import quoted

DEEP_YEARS = 100_000  # years ago from which a date counts back rather than naming a year
_ENGLISH_BC = ("bc", "bce", "b.c.", "b.c.e.", "before christ", "before common era")
_ENGLISH_AD = ("ad", "ce", "a.d.", "c.e.", "anno domini", "common era")
_UNITS = {"ka": 10**3, "ma": 10**6, "ga": 10**9, "thousand": 10**3, "million": 10**6,
          "billion": 10**9, "duizend": 10**3, "miljoen": 10**6, "miljard": 10**9}
_AGO = r"(?:years? ago|jaar geleden)"
_NUMBER = r"(\d+(?:[.,]\d+)?)"
_UNIT_AGO = re.compile(rf"^{_NUMBER} ?(ka|ma|ga)$|^{_NUMBER} (thousand|million|billion|duizend|"
                       rf"miljoen|miljard) {_AGO}$")
_YEARS_AGO = re.compile(rf"^(\d{{1,3}}(?:[,. ]\d{{3}})+|\d+) {_AGO}$")
_DECADE = re.compile(r"^(\d+0)(?:'?s)$|^jaren (\d+0)$")
_CIRCA = re.compile(r"^(?:circa|ca\.?|c\.)\s*(?=\S)")
_BOUNDS = {"before": "before", "after": "after", "vóór": "before", "voor": "before",
           "na": "after"}


@dataclass(frozen=True, slots=True)
class EraNames:
    """The words that mark a year before or after Christ, compacted (see `compact`): English,
    and the site language's as Babel knows them in each width."""

    bc: frozenset[str]
    ad: frozenset[str]


def compact(words: str) -> str:
    """An era's words as matched: casefolded, without dots and spaces (`v. Chr.` = `vchr`)."""
    return re.sub(r"[.\s]", "", words.casefold())


def era_names(language: str) -> EraNames:
    """The era words a site in `language` reads."""
    bc = {compact(word) for word in _ENGLISH_BC}
    ad = {compact(word) for word in _ENGLISH_AD}
    try:
        for width in ("abbreviated", "wide", "narrow"):
            names = get_era_names(width, locale=language.replace("-", "_"))
            bc.add(compact(names[0]))
            ad.add(compact(names[1]))
    except (UnknownLocaleError, ValueError):
        pass  # a language Babel does not know: English alone
    # A single letter (English's narrow "B" and "A") would read too much as a date.
    return EraNames(frozenset(w for w in bc if len(w) > 1), frozenset(w for w in ad if len(w) > 1))


def prefixes(text: str) -> tuple[str, str, str]:
    """A date's `before`/`after` and `c.` prefixes taken off: (bound, qualifier, the rest)."""
    bound = ""
    first, _, rest = text.partition(" ")
    if first.casefold() in _BOUNDS and rest.strip():
        bound, text = _BOUNDS[first.casefold()], rest.strip()
    qualifier = ""
    if match := _CIRCA.match(text.casefold()):
        qualifier, text = "~", text[match.end():].strip()
    return bound, qualifier, text


def read_written(text: str, eras: EraNames, month_of: Callable[[str], int | None],
                 ) -> PartialDate | None:
    """A historian's date: a year with its era, deep time, or a decade; None for any other
    text, which may still be a date of another form."""
    words = " ".join(text.casefold().split())
    if match := _UNIT_AGO.match(words):
        number, unit = (match.group(1), match.group(2)) if match.group(1) else match.group(3, 4)
        return _years_ago(text, _scaled(text, number, _UNITS[unit]))
    if match := _YEARS_AGO.match(words):
        return _years_ago(text, int(re.sub(r"\D", "", match.group(1))))
    if match := _DECADE.match(words):
        return _decade(text, match.group(1) or match.group(2))
    return _with_era(text, words.split(" "), eras, month_of)


def _scaled(text: str, number: str, unit: int) -> int:
    years = Decimal(number.replace(",", ".")) * unit  # digits only: the pattern saw to it
    if years != years.to_integral_value():
        raise DateError(f"{quoted(text)} is not a whole number of years")
    return int(years)


def _years_ago(text: str, years: int) -> PartialDate:
    if years < DEEP_YEARS:
        raise DateError(f"{quoted(text)} is too recent to read without a reference year: "
                          "write its year, as in 10000 BC")
    if 1 - years < MIN_YEAR:
        raise DateError(f"{quoted(text)} is further back than chronoline counts: at most "
                          f"{-MIN_YEAR + 1:,} years ago")
    return PartialDate(1 - years)


def _decade(text: str, digits: str) -> PartialDate:
    if digits.endswith("00"):
        start = int(digits)
        raise DateError(f"{quoted(text)}: {start}–{start + 9} or the century? write "
                          f"{digits[:-1]}X or {digits[:-2]}XX")
    return PartialDate(int(digits), years=10)


def _with_era(text: str, words: list[str], eras: EraNames,
              month_of: Callable[[str], int | None]) -> PartialDate | None:
    """`44 BC`, `15 March 44 BC`, `March 15, 44 BC`, `AD 79`, `44 v. Chr.`."""
    for size in (1, 2, 3):
        if len(words) > size:
            tail, head = compact("".join(words[-size:])), words[:-size]
            if tail in eras.bc or tail in eras.ad:
                return _day_month_year(text, head, tail in eras.bc, month_of)
            lead, rest = compact("".join(words[:size])), words[size:]
            if lead in eras.ad:
                return _day_month_year(text, rest, False, month_of)
    return None


def _day_month_year(text: str, words: list[str], before_christ: bool,
                    month_of: Callable[[str], int | None]) -> PartialDate:
    """The year, with a month and a day if written, of a date whose era words are off."""
    numbers: list[str] = []
    month: int | None = None
    for word in (w.strip(",") for w in words):
        if word.isascii() and word.isdigit():
            numbers.append(word)
        elif month is None and (found := month_of(word.rstrip("."))) is not None:
            month = found
        elif word:
            raise DateError(f"{quoted(text)} is not a date")
    if not numbers or len(numbers) > (1 if month is None else 2):
        raise DateError(f"{quoted(text)} is not a date")
    # "15 March 44 BC" and "March 15, 44 BC" both end with the year.
    written_year = int(numbers[-1])
    if written_year == 0:
        raise DateError(f"{quoted(text)}: there is no year 0: 1 BC is followed by AD 1")
    year = 1 - written_year if before_christ else written_year
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise DateError(f"{quoted(text)} is further from today than chronoline counts")
    if month is not None and not -9998 <= year <= 9999:
        raise DateError(f"{quoted(text)}: months and days are kept for the years 9999 BC to "
                        "AD 9999 only, as EDTF does; write the year alone")
    day = int(numbers[0]) if len(numbers) == 2 else None
    if month is not None and day is not None and not 1 <= day <= days_in_month(year, month):
        raise DateError(f"day {day} does not exist in {quoted(text)}")
    return PartialDate(year, month, day)
