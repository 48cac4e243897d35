"""TimelineJS timelines (TimelineJS3 JSON, TimelineJS 2 JSON, a sheet as CSV) → event files."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from generator.content import parse_event
from generator.dates import parse_date
from generator.errors import ContentErrors
from generator.eventwriter import event_text, file_name, write_new
from generator.importformats import ImportFailed, blank, load, parse
from generator.importmedia import NO_MEDIA, MediaPlan, absolute, copy_media, is_path, plan_media
from generator.importremote import fetch, is_address
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
from generator.slides import (
    MAX_SLIDE_CHARS,
    Skip,
    Slide,
    read_era,
    read_slide,
    read_title_slide,
)
from generator.slugs import slugify
from generator.timeline import tag_spelling

# A year before 1 or after 9999 alone, written as the number YAML reads: -250 is 250 BC.
_NUMBER = re.compile(r"-\d+|\d{5,}")

__all__ = ["ImportFailed", "ImportReport", "Slide", "import_file", "load", "read_timeline"]


@dataclass(frozen=True)
class ImportReport:
    """What an import did: the title slide's text, the files written and what stayed behind."""

    title: str  # the title slide's headline, plain text ("" if none)
    text: str  # the title slide's text, plain text
    written: tuple[Path, ...]
    skipped: tuple[Path, ...]  # files that existed already and were left as they were
    not_carried: tuple[str, ...]  # one human line each: what was left out and why
    copied: tuple[Path, ...] = ()  # media files copied into the site
    media_left: tuple[str, ...] = ()  # one line each: a media file not found or not copied
    kept: tuple[str, ...] = ()  # what the written events carry, counted: "3 captions"


@dataclass(frozen=True)
class _EventFile:
    name: str
    text: str
    slide: Slide


def import_file(source: str | Path, into: Path, content: Path | None = None) -> ImportReport:
    """Turn the TimelineJS file or address `source` into event files under `into`, never
    overwriting. Media beside a file go to `content`/media when `into` is inside the site's
    folder `content`, else to `into`/media."""
    if isinstance(source, str) and is_address(source):
        fetched = fetch(source)
        data, plan = absolute(parse(fetched.data, source, fetched.content_type), fetched.url), \
            NO_MEDIA
    else:
        path = Path(source)
        data = load(path)
        plan = plan_media(data, path.parent, _media_folder(into, content), into)
    report, files = _read(data, plan.urls)
    written, skipped = _write(files, into)
    used = {_media_address(f.slide) for f in files if into / f.name in written}
    copied = copy_media(plan, used)
    return replace(report, written=written, skipped=skipped, copied=copied,
                   media_left=plan.left, kept=_kept(files, written, into, plan))


def read_timeline(data: dict, local: Mapping[str, str] | None = None,
                  ) -> tuple[ImportReport, tuple[tuple[str, str], ...]]:
    """A timeline in TimelineJS3's shape → a report of all but the writing, and the event
    files to write: (file name, text), each one the build reads. `local` maps media paths
    beside the timeline to the addresses of their copies."""
    report, files = _read(data, local or {})
    return report, tuple((f.name, f.text) for f in files)


def _read(data: dict, local: Mapping[str, str]) -> tuple[ImportReport, tuple[_EventFile, ...]]:
    notes: list[str] = []
    title = read_title_slide(data.get("title"), notes)
    eras = data.get("eras")
    if not isinstance(eras, list):
        if not blank(eras):
            notes.append(f"the timeline's eras were left out: they are {kind_of(eras)}, "
                         "not a list")
        eras = []
    # `scale` says how TimelineJS draws the axis; chronoline picks its scale from the dates.
    for key in sorted(set(data) - {"title", "events", "eras", "scale"}):
        notes.append(f"the timeline's '{short(clean(key)[0])}' setting was left out: "
                     "chronoline does not use it")
    slides = [*_slides(data["events"], "", lambda raw: read_slide(raw, notes, local), notes),
              *_slides(eras, "era ", lambda raw: read_era(raw, notes), notes)]
    text = mapping(title, "text", "the title slide", notes)
    headline = plain(scalar(text.get("headline"), "the title slide", "headline", notes))
    intro = plain(scalar(text.get("text"), "the title slide", "text", notes))
    files = _readable(_named(slides, notes), notes)
    return ImportReport(headline, intro, (), (), tuple(notes)), files


