"""Keys of what an output was made from: equal keys, equal outputs.

A build records each output file's key with its size and timestamp; the next build makes the
key again and, when it matches and the file is as it was written, leaves the file alone."""

from __future__ import annotations

import hashlib
import sys
from typing import Any

from generator import __version__
from generator.config import SiteConfig
from generator.incremental.cache import FORMAT
from generator.model import Event, YearGroup


def site_key(config: SiteConfig, layouts: tuple) -> str:
    """What every output depends on: chronoline's version, the settings, the layouts."""
    text = repr((__version__, FORMAT, sys.version_info[:2], sorted(vars(config).items()),
                 layouts))
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def output_key(value: object, digests: dict[int, bytes]) -> str:
    """A key for what a page shows: events stand for themselves by the hash of their file."""
    chunks: list[bytes] = []
    _collect(chunks, value, digests)
    return hashlib.blake2b(b"".join(chunks), digest_size=16).hexdigest()


def flat_key(texts: tuple[str | None, ...], events: tuple[Event | None, ...],
             digests: dict[int, bytes]) -> str:
    """A key for a page that shows only `texts` and `events`, made as `output_key` makes one
    (events by the hashes of their files), not the same, in less than half the time: a site has
    one such page per event."""
    chunks = [b"F%d:" % len(texts)]
    for text in texts:
        if text is None:
            chunks.append(b"-")
        else:
            data = text.encode("utf-8", "surrogatepass")
            chunks.append(b"%d:" % len(data))
            chunks.append(data)
    chunks.extend(b"-" if event is None else b"E" + digests[id(event)] for event in events)
    return hashlib.blake2b(b"".join(chunks), digest_size=16).hexdigest()


def _collect(chunks: list[bytes], value: Any, digests: dict[int, bytes]) -> None:
    # Called for every value shown on every page of the site: the most common types first,
    # and the leaves of a tuple or a dict (an event, a string, None) without a call of their
    # own, which halves the time for ten thousand event pages.
    kind = type(value)
    if kind is Event:
        chunks.append(b"E" + digests[id(value)])
    elif kind is tuple or kind is list:
        chunks.append(b"(%d" % len(value))
        for item in value:
            inner = type(item)
            if inner is Event:
                chunks.append(b"E" + digests[id(item)])
            elif inner is str or item is None:
                chunks.append(repr(item).encode("utf-8") + b"\0")
            else:
                _collect(chunks, item, digests)
        chunks.append(b")")
    elif kind is dict:
        chunks.append(b"{%d" % len(value))
        for name in sorted(value):
            chunks.append(repr(name).encode("utf-8") + b"=")
            item = value[name]
            if type(item) is Event:
                chunks.append(b"E" + digests[id(item)])
            elif item is None:
                chunks.append(b"None\0")
            else:
                _collect(chunks, item, digests)
        chunks.append(b"}")
    elif kind is YearGroup:
        chunks.append(b"Y%d" % value.year)
        _collect(chunks, (value.events, value.months), digests)
    else:  # str, int, None, and small frozen values such as a Tag
        chunks.append(repr(value).encode("utf-8") + b"\0")

