"""Edits of text alone: an event whose place in time, tags and slug stay the same is swapped into
the last timeline, and only the pages that show it are planned again."""

from __future__ import annotations

from dataclasses import dataclass

from generator.config import SiteConfig
from generator.model import Event, Timeline
from generator.pages import Page, plan
from generator.reading import ReadEvents
from generator.timeline import replace_events, same_place


@dataclass(frozen=True)
class Swapped:
    """A timeline made from `last` by swapping the events at `positions` for edited ones."""

    last: Timeline
    positions: set[int]


@dataclass(frozen=True)
class Planned:
    """A plan of pages, and what it was made from."""

    timeline: Timeline
    config: SiteConfig
    pages: list[Page]


@dataclass(frozen=True)
class Replanned:
    """A plan made from the one before by planning a few pages again, and those pages."""

    before: list[Page]
    anew: list[Page]


class EditMemory:
    """The last timeline and the last plan, for the next edit of text alone."""

    def __init__(self) -> None:
        self.timeline: Timeline | None = None
        self.by_path: dict[str, Event] = {}  # its events, by their files' paths
        self.swapped: Swapped | None = None
        self.planned: Planned | None = None
        self.replanned: Replanned | None = None

    def forget(self) -> None:
        self.timeline, self.by_path, self.swapped = None, {}, None

    def swap(self, read: ReadEvents) -> Timeline | None:
        """The last timeline with the events of `read` swapped in, when they differ from its
        own in text alone; None otherwise."""
        last, before, partial = self.timeline, self.by_path, read.partial
        self.swapped = None
        if last is None or len(read.events) != len(before) or read.errors:
            return None
        swapped: dict[int, Event] = {}
        for event in ([read.files[path].event for path in read.parsed] if partial
                      else read.events):
            old = before.get(event.path)
            if old is not event:
                if old is None or not same_place(old, event):
                    return None
                swapped[id(old)] = event
        timeline, positions = replace_events(last, swapped) if swapped else (last, set())
        if partial:
            self.by_path = before | {path: read.files[path].event for path in read.parsed}
        else:
            self.by_path = {event.path: event for event in read.events}
        self.timeline, self.swapped = timeline, Swapped(last, positions)
        return timeline

    def assembled(self, timeline: Timeline | None, events: list[Event]) -> None:
        """Remember a timeline assembled from `events` (None: it had errors)."""
        self.timeline = timeline
        self.by_path = {event.path: event for event in events} if timeline is not None else {}

    def plan(self, timeline: Timeline, config: SiteConfig) -> list[Page]:
        """The pages of `timeline`; after an edit of text alone, most from the last plan."""
        last, swapped = self.planned, self.swapped
        self.replanned = None
        if (last is not None and swapped is not None and last.timeline is swapped.last
                and last.config == config):
            pages = plan(timeline, config, last.pages, swapped.positions)
            if len(pages) == len(last.pages):
                self.replanned = Replanned(last.pages, [
                    page for page, before in zip(pages, last.pages, strict=True)
                    if page is not before])
        else:
            pages = plan(timeline, config)
        self.planned = Planned(timeline, config, pages)
        return pages
