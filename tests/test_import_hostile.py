"""chronoline import on hostile input: a refusal names the file, and what is written builds."""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.build import BuildOptions, build
from generator.content import parse_event
from generator.errors import ContentError, ContentErrors
from generator.frontmatter import CONTROL
from generator.importer import ImportFailed, import_file
from generator.markup import make_markdown, render
from generator.slidetext import to_markdown

from conftest import read_html, theme_script

FUZZ_EXAMPLES = 3000 if os.environ.get("CHRONOLINE_FUZZ") == "long" else 150
WRONG = [5, "some text", [1, "a"], {"a": 1}, None, True]


def timeline3() -> dict:
    """A TimelineJS3 timeline that uses every field TimelineJS documents."""
    return {
        "title": {"text": {"headline": "Title <b>slide</b>", "text": "Intro"},
                  "media": {"url": "https://example.org/t.jpg"}},
        "events": [
            {"start_date": {"year": 2018, "month": 7, "day": 19, "hour": 14, "minute": 30,
                            "display_date": "July"},
             "end_date": {"year": 2018, "month": 8},
             "display_date": "Summer",
             "text": {"headline": "Target", "text": "<p>Body <a href='https://example.org'>"
                                                    "link</a></p>"},
             "media": {"url": "https://example.org/a.jpg", "caption": "Cap", "credit": "Cred",
                       "alt": "Alt", "thumbnail": "https://example.org/t.jpg"},
             "group": "UK", "background": {"url": "https://example.org/b.jpg",
                                           "color": "#123456"},
             "unique_id": "target", "autolink": True},
            {"start_date": {"year": 2019}, "text": {"headline": "Control"}},
        ],
        "eras": [{"start_date": {"year": 2018}, "end_date": {"year": 2019},
                  "text": {"headline": "Era"}}],
        "scale": "human",
    }


def timeline2() -> dict:
    """The same in TimelineJS 2's shape."""
    return {"timeline": {
        "headline": "Title", "type": "default", "text": "<p>Intro</p>",
        "asset": {"media": "https://example.org/t.jpg", "credit": "c", "caption": "c"},
        "date": [
            {"startDate": "2018,7,19", "endDate": "2018,8,1", "headline": "Target",
             "text": "<p>Body</p>", "tag": "UK", "classname": "x",
             "asset": {"media": "https://example.org/a.jpg", "credit": "Cred",
                       "caption": "Cap", "thumbnail": "https://example.org/t.jpg"}},
            {"startDate": "2019", "headline": "Control"}],
        "era": [{"startDate": "2018", "endDate": "2019", "headline": "Era", "text": "",
                 "tag": ""}]}}


def paths_of(data: object, prefix: tuple = ()) -> list[tuple]:
    """Every place in `data` a value sits, containers included."""
    found = [prefix] if prefix else []
    items = data.items() if isinstance(data, dict) else enumerate(data) \
        if isinstance(data, list) else ()
    for key, value in items:
        found += paths_of(value, (*prefix, key))
    return found


def replaced(data: dict, path: tuple, value: object) -> dict:
    data = copy.deepcopy(data)
    place = data
    for key in path[:-1]:
        place = place[key]
    place[path[-1]] = value
    return data


def write(tmp_path: Path, name: str, content: str | bytes | dict) -> Path:
    path = tmp_path / name
    if isinstance(content, dict):
        content = json.dumps(content)
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def parse_problems(paths: tuple[Path, ...]) -> list[str]:
    """What a build would refuse in each written event file."""
    md = make_markdown(False)
    problems = []
    for path in paths:
        try:
            parse_event(path.read_bytes(), path.name, md, dt.UTC)
        except ContentErrors as exc:
            problems += [str(error) for error in exc.errors]
    return problems


def import_or_refuse(path: Path, into: Path) -> tuple[Path, ...] | None:
    """The files an import wrote; None when it refused, in one line naming the file."""
    try:
        report = import_file(path, into)
    except ImportFailed as exc:
        assert re.match(rf"{re.escape(str(path))}(:\d+)?: \S", str(exc)), str(exc)
        assert "\n" not in str(exc)
        assert not into.exists()  # refused: nothing written
        return None
    for line in report.not_carried:
        assert "\n" not in line and not CONTROL.search(line), line
    return report.written


