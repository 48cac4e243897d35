"""Writing a data export one part at a time, copying the parts that the last build made of
unchanged events out of the file it wrote, and noting where each part lands for the next."""

from __future__ import annotations

import os
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from generator.errors import CommandFailed
from generator.exportformats import Export, Layout, Part, Parts, Span
from generator.model import Event
from generator.outputfiles import no_follow, open_new
from generator.staging import staged_path


@dataclass(frozen=True)
class Previous:
    """What the last build wrote of an export: where each event's part lies, and the file's
    size and time as that build left it."""

    where: dict[bytes, int]  # the hash of an event's file → its position in the export
    layout: Layout
    size: int
    mtime_ns: int


class Reuse:
    """Each event's part as the last build wrote it, for the events it had; others are made.
    What is made of an event follows from its file under one site key, as for the cache."""

    def __init__(self, previous: Previous, digests: dict[int, bytes]) -> None:
        self._where, self._layout, self._digests = previous.where, previous.layout, digests

    def get(self, kind: str, event: Event, make: Callable[[Event], bytes]) -> Part:
        position = self._where.get(self._digests[id(event)])
        return make(event) if position is None else self._layout.span(position)


def positions(order: bytes, size: int) -> dict[bytes, int]:
    """Each event's position in the exports, from the hashes of their files one after another,
    each `size` bytes long."""
    return {order[start:start + size]: position
            for position, start in enumerate(range(0, len(order), size))}


class ExportChanged(CommandFailed):
    """The file the last build wrote changed while its parts were copied from it."""


def stage_export(make: Callable[[Parts | None], Export], output: Path, path: str,
                 previous: Previous | None = None, digests: dict[int, bytes] | None = None,
                 ) -> tuple[bool, Layout]:
    """Stage the export that `make` makes beside `path` in `output`, as `staging.stage` does,
    unless the file there holds it already (then False); and where each part landed.

    When the file there is the one the last build wrote (`previous`: its size and time, as
    seen on the file opened), the parts of the events it had are copied from it; `digests`
    gives each event's file hash. Else every part is made."""
    target = os.path.join(output, path)
    temporary = staged_path(output, path)
    os.makedirs(temporary.parent, exist_ok=True)
    old = _open(target)
    try:
        seen = os.fstat(old.fileno()) if old is not None else None
        reuse = None
        if (seen is not None and previous is not None and digests is not None
                and (seen.st_size, seen.st_mtime_ns) == (previous.size, previous.mtime_ns)
                and _fits(previous.layout, seen.st_size)):
            reuse = Reuse(previous, digests)
        try:
            written, layout = _write(make(reuse), old, temporary)
            if reuse is not None and _changed_since(old, seen):
                raise ExportChanged(f"{target} changed while the build read it; build again")
        except OSError as exc:
            temporary.unlink(missing_ok=True)
            if exc.filename is not None and exc.filename != str(temporary):
                raise
            # A full disk says only "No space left on device": name the file being written.
            raise OSError(exc.errno, exc.strerror or str(exc), target) from exc
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        if not written:
            temporary.unlink()
        return written, layout
    finally:
        if old is not None:
            old.close()


def _write(export: Export, old: BinaryIO | None, temporary: Path) -> tuple[bool, Layout]:
    """Write `export` to `temporary`; whether it differs from `old`, and where its parts are.
    Every part is written, even once the file proves the same as the old one: that is known
    only at its end, and the exports change whenever an event does."""
    starts, sizes = array("q"), array("q")
    # The old file, compared as the new one is written, until they differ (then None).
    matching = old
    position = 0
    with open_new(temporary) as file:
        def put(data: bytes) -> None:
            nonlocal position, matching
            if matching is not None and _read(matching, position, len(data)) != data:
                matching = None
            file.write(data)
            position += len(data)

        put(export.head)
        first = True
        for part in export.parts:
            if not first:
                put(export.between)
            first = False
            starts.append(position)
            if isinstance(part, Span):
                if old is None:  # Reuse makes spans only of a file the build opened
                    raise ValueError("a part kept in a file, and no file to copy it from")
                data = _read(old, part.start, part.size)
                if len(data) != part.size:
                    raise ExportChanged(f"{old.name} changed while the build read it; "
                                        "build again")
                if part.start == position:  # read from this very place: no need to compare
                    file.write(data)
                    position += len(data)
                else:
                    put(data)
            else:
                put(part)
            sizes.append(position - starts[-1])
        put(export.tail)
    unchanged = matching is not None and os.fstat(matching.fileno()).st_size == position
    return not unchanged, Layout(starts, sizes)


def _changed_since(file: BinaryIO | None, seen: os.stat_result | None) -> bool:
    """True when the file opened (if any) is no longer as `seen` found it."""
    if file is None or seen is None:
        return False
    now = os.fstat(file.fileno())
    return (now.st_size, now.st_mtime_ns) != (seen.st_size, seen.st_mtime_ns)


def _open(target: str) -> BinaryIO | None:
    """The file the output folder holds, to compare with and copy from; None when there is
    none that can be read, or it is a link (never followed), and then every part is made."""
    try:
        return open(target, "rb", opener=no_follow)  # noqa: SIM115 (closed by stage_export)
    except OSError:
        return None


def _fits(layout: Layout, size: int) -> bool:
    """True when every part the layout records lies inside a file of `size` bytes: the
    positions come from the cache, and are only ever read from the file the build opened."""
    starts, sizes = layout.starts, layout.sizes
    if len(starts) != len(sizes):
        return False
    if not starts:
        return True
    return (min(starts) >= 0 and min(sizes) >= 0
            and max(map(int.__add__, starts, sizes)) <= size)


def _read(file: BinaryIO, start: int, size: int) -> bytes:
    file.seek(start)
    return file.read(size)
