"""TimelineJS timelines (TimelineJS3 JSON, TimelineJS 2 JSON, a sheet as CSV) → event files."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import warnings
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from urllib.parse import quote, urlsplit

from generator.content import COLOR, NOT_IN_URLS
from generator.dates import DateError, parse_date
from generator.errors import CommandFailed
from generator.eventfile import event_text, file_name, write_new
from generator.markup import to_text
from generator.slugs import slugify
from generator.timeline import tag_spelling

_PARTS = ("year", "month", "day", "hour", "minute", "second")
_READ = {"start_date", "end_date", "text", "media", "group", "display_date", "background",
         "unique_id"}  # slide keys with a place in an event file; the rest goes to `extra`
_BREAK = re.compile(r"<br\s*/?>|</?(?:p|div|li|ul|ol|h[1-6]|blockquote|tr|td|th)\b[^>]*>", re.I)
_LEGACY_DATE = re.compile(r"-?\d+(\s*,\s*-?\d*)*")
_TIME = re.compile(r"(\d{1,2})(?:[:.]?(\d{2})(?:[:.](\d{2}))?)?\s*(?:([ap])\.?m\.?)?", re.I)


@dataclass(frozen=True)
class ImportReport:
    """What an import did: the title slide's text, the files written and what stayed behind."""

    title: str  # the title slide's headline, plain text ("" if none)
    text: str  # the title slide's text, plain text
    written: tuple[Path, ...]
    skipped: tuple[Path, ...]  # files that existed already and were left as they were
    not_carried: tuple[str, ...]  # one human line each: what was left out and why


class ImportFailed(CommandFailed):
    """A file that is not a timeline this importer can read; the message is one line."""


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


def load(path: Path) -> dict:
    """The file's timeline in TimelineJS3's shape, whichever of the three forms it was in."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise ImportFailed(f"{path}: cannot be read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise ImportFailed(f"{path}: is not UTF-8 text; save it as UTF-8") from None
    if not text.lstrip().startswith(("{", "[")):
        if (data := from_csv(text)) is None:
            raise ImportFailed(f"{path}: is neither TimelineJS JSON nor a TimelineJS spreadsheet "
                               "saved as CSV (with columns such as Year and Headline)")
        return data
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFailed(f"{path}: is not JSON (line {exc.lineno}: {exc.msg})") from None
    if isinstance(data, dict) and isinstance(data.get("events"), list):
        return data
    if isinstance(data, dict) and isinstance(_map(data.get("timeline")).get("date"), list):
        return from_legacy(data["timeline"])
    raise ImportFailed(f"{path}: is not a TimelineJS timeline: it has no 'events' list "
                       "(TimelineJS3) and no 'timeline.date' list (TimelineJS 2)")


def from_legacy(timeline: dict) -> dict:
    """TimelineJS 2's `timeline` object in TimelineJS3's shape."""
    title = _legacy_slide(timeline)
    title.pop("start_date")
    return {"title": title, "events": [_legacy_slide(d) for d in timeline["date"]],
            "eras": [_legacy_slide(e) for e in timeline.get("era") or []]}


def _legacy_slide(slide: object) -> object:
    if not isinstance(slide, dict):
        return slide
    data = _other(slide, "startDate", "endDate", "headline", "text", "tag", "asset", "date",
                  "era", "type")
    asset = _map(slide.get("asset"))
    data.update(text={"headline": slide.get("headline"), "text": slide.get("text")},
                start_date=_legacy_date(slide.get("startDate")), group=slide.get("tag"),
                media={("url" if k == "media" else k): v for k, v in asset.items()})
    if not _blank(slide.get("endDate")):
        data["end_date"] = _legacy_date(slide["endDate"])
    return data


def _legacy_date(value: object) -> object:
    """`"1963,8,9"` as a TimelineJS3 date object; anything else as it was, to be reported."""
    text = str(value).strip() if value is not None else ""
    if _LEGACY_DATE.fullmatch(text):
        return dict(zip(_PARTS, (part.strip() for part in text.split(",")), strict=False))
    return value


def from_csv(text: str) -> dict | None:
    """A TimelineJS sheet saved as CSV, read as TimelineJS reads it; None if it is not one."""
    reader = csv.DictReader(io.StringIO(text))
    if not {"Year", "Headline"} <= {name.strip() for name in reader.fieldnames or ()}:
        return None
    data: dict = {"events": [], "eras": []}
    for raw in reader:
        row = {k.strip(): (v or "").strip() for k, v in raw.items() if isinstance(k, str)}
        if not any(row.values()):
            continue
        slide = {"start_date": _csv_date(row, ""), "end_date": _csv_date(row, "End "),
                 "display_date": row.get("Display Date"),
                 "group": row.get("Group") or row.get("Tag"),
                 "text": {"headline": row.get("Headline"), "text": row.get("Text")},
                 "media": {"url": row.get("Media"), "credit": row.get("Media Credit"),
                           "caption": row.get("Media Caption"),
                           "thumbnail": row.get("Media Thumbnail"), "alt": row.get("Alt Text")}}
        if background := row.get("Background"):  # TimelineJS: a URL, or else a colour
            slide["background"] = {"url" if re.match(r"(https?:)?//?", background) else "color":
                                   background}
        kind = row.get("Type", "").lower()
        if kind == "title" and "title" not in data:
            data["title"] = slide
        else:
            data["eras" if kind == "era" else "events"].append(slide)
    return data


def _csv_date(row: dict[str, str], prefix: str) -> dict | None:
    if not row.get(prefix + "Year"):
        return None
    date: dict = {part: row.get(prefix + part.title(), "") for part in _PARTS[:3]}
    clock = row.get(prefix + "Time", "")
    if match := _TIME.fullmatch(clock):
        hour, minute, second, half = match.groups()
        hour = int(hour) % 12 + (12 if half.lower() == "p" else 0) if half else int(hour)
        date.update(hour=hour, minute=minute or 0, second=second or "")
    elif clock:
        date["hour"] = clock  # not a time: reported as such
    return date


def read_timeline(data: dict) -> tuple[ImportReport, tuple[tuple[str, Slide], ...]]:
    """A timeline in TimelineJS3's shape → a report of all but the writing, and named slides."""
    notes: list[str] = []
    title = _map(data.get("title"))
    for part in ("media", "background"):
        if not _blank(_map(title.get(part)).get("url")):
            notes.append(f"the title slide's {part} was left out: the site's title is text only")
    for era in data.get("eras") or []:
        notes.append(f"era {_label(era)} was left out: chronoline has no eras")
    for key in sorted(set(data) - {"title", "events", "eras"}):
        notes.append(f"the timeline's '{key}' setting was left out: chronoline does not use it")
    slides = []
    for raw in data["events"]:
        try:
            slides.append(_slide(raw, notes))
        except _Skip as exc:
            notes.append(f"{_label(raw)} was left out: {exc}")
    text, events = _map(title.get("text")), _named(slides, notes)
    headline, intro = _plain(text.get("headline")), _plain(text.get("text"))
    return ImportReport(headline, intro, (), (), tuple(notes)), events


