"""Every input an event file gives is bounded: each bound is a clear error naming the file,
found at once, and real texts stay far inside them."""

import datetime as dt
import os
import subprocess
import sys
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.content import parse_event
from generator.dates import DateError, parse_date
from generator.datetext import DateText
from generator.errors import BuildFailed, ContentError, ContentErrors, printable, quoted
from generator.feeds import timestamp
from generator.markdownbounds import slow_markdown
from generator.markup import make_markdown
from tests.conftest import EXAMPLE, REPO_ROOT, build_site, event_file, read_html

UTC = dt.UTC
MD = make_markdown(False)


def errors_of(text: str | bytes, tz: dt.tzinfo = UTC) -> list[str]:
    data = text if isinstance(text, bytes) else text.encode("utf-8")
    with pytest.raises(ContentErrors) as caught:
        parse_event(data, "content/x.md", MD, tz)
    return [str(e) for e in caught.value.errors]


def with_body(body: str) -> str:
    return "---\ntitle: t\ndate: 2018\n---\n" + body


# Dates


def test_a_date_of_thousands_of_digits_is_refused_at_once_and_quoted_short():
    # The pattern for written dates took 46 s over 64,000 digits.
    assert errors_of("---\ntitle: t\ndate: '" + "1" * 64_000 + "'\n---\n") == [
        "content/x.md:3: date: '" + "1" * 60 + "'… (64,000 characters) is too long for a date: "
        "at most 100 characters; write it as 2018, 2018-07, 2018-07-19, "
        "2018-07-19T14:30+01:00, 19 July 2018, 44 BC, -250, c. 1200, 1990s, 1984?, 201X, "
        "1990/1995, 2020/.., before 1500, 66 Ma; see docs/dates.md"]


def test_quoted_keeps_short_values_whole():
    assert quoted("2018-13") == "'2018-13'"
    assert quoted("x" * 100) == "'" + "x" * 60 + "'… (100 characters)"


def test_a_long_bad_url_is_quoted_by_its_start():
    url = "ftp://" + "a" * 1_900
    assert errors_of(f"---\ntitle: t\ndate: 2018\nsources:\n  - url: {url}\n---\n") == [
        f"content/x.md:5: sources[1].url: {url[:60]!r}… (1,906 characters) is not an http(s) "
        "link; write the full address, starting with https://"]


def test_a_moment_past_the_last_year_is_an_error_not_a_crash():
    assert errors_of("---\ntitle: t\ndate: 9999-12-31T20:00-05:00\n---\n") == [
        "content/x.md:3: date: '9999-12-31T20:00-05:00': times of day are kept for the years 1 "
        "to 9998; write the day alone; write it as 2018, 2018-07, 2018-07-19, "
        "2018-07-19T14:30+01:00, 19 July 2018, 44 BC, -250, c. 1200, 1990s, 1984?, 201X, "
        "1990/1995, 2020/.., before 1500, 66 Ma; see docs/dates.md"]


def test_a_moment_before_year_one_in_the_site_zone_is_an_error():
    assert errors_of("---\ntitle: t\ndate: 0001-01-01T01:00+01:00\n---\n",
                     ZoneInfo("America/New_York")) == [
        "content/x.md:3: date: '0001-01-01T01:00+01:00' falls outside the years 1 to 9998 in "
        "the time zone America/New_York; write a later or earlier date; write it as 2018, "
        "2018-07, 2018-07-19, 2018-07-19T14:30+01:00, 19 July 2018, 44 BC, -250, c. 1200, "
        "1990s, 1984?, 201X, 1990/1995, 2020/.., before 1500, 66 Ma; see docs/dates.md"]


ZONES = ["UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago", "Asia/Kathmandu",
         "America/St_Johns", "Europe/London", "Australia/Lord_Howe"]
EXTREMES = st.sampled_from(["0001", "0001-01", "0001-01-01", "9998", "9998-12", "9998-12-31",
                            "9999-12-31", "1 January 0001", "31 December 9998"])
