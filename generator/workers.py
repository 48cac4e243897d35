"""Worker processes, one per core: parsing event files and rendering event pages."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import multiprocessing
import multiprocessing.connection
import os
import re
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from zoneinfo import ZoneInfo

import jinja2

from generator.config import SiteConfig
from generator.content import parse_event
from generator.dates import MonthNames
from generator.errors import BuildFailed, ContentError, ContentErrors
from generator.layouts import make_environment, render_page, template_error
from generator.markup import make_markdown
from generator.model import Event
from generator.output import KEEP, STAGED, Keep, Staged, stage
from generator.pages import Page

RenderResult = bytes | Keep | Staged | ContentError | None  # None: an error not of a template
RenderResults = list[tuple[Page, RenderResult]]
PARALLEL_FROM = 200  # fewer files than this are parsed in this process: workers cost a start-up
RENDER_CHUNK = 500  # pages sent to a worker at a time: a few megabytes pickled
# Files a worker parses at a time: a worker keeps the memory its largest chunk took. At 30,000
# events, chunks of 3,750 files left each worker 50-62 MB; chunks of 500, 26-36 MB.
PARSE_CHUNK = 500
# The longest one event file may take to read (front matter and Markdown); Python-Markdown
# takes minutes on some files of a few kilobytes (2,000 unclosed "[" take 2 s, 20,000 take
# 85 s), which no size limit catches. Tests set it lower through FILE_SECONDS_VARIABLE.
FILE_SECONDS = 10.0
FILE_SECONDS_VARIABLE = "CHRONOLINE_FILE_SECONDS"


class Workers:
    """Worker processes kept for the whole of one build, parsing and then rendering.

    `start()` forks them while this process is still small: before a build reads its event
    files, when it will parse many. Workers forked later share this process's memory only
    until it writes to it, and it writes to all of it: freeing the files once parsed, and
    rendering the list pages and the exports, which touches every event (their reference
    counts). Each memory page written is copied for this process, and the workers keep the
    old one. At 30,000 events, workers forked once the events were read kept 210 MB of such
    pages; forked to parse, while this process held the files read, 80 MB."""

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self._pool: ProcessPoolExecutor | None = None

    def start(self) -> None:
        """Fork the workers now, where they are forked (Linux), if there are to be any."""
        forked = _process_context().get_start_method() == "fork"
        if self.jobs >= 2 and self._pool is None and forked:
            self.pool().submit(int)  # with fork, the first task forks them all, at once

    def pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = _new_pool(self.jobs)
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None


@contextlib.contextmanager
def _pool(workers: Workers | None, jobs: int, task: str) -> Iterator[ProcessPoolExecutor]:
    """The build's workers, or, without them, a pool for this one task. A worker that ends
    abruptly (the system kills it, most often for want of memory) fails the build with one
    clear line saying what it was doing, not a traceback."""
    try:
        if workers is not None:  # stopped by their Builder, once its render is done or failed
            yield workers.pool()
            return
        with _new_pool(jobs) as pool:
            yield pool
    except BrokenProcessPool:
        message = (f"a worker process {task} ended abruptly (killed, perhaps for want of "
                   "memory); build again, and if it happens again, look for an unusually "
                   "large event file")
        raise BuildFailed([ContentError("content/", message)]) from None


def _new_pool(jobs: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=jobs, mp_context=_process_context(),
                               initializer=die_with_parent, initargs=(os.getpid(),))


def die_with_parent(parent: int) -> None:
    """Make this worker process end when the process that started it (`parent`) ends, even
    killed outright (SIGKILL), which gives it no chance to stop its workers: workers hold
    the far end of their own task queue, so they would wait for work forever."""
    # A pool ends its workers with SIGTERM when one of them died: they end quietly then, not
    # through the command's handler, forked with them, which prints a traceback.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    # Linux sends the signal when the thread that forked this process ends: every pool here
    # is made, used and shut down within one call, in one thread.
    if sys.platform == "linux" and _kill_me_with_my_parent():
        # The parent may have died before the kernel was told: then no signal comes.
        if os.getppid() != parent:
            os._exit(1)
        return
    exit_when_parent_ends()


def exit_when_parent_ends() -> None:
    """Where Linux's way is not had: a thread waits on the parent's sentinel, which is ready
    once the parent has ended, and ends this process then."""
    parent_process = multiprocessing.parent_process()
    if parent_process is not None:
        threading.Thread(target=_exit_after, args=(parent_process.sentinel,), daemon=True,
                         name="chronoline-parent-watch").start()


def _kill_me_with_my_parent() -> bool:
    """Ask Linux to send this process SIGKILL when the thread that forked it ends; False if
    the C library cannot be had."""
    pr_set_pdeathsig = 1  # from <linux/prctl.h>
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _exit_after(sentinel: int) -> None:
    multiprocessing.connection.wait([sentinel])
    os._exit(1)


def parse(items: list[tuple[str, bytes]], config: SiteConfig, jobs: int,
          workers: Workers | None = None) -> list[ParseResult]:
    """Parse event files; many of them in worker processes, one per core."""
    task = (config.raw_html, config.timezone, config.language, file_seconds())
    if jobs < 2 or len(items) < PARALLEL_FROM:
        return parse_files(items, *task)
    # A few chunks per worker evens out their loads (and see PARSE_CHUNK).
    size = min(-(-len(items) // (jobs * 4)), PARSE_CHUNK)
    chunks = [items[i:i + size] for i in range(0, len(items), size)]
    with _pool(workers, jobs, "reading event files") as pool:
        results = pool.map(parse_files, chunks, *([value] * len(chunks) for value in task))
        return [result for chunk in results for result in chunk]


def render_pages(env: jinja2.Environment, pages: list[Page], config: SiteConfig, root: Path,
                 output: Path | None = None) -> RenderResults:
    """Each page's bytes, or the template error it met (None: an error not of a template).
    With an output folder, each page is staged there as soon as it is rendered (see `stage`),
    and comes back as STAGED, or KEEP when the folder holds it already."""
    results: RenderResults = []
    for page in pages:
        try:
            data = render_page(env, page, config).encode("utf-8")
        except (jinja2.TemplateError, TypeError, ValueError, AttributeError) as exc:
            results.append((page, template_error(exc, root)))
            continue
        if output is not None:
            results.append((page, STAGED if stage(data, output, page.path) else KEEP))
        else:
            results.append((page, data))
    return results


# A rendering worker's Jinja environment, made at its first page (an environment cannot be
# pickled), and what it was made for; the main process never sets it.
_WORKER: dict = {}


def _environment(config: SiteConfig, root: Path, layouts: object) -> jinja2.Environment:
    made_for = (config, root, layouts)
    if _WORKER.get("for") != made_for:
        _WORKER["env"] = make_environment(root / "layouts", config)
        _WORKER["for"] = made_for
    return _WORKER["env"]


def _render_chunk(pages: list[Page], config: SiteConfig, root: Path, layouts: object,
                  output: Path | None) -> list[tuple[str, RenderResult]]:
    """Render some pages; with an output folder, stage them there and answer STAGED or, for a
    page the folder holds already, KEEP: only a few bytes go back, not the pages."""
    env = _environment(config, root, layouts)
    return [(page.path, result) for page, result in render_pages(env, pages, config, root,
                                                                  output)]


def render_in_workers(pages: list[Page], config: SiteConfig, root: Path, layouts: object,
                      jobs: int, output: Path | None, meanwhile: Callable[[], RenderResults],
                      workers: Workers | None = None) -> tuple[RenderResults, RenderResults]:
    """Render `pages` in worker processes while this one runs `meanwhile`; both results.
    `layouts` stands for the layouts as they are (their files' stamp): a worker that
    rendered with others makes its environment again."""
    if not pages:
        return meanwhile(), []
    # The pages go to the workers pickled, a chunk at a time; each worker frees its chunk once
    # rendered. (A worker forked with the events would write to each one it rendered, and so
    # copy every memory page holding one.)
    size = min(-(-len(pages) // (jobs * 4)), RENDER_CHUNK)
    chunks = [pages[start:start + size] for start in range(0, len(pages), size)]
    with _pool(workers, jobs, "rendering event pages") as pool:
        done = pool.map(_render_chunk, chunks, *([value] * len(chunks)
                                                 for value in (config, root, layouts, output)))
        here = meanwhile()
        by_path = {path: result for chunk in done for path, result in chunk}
    return here, [(page, by_path[page.path]) for page in pages]


ParseResult = tuple[str, Event | None, list[ContentError]]


def parse_files(items: list[tuple[str, bytes]], raw_html: bool, timezone: str,
                language: str, seconds: float = FILE_SECONDS) -> list[ParseResult]:
    """Parse (path, bytes) pairs; runs in worker processes too, so it takes plain values.
    Whatever goes wrong with one file is an error naming it, and the others are still read:
    a file that takes longer than `seconds` is stopped (see FileTimer), and an exception
    from deep in Markdown or YAML (too deep a nesting, no memory left, a bug) is reported."""
    md, months, tz = make_markdown(raw_html), MonthNames(language), ZoneInfo(timezone)
    results: list[ParseResult] = []
    shared: dict = {}  # kept shared through pickling: one pickle holds all of these results
    with FileTimer(seconds) as timer:
        for shown, data in items:
            try:
                try:
                    timer.start()
                    event = parse_event(data, shown, md, tz, months, shared)
                finally:
                    timer.stop()
            except ContentErrors as exc:
                results.append((shown, None, exc.errors))
                continue
            except TookTooLong as stopped:
                message = took_too_long(seconds, data, stopped)
            except Exception as exc:  # noqa: BLE001 (whatever it is, it is this file's)
                message = could_not_read(exc, data)
            else:
                results.append((shown, event, []))
                continue
            results.append((shown, None, [ContentError(shown, message)]))
            md = make_markdown(raw_html)  # one stopped halfway may hold half a document
    return results


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
    detail = str(exc)[:200]
    return (f"could not be read: {type(exc).__name__}: {detail}; simplify the file, and "
            "please report this as a bug in chronoline")


def _raised_in(exc: BaseException, *modules: str) -> bool:
    """True if `exc` passed through the code of one of `modules` or of a module inside one."""
    tb = exc.__traceback__
    while tb is not None:
        name = tb.tb_frame.f_globals.get("__name__", "")
        if any(name == module or name.startswith(f"{module}.") for module in modules):
            return True
        tb = tb.tb_next
    return False


def _process_context() -> multiprocessing.context.BaseContext:
    # fork starts workers at once on Linux; elsewhere the platform's default is the safe one.
    if sys.platform == "linux":
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()
