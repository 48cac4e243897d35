"""The events' list items, made once and reused, and the lists made of them: same-day events
under their day, long gaps marked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Protocol, cast

import jinja2
from markupsafe import escape

from generator.dates import PartialDate
from generator.memo import PerObject
from generator.model import Event, YearGroup
from generator.overview import Mark
from generator.pages import Page
from generator.timeline import day_of, reach

THEME_MACROS = Path(__file__).parent / "theme" / "macros.html"
ROOT_MARK = "\x00root\x00"  # stands for a page's way back to the site root in cached fragments
LEVEL_MARK = "\x00level\x00"  # stands for the heading level in an item made for every level
ANY_LEVEL = 0  # the kind of such an item, where the others' kinds are their levels
EMBED_KIND = "embed"  # an event's item on the embed page


class Fragments:
    """Each event's list item, rendered once and reused by every page that lists it (the
    timeline, its year, its tags), across rebuilds while the layouts and settings stay."""

    def __init__(self, env: jinja2.Environment, items: PerObject, tz: dt.tzinfo,
                 newest_first: bool = False) -> None:
        self._env = env
        self._items = items
        self._tz = tz
        self._later = not newest_first  # which way a gap's text says time goes
        self._macros: _Macros | None = None
        self._defaults: _Macros | None = None  # the theme's, for what a site's lacks
        # An event is listed at a heading level of each list's own: on the timeline, its
        # year's page and its tags' pages. The theme's event_item only prints its level, in
        # the heading's tags, so its items are made once with LEVEL_MARK and serve every
        # level. A site's own macros.html may do anything with the level, so its items are
        # made for each level they are listed at.
        self._any_level: bool | None = None  # known once macros.html is loaded
        # What lists need of each event, by its id: start and reach as timestamps, and its
        # day. Made once, like the items: Babel and time zones cost more than the list.
        self._facts: dict[int, tuple[Event, int, int, tuple[int, int, int] | None]] = {}
        self._headings: dict[tuple[int, int, int], str] = {}
        self._embeds: PerObject[str] = PerObject()  # the embed page's items, by event
        self._embed_macros: _EmbedMacros | None = None
        # The overviews' marks, by their events' ids and place: (their events, markup).
        self._marks: dict[tuple, tuple[tuple[Event, ...], str]] = {}
        self._mark_macros: _MarkMacros | None = None

    def prune(self, events: tuple[Event, ...]) -> None:
        self._items.prune(events)
        self._embeds.prune(events)
        if len(self._marks) > 4 * len(events) + 100:
            live = {id(event) for event in events}
            self._marks = {key: kept for key, kept in self._marks.items()
                           if all(number in live for number in key[0])}
        if len(self._facts) > 2 * len(events) + 100:
            live = {id(event) for event in events}
            self._facts = {key: kept for key, kept in self._facts.items() if key in live}

    @property
    def any_level(self) -> bool:
        """Whether items are made once, with LEVEL_MARK, for every level."""
        if self._any_level is None:
            filename = self._env.get_template("macros.html").filename
            self._any_level = filename is not None and Path(filename) == THEME_MACROS
        return self._any_level

    def item(self, event: Event, level: int) -> str:
        """The list item of `event` with ROOT_MARK for its way back to the site root, and, when
        `any_level`, LEVEL_MARK for its heading level."""
        kind, shown = (ANY_LEVEL, LEVEL_MARK) if self.any_level else (level, level)
        text = self._items.get(kind, event, lambda _: self._make(event, shown))
        assert isinstance(text, str)  # this memo holds list items only, made by _make
        return text

    def embed_items(self, events: tuple[Event, ...]) -> str:
        """The embed page's items of `events`, with ROOT_MARK for the way back to the root."""
        return "".join([self._embeds.get(EMBED_KIND, event, self._make_embed)
                        for event in events])

    def _make_embed_macros(self) -> None:
        if self._embed_macros is None:
            module = self._env.get_template("embed_item.html").make_module(
                {"page": _MARKED_PAGE})
            self._embed_macros = cast(_EmbedMacros, module)

    def _make_embed(self, event: Event) -> str:
        self._make_embed_macros()
        assert self._embed_macros is not None
        return f"{str(self._embed_macros.embed_item(event)).strip()}\n"

    def overview_marks(self, marks: tuple[Mark, ...], kind: str) -> str:
        """The markup of an overview's `marks` of `kind` ("mark": points and piles, "bar":
        ranges), with ROOT_MARK for the way back to the root."""
        return "".join([self._kept_mark(
            (tuple(map(id, mark.events)), id(mark.event), kind, mark.at, mark.y, mark.width,
             mark.on_page), mark.events, partial(self._make_mark, mark, kind))
            for mark in marks])

    def strip_marks(self, marks: tuple[tuple[Event, float, int], ...]) -> str:
        """The embed page's strip: for each of `marks`, (event, place, row), its item, with
        ROOT_MARK for the way back to the root."""
        return "".join([self._kept_mark(
            ((id(event),), id(event), "strip", at, lane), (event,),
            partial(self._make_strip_mark, event, at, lane))
            for event, at, lane in marks])

    def _kept_mark(self, key: tuple, events: tuple[Event, ...], make: Callable[[], str],
                   ) -> str:
        """The markup kept under `key` (whose first item holds the ids of `events`), made
        again unless it was made of these very events."""
        kept = self._marks.get(key)
        if kept is None or any(a is not b for a, b in zip(kept[0], events, strict=True)):
            kept = self._marks[key] = (events, make())
        return kept[1]

    def _make_strip_mark(self, event: Event, at: float, lane: int) -> str:
        self._make_embed_macros()
        assert self._embed_macros is not None
        return f"{str(self._embed_macros.strip_mark(event, at, lane)).strip()}\n"

    def _make_mark(self, mark: Mark, kind: str) -> str:
        if self._mark_macros is None:
            module = self._env.get_template("overview_marks.html").make_module(
                {"page": _MARKED_PAGE})
            self._mark_macros = cast(_MarkMacros, module)
        made = self._mark_macros.bar(mark) if kind == "bar" else self._mark_macros.mark(mark)
        return f"{str(made).strip()}\n"

    def span(self, event: Event) -> tuple[int, int]:
        """When `event` starts and when it is over, as instants (seconds since 1970 UTC)."""
        facts = self._fact(event)
        return facts[1], facts[2]

    def items(self, events: tuple[Event, ...], level: int, gaps: dict[int, float],
              duration: Callable[[float], str]) -> str:
        """The list items of `events`: those on one day in a day's item, and a gap's item
        before each event in `gaps` (id → seconds), its length written by `duration`."""
        fact = self._fact
        days = [fact(event)[3] for event in events]
        days.append(None)  # after the last
        parts = []
        at = 0
        for end, day in enumerate(days[1:], 1):
            if day is not None and day == days[at]:
                continue  # the same day as the events from `at` on
            event = events[at]
            if id(event) in gaps:
                parts.append(self._gap(duration(gaps[id(event)])))
            if end - at > 1:
                parts.append(self._day(days[at], events[at:end], level))  # type: ignore[arg-type]
            else:
                parts.append(self.item(event, level))
            at = end
        html = "".join(parts)
        return html.replace(LEVEL_MARK, str(escape(level))) if self.any_level else html

    def _day(self, day: tuple[int, int, int], events: tuple[Event, ...], level: int) -> str:
        heading = self._headings.get(day)
        if heading is None:
            macros = self._with("day_heading")
            heading = self._headings[day] = str(macros.day_heading(PartialDate(*day)))
        items = "".join([self.item(event, level) for event in events])
        return f'<li class="day">\n{heading}<ol class="timeline day-events">\n{items}</ol>\n</li>\n'

    def _gap(self, duration: str) -> str:
        return f"{self._with('gap').gap(duration, self._later)}\n"

    def _fact(self, event: Event) -> tuple[Event, int, int, tuple[int, int, int] | None]:
        kept = self._facts.get(id(event))
        if kept is None or kept[0] is not event:
            kept = self._facts[id(event)] = (event, event.start,
                                             reach(event, self._tz), day_of(event, self._tz))
        return kept

    def _module(self) -> _Macros:
        # The macros are imported once, with the context of a page whose way back to the
        # root is a mark: importing them for each item cost more than the item itself.
        if self._macros is None:
            module = self._env.get_template("macros.html").make_module({"page": _MARKED_PAGE})
            # A template's macros are attributes Jinja sets on its module at run time; the
            # theme's macros.html, and a site's that replaces it, defines event_item.
            self._macros = cast(_Macros, module)
        return self._macros

    def _with(self, name: str) -> _Macros:
        """The macros that define `name`: a site's own, or the theme's when a site's
        macros.html was written before the theme had it."""
        if hasattr(self._module(), name):
            return self._module()
        if self._defaults is None:
            module = self._env.get_template("default/macros.html").make_module(
                {"page": _MARKED_PAGE})
            self._defaults = cast(_Macros, module)
        return self._defaults

    def _make(self, event: Event, level: int | str) -> str:
        return f"{self._module().event_item(event, level)}\n"


