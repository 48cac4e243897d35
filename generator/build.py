"""The pipeline: files → events → timeline → pages → rendered bytes → output."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import sys
import time
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import jinja2

from generator.cache import (
    Cache,
    Entry,
    Index,
    Shard,
    flat_key,
    output_key,
    shard_of,
    site_key,
)
from generator.cache import load as load_cache
from generator.cache import save as save_cache
from generator.config import SiteConfig, load_config
from generator.discover import (
    RECENT_NS,
    UNSETTLED,
    SourceFiles,
    Stamp,
    discover,
    leads_out,
    readable,
    stamp_of,
    static_files,
)
from generator.errors import BuildFailed, ContentError, ContentErrors
from generator.exportformats import Export, Layout, Parts, events_json, icalendar, timelinejs
from generator.exportstaging import Previous, positions, stage_export
from generator.feeds import atom, json_feed
from generator.layouts import (
    STATIC_DIR,
    THEME_DIR,
    layout_files,
    make_environment,
    prune_caches,
    render_page,
)
from generator.memo import PerObject
from generator.model import Event, Timeline
from generator.output import KEEP, Content, Keep, write_site
from generator.outputfolder import BUILDING, MANIFEST, Folders, check_output
from generator.outputlock import exclusive
from generator.pages import EVENT_PAGE_SHOWS, Page, plan
from generator.sitemap import robots, sitemap
from generator.staging import (
    STAGED,
    Staged,
    abandon_staging,
    begin_staging,
    end_staging,
    stage,
    unstage,
)
from generator.timeline import assemble, replace_events, same_place
from generator.workers import (
    PARALLEL_FROM,
    RenderResults,
    Workers,
    parse,
    render_in_workers,
    render_pages,
)

log = logging.getLogger(__name__)

NO_BASE_URL = ("base_url is not set, so feed.xml, feed.json, sitemap.xml, robots.txt and "
               "canonical links are left out; set it to the site's public address")
ASSETS = "assets"
DIGEST_SIZE = 16  # bytes of the hash that stands for an event file
# Event files a build with nothing to do compares by content, when their timestamps changed or
# were too recent to trust. Past this many (a checkout, a `touch` of all), the build reads the
# files instead, and notes their new timestamps for the builds after.
COMPARED_AT_MOST = 200
# The data exports, each made of one part per event (see exports.Export).
EXPORTS: dict[str, Callable[[Timeline, SiteConfig, Parts | None], Export]] = {
    "timeline.json": timelinejs, "events.json": events_json, "events.ics": icalendar}


@dataclass(frozen=True)
class BuildOptions:
    """What a build is asked to do; paths are absolute or relative to the working folder."""

    root: Path
    output: Path | None = None
    base_url: str | None = None
    drafts: bool = False
    clean: bool = False  # build without the cache on disk (a fresh one is still written)
    keys: bool = False  # key each output by its inputs, for the cache on disk
    stage: bool = False  # pages and data files are written beside the output's as they are made
    once: bool = False  # one render, whose results live as long as the process (see _plan)
    jobs: int | None = None  # worker processes for many files (default: one per core)
    wait: bool = True  # for another build of the same output folder to end (else fail)

    @property
    def output_dir(self) -> Path:
        return self.output if self.output is not None else self.root / "site"


@dataclass(frozen=True)
class BuildReport:
    events: int
    pages: int
    written: int
    removed: int
    milliseconds: int
    warnings: tuple[str, ...] = field(default_factory=tuple)

    def summary(self) -> str:
        events, pages = count_of(self.events, "event"), count_of(self.pages, "page")
        return (f"Built {events}, {pages}: {count_of(self.written, 'file')} written, "
                f"{self.removed} removed in {self.milliseconds} ms")


@dataclass(frozen=True)
class RenderedSite:
    """A whole site: output path → bytes, a file to copy as it is, or KEEP or STAGED for a
    file already in the output folder or staged beside it."""

    files: dict[str, Content]
    events: int
    pages: int
    warnings: tuple[str, ...]
    sources: dict[str, Stamp] = field(default_factory=dict)  # files copied, as they were found


class Builder:
    """Renders a site again and again, re-reading only changed files and re-rendering only
    pages whose content changed; the dev server keeps one, `build()` uses one once."""

    def __init__(self, options: BuildOptions, cache: Cache | None = None) -> None:
        self.options = options
        self._cache = cache  # the last build's, from disk: used once, on the first render
        self._seeds: dict[bytes, Entry] = {}  # the cache's entries, until events are read
        # The list items of the events the last build made, until the layouts are loaded.
        self._item_seeds: dict[bytes, tuple[Event, dict[int, str]]] = {}
        self._stored: dict[int, tuple[bytes, frozenset]] = {}  # shards as they are on disk
        self._site_key = ""
        self._digests: dict[int, bytes] = {}  # id(event) → hash of its file
        self._output_keys: dict[str, str] = {}
        self._verified: set[str] = set()  # outputs found as the last build left them
        self.parsed = 0  # event files read and parsed, not taken from a cache
        # One build's workers live for all of it (see Workers); `chronoline check` starts them
        # for each task.
        self._workers = Workers(self._jobs()) if options.once else None
        self._config: SiteConfig | None = None
        self._env: jinja2.Environment | None = None
        self._layouts_stamp: tuple = ()
        self._events: dict[str, tuple[tuple[int, int, int], bytes, Event]] = {}
        self._pages: dict[str, tuple[Page, bytes]] = {}
        self._files: dict[str, Content] = {}  # what the last render of pages returned
        self._data_key: tuple | None = None
        self._data: dict[str, bytes] = {}
        self._parts = PerObject()  # what the exports made of each event
        self._items = PerObject()  # each event's list item, for the current layouts
        self._sitemap: tuple[tuple[str, ...], bytes] = ((), b"")
        self._outputs_before: tuple[dict, str] = ({}, "")
        # Where each event's part lies in the exports the last build wrote, and this one.
        self._exports_before: tuple[bytes, dict[str, Layout]] = (b"", {})
        self._exports: tuple[bytes, dict[str, Layout]] = (b"", {})
        self._rendered: tuple[Timeline, list[Page], SiteConfig] | None = None
        self._sources: SourceFiles | None = None
        self._walked: SourceFiles | None = None  # what up_to_date() found, for the read after
        self._stamped: dict[str, Stamp] = {}  # and the stamps it took of the event files
        self._staged: list[str] = []  # files staged beside the output's files (see stage())
        # The output's folders found real (no links) by this render, for its writes.
        self.folders = Folders(options.output_dir)
        self._unread: set[str] = set()  # changed files the watcher named, not read since
        self._read_paths: tuple[str, ...] = ()  # the event files the last read looked at
        self._read_list: list[Event] = []  # and the events it returned
        # The events the last read parsed anew, when it looked only at files the watcher named.
        self._reparsed: list[Event] | None = None
        # The last timeline assembled, and its events by path.
        self._timeline: tuple[Timeline | None, dict[str, Event]] = (None, {})
        # The timeline the last one was made from by swapping events in, and their positions.
        self._swapped: tuple[Timeline, set[int]] | None = None
        self._planned: tuple[Timeline, SiteConfig, list[Page]] | None = None  # the last plan
        # The plan before the last, and the pages of the last that are not its very objects.
        self._fresh: tuple[list[Page], list[Page]] | None = None
        self._rendered_plan: list[Page] | None = None  # the plan that _pages holds all of

    @property
    def config(self) -> SiteConfig | None:
        """The settings of the last render that got as far as reading them."""
        return self._config

    def read(self, changed: Collection[str] | None = None,
             ) -> tuple[SiteConfig, SourceFiles, Timeline]:
        """Read the settings and every event into a timeline, or raise BuildFailed with every
        problem found; nothing is rendered. `changed`, from a file watcher, names the only
        files that changed since the last read (paths from the site's folder)."""
        root = self.options.root
        if changed is not None:
            # Changes seen before a read that failed early (on the settings) still count.
            changed = self._unread = self._unread | set(changed)
        config = self._load_config()
        self._site_key = site_key(config, self._template_stamp())
        self._take_cache()
        if not (root / "content").is_dir():
            raise BuildFailed([ContentError(str(root), "has no content/ folder; put event files "
                                            "in content/, or point --source at the site's folder")])
        if leads_out(root, "content"):
            raise BuildFailed([ContentError("content", "is a link that leads out of the site's "
                                            "folder, and chronoline publishes only what is "
                                            "inside it; put the folder itself there")])
        sources = self._discover(changed)
        events = self._read_events(sources.events, config, changed)
        timeline = self._assemble(events, config)
        return config, sources, timeline

    def _assemble(self, events: list[Event], config: SiteConfig) -> Timeline:
        """The timeline of `events`; when they differ from the last ones only in text, the
        last timeline with the edited events swapped in."""
        last, before = self._timeline
        if last is not None and len(events) == len(before):
            swapped: dict[int, Event] = {}
            # After a read of the files a watcher named, the others are the same objects.
            reparsed = self._reparsed
            for event in events if reparsed is None else reparsed:
                old = before.get(event.path)
                if old is not event:
                    if old is None or not same_place(old, event):
                        break
                    swapped[id(old)] = event
            else:
                timeline, positions = replace_events(last, swapped) if swapped else (last, set())
                if reparsed is None:
                    by_path = {event.path: event for event in events}
                else:
                    by_path = before | {event.path: event for event in reparsed}
                self._timeline = (timeline, by_path)
                self._swapped = (last, positions)
                return timeline
        self._timeline, self._swapped = (None, {}), None
        timeline, errors = assemble(events, config.tzinfo, config.order == "newest",
                                    self.options.drafts, config.index_limit)
        if errors:
            raise BuildFailed(errors)
        self._timeline = (timeline, {event.path: event for event in events})
        return timeline

    def render(self, data: bool = True, changed: Collection[str] | None = None,
               ) -> RenderedSite:
        """Render the whole site, or raise BuildFailed with every problem found. The files
        are in memory, except with `stage`, where most are staged in the output folder (see
        `output.stage`) and stand as STAGED or KEEP. With `data` false, the feeds, sitemap
        and exports are left for `render_data()`: the dev server shows the pages first.
        `changed`: as for `read()`."""
        self._staged, self._verified = [], set()
        self.folders = Folders(self.options.output_dir)
        try:
            try:
                return self._render(data, changed)
            finally:
                # A build's workers are done with its one render, and none may stage a file
                # once the staged ones are removed.
                if self._workers is not None:
                    self._workers.close()
        except BaseException:
            with contextlib.suppress(OSError):  # never in the way of the error that stopped it
                self.discard_staged()
            raise

    def discard_staged(self) -> None:
        """Remove the files the last render staged, and the folders made for them: for a build
        that fails before they are in place."""
        unstage(self._staged, self.options.output_dir)
        self._staged = []

    def _render(self, data: bool, changed: Collection[str] | None) -> RenderedSite:
        root = self.options.root
        config, sources, timeline = self.read(changed)
        pages = self._plan(timeline, config)
        files: dict[str, Content] = {".nojekyll": b""}  # GitHub Pages: no Jekyll
        made: dict[str, Content] = {}
        files.update(self._render_pages(pages, config, also=(
            lambda: made.update(self._data_files(timeline, pages, config))) if data else None))
        prune_caches(self._env, timeline.events)
        files.update(made)
        warnings = _warnings(sources, config)
        for asset in sorted(STATIC_DIR.iterdir()):
            files[f"{ASSETS}/{asset.name}"] = asset
        copied = self._source_stamps(sources)
        for shown in copied:
            if shown.startswith("layouts/static/"):
                # A site's layouts/static/ adds files to assets/ or replaces the theme's own.
                files[f"{ASSETS}/{shown.removeprefix('layouts/static/')}"] = root / shown
        assets = {shown: shown.removeprefix("content/") for shown in sources.assets}
        if clashes := output_clashes(assets, files.keys() | set(data_names(config))):
            raise BuildFailed(clashes)
        for shown, path in assets.items():
            files[path] = root / shown
        self._rendered = (timeline, pages, config)  # for render_data(): the last good site
        return RenderedSite(files, len(timeline.events), len(pages), warnings, copied)

    def _plan(self, timeline: Timeline, config: SiteConfig) -> list[Page]:
        """The pages of `timeline`; after an edit of text alone, most from the last plan."""
        last, swapped = self._planned, self._swapped
        self._fresh = None
        if last is not None and swapped is not None and last[0] is swapped[0] and last[1] == config:
            pages = plan(timeline, config, last[2], swapped[1])
            if len(pages) == len(last[2]):
                self._fresh = (last[2], [page for page, before in zip(pages, last[2], strict=True)
                                         if page is not before])
        else:
            pages = plan(timeline, config)
        self._planned = (timeline, config, pages)
        return pages

    def _source_stamps(self, sources: SourceFiles) -> dict[str, Stamp]:
        """Stamps of the files a build copies: content's other files and layouts/static/."""
        root = self.options.root
        # Walked at each build (the dev server's watcher may have seen a file come); only
        # files inside layouts/static/: discover() warns of what it leaves out.
        static = static_files(root)
        shown = list(sources.assets) + list(static.files)
        if misnamed := static.misnamed:
            raise BuildFailed([ContentError(readable(path), "its name is not UTF-8 text; "
                                            "rename it") for path in misnamed])
        settled = time.time_ns() - RECENT_NS
        stamps = {}
        for path in shown:
            try:
                stamps[path] = stamp_of(os.stat(os.path.join(root, path)), settled)
            except OSError:
                stamps[path] = UNSETTLED
        return stamps

    def render_data(self) -> dict[str, Content]:
        """The feeds, sitemap and data exports of the site that `render()` rendered last."""
        return dict(self.data_files())

    def data_files(self) -> Iterator[tuple[str, Content]]:
        """The same as `render_data()`, one file at a time, so that the dev server can stop
        between two of them when an edit comes: at 100,000 events they take seconds."""
        if self._rendered is None:
            raise RuntimeError("render_data() comes after render()")
        return self._data_files(*self._rendered)

    def _data_files(self, timeline: Timeline, pages: list[Page], config: SiteConfig,
                    ) -> Iterator[tuple[str, Content]]:
        """Feeds, sitemap and data exports; made again only when an event or a setting changed."""
        key = (timeline.events, config)
        if key == self._data_key:
            yield from self._data.items()
            return
        names = data_names(config)
        if self._outputs_before[0] or self.options.keys:
            # The pages (the sitemap lists them) are planned from the events and the settings.
            data_key = flat_key((self._site_key, "data"), timeline.events, self._digests)
            self._output_keys.update(dict.fromkeys(names, data_key))
            if all(self._unchanged(name, data_key) for name in names):
                self._exports = self._exports_before  # the same files, parts where they were
                yield from dict.fromkeys(names, KEEP).items()
                return
        output = self.options.output_dir if self.options.stage else None
        files = {}
        if output is None:  # the dev server: the parts are kept in memory for the next edit
            for name, export in EXPORTS.items():
                files[name] = export(timeline, config, self._parts).join()
                yield name, files[name]
            self._parts.prune(timeline.events)
        else:
            yield from self._stage_exports(timeline, config, output)
        makers: dict[str, Callable[[], bytes]] = {}
        if config.base_url:
            paths = tuple(page.path for page in pages)
            if paths != self._sitemap[0]:
                self._sitemap = (paths, sitemap(pages, config))
            makers |= {"feed.xml": lambda: atom(timeline, config),
                       "feed.json": lambda: json_feed(timeline, config),
                       "sitemap.xml": lambda: self._sitemap[1],
                       "robots.txt": lambda: robots(config)}
        if config.cname:
            makers["CNAME"] = lambda: f"{config.cname}\n".encode()
        for name, make in makers.items():
            made = make()
            if output is not None:
                self._staged.append(name)  # as pages are: aside at once
                yield name, STAGED if stage(made, output, name) else KEEP
                continue
            files[name] = made
            yield name, made
        if output is None:
            self._data_key, self._data = key, files  # only once all are made

    def _stage_exports(self, timeline: Timeline, config: SiteConfig, output: Path,
                       ) -> Iterator[tuple[str, Content]]:
        """Stage the exports a part at a time: at 100,000 events they are hundreds of
        megabytes, better not held. The parts of unchanged events are copied from the files
        the last build wrote, where it noted them; this build notes where its own land."""
        order = b"".join(self._digests[id(event)] for event in timeline.events)
        where: dict[bytes, int] | None = None
        layouts = {}
        before_order, before = self._exports_before
        for name, export in EXPORTS.items():
            layout, recorded = before.get(name), self._outputs_before[0].get(name)
            previous = None
            if (layout is not None and recorded is not None
                    and len(before_order) == len(layout.starts) * DIGEST_SIZE):
                if where is None:
                    where = positions(before_order, DIGEST_SIZE)
                previous = Previous(where, layout, recorded[1], recorded[2])
            self._staged.append(name)
            written, layouts[name] = stage_export(
                lambda parts, export=export: export(timeline, config, parts), output, name,
                previous, self._digests)
            yield name, STAGED if written else KEEP
        self._exports = (order, layouts)

    def _load_config(self) -> SiteConfig:
        base_url = self.options.base_url
        try:
            config = load_config(self.options.root,
                                 {"base_url": base_url} if base_url is not None else None)
        except ContentErrors as exc:
            raise BuildFailed(exc.errors) from None
        if config != self._config:
            # Settings shape every event (time zone, raw HTML) and every page: start afresh.
            self._config, self._env = config, None
            self._timeline = (None, {})
            self._events.clear()
            self._pages.clear()
            self._parts = PerObject()
            self._sitemap = ((), b"")
        return config

    def _discover(self, changed: Collection[str] | None) -> SourceFiles:
        """What lies under content/; a watcher's list of changed files that are all known and
        still there spares walking ten thousand files again."""
        root, known = self.options.root, self._sources
        if changed is not None and known is not None and all(
                (root / path).is_file() if path in known.events or path in known.assets
                else not (root / path).exists()  # made and gone again: an editor's temporary
                for path in changed if path.startswith("content/")):
            return known
        walked, self._walked = self._walked, None
        self._sources = walked if walked is not None else discover(root)
        return self._sources

    def _read_events(self, paths: tuple[str, ...], config: SiteConfig,
                     changed: Collection[str] | None = None) -> list[Event]:
        errors: list[ContentError] = []
        todo: dict[str, tuple[Stamp, bytes, bytes]] = {}
        root = str(self.options.root)
        # The same files as the last read, which read them all: the watcher's list is all
        # there is to look at, and the dev server spares a pass over ten thousand paths.
        known = (changed is not None and paths is self._read_paths
                 and len(self._events) == len(paths))
        cache: dict[str, tuple[Stamp, bytes, Event]] = dict(self._events) if known else {}
        if self._workers is not None and not self._events and len(paths) >= PARALLEL_FROM:
            self._workers.start()  # all to parse: fork before the files are read (see Workers)
        # A file's timestamp can stay the same across two quick saves (file systems keep time
        # in ticks of a few milliseconds), so a file changed lately is compared by content.
        settled = time.time_ns() - RECENT_NS
        stamped, self._stamped = self._stamped, {}  # by up_to_date(), a moment ago
        prefix = f"{root}/"  # paths as plain strings: pathlib and os.path cost more than stat
        for shown in [path for path in changed if path in cache] if known else paths:
            if changed is not None and shown not in changed and shown in self._events:
                cache[shown] = self._events[shown]  # the watcher saw no change
                continue
            path = prefix + shown
            try:
                stamp = stamped.get(shown) or stamp_of(os.stat(path), settled)
                cached = self._events.get(shown)
                if cached and cached[0] == stamp and stamp != UNSETTLED:
                    cache[shown] = cached
                    continue
                with open(path, "rb") as file:
                    data = file.read()
            except OSError as exc:
                errors.append(ContentError(shown, f"cannot be read: {exc.strerror}"))
                cache.pop(shown, None)
                continue
            digest = file_digest(shown, data)
            if cached and cached[1] == digest:
                cache[shown] = (stamp, digest, cached[2])
            else:
                todo[shown] = (stamp, digest, data)
                cache.pop(shown, None)
        items = [(shown, data) for shown, (_stamp, _digest, data) in todo.items()]
        for shown, event, problems in parse(items, config, self._jobs(), self._workers):
            errors.extend(problems)
            if event is not None:
                stamp, digest, _data = todo[shown]
                cache[shown] = (stamp, digest, event)
        self.parsed += len(todo)
        if known:  # the last read's list, with the events parsed anew in their places
            events = list(self._read_list)
            for shown in todo:
                if shown in cache:
                    events[paths.index(shown)] = cache[shown][2]
        else:
            events = [cache[shown][2] for shown in paths if shown in cache]
        before, self._events, self._unread, self._read_paths = self._events, cache, set(), paths
        self._read_list = events
        self._reparsed = None
        if errors:
            raise BuildFailed(sorted(errors, key=lambda e: e.path))
        if known:
            self._reparsed = [cache[shown][2] for shown in todo]
            for shown in todo:
                del self._digests[id(before[shown][2])]
            self._digests.update((id(cache[shown][2]), cache[shown][1]) for shown in todo)
        else:
            self._digests = {id(event): digest for _stamp, digest, event in cache.values()}
        self._seed_items()
        return events

    def _take_cache(self) -> None:
        """Start from the events the last build read, when it was made with the same settings
        and layouts; what it made of them is taken once the events are known."""
        cache, self._cache = self._cache, None
        if cache is None or cache.index.key != self._site_key:
            return
        entries = cache.entries()
        if entries is None:
            return
        index = cache.index
        if index.output == str(self.options.output_dir.resolve()):
            self._outputs_before = (index.outputs, index.output)
            self._exports_before = (index.order, index.exports)
        self._events = {path: (index.sources.get(path, UNSETTLED), digest, entries[digest].event)
                        for path, digest in index.digests.items() if digest in entries}
        self._seeds = entries
        shards: dict[int, Shard] = {}
        for digest, entry in entries.items():
            shards.setdefault(shard_of(digest), {})[digest] = entry
        self._stored = {number: (index.shards[number], frozenset(shard))
                        for number, shard in shards.items()}

    def _seed_items(self) -> None:
        """Keep the list items the last build made of events whose files did not change."""
        seeds, self._seeds = self._seeds, {}
        if not seeds:
            return
        self._item_seeds = {digest: (event, entry.items)
                            for _stamp, digest, event in self._events.values()
                            if (entry := seeds.get(digest)) is not None and entry.event is event}

    def up_to_date(self, index: Index) -> bool:
        """True when the output folder holds what the build recorded in `index` was made
        from exactly the files, settings and layouts there are now: then there is nothing
        to do, and not even the events need reading."""
        root, output = self.options.root, self.options.output_dir.resolve()
        if (index.output != str(output) or index.drafts != self.options.drafts
                or MANIFEST not in index.outputs):
            return False
        if os.path.exists(os.path.join(output, BUILDING)):  # files staged by a stopped build
            return False
        config = self._load_config()
        if site_key(config, self._template_stamp()) != index.key:
            return False
        if not (root / "content").is_dir():
            return False
        sources = self._walked = discover(root)  # read() takes it, if it comes to that
        if _warnings(sources, config) != index.warnings:  # a link into content/ came or went
            return False
        settled = time.time_ns() - RECENT_NS
        found = self._source_stamps(sources)
        stamped = self._stamped = {}  # the read after takes them too
        prefix = f"{root}/"  # plain strings: os.path.join costs more than stat here
        for shown in sources.events:
            try:
                found[shown] = stamped[shown] = stamp_of(os.stat(prefix + shown), settled)
            except OSError:
                return False
        if found.keys() != index.sources.keys():
            return False
        differ = [path for path, stamp in found.items()
                  if stamp != index.sources[path] or stamp == UNSETTLED]
        if len(differ) > COMPARED_AT_MOST:
            return False
        folder = f"{output}/"
        for path, (_key, size, mtime) in index.outputs.items():
            try:
                info = os.stat(folder + path)
            except OSError:
                return False
            if (info.st_size, info.st_mtime_ns) != (size, mtime):
                return False
        # An event file changed lately, or when the last build read it, may hold what that
        # build read: that is told by its content (after a quick edit and a build, the next).
        return all(_same_file(root, path, index.digests.get(path)) for path in differ)

    def snapshot(self, site: RenderedSite, output: Path) -> tuple[Index, dict[int, Shard]]:
        """What this build leaves for the next: its index, and the shards that differ from
        those on disk (the index names the others as they are)."""
        # A shard holds the same as on disk when it has the same events and nothing new was
        # made of them: what is made of an event follows from its file under one site key.
        made = self._items.made
        members: dict[int, dict[bytes, Event]] = {}
        for _stamp, digest, event in self._events.values():
            members.setdefault(shard_of(digest), {})[digest] = event
        stored: dict[int, bytes] = {}
        entries: dict[int, Entry] = {}  # id(event) → its entry, in the shards to write
        shards: dict[int, Shard] = {}
        for number, events in members.items():
            signature, digests = self._stored.get(number, (b"", frozenset()))
            if digests == events.keys() and not any(id(event) in made
                                                   for event in events.values()):
                stored[number] = signature
                continue
            shard = shards[number] = {}
            for digest, event in events.items():
                shard[digest] = entries[id(event)] = Entry(event)
        for level, event, text in self._items.items(entries):
            entry = entries.get(id(event))
            if entry is not None and entry.event is event:
                entry.items[level] = text
        folder, before = f"{output}/", self._outputs_before[0]
        outputs = {}
        for path, content in [*site.files.items(), (MANIFEST, None)]:
            key = self._output_keys.get(path, "")
            if content is KEEP and path in self._verified:
                outputs[path] = before[path]  # as the build found it, and the write left it
                continue
            try:
                info = os.stat(folder + path)
            except OSError:
                continue
            outputs[path] = (key, info.st_size, info.st_mtime_ns)
        sources = dict(site.sources)
        digests = {}
        for path, (stamp, digest, _event) in self._events.items():
            sources[path], digests[path] = stamp, digest
        index = Index(self._site_key, str(output.resolve()), self.options.drafts, sources,
                      outputs, site.events, site.pages, site.warnings, digests, stored,
                      *self._exports)
        return index, shards

    def _unchanged(self, path: str, key: str) -> bool:
        """True when the output folder still holds the file the last run made from `key`."""
        outputs, folder = self._outputs_before
        recorded = outputs.get(path)
        if recorded is None or recorded[0] != key:
            return False
        try:
            info = os.stat(f"{folder}/{path}")
        except OSError:
            return False
        if (info.st_size, info.st_mtime_ns) != (recorded[1], recorded[2]):
            return False
        self._verified.add(path)
        return True

    def _page_key(self, page: Page) -> str:
        """The key of all `page` is made from, for the output folder's record."""
        context = page.context
        if page.template == "event.html" and context.keys() == EVENT_PAGE_SHOWS:
            # One page per event: worth a key made without walking a dict.
            return flat_key((self._site_key, page.path, page.title, page.root_override),
                            (context["event"], context["previous"], context["next"]),
                            self._digests)
        return output_key((self._site_key, page.template, page.path, page.title,
                           page.root_override, context), self._digests)

    def _jobs(self) -> int:
        return self.options.jobs or os.cpu_count() or 1

    def _template_stamp(self) -> tuple:
        layouts = self.options.root / "layouts"
        found = layout_files(layouts)
        # By content: there are few layouts, and a timestamp can miss a quick second save.
        own = tuple((p.as_posix(), hashlib.blake2b(p.read_bytes()).digest()) for p in found)
        # The theme changes with chronoline's version, or when someone works on the theme.
        theme = tuple((p.as_posix(), p.stat().st_mtime_ns, p.stat().st_size)
                      for p in sorted(THEME_DIR.rglob("*")) if p.is_file())
        return own + theme

    def _environment(self, config: SiteConfig) -> jinja2.Environment:
        layouts = self.options.root / "layouts"
        stamp = self._template_stamp()
        if self._env is None or stamp != self._layouts_stamp:
            self._items = PerObject()
            self._items.seed_all((level, event, text)  # made by the last build
                                 for event, items in self._item_seeds.values()
                                 for level, text in items.items())
            self._item_seeds = {}
            self._env = make_environment(layouts, config, self._items)
            self._layouts_stamp = stamp
            self._pages.clear()
        return self._env

    def _render_pages(self, pages: list[Page], config: SiteConfig,
                      also: Callable[[], None] | None = None) -> dict[str, Content]:
        """Render what changed of `pages`; `also` runs here while workers render, if any."""
        env = self._environment(config)
        rendered: dict[str, tuple[Page, bytes]] = {}
        problems: list[ContentError] = []
        keyed = bool(self._outputs_before[0]) or self.options.keys
        todo: list[Page] = []
        fresh = self._fresh
        # Only the pages the plan made anew can differ from those the last render kept (the
        # dev server after an edit of text: a few pages of ten thousand).
        known = (fresh is not None and fresh[0] is self._rendered_plan
                 and len(self._pages) == len(pages))
        look = fresh[1] if known else pages
        self._rendered_plan = None
        for page in look:
            cached = self._pages.get(page.path)
            if cached and (cached[0] is page or cached[0] == page):
                rendered[page.path] = cached
                continue
            if keyed:
                key = self._page_key(page)
                self._output_keys[page.path] = key
                if self._unchanged(page.path, key):
                    rendered[page.path] = (page, KEEP)
                    continue
            todo.append(page)
        # Event pages, the most numerous, can be rendered in worker processes, which stage them
        # in the output folder (build() only); meanwhile the pages that list events are
        # rendered here, where the list items are made once and kept.
        alone = [page for page in todo if page.template != "event.html"]
        shared = [page for page in todo if page.template == "event.html"]
        jobs = self._jobs()
        # Only where workers are forked (Linux): started anew, each would import and load all
        # again, and that path is not tested.
        if jobs < 2 or len(shared) < PARALLEL_FROM or sys.platform != "linux":
            alone, shared = todo, []
        output = self.options.output_dir if self.options.stage else None
        if output is not None:
            for page in todo:  # before any worker writes there
                self.folders.check(page.path)
            # All of them, before any is written: a build stopped halfway removes them all.
            self._staged += [page.path for page in todo]

        def meanwhile() -> RenderResults:
            results = render_pages(env, alone, config, self.options.root, output)
            if also is not None:
                also()
            return results

        here, there = render_in_workers(shared, config, self.options.root, self._layouts_stamp,
                                         jobs, output, meanwhile, self._workers)
        for page, result in [*here, *there]:
            if isinstance(result, (bytes, Keep, Staged)):
                rendered[page.path] = (page, result)
            elif result is None:  # not a template's fault: raise it here, with its traceback
                render_page(env, page, config)
            elif result not in problems:
                problems.append(result)
        if problems:
            raise BuildFailed(problems)
        kept, files = (dict(self._pages), dict(self._files)) if known else ({}, {})
        for path, (page, data) in rendered.items():
            files[path] = data
            # Only what is in memory is kept for the next render: a staged page is known to
            # the output folder alone.
            if isinstance(data, Staged):
                kept.pop(path, None)
            else:
                kept[path] = (page, data)
        self._pages, self._files, self._rendered_plan = kept, files, pages
        return files


def data_names(config: SiteConfig) -> list[str]:
    """The files `render_data()` makes for a site with these settings."""
    names = list(EXPORTS)
    if config.base_url:
        names += ["feed.xml", "feed.json", "sitemap.xml", "robots.txt"]
    if config.cname:
        names.append("CNAME")
    return names


IGNORING_CASE = "where letter case is ignored (macOS, Windows)"


def output_clashes(assets: dict[str, str], generated: Collection[str]) -> list[ContentError]:
    """The files of content/ (shown path → output path) that would take the place of a
    generated file or folder, or of each other, also where letter case is ignored; each named
    with what it collides with."""
    if not assets:
        return []  # spares folding thousands of paths
    files = {path.casefold(): path for path in generated}
    # Each generated folder, folded → its name and a file in it.
    folders: dict[str, tuple[str, str]] = {}
    for path in sorted(generated):  # the same file named in each run
        end = path.rfind("/")
        while end > 0 and (folder := path[:end].casefold()) not in folders:
            folders[folder] = (path[:end], path)
            end = path.rfind("/", 0, end)
    problems, seen = [], {}
    for shown, path in assets.items():
        folded = path.casefold()
        message = None
        if folded in files:
            message = (f"would overwrite the generated {files[folded]}"
                       + ("" if files[folded] == path else f" {IGNORING_CASE}"))
        elif folded in folders:
            folder, inside = folders[folded]
            message = f"is a file where the site has the folder {folder}/ (for {inside})"
        elif clash := next((files[folded[:end]] for end in _slashes(folded)
                            if folded[:end] in files), None):
            message = f"needs a folder where the site has the file {clash}"
        elif folded in seen:
            message = f"would overwrite {seen[folded]} {IGNORING_CASE}"
        seen.setdefault(folded, shown)
        if message is not None:
            problems.append(ContentError(shown, f"{message}; rename or move it"))
    return problems


def _slashes(path: str) -> Iterator[int]:
    end = path.find("/")
    while end > 0:
        yield end
        end = path.find("/", end + 1)


def build(options: BuildOptions, waiting: Callable[[], None] | None = None) -> BuildReport:
    """Build the site under `options.root` into its output folder, or raise BuildFailed; the
    cache on disk spares reading and rendering what did not change since the last build.
    Another build of the same output folder is waited for (`waiting` is called to say so),
    or, when `options.wait` is false, stops this one with an OutputError."""
    started = time.perf_counter()
    output = options.output_dir
    check_output(output, options.root)  # before rendering: workers stage pages in it
    with exclusive(output, waiting, options.wait):
        return _build(options, started)


def _build(options: BuildOptions, started: float) -> BuildReport:
    cache = None if options.clean else load_cache(options.root)
    builder = Builder(replace(options, keys=True, stage=True, once=True), cache)
    if cache is not None and builder.up_to_date(cache.index):
        index = cache.index
        elapsed = round((time.perf_counter() - started) * 1000)
        return BuildReport(index.events, index.pages, 0, 0, elapsed, index.warnings)
    output = options.output_dir
    staging = begin_staging(output)
    # The folder the last finished build wrote, with no build stopped in it since, holds no
    # staged file to clear: the write need not walk it.
    tidy = (staging.fresh and cache is not None
            and cache.index.output == str(output.resolve()))
    try:
        site = builder.render()
        report = write_site(site.files, output, tidy, builder.folders)
    except BaseException:
        with contextlib.suppress(OSError):  # never in the way of the error that stopped it
            builder.discard_staged()
        abandon_staging(staging)
        raise
    end_staging(staging)
    save_cache(options.root, *builder.snapshot(site, output))
    elapsed = round((time.perf_counter() - started) * 1000)
    return BuildReport(site.events, site.pages, report.written, report.removed, elapsed,
                       site.warnings)


def file_digest(shown: str, data: bytes) -> bytes:
    """What stands for an event file in the cache; the path counts too: a renamed file is
    another event (its slug, its path)."""
    return hashlib.blake2b(shown.encode() + b"\0" + data, digest_size=DIGEST_SIZE).digest()


def _same_file(root: Path, shown: str, digest: bytes | None) -> bool:
    """True when the event file `shown` holds what was read as `digest`."""
    if digest is None:  # not an event file, or none was read
        return False
    try:
        data = (root / shown).read_bytes()
    except OSError:
        return False
    return file_digest(shown, data) == digest


def count_of(number: int, noun: str) -> str:
    """`1 event`, `2 events`."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _warnings(sources: SourceFiles, config: SiteConfig) -> tuple[str, ...]:
    return sources.warnings + (() if config.base_url else (NO_BASE_URL,))
