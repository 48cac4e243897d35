"""TimelineJS timelines (TimelineJS3 JSON, TimelineJS 2 JSON, a sheet as CSV) → event files."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from generator.content import parse_event
from generator.dates import parse_date
from generator.errors import ContentErrors
from generator.eventwriter import event_text, file_name, write_new
from generator.importformats import ImportFailed, blank, load
from generator.importvalues import (
    clean,
    kind_of,
    mapping,
    plain,
    removed_note,
    scalar,
    short,
    slide_label,
)
from generator.markup import make_markdown
from generator.slides import MAX_SLIDE_CHARS, Skip, Slide, read_slide, read_title_slide
from generator.slugs import slugify
from generator.timeline import tag_spelling

__all__ = ["ImportFailed", "ImportReport", "Slide", "import_file", "load", "read_timeline"]


@dataclass(frozen=True)
class ImportReport:
    """What an import did: the title slide's text, the files written and what stayed behind."""

    title: str  # the title slide's headline, plain text ("" if none)
    text: str  # the title slide's text, plain text
    written: tuple[Path, ...]
    skipped: tuple[Path, ...]  # files that existed already and were left as they were
    not_carried: tuple[str, ...]  # one human line each: what was left out and why


def import_file(path: Path, into: Path) -> ImportReport:
    """Turn the TimelineJS file at `path` into event files under `into`, never overwriting."""
    report, events = read_timeline(load(path))
    written, skipped = _write(events, into)
    return replace(report, written=written, skipped=skipped)


def read_timeline(data: dict) -> tuple[ImportReport, tuple[tuple[str, str], ...]]:
    """A timeline in TimelineJS3's shape → a report of all but the writing, and the event
    files to write: (file name, text), each one the build reads."""
    notes: list[str] = []
    title = read_title_slide(data.get("title"), notes)
    eras = data.get("eras")
    if isinstance(eras, list):
        notes += [f"era {slide_label(clean(era)[0])} was left out: chronoline has no eras"
                  for era in eras]
    elif not blank(eras):
        notes.append(f"the timeline's eras were left out: they are {kind_of(eras)}, not a list")
    for key in sorted(set(data) - {"title", "events", "eras"}):
        notes.append(f"the timeline's '{short(clean(key)[0])}' setting was left out: "
                     "chronoline does not use it")
    slides = []
    for raw in data["events"]:
        raw, removed, size = clean(raw)
        try:
            if size > MAX_SLIDE_CHARS:
                raise Skip(f"it holds {size:,} characters of text; chronoline imports at most "
                            f"{MAX_SLIDE_CHARS:,} from one slide")
            slides.append(read_slide(raw, notes))
        except Skip as exc:
            notes.append(f"{slide_label(raw)} was left out: {exc}")
            continue
        if removed:
            notes.append(f"{slide_label(raw)}: {removed_note(removed)}")
    text = mapping(title, "text", "the title slide", notes)
    headline = plain(scalar(text.get("headline"), "the title slide", "headline", notes))
    intro = plain(scalar(text.get("text"), "the title slide", "text", notes))
    files = _readable(_named(slides, notes), notes)
    return ImportReport(headline, intro, (), (), tuple(notes)), files


def _named(slides: list[Slide], notes: list[str]) -> tuple[tuple[str, Slide], ...]:
    """File names and slugs unique within the import; one spelling per tag page."""
    taken: set[str] = set()
    tags: dict[str, str] = {}
    named = []
    for slide in slides:
        if slide.slug in taken:
            notes.append(f"'{short(slide.title)}' ({slide.date}): its unique_id "
                         f"'{slide.slug}' was left out: another slide has it")
            slide = replace(slide, slug="")
        for tag in slide.tags:
            if tag_spelling(first := tags.setdefault(slugify(tag), tag)) != tag_spelling(tag):
                notes.append(f"'{short(slide.title)}' ({slide.date}): its group '{tag}' was "
                             f"left out: it would share a tag page with '{first}'")
                slide = replace(slide, tags=())
        stem = file_name(parse_date(slide.date, dt.UTC), slide.title).removesuffix(".md")
        name, number = stem, 2
        while name in taken:
            name, number = f"{stem}-{number}", number + 1
        taken |= {name, slide.slug or name}
        named.append((f"{name}.md", slide))
    return tuple(named)


def _readable(named: tuple[tuple[str, Slide], ...],
              notes: list[str]) -> tuple[tuple[str, str], ...]:
    """Each slide's event file, read back as the build reads it: a slide whose file the build
    would refuse (a bound the checks above do not know) is left out, with the build's words."""
    md, files = make_markdown(False), []
    for name, slide in named:
        fields = {key: value for key, value in asdict(slide).items() if value and key != "body"}
        text = event_text(fields, slide.body)
        try:
            parse_event(text.encode("utf-8"), name, md, dt.UTC)
        except ContentErrors as exc:
            error = exc.errors[0]
            notes.append(f"'{short(slide.title)}' ({slide.date}) was left out: a build "
                         f"would refuse it ({error.field + ': ' if error.field else ''}"
                         f"{short(error.message, 200)})")
            continue
        files.append((name, text))
    return tuple(files)


def _write(files: tuple[tuple[str, str], ...], into: Path,
           ) -> tuple[tuple[Path, ...], tuple[Path, ...]]:
    """Write each event file that does not exist yet: (written, skipped)."""
    written: list[Path] = []
    skipped: list[Path] = []
    for name, text in files:
        (written if write_new(into / name, text) else skipped).append(into / name)
    return tuple(written), tuple(skipped)
