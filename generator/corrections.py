"""The site's corrections and updates, all together: what `corrections/` lists."""

from __future__ import annotations

from collections.abc import Iterable

from generator.model import Event
from generator.revisions import Change

CORRECTIONS_PAGE = "corrections/index.html"
CORRECTIONS_FEED = "corrections/feed.xml"


def site_changes(events: Iterable[Event]) -> tuple[tuple[Event, Change], ...]:
    """Every correction and update of every event, newest first; the same moment in the
    order of the events' paths, so that the list is the same at each build."""
    found = [(event, change) for event in events if event.history is not None
             for change in event.history.changes]
    found.sort(key=lambda pair: pair[0].path)
    found.sort(key=lambda pair: pair[1].when, reverse=True)
    return tuple(found)
