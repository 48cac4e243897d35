"""TimelineJS timelines (TimelineJS3 JSON, TimelineJS 2 JSON, a sheet as CSV) → event files."""

from __future__ import annotations

import datetime as dt
import html
import math
import re
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from urllib.parse import quote, urlsplit

from generator.content import COLOR, NOT_IN_URLS, parse_event
from generator.dates import DateError, parse_date
from generator.errors import ContentErrors
from generator.eventfile import event_text, file_name, write_new
from generator.frontmatter import CONTROL
from generator.importfile import PARTS, ImportFailed, blank, load
from generator.markup import make_markdown
from generator.slidetext import to_markdown
from generator.slugs import slugify
from generator.timeline import tag_spelling

__all__ = ["ImportFailed", "ImportReport", "Slide", "import_file", "load", "read_timeline"]

_READ = {"start_date", "end_date", "text", "media", "group", "display_date", "background",
         "unique_id"}  # slide keys with a place in an event file; the rest goes to `extra`
# Tags are `[^<>]*`, not `[^>]*`: a text of many "<" then took time in the square of its length.
_BREAK = re.compile(r"<br\s*/?>|</?(?:p|div|li|ul|ol|h[1-6]|blockquote|tr|td|th)\b[^<>]*>", re.I)
_TAG = re.compile(r"<[^<>]*>")
_SURROGATE = re.compile(r"[\ud800-\udfff]")  # half a UTF-16 pair, as JSON's "\ud800" gives
MAX_SLIDE_CHARS = 100_000  # in all of a slide's text; a spreadsheet cell holds at most 50,000
MAX_NAME = 100  # a group or unique_id becomes a folder name, which a file system bounds
# Longer, these are no longer a headline, a date shown or a caption, and a page shows them whole.
MAX_TITLE, MAX_DISPLAY_DATE, MAX_CAPTION = 300, 100, 1_000


@dataclass(frozen=True)
class ImportReport:
    """What an import did: the title slide's text, the files written and what stayed behind."""

    title: str  # the title slide's headline, plain text ("" if none)
    text: str  # the title slide's text, plain text
    written: tuple[Path, ...]
    skipped: tuple[Path, ...]  # files that existed already and were left as they were
    not_carried: tuple[str, ...]  # one human line each: what was left out and why


@dataclass(frozen=True)
class Slide:
    """One slide as event-file fields: dates as ISO text, text as Markdown."""

    title: str
    date: str
    end: str = ""
    display_date: str = ""
    slug: str = ""
    tags: tuple[str, ...] = ()
    media: dict | None = None
    background: dict | None = None
    extra: dict | None = None
    body: str = ""


class _Skip(Exception):
    """Why a slide, or a part of one, cannot be carried over."""


def import_file(path: Path, into: Path) -> ImportReport:
    """Turn the TimelineJS file at `path` into event files under `into`, never overwriting."""
    report, events = read_timeline(load(path))
    written, skipped = _write(events, into)
    return replace(report, written=written, skipped=skipped)


def read_timeline(data: dict) -> tuple[ImportReport, tuple[tuple[str, str], ...]]:
    """A timeline in TimelineJS3's shape → a report of all but the writing, and the event
    files to write: (file name, text), each one the build reads."""
    notes: list[str] = []
    title = _title_slide(data.get("title"), notes)
    eras = data.get("eras")
    if isinstance(eras, list):
        notes += [f"era {_label(_clean(era)[0])} was left out: chronoline has no eras"
                  for era in eras]
    elif not blank(eras):
        notes.append(f"the timeline's eras were left out: they are {_kind(eras)}, not a list")
    for key in sorted(set(data) - {"title", "events", "eras"}):
        notes.append(f"the timeline's '{_short(_clean(key)[0])}' setting was left out: "
                     "chronoline does not use it")
    slides = []
    for raw in data["events"]:
        raw, removed, size = _clean(raw)
        try:
            if size > MAX_SLIDE_CHARS:
                raise _Skip(f"it holds {size:,} characters of text; chronoline imports at most "
                            f"{MAX_SLIDE_CHARS:,} from one slide")
            slides.append(_slide(raw, notes))
        except _Skip as exc:
            notes.append(f"{_label(raw)} was left out: {exc}")
            continue
        if removed:
            notes.append(f"{_label(raw)}: {_removed(removed)}")
    text = _mapping(title, "text", "the title slide", notes)
    headline = _plain(_scalar(text.get("headline"), "the title slide", "headline", notes))
    intro = _plain(_scalar(text.get("text"), "the title slide", "text", notes))
    files = _readable(_named(slides, notes), notes)
    return ImportReport(headline, intro, (), (), tuple(notes)), files


