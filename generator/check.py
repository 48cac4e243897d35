"""`chronoline check`: every error a build would report, and what is likely a mistake."""

from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import dataclass

from generator.build import Builder, BuildOptions
from generator.errors import BuildFailed, ContentError
from generator.model import Timeline


@dataclass(frozen=True)
class CheckReport:
    errors: tuple[ContentError, ...]
    warnings: tuple[ContentError, ...]
    timeline: Timeline | None


def check(options: BuildOptions) -> CheckReport:
    """Read and render the whole site as a build would, in memory, writing nothing."""
    builder = Builder(options)
    try:
        builder.render()  # templates too: a broken layout is an error of the build
        _config, _sources, timeline = builder.read()
    except BuildFailed as exc:
        return CheckReport(tuple(exc.errors), (), None)
    return CheckReport((), tuple(warnings_of(timeline)), timeline)


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


def _tag_typos(timeline: Timeline) -> list[ContentError]:
    uses = Counter(tag.slug for event in timeline.events for tag in event.tags)
    names = {tag.slug: tag.name for tag, _events in timeline.tags}
    found = []
    for tag, events in timeline.tags:
        if uses[tag.slug] != 1:
            continue
        others = [slug for slug in uses if slug != tag.slug and uses[slug] > 1]
        close = difflib.get_close_matches(tag.slug, others, n=1, cutoff=0.8)
        if close:
            message = (f"'{tag.name}' is used once and is spelled almost like "
                       f"'{names[close[0]]}' (used {uses[close[0]]} times); a typo?")
            found.append(ContentError(events[0].path, message, None, "tags"))
    return found
