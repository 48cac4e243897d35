"""The timeline's data: plain frozen dataclasses, no I/O.

They have slots, since a timeline of 100,000 events holds some 800,000 of them and a dictionary
per instance would add tens of megabytes. Those pickled by the hundred thousand (to worker
processes, into the build cache) give their state as a tuple of their fields, in order, which
pickles faster than the state dataclasses gives a frozen class with slots (it looks each field
up at every call)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from generator.dates import PartialDate
from generator.revisions import EventHistory


@dataclass(frozen=True, slots=True)
class Source:
    """Where a fact comes from; `url` is always http(s)."""

    url: str
    title: str = ""
    publisher: str = ""
    date: PartialDate | None = None
    archive_url: str = ""
    line: int | None = field(default=None, compare=False)  # where it was written

    def __getstate__(self) -> tuple:
        return (self.url, self.title, self.publisher, self.date, self.archive_url, self.line)


@dataclass(frozen=True, slots=True)
class Media:
    """A picture or other media that illustrates an event; caption and credit are HTML. A
    remote picture's size is unknown at build time unless `width` and `height` give it; a
    local one's is read from its file."""

    url: str  # http(s); or, when `local`, the file's path in the site, percent-encoded
    caption_html: str = ""
    credit_html: str = ""
    alt: str = ""
    width: int | None = None  # pixels, both or neither
    height: int | None = None
    local: bool = False  # a file kept under content/, linked relative to each page

    def __getstate__(self) -> tuple:
        return (self.url, self.caption_html, self.credit_html, self.alt, self.width,
                self.height, self.local)


@dataclass(frozen=True, slots=True)
class LocalRef:
    """A file under content/ that an event points to, as it was found when the event was read:
    the event is read again when another file would now be found, or the picture changed."""

    path: str  # from content/, as written in the event's HTML
    passed: tuple[str, ...] = ()  # the places looked at first, where no file was
    stamp: tuple[int, int, int] | None = None  # of a picture whose size the event holds
    slug: str = ""  # for an event file: the slug its page was linked by

    def __getstate__(self) -> tuple:
        return (self.path, self.passed, self.stamp, self.slug)


@dataclass(frozen=True, slots=True)
class Background:
    """A slide background as TimelineJS knows it: an image URL or a CSS colour."""

    url: str = ""
    color: str = ""

    def __getstate__(self) -> tuple:
        return (self.url, self.color)


@dataclass(frozen=True, slots=True)
class Tag:
    """A tag as written on first use, and its URL name."""

    name: str
    slug: str

    def __getstate__(self) -> tuple:
        return (self.name, self.slug)


@dataclass(frozen=True, slots=True)
class Event:
    """One event file, parsed (an era's too); `path` is relative to the site root, POSIX
    style."""

    path: str
    slug: str
    title: str
    date: PartialDate
    end: PartialDate | None
    summary_html: str
    body_html: str
    tags: tuple[Tag, ...]
    sources: tuple[Source, ...]
    start: int  # when `date` begins, in seconds since 1970 UTC: what the timeline sorts by
    # The year it is listed under: the year it starts, in the site's time zone; in deep time,
    # the first year of its band of ages (see dates.period_of).
    year: int
    draft: bool = False
    ongoing: bool = False  # a range still going on (`end: present`): `end` is None
    slug_line: int | None = None  # where `slug:` was written, for error messages
    display_date: str = ""  # shown instead of the formatted date, which still sorts
    media: Media | None = None
    refs: tuple[LocalRef, ...] = ()  # the files under content/ it shows or links to
    background: Background | None = None
    extra: str = ""  # JSON text of whatever else an imported slide carried
    # "event", or "era": a span of time that events fall in (the Roman Republic), listed
    # apart from the events, its colour in `background.color`
    kind: str = "event"
    lane: str = ""  # the row it goes in, as written (`lane: France`); "" for none
    # From the git history of its file, not from the file: see githistory.
    history: EventHistory | None = None

    def __getstate__(self) -> tuple:
        return (self.path, self.slug, self.title, self.date, self.end, self.summary_html,
                self.body_html, self.tags, self.sources, self.start, self.year, self.draft,
                self.ongoing, self.slug_line, self.display_date, self.media, self.refs,
                self.background, self.extra, self.kind, self.lane) + (self.history,)


@dataclass(frozen=True, slots=True)
class YearGroup:
    """The events of one year, and of its months when the year is busy."""

    year: int
    events: tuple[Event, ...]
    months: tuple[tuple[int | None, tuple[Event, ...]], ...]  # None: the year-only events


@dataclass(frozen=True, slots=True)
class Timeline:
    """Every published event in display order, with what pages need to group them."""

    events: tuple[Event, ...]
    years: tuple[YearGroup, ...]
    tags: tuple[tuple[Tag, tuple[Event, ...]], ...]
    tz: dt.tzinfo
    latest: tuple[YearGroup, ...] = ()  # what the timeline page shows: the latest events
    eras: tuple[Event, ...] = ()  # in the events' order; never among `events`
    lanes: tuple[Tag, ...] = ()  # the named lanes its events are in, by URL name

    def neighbours(self, index: int) -> tuple[Event | None, Event | None]:
        """The events before and after the one at `index`, in display order."""
        before = self.events[index - 1] if index > 0 else None
        after = self.events[index + 1] if index + 1 < len(self.events) else None
        return before, after
