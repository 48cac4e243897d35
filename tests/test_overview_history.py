"""The overview at every scale: deep time on a logarithmic axis, years before the era, dates
known only within a span drawn over it, eras as bands in rows, and lanes as rows."""

import datetime as dt
from dataclasses import replace
from itertools import pairwise
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from test_html_valid import check_html, describe

from generator.config import load_config
from generator.dateparts import PartialDate, days_from_civil
from generator.layouts import make_environment
from generator.model import Background, Event, YearGroup
from generator.overview import FADE, MARGIN, layout
from generator.pages import INDEX, Page, event_path

from conftest import build_site, event_file, read_html

UTC = dt.UTC


def event(slug: str, date: PartialDate, end: PartialDate | None = None, lane: str = "",
          kind: str = "event", color: str = "") -> Event:
    return Event(path=f"content/{slug}.md", slug=slug, title=slug.replace("-", " ").title(),
                 date=date, end=end, summary_html="", body_html="", tags=(), sources=(),
                 start=date.earliest(UTC), year=date.year, kind=kind, lane=lane,
                 background=Background(color=color) if color else None)


def bc(number: int, *parts: int, **fields) -> PartialDate:
    """The date of historical year `number` BC (a year, or with month and day)."""
    return PartialDate(1 - number, *parts, **fields)


# The events of TimelineJS's cosmo-mixed.json, from the Big Bang to the Hubble telescope.
COSMO_MIXED = [
    event("big-bang", bc(13_800_000_000)), event("sun", bc(4_600_000_000)),
    event("cambrian", bc(540_000_000)), event("homo-sapiens", bc(300_000)),
    event("glass", bc(3500)), event("optica", bc(300)), event("book-of-optics", PartialDate(1021)),
    event("galileo", PartialDate(1609, 11)), event("photograph", PartialDate(1826)),
    event("apollo", PartialDate(1969, 7, 20)), event("hubble", PartialDate(1990, 4, 25)),
]


def test_deep_time_takes_a_logarithmic_axis_that_spreads_the_events():
    overview = layout(COSMO_MIXED, UTC, "en")
    assert overview.scale == "age"
    places = {mark.event.slug: mark.at for mark in overview.marks}
    ordered = [places[e.slug] for e in COSMO_MIXED]
    assert ordered == sorted(ordered)  # in time order, left to right
    # Not piled at one end, as a linear axis would pile eight of the eleven in its last 2 %.
    assert len({mark.at for mark in overview.marks}) >= 8
    assert sum(1 for at in ordered if at > 90) <= 3
    assert ordered[0] < 10 and 40 < places["glass"] < 75


def test_the_deep_time_axis_reads_in_years_ago_and_says_its_scale(tmp_path):
    overview = layout(COSMO_MIXED, UTC, "en")
    labels = [tick.label for tick in overview.ticks]
    assert any(label.endswith("billion years ago") for label in labels), labels
    assert overview.end == "1990"


def test_years_before_the_era_are_labelled_bc():
    events = [event("rome", bc(753)), event("carthage", bc(146)), event("caesar", bc(44, 3, 15))]
    overview = layout(events, UTC, "en")
    assert overview.scale == "linear"
    labels = [tick.label for tick in overview.ticks]
    assert labels == ["600 BC", "400 BC", "200 BC"]
    places = [m.at for m in sorted(overview.marks, key=lambda m: m.event.start)]
    assert places == sorted(places) and places[0] < places[1] < places[2]


def test_a_span_of_ten_thousand_years_ago_counts_in_years_and_reads_bc():
    events = [event("gobekli-tepe", bc(9500, qualifier="~")), event("caesar", bc(44, 3, 15)),
              event("moon", PartialDate(1969, 7, 20))]
    labels = [tick.label for tick in layout(events, UTC, "en").ticks]
    assert any(label.endswith("BC") for label in labels), labels


def test_dates_known_within_a_span_are_drawn_over_it():
    events = [event("magna-carta", PartialDate(1215)),
              event("cathedral", PartialDate(1200, qualifier="~")),
              event("grunge", PartialDate(1990, years=10)),
              event("printing", PartialDate(1500, bound="before")),
              event("moon", PartialDate(1969, 7, 20)),
              event("war", PartialDate(1337), PartialDate(1453))]
    overview = layout(events, UTC, "en")
    bars = {bar.event.slug: bar for bar in overview.bars}
    assert set(bars) == {"cathedral", "grunge", "printing", "war"}
    assert {slug: bar.kind for slug, bar in bars.items()} == {
        "cathedral": "uncertain", "grunge": "uncertain", "printing": "before", "war": ""}
    assert {mark.event.slug for mark in overview.marks} == {"magna-carta", "moon"}
    moon = next(mark for mark in overview.marks if mark.event.slug == "moon")
    grunge = bars["grunge"]
    # The 1990s run from 1990 to 2000: after the moon landing, ten years wide.
    assert grunge.at > moon.at and grunge.width > 0
    war = bars["war"]
    assert grunge.width < war.width  # ten years against 116
    # "before 1500" fades in over a length of its own, up to 1500.
    printing = bars["printing"]
    assert printing.width == FADE
    assert war.at < printing.at + printing.width < moon.at


