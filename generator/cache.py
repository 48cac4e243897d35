"""The build cache on disk: what one `chronoline build` leaves for the next.

It lives in `.chronoline-cache/` beside `content/`, never in the output; deleting it only makes
the next build slower. It has two parts, read one after the other:

- the index, small: the site-wide key (chronoline's and Python's version, the settings, the
  layouts, the theme), the timestamp and content hash of every source file and, for every
  output file, a key of all it was made from with its size and timestamp as written. When
  nothing differs, the build is done without reading more.
- the entries: what the last build made of each event file (the event as parsed and its list
  items), by the hash of the file, so one edit costs one event's work. They are
  spread over up to 256 shard files by that hash, and a build rewrites only the shards whose
  entries changed: after one edit, one or two.

Both are pickled, which is many times faster than JSON for ten thousand events, and every file
is signed with a secret key kept in the user's own cache folder (`~/.cache/chronoline/secret`,
or under `$XDG_CACHE_HOME`). Nothing is unpickled before its signature checks out, so a cache
that arrives with a clone or an archive, written by anyone else, is ignored and cannot run code.
The index holds each shard's signature, so shards of different builds are never mixed. A cache
from another version of chronoline or Python, or one that cannot be read, is ignored too.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import pickle
import sys
from dataclasses import dataclass, field
from pathlib import Path

from generator import __version__
from generator.config import SiteConfig
from generator.exports import Layout
from generator.model import Event, YearGroup
from generator.sources import Stamp

log = logging.getLogger(__name__)

CACHE_DIR = ".chronoline-cache"
INDEX = "index"
FORMAT = 12  # 10: the exports' parts are copied from the files written, not kept here; 11: the
# model's classes pickle their fields as a tuple; 12: HTML made before Markdown's attributes and
# rebased links were made safe is not reused
MAGIC = b"chronoline build cache\n"
_SIGNATURE = 32
_FAILURES = (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError,
             ImportError, IndexError, KeyError)



@dataclass
class Index:
    """What the last build was made from and what it wrote; enough to tell it is still right."""

    key: str  # site_key() of that build
    output: str  # the output folder it wrote, resolved
    drafts: bool
    sources: dict[str, Stamp] = field(default_factory=dict)  # content/ and layouts/static/
    outputs: dict[str, tuple[str, int, int]] = field(default_factory=dict)  # key, size, mtime
    events: int = 0
    pages: int = 0
    warnings: tuple[str, ...] = ()
    digests: dict[str, bytes] = field(default_factory=dict)  # event file → hash of it
    shards: dict[int, bytes] = field(default_factory=dict)  # shard → its file's signature
    # Where each event's part lies in each export the build wrote (see exportfile): the
    # hashes of the events' files in the exports' order, and each export's layout.
    order: bytes = b""
    exports: dict[str, Layout] = field(default_factory=dict)


@dataclass
class Entry:
    """What a build made of one event file."""

    event: Event
    items: dict[int, str] = field(default_factory=dict)  # heading level (or ANY_LEVEL) → item


Shard = dict[bytes, Entry]  # an event file's hash → its entry


def shard_of(digest: bytes) -> int:
    return digest[0]


class Cache:
    """A cache whose index was read and checked; its shards are read only when asked for."""

    def __init__(self, folder: Path, secret: bytes, index: Index) -> None:
        self.folder, self.index, self._secret = folder, index, secret

    def entries(self) -> dict[bytes, Entry] | None:
        """Every entry of every shard, or None when one of them cannot be trusted."""
        entries: dict[bytes, Entry] = {}
        try:
            for number, signature in self.index.shards.items():
                blob = (self.folder / _shard_name(number)).read_bytes()
                if not hmac.compare_digest(
                        _sign(self._secret, _shard_name(number).encode(), blob), signature):
                    return None
                shard = pickle.loads(blob)
                if not isinstance(shard, dict):
                    return None
                entries.update(shard)
        except _FAILURES as exc:
            log.debug("build cache entries ignored: %s", exc)
            return None
        return entries


def site_key(config: SiteConfig, layouts: tuple) -> str:
    """What every output depends on: chronoline's version, the settings, the layouts."""
    text = repr((__version__, FORMAT, sys.version_info[:2], sorted(vars(config).items()),
                 layouts))
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def load(root: Path) -> Cache | None:
    """The last build's cache, index read, or None when there is none this user can trust."""
    secret = _secret()
    if secret is None:
        return None
    folder = root / CACHE_DIR
    if folder.is_symlink():
        return None  # see save()
    try:
        blob = (folder / INDEX).read_bytes()
        header = MAGIC + _version() + b"\n"
        start = len(header) + _SIGNATURE
        if not blob.startswith(header):
            return None
        if not hmac.compare_digest(_sign(secret, header, blob[start:]),
                                   blob[len(header):start]):
            return None
        index = pickle.loads(blob[start:])
        return Cache(folder, secret, index) if isinstance(index, Index) else None
    except _FAILURES as exc:
        log.debug("build cache ignored: %s", exc)
        return None


