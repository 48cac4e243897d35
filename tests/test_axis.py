"""The overview's axis on integer instants: scales from an afternoon to the age of the universe,
and ticks at every magnitude, in any era, on the calendar readers count by."""

import datetime as dt
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from generator.axis import (
    DAY,
    MARGIN,
    YEAR,
    AgeScale,
    LinearScale,
    Moment,
    age_moments,
    astronomical,
    fits,
    historical,
    moments,
    scale_for,
    ticks,
    to_instant,
    to_wall,
)
from generator.dateparts import days_from_civil

UTC = dt.UTC


def day(year: int, month: int = 1, date: int = 1) -> int:
    return days_from_civil(year, month, date) * DAY


def text(moment: Moment) -> str:
    """Labels as a reader would write them, short enough to test the fitting with."""
    number = historical(moment.year)
    year = f"{-number} BC" if number < 0 else str(number)
    if moment.form == "hour":
        return f"{moment.hour:02d}:{moment.minute:02d}"
    if moment.form == "day":
        return f"{moment.month}/{moment.day}"
    if moment.form == "month":
        return f"m{moment.month}"
    if moment.form == "month-year":
        return f"m{moment.month} {year}"
    return year


def labels(t0: int, t1: int, tz: dt.tzinfo = UTC) -> list[str]:
    scale = scale_for([t0, t1], t0, t1)
    return [tick.label for tick in ticks(scale, t0, t1, tz, text)]


def test_historical_years_have_no_year_zero():
    assert [historical(y) for y in (1, 0, -1, -43)] == [1, -1, -2, -44]
    assert [astronomical(n) for n in (1, -1, -2, -44)] == [1, 0, -1, -43]


def test_a_linear_scale_keeps_its_margins_and_order():
    scale = LinearScale(day(-43, 3, 15), day(79, 8, 24))
    assert scale.at(day(-43, 3, 15)) == MARGIN
    assert scale.at(day(79, 8, 24)) == 100 - MARGIN
    assert scale.at(day(-100)) == MARGIN and scale.at(day(2000)) == 100 - MARGIN  # clamped
    places = [scale.at(day(year)) for year in range(-40, 80, 7)]
    assert places == sorted(places) and len(set(places)) == len(places)


def test_an_age_scale_gives_each_power_of_ten_of_age_the_same_room():
    t0, t1 = day(-13_800_000_000), day(2020)
    scale = AgeScale(t0, t1)
    assert scale.at(t1) == 100 - MARGIN and scale.at(t0) == MARGIN
    # 1,000, 1 million and 1 billion years before the end lie three decades apart each.
    places = [scale.at(t1 - 10 ** power * YEAR) for power in (3, 6, 9)]
    assert places[1] - places[0] == pytest.approx(places[2] - places[1], abs=0.05)
    assert places == sorted(places, reverse=True)


def test_deep_time_with_recent_events_crowded_at_the_end_gets_the_age_scale():
    # cosmo-mixed: the Big Bang, the Earth, the dinosaurs' end, then history and today.
    instants = [day(-13_800_000_000), day(-4_540_000_000), day(-66_000_000), day(-43),
                day(79), day(1215), day(1969, 7, 20), day(2020)]
    assert isinstance(scale_for(instants, instants[0], instants[-1]), AgeScale)


def test_deep_time_spread_evenly_keeps_a_linear_scale():
    instants = [day(-4_540_000_000), day(-3_000_000_000), day(-2_000_000_000),
                day(-538_800_000), day(-66_000_000), day(2020)]
    assert isinstance(scale_for(instants, instants[0], instants[-1]), LinearScale)


def test_a_crowded_end_within_a_hundred_thousand_years_keeps_a_linear_scale():
    instants = [day(-90_000)] + [day(2000 + i) for i in range(10)]
    assert isinstance(scale_for(instants, instants[0], instants[-1]), LinearScale)


