"""The site's data files: exports (timeline.json, events.json, events.ics), feeds, sitemap,
robots.txt and CNAME, each made by a function of its own so that a caller can make them one at
a time and stop between two."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from generator.config import SiteConfig
from generator.corrections import CORRECTIONS_FEED, site_changes
from generator.correctionsfeed import corrections_atom
from generator.exportformats import Export, Layout, Parts, events_json, icalendar, timelinejs
from generator.exportstaging import Previous, positions, stage_export
from generator.feeds import atom, json_feed
from generator.model import Timeline
from generator.output import KEEP, Content
from generator.pages import Page
from generator.reading import DIGEST_SIZE
from generator.sitemap import robots, sitemap
from generator.staging import STAGED

# The data exports, each made of one part per event (see exportformats.Export).
EXPORTS: dict[str, Callable[[Timeline, SiteConfig, Parts | None], Export]] = {
    "timeline.json": timelinejs, "events.json": events_json, "events.ics": icalendar}

Makers = dict[str, Callable[[], Content]]


def data_names(config: SiteConfig, timeline: Timeline | None = None) -> list[str]:
    """The data files of a site with these settings, in the order they are made; with the
    timeline, the feed of its corrections when it has any."""
    names = list(EXPORTS)
    if config.base_url:
        names += ["feed.xml", "feed.json", "sitemap.xml", "robots.txt"]
        if timeline is not None and site_changes(timeline.events):
            names.append(CORRECTIONS_FEED)
    if config.cname:
        names.append("CNAME")
    return names


def exports_in_memory(timeline: Timeline, config: SiteConfig, parts: Parts | None) -> Makers:
    """The exports as bytes; `parts` keeps what was made of each event, for the next time."""
    def maker(export: Callable[[Timeline, SiteConfig, Parts | None], Export],
              ) -> Callable[[], Content]:
        return lambda: export(timeline, config, parts).join()

    return {name: maker(export) for name, export in EXPORTS.items()}


def other_data(timeline: Timeline, pages: list[Page], config: SiteConfig,
               map_of: Callable[[list[Page]], bytes] | None = None) -> Makers:
    """Feeds, sitemap and robots.txt (with a base URL), and CNAME (with a domain name).
    `map_of` makes the sitemap of `pages`, when the caller keeps the last one."""
    makers: Makers = {}
    if config.base_url:
        makers |= {"feed.xml": lambda: atom(timeline, config),
                   "feed.json": lambda: json_feed(timeline, config),
                   "sitemap.xml": (lambda: map_of(pages)) if map_of is not None
                   else (lambda: sitemap(pages, config)),
                   "robots.txt": lambda: robots(config)}
        if site_changes(timeline.events):
            makers[CORRECTIONS_FEED] = lambda: corrections_atom(timeline, config)
    if config.cname:
        makers["CNAME"] = lambda: f"{config.cname}\n".encode()
    return makers


@dataclass
class ExportsWritten:
    """Where each event's part lies in the exports a build wrote: the hashes of the events'
    files in the exports' order, and each export's layout."""

    order: bytes = b""
    layouts: dict[str, Layout] = field(default_factory=dict)


def staged_exports(timeline: Timeline, config: SiteConfig, output: Path,
                   digests: dict[int, bytes], written: ExportsWritten,
                   before: ExportsWritten | None = None,
                   sizes: dict[str, tuple[int, int]] | None = None) -> Makers:
    """Makers that stage each export beside its file in `output` a part at a time (at 100,000
    events they are hundreds of megabytes, better not held) and answer STAGED, or KEEP when the
    file holds it already. The parts of events the exports `before` held are copied from the
    files there, when they are the size and time (`sizes`) they were written with. Where each
    part lands goes into `written`."""
    written.order = b"".join(digests[id(event)] for event in timeline.events)
    where: dict[bytes, int] | None = None

    def previous(name: str) -> Previous | None:
        nonlocal where
        layout = before.layouts.get(name) if before else None
        size = (sizes or {}).get(name)
        if layout is None or size is None or before is None or (
                len(before.order) != len(layout.starts) * DIGEST_SIZE):
            return None
        if where is None:
            where = positions(before.order, DIGEST_SIZE)
        return Previous(where, layout, *size)

    def maker(name: str, export: Callable[[Timeline, SiteConfig, Parts | None], Export],
              ) -> Callable[[], Content]:
        def make() -> Content:
            changed, written.layouts[name] = stage_export(
                lambda parts: export(timeline, config, parts), output, name, previous(name),
                digests)
            return STAGED if changed else KEEP
        return make

    return {name: maker(name, export) for name, export in EXPORTS.items()}
