"""The time limit on reading one event file, and what to say of a file whose reading was
stopped or failed."""

from __future__ import annotations

import ctypes
import os
import re
import threading
import time

# The longest one event file may take to read (front matter and Markdown); Python-Markdown
# takes minutes on some files of a few kilobytes (2,000 unclosed "[" take 2 s, 20,000 take
# 85 s), which no size limit catches. Tests set it lower through FILE_SECONDS_VARIABLE.
FILE_SECONDS = 10.0
FILE_SECONDS_VARIABLE = "CHRONOLINE_FILE_SECONDS"


def file_seconds() -> float:
    """The time limit per event file: FILE_SECONDS, or what FILE_SECONDS_VARIABLE says."""
    try:
        seconds = float(os.environ.get(FILE_SECONDS_VARIABLE, FILE_SECONDS))
    except ValueError:
        return FILE_SECONDS
    return seconds if 0 < seconds < 1e6 else FILE_SECONDS


class TookTooLong(BaseException):
    """Raised inside the thread reading a file past its time limit. Not an Exception, so that
    no `except Exception` in Markdown or YAML can swallow it."""


RAISE_AGAIN = 0.5  # seconds after which a file still read past its limit is stopped again


class FileTimer:
    """Stops the reading of a file that takes longer than `seconds`, in the thread reading it:
    a watching thread raises TookTooLong in it (PyThreadState_SetAsyncExc), as an exception
    raised by a signal handler would be, at the next Python instruction.

    Not a signal (SIGALRM): a signal handler runs only in the main thread, and the dev server
    and other callers may build in another; a library should not take over a process's
    signals either. This one way works in any thread, in this process and in the workers
    alike. Like a signal handler, it cannot stop a single call into C that never returns;
    Python-Markdown's slow cases are Python loops, stopped within milliseconds.

    Cost per file: two uncontended lock round trips; the watching thread wakes about once
    per `seconds` while files are read."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._reader = threading.get_ident()
        self._cond = threading.Condition()
        self._deadline: float | None = None  # while a file is read
        self._fired = False
        self._closed = False
        self._watcher = threading.Thread(target=self._watch, daemon=True,
                                         name="chronoline-file-timer")

    def __enter__(self) -> FileTimer:
        if _SET_ASYNC_EXC is not None:
            self._watcher.start()
        return self

    def __exit__(self, *exc: object) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify()
        if self._watcher.is_alive():
            self._watcher.join()

    def start(self) -> None:
        with self._cond:
            self._deadline = time.monotonic() + self.seconds
            self._fired = False

    def stop(self) -> None:
        """The file is done. An exception raised in this thread that has not yet arrived is
        withdrawn: it must not land outside the reading of the file it was meant for."""
        with self._cond:
            self._deadline = None
            if self._fired:
                _raise_in(self._reader, None)

    def _watch(self) -> None:
        with self._cond:
            while not self._closed:
                # Each wait ends by the deadline of whichever file is read by then: a file
                # started during a wait of `seconds` has its deadline after that wait's end.
                deadline = self._deadline
                if deadline is None:
                    self._cond.wait(self.seconds)
                    continue
                left = deadline - time.monotonic()
                if left > 0:
                    self._cond.wait(left)
                    continue
                # Under the lock: the file read now is the one timed. Raised again while the
                # file is still being read, since an exception that lands in a finalizer (a
                # __del__ the garbage collector runs in the middle of the reading) is printed
                # and dropped there.
                self._fired = True
                _raise_in(self._reader, TookTooLong)
                self._deadline = deadline + RAISE_AGAIN


# CPython's own way to raise an exception in another thread; other Pythons lack it, and
# read files without a time limit.
_SET_ASYNC_EXC = getattr(getattr(ctypes, "pythonapi", None), "PyThreadState_SetAsyncExc", None)


def _raise_in(thread: int, exception: type[BaseException] | None) -> None:
    """Raise `exception` in `thread` at its next instruction; None withdraws one not raised."""
    if _SET_ASYNC_EXC is None:  # never so: without it, no FileTimer watches (see __enter__)
        return
    # Arguments converted here, not through argtypes: the function object is shared.
    _SET_ASYNC_EXC(ctypes.c_ulong(thread),
                   None if exception is None else ctypes.py_object(exception))


_UNCLOSED_AT_LEAST = 100  # fewer unclosed brackets than this are not worth naming


def took_too_long(seconds: float, data: bytes, stopped: TookTooLong) -> str:
    """The message for a file stopped after `seconds`, with what most likely made it slow:
    where it was stopped tells the Markdown from the front matter."""
    message = f"took more than {seconds:g} s to read"
    # Stopped in what reads the front matter; elsewhere (Markdown, or the checks of the body's
    # shape that come before it) the body is what is long.
    if _raised_in(stopped, "yaml", "generator.frontmatter", "generator.dates"):
        return f"{message}; shorten or simplify its front matter"
    unclosed = data.count(b"[") - data.count(b"]")
    if unclosed >= _UNCLOSED_AT_LEAST:
        return (f"{message}; it has {unclosed:,} '[' without a ']', which Markdown is slow "
                "to read: close them or write them as '\\['")
    return f"{message}; shorten it or simplify its Markdown"


# The markers that nest Markdown blocks, at the start of a line: lists and quotes.
_NESTING = re.compile(r"^(?:[ \t]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+|>))+", re.MULTILINE)


def could_not_read(exc: Exception, data: bytes) -> str:
    """The message for a file whose reading raised `exc`, something other than its errors."""
    if isinstance(exc, RecursionError):
        if not _raised_in(exc, "markdown"):  # in YAML, or in what reads its values
            return "could not be read: its front matter is nested too deeply; flatten it"
        text = data.decode("utf-8", "replace")
        depth = max((len(re.findall(r"[-*+>]|\d+[.)]", match.group()))
                     for match in _NESTING.finditer(text)), default=0)
        deep = f" ({depth:,} lists or quotes inside one another)" if depth > 1 else ""
        return f"could not be read: its Markdown is nested too deeply{deep}; flatten it"
    if isinstance(exc, MemoryError):
        return "could not be read: it needs more memory than there is; shorten it"
    return (f"could not be read: {described(exc)}; simplify the file, and please report this "
            "as a bug in chronoline")


def described(exc: BaseException) -> str:
    """`exc` for a message: its type, and the start of what it says, if anything."""
    detail = str(exc)[:200]
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__


def _raised_in(exc: BaseException, *modules: str) -> bool:
    """True if `exc` passed through the code of one of `modules` or of a module inside one."""
    tb = exc.__traceback__
    while tb is not None:
        name = tb.tb_frame.f_globals.get("__name__", "")
        if any(name == module or name.startswith(f"{module}.") for module in modules):
            return True
        tb = tb.tb_next
    return False