def _slide(raw: object, notes: list[str]) -> Slide:
    if not isinstance(raw, dict):
        raise _Skip("it is not a mapping of fields")
    label, text, media, background = _label(raw), _map(raw.get("text")), \
        _map(raw.get("media")), _map(raw.get("background"))
    date, start_extra = _date(raw.get("start_date"))
    shown = raw.get("display_date") or start_extra.pop("display_date", None)
    extra = {key: value for key, value in raw.items() if key not in _READ}
    extra.update(start_date=start_extra, text=_other(text, "headline", "text"),
                 background=_other(background, "url", "color"))
    title = _plain(text.get("headline"))
    if not title:
        title = _fallback_title(text.get("text"), media.get("caption"))
        notes.append(f"the slide of {date} has no headline; it was titled '{title}'")
    slide = Slide(title, date, display_date=_plain(shown), body=_markdown(text.get("text")),
                  slug=slugify(str(raw.get("unique_id") or "")))
    end = _drop_blank(raw["end_date"]) if isinstance(raw.get("end_date"), dict) \
        else raw.get("end_date")
    try:
        if not _blank(end):
            iso, extra["end_date"] = _date(end)
            if parse_date(iso, dt.UTC).ends_before(parse_date(date, dt.UTC), dt.UTC):
                raise _Skip(f"{iso} ends before {date} begins")
            slide = replace(slide, end=iso)
    except _Skip as exc:
        notes.append(f"{label}: its end date was left out: {exc}")
    if group := _plain(raw.get("group")):
        if slugify(group):
            slide = replace(slide, tags=(group,))
        else:
            notes.append(f"{label}: its group '{group}' was left out: it has no letters or digits")
    embed = str(media.get("url") or "").strip()
    if embed.startswith("<blockquote"):  # TimelineJS shows such "media" as a quotation
        quote_text = "\n".join("> " + line if line else ">"
                                for line in _markdown(embed).splitlines())
        slide = replace(slide, body=f"{slide.body}\n\n{quote_text}".strip())
    elif embed.startswith("<"):
        notes.append(f"{label}: its media, an HTML embed ('{_short(embed)}'), was left out")
    elif url := _url(media.get("url"), label, "media", notes):
        slide = replace(slide, media=_drop_blank({
            "url": url, "caption": _markdown(media.get("caption")),
            "credit": _markdown(media.get("credit")),
            "alt": _plain(media.get("alt")) or _plain(media.get("caption"))}))
        extra["media"] = _other(media, "url", "caption", "credit", "alt")
    color = _plain(background.get("color"))
    if color and not COLOR.fullmatch(color):
        notes.append(f"{label}: its background colour '{color}' was left out: not a colour")
        color = ""
    backdrop = _drop_blank({"url": _url(background.get("url"), label, "background", notes),
                            "color": color})
    return replace(slide, background=backdrop or None, extra=_drop_blank(extra) or None)


