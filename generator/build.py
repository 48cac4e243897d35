"""The pipeline: files → events → timeline → pages → rendered bytes → output."""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from generator.config import SiteConfig, load_config
from generator.content import parse_event
from generator.errors import BuildFailed, ContentError, ContentErrors
from generator.layouts import STATIC_DIR, make_environment, render_page, template_error
from generator.markup import make_markdown
from generator.model import Event
from generator.output import MARKER, Content, check_output, write_site
from generator.pages import plan
from generator.timeline import assemble

log = logging.getLogger(__name__)

EVENT_SUFFIXES = (".md", ".markdown")
ASSETS = "assets"


@dataclass(frozen=True)
class BuildOptions:
    """What a build is asked to do; paths are absolute or relative to the working folder."""

    root: Path
    output: Path | None = None
    base_url: str | None = None
    drafts: bool = False

    @property
    def output_dir(self) -> Path:
        return self.output if self.output is not None else self.root / "site"


@dataclass(frozen=True)
class BuildReport:
    events: int
    pages: int
    written: int
    removed: int
    milliseconds: int
    warnings: tuple[str, ...] = field(default_factory=tuple)

    def summary(self) -> str:
        return (f"Built {_count(self.events, 'event')}, {_count(self.pages, 'page')}: "
                f"{_count(self.written, 'file')} written, {self.removed} removed "
                f"in {self.milliseconds} ms")


@dataclass(frozen=True)
class SourceFiles:
    """What lies under `content/`: event files and other files to copy, as POSIX paths."""

    events: tuple[str, ...]
    assets: tuple[str, ...]
    warnings: tuple[str, ...]


def is_ignored(name: str) -> bool:
    """Hidden files and editors' swap, backup and lock files are not content."""
    return (name.startswith((".", "#")) or name.endswith(("~", ".swp", ".swx", ".swo", ".tmp"))
            or name.startswith(".#"))


def discover(root: Path) -> SourceFiles:
    """Walk `content/` in sorted order; links that point outside the site are skipped."""
    content = root / "content"
    events, assets, warnings = [], [], []
    top = root.resolve()
    for folder, dirs, names in os.walk(content, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not is_ignored(d))
        for name in sorted(names):
            if is_ignored(name):
                continue
            path = Path(folder, name)
            shown = path.relative_to(root).as_posix()
            if path.is_symlink() and top not in path.resolve().parents:
                warnings.append(f"{shown}: skipped: it is a link to a file outside the site")
                continue
            if not path.is_file():
                continue
            (events if name.lower().endswith(EVENT_SUFFIXES) else assets).append(shown)
    return SourceFiles(tuple(events), tuple(assets), tuple(warnings))


def read_events(root: Path, paths: tuple[str, ...], config: SiteConfig,
                ) -> tuple[list[Event], list[ContentError]]:
    """Parse every event file; one bad file never hides another's problems."""
    md = make_markdown(config.raw_html)
    tz = config.tzinfo
    events, errors = [], []
    for shown in paths:
        try:
            events.append(parse_event((root / shown).read_bytes(), shown, md, tz))
        except ContentErrors as exc:
            errors.extend(exc.errors)
        except OSError as exc:
            errors.append(ContentError(shown, f"cannot be read: {exc.strerror}"))
    return events, errors


def render_site(root: Path, config: SiteConfig, events: list[Event], drafts: bool,
                sources: SourceFiles) -> tuple[dict[str, Content], int, int]:
    """Every output file in memory (or as a path to copy); raises BuildFailed on any error."""
    timeline, errors = assemble(events, config.tzinfo, config.order == "newest", drafts)
    if errors:
        raise BuildFailed(errors)
    env = make_environment(root / "layouts", config)
    files: dict[str, Content] = {MARKER: b""}
    pages = plan(timeline, config)
    problems: list[ContentError] = []
    for page in pages:
        try:
            files[page.path] = render_page(env, page, config).encode("utf-8")
        except (jinja2.TemplateError, TypeError, ValueError, AttributeError) as exc:
            error = template_error(exc, root)
            if error not in problems:
                problems.append(error)
    if problems:
        raise BuildFailed(problems)
    for asset in sorted(STATIC_DIR.iterdir()):
        files[f"{ASSETS}/{asset.name}"] = asset
    for shown in sources.assets:
        path = shown.removeprefix("content/")
        if path in files:
            message = f"would overwrite the generated {path}; rename or move it"
            raise BuildFailed([ContentError(shown, message)])
        files[path] = root / shown
    return files, len(timeline.events), len(pages)


def build(options: BuildOptions) -> BuildReport:
    """Build the site under `options.root` into its output folder, or raise BuildFailed."""
    started = time.perf_counter()
    root = options.root
    overrides = {"base_url": options.base_url} if options.base_url is not None else None
    try:
        config = load_config(root, overrides)
    except ContentErrors as exc:
        raise BuildFailed(exc.errors) from None
    if not (root / "content").is_dir():
        raise BuildFailed([ContentError(str(root), "has no content/ folder; put event files in "
                                        "content/, or point --source at the site's folder")])
    sources = discover(root)
    events, errors = read_events(root, sources.events, config)
    if errors:
        raise BuildFailed(errors)
    files, event_count, page_count = render_site(root, config, events, options.drafts, sources)
    output = options.output_dir
    check_output(output, root)
    report = write_site(files, output)
    elapsed = round((time.perf_counter() - started) * 1000)
    return BuildReport(event_count, page_count, report.written, report.removed, elapsed,
                       sources.warnings)




def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
