"""Hostile event files, built with raw HTML off: no page, feed or export may carry script.

The short profile is a few hundred examples, derandomized so that CI never flakes;
`CHRONOLINE_FUZZ=long` runs thousands, with fresh randomness each time."""

from __future__ import annotations

import json
import os
import re
import tempfile
import time
import xml.etree.ElementTree as etree
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from generator.build import BuildOptions, build
from generator.errors import BuildFailed
from generator.markup import absolute_links, make_markdown, render

from conftest import theme_script

pytestmark = pytest.mark.filterwarnings("ignore::bs4.MarkupResemblesLocatorWarning")
LONG = os.environ.get("CHRONOLINE_FUZZ") == "long"
BASE_URL = "https://example.org/tl/"
CONFIG = f'title = "Fuzz"\nbase_url = "{BASE_URL}"\n'
# Shrinking a failure rebuilds a site hundreds of times; the short profile is derandomized,
# so the failing example it prints fails again.
PHASES = tuple(Phase) if LONG else (Phase.explicit, Phase.reuse, Phase.generate)
HANG = 60.0  # seconds: far beyond any build of a few small files; only a hang gets there
SAFE_SCHEMES = {"http", "https", "mailto", "tel"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "poster", "data", "cite", "background",
                  "xlink:href", "longdesc", "usemap", "ping", "manifest", "codebase", "srcset"}
FORBIDDEN_ELEMENTS = {"iframe", "object", "embed", "frame", "frameset", "base", "form", "svg",
                      "math", "style", "link", "meta"}  # link and meta: only in the head
THEME_SCRIPT_TYPES = {"application/ld+json"}
THEME_SCRIPT = re.compile(r"(\.\./)*assets/[\w-]+\.js")  # the theme's own files

HOSTILE = [
    '```{ .py tabindex=0 autofocus onfocus="alert(1)" }\nx\n```\n',
    "~~~{ #a .b onclick=alert(1) hl_lines=\"1\" }\ny\n~~~\n",
    "```{ data-x=1 style=\"color:red\" }\nz\n```\n",
    '{: onclick="alert(1)" }', "{: href=javascript:alert(1) }", '{: src="data:text/html,x" }',
    '{: style="position:fixed" srcdoc="<script>alert(1)</script>" autofocus onfocus=alert(1) }',
    "{: .c #i ONMOUSEOVER=alert(1) }",
    "[a](javascript:alert(1))", "[a](JaVaScRiPt:alert(1))", "[a](java&#115;cript:alert(1))",
    "[a](&#106;avascript:alert(1))", "[a](&#x6A;avascript:alert(1))", "[a](&#0000106avascript:x)",
    "[a](<java script:alert(1)>)", "[a](jav&#x09;ascript:alert(1))", "[a](jav&Tab;ascript:x)",
    "[a](vbscript:msgbox(1))", "[a](data:text/html;base64,PHNjcmlwdD4=)",
    "![i](data:image/svg+xml,<svg onload=alert(1)>)", "![i](javascript:alert(1))",
    "[a](../../javascript:alert(1))", "![i](../../data:image/png,x)", "[a](../../vbscript:x)",
    "[a](../../../../javascript:alert(1))", "[a](./../../javascript:alert(1))",
    "[a](../../java%0ascript:alert(1))", "[a](../../ javascript:alert(1))",
    "[a](%6Aavascript:alert(1))", "[a]( javascript:alert(1) \"t\")",
    "[x][r]\n\n[r]: javascript:alert(1)\n", "[y][s]\n\n[s]: <data:text/html,x>\n",
    "<javascript:alert(1)>", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>', '<iframe srcdoc="<script>alert(1)</script>">',
    "<svg onload=alert(1)>", "&lt;script&gt;", "[^1]\n\n[^1]: note {: onclick=x }\n",
    "javascript:alert(1)", "https://example.org/a.png", "mailto:a@b.example", "tel:+31",
]
SCHEME_NAMED = ["javascript:alert(1)", "data:image/png,x", "vbscript:x"]
STRUCTURE = ["\n\n", "\n", "# ", "## h {: onclick=x }\n", "| a | b |\n|:--|--:|\n| 1 | 2 |\n",
             "term\n: def\n", "- ", "1. ", "> ", "`", "*", "_", " ", "    ", "[", "]", "(", ")"]
TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)
PIECE = st.one_of(st.sampled_from(HOSTILE), st.sampled_from(STRUCTURE), TEXT)
MARKDOWN = st.lists(PIECE, max_size=12).map("".join)
INLINE = st.lists(st.one_of(st.sampled_from([h for h in HOSTILE if "\n" not in h]), TEXT),
                  min_size=1, max_size=5).map(" ".join)


def quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is YAML's)."""
    return json.dumps(text, ensure_ascii=False)


@st.composite
def event_files(draw: st.DrawFn) -> str:
    lines = ["---", f"title: {quoted(draw(INLINE))}", "date: 2018-07-19",
             "sources:", "  - url: https://example.org/s",
             f"    title: {quoted(draw(INLINE))}", f"    publisher: {quoted(draw(INLINE))}"]
    if draw(st.booleans()):
        lines.append(f"summary: {quoted(draw(INLINE))}")
    if draw(st.booleans()):
        lines += ["media:", "  url: https://example.org/m.png",
                  f"  caption: {quoted(draw(INLINE))}", f"  credit: {quoted(draw(INLINE))}",
                  f"  alt: {quoted(draw(INLINE))}"]
    if draw(st.booleans()):
        lines.append(f"display_date: {quoted(draw(INLINE))}")
    if draw(st.booleans()):
        lines.append(f"tags: [{quoted(draw(INLINE))}, t]")
    if draw(st.booleans()):
        values = [quoted(draw(INLINE)) for _ in range(4)]
        lines += ["extra:", f"  display_date: {values[0]}",
                  "  media:", f"    url: {values[1]}", f"    thumbnail: {values[2]}",
                  "  text:", f"    note: {values[3]}", f"  group: {values[0]}"]
    return "\n".join(lines) + "\n---\n" + draw(MARKDOWN) + "\n"


def browser_scheme(value: str) -> str | None:
    """The scheme a browser's URL parser reads in an attribute value already decoded by the
    HTML parser: C0 controls and spaces around it are trimmed, tabs and newlines removed."""
    cleaned = re.sub(r"[\t\n\r]", "", value.strip("".join(map(chr, range(0x21)))))
    match = re.match(r"([a-zA-Z][a-zA-Z0-9+.\-]*):", cleaned)
    return match.group(1).lower() if match else None


def assert_safe_url(value: str, where: str) -> None:
    scheme = browser_scheme(value)
    resolved = browser_scheme(urljoin(BASE_URL, value)) if scheme is None else scheme
    assert scheme is None or scheme in SAFE_SCHEMES, f"{where}: {value!r}"
    assert resolved in SAFE_SCHEMES | {None}, f"{where}: {value!r} resolves to {resolved}"


def assert_safe_html(html: str, where: str, whole_page: bool = False) -> None:
    soup = BeautifulSoup(html, "html.parser")
    for element in soup.find_all(True):
        name = element.name.lower()
        if name == "script" and whole_page and THEME_SCRIPT.fullmatch(element.get("src", "")):
            assert not element.string, f"{where}: {element}"  # the theme's file, nothing else
            continue
        if name == "script":
            if whole_page and theme_script(element):
                continue
            assert whole_page and element.get("type") in THEME_SCRIPT_TYPES, f"{where}: {element}"
            assert_safe_data(json.loads(element.string), f"{where} JSON-LD")
            continue
        if not (whole_page and (name in ("link", "meta") or name == "svg" and
                                element.parent.get("class") == ["overview"])):
            assert name not in FORBIDDEN_ELEMENTS, f"{where}: <{name}>"
        for attribute, value in element.attrs.items():
            lowered = attribute.lower()
            assert not lowered.startswith("on"), f"{where}: {attribute}= on <{name}>"
            assert lowered != "srcdoc", f"{where}: srcdoc on <{name}>"
            if lowered in URL_ATTRIBUTES:
                assert_safe_url(" ".join(value) if isinstance(value, list) else value,
                                f"{where} <{name} {attribute}>")
        if name == "meta" and element.get("property") in ("og:image", "og:url"):
            assert_safe_url(element.get("content", ""), f"{where} {element.get('property')}")


