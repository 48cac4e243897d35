"""Atom and JSON Feed of the newest events; dated by the events themselves, never the build."""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as etree
from html import escape

from generator.config import SiteConfig
from generator.dateparts import utc_datetime
from generator.dates import PartialDate
from generator.i18n import translations
from generator.markup import absolute_links, to_text
from generator.model import Event, Timeline
from generator.pages import event_path, public_url
from generator.timeline import sort_key

ATOM = "http://www.w3.org/2005/Atom"


def newest(timeline: Timeline, limit: int) -> list[Event]:
    """The `limit` latest events, newest first, whatever order the site shows."""
    return sorted(timeline.events, key=sort_key, reverse=True)[:limit]


def timestamp(date: PartialDate, tz: dt.tzinfo) -> str:
    """A full RFC 3339 time for a date of any precision: a period counts from its first day."""
    if date.moment is not None:
        return date.moment.isoformat(timespec="seconds")
    # A date whose first instant falls before the year 1 in UTC counts from the first one.
    first = utc_datetime(date.earliest(tz)) or dt.datetime.min.replace(tzinfo=dt.UTC)
    try:
        return first.astimezone(tz).isoformat(timespec="seconds")
    except OverflowError:  # before the year 1 in the site's time zone too: given in UTC
        return first.isoformat(timespec="seconds")


def event_html(event: Event, config: SiteConfig, heading: str) -> str:
    """The body and the sources of an event, with links that work outside the site."""
    sources = "".join(
        f'<li><a href="{escape(s.url)}">{escape(s.publisher + ": " if s.publisher else "")}'
        f'{escape(s.title or s.url)}</a></li>' for s in event.sources)
    html = event.body_html + (f"<h2>{escape(heading)}</h2><ul>{sources}</ul>" if sources else "")
    return absolute_links(html, public_url(config, event_path(event)))


def atom(timeline: Timeline, config: SiteConfig) -> bytes:
    """An Atom 1.0 feed; entry ids are the events' permanent URLs, which come from their slugs."""
    tz = config.tzinfo
    heading = translations(config.language).gettext("Sources")
    events = newest(timeline, config.feed_limit)
    feed = etree.Element("feed", {"xmlns": ATOM, "xml:lang": config.html_lang})
    _add(feed, "title", config.title)
    if config.description:
        _add(feed, "subtitle", config.description)
    _add(feed, "id", config.base_url)
    etree.SubElement(feed, "link", {"rel": "self", "href": config.base_url + "feed.xml"})
    etree.SubElement(feed, "link", {"rel": "alternate", "href": config.base_url})
    latest = max(events, key=lambda e: e.start, default=None)
    updated = timestamp(latest.date, tz) if latest else "1970-01-01T00:00:00+00:00"
    _add(feed, "updated", updated)
    _add(etree.SubElement(feed, "author"), "name", config.title)
    _add(feed, "generator", "chronoline")
    for event in events:
        url = public_url(config, event_path(event))
        entry = etree.SubElement(feed, "entry")
        _add(entry, "id", url)
        _add(entry, "title", event.title)
        etree.SubElement(entry, "link", {"rel": "alternate", "href": url})
        _add(entry, "published", timestamp(event.date, tz))
        _add(entry, "updated", timestamp(event.date, tz))
        for tag in event.tags:
            etree.SubElement(entry, "category", {"term": tag.name})
        _add(entry, "summary", to_text(event.summary_html))
        _add(entry, "content", event_html(event, config, heading), type="html")
    etree.indent(feed)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + etree.tostring(feed, "utf-8") + b"\n"


def json_feed(timeline: Timeline, config: SiteConfig) -> bytes:
    """A JSON Feed 1.1 of the same entries as the Atom feed."""
    tz = config.tzinfo
    heading = translations(config.language).gettext("Sources")
    items = []
    for event in newest(timeline, config.feed_limit):
        url = public_url(config, event_path(event))
        item: dict[str, object] = {"id": url, "url": url, "title": event.title,
                "content_html": event_html(event, config, heading),
                "summary": to_text(event.summary_html),
                "date_published": timestamp(event.date, tz)}
        if event.tags:
            item["tags"] = [tag.name for tag in event.tags]
        items.append(item)
    feed = {"version": "https://jsonfeed.org/version/1.1", "title": config.title,
            "home_page_url": config.base_url, "feed_url": config.base_url + "feed.json",
            "language": config.html_lang, "items": items}
    if config.description:
        feed["description"] = config.description
    return (json.dumps(feed, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _add(parent: etree.Element, name: str, text: str, **attributes: str) -> etree.Element:
    element = etree.SubElement(parent, name, attributes)
    element.text = text
    return element
