"""One event file → one Event, and the message a user gets for each kind of bad input."""

import datetime as dt

import pytest

from generator.build import BuildOptions, build
from generator.content import parse_event
from generator.errors import BuildFailed, ContentErrors
from generator.markup import make_markdown
from generator.workers import parse_files

from conftest import event_file

UTC = dt.UTC


def parse(text: str | bytes, path: str = "content/events/2018-07-19-report.md", raw=False):
    data = text if isinstance(text, bytes) else text.encode("utf-8")
    return parse_event(data, path, make_markdown(raw), UTC)


def errors_of(text: str | bytes, path: str = "content/e.md") -> list[str]:
    with pytest.raises(ContentErrors) as caught:
        parse(text, path)
    return [str(e) for e in caught.value.errors]


def test_a_full_event_is_read():
    event = parse(
        "---\n"
        "title: UK board finds 'shortcomings'\n"
        "date: 2018-07-19\n"
        "end: 2018-07\n"
        "tags: [UK, Huawei, Zürich]\n"
        "sources:\n"
        "  - url: https://example.org/a\n"
        "    title: The report\n"
        "    publisher: Example News\n"
        "    date: 19 July 2018\n"
        "    archive_url: https://archive.example.org/a\n"
        "---\n"
        "First *paragraph*.\n\nSecond paragraph.\n"
    )
    assert event.slug == "2018-07-19-report"
    assert event.title == "UK board finds 'shortcomings'"
    assert event.date.iso() == "2018-07-19"
    assert event.end.iso() == "2018-07"
    assert [(t.name, t.slug) for t in event.tags] == [("UK", "uk"), ("Huawei", "huawei"),
                                                     ("Zürich", "zurich")]
    source = event.sources[0]
    assert (source.url, source.title, source.publisher, source.date.iso(), source.archive_url) == (
        "https://example.org/a", "The report", "Example News", "2018-07-19",
        "https://archive.example.org/a")
    assert event.summary_html == "First <em>paragraph</em>."
    assert "<p>Second paragraph.</p>" in event.body_html


def test_yaml_dates_and_integers_are_read_as_written():
    assert parse("---\ntitle: t\ndate: 2018\n---\n").date.iso() == "2018"
    assert parse("---\ntitle: t\ndate: 2018-07-19\n---\n").date.iso() == "2018-07-19"
    timed = parse("---\ntitle: t\ndate: 2018-07-19T14:30:00+01:00\n---\n")
    assert timed.date.iso() == "2018-07-19T14:30:00+01:00"


def test_summary_from_front_matter_wins_and_footnote_marks_leave_it():
    assert parse("---\ntitle: t\ndate: 2018\nsummary: Short *one*.\n---\nBody.\n"
                 ).summary_html == "Short <em>one</em>."
    event = parse("---\ntitle: t\ndate: 2018\n---\nClaim.[^1]\n\n[^1]: Note.\n")
    assert event.summary_html == "Claim."


def test_slug_from_front_matter_is_transliterated():
    event = parse("---\ntitle: t\ndate: 2018\nslug: 'Ansip waarschuwt: \"bezorgd\"'\n---\n")
    assert event.slug == "ansip-waarschuwt-bezorgd"