MOMENTS = st.builds(
    lambda day, hour, minute, offset: f"{day}T{hour:02d}:{minute:02d}{offset}",
    st.sampled_from(["0001-01-01", "0001-01-02", "9998-12-31", "9999-12-31", "2018-07-19"]),
    st.integers(0, 23), st.sampled_from([0, 30, 59]),
    st.sampled_from(["", "Z", "+14:00", "-12:00", "+05:45", "-09:30", "+00:00"]))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(written=st.one_of(EXTREMES, MOMENTS), zone=st.sampled_from(ZONES),
       end=st.one_of(st.none(), EXTREMES, MOMENTS))
def test_every_date_and_zone_gives_an_event_or_an_error(written, zone, end):
    """What the pages, feeds and calendar do with a date, done for the extremes of the
    calendar in zones from -12 to +14 hours: either all of it works or the date is refused."""
    tz = ZoneInfo(zone)
    for text in filter(None, (written, end)):
        try:
            date = parse_date(text, tz)
        except DateError as exc:
            assert "\n" not in str(exc)
            continue
        timestamp(date, tz)  # as the feeds date it; the calendar leaves out what it cannot hold
        DateText("en", tz).date(date.local(tz))
        date.iso()
    extra = f"\nend: '{end}'" if end else ""
    try:
        event = parse_event(f"---\ntitle: t\ndate: '{written}'{extra}\n---\n".encode(),
                            "content/x.md", MD, tz)
    except ContentErrors as exc:
        assert all(e.line for e in exc.errors)
    else:
        assert type(event.start) is int


@pytest.mark.parametrize(("date", "in_calendar"), [
    ("9998-12-31T23:59-12:00", True), ("0001-01-01T00:00", True), ("0001", True),
    ("9998-12-31", True), ("9999-12-31", False), ("0000", False)])
def test_a_site_of_extreme_dates_builds_with_feeds_and_calendar(make_site, date, in_calendar):
    root = make_site({"content/a.md": event_file(date=f"'{date}'")},
                     config='title = "T"\nbase_url = "https://example.org/"\n'
                            'timezone = "Pacific/Kiritimati"\n')
    build_site(root)
    calendar = (root / "site/events.ics").read_text(encoding="utf-8")
    assert ("BEGIN:VEVENT" in calendar) is in_calendar


def test_an_overflowing_date_fails_the_build_with_a_line_not_a_crash(make_site):
    root = make_site({"content/a.md": event_file(date="'9999-12-31T20:00-05:00'")},
                     config='title = "T"\nbase_url = "https://example.org/"\n'
                            'timezone = "America/New_York"\n')
    with pytest.raises(BuildFailed) as caught:
        build_site(root)
    assert [str(e) for e in caught.value.errors] == [
        "content/a.md:3: date: '9999-12-31T20:00-05:00': times of day are kept for the years 1 "
        "to 9998; write the day alone; write it as 2018, 2018-07, 2018-07-19, "
        "2018-07-19T14:30+01:00, 19 July 2018, 44 BC, -250, c. 1200, 1990s, 1984?, 201X, "
        "1990/1995, 2020/.., before 1500, 66 Ma; see docs/dates.md"]


# Sizes


def test_an_event_file_over_a_megabyte_is_refused_unread():
    assert errors_of(with_body("words " * 200_000)) == [
        "content/x.md: the file is 1,200,028 bytes; an event file may have at most 1,000,000: "
        "put long documents elsewhere and link them as a source"]


