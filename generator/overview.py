"""The overview: a page's events laid out on one horizontal time axis, for an inline SVG.

Positions across the axis are percentages of its width, and sizes are pixels: the drawing then
fits any width while its text and marks keep the size they are read at, on a phone as on a wide
screen. Marks closer than a phone's axis can tell apart stack in rows; a pile too tall to stack
becomes one larger mark with a count; past MAX_MARKS events the axis shows a count per period.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from itertools import pairwise
from operator import attrgetter

from babel.dates import format_skeleton

from generator.dateparts import moment_instant, utc_datetime
from generator.dates import PartialDate
from generator.model import Event
from generator.pages import MAX_MARKS
from generator.timeline import BUSY_YEAR

MAX_BINS = 60  # the coarsest bins that still give at least this few periods win
MAX_ROWS = 4  # a pile of more events than this is drawn as one mark with its count
BAR_LANES = 3  # ranges are packed into this many lanes above the marks
NARROW = 330.0  # px: the axis on a 360 px phone, which spacing and tick labels are planned for
GAP_PX = 12.0  # px at NARROW: marks closer than this would touch, so they stack
MARGIN = 3.0  # percent kept free at each end, so the first and last marks are drawn whole
CHAR_PX = 7.0  # px: the width of a tick label's character, generously
# Vertical geometry, in px.
LANE_PX, BAR_PX, ROW_PX, TOP_PX, TICK_PX, LABEL_PX, BIN_PX = 8, 5, 11, 6, 4, 16, 44

_SECONDS = {"hour": 3600.0, "day": 86400.0, "month": 30.44 * 86400, "year": 365.25 * 86400}
_STEPS = (("hour", 1), ("hour", 3), ("hour", 6), ("hour", 12), ("day", 1), ("day", 2),
          ("day", 7), ("month", 1), ("month", 3), ("month", 6), ("year", 1), ("year", 2),
          ("year", 5), ("year", 10), ("year", 20), ("year", 50), ("year", 100), ("year", 200),
          ("year", 500), ("year", 1000), ("year", 2000))
_BIN_YEARS = (1, 10, 100, 1000)  # a bin is a month, or this many years


@dataclass(frozen=True, slots=True)
class Tick:
    """A labelled point of the axis; `at` is a percentage of its width."""

    at: float
    label: str
    anchor: str  # how the label hangs on its tick: start, middle or end (at the axis' ends)


@dataclass(frozen=True, slots=True)
class Mark:
    """An event, or a pile of events too close to stack, on the axis."""

    event: Event  # the event it links to: of a pile, the one listed first
    at: float  # percent
    width: float  # percent; 0 for a point
    y: float  # px: a point's centre, a bar's top
    events: tuple[Event, ...]  # every event it stands for, in time order
    on_page: bool  # the event it links to is listed on the page

    @property
    def count(self) -> int:
        return len(self.events)


@dataclass(frozen=True, slots=True)
class Bin:
    """How many events fall in one period: a month, a year, a decade, a century."""

    at: float
    width: float
    y: float  # px: the top of its bar
    height: float  # px
    count: int
    year: int  # the year it links to
    month: int | None  # the month heading it links to on that year's page, if the page has one
    label: str  # the period, as readers write it
    first: str  # the period's bounds as ISO prefixes, for matching `<time datetime>` values
    last: str


@dataclass(frozen=True, slots=True)
class Overview:
    """Everything an overview draws; `height` and `axis` in px."""

    ticks: tuple[Tick, ...]
    marks: tuple[Mark, ...]  # points, and piles shown with a count
    bars: tuple[Mark, ...]  # ranges
    bins: tuple[Bin, ...]  # instead of marks, past MAX_MARKS events
    axis: float
    height: float
    first: Event  # the earliest event and the latest one
    last: Event
    count: int
    # Eras, drawn as bands behind the marks, will be laid out here once a timeline has them.
    bands: tuple = ()


def layout(events: Sequence[Event], tz: dt.tzinfo, locale: str,
           listed: Collection[str] | None = None) -> Overview | None:
    """The overview of `events` in display order, oldest or newest first; `listed` names the
    slugs of those listed on the page (None: all of them). None for fewer than two events."""
    if len(events) < 2:
        return None
    # Display order is time order, one way or the other: no need to sort ten thousand again.
    newest_first = events[0].start > events[-1].start
    chronological = list(events)[::-1] if newest_first else list(events)
    if len(events) > MAX_MARKS:
        return _binned(chronological, tz, locale)
    first_shown = {id(event): shown for shown, event in enumerate(events)}
    t0 = chronological[0].start
    t1 = max(chronological[-1].start,
             max((e.end.until(tz) for e in events if e.end is not None), default=t0))
    if t1 - t0 < 86400:  # a day at least, centred on what there is
        pad = 86400 - (t1 - t0)
        t0, t1 = t0 - pad // 2, t1 + pad - pad // 2
    scale = _Scale(t0, t1)
    on_page = (lambda e: True) if listed is None else (lambda e: e.slug in listed)
    laned, lanes = _bars([e for e in chronological if e.end is not None], scale, tz, on_page)
    points = [e for e in chronological if e.end is None]
    top = TOP_PX + lanes * LANE_PX
    piles = _piles(points, scale)
    rows = max((min(len(p), MAX_ROWS) if len(p) <= MAX_ROWS else 2 for p in piles), default=0)
    axis = top + rows * ROW_PX + (4 if rows else 0)
    marks = _marks(piles, scale, axis, first_shown, on_page)
    bars = tuple(Mark(m.event, m.at, m.width, TOP_PX + m.y * LANE_PX, m.events, m.on_page)
                 for m in laned)
    return Overview(ticks(t0, t1, tz, locale), marks, bars, (), axis,
                    axis + TICK_PX + LABEL_PX + 4, chronological[0], chronological[-1],
                    len(events))


class _Scale:
    """Instants (seconds since 1970 UTC) → percentages of the axis' width."""

    def __init__(self, t0: int, t1: int) -> None:
        self.t0 = t0
        self.seconds = max(t1 - t0, 1)

    def at(self, moment: int) -> float:
        part = (moment - self.t0) / self.seconds
        return round(MARGIN + (100 - 2 * MARGIN) * min(max(part, 0.0), 1.0), 2)


