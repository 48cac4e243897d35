"""One line on a terminal that says what long work is doing and how far it is, redrawn in place
and cleared when the work ends. Work that ends within a second shows nothing, output that is not
a terminal gets nothing, and the line is redrawn at most ten times a second, so telling it of
every step costs next to nothing."""

from __future__ import annotations

import math
import os
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import TextIO

DELAY = 1.0  # seconds of work before the line appears
INTERVAL = 0.1  # seconds between two redraws, at the least
CLEAR = "\r\x1b[K"  # back to the start of the line, and erase it


class ProgressLine:
    """The line itself. `show()` may be called from any thread, as often as wanted; a thread
    of its own redraws it while the work says nothing new (a long step)."""

    def __init__(self, stream: TextIO, enabled: bool = True,
                 clock: Callable[[], float] = time.monotonic, delay: float | None = None,
                 interval: float | None = None) -> None:
        self._stream = stream
        self.enabled = enabled and _is_terminal(stream)
        self._clock = clock
        self._delay = DELAY if delay is None else delay
        self._interval = INTERVAL if interval is None else interval
        self._started = clock()
        self._text = ""
        self._shown = ""  # what the terminal shows now
        self._drawn_at = -math.inf
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None

    def show(self, text: str) -> None:
        """Say what the work is doing now; drawn when due."""
        if not self.enabled:
            return
        with self._lock:
            self._text = text
            self._draw_if_due()

    def tick(self) -> None:
        """Draw what was last said, if it is due and not on the terminal yet."""
        if self.enabled:
            with self._lock:
                self._draw_if_due()

    def start(self) -> ProgressLine:
        if self.enabled and self._ticker is None:
            self._ticker = threading.Thread(target=self._tick_until_stopped, daemon=True,
                                            name="progress line")
            self._ticker.start()
        return self

    def close(self) -> None:
        """Stop redrawing and erase the line, so that what is printed next starts clean."""
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()
            self._ticker = None
        with self._lock:
            if self._shown:
                self._write(CLEAR)
                self._shown = ""

    def __enter__(self) -> ProgressLine:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()

    def _tick_until_stopped(self) -> None:
        while not self._stop.wait(max(self._interval, 0.01)):
            self.tick()

    def _draw_if_due(self) -> None:
        now = self._clock()
        if (self._text == self._shown or now - self._started < self._delay
                or now - self._drawn_at < self._interval):
            return
        self._write(f"\r{self._text[:_width(self._stream) - 1]}\x1b[K")
        self._shown, self._drawn_at = self._text, now

    def _write(self, text: str) -> None:
        try:
            self._stream.write(text)
            self._stream.flush()
        except (OSError, ValueError):  # the terminal went away: the work goes on
            self.enabled = False


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # no such method, or closed
        return False


def _width(stream: TextIO) -> int:
    """The terminal's width, so that the line never wraps (a wrapped line cannot be redrawn)."""
    try:
        return os.get_terminal_size(stream.fileno()).columns or 80
    except (AttributeError, OSError, ValueError):
        return 80


def build_steps(line: ProgressLine) -> Callable[[str, int, int], None]:
    """What a build tells (see BuildOptions.progress), as words on `line`."""

    def tell(step: str, done: int, total: int) -> None:
        if step == "reading":
            line.show(f"reading {done:,} / {total:,} events")
        elif step == "rendering":
            line.show(f"rendering {total:,} pages")
        else:
            line.show(f"{step} {total:,} files")

    return tell


def link_steps(line: ProgressLine) -> Callable[[int, int, int], None]:
    """What the link check tells, as words on `line`."""
    return lambda done, total, dead: line.show(f"checked {done:,} / {total:,} links, "
                                               f"{dead:,} dead")