@pytest.mark.parametrize(("first", "last", "expected"), [
    # Hours on the Ides of March, 44 BC: time of day needs no Python datetime.
    (day(-43, 3, 15) + 9 * 3600, day(-43, 3, 15) + 17 * 3600, ["09:00", "12:00", "15:00"]),
    (day(-43, 3, 1), day(-43, 3, 8), [f"3/{n}" for n in range(1, 9)]),
    (day(-43, 1, 1), day(-43, 12, 1), ["m1 44 BC", "m4", "m7", "m10"]),
    (day(-350), day(150), ["300 BC", "200 BC", "100 BC", "100"]),
    (day(-1_000_000), day(-100_000), ["1000000 BC", "500000 BC"]),
    (day(-13_800_000_000), day(2020), ["10000000000 BC", "5000000000 BC"]),
    (day(12_000), day(15_000), ["12000", "12500", "13000", "13500", "14000", "14500", "15000"]),
])
def test_ticks_suit_any_span_in_any_era(first, last, expected):
    assert labels(first, last) == expected


def test_year_ticks_reach_steps_of_billions_of_years():
    t0, t1 = day(-13_800_000_000), day(-1_000_000_000)
    found = moments("year", 5_000_000_000, t0, t1, UTC)
    assert [historical(m.year) for m in found] == [-10_000_000_000, -5_000_000_000]


def test_year_ticks_across_the_start_of_the_era_skip_the_year_that_is_not():
    found = moments("year", 1, day(-2), day(3), UTC)
    assert [historical(m.year) for m in found] == [-3, -2, -1, 1, 2, 3]


def test_age_ticks_sit_at_rounded_powers_of_ten_of_years_before_the_end():
    found = age_moments(day(-13_800_000_000), day(2020, 6, 1), UTC)
    numbers = [historical(moment.year) for moment in found]
    assert numbers == [-10_000_000_000, -1_000_000_000, -100_000_000, -10_000_000, -1_000_000,
                       -100_000, -10_000, 1000, 1900, 2010, 2019]


def test_age_ticks_are_thinned_until_their_labels_fit_and_keep_the_deepest():
    t0, t1 = day(-13_800_000_000), day(2020)
    found = ticks(AgeScale(t0, t1), t0, t1, UTC, text)
    assert fits(found) and len(found) >= 3
    assert found[0].label == "10000000000 BC"
    assert [t.at for t in found] == sorted(t.at for t in found)


def test_every_tick_label_fits_beside_the_next_on_a_phone():
    spans = [(day(-43, 3, 15), day(-43, 3, 16)), (day(-5000), day(2000)),
             (day(-66_000_000), day(2000)), (day(2018), day(2019))]
    for t0, t1 in spans:
        found = ticks(scale_for([t0, t1], t0, t1), t0, t1, UTC, text)
        assert len(found) >= 2 and fits(found)
        assert all(a.at < b.at for a, b in pairwise(found))


def test_ticks_fall_at_midnight_in_the_sites_zone_within_years_1_to_9999():
    tokyo = ZoneInfo("Asia/Tokyo")
    t0, t1 = day(2018, 12, 1), day(2018, 12, 8)
    found = moments("day", 1, t0, t1, tokyo)
    assert found[0].instant == day(2018, 12, 1) + DAY - 9 * 3600  # 1 Dec 09:00 is 2 Dec there
    assert (found[0].month, found[0].day) == (12, 2)
    # Before year 1 no zone holds: midnight is UTC's.
    assert moments("day", 1, day(-43, 3, 15), day(-43, 3, 16), tokyo)[0].instant == \
        day(-43, 3, 15)


def test_wall_clock_and_instant_convert_both_ways():
    amsterdam = ZoneInfo("Europe/Amsterdam")
    for instant in (day(2018, 7, 19) + 12 * 3600, day(1, 1, 2), day(-43, 3, 15) + 3600):
        assert to_instant(to_wall(instant, amsterdam), amsterdam) == instant
    assert to_wall(day(2018, 7, 19), amsterdam) == day(2018, 7, 19) + 2 * 3600
