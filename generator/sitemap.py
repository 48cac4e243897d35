"""sitemap.xml with every HTML page but 404.html and the embed page (made for other sites'
frames, and marked noindex), and a robots.txt that names it."""

from __future__ import annotations

import xml.etree.ElementTree as etree

from generator.config import SiteConfig
from generator.pages import EMBED, NOT_FOUND, Page, public_url

SITEMAPS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def sitemap(pages: list[Page], config: SiteConfig) -> bytes:
    urlset = etree.Element("urlset", {"xmlns": SITEMAPS})
    for page in sorted(pages, key=lambda p: p.path):
        if page.path not in (NOT_FOUND, EMBED):
            etree.SubElement(etree.SubElement(urlset, "url"), "loc").text = public_url(
                config, page.path)
    etree.indent(urlset)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + etree.tostring(urlset, "utf-8") + b"\n"


def robots(config: SiteConfig) -> bytes:
    return f"User-agent: *\nAllow: /\nSitemap: {config.base_url}sitemap.xml\n".encode()
