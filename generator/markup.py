"""One configured Python-Markdown, safe by default."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from urllib.parse import urljoin

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

EXTENSIONS = ["tables", "footnotes", "attr_list", "fenced_code", "def_list", "sane_lists"]
SAFE_SCHEMES = {"http", "https", "mailto", "tel"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "cite", "poster", "background", "data",
                  "xlink:href", "srcset", "longdesc", "usemap", "ping", "manifest", "codebase"}
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_IGNORED_IN_URLS = re.compile(r"[\x00-\x20\x7f]+")


def make_markdown(raw_html: bool) -> markdown.Markdown:
    """A Markdown converter; without `raw_html`, HTML in the text is shown as text."""
    extensions: list = list(EXTENSIONS)
    if not raw_html:
        extensions.append(_SafeExtension())
    return markdown.Markdown(extensions=extensions, output_format="html")


def render(md: markdown.Markdown, text: str) -> str:
    """Markdown text → HTML, with the converter reset so footnotes never leak between files."""
    md.reset()
    return md.convert(text)


def is_safe_url(value: str) -> bool:
    """True for relative, http(s), mailto and tel URLs; false for javascript:, data: and so on."""
    cleaned = _IGNORED_IN_URLS.sub("", html.unescape(value)).lower()
    match = _SCHEME.match(cleaned)
    return match is None or match.group(1) in SAFE_SCHEMES


class _SafeExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown's API)
        # Without these two, HTML written in the text stays text and is escaped on output.
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        # Runs after attr_list (priority 8), which is where `{: onclick=... }` would come from.
        md.treeprocessors.register(_AttributeFilter(md), "chronoline_safe_attributes", 0)


class _AttributeFilter(Treeprocessor):
    """Drops event-handler attributes and links whose scheme could run code."""

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            for name in list(element.attrib):
                lowered = name.lower()
                if lowered.startswith("on") or lowered in ("srcdoc", "style"):
                    del element.attrib[name]
                elif lowered in URL_ATTRIBUTES and not is_safe_url(element.attrib[name]):
                    del element.attrib[name]


_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


def to_text(html_text: str) -> str:
    """Rendered HTML → plain text on one line, for descriptions and feeds' summaries."""
    return _SPACE.sub(" ", html.unescape(_TAG.sub("", html_text))).strip()


_URL_ATTRIBUTE = re.compile(r'\b(href|src)="([^"]*)"')


def absolute_links(html_text: str, base: str) -> str:
    """Every href and src in `html_text` made absolute against `base`, for use off the site."""
    return _URL_ATTRIBUTE.sub(
        lambda m: f'{m.group(1)}="{html.escape(urljoin(base, html.unescape(m.group(2))))}"',
        html_text)
