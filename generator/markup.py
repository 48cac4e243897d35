"""One configured Python-Markdown, safe by default.

Whatever `raw_html` says, attributes that Markdown's own syntax sets (attribute lists on any
element, a fenced block's `{ ... }`) are limited to a few that cannot run script, and links and
images that Markdown writes keep only http(s), mailto, tel and relative addresses. Raw HTML is
the only way to more, and only when a site sets `raw_html = true`."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

import markdown
from markdown.extensions import Extension
from markdown.extensions.fenced_code import FencedBlockPreprocessor, FencedCodeExtension
from markdown.treeprocessors import Treeprocessor

EXTENSIONS = ["tables", "footnotes", "attr_list", "def_list", "sane_lists"]
SAFE_SCHEMES = {"http", "https", "mailto", "tel"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "cite", "poster", "background", "data",
                  "xlink:href", "srcset", "longdesc", "usemap", "ping", "manifest", "codebase"}
# What Markdown's syntax may set on an element: its own attributes (links, images, footnotes,
# ordered lists' start) and inert ones an author may want through `{: ... }`.
ALLOWED_ATTRIBUTES = frozenset({"id", "class", "title", "lang", "dir", "alt", "width", "height",
                                "href", "src", "start"})
ALLOWED_NAMES = "id, class, title, lang, dir, alt, width, height"
_ALIGNMENT = re.compile(r"text-align: (?:left|right|center);")  # the tables extension's style
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_IGNORED_IN_URLS = re.compile(r"[\x00-\x20\x7f]+")


@dataclass(frozen=True)
class Removal:
    """An attribute Markdown's syntax asked for that the page does not get, and why."""

    name: str
    value: str
    why: str

    @property
    def what(self) -> str:
        """The attribute as it would have been written, its value shortened."""
        if not self.value or self.value == self.name:
            return self.name
        value = self.value if len(self.value) <= 60 else self.value[:57] + "..."
        return f'{self.name}="{value}"'


def make_markdown(raw_html: bool) -> markdown.Markdown:
    """A Markdown converter; without `raw_html`, HTML in the text is shown as text."""
    extensions: list = [*EXTENSIONS, _SafeFencedCode(), _SafeExtension(raw_html)]
    return markdown.Markdown(extensions=extensions, output_format="html")


# A relative address in a link or picture (and whether it is a picture) → the address to write
# instead and the picture's size, or None to keep it as it is (see localrefs).
Refer = Callable[[str, bool], tuple[str, tuple[int, int] | None] | None]


def render(md: markdown.Markdown, text: str, refer: Refer | None = None) -> str:
    """Markdown text → HTML, with the converter reset so footnotes never leak between files;
    `refer` rewrites the relative addresses of the links and pictures Markdown makes."""
    md.reset()
    extension = _safe_extension(md)
    if extension is None or refer is None:
        return md.convert(text)
    extension.refer = refer
    try:
        return md.convert(text)
    finally:
        extension.refer = None


def removals(md: markdown.Markdown) -> tuple[Removal, ...]:
    """What the last `render` with `md` left out of the HTML for safety, in order."""
    extension = _safe_extension(md)
    return tuple(extension.removed) if extension is not None else ()


def _safe_extension(md: markdown.Markdown) -> _SafeExtension | None:
    for extension in md.registeredExtensions:
        if isinstance(extension, _SafeExtension):
            return extension
    return None


def url_scheme(value: str) -> str | None:
    """The scheme a browser reads in an attribute's value (entities decoded, as the HTML parser
    does, and spaces and control characters ignored, as the URL parser does), or None."""
    cleaned = _IGNORED_IN_URLS.sub("", html.unescape(value)).lower()
    match = _SCHEME.match(cleaned)
    return match.group(1) if match else None


def is_safe_url(value: str) -> bool:
    """True for relative, http(s), mailto and tel URLs; false for javascript:, data: and so on."""
    scheme = url_scheme(value)
    return scheme is None or scheme in SAFE_SCHEMES


def unsafe_url_reason(value: str) -> str:
    return (f"a {url_scheme(value)}: address can run script or hide content; "
            "link to http(s), mailto or a path in the site")


def attribute_problem(name: str, value: str, tag: str) -> str | None:
    """Why an attribute set through Markdown's syntax may not stay, or None if it may."""
    lowered = name.lower()
    if lowered.startswith("on"):
        return "an event handler runs script; Markdown may set only " + ALLOWED_NAMES
    if lowered == "style" and tag in ("th", "td") and _ALIGNMENT.fullmatch(value):
        return None
    if lowered not in ALLOWED_ATTRIBUTES:
        return "Markdown may set only " + ALLOWED_NAMES
    if lowered in URL_ATTRIBUTES and not is_safe_url(value):
        return unsafe_url_reason(value)
    return None


