"""The build cache on disk: what one `chronoline build` leaves for the next.

It holds each event file's parsed event (by the file's content hash) and, for each output file,
a key made from everything that file was made of. It lives in `.chronoline-cache/` beside
`content/`, never in the output; deleting it only makes the next build slower. It is read only
when written by this very version of chronoline and Python, and ignored when unreadable. It is
JSON, not pickle: a cache that arrives with a clone must not be able to run code.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from generator import __version__
from generator.config import SiteConfig
from generator.dates import PartialDate
from generator.model import Background, Event, Media, Source, Tag, YearGroup

log = logging.getLogger(__name__)

CACHE_DIR = ".chronoline-cache"
FILE = "build.json"
FORMAT = 2

Stamp = tuple[int, int, int]


@dataclass
class Snapshot:
    """One build's parsed events, export parts and output keys, under one site-wide key."""

    key: str
    output: str  # the output folder the outputs were written to
    events: dict[str, tuple[Stamp, bytes, Event]] = field(default_factory=dict)
    parts: dict[str, dict[str, str]] = field(default_factory=dict)  # kind → event hash → text
    outputs: dict[str, tuple[str, int, int]] = field(default_factory=dict)  # key, size, mtime


def site_key(config: SiteConfig, layouts: tuple) -> str:
    """What every output depends on: chronoline's version, the settings, the layouts."""
    text = repr((__version__, FORMAT, sys.version_info[:2], sorted(vars(config).items()),
                 layouts))
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def load(root: Path) -> Snapshot | None:
    """The last build's snapshot, or None when there is none that this chronoline can trust."""
    try:
        data = json.loads((root / CACHE_DIR / FILE).read_text(encoding="utf-8"))
        if data.get("version") != _version():
            return None
        return Snapshot(
            key=data["key"], output=data["output"],
            events={path: (tuple(stamp), bytes.fromhex(digest), _event(event))
                    for path, (stamp, digest, event) in data["events"].items()},
            parts=data["parts"],
            outputs={path: tuple(value) for path, value in data["outputs"].items()},
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        log.debug("build cache ignored: %s", exc)
        return None


def save(root: Path, snapshot: Snapshot) -> None:
    """Write the snapshot whole, or not at all; a cache that cannot be written is no error."""
    data = {"version": _version(), "key": snapshot.key, "output": snapshot.output,
            "events": {path: [list(stamp), digest.hex(), _event_data(event)]
                       for path, (stamp, digest, event) in snapshot.events.items()},
            "parts": snapshot.parts,
            "outputs": {path: list(value) for path, value in snapshot.outputs.items()}}
    folder = root / CACHE_DIR
    try:
        folder.mkdir(exist_ok=True)
        temporary = folder / f".{FILE}.{os.getpid()}"
        with temporary.open("w", encoding="utf-8") as file:  # streamed: no copy in memory
            json.dump(data, file, ensure_ascii=False, separators=(",", ":"))
        os.replace(temporary, folder / FILE)
    except OSError as exc:
        log.warning("the build cache could not be written: %s", exc)


def output_key(value: object, digests: dict[int, bytes]) -> str:
    """A key for what a page shows: events stand for themselves by the hash of their file."""
    chunks: list[bytes] = []
    _collect(chunks, value, digests)
    return hashlib.blake2b(b"".join(chunks), digest_size=16).hexdigest()


def _collect(chunks: list[bytes], value: object, digests: dict[int, bytes]) -> None:
    # Called for every value shown on every page of the site: the most common types first.
    kind = type(value)
    if kind is Event:
        chunks.append(b"E" + digests[id(value)])
    elif kind is tuple or kind is list:
        chunks.append(b"(%d" % len(value))
        for item in value:
            _collect(chunks, item, digests)
        chunks.append(b")")
    elif kind is dict:
        _collect(chunks, sorted(value.items(), key=lambda item: item[0]), digests)
    elif kind is YearGroup:
        chunks.append(b"Y%d" % value.year)
        _collect(chunks, (value.events, value.months), digests)
    else:  # str, int, None, and small frozen values such as a Tag
        chunks.append(repr(value).encode("utf-8") + b"\0")


def _version() -> str:
    return f"{__version__}/{FORMAT}/{sys.version_info[0]}.{sys.version_info[1]}"


def _date_data(date: PartialDate | None) -> list | None:
    if date is None:
        return None
    moment = date.moment.isoformat() if date.moment else None
    return [date.year, date.month, date.day, moment, date.utc_written, date.seconds_written]


def _date(data: list | None) -> PartialDate | None:
    if data is None:
        return None
    year, month, day, moment, utc_written, seconds_written = data
    when = dt.datetime.fromisoformat(moment) if moment else None
    return PartialDate(year, month, day, when, utc_written, seconds_written)


def _event_data(event: Event) -> dict:
    return {
        "path": event.path, "slug": event.slug, "title": event.title,
        "date": _date_data(event.date), "end": _date_data(event.end),
        "summary_html": event.summary_html, "body_html": event.body_html,
        "tags": [[tag.name, tag.slug] for tag in event.tags],
        "sources": [[s.url, s.title, s.publisher, _date_data(s.date), s.archive_url, s.line]
                    for s in event.sources],
        "start": event.start.isoformat(), "year": event.year, "draft": event.draft,
        "slug_line": event.slug_line, "display_date": event.display_date,
        "media": list(vars(event.media).values()) if event.media else None,
        "background": list(vars(event.background).values()) if event.background else None,
        "extra": event.extra,
    }


def _event(data: dict) -> Event:
    return Event(
        path=data["path"], slug=data["slug"], title=data["title"], date=_date(data["date"]),
        end=_date(data["end"]), summary_html=data["summary_html"], body_html=data["body_html"],
        tags=tuple(Tag(name, slug) for name, slug in data["tags"]),
        sources=tuple(Source(url, title, publisher, _date(date), archive, line)
                      for url, title, publisher, date, archive, line in data["sources"]),
        start=dt.datetime.fromisoformat(data["start"]), year=data["year"], draft=data["draft"],
        slug_line=data["slug_line"], display_date=data["display_date"],
        media=Media(*data["media"]) if data["media"] else None,
        background=Background(*data["background"]) if data["background"] else None,
        extra=data["extra"],
    )
