"""All a Builder keeps from one render to the next, and takes from or leaves to the cache on
disk: the pipeline's steps get from it what they may reuse and never see it whole."""

from __future__ import annotations

from pathlib import Path

from generator.config import SiteConfig
from generator.datafiles import ExportsWritten
from generator.discover import UNSETTLED, Stamp
from generator.githistory import GitHistory
from generator.incremental.cache import Cache, Entry, Index, Shard, shard_of
from generator.incremental.edits import EditMemory
from generator.incremental.events import EventMemory
from generator.incremental.freshness import Freshness, Recorded
from generator.incremental.keys import site_key
from generator.incremental.rendered import DataMemory, PageMemory
from generator.output import Content
from generator.reading import EventFile


class Memory:
    """What the last render read and made; empty for a build without a cache."""

    def __init__(self, output: Path, cache: Cache | None = None) -> None:
        self.output = output
        self.config: SiteConfig | None = None
        self.site_key = ""  # of the settings and layouts of the current render
        self.events = EventMemory()
        self.edits = EditMemory()
        self.pages = PageMemory()
        self.data = DataMemory()
        self.recorded: dict[str, Recorded] = {}  # what the last build wrote to `output`
        self.history: GitHistory | None = None  # the site's git history, as last read
        self._cache = cache  # the last build's, from disk: taken once, at the first render
        self._entries: dict[bytes, Entry] = {}  # its entries, until the events are read
        self._stored: dict[int, tuple[bytes, frozenset]] = {}  # its shards as they are on disk

    def settle(self, config: SiteConfig, layouts: tuple) -> None:
        """Take the settings and the stamp of the layouts of a render. New settings shape every
        event (time zone, raw HTML) and every page: all is made afresh."""
        self.site_key = site_key(config, layouts)
        if config != self.config:
            self.config = config
            self.events.forget()
            self.edits.forget()
            self.pages.forget()
            self.data.forget()
        self._take_cache()

    def freshness(self, keyed: bool) -> Freshness | None:
        """What tells the output folder's files still right, for a build that records them or
        found a record; None for a render that only keeps its files in memory."""
        if not self.recorded and not keyed:
            return None
        # A copy: the next read changes the digests, and this render's data files may be made
        # after it, from this render's events.
        return Freshness(self.site_key, dict(self.events.digests), self.recorded,
                         str(self.output))

    def _take_cache(self) -> None:
        """Start from the events the last build read, when it was made with the same settings
        and layouts; what it made of them is taken once the events are read."""
        cache, self._cache = self._cache, None
        if cache is not None:  # whatever the settings: it is the repository's
            self.history = cache.index.history
        if cache is None or cache.index.key != self.site_key:
            return
        entries = cache.entries()
        if entries is None:
            return
        index = cache.index
        if index.output == str(self.output.resolve()):
            self.recorded = index.outputs
            self.data.exports_before = ExportsWritten(index.order, index.exports)
        self.events.files = {
            path: EventFile(index.sources.get(path, UNSETTLED), digest, entries[digest].event)
            for path, digest in index.event_files.items() if digest in entries}
        self._entries = entries
        shards: dict[int, Shard] = {}
        for digest, entry in entries.items():
            shards.setdefault(shard_of(digest), {})[digest] = entry
        self._stored = {number: (index.shards[number], frozenset(shard))
                        for number, shard in shards.items()}

    def seed_items(self) -> None:
        """Keep the list items the last build made of events whose files did not change."""
        entries, self._entries = self._entries, {}
        if not entries:  # only the first read after the cache was taken has any
            return
        self.pages.item_seeds = [
            (level, file.event, text) for file in self.events.files.values()
            if (entry := entries.get(file.digest)) is not None and entry.event is file.event
            for level, text in entry.items.items()]

    def snapshot(self, files: dict[str, Content], copied: dict[str, Stamp], events: int,
                 pages: int, warnings: tuple[str, ...], drafts: bool,
                 freshness: Freshness) -> tuple[Index, dict[int, Shard]]:
        """What a build leaves for the next: its index, and the shards that differ from those
        on disk (the index names the others as they are)."""
        stored, shards = self._shards()
        sources = dict(copied)
        event_files = {}
        for path, file in self.events.files.items():
            sources[path], event_files[path] = file.stamp, file.digest
        output = self.output.resolve()
        written = freshness.written(files.items(), output)
        exports = self.data.exports
        return Index(self.site_key, str(output), drafts, sources, written, events, pages,
                     warnings, event_files, stored, exports.order, exports.layouts,
                     history=self.history), shards

    def _shards(self) -> tuple[dict[int, bytes], dict[int, Shard]]:
        """The signatures of the shards on disk that hold what they would hold now, and the
        shards to write. A shard holds the same as on disk when it has the same events and
        nothing new was made of them: what is made of an event follows from its file under
        one site key."""
        items = self.pages.items
        members: dict[int, dict[bytes, EventFile]] = {}
        for file in self.events.files.values():
            members.setdefault(shard_of(file.digest), {})[file.digest] = file
        stored: dict[int, bytes] = {}
        entries: dict[int, Entry] = {}  # id(event) → its entry, in the shards to write
        shards: dict[int, Shard] = {}
        for number, files in members.items():
            signature, held = self._stored.get(number, (b"", frozenset()))
            if held == files.keys() and not any(id(file.event) in items.made
                                                   for file in files.values()):
                stored[number] = signature
                continue
            shard = shards[number] = {}
            for digest, file in files.items():
                shard[digest] = entries[id(file.event)] = Entry(file.event)
        for level, event, text in items.items(entries):
            entry = entries.get(id(event))
            if entry is not None and entry.event is event and isinstance(level, int):
                entry.items[level] = text
        return stored, shards

