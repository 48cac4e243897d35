"""Read the event files: each one's stamp, the hash of its bytes and the event parsed from it.

A file is parsed only when nothing known from before stands for it: a file whose stamp is the
one recorded, or whose bytes hash to the recorded digest, keeps the event already parsed."""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field

from generator.config import SiteConfig
from generator.discover import RECENT_NS, UNSETTLED, SourceFiles, Stamp, stamp_of
from generator.errors import ContentError
from generator.localrefs import LocalFiles, local_files, stale
from generator.model import Event
from generator.workers import Workers, parse

DIGEST_SIZE = 16  # bytes of the hash that stands for an event file


@dataclass(frozen=True)
class EventFile:
    """One event file as it was read: its stamp, the hash of its bytes, the event it holds."""

    stamp: Stamp
    digest: bytes
    event: Event


@dataclass(frozen=True)
class ReadEvents:
    """What a read of the event files found."""

    paths: tuple[str, ...]  # the event files looked for (from the site's folder)
    events: list[Event]  # the events that parsed, in the order of `paths`
    files: dict[str, EventFile]  # every file that parsed, read now or known from before
    parsed: list[str]  # the files parsed by this read
    errors: list[ContentError]  # every file that could not be read or parsed, by path
    # Only the files a watcher named were looked at: the others' events are the very objects
    # of the last read.
    partial: bool = False
    # The walk of content/ read from, its files as events name them, and the files whose
    # events name files: kept so that a dev server's read after one edit looks at these
    # alone, not at ten thousand events.
    sources: SourceFiles | None = None
    local: LocalFiles | None = None
    referring: frozenset[str] = frozenset()

    @property
    def whole(self) -> bool:
        """True when every file was read and parsed."""
        return not self.errors and len(self.files) == len(self.paths)


@dataclass(frozen=True)
class Known:
    """What a read may take from before instead of reading again."""

    files: Mapping[str, EventFile] = field(default_factory=dict)
    # Stamps taken a moment ago (by a check that found the output out of date).
    stamps: Mapping[str, Stamp] = field(default_factory=dict)
    # When a file watcher says so: the only files that may have changed since `files`.
    changed: Collection[str] | None = None
    # The last read, whole, of these same paths: with `changed`, only those need looking at.
    last: ReadEvents | None = None


def file_digest(path: str, data: bytes) -> bytes:
    """What stands for an event file: its bytes, and its path too, since a renamed file is
    another event (its slug, its path)."""
    return hashlib.blake2b(path.encode() + b"\0" + data, digest_size=DIGEST_SIZE).digest()


def read_events(root: str, sources: SourceFiles, config: SiteConfig, known: Known,
                jobs: int, workers: Workers | None = None,
                progress: Callable[[str, int, int], None] | None = None) -> ReadEvents:
    """Read and parse the event files of `sources`, or take them from `known`; every problem
    is collected, none raised. Each file an event names must be under content/ (see
    localrefs), and an event whose references to them would now be found otherwise, or
    whose picture changed, is read again. `progress` is told ("reading", files read, files)
    now and then."""
    paths, last = sources.events, known.last
    local = (last.local if last is not None and last.local is not None
             and last.sources is sources else local_files(root, sources))
    partial = (known.changed is not None and last is not None and last.paths is paths
               and last.whole)
    files: dict[str, EventFile] = dict(last.files) if partial and last else {}
    if workers is not None and not known.files:
        workers.start(len(paths))  # all to parse: start before the files are read (Workers)
    look_at = [path for path in known.changed or () if path in files] if partial else paths
    todo, errors = _to_parse(root, look_at, files, known)
    referring = set(last.referring) if partial and last else {
        path for path, file in files.items() if file.event.refs}
    todo |= _read_again(root, files, referring, todo, errors, local,
                        known.changed if partial else None)
    total, already = len(paths), len(paths) - len(todo)
    tell = progress or (lambda *_: None)
    tell("reading", already, total)
    _parse_into(files, todo, errors, config, jobs, workers, local,
                lambda parsed: tell("reading", already + parsed, total))
    referring.difference_update(todo)
    referring.update(path for path in todo if path in files and files[path].event.refs)
    if guessed := _linked_by_old_slugs(root, files, referring, todo, errors):
        slugs = {ref.path: slug for path in guessed for ref in files[path].event.refs
                 if (slug := _slug_of(files, ref.path))}
        for path in guessed:
            del files[path]
        todo |= guessed
        _parse_into(files, guessed, errors, config, jobs, workers, local.with_slugs(slugs))
    if partial and last and not errors:  # the last list, with the events parsed anew in it
        events = list(last.events)
        for path in todo:
            if path in files:
                events[paths.index(path)] = files[path].event
    else:
        events = [files[path].event for path in paths if path in files]
    parsed = [path for path in todo if path in files]
    referring.intersection_update(files)
    return ReadEvents(paths, events, files, parsed, sorted(errors, key=lambda e: e.path),
                      partial, sources, local, frozenset(referring))