def test_a_range_still_going_on_runs_to_the_axis_end():
    pandemic = replace(event("pandemic", PartialDate(2020)), ongoing=True)
    events = [event("moon", PartialDate(1969, 7, 20)), pandemic]
    overview = layout(events, UTC, "en")
    (bar,) = overview.bars
    assert bar.kind == "ongoing"
    assert bar.at + bar.width == 100 - MARGIN and bar.width > 5


def test_a_range_still_going_on_keeps_deep_time_on_its_logarithmic_axis():
    # A tenth of thirteen billion years past the last start would leave every recent event in
    # the last 2 % of the axis, and the axis linear.
    pandemic = replace(event("pandemic", PartialDate(2020)), ongoing=True)
    overview = layout([*COSMO_MIXED, pandemic], UTC, "en")
    assert overview.scale == "age"
    (bar,) = [bar for bar in overview.bars if bar.kind == "ongoing"]
    assert bar.at + bar.width == 100 - MARGIN and 1 < bar.width < 20


def test_overlapping_eras_are_bands_in_rows_of_their_own():
    eras = [event("roman-republic", bc(509), bc(27), kind="era", color="#8b2500"),
            event("middle-ages", PartialDate(476), PartialDate(1500), kind="era"),
            event("hundred-years-war", PartialDate(1337), PartialDate(1453), kind="era")]
    events = [event("caesar", bc(44, 3, 15)), event("charlemagne", PartialDate(800, 12, 25)),
              event("agincourt", PartialDate(1415, 10, 25))]
    overview = layout(events, UTC, "en", eras=eras)
    bands = {band.era.slug: band for band in overview.bands}
    assert set(bands) == set(e.slug for e in eras)
    assert bands["roman-republic"].y == bands["middle-ages"].y  # one after the other
    assert bands["hundred-years-war"].y > bands["middle-ages"].y  # inside it: a row below
    assert bands["roman-republic"].at < bands["middle-ages"].at
    # The bands sit above the marks, which begin below them.
    assert all(mark.y > overview.top for mark in overview.marks)
    assert overview.top > bands["hundred-years-war"].y


def test_the_axis_reaches_the_eras_beyond_the_events():
    era = event("mesozoic", bc(251_902_000), bc(66_000_000), kind="era")
    events = [event("k-pg", bc(66_000_000)), event("moon", PartialDate(1969, 7, 20))]
    overview = layout(events, UTC, "en", eras=[era])
    assert overview.bands[0].at < min(mark.at for mark in overview.marks)


def test_lanes_give_one_labelled_row_each():
    events = [event("a", PartialDate(1914), lane="France"), event("b", PartialDate(1915)),
              event("c", PartialDate(1916), lane="England"),
              event("d", PartialDate(1917), lane="France"),
              event("e", PartialDate(1916), PartialDate(1918), lane="England")]
    overview = layout(events, UTC, "en", lane=lambda e: e.lane)
    assert [row.name for row in overview.rows] == ["England", "France", ""]
    lines = {row.name: (row.label_y, row.line) for row in overview.rows}
    for mark in (*overview.marks, *overview.bars):
        label_y, line = lines[mark.event.lane]
        assert label_y < mark.y < line
    assert all(a.line < b.label_y for a, b in pairwise(overview.rows))
    assert overview.axis == overview.rows[-1].line


def test_events_in_one_lane_have_no_rows():
    events = [event("a", PartialDate(1914), lane="France"),
              event("b", PartialDate(1915), lane="France")]
    assert layout(events, UTC, "en", lane=lambda e: e.lane).rows == ()


# Built, served and read as a reader would ---------------------------------------------------

HISTORY = {
    "content/k-pg.md": event_file("The dinosaurs die out", "66 Ma"),
    "content/rome.md": event_file("Rome is founded", "753 BC", lane="Rome"),
    "content/caesar.md": event_file("Caesar is killed", "15 March 44 BC", lane="Rome"),
    "content/vesuvius.md": event_file("Vesuvius erupts", "79", lane="Rome"),
    "content/cathedral.md": event_file("A cathedral is begun", "c. 1200", lane="France"),
    "content/printing.md": event_file("Printing reaches the city", "before 1500"),
    "content/agincourt.md": event_file("Agincourt", "1415-10-25", lane="France"),
    "content/grunge.md": event_file("Grunge", "1990s"),
    "content/moon.md": event_file("Apollo 11 lands on the Moon", "1969-07-20"),
    "content/mesozoic.md": event_file("Mesozoic", "251.902 Ma", type="era", end="66 Ma",
                                      color='"#2e7d32"'),
    "content/republic.md": event_file("Roman Republic", "509 BC", type="era", end="27 BC",
                                      color='"#8b2500"'),
    "content/middle-ages.md": event_file("Middle Ages", "476", type="era", end="1500"),
    "content/hundred-years-war.md": event_file("Hundred Years' War", "1337", type="era",
                                               end="1453"),
}


