"""A TimelineJS slide's HTML as Markdown that stays text, even on a site with raw_html = true."""

from __future__ import annotations

import re
import warnings
from urllib.parse import quote, urlsplit

from bs4 import BeautifulSoup, NavigableString, Tag

# markdownify's own type hints (its __init__.pyi) leave out strip_pre and the converter's
# methods that a converter of one's own overrides and calls: the ignores below are for those.
from markdownify import MarkdownConverter, strip_pre  # type: ignore[attr-defined]

# Elements inside one another. Real slides nest fewer than ten; Python's stack (markdownify
# converts by recursion) and the Markdown it would write set the bound.
MAX_DEPTH = 20
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
IMAGE_SCHEMES = frozenset({"http", "https"})
# Outside code, text that Markdown (with a site's raw_html = true) would read as markup rather
# than words: a tag or character reference, a link or image, an attribute list, a code span.
_ENTITY = re.compile(r"&(?=#?\w+;)")
_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")
_MARKUP = re.compile(r"[\[\]{`]")
# Quoted inside a link's address, so that the address ends where the link says it does.
_NOT_IN_LINKS = re.compile(r"[\s<>\"{}|\\^`()\[\]]")
_BACKTICKS = re.compile(r"`+")
# Elements inside which Python-Markdown reads no fenced code block.
_CONTAINERS = frozenset({"blockquote", "li", "ul", "ol", "dd", "dt", "dl", "table", "tr", "td",
                         "th", "_inline"})


def to_markdown(html: str) -> tuple[str, tuple[str, ...]]:
    """`html` as Markdown, and one line for each part of it left out, saying why."""
    with warnings.catch_warnings():  # text that looks like a URL makes BeautifulSoup warn
        warnings.simplefilter("ignore")
        soup = BeautifulSoup(html, "html.parser")
    notes: list[str] = []
    if _flatten_below(soup, MAX_DEPTH):
        notes.append(f"its text nests HTML more than {MAX_DEPTH} elements deep; the tags "
                     "below that were dropped and their words kept")
    for head in soup.find_all("thead"):
        # markdownify counts a head's rows once per row; a Markdown table has one head row
        if len(head.find_all("tr", recursive=False)) > 1:
            head.name = "tbody"
    converter = _SafeConverter(notes)
    return converter.convert_soup(soup).strip(), tuple(notes)


def safe_link(href: str, schemes: frozenset[str] = LINK_SCHEMES) -> str:
    """`href` as a link Markdown cannot misread, or "" if its scheme is not one of `schemes`."""
    text = href.strip()
    text = "https:" + text if text.startswith("//") else text
    try:
        parts = urlsplit(text)
    except ValueError:
        return ""
    if parts.scheme.lower() not in schemes or (parts.scheme.lower() != "mailto"
                                               and not parts.hostname):
        return ""
    return _NOT_IN_LINKS.sub(lambda m: quote(m.group()), text)


def _flatten_below(soup: BeautifulSoup, limit: int) -> bool:
    """Replace what is inside each element at depth `limit` by its text; True if any was."""
    flattened = False
    stack: list[tuple[Tag, int]] = [(soup, 0)]
    while stack:
        tag, depth = stack.pop()
        children = [child for child in tag.children if isinstance(child, Tag)]
        if depth == limit and children:
            words = tag.get_text()
            tag.clear()
            tag.append(NavigableString(words))
            flattened = True
            continue
        stack.extend((child, depth + 1) for child in children)
    return flattened


class _SafeConverter(MarkdownConverter):
    """markdownify, writing only links it checked and text that stays text."""

    def __init__(self, notes: list[str]) -> None:
        super().__init__(heading_style="ATX", bullets="-")
        self.notes = notes
        self.numbers: dict[int, int] = {}

    def escape(self, text: str, parent_tags: set[str]) -> str:
        # Backslashes first, so that each one after this is an escape of ours: a slide's
        # own "\`" must not cancel the escape of its backtick.
        text = super().escape(  # type: ignore[misc]
            text.replace("\\", "\\\\"), parent_tags)
        text = _ENTITY.sub("&amp;", text)
        text = _TAG_START.sub("&lt;", text)
        return _MARKUP.sub(lambda m: "\\" + m.group(), text)

    def convert_a(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        href = str(el.get("href") or "")
        if "_noformat" in parent_tags or not text.strip() or not href.strip():
            return text
        link = safe_link(href)
        if not link:
            self.notes.append(f"a link to '{_short(href)}' in its text was left out (its "
                              "words were kept): not an http(s) or mailto link")
            return text
        # No title: Markdown reads code spans before links, so a backtick in a title could
        # pair with one after it and leave the rest of the title as HTML.
        return f"[{text}]({link})"

    def convert_img(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        alt = self.escape(" ".join(str(el.get("alt") or "").split()), parent_tags)
        src = str(el.get("src") or "")
        link = safe_link(src, IMAGE_SCHEMES)
        if not link:
            if src.strip():
                self.notes.append(f"an image from '{_short(src)}' in its text was left out "
                                  "(its description was kept): not an http(s) link")
            return alt
        if "_inline" in parent_tags:
            return alt
        return f"![{alt}]({link})"

    def convert_video(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        source = el.find("source", src=True)
        src = str(el.get("src") or (source.get("src") if source else "") or "")
        link = safe_link(src, IMAGE_SCHEMES)
        if src.strip() and not link:
            self.notes.append(f"a video from '{_short(src)}' in its text was left out: "
                              "not an http(s) link")
        return f"[{text or 'video'}]({link})" if link and "_inline" not in parent_tags else text

    def convert_code(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        # On one line: in a quotation or a list, a line of code that starts with ">" or "-"
        # would end the code span and go on as Markdown (or HTML, with raw_html = true).
        return super().convert_code(  # type: ignore[misc]
            el, " ".join(text.splitlines()), parent_tags)

    convert_kbd = convert_samp = convert_code

    def convert_pre(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        if not text:
            return ""
        if parent_tags & _CONTAINERS:  # where Markdown has no fenced code: a code span
            return f"\n\n{self.convert_code(el, strip_pre(text), parent_tags)}\n\n"
        # A fence longer than any run of backticks inside, so the code cannot close it early
        # and go on as Markdown (or as HTML, on a site with raw_html = true).
        longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
        fence = "`" * max(3, longest + 1)
        return f"\n\n{fence}\n{strip_pre(text)}\n{fence}\n\n"

    def convert_li(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        parent = el.parent
        if parent is None or parent.name != "ol":
            return super().convert_li(el, text, parent_tags)  # type: ignore[misc]
        # markdownify counts an item's earlier siblings for its number, once per item: a list
        # of 10,000 items took 16 s. Counted here once per list.
        if id(el) not in self.numbers:
            start = str(parent.get("start") or "")
            first = int(start) if start.isascii() and start.isdigit() and len(start) < 10 else 1
            items = parent.find_all("li", recursive=False)
            self.numbers.update((id(item), first + n) for n, item in enumerate(items))
        text = (text or "").strip()
        if not text:
            return "\n"
        bullet = f"{self.numbers[id(el)]}. "
        indent = " " * len(bullet)
        lines = [indent + line if line else "" for line in text.split("\n")]
        return bullet + "\n".join(lines)[len(bullet):] + "\n"


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"
