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

    timeline: Timeline
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

    pages: list[Page]
    before: list[Page]
    anew: list[Page]


class EditMemory:
    """The last good timeline and the last plan, for the next edit of text alone."""

    def __init__(self) -> None:
        self.timeline: Timeline | None = None
        self.by_path: dict[str, Event] = {}  # its events, by their files' paths
        # False after a failed render: the events read since are not all in the timeline, so
        # the next swap compares every event, not only those parsed anew.
        self.current = True
        self.planned: Planned | None = None

    def forget(self) -> None:
        self.timeline, self.by_path, self.current = None, {}, True

    def swap(self, read: ReadEvents) -> Swapped | None:
        """The last timeline with the events of `read` swapped in, when they differ from its
        own in text alone; None otherwise."""
        last, before = self.timeline, self.by_path
        if last is None or len(read.events) != len(before) or read.errors:
            return None
        partial = read.partial and self.current
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
        self.timeline, self.current = timeline, True
        return Swapped(timeline, last, positions)

    def assembled(self, timeline: Timeline, events: list[Event]) -> None:
        """Remember a timeline assembled from `events`."""
        self.timeline, self.current = timeline, True
        self.by_path = {event.path: event for event in events}

    def failed(self) -> None:
        """The events read could not make a timeline: the last good one stays, for the edit
        that fixes them."""
        self.current = False

    def replan(self, swapped: Swapped | None, config: SiteConfig) -> Replanned | None:
        """After an edit of text alone, the last plan with the pages that show the edited
        events planned again; None when the whole site must be planned."""
        last = self.planned
        if (last is None or swapped is None or last.timeline is not swapped.last
                or last.config != config):
            return None
        pages = plan(swapped.timeline, config, last.pages, swapped.positions)
        if len(pages) != len(last.pages):
            return None
        return Replanned(pages, last.pages, [page for page, before in zip(
            pages, last.pages, strict=True) if page is not before])

    def keep_plan(self, timeline: Timeline, config: SiteConfig, pages: list[Page]) -> None:
        self.planned = Planned(timeline, config, pages)
