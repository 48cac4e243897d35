"""Eras and lanes in the timeline: which events an era holds, and which lane an event is in."""

import datetime as dt

from generator.content import parse_event
from generator.markup import make_markdown
from generator.timeline import MAX_LANES, assemble, era_events, lane_of

MD = make_markdown(False)


def event(slug: str, date: str, end: str = "", **front: str):
    lines = [f"title: {slug}", f"date: '{date}'"] + ([f"end: '{end}'"] if end else [])
    lines += [f"{key}: {value}" for key, value in front.items()]
    text = "---\n" + "\n".join(lines) + "\n---\n"
    return parse_event(text.encode(), f"content/{slug}.md", MD, dt.UTC)


def era(slug: str, date: str, end: str, **front: str):
    return event(slug, date, end, type="era", **front)


def slugs(events) -> list[str]:
    return [e.slug for e in events]


EVENTS = [
    event("before", "1999-12-31"),
    event("first-day", "2000-01-01"),
    event("inside", "2003-05"),
    event("moment-at-start", "2005-01-01T00:00:00Z"),
    event("straddles", "2009-06", "2012"),
    event("last-day", "2010-12-31"),
    event("after", "2011-01-01"),
    event("moment-at-end", "2011-01-01T00:00:00Z"),
]


def test_eras_are_kept_apart_from_the_events_and_sorted_like_them():
    timeline, errors = assemble([*EVENTS, era("late", "2005", "2008"),
                                 era("early", "2000", "2010")], dt.UTC)
    assert errors == []
    assert slugs(timeline.eras) == ["early", "late"]
    assert "early" not in slugs(timeline.events) and len(timeline.events) == len(EVENTS)
    assert all(e.slug not in ("early", "late") for group in timeline.years for e in group.events)
    newest, _ = assemble([*EVENTS, era("late", "2005", "2008"), era("early", "2000", "2010")],
                         dt.UTC, newest_first=True)
    assert slugs(newest.eras) == ["late", "early"]


def test_an_era_holds_the_events_whose_time_meets_its_own():
    timeline, _ = assemble([*EVENTS, era("decade", "2000", "2010")], dt.UTC)
    assert slugs(era_events(timeline, timeline.eras[0])) == [
        "first-day", "inside", "moment-at-start", "straddles", "last-day"]


def test_a_range_that_began_before_an_era_is_in_it_and_a_moment_at_its_end_is_not():
    timeline, _ = assemble([*EVENTS, era("later", "2011", "2011-06")], dt.UTC)
    assert slugs(era_events(timeline, timeline.eras[0])) == [
        "straddles", "after", "moment-at-end"]
    shortly, _ = assemble([*EVENTS, era("shortly", "2004-06", "2004-12")], dt.UTC)
    assert slugs(era_events(shortly, shortly.eras[0])) == []


def test_overlapping_eras_share_the_events_both_span():
    timeline, errors = assemble([*EVENTS, era("a", "2000", "2004"), era("b", "2003", "2010")],
                                dt.UTC)
    assert errors == []
    a, b = timeline.eras
    assert slugs(era_events(timeline, a)) == ["first-day", "inside"]
    assert slugs(era_events(timeline, b)) == ["inside", "moment-at-start", "straddles",
                                              "last-day"]


def test_era_events_follow_the_display_order():
    timeline, _ = assemble([*EVENTS, era("decade", "2000", "2010")], dt.UTC, newest_first=True)
    assert slugs(era_events(timeline, timeline.eras[0]))[0] == "last-day"


def test_a_draft_era_is_left_out_unless_drafts_are_built():
    eras = [era("draft", "2000", "2001", draft="true")]
    assert assemble([*EVENTS, *eras], dt.UTC)[0].eras == ()
    assert slugs(assemble([*EVENTS, *eras], dt.UTC, drafts=True)[0].eras) == ["draft"]


def test_eras_and_events_share_one_namespace_of_slugs():
    _, errors = assemble([event("rome", "2000"), era("rome", "2000", "2001")], dt.UTC)
    assert [str(e) for e in errors] == [
        "content/rome.md: slug: 'rome' is also the slug of content/rome.md; rename one file "
        "or give it another 'slug:'"]


def test_lane_of_is_the_lane_written_else_the_first_tag_when_lanes_are_tags():
    written = event("a", "2000", lane="France", tags="[war, peace]")
    tagged = event("b", "2000", tags="[Peace, war]")
    plain = event("c", "2000")
    assert [lane_of(e, "") for e in (written, tagged, plain)] == ["France", "", ""]
    assert [lane_of(e, "tags") for e in (written, tagged, plain)] == ["France", "Peace", ""]


def test_the_timeline_names_its_lanes_by_url_name_as_first_written():
    events = [event("a", "2000", lane="Île de France"), event("b", "2001", lane="ile de france"),
              event("c", "2002", tags="[Burgundy]"), event("d", "2003")]
    timeline, errors = assemble(events, dt.UTC, lanes="tags")
    assert errors == []
    assert [(t.name, t.slug) for t in timeline.lanes] == [("Burgundy", "burgundy"),
                                                         ("Île de France", "ile-de-france")]
    assert [t.slug for t in assemble(events, dt.UTC)[0].lanes] == ["ile-de-france"]


def test_more_than_twelve_lanes_is_an_error_with_the_count():
    events = [event(f"e{n:02d}", f"{2000 + n}", lane=f"Lane {n}") for n in range(14)]
    timeline, errors = assemble(events, dt.UTC)
    assert [str(e) for e in errors] == [
        "content/e12.md: lane: 'Lane 12' is a lane too many: the events are in 14 lanes and a "
        f"timeline may have at most {MAX_LANES}; give fewer lanes"]
    _, fine = assemble(events[:MAX_LANES], dt.UTC)
    assert fine == []


def test_too_many_lanes_from_tags_names_the_setting():
    events = [event(f"e{n:02d}", f"{2000 + n}", tags=f"[t{n}]") for n in range(13)]
    _, errors = assemble(events, dt.UTC, lanes="tags")
    assert [str(e) for e in errors] == [
        "content/e12.md: tags: 't12' is a lane too many (lanes = \"tags\" makes each first tag "
        "a lane): the events are in 13 lanes and a timeline may have at most 12; give fewer "
        "lanes"]
    assert assemble(events, dt.UTC)[1] == []