@pytest.fixture(scope="module")
def history_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("history")
    for name, text in HISTORY.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    (root / "chronoline.toml").write_text('title = "History"\n', encoding="utf-8")
    build_site(root)
    return root / "site"


def test_the_built_overview_draws_deep_time_eras_spans_and_lanes(history_site):
    html = read_html(history_site / "index.html")
    figure = html.select_one("figure.overview")
    assert "a logarithmic scale of years before" in figure.figcaption.text
    labels = [text.text for text in figure.select("svg > text")]
    assert any(label.endswith("years ago") for label in labels), labels
    # Spans, not points, for dates known only within one.
    bar = {a["data-slug"]: a.rect["class"] for a in figure.select("a[data-slug]:has(rect)")}
    assert "overview-uncertain" in bar["cathedral"] and "overview-uncertain" in bar["grunge"]
    assert "overview-before" in bar["printing"]
    assert figure.select_one("defs linearGradient#overview-fade-before")
    # Lanes: one labelled row each, and one for the events in none.
    assert [t.text for t in figure.select("text.overview-lane-name")] == ["France", "Rome",
                                                                         "Other"]
    # Every event says the day it begins on, for the overview's script.
    caesar = html.select_one("#event-caesar")
    assert int(caesar["data-at"]) == days_from_civil(-43, 3, 15)


ERAS = [event("mesozoic", bc(251_902_000), bc(66_000_000), kind="era", color="#2e7d32"),
        event("republic", bc(509), bc(27), kind="era", color="#8b2500"),
        event("middle-ages", PartialDate(476), PartialDate(1500), kind="era"),
        event("hundred-years-war", PartialDate(1337), PartialDate(1453), kind="era")]


def drawn_with_eras(tmp_path: Path) -> str:
    """The theme's overview of cosmo-mixed's events with four eras, as a page gives it."""
    (tmp_path / "chronoline.toml").write_text('title = "History"\n', encoding="utf-8")
    env = make_environment(tmp_path / "layouts", load_config(tmp_path))
    group = YearGroup(1, tuple(COSMO_MIXED), ())
    return env.get_template("overview.html").render(
        page=Page(INDEX, "index.html", "History"), years=(group,), eras=tuple(ERAS))


def test_eras_are_drawn_as_bands_that_link_to_their_pages(tmp_path):
    figure = BeautifulSoup(drawn_with_eras(tmp_path), "html.parser").figure
    bands = {a["href"]: a for a in figure.select("a.overview-era")}
    assert set(bands) == {event_path(era) for era in ERAS}
    republic = bands[event_path(ERAS[1])]
    assert republic.title.text == "Republic, 509 BC – 27 BC"
    assert republic.rect["style"] == "--era-color: #8b2500"
    assert "style" not in bands[event_path(ERAS[2])].rect.attrs  # no colour: the theme's
    rows = {href: float(a.rect["y"]) for href, a in bands.items()}
    assert rows[event_path(ERAS[3])] > rows[event_path(ERAS[2])] == rows[event_path(ERAS[1])]
    # Behind the marks: drawn before them.
    svg = str(figure.svg)
    assert svg.index("overview-era-shade") < svg.index("overview-band") < svg.index("data-slug")


def test_the_history_overview_is_valid_html(history_site, tmp_path):
    page = tmp_path / "eras.html"
    page.write_text("<!DOCTYPE html><html lang=en><title>Eras</title><main>"
                    f"{drawn_with_eras(tmp_path)}</main></html>", encoding="utf-8")
    messages = check_html([history_site / "index.html", page])
    assert [describe(m, history_site) for m in messages] == []


def test_bins_follow_the_list_for_years_before_the_era(browser, make_site):
    # 501 events, two a year from 300 BC on: the overview counts them per decade.
    files = {f"content/e{n:03d}.md": event_file(f"Event {n}", f"{300 - n // 2} BC")
             for n in range(501)}
    root = make_site(files, config='title = "Antiquity"\nindex_limit = 1000\n')
    build_site(root)
    site = root / "site"
    bins = read_html(site / "index.html").select("svg a[data-from]")
    assert len(bins) > 10
    # The first bin is the decade of 309 BC to 300 BC; its days count back from 1970.
    first = bins[0]
    assert int(first["data-from"]) == days_from_civil(-308, 1, 1)
    assert int(first["data-to"]) == days_from_civil(-298, 1, 1)
    assert first.title.text == "2 events in 309 BC – 300 BC"
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.route("**/*", lambda route: route.continue_()
               if route.request.url.startswith("file:") else route.abort())
    page.goto((site / "index.html").as_uri())
    current = ("[...document.querySelectorAll('.overview a.is-current')]"
               ".map(a => a.dataset.from)")
    page.evaluate("document.getElementById('event-e000').scrollIntoView()")
    page.wait_for_function(f"{current}.includes('{first['data-from']}')")
    page.evaluate("document.getElementById('event-e500').scrollIntoView()")
    last = bins[-1]["data-from"]
    page.wait_for_function(f"{current}.includes('{last}') && "
                           f"!{current}.includes('{first['data-from']}')")
    assert errors == []
    page.close()