class _Macros(Protocol):
    """The macros of macros.html that the lists are made with."""

    def event_item(self, event: Event, level: int | str) -> str: ...

    def day_heading(self, date: PartialDate) -> str: ...

    def gap(self, duration: str, later: bool) -> str: ...


class _EmbedMacros(Protocol):
    """The macro of embed_item.html that the embed page's list is made with."""

    def embed_item(self, event: Event) -> str: ...

    def strip_mark(self, event: Event, at: float, lane: int) -> str: ...


class _MarkMacros(Protocol):
    """The macros of overview_marks.html that the overviews' marks are made with."""

    def mark(self, mark: Mark) -> str: ...

    def bar(self, mark: Mark) -> str: ...


_MARKED_PAGE = Page("", "", "", root_override=ROOT_MARK)


def page_source(context: jinja2.runtime.Context, events: tuple[Event, ...]) -> object:
    """What a page lists its events from, of which `events` may be one part (a year's, a
    month's): the same object while the page renders, whatever part it lists."""
    for name in ("years", "group"):  # the timeline's years, a year's page
        if name in context:
            return context[name]
    return events


def page_events(source: object) -> tuple[Event, ...]:
    """All the events a page lists, from its `page_source`."""
    if isinstance(source, YearGroup):
        return source.events
    groups = cast(tuple, source)
    if groups and isinstance(groups[0], YearGroup):
        return tuple(event for group in groups for event in group.events)
    return groups
