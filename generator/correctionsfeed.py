"""The Atom feed of the site's corrections and updates, newest first."""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as etree

from generator.config import SiteConfig
from generator.corrections import CORRECTIONS_FEED, CORRECTIONS_PAGE, site_changes
from generator.feeds import ATOM
from generator.i18n import translations
from generator.model import Event, Timeline
from generator.pages import event_path, public_url
from generator.revisions import CORRECTION, Change


def corrections_atom(timeline: Timeline, config: SiteConfig) -> bytes:
    """An Atom 1.0 feed with one entry per correction or update, linking to its event."""
    words = translations(config.language)
    title = words.gettext("Corrections and updates")
    changes = site_changes(timeline.events)[:config.feed_limit]
    feed = etree.Element("feed", {"xmlns": ATOM, "xml:lang": config.html_lang})
    _add(feed, "title", f"{config.title}: {title}")
    _add(feed, "id", public_url(config, CORRECTIONS_FEED))
    etree.SubElement(feed, "link", {"rel": "self", "href": public_url(config, CORRECTIONS_FEED)})
    etree.SubElement(feed, "link", {"rel": "alternate",
                                    "href": public_url(config, CORRECTIONS_PAGE)})
    newest = changes[0][1].when.isoformat(timespec="seconds") if changes else (
        "1970-01-01T00:00:00+00:00")
    _add(feed, "updated", newest)
    _add(etree.SubElement(feed, "author"), "name", config.title)
    _add(feed, "generator", "chronoline")
    for event, change in changes:
        _entry(feed, event, change, config, words.gettext(
            "Correction" if change.kind == CORRECTION else "Update"))
    etree.indent(feed)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + etree.tostring(feed, "utf-8") + b"\n"


def _entry(feed: etree.Element, event: Event, change: Change, config: SiteConfig,
           kind: str) -> None:
    url = public_url(config, event_path(event))
    entry = etree.SubElement(feed, "entry")
    # One commit may announce several: its hash and the text tell them apart.
    text = hashlib.blake2b(change.text.encode("utf-8", "surrogatepass"),
                           digest_size=6).hexdigest()
    _add(entry, "id", f"{url}#{change.kind}-{change.commit[:12]}-{text}")
    _add(entry, "title", f"{kind}: {event.title}")
    etree.SubElement(entry, "link", {"rel": "alternate", "href": url})
    moment = change.when.isoformat(timespec="seconds")
    _add(entry, "published", moment)
    _add(entry, "updated", moment)
    _add(entry, "summary", change.text)


def _add(parent: etree.Element, name: str, text: str) -> None:
    etree.SubElement(parent, name).text = text