def _title_slide(raw: object, notes: list[str]) -> dict:
    if not isinstance(raw, dict):
        if not blank(raw):
            notes.append(f"the title slide was left out: it is {_kind(raw)}, not a mapping "
                         "of fields")
        return {}
    title, removed, size = _clean(raw)
    if size > MAX_SLIDE_CHARS:
        notes.append(f"the title slide was left out: it holds {size:,} characters of text; "
                     f"chronoline imports at most {MAX_SLIDE_CHARS:,} from one slide")
        return {}
    if removed:
        notes.append(f"the title slide: {_removed(removed)}")
    for part in ("media", "background"):
        if not blank(_map(title.get(part)).get("url")):
            notes.append(f"the title slide's {part} was left out: the site's title is text only")
    return title


def _slide(raw: object, notes: list[str]) -> Slide:
    if not isinstance(raw, dict):
        raise _Skip(f"it is {_kind(raw)}, not a mapping of fields")
    label, (date, start_extra) = _label(raw), _date(raw.get("start_date"))
    text, media, background = (_mapping(raw, key, label, notes)
                               for key in ("text", "media", "background"))
    shown = _scalar(raw.get("display_date"), label, "display_date", notes) \
        or _scalar(start_extra.pop("display_date", None), label, "display_date", notes)
    extra = {key: value for key, value in raw.items() if key not in _READ}
    extra.update(start_date=start_extra, text=_other(text, "headline", "text"),
                 background=_other(background, "url", "color"))
    body = _markdown(_scalar(text.get("text"), label, "text", notes), label, notes)
    title = _plain(_scalar(text.get("headline"), label, "headline", notes))
    if not title:
        title = _fallback_title(text.get("text"), media.get("caption"))
        notes.append(f"the slide of {date} has no headline; it was titled '{title}'")
    elif len(title) > MAX_TITLE:
        title = _short(title, MAX_TITLE)
        notes.append(f"{label}: its headline was shortened to {MAX_TITLE} characters")
    shown = _bounded(_plain(shown), MAX_DISPLAY_DATE, label, "display_date", notes)
    slide = Slide(title, date, display_date=shown, body=body,
                  slug=slugify(_name(raw.get("unique_id"), label, "unique_id", notes)))
    slide = _end(slide, raw.get("end_date"), extra, label, notes)
    if group := _name(raw.get("group"), label, "group", notes):
        slide = replace(slide, tags=(group,))
    slide = _media(slide, media, extra, label, notes)
    color = _plain(_scalar(background.get("color"), label, "background colour", notes))
    if color and not COLOR.fullmatch(color):
        notes.append(f"{label}: its background colour '{_short(color)}' was left out: "
                     "not a colour")
        color = ""
    backdrop = _drop_blank({"url": _url(background.get("url"), label, "background", notes),
                            "color": color})
    return replace(slide, background=backdrop or None, extra=_drop_blank(extra) or None)


def _end(slide: Slide, raw: object, extra: dict, label: str, notes: list[str]) -> Slide:
    """`slide` with the end date `raw`, when it is one and does not end before the start."""
    end = _drop_blank(raw) if isinstance(raw, dict) else raw
    try:
        if blank(end):
            return slide
        iso, extra["end_date"] = _date(end)
        if parse_date(iso, dt.UTC).ends_before(parse_date(slide.date, dt.UTC), dt.UTC):
            raise _Skip(f"{iso} ends before {slide.date} begins")
        return replace(slide, end=iso)
    except _Skip as exc:
        notes.append(f"{label}: its end date was left out: {exc}")
        return slide


def _media(slide: Slide, media: dict, extra: dict, label: str, notes: list[str]) -> Slide:
    embed = str(_scalar(media.get("url"), label, "media", notes) or "").strip()
    if embed.startswith("<blockquote"):  # TimelineJS shows such "media" as a quotation
        quote_text = "\n".join("> " + line if line else ">"
                               for line in _markdown(embed, label, notes).splitlines())
        return replace(slide, body=f"{slide.body}\n\n{quote_text}".strip())
    if embed.startswith("<"):
        notes.append(f"{label}: its media, an HTML embed ('{_short(embed)}'), was left out")
        return slide
    if not (url := _url(embed, label, "media", notes)):
        return slide
    caption = _scalar(media.get("caption"), label, "media caption", notes)
    credit = _scalar(media.get("credit"), label, "media credit", notes)
    alt = _scalar(media.get("alt"), label, "media alt text", notes)
    extra["media"] = _other(media, "url", "caption", "credit", "alt")
    return replace(slide, media=_drop_blank({
        "url": url,
        "caption": _bounded(_markdown(caption, label, notes), MAX_CAPTION, label,
                            "media caption", notes),
        "credit": _bounded(_markdown(credit, label, notes), MAX_CAPTION, label,
                           "media credit", notes),
        "alt": _bounded(_plain(alt) or _plain(caption), MAX_CAPTION, label, "media alt text",
                        notes)}))