def save(root: Path, index: Index, shards: dict[int, Shard]) -> None:
    """Write `shards`, the ones whose entries changed, then the index, which names every shard
    to read by its signature (the unchanged ones are already in it). A cache that cannot be
    written is no error."""
    secret = _secret()
    if secret is None:
        return
    folder = root / CACHE_DIR
    if folder.is_symlink():
        # It would write wherever the link leads: one that came with a clone could lead to
        # any of the user's folders.
        log.warning("%s is a symbolic link, so the build cache is not used; remove it", folder)
        return
    try:
        folder.mkdir(exist_ok=True)
        for number, shard in shards.items():
            blob = pickle.dumps(shard, protocol=pickle.HIGHEST_PROTOCOL)
            signature = _sign(secret, _shard_name(number).encode(), blob)
            _write(folder / _shard_name(number), blob)
            index.shards[number] = signature
        header = MAGIC + _version() + b"\n"
        blob = pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL)
        _write(folder / INDEX, header + _sign(secret, header, blob) + blob)
    except OSError as exc:
        log.warning("the build cache could not be written: %s", exc)


def _shard_name(number: int) -> str:
    return f"shard-{number:02x}"


def _write(path: Path, blob: bytes) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        temporary.unlink(missing_ok=True)  # a link there is replaced, never written through
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
        with open(os.open(temporary, flags, 0o644), "wb") as file:
            file.write(blob)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _sign(secret: bytes, prefix: bytes, blob: bytes) -> bytes:
    # HMAC-SHA256: processors' SHA instructions make it more than twice as fast as keyed
    # BLAKE2b here, and a build after one edit checks every shard, 100 MB at 10,000 events.
    signature = hmac.new(secret, prefix, "sha256")
    signature.update(blob)
    return signature.digest()


def _secret() -> bytes | None:
    """This user's key for signing caches, made on first use; None where it cannot be kept."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    path = Path(base, "chronoline", "secret")
    try:
        info = path.stat()
        if hasattr(os, "getuid") and (info.st_uid != os.getuid() or info.st_mode & 0o077):
            log.debug("%s is not this user's alone: the build cache is not used", path)
            return None
        secret = path.read_bytes()
    except FileNotFoundError:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "wb") as file:
                file.write(os.urandom(_SIGNATURE))
        except FileExistsError:
            pass  # another build made it first
        except OSError as exc:
            log.debug("no key for the build cache: %s", exc)
            return None
        return _secret()
    except OSError as exc:
        log.debug("no key for the build cache: %s", exc)
        return None
    return secret if len(secret) == _SIGNATURE else None


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


def _collect(chunks: list[bytes], value: object, digests: dict[int, bytes]) -> None:
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


def _version() -> bytes:
    return f"{__version__}/{FORMAT}/{sys.version_info[0]}.{sys.version_info[1]}".encode()
