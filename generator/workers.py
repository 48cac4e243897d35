"""Worker processes, one per core: parsing event files and rendering event pages. Whatever
befalls a worker (it ends abruptly, raises, or answers for fewer files than it was given),
every file and page it had is parsed or rendered in this process instead: none is lost."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import logging
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from zoneinfo import ZoneInfo

import jinja2

from generator.config import SiteConfig
from generator.content import parse_event
from generator.dates import MonthNames
from generator.errors import ContentError, ContentErrors
from generator.filelimit import (
    FILE_SECONDS,
    FileTimer,
    TookTooLong,
    could_not_read,
    described,
    file_seconds,
    took_too_long,
)
from generator.layouts import make_environment, render_page, template_error
from generator.localrefs import LocalFiles
from generator.markup import make_markdown
from generator.model import Event
from generator.output import KEEP, Keep
from generator.pages import Page
from generator.staging import STAGED, Staged, stage

log = logging.getLogger(__name__)

RenderResult = bytes | Keep | Staged | ContentError
RenderResults = list[tuple[Page, RenderResult]]
PARALLEL_FROM = 200  # fewer files than this are parsed in this process: workers cost a start-up
# A spawned worker (macOS, Windows) imports chronoline and its libraries anew: it takes more
# files to be worth it (see benchmarks/workers.py and the README).
SPAWN_FROM = 500
RENDER_CHUNK = 500  # pages sent to a worker at a time: a few megabytes pickled
# Files a worker parses at a time: a worker keeps the memory its largest chunk took, so small
# chunks keep the workers small (about half, against chunks of thousands of files).
PARSE_CHUNK = 500
# Names a start method (fork, spawn, forkserver) for the workers in place of the platform's,
# to measure one against another (benchmarks/workers.py); it does not decide whether workers
# are used.
START_METHOD_VARIABLE = "CHRONOLINE_START_METHOD"


def use_workers(jobs: int, count: int, platform: str = sys.platform) -> bool:
    """Whether `count` event files, or event pages, are parsed or rendered in `jobs` worker
    processes on `platform` rather than in this one: where workers are forked (Linux), from
    PARALLEL_FROM on; elsewhere, where they are spawned, from SPAWN_FROM on."""
    return jobs >= 2 and count >= (PARALLEL_FROM if platform == "linux" else SPAWN_FROM)


def start_method() -> str:
    """How worker processes start: forked on Linux; elsewhere spawned, the one way that is
    safe on macOS (its system libraries do not survive a fork) and had on Windows. Or what
    START_METHOD_VARIABLE names."""
    named = os.environ.get(START_METHOD_VARIABLE, "")
    if named in multiprocessing.get_all_start_methods():
        return named
    return "fork" if sys.platform == "linux" else "spawn"


class Workers:
    """Worker processes kept for the whole of one build, parsing and then rendering.

    `start()` forks them while this process is still small: before a build reads its event
    files, when it will parse many. Workers forked later share this process's memory only
    until it writes to it, and it writes to all of it: freeing the files once parsed, and
    rendering the list pages and the exports, which touches every event (their reference
    counts). Each memory page written is copied for this process, and the workers keep the
    old one: workers forked once the events are read keep several times the memory of those
    forked to parse, while this process holds only the files read."""

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self._pool: ProcessPoolExecutor | None = None

    def start(self, count: int = PARALLEL_FROM) -> None:
        """Start the workers now, if `count` files are worth them (see use_workers)."""
        if self._pool is None and use_workers(self.jobs, count):
            pool = self.pool()
            # Forked, the first task starts them all at once; spawned, each starts one.
            try:
                for _ in range(self.jobs):
                    pool.submit(int)
            except BrokenProcessPool:  # one ended already: the first task starts others
                self.close()

    def pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = _new_pool(self.jobs)
        return self._pool

    def close(self) -> None:
        """Stop the workers and wait for them to end; a later task starts new ones."""
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None


@contextlib.contextmanager
def _pool(workers: Workers | None, jobs: int) -> Iterator[ProcessPoolExecutor]:
    """The build's workers (stopped by their Builder), or, without them, a pool for one task."""
    if workers is not None:
        yield workers.pool()
        return
    with _new_pool(jobs) as pool:
        yield pool


