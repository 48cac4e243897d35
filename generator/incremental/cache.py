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

The header also carries a fingerprint of every class whose instances are pickled into the
cache, found from the type hints of `Index` and `Entry`: their names, their fields in order
and the names their `__getstate__` reads. A field added, removed, renamed, retyped or moved in
any of them makes an older cache ignored, without a number to bump by hand. Only the errors a
damaged or foreign cache causes are caught (reading it fails, its signature or header differ,
unpickling cannot read it); any other error is a bug in chronoline and stops the build.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import pickle
import sys
import typing
from dataclasses import dataclass, field, fields, is_dataclass
from enum import Enum
from pathlib import Path

from generator import __version__
from generator.discover import Stamp
from generator.exportformats import Layout
from generator.model import Event

log = logging.getLogger(__name__)

CACHE_DIR = ".chronoline-cache"
INDEX = "index"
# Bumped only when what the cache holds changes meaning while its classes keep their fields
# (a change of fields is seen by the fingerprint in the header). 12: HTML made before
# Markdown's attributes and rebased links were made safe is not reused. 13: an event's start
# is an int of seconds, and dates carry their span, qualifier and bound.
FORMAT = 13
MAGIC = b"chronoline build cache\n"
_SIGNATURE = 32
# What unpickling raises for a stream that other code wrote: not a pickle, cut short, or naming
# a class or module that is no longer there. Anything else it raises is a bug.
_FOREIGN = (pickle.UnpicklingError, EOFError, AttributeError, ImportError)


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
    event_files: dict[str, bytes] = field(default_factory=dict)  # event file → hash of it
    shards: dict[int, bytes] = field(default_factory=dict)  # shard → its file's signature
    # Where each event's part lies in each export the build wrote (see exportstaging): the
    # hashes of the events' files in the exports' order, and each export's layout.
    order: bytes = b""
    exports: dict[str, Layout] = field(default_factory=dict)
    drafts_left_out: int = 0  # drafts that build did not publish, to say so again


@dataclass
class Entry:
    """What a build made of one event file."""

    event: Event
    items: dict[int, str] = field(default_factory=dict)  # heading level (or ANY_LEVEL) → item


Shard = dict[bytes, Entry]  # an event file's hash → its entry


def shard_of(digest: bytes) -> int:
    return digest[0]


def pickled_classes(roots: tuple[type, ...]) -> list[type]:
    """`roots` and every dataclass, enum or named tuple their fields' type hints name, however
    deeply: the classes of what a pickle of the roots holds, in a stable order."""
    return sorted(_hints_of_pickled(roots), key=lambda kind: (kind.__module__, kind.__qualname__))


def _hints_of_pickled(roots: tuple[type, ...]) -> dict[type, dict[str, object]]:
    found: dict[type, dict[str, object]] = {}
    todo = list(roots)
    while todo:
        kind = todo.pop()
        if kind in found:
            continue
        found[kind] = typing.get_type_hints(kind) if is_dataclass(kind) else {}
        for hint in found[kind].values():
            todo.extend(_classes_in(hint))
    return found


def _classes_in(hint: object) -> list[type]:
    if isinstance(hint, type) and (is_dataclass(hint) or issubclass(hint, Enum)
                                   or hasattr(hint, "_fields")):
        return [hint]
    return [kind for argument in typing.get_args(hint) for kind in _classes_in(argument)]


def fingerprint(roots: tuple[type, ...]) -> str:
    """What changes whenever a class pickled with `roots` changes shape: each one's name, its
    fields in order with their types, and the names its own `__getstate__` and `__setstate__`
    read (those of the model give their fields as a tuple, in an order written by hand)."""
    found = _hints_of_pickled(roots)
    shapes = sorted(_shape(kind, hints) for kind, hints in found.items())
    return hashlib.blake2b("\n".join(shapes).encode("utf-8"), digest_size=16).hexdigest()


def _shape(kind: type, hints: dict[str, object]) -> str:
    if is_dataclass(kind):
        parts = [f"{item.name}: {hints[item.name]!r}" for item in fields(kind)]
    elif issubclass(kind, Enum):
        parts = [f"{member.name} = {member.value!r}" for member in kind]
    else:  # a named tuple
        parts = list(typing.cast(typing.Any, kind)._fields)
    for method in ("__getstate__", "__setstate__"):
        code = getattr(kind.__dict__.get(method), "__code__", None)
        if code is not None:
            parts.append(f"{method} {code.co_names}")
    return f"{kind.__module__}.{kind.__qualname__}({', '.join(parts)})"


# Once per process, at import: a few milliseconds, against half a second to import the build.
_HEADER = (MAGIC + f"{__version__}/{FORMAT}/{sys.version_info[0]}.{sys.version_info[1]}/"
           f"{fingerprint((Index, Entry))}\n".encode())


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
                shard = _unpickle(blob)
                if not isinstance(shard, dict):
                    return None
                entries.update(shard)
        except OSError as exc:
            log.debug("build cache entries ignored: %s", exc)
            return None
        return entries


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
    except OSError as exc:
        log.debug("build cache ignored: %s", exc)
        return None
    start = len(_HEADER) + _SIGNATURE
    if not blob.startswith(_HEADER):
        return None  # another version of chronoline, of Python, of the classes pickled
    if not hmac.compare_digest(_sign(secret, _HEADER, blob[start:]), blob[len(_HEADER):start]):
        return None
    index = _unpickle(blob[start:])
    return Cache(folder, secret, index) if isinstance(index, Index) else None


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
        blob = pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL)
        _write(folder / INDEX, _HEADER + _sign(secret, _HEADER, blob) + blob)
    except OSError as exc:
        log.warning("the build cache could not be written: %s", exc)


def _unpickle(blob: bytes) -> object:
    """What `blob` holds, or None when it is a pickle of another format: one signed with this
    user's key, by a build of chronoline whose classes had the same shape and other names."""
    try:
        return pickle.loads(blob)
    except _FOREIGN as exc:
        log.debug("build cache ignored: %s", exc)
        return None


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
