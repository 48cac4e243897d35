"""The search index: one Pagefind record per event page, made from the events themselves (no
page is read back), in bundles under `pagefind/` that the search box merges in the browser.

The events are split into buckets by a hash of their URL name, each bucket a Pagefind bundle of
its own: an edit makes again only the bundle of the event edited, and a bucket keeps its events
as others come and go. The browser loads the runtime (`pagefind.js` and its WebAssembly) once,
from the first bundle, and only each other bundle's small index (`mergeIndex`)."""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Callable, Collection, Iterator, Sequence
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

from generator.config import SiteConfig
from generator.datetext import DateText
from generator.model import Event
from generator.output import KEEP, Content
from generator.outputfolder import Folders
from generator.pages import event_path
from generator.searchindex import IndexingStopped, Pagefind, Record
from generator.staging import STAGED, stage

FOLDER = "pagefind"
BUNDLES = f"{FOLDER}/bundles.json"  # which bundles there are, for the search box
# A bundle of about this many events is made again in a fraction of a second; more of them
# mean more small requests at a reader's first search.
EVENTS_PER_BUCKET = 400
MOST_BUCKETS = 256  # two hex digits name a bucket's folder
# What a bundle needs in the browser; Pagefind's own user interfaces are left out.
_NEEDED = re.compile(r"pagefind\.js|pagefind-worker\.js|pagefind-entry\.json|[^/]+\.pf_meta"
                     r"|wasm\.[\w-]+\.pagefind|(index|fragment|filter)/[^/]+")
_TAG = re.compile(r"<[^>]*>")


class Previous(Protocol):
    """What the last build left in the output folder, as its signed record tells (a build's
    `Freshness`): a bundle's files are kept when their key, made from the site's key and the
    hashes of its events' files, is the one recorded with them and they are as that build
    left them."""

    site_key: str
    digests: dict[int, bytes]  # id(event) → the hash of its file
    keys: dict[str, str]  # output path → key, of what this build makes

    @property
    def recorded(self) -> Collection[str]:  # every output path the last build recorded
        ...

    def unchanged(self, path: str, key: str) -> bool:  # as recorded with `key`
        ...


class SearchMemory:
    """Each bundle a dev server made last, with the events it was made from; and when to stop
    making them (`stop`: a dev server's next edit, whose pages come first)."""

    def __init__(self) -> None:
        self.bundles: dict[str, tuple[tuple[Event, ...], SiteConfig, dict[str, bytes]]] = {}
        self.stop: Callable[[], bool] = lambda: False
        self.background = False  # a dev server's index: Pagefind at a lower priority


def search_names(config: SiteConfig) -> list[str]:
    """The index's names known before it is made, for clashes with content/: its list of
    bundles, and its folder, which it fills alone (a name ending in `/`)."""
    return [BUNDLES, f"{FOLDER}/"] if config.search else []


def bucket_count(events: int) -> int:
    """A power of two, so that a bucket splits in two as the site grows."""
    count = 1
    while count * EVENTS_PER_BUCKET < events and count < MOST_BUCKETS:
        count *= 2
    return count


def buckets(events: Sequence[Event]) -> dict[str, tuple[Event, ...]]:
    """Each bundle's folder (`pagefind/00/`) → its events, in the timeline's order."""
    count = bucket_count(len(events))
    found: dict[int, list[Event]] = {}
    for event in events:
        digest = hashlib.blake2b(event.slug.encode("utf-8"), digest_size=4).digest()
        found.setdefault(int.from_bytes(digest, "big") % count, []).append(event)
    return {f"{FOLDER}/{number:02x}/": tuple(found[number]) for number in sorted(found)}


def search_files(events: Sequence[Event], config: SiteConfig, memory: SearchMemory,
                 previous: Previous | None = None, output: Path | None = None,
                 folders: Folders | None = None, staged: list[str] | None = None,
                 ) -> Iterator[tuple[str, Content]]:
    """The index's files (output path → bytes, or KEEP for one the output folder holds as it
    would be made), a bundle at a time; Pagefind runs only for the bundles whose events
    changed, and the files end early when the caller stops asking or `memory.stop` says so.
    With `output`, each file is staged there as it is made, and stands as STAGED (or KEEP):
    its path goes into `staged` first, and `folders` checks the folders on its way (see
    staging.stage)."""
    for path, content in _files(events, config, memory, previous):
        if output is not None and isinstance(content, bytes):
            if folders is not None:
                folders.check(path)
            if staged is not None:
                staged.append(path)
            content = STAGED if stage(content, output, path) else KEEP
        yield path, content


