"""Writing a data export one part at a time, copying the parts that the last build made of
unchanged events out of the file it wrote, and noting where each part lands for the next."""

from __future__ import annotations

import os
from array import array
from collections.abc import Callable
from pathlib import Path

from generator.errors import CommandFailed
from generator.exports import Export, Layout, Part, Span
from generator.model import Event
from generator.output import staged_path


class Reuse:
    """Each event's part as the last build wrote it, for the events it had; others are made.
    What is made of an event follows from its file under one site key, as for the cache."""

    def __init__(self, where: dict[bytes, int], layout: Layout, digests: dict[int, bytes],
                 ) -> None:
        self._where, self._layout, self._digests = where, layout, digests

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


def stage_export(export: Export, output: Path, path: str) -> tuple[bool, Layout]:
    """Stage `export` beside `path` in `output`, as `output.stage` does, unless the file there
    holds it already (then False); and where each part landed. A part given as a Span is
    copied from the file there, which the caller knows to be the one the last build wrote."""
    target = os.path.join(output, path)
    temporary = staged_path(output, path)
    os.makedirs(temporary.parent, exist_ok=True)
    starts, sizes = array("q"), array("q")
    try:
        old = os.open(target, os.O_RDONLY)
    except OSError:
        old = None
    try:
        # The file there is compared as the new one is written, until they differ: a part
        # copied from where it lies already needs no comparing.
        same = old is not None
        position = 0
        with open(temporary, "wb") as file:
            def put(data: bytes) -> None:
                nonlocal position, same
                if same and os.pread(old, len(data), position) != data:
                    same = False
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
                    data = _copy(old, part, target)
                    if part.start == position:  # where it was: equal if all before it was
                        file.write(data)
                        position += len(data)
                    else:
                        put(data)
                else:
                    put(part)
                sizes.append(position - starts[-1])
            put(export.tail)
        if same and os.fstat(old).st_size == position:
            temporary.unlink()
            return False, Layout(starts, sizes)
        return True, Layout(starts, sizes)
    finally:
        if old is not None:
            os.close(old)


def _copy(old: int | None, span: Span, target: str) -> bytes:
    data = os.pread(old, span.size, span.start) if old is not None else b""
    if len(data) != span.size:
        raise ExportChanged(f"{target} changed while the build read it; build again")
    return data