def _bounded(text: str, limit: int, label: str, what: str, notes: list[str]) -> str:
    if len(text) <= limit:
        return text
    notes.append(f"{label}: its {what} was left out: it is longer than {limit:,} characters")
    return ""


def _date(raw: object) -> tuple[str, dict]:
    """A TimelineJS date object → ISO text exactly as precise as it was, and its other keys."""
    if not isinstance(raw, dict):
        raise _Skip("it has no date" if blank(raw) else f"{_short(repr(raw))} is not a date")
    values: list[int] = []
    for part in PARTS:
        if blank(raw.get(part)):
            break
        number = raw[part]
        number = int(number) if isinstance(number, float) and number.is_integer() else number
        try:
            if isinstance(number, (dict, list, bool, float)):
                raise ValueError
            values.append(int(str(number).strip()))
        except ValueError:
            raise _Skip(f"its {part} {_short(repr(number))} is not a whole number") from None
    if not values:
        raise _Skip("its date has no year")
    if values[0] < 1:
        raise _Skip("dates before year 1 are not supported yet")
    if values[0] > 9998:
        raise _Skip("dates after year 9998 are not supported")
    text = f"{values[0]:04d}" + "".join(f"-{value:02d}" for value in values[1:3])
    if len(values) > 3:  # a time: minutes always, seconds when the slide gave them
        clock = (values[3:] + [0])[: max(2, len(values) - 3)]
        text += "T" + ":".join(f"{value:02d}" for value in clock)
    try:
        parse_date(text, dt.UTC)
    except DateError as exc:
        raise _Skip(_short(str(exc), 200)) from None
    return text, {k: v for k, v in raw.items() if k not in PARTS}


