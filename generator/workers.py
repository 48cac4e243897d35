"""Worker processes, one per core: parsing event files and rendering event pages."""

from __future__ import annotations

import multiprocessing
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from zoneinfo import ZoneInfo

import jinja2

from generator.config import SiteConfig
from generator.content import parse_event
from generator.dates import MonthNames
from generator.errors import ContentError, ContentErrors
from generator.layouts import render_page, template_error
from generator.markup import make_markdown
from generator.model import Event
from generator.output import KEEP, STAGED, Keep, Staged, stage
from generator.pages import Page

RenderResult = bytes | Keep | Staged | ContentError | None  # None: an error not of a template
RenderResults = list[tuple[Page, RenderResult]]
PARALLEL_FROM = 200  # fewer files than this are parsed in this process: workers cost a start-up
RENDER_CHUNK = 500  # pages sent to a worker at a time: a few megabytes pickled


def parse(items: list[tuple[str, bytes]], config: SiteConfig, jobs: int) -> list[ParseResult]:
    """Parse event files; many of them in worker processes, one per core."""
    task = (config.raw_html, config.timezone, config.language)
    if jobs < 2 or len(items) < PARALLEL_FROM:
        return parse_files(items, *task)
    size = -(-len(items) // (jobs * 4))  # a few chunks per worker evens out their loads
    chunks = [items[i:i + size] for i in range(0, len(items), size)]
    with ProcessPoolExecutor(max_workers=jobs, mp_context=_process_context()) as pool:
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


# What a rendering worker works from besides its pages. Set once in each worker process by
# `_start_worker`, from objects the fork hands over as they are (the Jinja environment cannot be
# pickled); the main process never sets it.
_WORKER: dict = {}


def _start_worker(env: jinja2.Environment, config: SiteConfig, root: Path,
                  output: Path | None) -> None:
    _WORKER.update(env=env, config=config, root=root, output=output)


def _render_chunk(pages: list[Page]) -> list[tuple[str, RenderResult]]:
    """Render some pages; with an output folder, stage them there and answer STAGED or, for a
    page the folder holds already, KEEP: only a few bytes go back, not the pages."""
    results = render_pages(_WORKER["env"], pages, _WORKER["config"], _WORKER["root"],
                           _WORKER["output"])
    return [(page.path, result) for page, result in results]


def render_in_workers(env: jinja2.Environment, pages: list[Page], config: SiteConfig,
                       root: Path, jobs: int, output: Path | None,
                       meanwhile: Callable[[], RenderResults],
                       ) -> tuple[RenderResults, RenderResults]:
    """Render `pages` in worker processes while this one runs `meanwhile`; both results."""
    if not pages:
        return meanwhile(), []
    # The pages go to the workers pickled, a chunk at a time, though the fork hands them all
    # over: a worker that rendered the events it inherited would write to each of them (their
    # reference counts) and so make its own copy of every memory page holding one, about as
    # much memory again as all the events it renders. Its chunk it frees once rendered.
    size = min(-(-len(pages) // (jobs * 4)), RENDER_CHUNK)
    chunks = [pages[start:start + size] for start in range(0, len(pages), size)]
    context = multiprocessing.get_context("fork")  # only on Linux: see _render_pages
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_start_worker,
                             initargs=(env, config, root, output)) as pool:
        done = pool.map(_render_chunk, chunks)  # forks now
        here = meanwhile()
        by_path = {path: result for chunk in done for path, result in chunk}
    return here, [(page, by_path[page.path]) for page in pages]


ParseResult = tuple[str, Event | None, list[ContentError]]


def parse_files(items: list[tuple[str, bytes]], raw_html: bool, timezone: str,
                language: str) -> list[ParseResult]:
    """Parse (path, bytes) pairs; runs in worker processes too, so it takes plain values."""
    md, months, tz = make_markdown(raw_html), MonthNames(language), ZoneInfo(timezone)
    results: list[ParseResult] = []
    for shown, data in items:
        try:
            results.append((shown, parse_event(data, shown, md, tz, months), []))
        except ContentErrors as exc:
            results.append((shown, None, exc.errors))
    return results


def _process_context() -> multiprocessing.context.BaseContext:
    # fork starts workers at once on Linux; elsewhere the platform's default is the safe one.
    if sys.platform == "linux":
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()