def new_site(root: Path, raw_html: bool = False) -> Path:
    (root / "content").mkdir(parents=True)
    (root / "chronoline.toml").write_text(
        f'title = "Imported"\ntimezone = "UTC"\nraw_html = {str(raw_html).lower()}\n',
        encoding="utf-8")
    return root


# 1. Fields of the wrong type: each is left out and listed, or the file is refused.

def test_a_timelinejs_2_era_that_is_a_number_is_listed_not_a_crash(tmp_path):
    data = timeline2()
    data["timeline"]["era"] = 5
    report = import_file(write(tmp_path, "t.json", data), tmp_path / "events")
    assert [p.name for p in report.written] == ["2018-07-19-target.md", "2019-control.md"]
    assert "the timeline's eras were left out: they are the number 5, not a list" \
        in report.not_carried


def test_slide_parts_of_the_wrong_type_are_listed(tmp_path):
    data = timeline3()
    slide = data["events"][0]
    slide.update(media=5, group=["a"], display_date={"x": 1})
    slide["text"]["text"] = [1]
    data["events"] += ["just text", {"start_date": {"year": 2020, "month": [7]},
                                     "text": {"headline": "Month", "text": 5}}]
    data["title"] = True
    report = import_file(write(tmp_path, "t.json", data), tmp_path / "events")
    assert [p.name for p in report.written] == ["2018-07-19-target.md", "2019-control.md",
                                                "2018-era.md"]
    assert list(report.not_carried) == [
        "the title slide was left out: it is 'true', not a mapping of fields",
        "'Target' (2018): its media was left out: it is the number 5, not a mapping of fields",
        "'Target' (2018): its display_date was left out: it is a mapping, not text",
        "'Target' (2018): its text was left out: it is a list, not text",
        "'Target' (2018): its group was left out: it is a list, not text",
        "'just text' was left out: it is the text 'just text', not a mapping of fields",
        "'Month' (2020) was left out: its month [7] is not a whole number",
    ]


def wrong_type_cases() -> list:
    return [pytest.param(form, path, id=f"{form.__name__}:{'.'.join(map(str, path))}")
            for form in (timeline3, timeline2) for path in paths_of(form())]


@pytest.mark.parametrize("form, path", wrong_type_cases())
def test_every_field_of_the_wrong_type_is_left_out_or_refused(tmp_path, form, path):
    for number, value in enumerate(WRONG):
        source = write(tmp_path, f"t{number}.json", replaced(form(), path, value))
        written = import_or_refuse(source, tmp_path / f"events{number}")
        if written is None:
            continue
        assert parse_problems(written) == [], (value, [p.read_text() for p in written])
        touches_control = path[:2] == ("events", 1) or path[:3] == ("timeline", "date", 1) \
            or path in (("events",), ("timeline",), ("timeline", "date"))
        if not touches_control:
            assert "2019-control.md" in [p.name for p in written], value


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                               max_size=3),
    max_leaves=12)
SLIDE_KEYS = ["start_date", "end_date", "text", "media", "group", "display_date",
              "background", "unique_id", "headline", "startDate", "endDate", "tag", "asset",
              "year", "month", "day", "hour", "url", "caption", "credit", "color"]
slide_values = st.recursive(
    json_values | st.sampled_from(["2018", "2018,7,19", "<p>x</p>", "https://e.org/a.jpg",
                                   "javascript:alert(1)", "#123456", "\x00\x1b", "\ud800"]),
    lambda inner: st.dictionaries(st.sampled_from(SLIDE_KEYS) | st.text(max_size=6), inner,
                                  max_size=5),
    max_leaves=15)
timelines = st.one_of(
    st.fixed_dictionaries({"events": st.lists(slide_values, max_size=4)},
                          optional={"title": slide_values, "eras": json_values}),
    st.fixed_dictionaries({"timeline": st.fixed_dictionaries(
        {"date": st.lists(slide_values, max_size=4)},
        optional={"era": json_values, "headline": json_values, "asset": json_values})}),
    json_values)


