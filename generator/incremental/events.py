"""Which event files to read again: what the last read found, and what changed since."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from generator.discover import SourceFiles, Stamp
from generator.reading import EventFile, Known, ReadEvents


class EventMemory:
    """The event files as the last read left them, and the hash of each event's file."""

    def __init__(self) -> None:
        self.files: dict[str, EventFile] = {}  # by path: the last read's, or the disk cache's
        self.last: ReadEvents | None = None
        self.digests: dict[int, bytes] = {}  # id(event) → the hash of its file
        self.sources: SourceFiles | None = None  # what the last walk of content/ found
        # A walk made by the up-to-date check that found work to do, and the stamps it took,
        # for the read after.
        self.walked: SourceFiles | None = None
        self.stamps: dict[str, Stamp] = {}
        self._unread: set[str] = set()  # files a watcher named, not read since

    def forget(self) -> None:
        """Settings shape every event (time zone, raw HTML): each is read again."""
        self.files, self.last = {}, None

    def changes(self, changed: Collection[str] | None) -> set[str] | None:
        """The files that changed since the last read: those a watcher names now, and those
        it named before a read that failed early (on the settings)."""
        if changed is None:
            return None
        self._unread |= set(changed)
        return self._unread

    def last_walk(self, root: Path, changed: Collection[str] | None) -> SourceFiles | None:
        """What the last walk of content/ found, when it still holds: a watcher's changed files
        are all known and still there (sparing a walk of ten thousand files), or the up-to-date
        check walked it a moment ago. None: content/ must be walked."""
        last, walked = self.sources, self.walked
        self.walked = None
        if changed is not None and last is not None and all(
                (root / path).is_file() if path in last.events or path in last.assets
                else not (root / path).exists()  # made and gone again: an editor's temporary
                for path in changed if path.startswith("content/")):
            return last
        return walked

    def known(self, changed: Collection[str] | None) -> Known:
        """What a read may take instead of reading the files again."""
        stamps, self.stamps = self.stamps, {}
        return Known(self.files, stamps, changed, self.last)

    def keep(self, sources: SourceFiles, read: ReadEvents) -> None:
        """Remember the walk and the read, and the hashes of the events it parsed anew."""
        before, last = self.files, self.last
        self.sources, self.files, self.last, self._unread = sources, read.files, read, set()
        if last is not None and read.paths is last.paths and len(read.parsed) < len(before):
            for path in read.parsed:
                old = before.get(path)
                if old is not None:
                    self.digests.pop(id(old.event), None)
                self.digests[id(read.files[path].event)] = read.files[path].digest
        else:
            self.digests = {id(file.event): file.digest for file in read.files.values()}
