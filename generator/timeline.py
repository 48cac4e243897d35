"""Events → Timeline: order, cross-file checks, years and tags."""

from __future__ import annotations

import contextlib
import datetime as dt
import statistics
from collections.abc import Callable, Iterable, Sequence

from anyascii import anyascii

from generator.errors import ContentError, quoted
from generator.model import Event, Tag, Timeline, YearGroup
from generator.slugs import slugify

ERA = "era"  # an Event's kind for an era
TAG_LANES = "tags"  # the setting that puts each event in the lane of its first tag
MAX_LANES = 12  # rows on an overview, and toggles in a filter, that still read at a glance
BUSY_YEAR = 20  # more events than this in a year, and the year is split by month
# A gap between two events that follow each other in a list is marked ("3 years later") when
# nothing happens for at least a tenth of the time the list covers, at least four times its
# usual (median) gap, and at least a day. The share fits any span, a week of news as three
# centuries of history; the median keeps evenly spaced events, however sparse, unmarked.
GAP_SHARE = 0.1
GAP_USUAL = 4
GAP_LEAST = 86400.0


def sort_key(event: Event) -> tuple:
    """Start instant, then rank (a month before its days, see PartialDate.rank), then slug."""
    return (event.start, event.date.rank, event.slug)


def assemble(
    events: Iterable[Event], tz: dt.tzinfo, newest_first: bool = False, drafts: bool = False,
    index_limit: int | None = None, lanes: str = "",
) -> tuple[Timeline, list[ContentError]]:
    """Order the events and group them, and order the eras apart; duplicate slugs come back
    as errors, and so do too many lanes (`lanes` is the site's setting, see `lane_of`). The
    timeline page shows the `index_limit` latest events, in the same order, when there are
    more."""
    chosen = sorted((e for e in events if drafts or not e.draft), key=sort_key)
    eras = [event for event in chosen if event.kind == ERA]
    if eras:
        chosen = [event for event in chosen if event.kind != ERA]
    latest = chosen[-index_limit:] if index_limit and len(chosen) > index_limit else chosen
    if newest_first:
        chosen.reverse()
        eras.reverse()
        latest = latest[::-1]
    ordered = tuple(chosen)
    tags, one_spelling = _tags(ordered)
    # Every tag written one way throughout is the usual case, told by _tags in passing.
    errors = _duplicate_slugs(chosen + eras) + ([] if one_spelling else _tag_clashes(chosen))
    named, too_many = _lanes(ordered, lanes)
    errors += too_many
    years = _years(ordered, tz)
    shown = years if len(latest) == len(chosen) else _years(tuple(latest), tz)
    return Timeline(ordered, years, tags, tz, shown, tuple(eras), named), errors


def same_place(old: Event, new: Event) -> bool:
    """True when `new` sorts and groups exactly where `old` did: an edit of its text alone."""
    # An era is never swapped: the events it holds, their pages and its markers in the lists
    # all follow from its dates and title, so its edit assembles the timeline again.
    return (old.path == new.path and old.slug == new.slug and old.date == new.date
            and old.start == new.start and old.year == new.year and old.tags == new.tags
            and old.draft == new.draft and old.lane == new.lane
            and old.kind == new.kind != ERA)


def replace_events(timeline: Timeline, new: dict[int, Event]) -> tuple[Timeline, set[int]]:
    """`timeline` with events swapped for others in the same place (see `same_place`), `new`
    mapping the id of each old event to its new one, and the positions in `events` of those
    swapped there (a draft has none): for a timeline of ten thousand events, a tenth of the
    time `assemble` takes."""

    # A swapped event keeps its year and tags: only their groups hold it. A tag's group goes by
    # its slug: it is named as the tag was first written, maybe `UK` where this event has `uk`.
    years = {event.year for event in new.values()}
    slugs = {tag.slug for event in new.values() for tag in event.tags}

    def swap(events: tuple[Event, ...], positions: set[int] | None = None) -> tuple[Event, ...]:
        # Found by identity, at C speed: a loop in Python over ten thousand events cost more
        # than the rest of a dev server's rebuild.
        ids = list(map(id, events))
        swapped = list(events)
        for old, event in new.items():
            with contextlib.suppress(ValueError):  # not in this group
                at = ids.index(old)
                swapped[at] = event
                if positions is not None:
                    positions.add(at)
        return tuple(swapped)

    def swap_years(groups: tuple[YearGroup, ...]) -> tuple[YearGroup, ...]:
        return tuple(YearGroup(group.year, swap(group.events),
                               tuple((month, swap(events)) for month, events in group.months))
                     if group.year in years else group for group in groups)

    swapped_years = swap_years(timeline.years)
    latest = (swapped_years if timeline.latest is timeline.years
              else swap_years(timeline.latest))
    swapped_tags = tuple((tag, swap(events)) if tag.slug in slugs else (tag, events)
                         for tag, events in timeline.tags)
    positions: set[int] = set()
    events = swap(timeline.events, positions)
    return Timeline(events, swapped_years, swapped_tags, timeline.tz, latest, timeline.eras,
                    timeline.lanes), positions


def lane_of(event: Event, setting: str) -> str:
    """The lane an event is in: its own `lane:`, else its first tag's name when the site's
    `lanes` setting is "tags", else "" (none)."""
    if event.lane:
        return event.lane
    if setting == TAG_LANES and event.tags:
        return event.tags[0].name
    return ""