@pytest.mark.parametrize(
    ("front", "expected"),
    [
        ("title: " + "T" * 501 + "\ndate: 2018",
         "content/x.md:2: title: is 501 characters long; at most 500: shorten it"),
        ("title: t\ndate: 2018\ndisplay_date: " + "s" * 201,
         "content/x.md:4: display_date: is 201 characters long; at most 200: shorten it"),
        ("title: t\ndate: 2018\nslug: " + "s" * 101,
         "content/x.md:4: slug: is 101 characters long; at most 100: shorten it"),
        ("title: t\ndate: 2018\ntags: [" + ", ".join(f"t{i}" for i in range(101)) + "]",
         "content/x.md:4: tags: 101 tags; an event may have at most 100, since each tag's page "
         "lists the event"),
        ("title: t\ndate: 2018\ntags: [" + "a" * 101 + "]",
         "content/x.md:4: tags: '" + "a" * 60 + "'… (101 characters) is too long for a tag: at "
         "most 100 characters"),
        ("title: t\ndate: 2018\ntags: [" + "北" * 40 + "]",
         "content/x.md:4: tags: '" + "北" * 40 + "' makes a URL name of 120 characters; at most "
         "100: shorten it"),
        ("title: t\ndate: 2018\nslug: " + "北" * 40,
         "content/x.md:4: slug: '" + "北" * 40 + "' makes a URL name of 120 characters; at most "
         "100: shorten it"),
        ("title: t\ndate: 2018\nsources:\n" + "  - https://x.org/\n" * 101,
         "content/x.md:5: sources: 101 sources; an event may have at most 100"),
        ("title: t\ndate: 2018\nsources:\n  - url: https://x.org/" + "a" * 2000,
         "content/x.md:5: sources[1].url: is 2,014 characters long; a link may have at most "
         "2,000"),
        ("title: t\ndate: 2018\nsources:\n  - url: https://x.org/\n    publisher: " + "p" * 501,
         "content/x.md:6: sources[1].publisher: is 501 characters long; at most 500: shorten it"),
        ("title: t\ndate: 2018\nextra:\n" + "".join(f"  k{i}: {i}\n" for i in range(10_001)),
         "content/x.md:10001: the front matter holds more than 10,000 values; no event needs "
         "that many"),
        ("title: t\ndate: 2018\nextra: " + "{a: " * 25 + "1" + "}" * 25,
         "content/x.md:4: values nested more than 20 deep; write them flatter"),
    ],
)
def test_front_matter_past_its_bounds_is_refused(front, expected):
    assert errors_of(f"---\n{front}\n---\n") == [expected]


def test_a_long_unknown_key_is_named_by_its_start():
    key = "k" * 1_000
    assert errors_of(f"---\ntitle: t\ndate: 2018\n{key}: 1\n---\n") == [
        "content/x.md:4: " + "k" * 60 + "…: unknown key; known keys: title, date, end, summary, "
        "tags, sources, slug, draft, display_date, media, background, extra, circa, lane, "
        "type"]
    assert errors_of(f"---\ntitle: t\ndate: 2018\n{key}: 1\n{key}: 2\n---\n") == [
        "content/x.md:5: " + "k" * 60 + "…: appears twice; keep one"]


def test_a_file_name_too_long_for_a_slug_is_refused():
    with pytest.raises(ContentErrors) as caught:
        parse_event(with_body("x").encode(), "content/" + "n" * 101 + ".md", MD, UTC)
    assert [e.message for e in caught.value.errors] == [
        "the file name makes a slug of 101 characters; at most 100: rename the file or add "
        "'slug: ...'"]


# YAML


def test_a_control_character_yaml_refuses_is_one_line_with_its_line():
    assert errors_of("---\ntitle: t\ndate: 2018\nsummary: a\x80b\n---\n") == [
        "content/x.md:4: holds a control character (U+0080); remove it"]


def test_eighty_aliases_are_one_error():
    aliases = "".join(f"  k{i}: *a\n" for i in range(80))
    assert errors_of(f"---\ntitle: t\ndate: 2018\nextra:\n  a: &a x\n{aliases}---\n") == [
        "content/x.md:5: YAML anchors and aliases (& and *) are not supported; write the value "
        "out (80 aliases of it)"]


def test_a_billion_laughs_is_one_error_and_stays_small():
    levels = ["  l0: &l0 [x, x, x, x, x, x, x, x, x, x]"] + [
        f"  l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]" for i in range(1, 10)]
    text = "---\ntitle: t\ndate: 2018\nextra:\n" + "\n".join(levels) + "\n---\n"
    assert errors_of(text) == [
        "content/x.md:5: YAML anchors and aliases (& and *) are not supported; write the value "
        "out (90 aliases)"]


# Markdown shapes that take Python-Markdown minutes: refused in one pass over the text.

