"""The overview: a page's events laid out on one horizontal time axis, for an inline SVG.

Positions across the axis are percentages of its width, and sizes are pixels: the drawing then
fits any width while its text and marks keep the size they are read at, on a phone as on a wide
screen. Marks closer than a phone's axis can tell apart stack in rows; a pile too tall to stack
becomes one larger mark with a count; past MAX_MARKS events the axis shows a count per period.
A date known only within a span (c. 1200, the 1990s, before 1500, 2020 – present) is drawn
over that span, not as a point; eras are bands behind the marks, and lanes rows of their own.
The axis itself (scales, ticks) is generator/axis.py's.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from operator import attrgetter

from babel.dates import format_skeleton

from generator import axis
from generator.axis import MARGIN, NARROW, Tick
from generator.dateparts import PartialDate, civil_from_days, local_midnight
from generator.datetext import DateText
from generator.model import Event
from generator.pages import MAX_MARKS
from generator.timeline import BUSY_YEAR

__all__ = ["MARGIN", "NARROW", "Bin", "Mark", "Overview", "Tick", "layout"]

MAX_ROWS = 4  # a pile of more events than this is drawn as one mark with its count
BAR_LANES = 3  # ranges are packed into this many lanes above the marks
GAP_PX = 12.0  # px at NARROW: marks closer than this would touch, so they stack
# Vertical geometry, in px.
LANE_PX, BAR_PX, ROW_PX, TOP_PX, TICK_PX, LABEL_PX = 8, 5, 11, 6, 4, 16
BAND_PX, ROW_LABEL_PX = 12, 14  # an era's band; the name above a lane's row
FADE = 12.0  # percent: the length of a date known only as before or after a bound
AGE_FADE = 10 * axis.YEAR  # past the last start of a range still going on, on an axis of age
BAND_CHAR_PX = 5.5  # px: a character of an era's name, written smaller than a tick's


@dataclass(frozen=True, slots=True)
class Mark:
    """An event, or a pile of events too close to stack, on the axis."""

    event: Event  # the event it links to: of a pile, the one listed first
    at: float  # percent
    width: float  # percent; 0 for a point
    y: float  # px: a point's centre, a bar's top
    events: tuple[Event, ...]  # every event it stands for, in time order
    on_page: bool  # the event it links to is listed on the page
    # How a span is drawn: "" a range; "uncertain" somewhere in it (c. 1200, 1990s, 1984?);
    # "before" or "after" fading away from its bound; "ongoing" up to the axis' end.
    kind: str = ""

    @property
    def count(self) -> int:
        return len(self.events)


@dataclass(frozen=True, slots=True)
class Band:
    """An era, behind the marks: `at` and `width` in percent, `y` its top in px."""

    era: Event
    at: float
    width: float
    y: float
    named: bool  # its name fits inside it on a phone


@dataclass(frozen=True, slots=True)
class Row:
    """A lane's row of marks: its name ("" for events in no lane) and, in px, where its name
    is written and the line its marks stand on."""

    name: str
    label_y: float
    line: float


@dataclass(frozen=True, slots=True)
class Overview:
    """Everything an overview draws; `height` and `axis` in px."""

    ticks: tuple[Tick, ...]
    marks: tuple[Mark, ...]  # points, and piles shown with a count
    bars: tuple[Mark, ...]  # ranges, and dates known only within a span
    bins: tuple[Bin, ...]  # instead of marks, past MAX_MARKS events
    axis: float
    height: float
    first: Event  # the earliest event and the latest one
    last: Event
    count: int
    bands: tuple[Band, ...] = ()  # eras, behind the marks
    rows: tuple[Row, ...] = ()  # one per lane, when the events are in two lanes or more
    scale: str = "linear"  # or "age": logarithmic in years before `end`
    end: str = ""  # the year the axis ends in, as readers write it
    top: float = 0.0  # px: where the marks begin, below the bands


def layout(events: Sequence[Event], tz: dt.tzinfo, locale: str,
           listed: Collection[str] | None = None, eras: Sequence[Event] = (),
           lane: Callable[[Event], str] | None = None) -> Overview | None:
    """The overview of `events` in display order, oldest or newest first; `listed` names the
    slugs of those listed on the page (None: all of them); `eras` are drawn as bands and
    `lane` names each event's lane. None for fewer than two events."""
    if len(events) < 2:
        return None
    # Display order is time order, one way or the other: no need to sort ten thousand again.
    newest_first = events[0].start > events[-1].start
    chronological = list(events)[::-1] if newest_first else list(events)
    text = DateText(locale, tz)
    label = labeller(locale, text)
    if len(events) > MAX_MARKS:
        return _binned(chronological, tz, label, text)
    t0, t1 = _span(chronological, eras, tz)
    scale = axis.scale_for([event.start for event in chronological], t0, t1)
    bands, band_rows = _bands(eras, scale, t0, t1, tz)
    top = TOP_PX + (band_rows * BAND_PX + 2 if band_rows else 0)
    on_page = (lambda e: True) if listed is None else (lambda e: e.slug in listed)
    first_shown = {id(event): shown for shown, event in enumerate(events)}
    marks: list[Mark] = []
    bars: list[Mark] = []
    rows: list[Row] = []
    line = top
    groups = _lanes(chronological, lane)
    for name, members in groups:
        block = top if len(groups) == 1 else line + ROW_LABEL_PX + (4 if rows else 0)
        placed = _bars([e for e in members if spanned(e)], scale, t0, t1, tz, on_page, block)
        lanes = max((int((m.y - block) / LANE_PX) + 1 for m in placed), default=0)
        piles = _piles([e for e in members if not spanned(e)], scale)
        stacked = max((min(len(p), MAX_ROWS) if len(p) <= MAX_ROWS else 2 for p in piles),
                      default=0)
        line = block + lanes * LANE_PX + stacked * ROW_PX + (4 if stacked else 0)
        marks += _marks(piles, line, first_shown, on_page)
        bars += placed
        if len(groups) > 1:
            rows.append(Row(name, block - 3, line))
    end = text.date(PartialDate(_year_at(t1, tz)))
    return Overview(axis.ticks(scale, t0, t1, tz, label), tuple(marks), tuple(bars), (), line,
                    line + TICK_PX + LABEL_PX + 4, chronological[0], chronological[-1],
                    len(events), bands, tuple(rows), scale.kind, end, top)


