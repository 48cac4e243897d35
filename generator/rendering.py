"""Render pages: event pages, the most numerous, in worker processes when there are many;
the pages that list events in this process, where each event's list item is made once."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import jinja2

from generator.config import SiteConfig
from generator.errors import ContentError
from generator.output import Keep
from generator.pages import Page
from generator.staging import Staged
from generator.workers import RenderResults, Workers, render_in_workers, use_workers
from generator.workers import render_pages as render_here

Rendered = bytes | Keep | Staged  # a page in memory, or staged in the output folder


def render_pages(pages: list[Page], env: jinja2.Environment, config: SiteConfig, root: Path,
                 layouts: object, jobs: int, output: Path | None = None,
                 workers: Workers | None = None, meanwhile: Callable[[], None] | None = None,
                 first: Callable[[Mapping[str, Rendered]], None] | None = None,
                 ) -> tuple[dict[str, Rendered], list[ContentError]]:
    """Each page rendered, by path, and the template errors met; with `output`, pages are
    staged there (see `staging.stage`). `meanwhile` runs here while workers render, if any.
    `layouts` stands for the layouts as they are (see `render_in_workers`). `first`, when
    given, is handed the event pages, rendered here before the others, unless one failed."""
    alone = [page for page in pages if page.template != "event.html"]
    shared = [page for page in pages if page.template == "event.html"]
    if first is not None:
        # One edit's few pages: the event's own first, for the dev server to show at once.
        shown, problems = _rendered(render_here(env, shared, config, root, output))
        if not problems:
            first(shown)
        later, more = render_pages(alone, env, config, root, layouts, jobs, output, workers,
                                   meanwhile)
        return shown | later, problems + [p for p in more if p not in problems]
    if not use_workers(jobs, len(shared)):
        alone, shared = pages, []

    def here() -> RenderResults:
        results = render_here(env, alone, config, root, output)
        if meanwhile is not None:
            meanwhile()
        return results

    done, by_workers = render_in_workers(shared, config, root, layouts, jobs, output, here,
                                         workers)
    return _rendered([*done, *by_workers])


def _rendered(results: RenderResults) -> tuple[dict[str, Rendered], list[ContentError]]:
    """The pages rendered, by path, and the errors met, each once."""
    rendered: dict[str, Rendered] = {}
    problems: list[ContentError] = []
    for page, result in results:
        if isinstance(result, (bytes, Keep, Staged)):
            rendered[page.path] = result
        elif result not in problems:
            problems.append(result)
    return rendered, problems