def _slides(raws: list, kind: str, reader: Callable[[object], Slide],
            notes: list[str]) -> list[Slide]:
    """Each slide (or era, `kind` "era ") that `reader` can carry over; each other noted."""
    slides = []
    for raw in raws:
        raw, removed, size = clean(raw)
        try:
            if size > MAX_SLIDE_CHARS:
                raise Skip(f"it holds {size:,} characters of text; chronoline imports at most "
                           f"{MAX_SLIDE_CHARS:,} from one slide")
            slides.append(reader(raw))
        except Skip as exc:
            notes.append(f"{kind}{slide_label(raw)} was left out: {exc}")
            continue
        if removed:
            notes.append(f"{kind}{slide_label(raw)}: {removed_note(removed)}")
    return slides


def _media_folder(into: Path, content: Path | None) -> Path:
    """content/media when the events go inside the site's content folder, as they do by
    default; otherwise a media folder beside the events, so their addresses still work."""
    if content is not None and into.absolute().is_relative_to(content.absolute()):
        return content / "media"
    return into / "media"


def _media_address(slide: Slide) -> str:
    return str((slide.media or {}).get("url", ""))


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
              notes: list[str]) -> tuple[_EventFile, ...]:
    """Each slide's event file, read back as the build reads it: a slide whose file the build
    would refuse (a bound the checks above do not know) is left out, with the build's words."""
    md, files = make_markdown(False), []
    for name, slide in named:
        fields = {key: value for key, value in asdict(slide).items()
                  if value and key not in ("body", "kind")}
        for key in ("date", "end"):
            if _NUMBER.fullmatch(fields.get(key, "")):
                fields[key] = int(fields[key])
        if slide.kind:
            fields = {"type": slide.kind, **fields}
        text = event_text(fields, slide.body)
        try:
            parse_event(_checkable(fields, slide.body, text), name, md, dt.UTC)
        except ContentErrors as exc:
            error = exc.errors[0]
            notes.append(f"'{short(slide.title)}' ({slide.date}) was left out: a build "
                         f"would refuse it ({error.field + ': ' if error.field else ''}"
                         f"{short(error.message, 200)})")
            continue
        files.append(_EventFile(name, text, slide))
    return tuple(files)


def _checkable(fields: dict, body: str, text: str) -> bytes:
    """The event file to read back. A copied media file is read back under a web address in
    its place: whether a file exists is the build's question, asked of the whole site, not of
    one file read alone (and the copy is made only once the event is written)."""
    url = (fields.get("media") or {}).get("url", "")
    if not url or not is_path(url):
        return text.encode("utf-8")
    stand_in = {**fields, "media": {**fields["media"], "url": "https://x.invalid/" + url}}
    return event_text(stand_in, body).encode("utf-8")


def _kept(files: tuple[_EventFile, ...], written: tuple[Path, ...], into: Path,
          plan: MediaPlan) -> tuple[str, ...]:
    """What the written events carry over, counted, for the import's summary."""
    slides = [f.slide for f in files if into / f.name in written]
    media = [s.media or {} for s in slides]
    copied = set(plan.urls.values())
    counts = (
        (sum(m.get("url") in copied for m in media), "event", " with media copied into the site"),
        (sum(bool(m) and m.get("url") not in copied for m in media), "event",
         " with media on the web"),
        (sum("caption" in m for m in media), "caption", ""),
        (sum("credit" in m for m in media), "credit", ""),
        (sum(s.kind == "era" for s in slides), "era", ""),
        (sum(bool(s.tags) for s in slides), "tag", " (from the slides' groups)"),
        (sum(bool(s.end) and not s.kind for s in slides), "end date", ""),
        (sum(bool(s.background) for s in slides), "background", ""),
        (sum(bool(s.extra) for s in slides), "event",
         " with other values under extra (timeline.json gives them back)"),
    )
    return tuple(f"{count} {noun}{'' if count == 1 else 's'}{more}"
                 for count, noun, more in counts if count)


def _write(files: tuple[_EventFile, ...], into: Path,
           ) -> tuple[tuple[Path, ...], tuple[Path, ...]]:
    """Write each event file that does not exist yet: (written, skipped)."""
    written: list[Path] = []
    skipped: list[Path] = []
    for file in files:
        path = into / file.name
        (written if write_new(path, file.text) else skipped).append(path)
    return tuple(written), tuple(skipped)
