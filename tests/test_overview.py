"""The overview's layout: ticks that suit the span, marks that never overlap, bins past
500 events, ranges as bars, and the same picture whichever way the page lists its events."""

import datetime as dt
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from generator.dateparts import days_from_civil
from generator.dates import parse_date
from generator.model import Event
from generator.overview import GAP_PX, MARGIN, MAX_ROWS, NARROW, layout

UTC = dt.UTC


def event(slug: str, date: str, end: str | None = None, tz: dt.tzinfo = UTC) -> Event:
    start = parse_date(date, tz)
    return Event(path=f"content/{slug}.md", slug=slug, title=slug.title(), date=start,
                 end=parse_date(end, tz) if end else None, summary_html="", body_html="",
                 tags=(), sources=(), start=start.earliest(tz), year=start.local(tz).year)


def labels(events, tz=UTC, locale="en"):
    overview = layout(events, tz, locale)
    assert overview is not None
    return [tick.label for tick in overview.ticks]


@pytest.mark.parametrize(("first", "last", "expected"), [
    ("2018-12-07T09:00Z", "2018-12-07T17:00Z", ["06:00", "12:00", "18:00"]),
    ("2018-12-01", "2018-12-08", ["Dec 1", "Dec 3", "Dec 5", "Dec 7"]),
    ("2018-07-19", "2018-12-18", ["Aug", "Sep", "Oct", "Nov", "Dec"]),
    ("2014-03-01", "2019-05-01", ["2015", "2016", "2017", "2018", "2019"]),
    ("1948-01-01", "2011-01-01", ["1950", "1960", "1970", "1980", "1990", "2000", "2010"]),
    ("1230", "1950", ["1300", "1400", "1500", "1600", "1700", "1800", "1900"]),
])
def test_ticks_suit_the_span(first, last, expected):
    found = labels([event("a", first), event("b", last)])
    # Hours, days, months, years, decades and centuries, each as readers of English write it.
    assert all(label in found for label in expected)
    assert len(found) <= len(expected) + 2


def test_tick_labels_are_in_the_sites_language():
    found = labels([event("a", "2018-07-19"), event("b", "2018-12-18")], locale="nl")
    assert "okt" in " ".join(found) and "Oct" not in " ".join(found)


def test_tick_labels_fit_side_by_side_on_a_phone():
    spans = [("2018-01-01", "2018-12-31"), ("1900", "2000"), ("2018-12-01", "2018-12-31")]
    for first, last in spans:
        overview = layout([event("a", first), event("b", last)], UTC, "en")
        ticks = overview.ticks
        assert len(ticks) >= 2
        for left, right in pairwise(ticks):
            room = (right.at - left.at) / 100 * NARROW
            assert room >= 7 * max(len(left.label), len(right.label))


def test_ticks_and_marks_follow_the_sites_time_zone():
    tokyo = ZoneInfo("Asia/Tokyo")
    # 23:30 UTC on 6 December is 08:30 on 7 December in Tokyo: midnight there is 15:00 UTC.
    events = [event("a", "2018-12-06T23:30Z", tz=tokyo),
              event("b", "2018-12-07T20:00+09:00", tz=tokyo)]
    assert labels(events, tokyo) == ["06:00", "12:00", "18:00", "Dec 8"]
    assert "Dec 7" in labels(events, UTC)


def test_events_on_the_same_day_stack_in_rows():
    events = [event("first", "2018-07-19")] + [event(f"day-{i}", "2018-12-07") for i in range(3)]
    overview = layout(events, UTC, "en")
    same_day = [m for m in overview.marks if m.event.slug.startswith("day-")]
    assert len(same_day) == 3
    assert len({m.at for m in same_day}) == 1  # one column...
    assert len({m.y for m in same_day}) == 3  # ...of three rows
    assert all(m.count == 1 for m in overview.marks)


def test_marks_never_overlap_at_a_phones_width():
    events = [event(f"e{i:02d}", f"2018-{1 + i % 12:02d}-{1 + i % 27:02d}") for i in range(60)]
    overview = layout(events, UTC, "en")
    places = sorted({m.at for m in overview.marks})
    apart = [(b - a) / (100 - 2 * MARGIN) * NARROW for a, b in pairwise(places)]
    assert min(apart) >= GAP_PX
    columns = {}
    for mark in overview.marks:
        columns.setdefault(mark.at, []).append(mark.y)
    assert all(len(ys) == len(set(ys)) for ys in columns.values())
    assert sum(m.count for m in overview.marks) == 60  # every event is in one mark


