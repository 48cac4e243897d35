"""No script from Markdown: not through its attributes, not through a link rebased for another
page, not in a feed or an export; and `check` says what was left out and why."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from generator.build import BuildOptions
from generator.check import check
from generator.importer import import_file
from generator.markup import absolute_links, make_markdown, removals, render

from conftest import build_site, event_file, read_html

FENCE = '```{ .py tabindex=0 autofocus onfocus="alert(document.domain)" }\nprint(1)\n```'
BASE = 'title = "T"\nbase_url = "https://example.org/tl/"\n'
RAW = BASE + "raw_html = true\n"


def rendered(text: str, raw_html: bool = False) -> BeautifulSoup:
    return BeautifulSoup(render(make_markdown(raw_html), text), "html.parser")


def attributes(soup: BeautifulSoup) -> set[str]:
    return {name for element in soup.find_all(True) for name in element.attrs}


@pytest.mark.parametrize("raw_html", [False, True])
def test_a_fenced_block_gets_only_an_id_classes_and_a_language(raw_html):
    soup = rendered('```{ #listing .py .wide tabindex=0 onfocus="alert(1)" }\nx = 1\n```',
                    raw_html)
    assert str(soup.pre) == ('<pre class="wide" id="listing"><code class="language-py">x = 1\n'
                             "</code></pre>")


@pytest.mark.parametrize("raw_html", [False, True])
@pytest.mark.parametrize("text", [
    "# Heading {: onclick=alert(1) #h }",
    "Para\n{: onmouseover=alert(1) style=\"position:fixed\" tabindex=0 autofocus }",
    "| a |\n|---|\n| 1 |\n{: onclick=alert(1) }",
    "term\n: definition\n{: onclick=alert(1) }",
    "Text[^1]\n\n[^1]: note\n    {: onclick=alert(1) }",
    "![i](https://example.org/i.png){: onerror=alert(1) srcdoc=x }",
    "[a](https://example.org/){: href=\"javascript:alert(1)\" onclick=alert(1) }",
    "- item\n{: onclick=alert(1) }",
    "> quote\n{: onclick=alert(1) }",
])
def test_attribute_lists_cannot_add_handlers_or_script_links(text, raw_html):
    soup = rendered(text, raw_html)
    assert attributes(soup) <= {"id", "class", "href", "src", "alt", "title"}
    assert "javascript" not in str(soup)


def test_attribute_lists_keep_what_is_inert():
    soup = rendered("![i](https://example.org/i.png){: width=300 height=200 title=T lang=nl }")
    assert soup.img.attrs == {"src": "https://example.org/i.png", "alt": "i", "width": "300",
                              "height": "200", "title": "T", "lang": "nl"}


def test_table_alignment_is_kept():
    soup = rendered("| a | b |\n|:--|--:|\n| 1 | 2 |")
    assert [th["style"] for th in soup.find_all("th")] == ["text-align: left;",
                                                         "text-align: right;"]


def test_raw_html_stays_the_authors_when_the_site_trusts_them():
    soup = rendered('<span onclick="go()">x</span> [y](javascript:go())', raw_html=True)
    assert soup.span["onclick"] == "go()"
    assert soup.a.attrs == {}  # the Markdown link is Markdown's, and loses its address


def test_what_was_left_out_is_told():
    md = make_markdown(raw_html=False)
    render(md, FENCE + "\n\n[x](JavaScript:alert(2))\n{: onclick=y }")
    assert [(r.what, r.why) for r in removals(md)] == [
        ('tabindex="0"', "a fenced block may set only an id, classes and a language"),
        ("autofocus", "a fenced block may set only an id, classes and a language"),
        ('onfocus="alert(document.domain)"',
         "a fenced block may set only an id, classes and a language"),
        ('onclick="y"', "an event handler runs script; Markdown may set only id, class, "
                        "title, lang, dir, alt, width, height"),
        ('href="JavaScript:alert(2)"', "a javascript: address can run script or hide "
                                       "content; link to http(s), mailto or a path in the site"),
    ]
    render(md, "plain")
    assert removals(md) == ()


def test_a_fence_handler_reaches_no_page_or_export(make_site):
    root = make_site({"content/e.md": event_file(body="Intro.\n\n" + FENCE)}, config=BASE)
    build_site(root)
    site = root / "site"
    code = read_html(site / "events/e/index.html").find("code")
    assert code.attrs == {"class": ["language-py"]}
    for name in ("events.json", "timeline.json", "feed.json", "feed.xml"):
        text = (site / name).read_text(encoding="utf-8")
        assert "onfocus" not in text and "autofocus" not in text and "tabindex" not in text, name


SUMMARY = ("summary: \"[click me](../../javascript:alert(1)) "
           "![i](../../data:image/svg+xml,x) [ok](../other/)\"")
# Files whose names read as schemes, so that the summary's links name files under content/
# (a link to a file that is not there stops the build).
SCHEME_NAMED = {"content/javascript:alert(1)": "x", "content/data:image/svg+xml,x": "x"}


def summary_links(page: Path) -> list[str]:
    article = read_html(page).find("article", id="event-e")
    return [tag.get("href") or tag.get("src") for tag in article.select(".summary [href], "
                                                                         ".summary [src]")]


@pytest.mark.parametrize(("page", "links"), [
    ("index.html", ["javascript%3Aalert(1)", "data%3Aimage/svg+xml,x", "events/other/"]),
    ("2018/index.html", ["../javascript%3Aalert(1)", "../data%3Aimage/svg+xml,x",
                         "../events/other/"]),
])
def test_a_rebased_summary_link_stays_a_path(make_site, page, links):
    root = make_site({"content/e.md": "---\ntitle: E\ndate: 2018-07-19\n" + SUMMARY +
                      "\n---\nBody.\n", **SCHEME_NAMED}, config=BASE)
    build_site(root)
    assert summary_links(root / "site" / page) == links


def test_links_that_resolve_to_script_are_left_out_of_feeds():
    html = ('<p><a href="javascript:alert(1)">a</a> <img src="data:image/png,x" alt="i"> '
            '<a href="../x/">b</a></p><pre><code>href="../keep"</code></pre>')
    assert absolute_links(html, "https://example.org/tl/events/e/") == (
        '<p><a>a</a> <img alt="i"> <a href="https://example.org/tl/events/x/">b</a></p>'
        '<pre><code>href="../keep"</code></pre>')


def test_a_trusted_authors_script_link_stays_off_the_feeds(make_site):
    body = '<a href="javascript:alert(1)">raw</a> and <a href="../f/">f</a>'
    root = make_site({"content/e.md": event_file(body=body)}, config=RAW)
    build_site(root)
    site = root / "site"
    item = json.loads((site / "feed.json").read_text(encoding="utf-8"))["items"][0]
    assert item["content_html"].startswith('<p><a>raw</a> and <a href="https://example.org/tl/'
                                           'events/f/">f</a></p>')
    assert "javascript" not in (site / "feed.xml").read_text(encoding="utf-8")
    assert "javascript" not in (site / "timeline.json").read_text(encoding="utf-8")


def test_extra_fields_carry_no_script_into_the_exports(make_site):
    extra = ('extra:\n  display_date: "<img src=x onerror=alert(1)>"\n'
             '  media:\n    thumbnail: "javascript:alert(2)"\n    link: " JaVaScript:alert(3)"\n'
             '    note: "VBScript:x"\n  location: {lat: 39.5, name: "Rome: Forum"}\n'
             '  type: overview')
    root = make_site({"content/e.md": "---\ntitle: E\ndate: 2018-07-19\n" + extra +
                      "\n---\nBody.\n"}, config=BASE)
    build_site(root)
    site = root / "site"
    slide = json.loads((site / "timeline.json").read_text(encoding="utf-8"))["events"][0]
    assert slide["display_date"] == "&lt;img src=x onerror=alert(1)&gt;"
    assert slide["media"] == {}
    assert "script" not in (site / "timeline.json").read_text(encoding="utf-8").lower()
    assert slide["location"] == {"lat": 39.5, "name": "Rome: Forum"}
    assert slide["type"] == "overview"
    record = json.loads((site / "events.json").read_text(encoding="utf-8"))["events"][0]
    assert record["extra"] == {"display_date": "&lt;img src=x onerror=alert(1)&gt;",
                               "location": {"lat": 39.5, "name": "Rome: Forum"},
                               "media": {}, "type": "overview"}


def test_a_tag_is_text_in_the_timelinejs_group(make_site):
    root = make_site({"content/e.md": event_file(tags='["<img src=x onerror=alert(1)>"]')},
                     config=BASE)
    build_site(root)
    slide = json.loads((root / "site/timeline.json").read_text(encoding="utf-8"))["events"][0]
    assert slide["group"] == "&lt;img src=x onerror=alert(1)&gt;"  # TimelineJS: innerHTML


def test_a_share_image_is_only_http(make_site):
    root = make_site({"content/e.md": event_file()},
                     config=BASE + 'image = "javascript:alert(1)"\n')
    build_site(root)
    assert read_html(root / "site/index.html").find("meta", property="og:image") is None


def test_check_says_what_was_left_out_and_where(make_site):
    text = ("---\ntitle: E\ndate: 2018-07-19\n"
            "summary: \"[s](vbscript:x)\"\n"
            "media:\n  url: https://example.org/a.png\n"
            "  caption: \"[c](javascript:alert(3)){: onclick=alert(4) }\"\n"
            "sources: [https://example.org/s]\n"
            "---\nIntro.\n\n" + FENCE + "\n\nPara with [bad](java&#115;cript:alert(2))\n"
            "{: onmouseover=\"alert(5)\" }\n")
    root = make_site({"content/e.md": text, "content/plain.md": event_file(
        body="[a](https://example.org/) [b](../x/)", sources="[https://example.org/s]")})
    report = check(BuildOptions(root=root))
    assert [str(w) for w in report.warnings if "left out" in w.message] == [
        "content/e.md:4: summary: href=\"vbscript:x\" was left out: a vbscript: address can "
        "run script or hide content; link to http(s), mailto or a path in the site",
        "content/e.md:7: media.caption: href=\"javascript:alert(3)\" was left out: a "
        "javascript: address can run script or hide content; link to http(s), mailto or a "
        "path in the site",
        "content/e.md:7: media.caption: onclick=\"alert(4)\" was left out: an event handler "
        "runs script; Markdown may set only id, class, title, lang, dir, alt, width, height",
        "content/e.md:12: body: tabindex=\"0\" was left out: a fenced block may set only an "
        "id, classes and a language",
        "content/e.md:12: body: autofocus was left out: a fenced block may set only an id, "
        "classes and a language",
        "content/e.md:12: body: onfocus=\"alert(document.domain)\" was left out: a fenced "
        "block may set only an id, classes and a language",
        "content/e.md:17: body: onmouseover=\"alert(5)\" was left out: an event handler runs "
        "script; Markdown may set only id, class, title, lang, dir, alt, width, height",
        "content/e.md:16: body: href=\"java&#115;cript:alert(2)\" was left out: a javascript: "
        "address can run script or hide content; link to http(s), mailto or a path in the site",
    ]


HOSTILE = ("---\ntitle: Hostile\ndate: 2018-07-19\n" + SUMMARY + "\n"
           "media:\n  url: https://example.org/a.png\n"
           "  caption: \"[c](javascript:alert(3)){: onmouseover=alert(4) }\"\n"
           "---\nIntro.\n\n" + FENCE + "\n\n"
           "[bad](java&#115;cript:alert(2)){: autofocus onfocus=alert(5) tabindex=0 }\n")


def test_no_dialog_opens_in_a_browser(browser, make_site):
    root = make_site({"content/e.md": HOSTILE, **SCHEME_NAMED}, config=BASE)
    build_site(root)
    dialogs: list[str] = []

    def opened(url: str):
        page = browser.new_page()
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(url)  # an autofocus with a handler fires as the page loads
        return page

    for path in ("index.html", "2018/index.html", "events/e/index.html"):
        url = (root / "site" / path).as_uri()
        page = opened(url)
        count = page.locator("main a[href]").count()
        page.close()
        for number in range(count):  # each link clicked on a page of its own: most go away
            page = opened(url)
            link = page.locator("main a[href]").nth(number)
            link.hover()
            link.click(no_wait_after=True)
            page.close()
    assert dialogs == []


@pytest.mark.filterwarnings("ignore::bs4.MarkupResemblesLocatorWarning")  # URLs read as HTML
def test_an_imported_slide_brings_no_script(make_site, tmp_path):
    slide = {"start_date": {"year": 2018, "month": 7, "day": 19},
             "text": {"headline": "Fence", "text": (
                 '<p>```{ .py autofocus onfocus="alert(1)" }</p><p>x = 1</p><p>```</p>'
                 '<p><a href="javascript:alert(2)">a</a></p>')},
             "media": {"url": "https://example.org/a.png", "thumbnail": "javascript:alert(3)"}}
    (tmp_path / "tl.json").write_text(json.dumps({"events": [slide]}), encoding="utf-8")
    root = make_site({}, config=BASE)
    import_file(tmp_path / "tl.json", root / "content" / "events")
    build_site(root)
    site = root / "site"
    page = next(site.glob("events/*/index.html"))
    assert {name for element in read_html(page).main.find_all(True)
            for name in element.attrs} <= {"id", "class", "href", "src", "alt", "datetime",
                                           "loading", "aria-label", "rel", "width", "height"}
    for name in ("events.json", "timeline.json", "feed.json"):
        text = (site / name).read_text(encoding="utf-8")
        assert "javascript" not in text, name
        # The fence's words may stay as text; no string of the export, read as HTML (as
        # TimelineJS reads them), has an attribute.
        for value in strings(json.loads(text)):
            assert not attributes(BeautifulSoup(value, "html.parser")) - {"href", "src"}, name


def strings(value: object) -> list[str]:
    """Every string inside a JSON value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in strings(item)]
    return []
