"""Worker processes, one per core: parsing event files and rendering event pages."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import threading
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
from generator.filelimit import (
    FILE_SECONDS,
    FileTimer,
    TookTooLong,
    could_not_read,
    file_seconds,
    took_too_long,
)
from generator.layouts import make_environment, render_page, template_error
from generator.markup import make_markdown
from generator.model import Event
from generator.output import KEEP, Keep
from generator.pages import Page
from generator.staging import STAGED, Staged, stage

RenderResult = bytes | Keep | Staged | ContentError | None  # None: an error not of a template
RenderResults = list[tuple[Page, RenderResult]]
PARALLEL_FROM = 200  # fewer files than this are parsed in this process: workers cost a start-up
RENDER_CHUNK = 500  # pages sent to a worker at a time: a few megabytes pickled
# Files a worker parses at a time: a worker keeps the memory its largest chunk took. At 30,000
# events, chunks of 3,750 files left each worker 50-62 MB; chunks of 500, 26-36 MB.
PARSE_CHUNK = 500


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


def _process_context() -> multiprocessing.context.BaseContext:
    # fork starts workers at once on Linux; elsewhere the platform's default is the safe one.
    if sys.platform == "linux":
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()
