"""Plan the pages of a timeline: where each goes, which template renders it, with what."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from generator.config import SiteConfig
from generator.corrections import CORRECTIONS_PAGE, site_changes
from generator.dates import period_of
from generator.datetext import DateText
from generator.model import Event, Tag, Timeline, YearGroup
from generator.slugs import slugify
from generator.timeline import ERA, eras_of, lane_of

INDEX = "index.html"
NOT_FOUND = "404.html"
EMBED = f"embed/{INDEX}"
MAX_MARKS = 500  # more events than this on a page, and its overview counts them per period


@dataclass(frozen=True)
class Page:
    """One HTML file to write: its path in the output, its template and what it shows."""

    path: str
    template: str
    title: str
    context: dict = field(default_factory=dict)
    # The 404 page is served at any depth, so its links start at the site's path instead.
    root_override: str | None = None

    @property
    def root(self) -> str:
        """The relative way back to the site root, such as `../../`."""
        if self.root_override is not None:
            return self.root_override
        return "../" * self.path.count("/")


def event_path(event: Event) -> str:
    if event.kind == ERA:
        return f"eras/{event.slug}/{INDEX}"
    return f"events/{event.slug}/{INDEX}"


def year_path(year: int) -> str:
    """The page of the period a year is listed under: `2018/`, `44-bc/`, `10ma/`."""
    return f"{period_of(year).path}/{INDEX}"


def tag_path(tag: Tag) -> str:
    return f"tags/{tag.slug}/{INDEX}"


def public_url(config: SiteConfig, path: str) -> str:
    """The absolute URL of an output path (directory form), or '' without a base URL."""
    if not config.base_url:
        return ""
    directory = path[: -len(INDEX)] if path.endswith(INDEX) else path
    return config.base_url + directory  # base_url ends with "/"; paths never hold ".."


def plan(timeline: Timeline, config: SiteConfig, previous: list[Page] | None = None,
         changed: Collection[int] = ()) -> list[Page]:
    """Every page of the site, in a fixed order. `previous`, the plan of a timeline in the same
    order whose events at the positions `changed` were swapped for others (see
    `timeline.replace_events`), lends its event pages where nothing they show changed."""
    members, part_of = eras_of(timeline)
    shown = sum(len(group.events) for group in timeline.latest)
    # Pages that only link the years get their numbers, not every event in them.
    year_numbers = tuple(group.year for group in timeline.years)
    changes = site_changes(timeline.events)  # from the git history: see history.py
    index = {"years": timeline.latest, "year_numbers": year_numbers, "shown": shown,
             "corrections": bool(changes),
             "total": len(timeline.events), "tag_counts": tag_counts(timeline.latest),
             "all_events": (Counted(timeline.events) if count_only(timeline, shown)
                            else timeline.events),
             "eras": timeline.eras, "lane_counts": lane_counts(timeline.latest, config.lanes),
             "era_marks": era_marks([e for group in timeline.latest for e in group.events],
                                    part_of)}
    pages = [Page(INDEX, "index.html", config.title, index)]
    count = len(timeline.events)
    if previous is None:
        pages += [_event_page(timeline, position, part_of) for position in range(count)]
    else:
        event_pages = previous[1:1 + count]
        # An event page shows its event and the titles of the ones before and after it.
        for position in {near for at in changed for near in (at - 1, at, at + 1)}:
            if 0 <= position < count:
                event_pages[position] = _event_page(timeline, position, part_of)
        pages += event_pages
    named = DateText(config.language, timeline.tz)  # a year page's title: "44 BC", "1ma"
    for group in timeline.years:
        pages.append(Page(year_path(group.year), "year.html", named.period(period_of(group.year)),
                          {"group": group, "year_numbers": year_numbers,
                           "era_marks": era_marks(group.events, part_of)}))
    for era, events in zip(timeline.eras, members, strict=True):
        pages.append(Page(event_path(era), "era.html", era.title,
                          {"era": era, "events": events, "eras": timeline.eras,
                           "era_marks": era_marks(events, part_of)}))
    for tag, events in timeline.tags:
        pages.append(Page(tag_path(tag), "tag.html", tag.name,
                          {"tag": tag, "events": events, "era_marks": era_marks(events, part_of)}))
    pages.append(Page(f"tags/{INDEX}", "tags.html", "Tags", {"tags": timeline.tags}))
    if changes:
        pages.append(Page(CORRECTIONS_PAGE, "corrections.html", "Corrections and updates",
                          {"changes": changes}))
    pages.append(Page(NOT_FOUND, "404.html", "Page not found", {},
                      root_override=config.base_path))
    pages.append(_embed_page(timeline, config))
    return pages


def era_marks(events: list[Event] | tuple[Event, ...], part_of: dict[int, tuple[Event, ...]],
              ) -> tuple[tuple[Event, Event, Event], ...]:
    """For each era that some of `events` (a page's list, in display order) are in: the era,
    the first of them in it and the last, which the list marks the era beside."""
    if not part_of:
        return ()
    first: dict[int, tuple[Event, Event, Event]] = {}
    for event in events:
        for era in part_of.get(id(event), ()):
            kept = first.get(id(era))
            first[id(era)] = (era, event, event) if kept is None else (era, kept[1], event)
    return tuple(first.values())


def lane_counts(groups: tuple[YearGroup, ...], setting: str) -> tuple[tuple[Tag, int], ...]:
    """The lanes of the events in `groups` by URL name, each with how many events are in it,
    and last a lane with no name for those in none: what the timeline page filters by. Empty
    unless there are two lanes or more."""
    counts: dict[str, int] = {}
    first: dict[str, Tag] = {}  # each lane by URL name, as first written
    by_name: dict[str, Tag] = {}  # so that each name is made a URL name once
    for group in groups:
        for event in group.events:
            name = lane_of(event, setting)
            lane = by_name.get(name)
            if lane is None:
                slug = slugify(name)
                lane = by_name[name] = first.setdefault(slug, Tag(name, slug))
            counts[lane.slug] = counts.get(lane.slug, 0) + 1
    lanes = [(first[slug], counts[slug]) for slug in sorted(counts) if slug]
    if "" in counts:
        lanes.append((Tag("", ""), counts[""]))
    return tuple(lanes) if len(lanes) > 1 else ()


@dataclass(frozen=True, eq=False)
class Counted:
    """Every event of a timeline, for an overview that counts them per period. Such counts,
    and the dates of the first and last event, are all it shows: it equals another when each
    event is where it was and dated as it was, so that an edit of an event's text alone does
    not render the timeline page again."""

    events: tuple[Event, ...]

    def __eq__(self, other: object) -> bool:
        if other is self:
            return True
        if not isinstance(other, Counted) or len(other.events) != len(self.events):
            return False
        return all(a is b or (a.slug == b.slug and a.start == b.start and a.date == b.date
                              and a.year == b.year and a.end == b.end
                              and a.display_date == b.display_date)
                   for a, b in zip(self.events, other.events, strict=True))

    __hash__ = None  # type: ignore[assignment]  # equal by content, and not immutable deep down


def count_only(timeline: Timeline, shown: int) -> bool:
    """Whether the timeline page's overview counts every event per period: it covers more
    events than the page lists, and too many to draw one by one."""
    return len(timeline.events) > max(shown, MAX_MARKS)


def tag_counts(groups: tuple[YearGroup, ...]) -> tuple[tuple[Tag, int], ...]:
    """The tags of the events in `groups` by URL name, each with how many of them carry it:
    what the timeline page filters by. Counted here, as a template would take five times as
    long as the rest of the page."""
    counts: dict[str, int] = {}
    named: dict[str, Tag] = {}
    for group in groups:
        for event in group.events:
            for tag in event.tags:
                counts[tag.slug] = counts.get(tag.slug, 0) + 1
                named.setdefault(tag.slug, tag)
    return tuple((named[slug], counts[slug]) for slug in sorted(counts))


EVENT_PAGE_SHOWS = frozenset({"event", "previous", "next"})  # an event page's context


def _event_page(timeline: Timeline, position: int, part_of: dict[int, tuple[Event, ...]],
                ) -> Page:
    event = timeline.events[position]
    before, after = timeline.neighbours(position)
    context: dict[str, object] = {"event": event, "previous": before, "next": after}
    eras = part_of.get(id(event))
    if eras:  # only then: an event page's context is EVENT_PAGE_SHOWS, whose key is quick
        context["part_of"] = eras
    return Page(event_path(event), "event.html", event.title, context)


def _embed_page(timeline: Timeline, config: SiteConfig) -> Page:
    """The page made for an <iframe>: the timeline page's events, oldest first whatever the
    site's order (its arrows and strip run along time), each with its mark on the strip."""
    events = [event for group in timeline.latest for event in group.events]
    if config.order == "newest":
        events.reverse()
    marks = tuple((event, at, lane) for event, (at, lane) in zip(events, strip_marks(events),
                                                                  strict=True))
    return Page(EMBED, "embed.html", config.title,
                {"events": tuple(events), "marks": marks,
                 "first": 0 if config.order == "oldest" else len(events) - 1})


STRIP_LANES = 3  # rows of marks on the embed page's strip, for events close in time
STRIP_GAP = 3.0  # the room a mark takes in its row, in percent of the strip, when there is room


def strip_marks(events: list[Event]) -> tuple[tuple[float, int], ...]:
    """Each event's place on a strip from the first start to the last, in percent, and its
    row. A mark takes the row where it lands soonest: at its time when a row has room there,
    else just after that row's last mark, so that a crowded day stays a row of marks one can
    point at rather than a pile. Past the strip's end, all are drawn in to fit."""
    if not events:
        return ()
    first, span = events[0].start, events[-1].start - events[0].start
    gap = min(STRIP_GAP, 100 * STRIP_LANES / len(events))
    ends = [-gap] * STRIP_LANES  # where each row's last mark is
    places = []
    for event in events:
        at = (event.start - first) / span * 100 if span else 50.0
        lane = min(range(STRIP_LANES), key=lambda row: max(at, ends[row] + gap))
        ends[lane] = max(at, ends[lane] + gap)
        places.append((ends[lane], lane))
    scale = min(1.0, 100 / max(ends))
    return tuple((round(at * scale, 2), lane) for at, lane in places)