def _date(raw: object) -> tuple[str, dict]:
    """A TimelineJS date object → ISO text exactly as precise as it was, and its other keys."""
    if not isinstance(raw, dict):
        raise _Skip("it has no date" if _blank(raw) else f"{raw!r} is not a date")
    values: list[int] = []
    for part in _PARTS:
        if _blank(raw.get(part)):
            break
        try:
            values.append(int(str(raw[part]).strip()))
        except ValueError:
            raise _Skip(f"its {part} {raw[part]!r} is not a number") from None
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
        raise _Skip(str(exc)) from None
    return text, {k: v for k, v in raw.items() if k not in _PARTS}


def _named(slides: list[Slide], notes: list[str]) -> tuple[tuple[str, Slide], ...]:
    """File names and slugs unique within the import; one spelling per tag page."""
    taken: set[str] = set()
    tags: dict[str, str] = {}
    named = []
    for slide in slides:
        if slide.slug in taken:
            notes.append(f"'{slide.title}' ({slide.date}): its unique_id '{slide.slug}' was "
                         "left out: another slide has it")
            slide = replace(slide, slug="")
        for tag in slide.tags:
            if tag_spelling(first := tags.setdefault(slugify(tag), tag)) != tag_spelling(tag):
                notes.append(f"'{slide.title}' ({slide.date}): its group '{tag}' was left out: "
                             f"it would share a tag page with '{first}'")
                slide = replace(slide, tags=())
        stem = file_name(parse_date(slide.date, dt.UTC), slide.title).removesuffix(".md")
        name, number = stem, 2
        while name in taken:
            name, number = f"{stem}-{number}", number + 1
        taken |= {name, slide.slug or name}
        named.append((f"{name}.md", slide))
    return tuple(named)


def _write(events: tuple[tuple[str, Slide], ...], into: Path) -> tuple[tuple[Path, ...], ...]:
    """Write each event file that does not exist yet: (written, skipped)."""
    written, skipped = [], []
    for name, slide in events:
        fields = {key: value for key, value in asdict(slide).items() if value and key != "body"}
        text = event_text(fields, slide.body)
        (written if write_new(into / name, text) else skipped).append(into / name)
    return tuple(written), tuple(skipped)


def _label(raw: object) -> str:
    """`'The Big Bang' (-13800000000)`: a slide named by its headline and its year."""
    if not isinstance(raw, dict):
        return repr(raw)[:60]
    year = _map(raw.get("start_date")).get("year")
    headline = _plain(_map(raw.get("text")).get("headline")) or "untitled"
    return f"'{headline}'" + ("" if _blank(year) else f" ({str(year).strip()})")


def _fallback_title(text_html: object, caption: object) -> str:
    """A title for a slide without a headline: its text's first sentence, or its caption."""
    text = _plain(text_html) or _plain(caption) or "Untitled"
    return _short(re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0], 80)


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"


def _plain(value: object) -> str:
    """HTML → one line of plain text: a line break or a paragraph becomes a space."""
    return "" if _blank(value) else to_text(_BREAK.sub(" ", str(value)))


def _markdown(value: object) -> str:
    if _blank(value):
        return ""
    # Imported here, not at the top: with BeautifulSoup it costs every other command, every
    # `chronoline build` included, a tenth of a second.
    from markdownify import markdownify

    with warnings.catch_warnings():  # text that looks like a URL makes BeautifulSoup warn
        warnings.simplefilter("ignore")
        return markdownify(str(value), heading_style="ATX", bullets="-").strip()


def _url(value: object, label: str, what: str, notes: list[str]) -> str:
    """An http(s) URL, protocol-relative ones made https; anything else is noted and dropped."""
    text = "" if _blank(value) else str(value).strip()
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



def _blank(value: object) -> bool:
    return value is None or value == {} or value == [] or (isinstance(value, str)
                                                          and not value.strip())


def _drop_blank(data: dict) -> dict:
    """`data` without empty values, nested mappings included."""
    kept = {k: _drop_blank(v) if isinstance(v, dict) else v for k, v in data.items()}
    return {k: v for k, v in kept.items() if not _blank(v)}