def labeller(locale: str, text: DateText) -> axis.Labeller:
    """Tick labels as the site's readers write them: "06:00", "Dec 7", "Mar", "Jan 2019",
    "2019", "44 BC", "66 million years ago"."""
    def label(moment: axis.Moment) -> str:
        if moment.form == "hour":
            return format_skeleton("Hm", dt.datetime(2000, 1, 1, moment.hour, moment.minute),
                                   locale=locale)
        if moment.form in ("day", "month"):
            # Day and month names are those of any year: 2000 has a 29 February.
            skeleton = "MMMd" if moment.form == "day" else "MMM"
            return format_skeleton(skeleton, dt.date(2000, moment.month, moment.day),
                                   locale=locale)
        if moment.form == "month-year":
            if 1 <= moment.year <= 9999:
                return format_skeleton("yMMM", dt.date(moment.year, moment.month, 1),
                                       locale=locale)
            return text.date(PartialDate(moment.year, moment.month))
        return text.date(PartialDate(moment.year))
    return label


def spanned(event: Event) -> bool:
    """Whether `event` is drawn as a span: a range, or a date known only within one."""
    return event.end is not None or event.ongoing or not event.date.plain


def _span(events: list[Event], eras: Sequence[Event], tz: dt.tzinfo) -> tuple[int, int]:
    """The instants the axis runs between: every event's and era's time, a day at least, and
    room for a date known only as before or after a year to fade."""
    everything = [*events, *eras]
    t0 = min(events[0].start, min((era.start for era in eras), default=events[0].start))
    t1 = max(max(events[-1].start, _reach(events[-1], tz)),
             max((_reach(e, tz) for e in everything if e.end is not None or not e.date.plain),
                 default=t0))
    if t1 - t0 < axis.DAY:  # a day at least, centred on what there is
        pad = axis.DAY - (t1 - t0)
        t0, t1 = t0 - pad // 2, t1 + pad - pad // 2
    fade = max((t1 - t0) // 10, axis.YEAR)
    if any(e.date.bound == "before" for e in events):
        t0 = min(t0, min(e.start for e in events if e.date.bound == "before") - fade)
    # Open to the right: after a year, or still going on, up to a little past the last start.
    # On a logarithmic axis of age a tenth of the span would reach millions of years into the
    # future and crowd the events at the axis' end; there ten years take a tenth of the width.
    if any(e.date.bound == "after" or e.ongoing for e in events):
        if isinstance(axis.scale_for([e.start for e in events], t0, t1), axis.AgeScale):
            fade = AGE_FADE
        t1 = max(t1, max(e.start for e in events if e.date.bound == "after" or e.ongoing) + fade)
    return t0, t1


def _reach(event: Event, tz: dt.tzinfo) -> int:
    """When `event` is over: its end, or, for a date known within a span, the span's end."""
    if event.end is not None:
        return event.end.until(tz)
    return event.start if event.date.plain or event.date.bound else event.date.until(tz)


def _extent(event: Event, scale: axis.Scale, t0: int, t1: int, tz: dt.tzinfo,
            ) -> tuple[float, float, str]:
    """Where the span of `event` starts and how wide it is, in percent, and how it is drawn."""
    date = event.date
    start, end = event.start, _reach(event, tz)
    kind = "uncertain" if date.qualifier or date.years > 1 or (
        event.end is not None and event.end.qualifier) else ""
    if date.bound == "before":  # no earliest time: a fade of its own length up to the bound
        last = scale.at(end)
        return max(last - FADE, MARGIN), min(FADE, last - MARGIN) or 1.0, "before"
    if date.bound == "after":
        first = scale.at(start)
        return first, min(FADE, 100 - MARGIN - first) or 1.0, "after"
    if event.ongoing:
        end, kind = t1, "ongoing"
    at = scale.at(start)
    return at, max(scale.at(end) - at, 1.0), kind


def _bars(spans: list[Event], scale: axis.Scale, t0: int, t1: int, tz: dt.tzinfo, on_page,
          top: float) -> list[Mark]:
    """Spans as bars, each in the first of BAR_LANES lanes free where it starts (the lane
    that frees first when none is), the lanes from `top` down."""
    extents = [_extent(event, scale, t0, t1, tz) for event in spans]
    # The order of places: "before 1500" starts at the axis' start, not at 1500.
    order = sorted(range(len(spans)), key=lambda i: extents[i][0])
    lanes, _count = axis.pack([extents[i][:2] for i in order], BAR_LANES)
    bars: list[Mark] = [None] * len(spans)  # type: ignore[list-item]
    for i, lane in zip(order, lanes, strict=True):
        at, width, kind = extents[i]
        bars[i] = Mark(spans[i], at, width, top + lane * LANE_PX, (spans[i],),
                       on_page(spans[i]), kind)
    return bars


def _piles(points: list[Event], scale: axis.Scale) -> list[list[tuple[float, Event]]]:
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


def _marks(piles: list[list[tuple[float, Event]]], line: float,
           first_shown: dict[int, int], on_page) -> list[Mark]:
    marks = []
    for pile in piles:
        at = pile[0][0]
        events = tuple(event for _at, event in pile)
        if len(pile) <= MAX_ROWS:
            for row, event in enumerate(events):
                y = line - 4 - ROW_PX / 2 - row * ROW_PX
                marks.append(Mark(event, at, 0.0, y, (event,), on_page(event)))
        else:
            # A reader following the link reads on through the pile in the page's order.
            lead = min(events, key=lambda e: first_shown[id(e)])
            marks.append(Mark(lead, at, 0.0, line - 4 - ROW_PX, events, on_page(lead)))
    return marks


def _bands(eras: Sequence[Event], scale: axis.Scale, t0: int, t1: int, tz: dt.tzinfo,
           ) -> tuple[tuple[Band, ...], int]:
    """The eras as bands, overlapping ones in rows of their own; and how many rows."""
    extents = [_extent(era, scale, t0, t1, tz)[:2] for era in eras]
    rows, count = axis.pack(extents)
    return tuple(Band(era, at, width, TOP_PX + row * BAND_PX,
                      width / 100 * NARROW >= len(era.title) * BAND_CHAR_PX + 6)
                 for era, (at, width), row in zip(eras, extents, rows, strict=True)), count


def _lanes(events: list[Event], lane: Callable[[Event], str] | None,
           ) -> list[tuple[str, list[Event]]]:
    """The events by lane, named lanes in alphabetical order and those in none last; one
    group of them all unless they are in two lanes or more."""
    if lane is None:
        return [("", events)]
    groups: dict[str, list[Event]] = {}
    for event in events:
        groups.setdefault(lane(event), []).append(event)
    if len(groups) < 2:
        return [("", events)]
    return sorted(groups.items(), key=lambda item: (item[0] == "", item[0].casefold()))


def _year_at(instant: int, tz: dt.tzinfo) -> int:
    return civil_from_days(axis.to_wall(instant, tz) // axis.DAY)[0]


def day_number(event: Event, tz: dt.tzinfo) -> int:
    """The day `event` begins on in the site's time zone, in days since 1970-01-01 there: what
    the page gives the overview's script to find the bin of an event in view."""
    return axis.to_wall(event.start, tz) // axis.DAY


@dataclass(frozen=True, slots=True)
class Bin:
    """How many events fall in one period: a month, a year, a decade... a billion years, or a
    power of ten of years before the end."""

    at: float
    width: float
    y: float  # px: the top of its bar
    height: float  # px
    count: int
    year: int  # the year it links to
    month: int | None  # the month heading it links to on that year's page, if the page has one
    label: str  # the period, as readers write it
    first: int  # its first day and the day after its last, in days since 1970-01-01 in the
    last: int  # site's zone, for the script to find the events listed in it (`data-at`)


def _binned(events: list[Event], tz: dt.tzinfo, label: axis.Labeller, text: DateText,
            ) -> Overview:
    """A count per period, in the finest of months, years, decades... billions of years that
    gives at most MAX_BINS periods; by powers of ten of age on a logarithmic axis."""
    # Each event's own year is counted at C speed (ten thousand in a millisecond) and looked
    # at again only year by year.
    per_year = Counter(map(_YEAR, events))
    first, last = min(per_year), max(per_year)
    months = Counter(_local_month(event, tz) for event in events) \
        if (last - first) * 12 < axis.MAX_BINS else Counter()
    starts = [event.start for event in events]
    deep = isinstance(axis.scale_for(starts, local_midnight(first, 1, 1, tz),
                                     local_midnight(last + 1, 1, 1, tz)), axis.AgeScale)
    periods: list[axis.Period]
    if months and _month_span(months) < axis.MAX_BINS:
        periods = [(y, y, m, count, y) for (y, m), count in sorted(months.items())]
    else:
        periods = (axis.age_periods if deep else axis.year_periods)(per_year)
    t0 = local_midnight(periods[0][0], periods[0][2] or 1, 1, tz)
    t1 = _period_end(periods[-1], tz)
    scale = axis.AgeScale(t0, t1) if deep else axis.LinearScale(t0, t1)
    most = max(period[3] for period in periods)
    line = TOP_PX + BIN_PX
    bins = []
    for period in periods:
        start, end = local_midnight(period[0], period[2] or 1, 1, tz), _period_end(period, tz)
        at = scale.at(start)
        height = max(BIN_PX * period[3] / most, 2.0)
        link = period[4]
        month = period[2] if period[2] and per_year[link] > BUSY_YEAR else None
        bins.append(Bin(at, round(scale.at(end) - at, 2), line - height, round(height, 1),
                        period[3], link, month, _period_text(period, text),
                        axis.to_wall(start, tz) // axis.DAY, axis.to_wall(end, tz) // axis.DAY))
    return Overview(axis.ticks(scale, t0, t1, tz, label), (), (), tuple(bins), line,
                    line + TICK_PX + LABEL_PX + 4, events[0], events[-1], len(events),
                    scale=scale.kind, end=text.date(PartialDate(last)))


BIN_PX = 44
_YEAR = attrgetter("year")


def _local_month(event: Event, tz: dt.tzinfo) -> tuple[int, int]:
    date = event.date if event.date.moment is None else event.date.local(tz)
    return date.year, date.month or 1


def _month_span(months: Counter) -> int:
    (y0, m0), (y1, m1) = min(months), max(months)
    return (y1 - y0) * 12 + m1 - m0


def _period_end(period: axis.Period, tz: dt.tzinfo) -> int:
    year, month = period[1], period[2]
    if month is None:
        return local_midnight(year + 1, 1, 1, tz)
    return local_midnight(year + month // 12, month % 12 + 1, 1, tz)


def _period_text(period: axis.Period, text: DateText) -> str:
    first, last, month = period[0], period[1], period[2]
    if month is not None:
        return text.date(PartialDate(first, month))
    if first == last:
        return text.date(PartialDate(first))
    if first >= 1 and last <= 9999:
        return f"{first}–{last}"
    return f"{text.date(PartialDate(first))} – {text.date(PartialDate(last))}"
