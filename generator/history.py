"""The history step of the pipeline: the site's git history read (see githistory), and each
event given its own (first published, last updated, corrections and updates). An event whose
history changed stands for another file: its hash changes with it, so that every page and
data file that shows it is made again, and no other."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass, replace
from pathlib import Path

from generator.config import SiteConfig
from generator.githistory import FileRecord, GitHistory, read_history
from generator.gitrun import GitFailed, Repository, repository
from generator.reading import DIGEST_SIZE, EventFile, ReadEvents
from generator.revisions import Change, EventHistory, day_of

log = logging.getLogger(__name__)

HISTORY = "git history"  # what its warnings name, where others name a file
SHALLOW = (f"{HISTORY}: this is a shallow clone (only the last commits), so the dates "
           "events were first published and updated may be wrong; fetch the whole history "
           "with `git fetch --unshallow`, or `fetch-depth: 0` in GitHub Actions")
TURNED_OFF = ("git history is off (history = false): event pages show no publication dates "
              "or corrections")
NO_HISTORY = ("git history is off: {why}; event pages show no publication dates or "
              "corrections until the site is in a git repository")


@dataclass(frozen=True)
class SiteHistory:
    """The history a build reads, what to warn of, and why it is off when it is."""

    history: GitHistory | None
    warnings: tuple[str, ...] = ()
    off: str = ""
    moved: bool = True  # False when it is the history read last, unchanged


def site_history(root: Path, config: SiteConfig, known: GitHistory | None) -> SiteHistory:
    """The history of the site's content/, or why there is none; `known`, the one read last,
    is brought up to date rather than read again."""
    if not config.history:
        log.info("%s", TURNED_OFF)
        return SiteHistory(None, (), TURNED_OFF)
    try:
        history = read_history(root, known)
    except GitFailed as exc:
        off = NO_HISTORY.format(why=_first_line(exc))
        log.info("%s", off)
        return SiteHistory(None, (), off)
    moved = known is None or history.files is not known.files  # read_history keeps them
    return SiteHistory(history, (SHALLOW,) if history.shallow else (), moved=moved)


def history_warnings(root: Path, config: SiteConfig) -> tuple[tuple[str, ...], Repository | None]:
    """What a build of the site now would warn of its history, and where its repository is:
    for the check that the last build is still right."""
    if not config.history:
        return (), None
    try:
        repo = repository(root)
    except GitFailed:
        return (), None
    return ((SHALLOW,) if repo.shallow else ()), repo


def history_moved(recorded: GitHistory | None, repo: Repository | None) -> bool:
    """True when the history recorded by the last build is not the one there is now."""
    if recorded is None or repo is None:
        return recorded is not None or repo is not None
    return (recorded.head, recorded.prefix, recorded.shallow) != (repo.head, repo.prefix,
                                                                  repo.shallow)


def attach(read: ReadEvents, site: SiteHistory, tz: dt.tzinfo) -> ReadEvents:
    """`read` with each event given its history; the events whose history changed are new
    objects, with new hashes, and counted among those parsed anew. A dev server's read of
    a few files, with no commit since the last, looks at those alone: the others have theirs."""
    history = site.history
    files = history.files if history is not None else {}
    changed: dict[str, EventFile] = {}
    looked = read.parsed if read.partial and not site.moved else read.files
    for path in looked:
        file = read.files[path]
        record = files.get(path)
        now = event_history(record, tz) if record is not None else None
        if now != file.event.history:
            event = replace(file.event, history=now)
            changed[path] = EventFile(file.stamp, rehash(file.digest, file.event.history, now),
                                      event)
    if not changed:
        return read
    swapped = {id(read.files[path].event): file.event for path, file in changed.items()}
    events = [swapped.get(id(event), event) for event in read.events]
    before = set(read.parsed)
    parsed = read.parsed + [path for path in changed if path not in before]
    return replace(read, events=events, files=read.files | changed, parsed=parsed)


def event_history(record: FileRecord, tz: dt.tzinfo) -> EventHistory:
    """An event's history as its pages show it: days in the site's time zone, newest change
    first."""
    published_at, _commit, updated_at, notes = record
    changes = [Change(kind, when, day_of(when, tz), text, commit)
               for kind, when, text, commit in ((kind, dt.datetime.fromisoformat(when), text,
                                                 commit) for kind, when, text, commit in notes)]
    changes.reverse()  # newest first, and of one moment the last written first
    changes.sort(key=lambda change: change.when, reverse=True)
    published = dt.datetime.fromisoformat(published_at)
    updated = dt.datetime.fromisoformat(updated_at) if updated_at else None
    return EventHistory(published, day_of(published, tz), updated,
                        day_of(updated, tz) if updated is not None else None, tuple(changes))


def rehash(digest: bytes, before: EventHistory | None, after: EventHistory | None) -> bytes:
    """The hash of an event file with its history `after` instead of `before`: the hash of
    its history is mixed in, so that the same file with the same history always has the same
    hash, however often its history changed."""
    mixed = (int.from_bytes(digest, "big") ^ _hash_of(before) ^ _hash_of(after))
    return mixed.to_bytes(DIGEST_SIZE, "big")


def _hash_of(history: EventHistory | None) -> int:
    if history is None:
        return 0
    text = repr(history).encode("utf-8", "surrogatepass")
    return int.from_bytes(hashlib.blake2b(text, digest_size=DIGEST_SIZE).digest(), "big")


def _first_line(exc: Exception) -> str:
    lines = str(exc).strip().splitlines()
    text = lines[0] if lines else "git failed"
    return text.removeprefix("fatal: ")
