"""What machines read about a page: description, share image, and schema.org JSON-LD."""

from __future__ import annotations

import json
import re
from urllib.parse import urljoin

from generator.config import SiteConfig
from generator.markup import to_text, url_scheme
from generator.model import Event, Source
from generator.pages import Page, event_path, public_url

_FIRST_IMAGE = re.compile(r'<img[^>]*\bsrc="([^"]+)"')
_IMAGE_FILE = re.compile(r"\.(png|jpe?g|gif|webp|avif|svg)(\?.*)?$", re.IGNORECASE)


def description(page: Page, config: SiteConfig) -> str:
    """The page's one-line description: the event's summary, else the site's."""
    event = page.context.get("event")
    text = to_text(event.summary_html) if event else ""
    return text or config.description


def share_image(page: Page, config: SiteConfig) -> str:
    """An absolute image URL for link previews: the event's first image, else the site's;
    only an http(s) one, once resolved."""
    if not config.base_url:
        return ""
    url = _any_image(page, config)
    return url if url_scheme(url) in ("http", "https") else ""


def _any_image(page: Page, config: SiteConfig) -> str:
    event = page.context.get("event")
    if event:
        if event.media and _IMAGE_FILE.search(event.media.url):
            # A picture under content/ is at its path from the site's root.
            return config.base_url + event.media.url if event.media.local else event.media.url
        match = _FIRST_IMAGE.search(event.body_html)
        if match:
            return urljoin(public_url(config, event_path(event)), match.group(1))
    return urljoin(config.base_url, config.image) if config.image else ""


def event_data(event: Event, config: SiteConfig) -> dict:
    """A schema.org Event: its dates keep their precision; sources are what it is the subject of."""
    data: dict = {"@context": "https://schema.org", "@type": "Event", "name": event.title}
    # Dates that HTML's and schema.org's format cannot hold are left out: both are optional.
    if event.date.iso():
        data["startDate"] = event.date.iso()
    if event.end and event.end.iso():
        data["endDate"] = event.end.iso()
    summary = to_text(event.summary_html)
    if summary:
        data["description"] = summary
    url = public_url(config, event_path(event))
    if url:
        data["url"] = url
    if event.sources:
        data["subjectOf"] = [_source_data(source) for source in event.sources]
    return data


def _source_data(source: Source) -> dict:
    # A source with a publisher is taken for a news report; anything else is a plain work.
    data: dict = {"@type": "NewsArticle" if source.publisher else "CreativeWork",
                  "url": source.url}
    if source.title:
        data["headline"] = source.title
    if source.publisher:
        data["publisher"] = {"@type": "Organization", "name": source.publisher}
    if source.date and source.date.iso():
        data["datePublished"] = source.date.iso()
    return data


def list_data(events: tuple[Event, ...], config: SiteConfig) -> dict:
    """A schema.org ItemList of the events a timeline page shows, in its order."""
    items = []
    for position, event in enumerate(events, start=1):
        item = {"@type": "ListItem", "position": position, "name": event.title}
        url = public_url(config, event_path(event))
        if url:
            item["url"] = url
        items.append(item)
    return {"@context": "https://schema.org", "@type": "ItemList",
            "name": config.title, "itemListElement": items}


def script_json(data: dict) -> str:
    """JSON for a `<script type="application/ld+json">`: no text can close the element early."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
