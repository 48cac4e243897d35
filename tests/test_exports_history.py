"""The data exports of a history: years before 1, deep time, uncertain dates, eras and lanes
in timeline.json, events.json, events.ics, the feeds and JSON-LD."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import icalendar
import pytest

from generator.build import Builder, BuildOptions
from generator.config import load_config
from generator.search import record
from generator.structured import event_data

from conftest import build_site, event_file, read_html

BASE = "https://example.org/history/"
CONFIG = f'title = "History"\nbase_url = "{BASE}"\n'


def era_file(title: str, date: str, end: str) -> str:
    return f"---\ntype: era\ntitle: {title}\ndate: {date}\nend: {end}\n---\nAn era.\n"


HISTORY = {
    "content/bc-year.md": event_file("A year BC", "-250"),
    "content/ides.md": event_file("The Ides of March", "15 March 44 BC"),
    "content/impact.md": event_file("Impact", "66 Ma", lane="Earth"),
    "content/circa.md": event_file("About then", "c. 1200", lane="Europe"),
    "content/decade.md": event_file("A decade", "1990s"),
    "content/bound.md": event_file("Some time before", "before 1500"),
    "content/ongoing.md": event_file("Still going", "2020", end="present"),
    "content/plain.md": event_file("A plain day", "1984-05-01", lane="Europe"),
    "content/timed.md": event_file("A moment", "1969-07-20T20:17Z"),
    "content/eras/first.md": era_file("First half", "600", "650"),
    "content/eras/second.md": era_file("Second half", "650", "700"),
    "content/eras/inside.md": era_file("Inside", "620", "640"),
}
SLUGS = ["impact", "bc-year", "ides", "circa", "bound", "timed", "plain", "decade", "ongoing"]


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> tuple[Path, object]:
    root = tmp_path_factory.mktemp("history")
    (root / "content" / "eras").mkdir(parents=True)
    (root / "chronoline.toml").write_text(CONFIG, encoding="utf-8")
    for name, text in HISTORY.items():
        (root / name).write_text(text, encoding="utf-8")
    report = build_site(root)
    return root / "site", report


def load(site: Path, name: str) -> dict:
    return json.loads((site / name).read_text(encoding="utf-8"))


def test_timeline_json_writes_historical_years_and_the_cosmological_scale(history):
    site, _ = history
    data = load(site, "timeline.json")
    assert data["scale"] == "cosmological"
    slides = {slide["unique_id"]: slide for slide in data["events"]}
    assert [slide["unique_id"] for slide in data["events"]] == SLUGS
    assert slides["bc-year"]["start_date"] == {"year": -250}
    assert slides["ides"]["start_date"] == {"year": -44, "month": 3, "day": 15}
    assert slides["impact"]["start_date"] == {"year": -66000000}
    assert slides["plain"]["start_date"] == {"year": 1984, "month": 5, "day": 1}


def test_timeline_json_shows_what_its_fields_cannot_say_as_display_date(history):
    site, _ = history
    slides = {slide["unique_id"]: slide for slide in load(site, "timeline.json")["events"]}
    shown = {slug: slide.get("display_date") for slug, slide in slides.items()}
    assert shown == {"impact": None, "bc-year": None, "ides": None,
                     "circa": "c. 1200", "bound": "before 1500", "timed": None,
                     "plain": None, "decade": "1990s", "ongoing": "2020 – present"}
    assert "end_date" not in slides["ongoing"]
    assert slides["decade"]["start_date"] == {"year": 1990}
    assert slides["circa"]["group"] == "Europe"
    assert "group" not in slides["decade"]


def test_timeline_json_keeps_touching_eras_and_leaves_out_an_overlapping_one(history):
    site, report = history
    eras = load(site, "timeline.json")["eras"]
    assert eras == [
        {"start_date": {"year": 600}, "end_date": {"year": 650},
         "text": {"headline": "First half", "text": "<p>An era.</p>"}},
        {"start_date": {"year": 650}, "end_date": {"year": 700},
         "text": {"headline": "Second half", "text": "<p>An era.</p>"}}]
    assert "timeline.json leaves out the era 'Inside' (content/eras/inside.md, 0620/0640): it " \
        "overlaps 'First half', and TimelineJS cannot draw eras that overlap" in report.warnings


def test_timeline_json_of_years_timelinejs_counts_has_no_scale(make_site):
    root = make_site({"content/a.md": event_file("A", "-250"),
                      "content/b.md": event_file("B", "271820 BC")})
    build_site(root)
    data = load(root / "site", "timeline.json")
    assert "scale" not in data
    assert [slide["start_date"]["year"] for slide in data["events"]] == [-271820, -250]


def test_an_era_of_one_year_ends_when_the_year_is_over_for_timelinejs(make_site):
    root = make_site({"content/a.md": event_file("A", "1990"),
                      "content/era.md": era_file("One year", "1990", "1990")})
    build_site(root)
    (era,) = load(root / "site", "timeline.json")["eras"]
    assert (era["start_date"], era["end_date"]) == ({"year": 1990}, {"year": 1991})


def test_events_ics_leaves_out_what_a_calendar_cannot_hold_and_says_how_many(history):
    site, report = history
    calendar = icalendar.Calendar.from_ical((site / "events.ics").read_bytes())
    entries = {str(e["UID"]).split("@")[0]: e for e in calendar.walk("VEVENT")}
    assert list(entries) == ["circa", "timed", "plain", "decade"]
    circa, decade = entries["circa"], entries["decade"]
    assert (str(circa["DTSTART"].dt), str(circa["DTEND"].dt)) == ("1200-01-01", "1201-01-01")
    assert str(circa["DESCRIPTION"]).startswith("c. 1200")
    assert (str(decade["DTSTART"].dt), str(decade["DTEND"].dt)) == ("1990-01-01", "2000-01-01")
    assert "events.ics leaves out 5 events a calendar cannot hold (dates before year 1 or " \
        "after 9999, open or ongoing ranges)" in report.warnings


def test_events_json_writes_edtf_precision_qualifier_and_eras(history):
    site, _ = history
    data = load(site, "events.json")
    records = {record["slug"]: record for record in data["events"]}
    got = {slug: (r["date"], r["end"], r["precision"], r["qualifier"])
           for slug, r in records.items()}
    assert got == {
        "impact": ("Y-65999999", None, "year", ""),
        "bc-year": ("-0249", None, "year", ""),
        "ides": ("-0043-03-15", None, "day", ""),
        "circa": ("1200~", None, "year", "~"),
        "bound": ("[..1500]", None, "year", ""),
        "timed": ("1969-07-20T20:17:00Z", None, "time", ""),
        "plain": ("1984-05-01", None, "day", ""),
        "decade": ("199X", None, "decade", ""),
        "ongoing": ("2020", "..", "year", ""),
    }
    assert [(e["slug"], e["date"], e["end"]) for e in data["eras"]] == [
        ("first", "0600", "0650"), ("inside", "0620", "0640"), ("second", "0650", "0700")]


def test_feeds_leave_out_the_dates_they_cannot_hold_and_stay_valid(history):
    site, _ = history
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    assert feed.bozo == 0, feed.get("bozo_exception")
    entries = {entry.id.removeprefix(BASE + "events/").strip("/"): entry
               for entry in feed.entries}
    assert set(entries) == set(SLUGS)
    assert "published" not in entries["ides"]
    assert entries["ides"].updated == "0001-01-01T00:00:00Z"
    assert entries["plain"].published == "1984-05-01T00:00:00+00:00"
    items = {item["id"]: item for item in load(site, "feed.json")["items"]}
    assert "date_published" not in items[BASE + "events/impact/"]
    assert items[BASE + "events/timed/"]["date_published"] == "1969-07-20T20:17:00+00:00"


@pytest.mark.parametrize(("slug", "keys"), [
    ("ides", {}), ("impact", {}), ("circa", {}), ("ongoing", {"startDate": "2020"}),
    ("plain", {"startDate": "1984-05-01"})])
def test_json_ld_dates_only_where_schema_org_can_hold_them(history, slug, keys):
    site, _ = history
    page = read_html(site / "events" / slug / "index.html")
    data = json.loads(page.select_one("script[type='application/ld+json']").string)
    assert {key: data[key] for key in ("startDate", "endDate") if key in data} == keys
    assert data["@type"] == "Event" and data["name"]


def test_an_era_is_a_schema_org_event_with_the_dates_it_can_hold(history):
    site, _ = history
    config = load_config(site.parent)
    _config, _sources, timeline = Builder(BuildOptions(root=site.parent, jobs=1)).read()
    first = event_data(timeline.eras[0], config)
    assert (first["@type"], first["name"], first["startDate"], first["endDate"]) == \
        ("Event", "First half", "0600", "0650")
    impact = event_data(next(e for e in timeline.events if e.slug == "impact"), config)
    assert "startDate" not in impact and impact["name"] == "Impact"


def test_search_finds_an_event_by_its_date_as_shown(history):
    site, _ = history
    config = load_config(site.parent)
    _config, _sources, timeline = Builder(BuildOptions(root=site.parent, jobs=1)).read()
    shown = {event.slug: record(event, config).meta["date"] for event in timeline.events}
    assert (shown["ides"], shown["circa"], shown["ongoing"], shown["impact"]) == \
        ("March 15, 44 BC", "c. 1200", "2020 – present", "66 million years ago")
    assert "44 BC" in record(next(e for e in timeline.events if e.slug == "ides"),
                             config).content


def test_a_calendar_holds_what_lies_in_the_years_1_to_9999_in_utc(make_site):
    # In Tokyo the first day of year 1 begins in year 0 in UTC, which no calendar holds.
    root = make_site({"content/first-day.md": event_file("First day", "0001-01-01"),
                      "content/june.md": event_file("June", "0001-06"),
                      "content/late.md": event_file("Late", "9998"),
                      "content/last.md": event_file("Last", "9999")},
                     config='title = "T"\ntimezone = "Asia/Tokyo"\n')
    report = build_site(root)
    calendar = icalendar.Calendar.from_ical((root / "site" / "events.ics").read_bytes())
    assert [str(e["UID"]).split("@")[0] for e in calendar.walk("VEVENT")] == ["june", "late"]
    assert "events.ics leaves out 2 events a calendar cannot hold (dates before year 1 or " \
        "after 9999, open or ongoing ranges)" in report.warnings