@settings(max_examples=FUZZ_EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(timelines)
def test_any_json_is_imported_into_files_a_build_reads_or_refused(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("fuzz")
    source = write(folder, "t.json", json.dumps(data))
    written = import_or_refuse(source, folder / "events")
    assert parse_problems(written or ()) == []


csv_cells = st.text(max_size=12) | st.sampled_from(["2018", "7", "19", "2:30 PM", "title",
                                                   "era", "<a href='javascript:x'>a</a>"])


@settings(max_examples=FUZZ_EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
# Rows that fit the header's 8 columns, and rows that do not, which are refused.
@given(st.lists(st.lists(csv_cells, min_size=8, max_size=8)
                | st.lists(csv_cells, min_size=1, max_size=9), max_size=4),
       st.sampled_from(["\n", "\r\n", "\r"]))
def test_any_sheet_is_imported_into_files_a_build_reads_or_refused(tmp_path_factory, rows,
                                                                   newline):
    folder = tmp_path_factory.mktemp("fuzz")
    header = "Year,Month,Day,Time,Headline,Text,Group,Type"
    lines = [header] + [",".join('"' + c.replace('"', '""') + '"' for c in row) for row in rows]
    written = import_or_refuse(write(folder, "t.csv", newline.join(lines)), folder / "events")
    assert parse_problems(written or ()) == []


# 2. Nesting: bounded, with a clear message.

@pytest.mark.parametrize("text", ["[" * 100_000, "[" * 17 + "]" * 17,
                                  '{"events": [], "x": ' + "{\"a\": " * 16 + "1" + "}" * 17])
def test_deeply_nested_json_is_refused_in_one_line(tmp_path, text):
    path = write(tmp_path, "deep.json", text)
    with pytest.raises(ImportFailed) as failure:
        import_file(path, tmp_path / "events")
    assert str(failure.value) == (f"{path}: nests lists and objects more than 16 deep; a "
                                  "TimelineJS timeline needs 5, so this is not one")
    assert not (tmp_path / "events").exists()


def slide(headline: str, text: str, year: int = 2000, **more: object) -> dict:
    return {"start_date": {"year": year}, "text": {"headline": headline, "text": text}, **more}


def test_deeply_nested_html_keeps_its_words(tmp_path):
    data = {"events": [slide("Deep", "<div>" * 15_000 + "deep words"),
                       slide("Quoted", "<blockquote>" * 100 + "quoted words", 2001)]}
    report = import_file(write(tmp_path, "t.json", data), tmp_path / "events")
    deep, quoted = (p.read_text(encoding="utf-8") for p in report.written)
    assert deep.endswith("---\ndeep words\n")
    assert quoted.endswith("---\n" + "> " * 20 + "quoted words\n")
    note = ": its text nests HTML more than 20 elements deep; the tags below that were " \
           "dropped and their words kept"
    assert list(report.not_carried) == ["'Deep' (2000)" + note, "'Quoted' (2001)" + note]
    assert parse_problems(report.written) == []


# 3. Spreadsheets as Excel and others save them.

@pytest.mark.parametrize(("name", "text", "problem"), [
    ("big.csv", "Year,Headline,Text\n2000,Fine,x\n2001,Big,\"" + "a" * 140_000 + "\"\n",
     "holds a field of more than 131,072 characters, which no spreadsheet cell holds (Google "
     "Sheets: 50,000)"),
    ("excel.csv", b"Year,Headline\r\n2000,Fine\r\n2001,Caf\xe9\r\n",
     "is not UTF-8 text (byte 0xe9); save it as UTF-8 (in Excel: 'CSV UTF-8')"),
])
def test_a_csv_excel_or_sheets_cannot_have_written_is_refused_naming_its_line(tmp_path, name,
                                                                             text, problem):
    path = write(tmp_path, name, text)
    with pytest.raises(ImportFailed) as failure:
        import_file(path, tmp_path / "events")
    assert str(failure.value) == f"{path}:3: {problem}"
    assert not (tmp_path / "events").exists()


def test_a_csv_with_cr_only_line_ends_is_read(tmp_path):
    path = write(tmp_path, "mac.csv", 'Year,Headline,Text\r2000,Hello,"two\rlines"\r'
                                      '2001,World,x\r')
    report = import_file(path, tmp_path / "events")
    assert [p.name for p in report.written] == ["2000-hello.md", "2001-world.md"]
    assert report.written[0].read_text(encoding="utf-8").endswith("---\ntwo\nlines\n")


def test_a_csv_saved_with_semicolons_is_read(tmp_path):
    path = write(tmp_path, "nl.csv", "Year;Month;Headline;Text\r\n2000;3;Hallo;1,5 miljoen\r\n")
    report = import_file(path, tmp_path / "events")
    assert [p.name for p in report.written] == ["2000-03-hallo.md"]
    assert report.written[0].read_text(encoding="utf-8").endswith("---\n1,5 miljoen\n")


def test_a_csv_with_a_byte_order_mark_is_read(tmp_path):
    path = write(tmp_path, "bom.csv", "\ufeffYear,Headline\r\n2002,Marked\r\n")
    report = import_file(path, tmp_path / "events")
    assert [p.name for p in report.written] == ["2002-marked.md"]


@pytest.mark.parametrize("text", ["", "\ufeff", " \r\n\t\n"])
def test_an_empty_file_is_refused_as_empty(tmp_path, text):
    path = write(tmp_path, "empty.csv", text)
    with pytest.raises(ImportFailed) as failure:
        import_file(path, tmp_path / "events")
    assert str(failure.value) == (f"{path}: is empty; export the timeline again, as "
                                  "TimelineJS JSON or as a TimelineJS spreadsheet saved as CSV")


# 4. Control characters: removed and listed; what is written builds.

def test_control_characters_are_removed_and_listed(tmp_path):
    data = {"title": {"text": {"headline": "Bell\u0007 title"}},
            "events": [slide("N\u0000ul \u001b[31mred", "<p>te\u0008xt</p>", 2004,
                             group="U\u000bK", location={"na\u007fme": "x\u000c"}),
                       slide("Half \ud800 pair", "fine", 2005)]}
    site = new_site(tmp_path / "site")
    report = import_file(write(tmp_path, "t.json", data), site / "content" / "events")
    assert report.title == "Bell title"
    assert list(report.not_carried) == [
        "the title slide: control characters (U+0007) were removed from it: they show as "
        "nothing",
        "'Nul [31mred' (2004): control characters (U+0000, U+0008, U+000B, U+000C, U+001B, "
        "U+007F) were removed from it: they show as nothing"]
    text = report.written[0].read_text(encoding="utf-8")
    assert "title: Nul [31mred\n" in text and "tags:\n- UK\n" in text
    assert "  location:\n    name: x\n" in text and text.endswith("---\ntext\n")
    assert "title: \"Half \ufffd pair\"" in report.written[1].read_text(encoding="utf-8") or \
        "title: Half \ufffd pair" in report.written[1].read_text(encoding="utf-8")
    build(BuildOptions(root=site, output=site / "site"))
    page = read_html(site / "site" / "events" / "2004-nul-31mred" / "index.html")
    assert page.h1.get_text() == "Nul [31mred"


# 5. Script stays out, even on a site that lets raw HTML through.

HOSTILE_TEXT = (
    '<p>A <a href="javascript:alert(1)" onclick="alert(2)">click</a>, '
    '<a href=" JaVaScRiPt:alert(3)">two</a>, <a href="data:text/html,x">three</a>, '
    '<a href="/local/page">four</a>, <a href="#top">five</a>, '
    '<a href="mailto:ada@example.org">mail</a>, <a href="//example.org/x y">six</a>, '
    '<a href="https://example.org/a)b" title=\'say "hi"\'>seven</a>.</p>'
    '<p>&lt;img src=x onerror=alert(4)&gt; &amp;lt;b&amp;gt; {: onclick="alert(5)"} '
    '[z](javascript:alert(6)) `code` &lt;https://example.org&gt;</p>'
    '<p>```{ .py tabindex=0 autofocus onfocus="alert(7)" }</p>'
    '<pre>```\n<img src=x onerror=alert(8)>\n```\n</pre>'
    '<p><img src="javascript:alert(9)" alt="a](javascript:alert(10))"> '
    '<img src="https://example.org/i.png" alt="fine [pic]" onerror="alert(11)"></p>'
    '<p><a href="https://example.org/">x](javascript:alert(12)) [y</a></p>'
    '<ol start="²"><li>one</li></ol>')


def test_links_that_could_run_script_are_dropped_and_markup_stays_text(tmp_path):
    data = {"events": [slide("Hostile", HOSTILE_TEXT, 2006)]}
    report = import_file(write(tmp_path, "t.json", data), tmp_path / "events")
    body = report.written[0].read_text(encoding="utf-8").split("---\n", 2)[2]
    assert body == (
        "A click, two, three, four, five, [mail](mailto:ada@example.org), "
        "[six](https://example.org/x%20y), [seven](https://example.org/a%29b).\n"
        "\n"
        "&lt;img src=x onerror=alert(4)> &amp;lt;b&amp;gt; \\{: onclick=\"alert(5)\"} "
        "\\[z\\](javascript:alert(6)) \\`code\\` &lt;https://example.org>\n"
        "\n"
        "\\`\\`\\`\\{ .py tabindex=0 autofocus onfocus=\"alert(7)\" }\n"
        "\n"
        "````\n```\n\n```\n````\n"
        "\n"
        "a\\](javascript:alert(10)) ![fine \\[pic\\]](https://example.org/i.png)\n"
        "\n"
        "[x\\](javascript:alert(12)) \\[y](https://example.org/)\n"
        "\n"
        "1. one\n")
    label = "'Hostile' (2006): "
    assert [line.removeprefix(label) for line in report.not_carried] == [
        "a link to 'javascript:alert(1)' in its text was left out (its words were kept): "
        "not an http(s) or mailto link",
        "a link to 'JaVaScRiPt:alert(3)' in its text was left out (its words were kept): "
        "not an http(s) or mailto link",
        "a link to 'data:text/html,x' in its text was left out (its words were kept): "
        "not an http(s) or mailto link",
        "a link to '/local/page' in its text was left out (its words were kept): "
        "not an http(s) or mailto link",
        "a link to '#top' in its text was left out (its words were kept): "
        "not an http(s) or mailto link",
        "an image from 'x' in its text was left out (its description was kept): not an "
        "http(s) link",
        "an image from 'javascript:alert(9)' in its text was left out (its description was "
        "kept): not an http(s) link"]


def test_media_and_backgrounds_that_are_not_http_are_listed(tmp_path):
    data = {"events": [
        slide("Media", "", 2007, media={"url": "javascript:alert(1)"},
              background={"url": "data:image/png;base64,AAAA"}),
        slide("Local", "", 2008, media={"url": "images/map.png"})]}
    report = import_file(write(tmp_path, "t.json", data), tmp_path / "events")
    assert list(report.not_carried) == [
        "'Media' (2007): its media 'javascript:alert(1)' was left out: not an http(s) link",
        "'Media' (2007): its background 'data:image/png;base64,AAAA' was left out: not an "
        "http(s) link"]
    media, local = report.written
    assert "media" not in media.read_text(encoding="utf-8")
    # A path is a file beside the timeline: not found there, its address is kept and listed.
    assert "extra:\n  media:\n    url: images/map.png\n" in local.read_text(encoding="utf-8")
    assert report.media_left == ("not found beside the file: images/map.png (1 event)",)


def script_problems(html: str, where: str, whole_page: bool = False) -> list[str]:
    """Event handlers, scripts and links that could run code, in one page or fragment."""
    problems = []
    for tag in BeautifulSoup(html, "html.parser").find_all(True):
        if whole_page and tag.name == "script" and theme_script(tag):
            continue
        if tag.name == "script" and tag.get("type") != "application/ld+json":
            problems.append(f"{where}: {tag}")
        for name, value in tag.attrs.items():
            value = " ".join(value) if isinstance(value, list) else value
            scheme = re.match(r"\s*([a-zA-Z][\w+.-]*):", value)
            if name.lower().startswith("on") or (
                    name in ("href", "src") and scheme and
                    scheme.group(1).lower() not in ("http", "https", "mailto")):
                problems.append(f"{where}: {name}={value!r} on <{tag.name}>")
    return problems


def strings_in(data: object) -> list[str]:
    if isinstance(data, dict):
        return [s for value in data.values() for s in strings_in(value)]
    if isinstance(data, list):
        return [s for value in data for s in strings_in(value)]
    return [data] if isinstance(data, str) else []


@pytest.mark.parametrize("raw_html", [False, True])
def test_a_hostile_but_valid_timeline_imports_and_builds_without_script(tmp_path, raw_html):
    data = {"title": {"text": {"headline": "T\u001b"}}, "events": [
        slide("Hostile \u0000links", HOSTILE_TEXT, 2006, group="x" * 300,
              unique_id="Ω" * 200, media={"url": "https://example.org/m.jpg",
                                          "caption": '<a href="javascript:x">cap</a>',
                                          "credit": "&lt;script&gt;alert(1)&lt;/script&gt;"}),
        slide("Deep", "<div>" * 2_000 + "<b>words</b>", 2007, group="Ω" * 60),
        slide("Quote", "", 2008, media={"url": '<blockquote><a href="javascript:q">q</a>'
                                               '&lt;img src=x onerror=alert(1)&gt;'
                                               '</blockquote>'})]}
    site = new_site(tmp_path / "site", raw_html=raw_html)
    report = import_file(write(tmp_path, "t.json", data), site / "content" / "events")
    assert len(report.written) == 3
    assert f"'Hostile links' (2006): its group '{'x' * 60}…' was left out: it is longer than " \
           "100 characters, as written or in a URL" in report.not_carried
    assert f"'Hostile links' (2006): its unique_id '{'Ω' * 60}…' was left out: it is longer " \
           "than 100 characters, as written or in a URL" in report.not_carried
    build(BuildOptions(root=site, output=site / "site"))
    problems = []
    for page in sorted((site / "site").rglob("*")):
        if page.suffix in (".html", ".xml"):
            problems += script_problems(page.read_text(encoding="utf-8"), page.name, True)
        elif page.suffix == ".json":
            for text in strings_in(json.loads(page.read_text(encoding="utf-8"))):
                problems += script_problems(text, page.name) if "<" in text else []
    assert problems == []
    hostile = read_html(site / "site" / "events" / "2006-hostile-links" / "index.html")
    assert "<img src=x onerror=alert(4)>" in hostile.article.get_text()


# 6. Bounds on what one import reads.

def test_a_file_over_50_mb_is_refused(tmp_path):
    path = tmp_path / "huge.json"
    with path.open("wb") as file:
        file.truncate(50 * 1024 * 1024 + 1)  # sparse: no disk, no time
    with pytest.raises(ImportFailed) as failure:
        import_file(path, tmp_path / "events")
    assert str(failure.value) == (f"{path}: is larger than 50 MB; chronoline imports "
                                  "TimelineJS files up to that size (real ones are far smaller)")
    assert not (tmp_path / "events").exists()


def test_more_than_20000_slides_are_refused(tmp_path):
    path = write(tmp_path, "many.json", {"events": [{}] * 20_001})
    with pytest.raises(ImportFailed) as failure:
        import_file(path, tmp_path / "events")
    assert str(failure.value) == (f"{path}: has 20,001 slides; chronoline imports at most "
                                  "20,000 from one file, so split it into several")
    assert not (tmp_path / "events").exists()


def test_a_slide_of_more_than_100000_characters_is_left_out(tmp_path):
    data = {"events": [slide("Long", "<p>" + "word " * 20_001 + "</p>"), slide("Short", "x")]}
    report = import_file(write(tmp_path, "t.json", data), tmp_path / "events")
    assert [p.name for p in report.written] == ["2000-short.md"]
    assert list(report.not_carried) == [
        "'Long' (2000) was left out: it holds 100,046 characters of text; chronoline imports "
        "at most 100,000 from one slide"]


@pytest.mark.parametrize("name, text", [
    # each took minutes or longer: a pattern that failed in 2^n steps, and work that grew
    # with the square of a slide's length
    ("legacy.json", json.dumps({"timeline": {"date": [{"startDate": "1" + " ,  " * 40 + "x",
                                                       "headline": "h"}]}})),
    ("angles.json", json.dumps({"events": [slide("<p" * 30_000, "<" * 30_000)]})),
    ("list.json", json.dumps({"events": [slide("List", "<ol>" + "<li>a</li>" * 6_000 +
                                               "</ol>")]})),
    ("head.json", json.dumps({"events": [slide("Head", "<table><thead>" +
                                               "<tr><td>a</td></tr>" * 3_000 +
                                               "</thead></table>")]})),
])
def test_slow_inputs_import_without_hanging(tmp_path, name, text):
    """The bound only catches a hang: each takes about a second (the figures before and after
    are in the commit that fixed them)."""
    path = write(tmp_path, name, text)
    result = subprocess.run([sys.executable, "-m", "generator", "import", str(path),
                             "--into", str(tmp_path / "events")], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].startswith("Imported ")


def test_headlines_dates_shown_and_captions_past_their_bounds(tmp_path):
    data = {"events": [slide("Word " * 100, "", 2009, display_date="Spring " * 20,
                             media={"url": "https://example.org/m.jpg", "caption": "c" * 1_001,
                                    "credit": "Credit", "alt": "a" * 1_001})]}
    report = import_file(write(tmp_path, "t.json", data), tmp_path / "events")
    fields = yaml.safe_load(report.written[0].read_text(encoding="utf-8").split("---\n")[1])
    assert fields == {"title": "Word " * 59 + "Word…", "date": "2009",
                      "media": {"url": "https://example.org/m.jpg", "credit": "Credit"}}
    label = f"'{'Word ' * 11}Word…' (2009)"
    assert list(report.not_carried) == [
        f"{label}: its headline was shortened to 300 characters",
        f"{label}: its display_date was left out: it is longer than 100 characters",
        f"{label}: its media caption was left out: it is longer than 1,000 characters",
        f"{label}: its media alt text was left out: it is longer than 1,000 characters"]


def test_a_slide_whose_file_a_build_would_refuse_is_left_out(tmp_path, monkeypatch):
    """Whatever bound a build has, import reads each file back as the build does first."""
    import generator.importer

    def parse_with_a_bound(data: bytes, path: str, *args: object) -> object:
        if b"Refused" in data:
            raise ContentErrors([ContentError(path, "is longer than 3 words", 2, "title")])
        return parse_event(data, path, *args)

    monkeypatch.setattr(generator.importer, "parse_event", parse_with_a_bound)
    data = {"events": [slide("Refused by a build", "", 2010), slide("Kept", "", 2011)]}
    report = import_file(write(tmp_path, "t.json", data), tmp_path / "events")
    assert [p.name for p in report.written] == ["2011-kept.md"]
    assert list(report.not_carried) == [
        "'Refused by a build' (2010) was left out: a build would refuse it (title: is longer "
        "than 3 words)"]


HOSTILE_PARTS = ["`", "\\", "|", "<b onclick=1>", " ", "[", "]", "(javascript:x)", "{: onclick=1}",
                 "\n", ">", "- ", "#", "*", "_", "&lt;i onclick=2&gt;", "<!--", "-->", ":",
                 '<a href="javascript:y">', "</a>", "```{ onfocus=3 }", "&amp;", "<br>"]
WRAPPERS = ["<p>{0} <a href='https://e.org/'>{1}</a> <code>{0}</code></p>",
            "<blockquote><pre>{0}</pre>{1}<code>{1}</code></blockquote>",
            "<ol><li><code>{0}</code><ul><li><pre>{1}</pre>{0}</li></ul></li></ol>",
            "<table><tr><th>{1}</th><th>h</th></tr><tr><td><pre>{0}</pre></td>"
            "<td><code>{1}</code>{0}</td></tr></table>",
            "<dl><dt><pre>{0}</pre></dt><dd><kbd>{1}</kbd></dd></dl><h2>{0}</h2>",
            "<p><img src='https://e.org/i.png' alt='{0}' title='{1}'> {1}</p><pre>{0}</pre>"]


@settings(max_examples=FUZZ_EXAMPLES * 4, deadline=None)
@given(st.sampled_from(WRAPPERS), st.lists(st.sampled_from(HOSTILE_PARTS), max_size=8),
       st.lists(st.sampled_from(HOSTILE_PARTS), max_size=8))
def test_slide_html_stays_text_on_a_site_that_lets_html_through(wrapper, first, second):
    html = wrapper.format(*("".join(part).replace("'", "&#39;") for part in (first, second)))
    markdown, _ = to_markdown(html)
    assert script_problems(render(make_markdown(True), markdown), "page") == []
