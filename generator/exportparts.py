"""The parts of a data export: each event's part made now, kept from the last render, or
copied from the file the last build wrote, and the export written from them."""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import NamedTuple, Protocol

from generator.model import Event


class Span(NamedTuple):
    """An event's part as the file the last build wrote holds it, to copy from there."""

    start: int
    size: int


Part = bytes | Span


@dataclass(frozen=True)
class Layout:
    """Where each event's part lies in an export file, in the timeline's order."""

    starts: array  # of "q": the byte each part starts at
    sizes: array  # of "q"

    def span(self, position: int) -> Span:
        return Span(self.starts[position], self.sizes[position])


class Parts(Protocol):
    """Where the exports get each event's part: made now, kept from the last render (the dev
    server's memo.PerObject), or copied from the file the last build wrote (exportstaging.Reuse)."""

    def get(self, kind: str, event: Event, make: Callable[[Event], bytes]) -> Part: ...


class MadeNow:
    """Every part made as it is needed, and none kept."""

    def get(self, kind: str, event: Event, make: Callable[[Event], bytes]) -> Part:
        return make(event)


@dataclass(frozen=True)
class Export:
    """A data file as it is written: its head, then each event's part in the timeline's order,
    one at a time, `between` them, then its tail. At 100,000 events an export is hundreds of
    megabytes: its parts are made as the file is written, and none need be kept. So they can
    be gone through once only: one Export is one file written, or joined."""

    head: bytes
    parts: Iterable[Part]
    tail: bytes
    between: bytes = b""

    def join(self) -> bytes:
        """The whole file, from parts that are all bytes."""
        # One join of every piece: each `+` of hundreds of megabytes would copy them again.
        pieces = [self.head]
        for part in self.parts:
            if not isinstance(part, bytes):
                raise ValueError("a part kept in a file cannot be joined")
            pieces += (part, self.between)
        if len(pieces) > 1:
            pieces.pop()  # nothing between the last part and the tail
        pieces.append(self.tail)
        return b"".join(pieces)
