"""Era and lane files: what they hold, and the message for each mistake in one."""

import datetime as dt

import pytest

from generator.content import parse_event
from generator.errors import ContentErrors
from generator.markup import make_markdown

ERA = ("---\ntype: era\ntitle: Roman Republic\ndate: 2000\nend: 2010\n{more}---\n"
       "The Republic's *body*.\n")


def parse(text: str, path: str = "content/eras/republic.md"):
    return parse_event(text.encode("utf-8"), path, make_markdown(False), dt.UTC)


def errors_of(text: str, path: str = "content/e.md") -> list[str]:
    with pytest.raises(ContentErrors) as caught:
        parse(text, path)
    return [str(e) for e in caught.value.errors]


def test_an_era_is_read_with_its_colour_and_body():
    era = parse(ERA.format(more="color: '#8b2500'\ntags: [rome]\nslug: republic\n"))
    assert (era.kind, era.title, era.slug) == ("era", "Roman Republic", "republic")
    assert (era.date.iso(), era.end.iso()) == ("2000", "2010")
    assert era.background.color == "#8b2500"
    assert era.summary_html == "The Republic's <em>body</em>."
    assert [tag.slug for tag in era.tags] == ["rome"]


def test_a_file_without_a_type_is_an_event_and_type_event_says_so():
    assert parse("---\ntitle: t\ndate: 2001\n---\n").kind == "event"
    assert parse("---\ntype: event\ntitle: t\ndate: 2001\n---\n").kind == "event"


def test_an_unknown_type_is_an_error_naming_both_types():
    assert errors_of("---\ntitle: t\ndate: 2001\ntype: epoch\n---\n") == [
        "content/e.md:4: type: 'epoch' is not a type; write 'type: event' (the default) or "
        "'type: era'"]


def test_an_era_needs_an_end():
    assert errors_of("---\ntype: era\ntitle: t\ndate: 2001\n---\n") == [
        "content/e.md:4: end: is missing; an era lasts from its date to its end: add a line "
        "'end: ...' to the front matter"]
    assert errors_of("---\ntype: era\ntitle: t\ndate: 2001\nend:\n---\n")[0].startswith(
        "content/e.md:4: end: is missing; an era lasts")


def test_an_era_may_not_end_before_it_begins():
    assert errors_of(ERA.replace("end: 2010", "end: 1999").format(more="")) == [
        "content/e.md:5: end: 1999 ends before the date 2000 begins"]


def test_a_colour_belongs_to_eras_alone():
    assert errors_of("---\ntitle: t\ndate: 2001\ncolor: navy\n---\n") == [
        "content/e.md:4: color: only an era has a colour ('type: era'); an event's is "
        "'background: {color: ...}'"]


@pytest.mark.parametrize("color", ["navy", "#b20", "#b20a", "#8b2500", "#8b2500cc"])
def test_an_era_colour_is_a_hex_value_or_a_name(color):
    assert parse(ERA.format(more=f"color: '{color}'\n")).background.color == color


@pytest.mark.parametrize("color", ["#12345", "red;background:url(x)", "rgb(1,2,3)", "#ggg",
                                   "}body{", "x"])
def test_anything_else_as_an_era_colour_is_refused(color):
    text = ERA.format(more=f"color: '{color}'\n")
    assert errors_of(text) == [
        f"content/e.md:6: color: {color!r} is not a colour; write it as #8b2500, #b20 or a "
        "colour name such as navy"]


def test_what_only_events_show_is_unknown_on_an_era():
    errors = errors_of(ERA.format(more="lane: France\nmedia: {url: https://e.org/a.png}\n"))
    known = "type, title, date, end, circa, color, summary, tags, sources, slug, draft"
    assert errors == [f"content/e.md:6: lane: unknown key for an era; an era has {known}",
                      f"content/e.md:7: media: unknown key for an era; an era has {known}"]


def test_a_misspelt_key_on_an_era_gets_a_suggestion():
    assert errors_of(ERA.format(more="colour: navy\n")) == [
        "content/e.md:6: colour: unknown key; did you mean 'color'?"]


def test_an_event_has_the_lane_it_names():
    event = parse("---\ntitle: t\ndate: 2001\nlane: '  France '\n---\n")
    assert (event.kind, event.lane) == ("event", "France")
    assert parse("---\ntitle: t\ndate: 2001\n---\n").lane == ""


def test_a_lane_is_short_text_with_a_letter_or_digit():
    assert errors_of(f"---\ntitle: t\ndate: 2001\nlane: {'x' * 101}\n---\n") == [
        "content/e.md:4: lane: is 101 characters long; at most 100: shorten it"]
    assert errors_of("---\ntitle: t\ndate: 2001\nlane: '--'\n---\n") == [
        "content/e.md:4: lane: '--' has no letters or digits to name it by"]
    assert errors_of("---\ntitle: t\ndate: 2001\nlane: [a, b]\n---\n") == [
        "content/e.md:4: lane: must be plain text, not a list or mapping"]