def test_a_pile_too_tall_to_stack_is_one_mark_with_its_count():
    events = [event("before", "2018-01-01")]
    events += [event(f"day-{i}", "2018-12-07") for i in range(MAX_ROWS + 3)]
    overview = layout(events, UTC, "en")
    pile = [m for m in overview.marks if m.count > 1]
    assert len(pile) == 1
    assert pile[0].count == MAX_ROWS + 3
    assert pile[0].event.slug == "day-0"
    assert {e.slug for e in pile[0].events} == {f"day-{i}" for i in range(MAX_ROWS + 3)}


def test_ranges_are_bars_from_start_to_end():
    events = [event("war", "1914-07-28", "1918-11-11"), event("peace", "1919-06-28"),
              event("start", "1900"), event("overlap", "1916", "1917")]
    overview = layout(events, UTC, "en")
    bars = {m.event.slug: m for m in overview.bars}
    assert set(bars) == {"war", "overlap"}
    war = bars["war"]
    peace = next(m for m in overview.marks if m.event.slug == "peace")
    assert war.width > 0 and war.at < peace.at
    assert war.at + war.width == pytest.approx(peace.at - (peace.at - war.at - war.width), abs=0.01)
    assert bars["overlap"].y != war.y  # overlapping ranges take different lanes


def test_newest_first_lists_give_the_same_axis_and_piles_link_to_the_first_listed():
    events = [event("old", "2010-01-01")] + [event(f"d{i}", f"2018-12-07T0{i}:00Z")
                                             for i in range(MAX_ROWS + 2)]
    oldest = layout(events, UTC, "en")
    newest = layout(events[::-1], UTC, "en")
    assert oldest.ticks == newest.ticks
    def shape(overview):
        return [(m.at, m.y, m.count) for m in overview.marks]

    assert shape(oldest) == shape(newest)
    assert oldest.first.slug == newest.first.slug == "old"
    pile_old = next(m for m in oldest.marks if m.count > 1)
    pile_new = next(m for m in newest.marks if m.count > 1)
    assert pile_old.event.slug == "d0"  # the first the page lists: the earliest...
    assert pile_new.event.slug == f"d{MAX_ROWS + 1}"  # ...or the latest, newest first


def test_marks_know_whether_their_event_is_on_the_page():
    events = [event("a", "2018-01-01"), event("b", "2019-01-01"), event("c", "2020-01-01")]
    overview = layout(events, UTC, "en", listed={"c"})
    assert {m.event.slug: m.on_page for m in overview.marks} == {"a": False, "b": False, "c": True}


def test_past_500_events_the_overview_counts_per_month_or_year():
    events = [event(f"e{i}", f"2018-{1 + i % 12:02d}-{1 + i % 28:02d}") for i in range(501)]
    overview = layout(events, UTC, "en")
    assert overview.marks == () and overview.bars == ()
    assert len(overview.bins) == 12
    assert sum(b.count for b in overview.bins) == 501
    march = next(b for b in overview.bins if b.label == "March 2018")
    # Its first day and the day after its last, counted from 1970, for the page's script.
    assert (march.year, march.month, march.first, march.last) == (
        2018, 3, days_from_civil(2018, 3, 1), days_from_civil(2018, 4, 1))
    assert march.count == sum(1 for i in range(501) if i % 12 == 2)
    assert max(b.height for b in overview.bins) > min(b.height for b in overview.bins) > 0


def test_bins_of_many_years_are_years_decades_or_centuries():
    years = [event(f"y{i}", str(1990 + i % 30)) for i in range(600)]
    assert {b.label for b in layout(years, UTC, "en").bins} == {str(y) for y in range(1990, 2020)}
    decades = [event(f"c{i}", str(1000 + i)) for i in range(501)]
    bins = layout(decades, UTC, "en").bins
    assert [b.label for b in bins][:2] == ["1000–1009", "1010–1019"]
    assert bins[0].year == 1000 and bins[0].month is None
    history = [event(f"h{i}", f"{100 + 4 * i:04d}") for i in range(501)]  # 2,000 years
    assert [b.label for b in layout(history, UTC, "en").bins][:2] == ["100–199", "200–299"]


def test_a_month_bin_links_to_its_month_only_when_the_year_page_has_months():
    busy = [event(f"b{i}", f"2018-{1 + i % 12:02d}-01") for i in range(495)]
    quiet = [event(f"q{i}", f"2019-0{1 + i}-01") for i in range(6)]
    bins = layout(busy + quiet, UTC, "en").bins
    assert {(b.year, b.month) for b in bins if b.year == 2018} == {(2018, m) for m in range(1, 13)}
    assert {b.month for b in bins if b.year == 2019} == {None}


def test_one_event_has_no_overview():
    assert layout([event("a", "2018-07-19")], UTC, "en") is None
    assert layout([], UTC, "en") is None
