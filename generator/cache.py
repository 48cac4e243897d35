"""The build cache on disk: what one `chronoline build` leaves for the next.

It lives in `.chronoline-cache/` beside `content/`, never in the output; deleting it only makes
the next build slower. It has two parts, read one after the other:

- the index, small: the site-wide key (chronoline's and Python's version, the settings, the
  layouts, the theme), a timestamp of every source file and, for every output file, a key of
  all it was made from with its size and timestamp as written. When nothing differs, the build
  is done without reading more.
- the data: every event as parsed, by the hash of its file, and what was made of each event
  (export parts, list items), so one edit costs one event's work.

Both are pickled, which is many times faster than JSON for ten thousand events, and both are
signed with a secret key kept in the user's own cache folder (`~/.cache/chronoline/secret`, or
under `$XDG_CACHE_HOME`). Nothing is unpickled before its signature checks out, so a cache that
arrives with a clone or an archive, written by anyone else, is ignored and cannot run code. A
cache from another version of chronoline or Python, or one that cannot be read, is ignored too.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import os
import pickle
import struct
import sys
from dataclasses import dataclass, field
from pathlib import Path

from generator import __version__
from generator.config import SiteConfig
from generator.model import Event, YearGroup

log = logging.getLogger(__name__)

CACHE_DIR = ".chronoline-cache"
FILE = "build.cache"
FORMAT = 3
MAGIC = b"chronoline build cache\n"
_SIGNATURE = 32
_HEADER = struct.Struct(f"<{_SIGNATURE}s{_SIGNATURE}sQ")  # index's and data's signatures, size

Stamp = tuple[int, int, int]  # a file's mtime (ns), size and inode


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


@dataclass
class Data:
    """What the last build made of each event file, by the hash of its path and content."""

    events: dict[str, tuple[Stamp, bytes, Event]] = field(default_factory=dict)
    parts: dict[str, dict[bytes, str]] = field(default_factory=dict)  # export → hash → text
    items: dict[int, dict[bytes, str]] = field(default_factory=dict)  # list items, by level


class Cache:
    """A cache file whose index was read and checked; its data is read only when asked for."""

    def __init__(self, path: Path, secret: bytes, index: Index, data_at: int,
                 signature: bytes) -> None:
        self.path, self.index = path, index
        self._secret, self._data_at, self._signature = secret, data_at, signature

    def data(self) -> Data | None:
        try:
            with self.path.open("rb") as file:
                file.seek(self._data_at)
                blob = file.read()
            index_signature = self._signature[:_SIGNATURE]
            data_signature = self._signature[_SIGNATURE:]
            if _sign(self._secret, index_signature, blob) != data_signature:
                return None
            # Unpickling makes hundreds of thousands of objects and no reference cycles: the
            # garbage collector would only scan them again and again, here and for the rest
            # of the build, where they all stay alive. So it rests, and then leaves them be.
            collecting = gc.isenabled()
            gc.disable()
            try:
                data = pickle.loads(blob)
            finally:
                if collecting:
                    gc.enable()
            gc.freeze()
            return data if isinstance(data, Data) else None
        except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError,
                AttributeError, ImportError) as exc:
            log.debug("build cache data ignored: %s", exc)
            return None


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
    path = root / CACHE_DIR / FILE
    try:
        with path.open("rb") as file:
            if file.read(len(MAGIC)) != MAGIC or file.readline() != _version() + b"\n":
                return None
            index_signature, data_signature, size = _HEADER.unpack(file.read(_HEADER.size))
            blob = file.read(size)
            if len(blob) != size or _sign(secret, b"", blob) != index_signature:
                return None
            index = pickle.loads(blob)
            if not isinstance(index, Index):
                return None
            return Cache(path, secret, index, file.tell(), index_signature + data_signature)
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError,
            ImportError, struct.error) as exc:
        log.debug("build cache ignored: %s", exc)
        return None


def save(root: Path, index: Index, data: Data) -> None:
    """Write the cache whole, or not at all; a cache that cannot be written is no error."""
    secret = _secret()
    if secret is None:
        return
    folder = root / CACHE_DIR
    temporary = folder / f".{FILE}.{os.getpid()}"
    try:
        index_blob = pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL)
        data_blob = pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)
        index_signature = _sign(secret, b"", index_blob)
        # The data's signature covers the index's, so that the two parts cannot be mixed.
        data_signature = _sign(secret, index_signature, data_blob)
        folder.mkdir(exist_ok=True)
        with temporary.open("wb") as file:
            file.write(MAGIC + _version() + b"\n")
            file.write(_HEADER.pack(index_signature, data_signature, len(index_blob)))
            file.write(index_blob)
            file.write(data_blob)
        os.replace(temporary, folder / FILE)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        log.warning("the build cache could not be written: %s", exc)


def _sign(secret: bytes, prefix: bytes, blob: bytes) -> bytes:
    signature = hashlib.blake2b(prefix, key=secret, digest_size=_SIGNATURE)
    signature.update(blob)
    return signature.digest()


def _secret() -> bytes | None:
    """This user's key for signing caches, made on first use; None where it cannot be kept."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    path = Path(base, "chronoline", "secret")
    try:
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


def _version() -> bytes:
    return f"{__version__}/{FORMAT}/{sys.version_info[0]}.{sys.version_info[1]}".encode()
