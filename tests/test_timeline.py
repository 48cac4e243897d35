"""Ordering and grouping: by start instant, coarser first, then slug."""

import datetime as dt
from dataclasses import replace
from zoneinfo import ZoneInfo

from generator.dates import parse_date
from generator.model import Event, Tag
from generator.slugs import slugify
from generator.timeline import assemble

BRUSSELS = ZoneInfo("Europe/Brussels")


def event(slug: str, date: str, draft: bool = False, tags: tuple[str, ...] = ()) -> Event:
    when = parse_date(date, BRUSSELS)
    return Event(path=f"content/{slug}.md", slug=slug, title=slug.title(), date=when, end=None,
                 summary_html="", body_html="", tags=tuple(Tag(t, slugify(t)) for t in tags),
                 sources=(), start=when.earliest(BRUSSELS), year=when.local(BRUSSELS).year,
                 draft=draft)


def order(*events: Event, **options) -> list[str]:
    timeline, errors = assemble(events, BRUSSELS, **options)
    assert errors == []
    return [e.slug for e in timeline.events]


def test_ten_in_tokyo_comes_before_nine_in_brussels():
    assert order(event("brussels", "2018-12-07T09:00"),
                 event("tokyo", "2018-12-07T10:00+09:00")) == ["tokyo", "brussels"]


def test_year_only_sorts_before_its_months_and_a_month_before_its_days():
    assert order(event("day", "2018-07-01"), event("month", "2018-07"),
                 event("year", "2018"), event("jan", "2018-01")) == ["year", "jan", "month", "day"]


def test_equal_dates_are_ordered_by_slug():
    assert order(event("b", "2018-07-19"), event("a", "19 July 2018")) == ["a", "b"]


def test_newest_first_reverses_the_order():
    assert order(event("a", "2017"), event("b", "2018"), newest_first=True) == ["b", "a"]


def test_drafts_are_left_out_unless_asked_for():
    events = (event("a", "2017"), event("b", "2018", draft=True))
    assert order(*events) == ["a"]
    assert order(*events, drafts=True) == ["a", "b"]


def test_a_timed_event_is_listed_under_its_year_in_the_site_zone():
    timeline, _ = assemble([event("new-year", "2018-12-31T23:30-05:00")], BRUSSELS)
    assert [g.year for g in timeline.years] == [2019]


def test_tags_group_events_and_keep_the_first_spelling():
    timeline, _ = assemble([event("a", "2017", tags=("UK",)), event("b", "2018", tags=("uk",))],
                           BRUSSELS)
    ((tag, members),) = timeline.tags
    assert tag.name == "UK" and [e.slug for e in members] == ["a", "b"]


def test_neighbours():
    timeline, _ = assemble([event("a", "2017"), event("b", "2018")], BRUSSELS)
    assert timeline.neighbours(0) == (None, timeline.events[1])
    assert timeline.neighbours(1) == (timeline.events[0], None)


def test_duplicate_slugs_are_errors():
    first, second = event("x", "2017"), event("x", "2018")
    second = replace(second, path="content/z/x.md")
    _, errors = assemble([second, first], dt.UTC)
    assert [str(e) for e in errors] == [
        "content/z/x.md: slug: 'x' is also the slug of content/x.md; rename one file or give it "
        "another 'slug:'"]


def test_tags_that_only_look_alike_in_a_url_are_an_error():
    _, errors = assemble([event("a", "2017", tags=("C++",)), event("b", "2018", tags=("C",))],
                         BRUSSELS)
    assert [str(e) for e in errors] == [
        "content/b.md: tags: 'C' and a different tag in content/a.md would share the page "
        "tags/c/; rename one of them"]


def test_tags_that_differ_in_case_accents_or_spacing_are_one_tag():
    events = [event("a", "2017", tags=("Zürich",)), event("b", "2018", tags=("zurich",)),
              event("c", "2019", tags=("New York",)), event("d", "2019", tags=("new-york",))]
    timeline, errors = assemble(events, BRUSSELS)
    assert errors == []
    assert [(t.name, len(members)) for t, members in timeline.tags] == [("New York", 2),
                                                                       ("Zürich", 2)]