def _piles(points: list[Event], scale: _Scale) -> list[list[tuple[float, Event]]]:
    """Points in time order, gathered in piles: each begins where its first event is and
    takes the next ones closer to it than a phone can tell apart, so piles never touch."""
    gap = GAP_PX / NARROW * (100 - 2 * MARGIN)
    piles: list[list[tuple[float, Event]]] = []
    for event in points:
        at = scale.at(event.start)
        if piles and at - piles[-1][0][0] < gap:
            piles[-1].append((at, event))
        else:
            piles.append([(at, event)])
    return piles


def _marks(piles: list[list[tuple[float, Event]]], scale: _Scale, axis: float,
           first_shown: dict[int, int], on_page) -> tuple[Mark, ...]:
    marks = []
    for pile in piles:
        at = pile[0][0]
        events = tuple(event for _at, event in pile)
        if len(pile) <= MAX_ROWS:
            for row, event in enumerate(events):
                y = axis - 4 - ROW_PX / 2 - row * ROW_PX
                marks.append(Mark(event, at, 0.0, y, (event,), on_page(event)))
        else:
            # A reader following the link reads on through the pile in the page's order.
            lead = min(events, key=lambda e: first_shown[id(e)])
            marks.append(Mark(lead, at, 0.0, axis - 4 - ROW_PX, events, on_page(lead)))
    return tuple(marks)


def _bars(ranges: list[Event], scale: _Scale, tz: dt.tzinfo, on_page,
          ) -> tuple[list[Mark], int]:
    """Ranges as bars, each in the first lane free where it starts (the last lane when none
    is); `y` holds the lane until the lanes' place is known."""
    ends: list[float] = []
    bars = []
    for event in ranges:
        assert event.end is not None  # only ranges come here
        start = scale.at(event.start)
        width = max(scale.at(event.end.until(tz)) - start, 1.0)
        lane = next((i for i, end in enumerate(ends) if end + 0.5 <= start), None)
        if lane is None:
            if len(ends) < BAR_LANES:
                lane = len(ends)
                ends.append(0.0)
            else:
                lane = min(range(BAR_LANES), key=ends.__getitem__)
        ends[lane] = max(ends[lane], start + width)
        bars.append(Mark(event, start, width, float(lane), (event,), on_page(event)))
    return bars, len(ends)


def ticks(t0: int, t1: int, tz: dt.tzinfo, locale: str) -> tuple[Tick, ...]:
    """The finest ticks between instants `t0` and `t1` whose labels fit side by side on a
    phone: hours, days, weeks, months, years, decades, centuries or millennia."""
    span = t1 - t0
    scale = _Scale(t0, t1)
    found: tuple[Tick, ...] = ()
    for unit, step in _STEPS:
        if span / (_SECONDS[unit] * step) > 12:
            continue
        found = tuple(_tick(moment, label, scale)
                      for moment, label in _tick_moments(unit, step, t0, t1, tz, locale))
        if _fits(found):
            return found
    return found


def _fits(found: tuple[Tick, ...]) -> bool:
    widest = max((len(t.label) for t in found), default=0) * CHAR_PX + 10
    return all((b.at - a.at) / 100 * NARROW >= widest for a, b in pairwise(found))


def _tick(moment: int, label: str, scale: _Scale) -> Tick:
    at = scale.at(moment)
    anchor = "start" if at < 8 else "end" if at > 92 else "middle"
    return Tick(at, label, anchor)