SHAPES = [
    ("[" * 100_000, "content/x.md:5: body: a paragraph of 100,000 characters with 100,000 "
     "unclosed links ('[' without ']'); close them, write \\[ for a bracket, or split the "
     "paragraph with blank lines"),
    ("[a](" * 50_000, "content/x.md:5: body: a paragraph of 200,000 characters with 50,000 "
     "unclosed link targets ('](' without ')'); close them, write \\[ for a bracket, or split "
     "the paragraph with blank lines"),
    ("[![" * 30_000, "content/x.md:5: body: a paragraph of 90,000 characters with 60,000 "
     "unclosed links ('[' without ']'); close them, write \\[ for a bracket, or split the "
     "paragraph with blank lines"),
    ("[" * 60 + "a" + "]" * 60, "content/x.md:5: body: links or brackets nested 60 deep; at "
     "most 50"),
    ("&amp;" * 150_000, "content/x.md:5: body: a paragraph of 750,000 characters with 150,000 "
     "Markdown marks (* _ ` [ & \\ <); split them with blank lines, or write less formatting"),
    ("".join("`" * i + "x" for i in range(1, 700)), "content/x.md:5: body: a paragraph of "
     "245,349 characters with 244,650 Markdown marks (* _ ` [ & \\ <); split them with blank "
     "lines, or write less formatting"),
    ("# h {#id}\n" * 50_000, "content/x.md:5: body: 50,000 headings, rules, definitions or "
     "fences with no blank line between them; at most 200: put blank lines between them"),
    ("term\n: def\n" * 8_000, "content/x.md:5: body: 8,000 headings, rules, definitions or "
     "fences with no blank line between them; at most 200: put blank lines between them"),
    ("".join(f"x[^{i}]\n\n[^{i}]: n\n\n" for i in range(20_000)),
     "content/x.md:5: body: 40,000 footnote marks ('[^', of references and notes); at "
     "most 2,000"),
    ("|" + "a|" * 1_000 + "\n", "content/x.md:5: body: a table row of 1,000 cells; at most 500"),
    ("|a|b|\n|-|-|\n" + "|x|y|\n" * 5_000, "content/x.md:2005: body: a table of more than "
     "2,000 rows; split it, or link the data as a source"),
    (">" * 2_000 + " x\n", "content/x.md:5: body: quotes nested 2,000 deep; at most 50"),
    ("- " * 100_000 + "x\n", "content/x.md:5: body: lists nested 100,000 deep; at most 50"),
    ("> - " * 30 + "x\n", "content/x.md:5: body: quotes and lists nested 60 deep; at most 50"),
    ("".join("    " * i + "- x\n" for i in range(60)),
     "content/x.md:56: body: lists nested 51 deep; at most 50"),
    (("[a](b) " * 2_500 + "\n\n") * 50, "content/x.md:13: body: long paragraphs with 12,500 in "
     "all up to this one, which has 2,500 Markdown marks (* _ ` [ & \\ <); split them with "
     "blank lines, or write less formatting"),
    ("- a\n" * 20_000, "content/x.md:5: body: a paragraph, list or code block of 20,001 lines "
     "with no blank line; at most 10,000: put blank lines in it, or split it"),
    (("[a](b) " * 100 + "\n\n") * 600, "content/x.md:5: body: 60,000 Markdown marks "
     "(* _ ` [ & \\ <) in all; at most 30,000: write less formatting, or put long documents "
     "elsewhere"),
    ("# h\n" * 100 + "\n" + ("# h\n" * 150 + "\n") * 14, "content/x.md:5: body: 2,200 "
     "headings, rules, definitions or fences in all; at most 2,000"),
    (("> " * 40 + "x\n\n") * 600, "content/x.md:5: body: 24,000 list items and quote marks (>) "
     "in all; at most 20,000"),
    ("|a|b|\n|-|-|\n" + ("|x|y|\n" * 1_000 + "\n") * 6, "content/x.md:5009: body: tables of "
     "more than 5,000 rows in all; split it, or link the data as a source"),
    ("|" + "a|" * 400 + "\n" + ("|" + "a|" * 400 + "\n") * 150, "content/x.md:5: body: tables of "
     "60,551 cells ('|') in all; at most 50,000"),
    ("A line.\n\n" * 20_000, "content/x.md:5: body: 20,001 paragraphs; at most 10,000: put long "
     "documents elsewhere and link them as a source"),
]


@pytest.mark.parametrize(("body", "expected"), SHAPES, ids=[s[1][21:60] for s in SHAPES])
def test_a_body_markdown_would_stall_on_is_refused_saying_what_it_has(body, expected):
    assert errors_of(with_body(body)) == [expected]


