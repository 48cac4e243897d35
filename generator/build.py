"""The pipeline: settings → discover → read events → assemble the timeline → plan pages →
render → write, each step a function returning what the next takes (`Builder._read_site()`,
`Builder._render()`); what a rebuild may reuse from the last one comes from `incremental.Memory`,
which the steps never see. docs/architecture.md draws the whole picture."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import jinja2

from generator.assets import copied_files, output_clashes, placed
from generator.buildreport import BuildReport
from generator.buildreport import count_of as count_of  # the dev server's, from here
from generator.config import SiteConfig
from generator.datafiles import data_names, exports_in_memory, other_data, staged_exports
from generator.discover import SourceFiles, Stamp, discover
from generator.errors import BuildFailed, ContentError
from generator.exportformats import EXPORT_WARNINGS, export_warnings
from generator.history import attach, history_moved, history_warnings, site_history
from generator.incremental.cache import Cache, Index, Shard
from generator.incremental.cache import load as load_cache
from generator.incremental.cache import save as save_cache
from generator.incremental.edits import Replanned, Swapped
from generator.incremental.freshness import Freshness
from generator.incremental.keys import site_key
from generator.incremental.memory import Memory
from generator.incremental.uptodate import event_stamps, files_as_recorded, output_as_recorded
from generator.layouts import layouts_stamp, prune_caches
from generator.localrefs import links_to_drafts
from generator.model import Timeline
from generator.output import KEEP, Content, write_site
from generator.outputfolder import Folders, check_output
from generator.outputlock import exclusive
from generator.pages import Page, plan
from generator.reading import read_events
from generator.rendering import render_pages
from generator.search import SearchMemory, search_files, search_names
from generator.sitefolder import check_content_folder, load_settings
from generator.staging import STAGED, abandon_staging, begin_staging, end_staging, stage, unstage
from generator.timeline import assemble
from generator.workers import Workers

NO_BASE_URL = ("base_url is not set, so feed.xml, feed.json, sitemap.xml, robots.txt and "
               "canonical links are left out; set it to the site's public address")


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
    once: bool = False  # one render: its worker processes live as long as it (see Workers)
    jobs: int | None = None  # worker processes for many files (default: one per core)
    wait: bool = True  # for another build of the same output folder to end (else fail)
    # Told each step and how far it is, as ("reading", done, total), for a progress line.
    progress: Callable[[str, int, int], None] = field(default=lambda *_: None, compare=False)

    @property
    def output_dir(self) -> Path:
        return self.output if self.output is not None else self.root / "site"


@dataclass(frozen=True)
class RenderedSite:
    """A whole site: output path → bytes, a file to copy as it is, or KEEP or STAGED for a
    file already in the output folder or staged beside it."""

    files: dict[str, Content]
    events: int
    pages: int
    warnings: tuple[str, ...]
    sources: dict[str, Stamp] = field(default_factory=dict)  # files copied, as they were found
    drafts: int = 0  # drafts left out


def build(options: BuildOptions, waiting: Callable[[], None] | None = None) -> BuildReport:
    """Build the site under `options.root` into its output folder, or raise BuildFailed; the
    cache on disk spares reading and rendering what did not change since the last build.
    Another build of the same output folder is waited for (`waiting` is called to say so),
    or, when `options.wait` is false, stops this one with an OutputError."""
    started = time.perf_counter()
    output = options.output_dir
    check_output(output, options.root)  # before rendering: workers stage pages in it
    with exclusive(output, waiting, options.wait):
        cache = None if options.clean else load_cache(options.root)
        builder = Builder(replace(options, keys=True, stage=True, once=True), cache)
        if cache is not None and builder.up_to_date(cache.index):
            index = cache.index
            return BuildReport(index.events, index.pages, 0, 0, _since(started), index.warnings,
                               index.drafts_left_out)
        staging = begin_staging(output)
        # The folder the last finished build wrote, with no build stopped in it since, holds
        # no staged file to clear: the write need not walk it.
        tidy = (staging.fresh and cache is not None
                and cache.index.output == str(output.resolve()))
        try:
            site = builder.render()
            options.progress("writing", 0, len(site.files))
            report = write_site(site.files, output, tidy, builder.folders)
        except BaseException:
            with contextlib.suppress(OSError):  # never in the way of the error that stopped it
                builder.discard_staged()
            abandon_staging(staging)
            raise
        end_staging(staging)
        save_cache(options.root, *builder.snapshot(site))
    return BuildReport(site.events, site.pages, report.written, report.removed,
                       _since(started), site.warnings, site.drafts)


@dataclass(frozen=True)
class Found:
    """What a read of the site found: its settings, its files, its timeline, and every
    problem of its content."""

    config: SiteConfig
    layouts: tuple  # the stamp of the layouts (see layouts_stamp)
    sources: SourceFiles
    timeline: Timeline
    swapped: Swapped | None  # the timeline is the last one with edited events swapped in
    problems: list[ContentError]
    drafts: int  # drafts left out
    history_warnings: tuple[str, ...] = ()  # what the read of the git history warns of


@dataclass(frozen=True)
class SiteMade:
    """A site rendered, for its data files and the snapshot of its build."""

    timeline: Timeline
    pages: list[Page]
    config: SiteConfig
    freshness: Freshness | None  # the keys of its outputs, when they are recorded


class Builder:
    """Renders a site again and again; a rebuild reads again only the files that changed and
    renders again only the pages whose content changed. The dev server keeps one, `build()`
    uses one once."""

    def __init__(self, options: BuildOptions, cache: Cache | None = None) -> None:
        self.options = options
        self.memory = Memory(options.output_dir, cache)
        self.folders = Folders(options.output_dir)  # found real (no links) by this render
        self.staged: list[str] = []  # files staged beside the output's (see output.stage)
        # One build's workers live for all of it (see Workers); `chronoline check` starts them
        # for each task.
        self._workers = Workers(self._jobs()) if options.once else None
        self._last_site: SiteMade | None = None
        self.search = SearchMemory()

    @property
    def config(self) -> SiteConfig | None:
        """The settings of the last render that got as far as reading them."""
        return self.memory.config

    def read(self, changed: Collection[str] | None = None,
             ) -> tuple[SiteConfig, SourceFiles, Timeline]:
        """Read the settings and every event into a timeline, or raise BuildFailed with every
        problem found; nothing is rendered. `changed`, from a file watcher, names the only
        files that changed since the last read (paths from the site's folder)."""
        found = self._read_site(changed)
        if found.problems:
            raise BuildFailed(found.problems)
        return found.config, found.sources, found.timeline

    def render(self, data: bool = True, changed: Collection[str] | None = None,
               first: Callable[[Mapping[str, Content]], None] | None = None) -> RenderedSite:
        """Render the whole site, or raise BuildFailed with every problem found. The files
        are in memory, except with `stage`, where most are staged in the output folder (see
        `staging.stage`) and stand as STAGED or KEEP. With `data` false, the feeds, sitemap
        and exports are left for `render_data()`: the dev server shows the pages first.
        `changed`: as for `read()`. `first`, when given, is handed the pages that show one
        event as soon as they are rendered, before the pages that list events are made: the
        dev server shows an edited event sooner."""
        self.staged = []
        self.folders = Folders(self.options.output_dir)
        try:
            try:
                return self._render(data, changed, first)
            finally:
                # A build's workers are done with its one render, and none may stage a file
                # once the staged ones are removed.
                if self._workers is not None:
                    self._workers.close()
        except BaseException:
            with contextlib.suppress(OSError):  # never in the way of the error that stopped it
                self.discard_staged()
            raise

    def _read_site(self, changed: Collection[str] | None) -> Found:
        """Settings → discover → read events → assemble the timeline."""
        options, memory = self.options, self.memory
        changed = memory.events.changes(changed)
        config, layouts = load_settings(options.root, options.base_url), layouts_stamp(options.root)
        memory.settle(config, layouts)
        check_content_folder(options.root)
        sources = memory.events.last_walk(options.root, changed) or discover(options.root)
        read = read_events(str(options.root), sources, config, memory.events.known(changed),
                           self._jobs(), self._workers, options.progress)
        history = site_history(options.root, config, memory.history)  # see history.py
        memory.history, read = history.history, attach(read, history, config.tzinfo)
        memory.events.keep(sources, read)
        memory.seed_items()
        problems = list(read.errors)
        swapped = memory.edits.swap(read)
        if swapped is not None:
            timeline = swapped.timeline
        else:
            timeline, duplicates = assemble(read.events, config.tzinfo, config.order == "newest",
                                            options.drafts, config.index_limit, config.lanes)
            problems += duplicates
            if problems:
                memory.edits.failed()
            else:
                memory.edits.assembled(timeline, read.events)
        if not options.drafts:
            problems += links_to_drafts(read.events)
        drafts = 0 if options.drafts else sum(event.draft for event in read.events)
        return Found(config, layouts, sources, timeline, swapped, problems, drafts,
                     history.warnings)

    def _render(self, data: bool, changed: Collection[str] | None,
                first: Callable[[Mapping[str, Content]], None] | None) -> RenderedSite:
        """The site read → plan pages → check → render pages and data files."""
        root, memory = self.options.root, self.memory
        found = self._read_site(changed)
        config, sources, timeline = found.config, found.sources, found.timeline
        replanned = memory.edits.replan(found.swapped, config)
        pages = replanned.pages if replanned else plan(timeline, config)
        memory.edits.keep_plan(timeline, config, pages)
        copied, misnamed = copied_files(root, sources)
        theme, assets = placed(root, sources, copied, config.search)
        # Every problem of the content in one run, before anything is rendered.
        if problems := found.problems + misnamed + output_clashes(assets, lambda: {
                ".nojekyll", *(page.path for page in pages), *theme, *data_names(config, timeline),
                *search_names(config)}):
            raise BuildFailed(problems)
        files: dict[str, Content] = {".nojekyll": b""}  # GitHub Pages: no Jekyll
        made: dict[str, Content] = {}
        site = SiteMade(timeline, pages, config, memory.freshness(self.options.keys))
        env = memory.pages.environment(root, config, found.layouts)
        files |= self._render_pages(site, env, found.layouts, replanned, (
            lambda: made.update(self._data_files(site))) if data else None, first)
        prune_caches(env, timeline.events)
        files |= made | theme | {path: root / source for source, path in assets.items()}
        self._last_site = site  # for render_data(): the last good site
        notes = warnings(sources, config) + export_warnings(timeline, config)
        return RenderedSite(files, len(timeline.events), len(pages),
                            notes + found.history_warnings, copied, found.drafts)

    def _render_pages(self, site: SiteMade, env: jinja2.Environment, layouts: tuple,
                      replanned: Replanned | None, meanwhile: Callable[[], None] | None,
                      first: Callable[[Mapping[str, Content]], None] | None = None,
                      ) -> dict[str, Content]:
        """Render what changed of the site's pages; `meanwhile` runs while workers render,
        and `first` is handed the event pages before the others are rendered."""
        root, memory = self.options.root, self.memory
        job = memory.pages.to_render(site.pages, replanned, site.freshness)
        self.options.progress("rendering", 0, len(job.todo))
        output = self.options.output_dir if self.options.stage else None
        if output is not None:
            for page in job.todo:  # before any worker writes there
                self.folders.check(page.path)
            # All of them, before any is written: a build stopped halfway removes them all.
            self.staged += [page.path for page in job.todo]
        made, problems = render_pages(job.todo, env, site.config, root, layouts, self._jobs(),
                                      output, self._workers, meanwhile, first)
        if problems:
            raise BuildFailed(problems)
        files = job.done  # made for this render alone: no copy of ten thousand entries
        files.update(made)
        memory.pages.keep(site.pages, job, files)
        return files

    def discard_staged(self) -> None:
        """Remove the files the last render staged, and the folders made for them: for a build
        that fails before they are in place."""
        unstage(self.staged, self.options.output_dir)
        self.staged = []

    def render_data(self) -> dict[str, Content]:
        """The feeds, sitemap and data exports of the site that `render()` rendered last."""
        return dict(self.data_files())

    def data_files(self) -> Iterator[tuple[str, Content]]:
        """The same as `render_data()`, one file at a time, so that the dev server can stop
        between two of them when an edit comes: at 100,000 events they take seconds."""
        if self._last_site is None:
            raise RuntimeError("render_data() comes after render()")
        return self._data_files(self._last_site)

    def _data_files(self, site: SiteMade) -> Iterator[tuple[str, Content]]:
        """The feeds, sitemap and exports, then the search index, made as the site is."""
        yield from self._exports(site)
        if site.config.search:  # staged as the exports are, when they are
            output = self.options.output_dir if self.options.stage else None
            yield from search_files(site.timeline.events, site.config, self.search,
                                    site.freshness, output, self.folders, self.staged)

    def _exports(self, site: SiteMade) -> Iterator[tuple[str, Content]]:
        """Feeds, sitemap and data exports; made again only when an event or a setting
        changed."""
        timeline, pages, config = site.timeline, site.pages, site.config
        data = self.memory.data
        if (kept := data.kept(timeline, config)) is not None:
            yield from kept.items()
            return
        names = data_names(config, timeline)
        freshness = site.freshness
        shown = timeline.events + timeline.eras  # the eras' pages are in the sitemap
        if freshness is not None and freshness.data_unchanged(names, shown):
            data.exports = data.exports_before or data.exports  # the parts where they were
            yield from dict.fromkeys(names, KEEP).items()
            return
        output = self.options.output_dir if self.options.stage else None
        if output is None:  # the dev server: the parts are kept in memory for the next edit
            makers = exports_in_memory(timeline, config, data.parts)
        else:
            sizes = {name: (size, mtime) for name, (_key, size, mtime)
                     in self.memory.recorded.items()}
            makers = staged_exports(timeline, config, output, self.memory.events.digests,
                                    data.exports, data.exports_before, sizes)
        makers |= other_data(timeline, pages, config, lambda pages: data.sitemap(pages, config))
        files: dict[str, Content] = {}
        for name, make in makers.items():
            if output is not None:
                self.staged.append(name)  # as pages are: aside at once
            content = make()
            if output is not None and isinstance(content, bytes):
                content = STAGED if stage(content, output, name) else KEEP
            files[name] = content
            yield name, content
        if output is None:
            data.keep(timeline, config, files)  # only once all are made

    def up_to_date(self, index: Index) -> bool:
        """True when the output folder holds what the build recorded in `index` was made
        from exactly the files, settings and layouts there are now: then there is nothing
        to do, and not even the events need reading."""
        root, output = self.options.root, self.options.output_dir
        if not output_as_recorded(index, output, self.options.drafts):
            return False
        config = load_settings(self.options.root, self.options.base_url)
        if site_key(config, layouts_stamp(root)) != index.key or not (root / "content").is_dir():
            return False
        sources = discover(root)
        notes, repository = history_warnings(root, config)
        # A link into content/ came or went (the exports' warnings follow from the events).
        kept = tuple(w for w in index.warnings if not w.startswith(EXPORT_WARNINGS))
        if warnings(sources, config) + notes != kept or history_moved(index.history, repository):
            return False
        found, _misnamed = copied_files(root, sources)
        stamps = event_stamps(root, sources.events)
        if stamps is None:
            return False
        # The read after, if it comes to that, takes the walk and the stamps.
        self.memory.events.walked, self.memory.events.stamps = sources, stamps
        return files_as_recorded(index, root, output, found | stamps)

    def snapshot(self, site: RenderedSite) -> tuple[Index, dict[int, Shard]]:
        """What this build leaves for the next: its index, and the shards to write."""
        last = self._last_site
        freshness = last and last.freshness or Freshness(self.memory.site_key, {})
        index, shards = self.memory.snapshot(site.files, site.sources, site.events, site.pages,
                                             site.warnings, self.options.drafts, freshness)
        return replace(index, drafts_left_out=site.drafts), shards

    def _jobs(self) -> int:
        return self.options.jobs or os.cpu_count() or 1


def warnings(sources: SourceFiles, config: SiteConfig) -> tuple[str, ...]:
    return sources.warnings + (() if config.base_url else (NO_BASE_URL,))


def _since(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)
