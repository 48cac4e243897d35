"""What the last render made: its Jinja environment, its pages and its data files, kept so that
the next render makes again only what changed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jinja2

from generator.config import SiteConfig
from generator.datafiles import ExportsWritten
from generator.incremental.edits import Replanned
from generator.incremental.freshness import Freshness
from generator.layouts import make_environment
from generator.memo import PerObject
from generator.model import Event, Timeline
from generator.output import KEEP, Content
from generator.pages import Page
from generator.sitemap import sitemap
from generator.staging import Staged


@dataclass(frozen=True)
class ToRender:
    """Which pages a render makes, and those it takes as they are."""

    done: dict[str, Content]  # taken from the last render, or KEEP for the output folder's
    todo: list[Page]
    looked: list[Page]  # the pages looked at: all, or those planned anew since the last
    since_last: bool  # and `done` holds the last render's others


class PageMemory:
    """The environment of the current layouts, and the pages the last render made."""

    def __init__(self) -> None:
        self.env: jinja2.Environment | None = None
        self.layouts: tuple = ()  # the stamp of the layouts `env` was made from
        self.items: PerObject[str] = PerObject()  # each event's list items, for the layouts
        # The list items a build made of the events, until the layouts are loaded.
        self.item_seeds: list[tuple[int, Event, str]] = []
        self.pages: dict[str, tuple[Page, Content]] = {}  # rendered, in memory
        self.files: dict[str, Content] = {}  # what the last render of pages returned
        self.last_plan: list[Page] | None = None  # the plan all of whose pages `pages` holds

    def forget(self) -> None:
        """New settings: every page is made again."""
        self.env = None
        self.pages.clear()

    def environment(self, root: Path, config: SiteConfig, layouts: tuple) -> jinja2.Environment:
        """The environment for `layouts` (their stamp); made again when they changed."""
        if self.env is None or layouts != self.layouts:
            self.items = PerObject[str]()
            self.items.seed_all(self.item_seeds)
            self.item_seeds = []
            self.env = make_environment(root / "layouts", config, self.items)
            self.layouts = layouts
            self.pages.clear()
        return self.env

    def to_render(self, pages: list[Page], replanned: Replanned | None,
                  freshness: Freshness | None) -> ToRender:
        """The pages of `pages` the last render made (or that the output folder holds as it
        would be made), and the others, to render."""
        # Only the pages planned anew can differ from those the last render kept (the dev
        # server after an edit of text: a few pages of ten thousand).
        since_last = (replanned is not None and replanned.before is self.last_plan
                      and len(self.pages) == len(pages))
        looked = replanned.anew if since_last and replanned else pages
        self.last_plan = None  # until this render is kept
        done: dict[str, Content] = dict(self.files) if since_last else {}
        todo: list[Page] = []
        for page in looked:
            kept = self.pages.get(page.path)
            if kept and (kept[0] is page or kept[0] == page):
                done[page.path] = kept[1]
            elif freshness is not None and freshness.page_unchanged(page):
                done[page.path] = KEEP
            else:
                todo.append(page)
        return ToRender(done, todo, looked, since_last)

    def keep(self, pages: list[Page], render: ToRender, files: dict[str, Content]) -> None:
        """Remember the render of `pages` that `render` planned and `files` holds. A staged
        page is known to the output folder alone, not kept in memory."""
        kept = dict(self.pages) if render.since_last else {}
        for page in render.looked:
            content = files[page.path]
            if isinstance(content, Staged):
                kept.pop(page.path, None)
            else:
                kept[page.path] = (page, content)
        self.pages, self.files, self.last_plan = kept, files, pages


class DataMemory:
    """The data files the last render made, and what it made them from."""

    def __init__(self) -> None:
        self.made_from: tuple | None = None  # (events, eras, settings) of `files`
        self.files: dict[str, Content] = {}
        self.parts: PerObject[bytes] = PerObject()  # what the exports made of each event
        self._sitemap: tuple[tuple[str, ...], bytes] = ((), b"")
        self.exports_before: ExportsWritten | None = None  # from the last build, on disk
        self.exports = ExportsWritten()  # and of this one

    def forget(self) -> None:
        self.parts, self._sitemap, self.made_from = PerObject[bytes](), ((), b""), None

    def kept(self, timeline: Timeline, config: SiteConfig) -> dict[str, Content] | None:
        """The files the last render made, when made from the same events and settings."""
        # The eras have pages, which the sitemap lists.
        return self.files if self.made_from == (timeline.events, timeline.eras, config) else None

    def keep(self, timeline: Timeline, config: SiteConfig, files: dict[str, Content]) -> None:
        self.made_from, self.files = (timeline.events, timeline.eras, config), files
        self.parts.prune(timeline.events)

    def sitemap(self, pages: list[Page], config: SiteConfig) -> bytes:
        """The sitemap of `pages`, made again only when their paths changed."""
        paths = tuple(page.path for page in pages)
        if paths != self._sitemap[0]:
            self._sitemap = (paths, sitemap(pages, config))
        return self._sitemap[1]