def test_draft_flag():
    assert parse("---\ntitle: t\ndate: 2018\ndraft: true\n---\n").draft is True
    assert parse("---\ntitle: t\ndate: 2018\n---\n").draft is False


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("---\ntitle: t\ndate: 2018\nsoruces: []\n---\n",
         "content/e.md:4: soruces: unknown key; did you mean 'sources'?"),
        ("---\ntitle: [unclosed\ndate: 2018\n---\n",
         "content/e.md:3: broken YAML: while parsing a flow sequence, did not find expected ',' "
         "or ']' (it started on line 2); check the quotes, colons and indentation"),
        ("---\ntitle: t\n  date: 2018\n---\n",
         "content/e.md:3: broken YAML: mapping values are not allowed in this context; a value "
         "that holds ': ' must be in quotes, as in title: \"Ansip: worried\""),
        ("---\ntitle: Ansip: worried\ndate: 2018\n---\n",
         "content/e.md:2: broken YAML: mapping values are not allowed in this context; a value "
         "that holds ': ' must be in quotes, as in title: \"Ansip: worried\""),
        ("---\ntitle: t\ndate: 2018\ntags: &a [*a]\n---\n",
         "content/e.md:4: YAML anchors and aliases (& and *) are not supported; write the value "
         "out"),
        ("", "content/e.md:1: the file is empty; start the file with a line '---', "
         "then 'title:' and 'date:' lines, then '---'"),
        ("Just text\n", "content/e.md:1: no front matter; start the file with a line '---', "
         "then 'title:' and 'date:' lines, then '---'"),
        ("---\n---\nBody\n",
         "content/e.md:1: the front matter is empty; it needs at least 'title:' and 'date:'"),
        ("---\ntitle: t\ndate: 2018\n",
         "content/e.md:1: the front matter is not closed; add a line '---' after its last key"),
        ("---\ndate: 2018\n---\n",
         "content/e.md:3: title: is missing; add a line 'title: ...' to the front matter"),
        ("---\ntitle: t\n---\n",
         "content/e.md:3: date: is missing; add a line 'date: ...' to the front matter"),
        ("---\ntitle: t\ndate: 32 July 2018\n---\n",
         "content/e.md:3: date: '32 July 2018' is not a date; write it as 2018, 2018-07, "
         "2018-07-19, 2018-07-19T14:30+01:00, 19 July 2018, 44 BC, -250, c. 1200, 1990s, "
         "1984?, 201X, 1990/1995, 2020/.., before 1500, 66 Ma; see docs/dates.md"),
        ("---\ntitle: t\ndate: 2018-07-19\nend: 2018-07-18\n---\n",
         "content/e.md:4: end: 2018-07-18 ends before the date 2018-07-19 begins"),
        ("---\ntitle: t\ndate: 2018\nsources:\n  - title: no url\n---\n",
         "content/e.md:5: sources[1].url: is missing; add 'url: https://...'"),
        ("---\ntitle: t\ndate: 2018\nsources:\n  - url: javascript:alert(1)\n---\n",
         "content/e.md:5: sources[1].url: 'javascript:alert(1)' is not an http(s) link; "
         "write the full address, starting with https://"),
        ("---\ntitle: t\ndate: 2018\nsources:\n  - url: https://a.example\n    titel: x\n---\n",
         "content/e.md:6: sources[1].titel: unknown key; did you mean 'title'?"),
        ("---\ntitle: t\ndate: 2018\nslug: ../x\n---\n",
         "content/e.md:4: slug: '../x' would leave the output folder; use letters, digits "
         "and hyphens only"),
        ("---\ntitle: t\ndate: 2018\nslug: /x\n---\n",
         "content/e.md:4: slug: '/x' would leave the output folder; use letters, digits "
         "and hyphens only"),
        ("---\ntitle: t\ndate: 2018\ndraft: maybe\n---\n",
         "content/e.md:4: draft: must be true or false, not 'maybe'"),
        ("---\ntitle: t\ndate: 2018\ntags: {a: b}\n---\n",
         "content/e.md:4: tags: must be a list, such as 'tags: [uk, huawei]'"),
        ("---\ntitle: t\ntitle: u\ndate: 2018\n---\n",
         "content/e.md:3: title: appears twice; keep one"),
        ("---\ntitle: t\ndate: 2018\nsummary: |\n  One.\n\n  Two.\n---\n",
         "content/e.md:4: summary: must be one paragraph; put lists and further paragraphs in "
         "the body"),
        ("---\ntitle: t\ndate: 2018\nsources:\n  - url: https://x.org/a b\n---\n",
         "content/e.md:5: sources[1].url: 'https://x.org/a b' holds a space, which a link "
         "cannot; write it as %20"),
        ("---\ntitle: \"a\\x0bb\"\ndate: 2018\n---\n",
         "content/e.md:2: holds a control character (U+000B); remove it"),
        ("---\ntitle: t\ndate: 2018\n---\nBody \ufffe.\n",
         "content/e.md:5: holds a control character (U+FFFE); remove it"),
        ("---\ntitle: \"a\x00b\"\ndate: 2018\n---\n",
         "content/e.md:2: holds a control character (U+0000); remove it"),
        (b"---\ntitle: caf\xe9\ndate: 2018\n---\n",
         "content/e.md:2: is not UTF-8 text (byte 0xe9); save the file as UTF-8"),
    ],
)
def test_bad_input_gets_a_clear_message(text, expected):
    assert errors_of(text) == [expected]


def test_end_in_the_month_of_a_day_is_not_before_it():
    event = parse("---\ntitle: t\ndate: 2018-07-19\nend: 2018-07\n---\n")
    assert event.end.iso() == "2018-07"


def test_every_problem_of_a_file_is_reported_at_once():
    errors = errors_of("---\ntitel: t\ndate: someday\nsources:\n  - url: ftp://x.org\n---\n")
    assert errors == [
        "content/e.md:2: titel: unknown key; did you mean 'title'?",
        "content/e.md:3: date: 'someday' is not a date; write it as 2018, 2018-07, 2018-07-19, "
        "2018-07-19T14:30+01:00, 19 July 2018, 44 BC, -250, c. 1200, 1990s, 1984?, 201X, "
        "1990/1995, 2020/.., before 1500, 66 Ma; see docs/dates.md",
        "content/e.md:5: sources[1].url: 'ftp://x.org' is not an http(s) link; write the full "
        "address, starting with https://",
        "content/e.md:6: title: is missing; add a line 'title: ...' to the front matter",
    ]


def test_events_parsed_together_share_their_tags_and_publishers():
    text = ("---\ntitle: {0}\ndate: 2018\ntags: [UK, Huawei]\nsources:\n"
            "  - url: https://example.com/{0}\n    publisher: Reuters\n---\n")
    results = parse_files([(f"content/{name}.md", text.format(name).encode())
                           for name in ("a", "b")], False, "UTC", "en")
    (_, a, _), (_, b, _) = results
    assert a.tags == b.tags and all(x is y for x, y in zip(a.tags, b.tags, strict=True))
    assert a.sources[0].publisher is b.sources[0].publisher
    assert a.sources[0].url != b.sources[0].url
    alone = parse(text.format("c"))
    assert alone.tags == a.tags and alone.tags[0] is not a.tags[0]


@pytest.mark.parametrize(("written", "message"), [
    (".nan", "'.nan' is not a number JSON can hold"),
    ("-.inf", "'-.inf' is not a number JSON can hold"),
    ("1.0e+999", "'1.0e+999' is not a number JSON can hold"),
    ("9" * 5000, "'" + "9" * 60 + "'… (5,000 characters) is a number too long to carry"),
])
def test_extra_numbers_json_cannot_hold_are_errors_with_their_line(make_site, written, message):
    root = make_site({"content/a.md": event_file(extra=f"\n  ok: 1\n  n: {written}")})
    with pytest.raises(BuildFailed) as failed:
        build(BuildOptions(root=root))
    assert [str(e) for e in failed.value.errors] == [
        f"content/a.md:6: extra: {message}; write it as text, in quotes, or leave it out"]