def strings(data: object, key: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(data, dict):
        for name, value in data.items():
            yield from strings(value, str(name))
    elif isinstance(data, list):
        for value in data:
            yield from strings(value, key)
    elif isinstance(data, str):
        yield key, data


# Which strings of an export a reader shows as HTML: the feeds' and events.json's named ones,
# and in timeline.json every one, as TimelineJS does (titles, groups, dates, captions...).
HTML_KEYS = {"summary_html", "body_html", "content_html", "caption", "credit"}
NOT_HTML_IN_TIMELINEJS = {"unique_id", "alt", "color"}  # set as properties, not markup


def assert_safe_data(data: object, where: str, all_html: bool = False) -> None:
    """Every string of a JSON export or JSON-LD: an address is safe, and HTML in it is too."""
    for key, value in strings(data):
        if re.search(r"(url|link|href|src|thumbnail|@id)$", key, re.IGNORECASE):
            assert_safe_url(value, f"{where} {key}")
        if key in HTML_KEYS or all_html and key not in NOT_HTML_IN_TIMELINEJS:
            assert_safe_html(value, f"{where} {key}")


def assert_site_safe(site: Path) -> None:
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        where = path.relative_to(site).as_posix()
        if where.startswith("pagefind/"):
            # The search index: Pagefind's own data, which no browser reads as a page (the
            # search box makes text of it: tests/test_search_browser.py).
            continue
        text = path.read_text(encoding="utf-8") if path.suffix != ".gz" else ""
        if path.suffix == ".html":
            assert_safe_html(text, where, whole_page=True)
        elif path.suffix == ".json":
            assert_safe_data(json.loads(text), where, all_html=path.name == "timeline.json")
        elif path.suffix == ".xml":
            for element in etree.fromstring(text.encode("utf-8")).iter():
                for name in ("href", "{http://www.w3.org/2005/Atom}href"):
                    if name in element.attrib:
                        assert_safe_url(element.attrib[name], f"{where} {element.tag}")
                if element.get("type") == "html" and element.text:
                    assert_safe_html(element.text, f"{where} {element.tag}")
        elif path.suffix == ".ics":
            unfolded = text.replace("\r\n ", "")
            for line in unfolded.split("\r\n"):
                if line.startswith("URL:"):
                    assert_safe_url(line[4:], f"{where} URL")


def build_hostile(files: list[str]) -> None:
    with tempfile.TemporaryDirectory(prefix="chronoline-fuzz-") as folder:
        root = Path(folder)
        (root / "chronoline.toml").write_text(CONFIG, encoding="utf-8")
        (root / "content").mkdir()
        for number, text in enumerate(files):
            (root / "content" / f"e{number}.md").write_text(text, encoding="utf-8")
        # Files named like the hostile links' paths, so that those links name files under
        # content/ (a link to a file that is not there stops the build) and reach the pages.
        for name in SCHEME_NAMED:
            (root / "content" / name).parent.mkdir(parents=True, exist_ok=True)
            (root / "content" / name).write_text("x", encoding="utf-8")
        started = time.monotonic()
        try:
            build(BuildOptions(root=root, jobs=1))
        except BuildFailed as failed:  # a clear error is fine; hostile input may be bad input
            assert failed.errors
            return
        finally:
            assert time.monotonic() - started < HANG, "the build hung"
        assert_site_safe(root / "site")


@settings(max_examples=3000 if LONG else 90, derandomize=not LONG, deadline=None, phases=PHASES,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(event_files(), min_size=1, max_size=3))
def test_no_script_reaches_any_output_from_hostile_events(files):
    build_hostile(files)


@settings(max_examples=1000 if LONG else 50, derandomize=not LONG, deadline=None, phases=PHASES,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(HOSTILE), min_size=1, max_size=6).map("\n\n".join),
       st.lists(st.sampled_from([h for h in HOSTILE if "\n" not in h]), min_size=1,
                max_size=3).map(" ".join))
def test_each_hostile_fragment_is_harmless_in_body_and_summary(body, summary):
    build_hostile([f"---\ntitle: T\ndate: 2018\nsummary: {quoted(summary)}\n---\n{body}\n"])


@settings(max_examples=20_000 if LONG else 300, derandomize=not LONG, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(MARKDOWN)
def test_markdown_syntax_sets_no_script_with_raw_html_on_or_off(text):
    """Markdown alone, many times faster than a build: whatever its syntax asks for, with
    raw HTML off, or on but with no raw HTML written, no script comes out, nor once its
    links are made absolute for a feed."""
    modes = (False, True) if "<" not in text else (False,)
    for raw_html in modes:
        html = render(make_markdown(raw_html), text)
        assert_safe_html(html, f"raw_html={raw_html}")
        assert_safe_html(absolute_links(html, BASE_URL + "events/e/"), "absolute")