def _new_pool(jobs: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=jobs,
                               mp_context=multiprocessing.get_context(start_method()),
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


def _submit(pool: ProcessPoolExecutor, function: Callable, chunks: list[list],
            args: tuple) -> list[Future]:
    futures: list[Future] = []
    for chunk in chunks:
        try:
            futures.append(pool.submit(function, chunk, *args))
        except BrokenProcessPool as exc:  # a worker had already ended: the others fail alike
            failed: Future = Future()
            failed.set_exception(exc)
            futures.append(failed)
    return futures


def _answers(futures: list[Future], pool: ProcessPoolExecutor, workers: Workers | None,
             done: Callable[[int], None] | None = None) -> tuple[list[list | None], str | None]:
    """What the workers answered for each chunk, None for one they did not finish; and why
    one went unfinished. `done` is told how many items the chunks answered so far hold."""
    answers: list[list | None] = []
    broken, why, count = False, None, 0
    for future in futures:
        try:
            answer = future.result()
            answers.append(answer)
            count += len(answer)
            if done is not None:
                done(count)
        except BrokenProcessPool:
            answers.append(None)
            broken, why = True, "one ended abruptly, killed perhaps for want of memory"
        # Whatever a worker raised is raised here too: SystemExit must not end this process.
        except (Exception, SystemExit) as exc:
            log.debug("a worker process failed", exc_info=exc)
            answers.append(None)
            why = why or f"one failed: {described(exc)}"
    if broken:
        # A pool ends its other workers once one has ended; wait for them, lest one still
        # stage a page while this process stages it again.
        if workers is not None:
            workers.close()
        else:
            pool.shutdown(cancel_futures=True)
    return answers, why


def _say_done_here(count: int, what: str, why: str | None) -> None:
    log.warning("%d %s left unfinished by worker processes%s; this process did them instead",
                count, what, f" ({why})" if why else "")


def parse(items: list[tuple[str, bytes]], config: SiteConfig, jobs: int,
          workers: Workers | None = None, local: LocalFiles | None = None,
          done: Callable[[int], None] | None = None) -> list[ParseResult]:
    """Parse event files; many of them in worker processes, one per core. One result per file,
    whatever befalls the workers. `local`: the files under content/ (see parse_event); `done`
    is told how many are parsed, now and then."""
    task = (config.raw_html, config.timezone, config.language, file_seconds(), local)
    if not use_workers(jobs, len(items)):
        return parse_files(items, *task)
    # A few chunks per worker evens out their loads (and see PARSE_CHUNK).
    size = min(-(-len(items) // (jobs * 4)), PARSE_CHUNK)
    chunks = [items[i:i + size] for i in range(0, len(items), size)]
    with _pool(workers, jobs) as pool:
        answers, why = _answers(_submit(pool, parse_files, chunks, task), pool, workers, done)
    results: list[ParseResult] = []
    unfinished: list[tuple[str, bytes]] = []
    for chunk, answer in zip(chunks, answers, strict=True):
        by_path = {result[0]: result for result in answer or ()}
        for item in chunk:
            if item[0] in by_path:
                results.append(by_path[item[0]])
            else:
                unfinished.append(item)
    if unfinished:
        _say_done_here(len(unfinished), "event files", why)
        results += parse_files(unfinished, *task)
    return results


def render_pages(env: jinja2.Environment, pages: list[Page], config: SiteConfig, root: Path,
                 output: Path | None = None) -> RenderResults:
    """Each page's bytes, or the error it met: a template's, or one naming the page. With an
    output folder, each page is staged there as soon as it is rendered (see `stage`), and
    comes back as STAGED, or KEEP when the folder holds it already."""
    results: RenderResults = []
    for page in pages:
        result = _render(env, page, config, root, output)
        if isinstance(result, Exception):
            log.debug("%s could not be rendered", page.path, exc_info=result)
            result = _not_rendered(page, result)
        results.append((page, result))
    return results


def _render(env: jinja2.Environment, page: Page, config: SiteConfig, root: Path,
            output: Path | None) -> RenderResult | Exception:
    """The page rendered (and staged, with `output`), the template error it met, or what it
    raised that no template is to blame for: chronoline's own failure."""
    try:
        data = render_page(env, page, config).encode("utf-8")
    except MemoryError as exc:  # not the template's doing; another process may have enough
        return exc
    except Exception as exc:  # noqa: BLE001 (a template's, if raised in one: see template_error)
        return template_error(exc, root) or exc
    if output is None:
        return data
    return STAGED if stage(data, output, page.path) else KEEP


def _not_rendered(page: Page, exc: Exception) -> ContentError:
    if isinstance(exc, MemoryError):
        return ContentError(page.path, "could not be rendered: it needs more memory than "
                                       "there is")
    return ContentError(page.path, f"could not be rendered: {described(exc)}; please report "
                                   "this as a bug in chronoline")


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
                  output: Path | None) -> list[tuple[str, RenderResult | None]]:
    """Render some pages in a worker; with an output folder, stage them there and answer
    STAGED or, for a page the folder holds already, KEEP: only a few bytes go back, not the
    pages. None for a page whose failure no template is to blame for: the main process
    renders it again, and says what went wrong if it goes wrong there too."""
    env = _environment(config, root, layouts)
    answer: list[tuple[str, RenderResult | None]] = []
    for page in pages:
        result = _render(env, page, config, root, output)
        answer.append((page.path, None if isinstance(result, Exception) else result))
    return answer


def render_in_workers(pages: list[Page], config: SiteConfig, root: Path, layouts: object,
                      jobs: int, output: Path | None, meanwhile: Callable[[], RenderResults],
                      workers: Workers | None = None) -> tuple[RenderResults, RenderResults]:
    """Render `pages` in worker processes while this one runs `meanwhile`; both results, with
    one result for each of `pages`, whatever befalls the workers. `layouts` stands for the
    layouts as they are (their files' stamp): a worker that rendered with others makes its
    environment again."""
    if not pages:
        return meanwhile(), []
    # The pages go to the workers pickled, a chunk at a time; each worker frees its chunk once
    # rendered. (A worker forked with the events would write to each one it rendered, and so
    # copy every memory page holding one.)
    size = min(-(-len(pages) // (jobs * 4)), RENDER_CHUNK)
    chunks = [pages[start:start + size] for start in range(0, len(pages), size)]
    with _pool(workers, jobs) as pool:
        futures = _submit(pool, _render_chunk, chunks, (config, root, layouts, output))
        here = meanwhile()
        answers, why = _answers(futures, pool, workers)
    by_path: dict[str, RenderResult] = {}
    unfinished: list[Page] = []
    for chunk, answer in zip(chunks, answers, strict=True):
        answered = dict(answer or ())
        for page in chunk:
            result = answered.get(page.path)
            if isinstance(result, (bytes, Keep, Staged, ContentError)):
                by_path[page.path] = result
            else:
                unfinished.append(page)
    if unfinished:
        _say_done_here(len(unfinished), "event pages", why)
        # Rendered as a worker would: with an environment of the layouts alone.
        env = make_environment(root / "layouts", config)
        by_path.update((page.path, result) for page, result in render_pages(
            env, unfinished, config, root, output))
    return here, [(page, by_path[page.path]) for page in pages]


ParseResult = tuple[str, Event | None, list[ContentError]]


def parse_files(items: list[tuple[str, bytes]], raw_html: bool, timezone: str,
                language: str, seconds: float = FILE_SECONDS, local: LocalFiles | None = None,
                ) -> list[ParseResult]:
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
                    event = parse_event(data, shown, md, tz, months, shared, local)
                finally:
                    timer.stop()
            except ContentErrors as exc:
                # With no error in it, the file would be neither an event nor a problem.
                results.append((shown, None, exc.errors or [
                    ContentError(shown, could_not_read(exc, data))]))
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
