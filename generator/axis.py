"""The overview's axis: instants → places across its width, and ticks that suit its span.

Instants are integer seconds since 1970-01-01T00:00Z in the proleptic Gregorian calendar with
astronomical years (0 is 1 BC), so one axis holds an afternoon, 44 BC and 13.8 billion years ago
alike. A span that reaches deep time while most of its events are recent gets a logarithmic
scale in years before the page's end, as TimelineJS's cosmological scale serves deep time: on a
linear one the recent events would pile up in the last sliver of the width.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

from generator.dateparts import civil_from_days, local_midnight

DAY = 86400
YEAR = 31_556_952  # seconds in a mean Gregorian year, 365.2425 days
MARGIN = 3.0  # percent kept free at each end, so the first and last marks are drawn whole
NARROW = 330.0  # px: the axis on a 360 px phone, which spacing and tick labels are planned for
CHAR_PX = 7.0  # px: the width of a tick label's character, generously
DEEP_YEARS = 100_000  # a span longer than this may need the logarithmic scale...
CROWDED = 0.5  # ...when more than this share of the events would fall...
LAST = 0.02  # ...in this last share of a linear axis' width
MAX_TICKS = 12  # a step that gives more ticks than this is too fine for a phone
MAX_BINS = 60  # the coarsest bins that still give at least this few periods win

_HOUR, _MONTH = 3600, 2_629_746  # a mean month, for choosing steps only
_STEPS: tuple[tuple[str, int, int], ...] = (
    ("hour", 1, _HOUR), ("hour", 3, _HOUR), ("hour", 6, _HOUR), ("hour", 12, _HOUR),
    ("day", 1, DAY), ("day", 2, DAY), ("day", 7, DAY),
    ("month", 1, _MONTH), ("month", 3, _MONTH), ("month", 6, _MONTH),
) + tuple(("year", size * 10 ** power, YEAR) for power in range(11) for size in (1, 2, 5)
          if size * 10 ** power <= 10 ** 10)


@dataclass(frozen=True, slots=True)
class Tick:
    """A labelled point of the axis; `at` is a percentage of its width."""

    at: float
    label: str
    anchor: str  # how the label hangs on its tick: start, middle or end (at the axis' ends)


@dataclass(frozen=True, slots=True)
class Moment:
    """A tick's instant and the place in the calendar it stands for, to be labelled.

    `form` says what the label shows: "hour" (hour and minute), "day" (month and day),
    "month" (the month's name), "month-year" (with its year) or "year"."""

    instant: int
    form: str
    year: int  # astronomical
    month: int = 1
    day: int = 1
    hour: int = 0
    minute: int = 0


Labeller = Callable[[Moment], str]


class LinearScale:
    """Instants → percentages of the axis' width, evenly."""

    kind = "linear"

    def __init__(self, t0: int, t1: int) -> None:
        self.t0 = t0
        self.span = max(t1 - t0, 1)

    def at(self, instant: int) -> float:
        """The place of `instant`, as a percentage of the width inside the margins."""
        return _percent((instant - self.t0) / self.span)


class AgeScale:
    """Instants → percentages, logarithmic in years before the axis' end: the last ten years,
    the ten before a hundred and the billions before a billion years ago take equal room."""

    kind = "age"

    def __init__(self, t0: int, t1: int) -> None:
        self.t1 = t1
        self.top = math.log10(1 + max(t1 - t0, 1) / YEAR)

    def at(self, instant: int) -> float:
        """The place of `instant`, as a percentage of the width inside the margins."""
        age = max(self.t1 - instant, 0) / YEAR
        return _percent(1 - math.log10(1 + age) / self.top)


Scale = LinearScale | AgeScale


def _percent(part: float) -> float:
    return round(MARGIN + (100 - 2 * MARGIN) * min(max(part, 0.0), 1.0), 2)


def scale_for(instants: Sequence[int], t0: int, t1: int) -> Scale:
    """The scale for an axis from `t0` to `t1` holding events at `instants`: logarithmic in age
    when the span reaches deep time and a linear axis would crowd most events at its end."""
    if t1 - t0 <= DEEP_YEARS * YEAR or not instants:
        return LinearScale(t0, t1)
    crowded_from = t1 - (t1 - t0) * LAST
    crowded = sum(1 for instant in instants if instant >= crowded_from)
    return AgeScale(t0, t1) if crowded > CROWDED * len(instants) else LinearScale(t0, t1)


def ticks(scale: Scale, t0: int, t1: int, tz: dt.tzinfo, label: Labeller) -> tuple[Tick, ...]:
    """The finest ticks between `t0` and `t1` whose labels fit side by side on a phone: hours,
    days, weeks, months, years up to billions of years, or powers of ten of age."""
    if isinstance(scale, AgeScale):
        return _age_ticks(scale, t0, t1, tz, label)
    span = t1 - t0
    found: tuple[Tick, ...] = ()
    for unit, step, seconds in _STEPS:
        if span / (seconds * step) > MAX_TICKS:
            continue
        found = _placed(scale, moments(unit, step, t0, t1, tz), label)
        if fits(found):
            return found
    return found


def _placed(scale: Scale, found: list[Moment], label: Labeller) -> tuple[Tick, ...]:
    return tuple(_tick(scale.at(moment.instant), label(moment)) for moment in found)


def _tick(at: float, label: str) -> Tick:
    anchor = "start" if at < 8 else "end" if at > 92 else "middle"
    return Tick(at, label, anchor)


def fits(found: tuple[Tick, ...]) -> bool:
    """Whether the labels of `found` stand side by side without touching on a phone."""
    return all((b.at - a.at) / 100 * NARROW >= max(len(a.label), len(b.label)) * CHAR_PX + 10
               for a, b in pairwise(found))


def moments(unit: str, step: int, t0: int, t1: int, tz: dt.tzinfo) -> list[Moment]:
    """The instants from `t0` to `t1` that begin every `step` hours, days, months or years in
    the site's time zone (years counted as historians do, with no year 0)."""
    if unit == "hour":
        found = list(_hours(step, t0, t1, tz))
    elif unit == "day":
        found = list(_days(step, t0, t1, tz))
    elif unit == "month":
        found = list(_months(step, t0, t1, tz))
    else:
        found = list(_years(step, t0, t1, tz))
    return [moment for moment in found if t0 <= moment.instant <= t1]


def _hours(step: int, t0: int, t1: int, tz: dt.tzinfo) -> Iterator[Moment]:
    wall = to_wall(t0, tz)
    wall -= wall % (step * _HOUR)
    while (instant := to_instant(wall, tz)) <= t1:
        days, rest = divmod(wall, DAY)
        year, month, day = civil_from_days(days)
        form = "day" if rest == 0 else "hour"
        yield Moment(instant, form, year, month, day, rest // _HOUR, rest % _HOUR // 60)
        wall += step * _HOUR


def _days(step: int, t0: int, t1: int, tz: dt.tzinfo) -> Iterator[Moment]:
    days = to_wall(t0, tz) // DAY
    while (instant := local_midnight(*civil_from_days(days), tz)) <= t1:
        yield Moment(instant, "day", *civil_from_days(days))
        days += step


def _months(step: int, t0: int, t1: int, tz: dt.tzinfo) -> Iterator[Moment]:
    year, month, _day = civil_from_days(to_wall(t0, tz) // DAY)
    month -= (month - 1) % step
    first = True
    while (instant := local_midnight(year, month, 1, tz)) <= t1:
        # The year is written where it begins, and at the month the axis begins in (a tick
        # left out when that month began before the axis).
        yield Moment(instant, "month-year" if month == 1 or first else "month", year, month)
        first = False
        year, month = year + (month + step - 1) // 12, (month + step - 1) % 12 + 1


def _years(step: int, t0: int, t1: int, tz: dt.tzinfo) -> Iterator[Moment]:
    # Ticks fall on years whose historical number is a multiple of the step (100 BC, AD 100),
    # as readers count them; so a step across the start of the era skips the year that is not.
    first = historical(civil_from_days(to_wall(t0, tz) // DAY)[0])
    number = first - first % step
    while True:
        if number != 0:
            year = astronomical(number)
            instant = local_midnight(year, 1, 1, tz)
            if instant > t1:
                return
            yield Moment(instant, "year", year)
        number += step


def _age_ticks(scale: AgeScale, t0: int, t1: int, tz: dt.tzinfo,
               label: Labeller) -> tuple[Tick, ...]:
    """Ticks at powers of ten of years before the end, from the oldest on, each kept when its
    label fits beside the last one kept."""
    kept: list[Tick] = []
    for tick in _placed(scale, age_moments(t0, t1, tz), label):
        if not kept or fits((kept[-1], tick)):
            kept.append(tick)
    return tuple(kept)


def age_moments(t0: int, t1: int, tz: dt.tzinfo) -> list[Moment]:
    """A year about each power of ten of years before `t1`, rounded to that power: 2010, 1900,
    1000, 10,000 BC, 100,000 BC, a million BC... as far back as `t0` reaches."""
    end = historical(civil_from_days(to_wall(t1, tz) // DAY)[0])
    found: list[Moment] = []
    power = 1
    while power * YEAR <= t1 - t0 + YEAR:
        number = round(_before(end, power) / power) * power
        if number != 0:
            year = astronomical(number)
            instant = local_midnight(year, 1, 1, tz)
            if t0 <= instant <= t1:
                found.append(Moment(instant, "year", year))
        power *= 10
    found.sort(key=lambda moment: moment.instant)
    return _distinct(found)


def _before(number: int, years: int) -> int:
    """The historical year `years` years before historical year `number`."""
    return historical(astronomical(number) - years)


def _distinct(found: list[Moment]) -> list[Moment]:
    return [moment for i, moment in enumerate(found)
            if i == 0 or moment.instant != found[i - 1].instant]


def historical(year: int) -> int:
    """An astronomical year as historians number it: 0 is 1 BC (-1), -43 is 44 BC (-44)."""
    return year if year > 0 else year - 1


def astronomical(number: int) -> int:
    """A historical year number (negative for BC, never 0) as an astronomical year."""
    return number if number > 0 else number + 1


def to_wall(instant: int, tz: dt.tzinfo) -> int:
    """The wall-clock time in `tz` at `instant`, in seconds since 1970-01-01 00:00 there.
    Zones are known only for years 1 to 9999; outside them the clock is UTC's."""
    if -62_135_596_800 + DAY <= instant < 253_402_300_800 - 366 * DAY:
        moment = dt.datetime.fromtimestamp(instant, dt.UTC).astimezone(tz)
        offset = moment.utcoffset()
        return instant + int(offset.total_seconds()) if offset else instant
    return instant


def to_instant(wall: int, tz: dt.tzinfo) -> int:
    """The instant at wall-clock time `wall` in `tz` (seconds since 1970-01-01 00:00 there)."""
    days, rest = divmod(wall, DAY)
    year, month, day = civil_from_days(days)
    if not 1 <= year <= 9999:
        return wall
    naive = dt.datetime(year, month, day) + dt.timedelta(seconds=rest)
    offset = tz.utcoffset(naive)
    return wall - int(offset.total_seconds()) if offset else wall


def pack(spans: Sequence[tuple[float, float]], most: int = 0) -> tuple[list[int], int]:
    """Rows for `spans` (place, width; in order of place) so that none touches another in its
    row: each goes in the first row free where it starts, or, past `most` rows (0: no limit),
    in the row that frees first. Returns each span's row and the number of rows."""
    ends: list[float] = []
    rows = []
    for start, width in spans:
        row = next((i for i, end in enumerate(ends) if end + 0.5 <= start), None)
        if row is None:
            if not most or len(ends) < most:
                row = len(ends)
                ends.append(0.0)
            else:
                row = min(range(most), key=ends.__getitem__)
        ends[row] = max(ends[row], start + width)
        rows.append(row)
    return rows, len(ends)


# A period of an overview that counts: its first and last year (astronomical), its month if it
# is one, how many events it holds, and the year it links to (the first it has events in).
Period = tuple[int, int, int | None, int, int]


def year_periods(per_year: Mapping[int, int]) -> list[Period]:
    """Years (with their events' count) gathered by ones, tens, hundreds... up to billions,
    the finest giving at most MAX_BINS periods, as historians count them: 1990–1999, 100–199,
    and before the era 199 BC – 100 BC, 99 BC – 1 BC."""
    numbers = {year: historical(year) for year in per_year}
    low, high = min(numbers.values()), max(numbers.values())
    size = next((10 ** p for p in range(11)
                 if _key(high, 10 ** p) - _key(low, 10 ** p) < MAX_BINS), 10 ** 10)
    found: dict[int, list[int]] = {}
    for year, number in numbers.items():
        found.setdefault(_key(number, size), []).append(year)
    periods: list[Period] = []
    for key in sorted(found):
        if key >= 0:
            first, last = max(key * size, 1), key * size + size - 1
        else:
            first, last = -(-key * size - 1), -max((-key - 1) * size, 1)
        years = found[key]
        periods.append((astronomical(first), astronomical(last), None,
                        sum(per_year[y] for y in years), min(years)))
    return periods


def _key(number: int, size: int) -> int:
    return number // size if number > 0 else -((-number) // size) - 1


def age_periods(per_year: Mapping[int, int]) -> list[Period]:
    """Years gathered by powers of ten of years before the last: the last year, the nine
    before it, the ninety before those... the oldest period beginning at the first year."""
    end = max(per_year)
    found: dict[int, list[int]] = {}
    for year in per_year:
        found.setdefault(len(str(end - year)) - 1 if year < end else -1, []).append(year)
    periods: list[Period] = []
    for key in sorted(found, reverse=True):
        first = end - 10 ** (key + 1) + 1 if key >= 0 else end
        last = end - 10 ** key if key >= 0 else end
        years = found[key]
        periods.append((max(first, min(years)), last, None, sum(per_year[y] for y in years),
                        min(years)))
    return periods