def _files(events: Sequence[Event], config: SiteConfig, memory: SearchMemory,
           previous: Previous | None) -> Iterator[tuple[str, Content]]:
    groups = buckets(events)
    recorded = _by_folder(previous.recorded, groups) if previous is not None else {}
    pagefind: Pagefind | None = None
    shown = DateText(config.language, config.tzinfo)
    try:
        for folder, group in groups.items():
            key = _key(previous, folder, group) if previous is not None else ""
            last = memory.bundles.get(folder)
            if last is not None and last[0] == group and last[1] == config:
                files = last[2]
            elif previous is not None and _all_unchanged(previous, recorded.get(folder), key):
                yield from dict.fromkeys(recorded[folder], KEEP).items()
                continue
            else:
                if memory.stop():
                    return
                pagefind = pagefind or Pagefind(stop=memory.stop, background=memory.background)
                made = pagefind.bundle((record(event, config, shown) for event in group),
                                       language(config))
                files = {path: data for path, data in made.items() if _NEEDED.fullmatch(path)}
                # Kept at once: a dev server stopped by an edit goes on from here.
                memory.bundles[folder] = (group, config, files)
            for path, data in files.items():
                if previous is not None:
                    previous.keys[folder + path] = key
                yield folder + path, data
        for gone in memory.bundles.keys() - groups.keys():
            del memory.bundles[gone]
        # Last: while it lists the bundles of the last index, a reader's search uses those.
        yield BUNDLES, json.dumps({"bundles": [folder[len(FOLDER) + 1:-1]
                                               for folder in groups]}).encode("utf-8")
    except IndexingStopped:
        return  # an edit came: the bundles made so far are kept for the next time
    finally:
        if pagefind is not None:
            pagefind.close()


def record(event: Event, config: SiteConfig, shown: DateText | None = None) -> Record:
    """What a search finds an event by: its title, date, text and sources (their titles,
    publishers and the names of their sites); its URL is relative to the site's root, so
    that the index works wherever the site is served. `shown` keeps dates as read, for the
    next event: Babel takes a tenth of a millisecond for each."""
    title, body, date = event.title, plain(event.body_html), date_text(event, config, shown)
    summary = plain(event.summary_html)
    words = [title, date, body]
    if summary and summary not in body:  # a summary of its own, shown on the timeline
        words.append(summary)
    for source in event.sources:
        # The site's name, not the whole address: the numbers of a path find nothing, and
        # cost the index a word each.
        words += [source.title, source.publisher, urlsplit(source.url).hostname or ""]
    url = event_path(event).removesuffix("index.html")
    return Record(url, " ".join(word for word in words if word), {"title": title, "date": date})


def date_text(event: Event, config: SiteConfig, shown: DateText | None = None) -> str:
    """The date as the event's page shows it."""
    if event.display_date:
        return event.display_date
    dates = shown if shown is not None else DateText(config.language, config.tzinfo)
    return dates.range(event.date, event.end, event.ongoing)


def plain(markup: str) -> str:
    """The words of an HTML fragment that chronoline rendered: tags out, entities read."""
    return " ".join(html.unescape(_TAG.sub(" ", markup)).split())


def language(config: SiteConfig) -> str:
    """Pagefind's language code: the language without its region (`en-GB` → `en`)."""
    return config.language.replace("_", "-").split("-")[0].lower()


def _key(previous: Previous, folder: str, group: tuple[Event, ...]) -> str:
    digest = hashlib.blake2b(f"{previous.site_key}\0{folder}\0".encode(), digest_size=16)
    for event in group:
        digest.update(previous.digests[id(event)])
    return digest.hexdigest()


def _by_folder(recorded: Collection[str], groups: Collection[str]) -> dict[str, list[str]]:
    """The recorded outputs of each bundle's folder."""
    found: dict[str, list[str]] = {}
    for path in recorded:
        if path.startswith(FOLDER + "/") and path != BUNDLES:
            folder = path[:path.find("/", len(FOLDER) + 1) + 1]
            if folder in groups:
                found.setdefault(folder, []).append(path)
    return found


def _all_unchanged(previous: Previous, paths: list[str] | None, key: str) -> bool:
    """True when the bundle's recorded files are all there as made from `key` (one of them
    its entry file: a bundle without one was never whole)."""
    if not paths or not any(path.endswith("/pagefind-entry.json") for path in paths):
        return False
    return all([previous.unchanged(path, key) for path in paths])  # each one is noted
