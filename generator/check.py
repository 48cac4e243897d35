"""`chronoline check`: every error a build would report, and what is likely a mistake."""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import markdown

from generator.build import Builder, BuildOptions
from generator.errors import BuildFailed, ContentError, ContentErrors
from generator.frontmatter import Document, Value, split
from generator.history import HISTORY
from generator.markup import Removal, make_markdown, removals, render
from generator.model import Timeline
from generator.new import PLACEHOLDER
from generator.unrecorded import unrecorded_changes


@dataclass(frozen=True)
class CheckReport:
    errors: tuple[ContentError, ...]
    warnings: tuple[ContentError, ...]
    timeline: Timeline | None
    events: int = 0  # event files found, whether or not they could be read
    drafts: int = 0  # drafts read and left out, when drafts are not asked for


def check(options: BuildOptions, since: str | None = None) -> CheckReport:
    """Read and render the whole site as a build would, in memory, writing nothing. With
    its git history, the commits since `since` (else the last tag) are checked too (see
    unrecorded)."""
    builder = Builder(options)
    builder.search.stop = lambda: True  # a search index has nothing to check: no Pagefind
    try:
        site = builder.render()  # templates too: a broken layout is an error of the build
        config, sources, timeline = builder.read()
        unrecorded = unrecorded_changes(options.root, since) if config.history else []
    except (BuildFailed, ContentErrors) as exc:
        read = builder.memory.events.last
        return CheckReport(tuple(exc.errors), (), None, len(read.paths) if read else 0)
    history = [warning for warning in site.warnings if warning.startswith(HISTORY)]
    found = (_left_out(sources.warnings + tuple(history)) + unrecorded + warnings_of(timeline)
             + placeholders(timeline, options.root)
             + removed_for_safety(timeline, options.root, config.raw_html))
    read = builder.memory.events.last
    drafts = 0 if options.drafts or read is None else sum(event.draft for event in read.events)
    return CheckReport((), tuple(found), timeline, len(timeline.events), drafts)


def _left_out(warnings: tuple[str, ...]) -> list[ContentError]:
    """What the walk of content/ and layouts/static/ left out (links out of the site, loops,
    folders it cannot read), each `path: why`, as a build warns of it."""
    return [ContentError(path, why) for path, _, why in
            (warning.partition(": ") for warning in warnings)]


def warnings_of(timeline: Timeline) -> list[ContentError]:
    """Unsourced events, anonymous sources, and tags that look like typos of others."""
    found = []
    for event in sorted(timeline.events, key=lambda e: e.path):
        if not event.sources:
            found.append(ContentError(event.path, "no source; add one so that readers can "
                                      "check the event", None, "sources"))
        for number, source in enumerate(event.sources, start=1):
            if not source.title and not source.publisher:
                found.append(ContentError(event.path, "has no title or publisher; readers see "
                                          "only its address", source.line, f"sources[{number}]"))
    found += _tag_typos(timeline)
    return found


_DIGITS = re.compile(r"[0-9]+")


def _tag_typos(timeline: Timeline) -> list[ContentError]:
    uses = Counter(tag.slug for event in timeline.events for tag in event.tags)
    names = {tag.slug: tag.name for tag, _events in timeline.tags}
    found = []
    for tag, events in timeline.tags:
        if uses[tag.slug] != 1:
            continue
        # Tags that differ only in digits name different things: python2 and python3, g7
        # and g8.
        letters = _DIGITS.sub("", tag.slug)
        others = [slug for slug in uses if slug != tag.slug and uses[slug] > 1
                  and _DIGITS.sub("", slug) != letters]
        close = difflib.get_close_matches(tag.slug, others, n=1, cutoff=0.8)
        if close:
            message = (f"'{tag.name}' is used once and is spelled almost like "
                       f"'{names[close[0]]}' (used {uses[close[0]]} times); a typo?")
            found.append(ContentError(events[0].path, message, None, "tags"))
    return found


def placeholders(timeline: Timeline, root: Path) -> list[ContentError]:
    """Events that still hold the text `chronoline new` writes in place of a description."""
    found = []
    for event in sorted(timeline.events, key=lambda e: e.path):
        if PLACEHOLDER not in event.body_html and PLACEHOLDER not in event.summary_html:
            continue  # the usual case, told without reading the file again
        try:
            lines = (root / event.path).read_text(encoding="utf-8-sig").splitlines()
        except (OSError, UnicodeDecodeError):
            lines = []
        line = next((number for number, text in enumerate(lines, start=1)
                     if PLACEHOLDER in text), None)
        found.append(ContentError(event.path, "still holds the placeholder text that "
                                  "`chronoline new` wrote; write what happened instead", line,
                                  "body"))
    return found


# Whatever Markdown could be asked to leave out for safety has an attribute list or a fence's
# braces, or a link, an image or a link definition whose address is not plainly http(s) or a
# path: only the files with one of these are rendered a second time, to say what was left
# out. (A pattern that starts with a literal is searched fast: 0.1 s for 10,000 files.)
_LINK_NOT_PLAINLY_SAFE = re.compile(r"\][(:]\s*<?\s*(?!https?://|[#./])", re.IGNORECASE)


def _may_lose_something(text: str) -> bool:
    return "{" in text or _LINK_NOT_PLAINLY_SAFE.search(text) is not None


def removed_for_safety(timeline: Timeline, root: Path, raw_html: bool) -> list[ContentError]:
    """What each event's Markdown asked for that its pages do not get (an event handler, a
    javascript: link), with the line it was written on, so an author learns why."""
    md = make_markdown(raw_html)
    found = []
    for event in sorted(timeline.events, key=lambda e: e.path):
        try:
            text = (root / event.path).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue  # the build read it a moment ago; a file changed since is the next check's
        if not _may_lose_something(text):
            continue
        try:
            document = split(text, event.path)
        except ContentErrors:
            continue
        for field, line, removal in _removals(md, document, text.splitlines()):
            message = f"{removal.what} was left out: {removal.why}"
            found.append(ContentError(event.path, message, line, field))
    return found


def _removals(md: markdown.Markdown, document: Document, lines: list[str],
              ) -> Iterator[tuple[str, int | None, Removal]]:
    for field, value in _texts(document.fields):
        render(md, str(value.data))
        for removal in removals(md):
            yield field, value.line, removal
    render(md, document.body)
    start = document.body_line
    for removal in removals(md):
        yield "body", _line_of(removal, lines, start), removal


def _texts(fields: dict[str, Value]) -> Iterator[tuple[str, Value]]:
    """The front matter's Markdown: the summary, and the media's caption and credit."""
    summary = fields.get("summary")
    if summary is not None and isinstance(summary.data, str):
        yield "summary", summary
    media = fields.get("media")
    if media is not None and isinstance(media.data, dict):
        for key in ("caption", "credit"):
            value = media.data.get(key)
            if value is not None and isinstance(value.data, str):
                yield f"media.{key}", value


def _line_of(removal: Removal, lines: list[str], start: int) -> int | None:
    """The first line of the body that holds what was left out, by its value, else its name."""
    for needle in (removal.value, removal.name):
        if not needle:
            continue
        for number in range(start, len(lines) + 1):
            if needle in lines[number - 1]:
                return number
    return None