class _SafeExtension(Extension):
    def __init__(self, raw_html: bool) -> None:
        super().__init__()
        self.raw_html = raw_html
        self.removed: list[Removal] = []
        self.refer: Refer | None = None  # set by render() for one text

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown's API)
        md.registerExtension(self)  # so that md.reset() calls our reset()
        if not self.raw_html:
            # Without these two, HTML written in the text stays text and is escaped on output.
            md.preprocessors.deregister("html_block")
            md.inlinePatterns.deregister("html")
        # Runs after attr_list (priority 8), which is where `{: onclick=... }` would come from.
        # Raw HTML is stashed apart from the tree, so this sees only what Markdown made.
        md.treeprocessors.register(_AttributeFilter(md, self.removed), "chronoline_safe", 0)
        # After Markdown's own unescaping (priority 0), which finishes the addresses.
        md.treeprocessors.register(_LocalAddresses(md, self), "chronoline_local", -1)

    def reset(self) -> None:
        self.removed.clear()


class _AttributeFilter(Treeprocessor):
    """Keeps only the attributes in ALLOWED_ATTRIBUTES, with safe addresses."""

    def __init__(self, md: markdown.Markdown, removed: list[Removal]) -> None:
        super().__init__(md)
        self.removed = removed

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            for name, value in list(element.attrib.items()):
                problem = attribute_problem(name, value, str(element.tag))
                if problem:
                    del element.attrib[name]
                    self.removed.append(Removal(name, value, problem))


class _LocalAddresses(Treeprocessor):
    """Rewrites the relative addresses of the links and pictures Markdown made, with the
    `refer` of the text being rendered; a picture gains its size unless the text gave one."""

    def __init__(self, md: markdown.Markdown, extension: _SafeExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, root: etree.Element) -> None:
        refer = self.extension.refer
        if refer is None:
            return
        for element in root.iter():
            if element.tag not in ("a", "img"):
                continue
            name = "src" if element.tag == "img" else "href"
            value = element.get(name)
            if not value or url_scheme(value) is not None or value.startswith("#"):
                continue
            found = refer(value, element.tag == "img")
            if found is None:
                continue
            address, size = found
            element.set(name, address)
            if size is not None and element.get("width") is None \
                    and element.get("height") is None:
                element.set("width", str(size[0]))
                element.set("height", str(size[1]))


class _SafeFencedCode(FencedCodeExtension):
    """Fenced code whose `{ ... }` gives only an id, classes and a language.

    Python-Markdown writes a fenced block as finished HTML, stashed past every tree processor,
    and turns each `key=value` of its braces into an attribute of `<code>` as written."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown's API)
        md.registerExtension(self)
        md.preprocessors.register(_SafeFencedBlocks(md, self.getConfigs()), "fenced_code_block", 25)


class _SafeFencedBlocks(FencedBlockPreprocessor):
    def handle_attrs(self, attrs: Iterable[tuple[str, str | None]],
                     ) -> tuple[str, list[str], dict[str, Any]]:
        kept = []
        for key, value in attrs:
            if key in ("id", "."):
                kept.append((key, value))
            else:  # with no highlighter, every other key becomes an attribute as written
                self._removed().append(Removal(key, value or "",
                                               "a fenced block may set only an id, classes "
                                               "and a language"))
        # types-Markdown still says every value is a str; Python-Markdown reads None as a
        # key given without a value.
        return super().handle_attrs(kept)  # type: ignore[arg-type]

    def _removed(self) -> list[Removal]:
        extension = _safe_extension(self.md)
        return extension.removed if extension is not None else []


_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


def to_text(html_text: str) -> str:
    """Rendered HTML → plain text on one line, for descriptions and feeds' summaries."""
    return _SPACE.sub(" ", html.unescape(_TAG.sub("", html_text))).strip()


# Text never holds a raw "<" (it is escaped), and Markdown writes attributes in double quotes.
_LINKING_TAG = re.compile(r"<[a-zA-Z][^>]*>")
_URL_ATTRIBUTE = re.compile(r'(\s)(href|src)="([^"]*)"')


def absolute_links(html_text: str, base: str) -> str:
    """Every href and src in `html_text` made absolute against `base`, for use off the site;
    one whose address, once resolved, is not http(s), mailto or tel is left out."""

    def resolve(match: re.Match) -> str:
        url = urljoin(base, html.unescape(match.group(3)))
        if not is_safe_url(url):
            return ""
        return f'{match.group(1)}{match.group(2)}="{html.escape(url)}"'

    return _LINKING_TAG.sub(lambda tag: _URL_ATTRIBUTE.sub(resolve, tag.group()), html_text)