def _named(slides: list[Slide], notes: list[str]) -> tuple[tuple[str, Slide], ...]:
    """File names and slugs unique within the import; one spelling per tag page."""
    taken: set[str] = set()
    tags: dict[str, str] = {}
    named = []
    for slide in slides:
        if slide.slug in taken:
            notes.append(f"'{_short(slide.title)}' ({slide.date}): its unique_id "
                         f"'{slide.slug}' was left out: another slide has it")
            slide = replace(slide, slug="")
        for tag in slide.tags:
            if tag_spelling(first := tags.setdefault(slugify(tag), tag)) != tag_spelling(tag):
                notes.append(f"'{_short(slide.title)}' ({slide.date}): its group '{tag}' was "
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
            notes.append(f"'{_short(slide.title)}' ({slide.date}) was left out: a build "
                         f"would refuse it ({error.field + ': ' if error.field else ''}"
                         f"{_short(error.message, 200)})")
            continue
        files.append((name, text))
    return tuple(files)


def _write(files: tuple[tuple[str, str], ...], into: Path) -> tuple[tuple[Path, ...], ...]:
    """Write each event file that does not exist yet: (written, skipped)."""
    written, skipped = [], []
    for name, text in files:
        (written if write_new(into / name, text) else skipped).append(into / name)
    return tuple(written), tuple(skipped)


def _clean(value: object) -> tuple[object, set[str], int]:
    """`value` without what no event file may hold, what was removed, and its characters.
    Control characters go (TimelineJS shows them as nothing, and a build refuses a file with
    them), half surrogate pairs become U+FFFD, and numbers that are not finite become null.
    `value` nests at most importfile.MAX_NESTING deep, so recursion is safe."""
    if isinstance(value, str):
        removed = set(CONTROL.findall(value))
        text = _SURROGATE.sub("\ufffd", CONTROL.sub("", value)) if removed or \
            _SURROGATE.search(value) else value
        return text, removed, len(text)
    if isinstance(value, float) and not math.isfinite(value):
        return None, set(), 0
    if not isinstance(value, (dict, list)):
        return value, set(), 0
    removed, size, items = set(), 0, []
    for key, item in (value.items() if isinstance(value, dict) else enumerate(value)):
        key, gone_key, key_size = _clean(key) if isinstance(key, str) else (key, set(), 0)
        item, gone, item_size = _clean(item)
        removed |= gone | gone_key
        size += item_size + key_size
        items.append((key, item))
    return (dict(items) if isinstance(value, dict) else [item for _, item in items]), removed, size


def _removed(characters: set[str]) -> str:
    names = ", ".join(f"U+{ord(c):04X}" for c in sorted(characters))
    return f"control characters ({names}) were removed from it: they show as nothing"


def _kind(value: object) -> str:
    """What a value of the wrong type is, in words: 'a list', 'the number 5'."""
    if isinstance(value, bool):
        return f"'{str(value).lower()}'"
    if isinstance(value, (int, float)):
        return f"the number {_short(str(value), 20)}"
    if isinstance(value, str):
        return f"the text '{_short(value, 20)}'"
    return {dict: "a mapping", list: "a list"}.get(type(value), "null")


def _mapping(raw: dict, key: str, label: str, notes: list[str]) -> dict:
    """`raw[key]` if it is a mapping; anything else that is not blank is noted as left out."""
    value = raw.get(key)
    if isinstance(value, dict):
        return value
    if not blank(value):
        notes.append(f"{label}: its {key} was left out: it is {_kind(value)}, not a mapping "
                     "of fields")
    return {}


def _scalar(value: object, label: str, what: str, notes: list[str]) -> object:
    """`value` if it is text or a number, as TimelineJS shows it; a list or mapping is noted."""
    if isinstance(value, (dict, list)) and not blank(value):
        notes.append(f"{label}: its {what} was left out: it is {_kind(value)}, not text")
        return None
    return value


def _name(value: object, label: str, what: str, notes: list[str]) -> str:
    """A group or unique_id as plain text, if it makes a URL; else "" (and a note)."""
    text = _plain(_scalar(value, label, what, notes))
    slug = slugify(text)
    if text and not slug:
        notes.append(f"{label}: its {what} '{_short(text)}' was left out: it has no letters "
                     "or digits")
        return ""
    if max(len(text), len(slug)) > MAX_NAME:
        notes.append(f"{label}: its {what} '{_short(text)}' was left out: it is longer than "
                     f"{MAX_NAME} characters, as written or in a URL")
        return ""
    return text


def _label(raw: object) -> str:
    """`'The Big Bang' (-13800000000)`: a slide named by its headline and its year."""
    if not isinstance(raw, dict):
        return _short(repr(raw))
    year = _map(raw.get("start_date")).get("year")
    headline = _plain(_map(raw.get("text")).get("headline")) or "untitled"
    year = "" if blank(year) or isinstance(year, (dict, list)) else _short(str(year).strip(), 20)
    return f"'{_short(headline)}'" + (f" ({year})" if year else "")


def _fallback_title(text_html: object, caption: object) -> str:
    """A title for a slide without a headline: its text's first sentence, or its caption."""
    text = _plain(text_html) or _plain(caption) or "Untitled"
    return _short(re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0], 80)


def _short(text: str, limit: int = 60) -> str:
    """`text` on one line, at most `limit` characters, for a note printed to a terminal."""
    text = " ".join(CONTROL.sub("", text[: limit * 4]).split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"


def _plain(value: object) -> str:
    """HTML → one line of plain text: a line break or a paragraph becomes a space; a list or
    a mapping is not text."""
    if blank(value) or isinstance(value, (dict, list)):
        return ""
    return " ".join(html.unescape(_TAG.sub("", _BREAK.sub(" ", str(value)))).split())


def _markdown(value: object, label: str, notes: list[str]) -> str:
    """HTML → Markdown that stays text on any site; what it leaves out is noted."""
    if blank(value):
        return ""
    text, left_out = to_markdown(str(value))
    notes += [f"{label}: {line}" for line in left_out]
    return text


def _url(value: object, label: str, what: str, notes: list[str]) -> str:
    """An http(s) URL, protocol-relative ones made https; anything else is noted and dropped."""
    text = "" if blank(value) or isinstance(value, (dict, list)) else str(value).strip()
    text = "https:" + text if text.startswith("//") else text
    try:
        parts = urlsplit(text)
        if parts.scheme.lower() in ("http", "https") and parts.hostname:
            return NOT_IN_URLS.sub(lambda m: quote(m.group()), text)
    except ValueError:
        pass
    if text:
        notes.append(f"{label}: its {what} '{_short(text)}' was left out: not an http(s) link")
    return ""


def _map(value: object) -> dict:
    return value if isinstance(value, dict) else {}


def _other(data: dict, *known: str) -> dict:
    return {key: value for key, value in data.items() if key not in known}


def _drop_blank(data: dict) -> dict:
    """`data` without empty values, nested mappings included."""
    kept = {k: _drop_blank(v) if isinstance(v, dict) else v for k, v in data.items()}
    return {k: v for k, v in kept.items() if not blank(v)}