def _parse_into(files: dict[str, EventFile], todo: dict[str, tuple[Stamp, bytes, bytes]],
                errors: list[ContentError], config: SiteConfig, jobs: int,
                workers: Workers | None, local: LocalFiles | None,
                done: Callable[[int], None] | None = None) -> None:
    items = [(path, data) for path, (_stamp, _digest, data) in todo.items()]
    for path, event, problems in parse(items, config, jobs, workers, local, done):
        errors.extend(problems)
        if event is not None:
            stamp, digest, _data = todo[path]
            if event.refs:  # its pages show what it found: a picture's size, a slug
                digest = hashlib.blake2b(digest + repr(event.refs).encode(),
                                         digest_size=DIGEST_SIZE).digest()
            files[path] = EventFile(stamp, digest, event)


def _read_again(root: str, files: dict[str, EventFile], referring: Collection[str],
                todo: Collection[str], errors: list[ContentError], local: LocalFiles,
                changed: Collection[str] | None) -> dict[str, tuple[Stamp, bytes, bytes]]:
    """The event files known from before (of `referring`, those whose events name files)
    whose references to files under content/ no longer hold, read again. Pictures are looked
    at once each; with a watcher (`changed`), only those it names."""
    stamps: dict[str, Stamp | None] = {}
    settled = time.time_ns() - RECENT_NS

    def stamp(path: str) -> Stamp | None:
        if changed is not None and f"content/{path}" not in changed:
            return None
        if path not in stamps:
            try:
                stamps[path] = stamp_of(os.stat(f"{root}/content/{path}"), settled)
            except OSError:
                stamps[path] = UNSETTLED
        return stamps[path]

    again: dict[str, tuple[Stamp, bytes, bytes]] = {}
    for path in list(referring):
        file = files.get(path)
        if file is None or not file.event.refs or path in todo or not stale(
                file.event, local.files, lambda ref: _slug_of(files, ref), stamp):
            continue
        del files[path]
        if (read := _read_anew(root, path, file.stamp, errors)) is not None:
            again[path] = read
    return again


def _linked_by_old_slugs(root: str, files: dict[str, EventFile], referring: Collection[str],
                         todo: dict[str, tuple[Stamp, bytes, bytes]],
                         errors: list[ContentError]) -> dict[str, tuple[Stamp, bytes, bytes]]:
    """The events (of `referring`, those that name files) that link to an event file by a
    slug other than its own, with their files' bytes: the slug was guessed from the file's
    name before that file was read, or the other file's slug changed since."""
    wrong = {}
    for path in sorted(referring):
        file = files.get(path)
        if file is None or not any(ref.slug and _slug_of(files, ref.path) not in (None, ref.slug)
                   for ref in file.event.refs):
            continue
        if path in todo:
            wrong[path] = todo[path]
            continue
        if (read := _read_anew(root, path, file.stamp, errors)) is not None:
            wrong[path] = read
    return wrong


def _read_anew(root: str, path: str, stamp: Stamp, errors: list[ContentError],
               ) -> tuple[Stamp, bytes, bytes] | None:
    """A known event file's stamp, digest and bytes, read again; None, with an error, when
    it cannot be read."""
    try:
        with open(f"{root}/{path}", "rb") as handle:
            data = handle.read()
    except OSError as exc:
        errors.append(ContentError(path, f"cannot be read: {exc.strerror}"))
        return None
    return stamp, file_digest(path, data), data


def _slug_of(files: dict[str, EventFile], path: str) -> str | None:
    """The slug of the event in the file at `path` (from content/), if it was read."""
    file = files.get(f"content/{path}")
    return file.event.slug if file is not None else None


def _to_parse(root: str, paths: Collection[str], files: dict[str, EventFile], known: Known,
              ) -> tuple[dict[str, tuple[Stamp, bytes, bytes]], list[ContentError]]:
    """Fill `files` with what `known` still stands for; the others, read: stamp, digest and
    bytes of each, and the files that could not be read."""
    errors: list[ContentError] = []
    todo: dict[str, tuple[Stamp, bytes, bytes]] = {}
    before, stamps, changed = known.files, known.stamps, known.changed
    # A file's timestamp can stay the same across two quick saves (file systems keep time in
    # ticks of a few milliseconds), so a file changed lately is compared by content.
    settled = time.time_ns() - RECENT_NS
    prefix = f"{root}/"  # paths as plain strings: pathlib and os.path cost more than stat
    for path in paths:
        kept = before.get(path)
        if changed is not None and kept is not None and path not in changed:
            files[path] = kept  # the watcher saw no change
            continue
        try:
            stamp = stamps.get(path) or stamp_of(os.stat(prefix + path), settled)
            if kept is not None and kept.stamp == stamp and stamp != UNSETTLED:
                files[path] = kept
                continue
            with open(prefix + path, "rb") as file:
                data = file.read()
        except OSError as exc:
            errors.append(ContentError(path, f"cannot be read: {exc.strerror}"))
            files.pop(path, None)
            continue
        digest = file_digest(path, data)
        if kept is not None and kept.digest == digest:
            files[path] = EventFile(stamp, digest, kept.event)
        else:
            todo[path] = (stamp, digest, data)
            files.pop(path, None)
    return todo, errors