def _tick_moments(unit: str, step: int, t0: int, t1: int, tz: dt.tzinfo,
                  locale: str) -> list[tuple[int, str]]:
    """Each tick's instant and label, as the site's readers write them."""
    local = (utc_datetime(t0) or dt.datetime.min.replace(tzinfo=dt.UTC)).astimezone(tz)
    found: list[tuple[int, str]] = []
    if unit == "hour":
        clock = local.replace(hour=local.hour - local.hour % step, minute=0, second=0,
                              microsecond=0)
        while moment_instant(clock) <= t1:
            skeleton = "MMMd" if clock.hour == 0 else "Hm"
            found.append((moment_instant(clock), format_skeleton(skeleton, clock,
                                                                 locale=locale)))
            clock = (clock + dt.timedelta(hours=step)).astimezone(tz)
        return [(m, label) for m, label in found if m >= t0]
    if unit == "day":
        day = local.date()
        while (moment := PartialDate(day.year, day.month, day.day).earliest(tz)) <= t1:
            found.append((moment, format_skeleton("MMMd", day, locale=locale)))
            day += dt.timedelta(days=step)
        return [(m, label) for m, label in found if m >= t0]
    if unit == "month":
        year, month = local.year, local.month - (local.month - 1) % step
        while year < 9999 and (moment := PartialDate(year, month).earliest(tz)) <= t1:
            skeleton = "yMMM" if month == 1 or not found else "MMM"
            found.append((moment, format_skeleton(skeleton, dt.date(year, month, 1),
                                                  locale=locale)))
            year, month = year + (month + step - 1) // 12, (month + step - 1) % 12 + 1
        return [(m, label) for m, label in found if m >= t0]
    year = max(local.year - local.year % step, step)
    while year < 9999 and (moment := PartialDate(year).earliest(tz)) <= t1:
        if moment >= t0:
            found.append((moment, format_skeleton("y", dt.date(year, 1, 1), locale=locale)))
        year += step
    return found


def _binned(events: list[Event], tz: dt.tzinfo, locale: str) -> Overview:
    """A count per period, in the finest of months, years, decades, centuries and millennia
    that gives at most MAX_BINS periods."""
    first, last = _local_month(events[0], tz), _local_month(events[-1], tz)
    # Each event's own year is counted at C speed (ten thousand in a millisecond) and looked
    # at again only year by year.
    per_year = Counter(map(_YEAR, events))
    counts: dict[tuple[int, int], int]
    if (last[0] - first[0]) * 12 + last[1] - first[1] < MAX_BINS:
        size = 0  # a month
        counts = Counter(_local_month(event, tz) for event in events)
    else:
        size = next((n for n in _BIN_YEARS if (last[0] // n - first[0] // n) < MAX_BINS),
                    _BIN_YEARS[-1])
        counts = {}
        for year, count in per_year.items():
            key = (year - year % size, 0)
            counts[key] = counts.get(key, 0) + count
    # A bin links to the page of the first year it has events in, and a month to its heading
    # there, which a busy year's page has.
    years = {key: key[0] for key in counts} if size == 0 else {}
    for year in per_year if size else ():
        years.setdefault((year - year % size, 0), year)
    periods = list(counts)
    t0 = _period_start(periods[0], size, tz)
    t1 = _period_start(_next_period(periods[-1], size), size, tz)
    scale = _Scale(t0, t1)
    most = max(counts.values())
    axis = TOP_PX + BIN_PX
    bins = []
    for key, count in counts.items():
        at = scale.at(_period_start(key, size, tz))
        width = scale.at(_period_start(_next_period(key, size), size, tz)) - at
        height = max(BIN_PX * count / most, 2.0)
        year = years[key]
        month = key[1] if size == 0 and per_year[year] > BUSY_YEAR else None
        bins.append(Bin(at, round(width, 2), axis - height, round(height, 1), count, year,
                        month, *_bin_text(key, size, locale)))
    return Overview(ticks(t0, t1, tz, locale), (), (), tuple(bins), axis,
                    axis + TICK_PX + LABEL_PX + 4, events[0], events[-1], len(events))


_YEAR = attrgetter("year")


def _local_month(event: Event, tz: dt.tzinfo) -> tuple[int, int]:
    date = event.date if event.date.moment is None else event.date.local(tz)
    return date.year, date.month or 1


def _period_start(key: tuple[int, int], size: int, tz: dt.tzinfo) -> int:
    year, month = key
    if year > 9998:
        return PartialDate(9998).until(tz)
    return PartialDate(max(year, 1), month or None).earliest(tz)


def _next_period(key: tuple[int, int], size: int) -> tuple[int, int]:
    year, month = key
    if size == 0:
        return (year + month // 12, month % 12 + 1)
    return (year + size, 0)


def _bin_text(key: tuple[int, int], size: int, locale: str) -> tuple[str, str, str]:
    year, month = key
    if size == 0:
        label = format_skeleton("yMMMM", dt.date(year, month, 1), locale=locale)
        return label, f"{year:04d}-{month:02d}", f"{year:04d}-{month:02d}"
    if size == 1:
        return format_skeleton("y", dt.date(year, 1, 1), locale=locale), f"{year:04d}", \
            f"{year:04d}"
    start, end = max(year, 1), min(year + size - 1, 9998)
    return f"{start}–{end}", f"{start:04d}", f"{end:04d}"