def _lanes(events: tuple[Event, ...], setting: str) -> tuple[tuple[Tag, ...], list[ContentError]]:
    """The named lanes of `events` by URL name, each as first written; more than MAX_LANES is
    an error at the event that brings in the first lane too many."""
    named: dict[str, Tag] = {}
    first: list[Event] = []  # the first event in each lane, in the order they came
    for event in events:
        name = lane_of(event, setting)
        if name:
            slug = slugify(name)
            if slug not in named:
                named[slug] = Tag(name, slug)
                first.append(event)
    if len(named) <= MAX_LANES:
        return tuple(named[slug] for slug in sorted(named)), []
    event = min(first[MAX_LANES:], key=lambda e: e.path)
    field = "lane" if event.lane else "tags"
    why = "" if event.lane else f' (lanes = "{TAG_LANES}" makes each first tag a lane)'
    message = (f"{quoted(lane_of(event, setting))} is a lane too many{why}: the events are in "
               f"{len(named)} lanes and a timeline may have at most {MAX_LANES}; give fewer "
               "lanes")
    return (), [ContentError(event.path, message, None, field)]


def era_events(timeline: Timeline, era: Event) -> tuple[Event, ...]:
    """The events of `timeline`, in its order, whose time meets the era's: they begin before
    the era is over and are not over before it begins (an event at one moment is in an era
    from its first moment on). Eras may overlap, and an event may be in several."""
    begins, ends = span(era, timeline.tz)
    found = []
    for event in timeline.events:
        start, until = span(event, timeline.tz)
        if start < ends and (until > begins if until > start else start >= begins):
            found.append(event)
    return tuple(found)


def span(event: Event, tz: dt.tzinfo) -> tuple[int, int]:
    """When an event begins and when it is over (see `reach`), as instants."""
    return event.start, reach(event, tz)


def _duplicate_slugs(events: list[Event]) -> list[ContentError]:
    if len({event.slug for event in events}) == len(events):
        return []  # the usual case, found without sorting: the dev server runs this every save
    first: dict[str, Event] = {}
    errors = []
    for event in sorted(events, key=lambda e: e.path):
        other = first.setdefault(event.slug, event)
        if other is not event:
            message = (f"'{event.slug}' is also the slug of {other.path}; "
                       "rename one file or give it another 'slug:'")
            errors.append(ContentError(event.path, message, event.slug_line, "slug"))
    return errors


def _tag_clashes(events: list[Event]) -> list[ContentError]:
    """Two tags that differ in more than case, accents or spacing must not share a page:
    `C` and `C++` would both be tags/c/."""
    first: dict[str, tuple[str, Event]] = {}
    errors = []
    for event in sorted(events, key=lambda e: e.path):
        for tag in event.tags:
            other = first.setdefault(tag.slug, (tag.name, event))
            if other[0] != tag.name and tag_spelling(other[0]) != tag_spelling(tag.name):
                place = "" if other[1] is event else f" in {other[1].path}"
                message = (f"'{tag.name}' and a different tag{place} would share the page "
                           f"tags/{tag.slug}/; rename one of them")
                errors.append(ContentError(event.path, message, None, "tags"))
    return errors


def tag_spelling(name: str) -> str:
    """What makes two tag names one tag: the same letters, whatever the case, accents or spacing."""
    return " ".join(anyascii(name).casefold().replace("-", " ").replace("_", " ").split())


def _years(events: tuple[Event, ...], tz: dt.tzinfo) -> tuple[YearGroup, ...]:
    by_year: dict[int, list[Event]] = {}
    for event in events:
        by_year.setdefault(event.year, []).append(event)
    groups = []
    for year, members in by_year.items():
        months: dict[int | None, list[Event]] = {}
        if len(members) > BUSY_YEAR:
            for event in members:
                date = event.date if event.date.moment is None else event.date.local(tz)
                months.setdefault(date.month, []).append(event)
        groups.append(YearGroup(year, tuple(members),
                                tuple((m, tuple(es)) for m, es in months.items())))
    return tuple(groups)


def _tags(events: tuple[Event, ...],
          ) -> tuple[tuple[tuple[Tag, tuple[Event, ...]], ...], bool]:
    """Each tag, as first written, with its events; and whether every tag is written as
    first everywhere."""
    names: dict[str, Tag] = {}
    members: dict[str, list[Event]] = {}
    one_spelling = True
    for event in events:
        for tag in event.tags:
            first = names.setdefault(tag.slug, tag)
            if first is not tag and first.name != tag.name:
                one_spelling = False
            members.setdefault(tag.slug, []).append(event)
    return tuple((names[slug], tuple(members[slug])) for slug in sorted(names)), one_spelling


def day_of(event: Event, tz: dt.tzinfo) -> tuple[int, int, int] | None:
    """The day an event dated to the day or the minute falls on in `tz`; None for a month or
    a year, which belong to no one day."""
    if event.date.day is None:
        return None
    date = event.date.local(tz)
    assert date.month is not None and date.day is not None  # a day comes with its month
    return date.year, date.month, date.day


def reach(event: Event, tz: dt.tzinfo) -> int:
    """When an event is over, as an instant: the end of its range, or of its date's period."""
    return (event.end or event.date).until(tz)


def long_gaps(events: Sequence[Event], span: Callable[[Event], tuple[float, float]],
              newest_first: bool) -> dict[int, float]:
    """The long gaps (see GAP_SHARE) of a list of events in display order: for each, the id of
    the event it is shown before and its length in seconds. `span` gives an event's start and
    `reach` as timestamps. A gap runs from when everything before it is over."""
    chronological = events[::-1] if newest_first else events
    if len(chronological) < 3:
        return {}
    first, covered = span(chronological[0])
    gaps = []
    for event in chronological[1:]:
        start, end = span(event)
        gaps.append(start - covered)
        covered = max(covered, end)
    least = max((covered - first) * GAP_SHARE, GAP_USUAL * statistics.median(gaps), GAP_LEAST)
    shown_before = chronological[:-1] if newest_first else chronological[1:]
    return {id(event): gap for event, gap in zip(shown_before, gaps, strict=True)
            if gap >= least}