def test_a_summary_and_a_caption_are_checked_too():
    assert errors_of("---\ntitle: t\ndate: 2018\nsummary: '" + "[" * 3_000 + "'\n"
                     "media:\n  url: https://x.org/a.png\n  caption: '" + ">" * 60 + " x'\n---\n"
                     ) == [
        "content/x.md:4: summary: a paragraph of 3,000 characters with 3,000 unclosed links "
        "('[' without ']'); close them, write \\[ for a bracket, or split the paragraph with "
        "blank lines",
        "content/x.md:7: media.caption: quotes nested 60 deep; at most 50"]


def test_every_real_text_is_accepted():
    files = sorted((REPO_ROOT / "content").rglob("*.md")) + sorted(EXAMPLE.rglob("*.md"))
    assert len(files) > 20
    for path in files:
        assert slow_markdown(path.read_text(encoding="utf-8")) is None, path


def test_ordinary_long_writing_is_accepted():
    paragraph = ("A sentence with a [link](https://example.org/a), *emphasis*, `code` and "
                 "an &amp; entity. ") * 20
    rows = "".join(f"| {i} | [source](https://example.org/{i}) |\n" for i in range(1_000))
    body = "\n\n".join([paragraph] * 200 + ["| n | link |\n|---|---|\n" + rows]
                       + ["# Heading\n\n- item\n  - nested\n    - deeper\n\n> quoted"] * 50)
    assert len(body) < 1_000_000
    assert slow_markdown(body) is None


# Tags


def test_a_listed_event_shows_ten_tags_and_links_the_rest(make_site):
    tags = ", ".join(f"tag{i:02d}" for i in range(30))
    root = make_site({"content/a.md": event_file(tags=f"[{tags}]")})
    build_site(root)
    item = read_html(root / "site/tags/tag05/index.html").select_one("ul.tags")
    assert [a.text for a in item.select("a")] == [f"tag{i:02d}" for i in range(10)] + [
        "20 more tags"]
    assert item.select("a")[-1]["href"] == "../../events/a/index.html"
    page = read_html(root / "site/events/a/index.html").select_one("ul.tags")
    assert len(page.select("a")) == 30


def test_the_link_to_the_other_tags_is_in_the_sites_language(make_site):
    tags = ", ".join(f"tag{i:02d}" for i in range(12))
    root = make_site({"content/a.md": event_file(tags=f"[{tags}]")}, config='language = "nl"\n')
    build_site(root)
    item = read_html(root / "site/index.html").select_one("ul.tags")
    assert item.select("a")[-1].text == "nog 2 tags"


def test_a_site_at_the_tag_limit_grows_linearly_with_its_events(make_site):
    def size(events: int) -> int:
        tags = ", ".join(f"t{i}" for i in range(100))
        files = {f"content/e{n}.md": event_file(title=f"E{n}", tags=f"[{tags}]")
                 for n in range(events)}
        root = make_site(files)
        build_site(root)
        # The search index is one record per event, whatever its tags (its runtime is a fixed
        # 230 KB): the pages are what tags could make grow.
        total = sum(p.stat().st_size for p in (root / "site").rglob("*")
                    if p.is_file() and "pagefind" not in p.parts)
        for path in files:
            (root / path).unlink()
        return total

    one, ten = size(1), size(10)
    # Each event is listed on its 100 tag pages with 10 of its tags, not all 100: 230 KB for
    # one event where all its tags made 800 KB, and 1.2 MB for ten where they made 6.9 MB.
    assert one < 400_000
    assert ten < 2_000_000


# Terminal escapes


def test_control_characters_in_a_path_are_escaped_in_messages():
    error = ContentError("content/\x1b]0;pwned\x07.md", "bad", 3, "date")
    assert str(error) == "content/\\x1b]0;pwned\\x07.md:3: date: bad"
    assert printable("a\u202eb\x9bc") == "a\\u202eb\\x9bc"


@pytest.mark.skipif(sys.platform == "win32", reason="names with control characters")
def test_the_command_never_prints_a_file_names_escape_to_the_terminal(make_site):
    root = make_site({"content/\x1b]0;pwned\x07.md": event_file(date="someday")})
    done = subprocess.run([sys.executable, "-m", "generator", "build"], cwd=root,
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(REPO_ROOT)})
    assert done.returncode == 1
    assert "\x1b" not in done.stderr and "\x07" not in done.stderr
    assert "content/\\x1b]0;pwned\\x07.md:3: date: 'someday' is not a date" in done.stderr


