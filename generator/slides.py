"""One TimelineJS slide → the fields of one event file, each thing left out noted."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from urllib.parse import quote, urlsplit

from generator.content import COLOR
from generator.dates import DateError, parse_date
from generator.fieldreader import NOT_IN_URLS
from generator.importformats import PARTS, blank
from generator.importmedia import is_path
from generator.importvalues import (
    clean,
    kind_of,
    mapping,
    mapping_or_empty,
    plain,
    removed_note,
    scalar,
    short,
    slide_label,
)
from generator.slidetext import to_markdown
from generator.slugs import slugify

_READ = {"start_date", "end_date", "text", "media", "group", "display_date", "background",
         "unique_id"}  # slide keys with a place in an event file; the rest goes to `extra`
_ERA_KEYS = {"start_date", "end_date", "text"}  # all a TimelineJS era has
MAX_SLIDE_CHARS = 100_000  # in all of a slide's text; a spreadsheet cell holds at most 50,000
MAX_NAME = 100  # a group or unique_id becomes a folder name, which a file system bounds
# Longer, these are no longer a headline, a date shown or a caption, and a page shows them whole.
MAX_TITLE, MAX_DISPLAY_DATE, MAX_CAPTION = 300, 100, 1_000
_IFRAME_SOURCE = re.compile(r"""<iframe\b[^<>]*?\ssrc\s*=\s*(["'])([^"'<>]*)\1""", re.I)


@dataclass(frozen=True)
class Slide:
    """One slide as event-file fields: dates as text a build reads, text as Markdown; an
    era's `kind` is "era"."""

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
    kind: str = ""


class Skip(Exception):
    """Why a slide, or a part of one, cannot be carried over."""


def read_title_slide(raw: object, notes: list[str]) -> dict:
    if not isinstance(raw, dict):
        if not blank(raw):
            notes.append(f"the title slide was left out: it is {kind_of(raw)}, not a mapping "
                         "of fields")
        return {}
    title, removed, size = clean(raw)
    if size > MAX_SLIDE_CHARS:
        notes.append(f"the title slide was left out: it holds {size:,} characters of text; "
                     f"chronoline imports at most {MAX_SLIDE_CHARS:,} from one slide")
        return {}
    if removed:
        notes.append(f"the title slide: {removed_note(removed)}")
    for part in ("media", "background"):
        if not blank(mapping_or_empty(title.get(part)).get("url")):
            notes.append(f"the title slide's {part} was left out: the site's title is text only")
    return title


def read_slide(raw: object, notes: list[str], local: Mapping[str, str] | None = None) -> Slide:
    """One slide as an event; `local` maps a media path beside the timeline to the address of
    its copy in the site."""
    if not isinstance(raw, dict):
        raise Skip(f"it is {kind_of(raw)}, not a mapping of fields")
    label = slide_label(raw)
    date, start_extra = _date(raw.get("start_date"), label, notes)
    text, media, background = (mapping(raw, key, label, notes)
                               for key in ("text", "media", "background"))
    shown = scalar(raw.get("display_date"), label, "display_date", notes) \
        or scalar(start_extra.pop("display_date", None), label, "display_date", notes)
    extra = {key: value for key, value in raw.items() if key not in _READ}
    extra.update(start_date=start_extra, text=_other(text, "headline", "text"),
                 background=_other(background, "url", "color"))
    body = _markdown(scalar(text.get("text"), label, "text", notes), label, notes)
    title = plain(scalar(text.get("headline"), label, "headline", notes))
    if not title:
        title = _fallback_title(text.get("text"), media.get("caption"))
        notes.append(f"the slide of {date} has no headline; it was titled '{title}'")
    elif len(title) > MAX_TITLE:
        title = short(title, MAX_TITLE)
        notes.append(f"{label}: its headline was shortened to {MAX_TITLE} characters")
    shown = _bounded(plain(shown), MAX_DISPLAY_DATE, label, "display_date", notes)
    slide = Slide(title, date, display_date=shown, body=body,
                  slug=slugify(_name(raw.get("unique_id"), label, "unique_id", notes)))
    slide = _end(slide, raw.get("end_date"), extra, label, notes)
    if group := _name(raw.get("group"), label, "group", notes):
        slide = replace(slide, tags=(group,))
    slide = _media(slide, media, extra, label, notes, local or {})
    color = plain(scalar(background.get("color"), label, "background colour", notes))
    if color and not COLOR.fullmatch(color):
        notes.append(f"{label}: its background colour '{short(color)}' was left out: "
                     "not a colour")
        color = ""
    backdrop = _drop_blank({"url": _url(background.get("url"), label, "background", notes),
                            "color": color})
    return replace(slide, background=backdrop or None, extra=_drop_blank(extra) or None)


def read_era(raw: object, notes: list[str]) -> Slide:
    """One TimelineJS era as an era file: its headline, text, start and end; an era needs
    both dates, as TimelineJS draws it from one to the other."""
    if not isinstance(raw, dict):
        raise Skip(f"it is {kind_of(raw)}, not a mapping of fields")
    label = slide_label(raw)
    date, _ = _date(raw.get("start_date"), label, notes)
    text = mapping(raw, "text", label, notes)
    title = plain(scalar(text.get("headline"), label, "headline", notes))
    title = short(title, MAX_TITLE) if title else f"Era from {date}"
    era = Slide(title, date, kind="era",
                body=_markdown(scalar(text.get("text"), label, "text", notes), label, notes))
    era = _end(era, raw.get("end_date"), {}, label, notes)
    if not era.end:
        raise Skip("an era needs an end date")
    if left := sorted(str(key) for key, value in raw.items()
                      if key not in _ERA_KEYS and not blank(_drop_blank({0: value}).get(0))):
        notes.append(f"era {label}: its {', '.join(short(key, 20) for key in left)} "
                     f"{'was' if len(left) == 1 else 'were'} left out: an era has a title, "
                     "dates and text")
    return era


def _end(slide: Slide, raw: object, extra: dict, label: str, notes: list[str]) -> Slide:
    """`slide` with the end date `raw`, when it is one and does not end before the start."""
    end = _drop_blank(raw) if isinstance(raw, dict) else raw
    try:
        if blank(end):
            return slide
        iso, extra["end_date"] = _date(end, label, notes)
        if parse_date(iso, dt.UTC).ends_before(parse_date(slide.date, dt.UTC), dt.UTC):
            raise Skip(f"{iso} ends before {slide.date} begins")
        return replace(slide, end=iso)
    except Skip as exc:
        notes.append(f"{label}: its end date was left out: {exc}")
        return slide


def _media(slide: Slide, media: dict, extra: dict, label: str, notes: list[str],
           local: Mapping[str, str]) -> Slide:
    """The slide's media as the event's `media`; what cannot be (a file not found, an address
    that is not http(s), an embed) keeps its caption, credit and alt text under `extra`, where
    timeline.json gives them back, and a quotation becomes part of the text."""
    embed = str(scalar(media.get("url"), label, "media", notes) or "").strip()
    caption = scalar(media.get("caption"), label, "media caption", notes)
    credit = scalar(media.get("credit"), label, "media credit", notes)
    alt = scalar(media.get("alt"), label, "media alt text", notes)
    if embed.startswith("<blockquote"):  # TimelineJS shows such "media" as a quotation
        quote_text = _markdown(embed, label, notes)
        if not quote_text.startswith(">"):  # HTML that is not a <blockquote> after all
            quote_text = "\n".join("> " + line if line else ">"
                                   for line in quote_text.splitlines())
        said = " — ".join(filter(None, (_markdown(caption, label, notes),
                                        _markdown(credit, label, notes))))
        extra["media"] = _other(media, "url", "caption", "credit")
        return replace(slide, body="\n\n".join(filter(None, (slide.body, quote_text, said))))
    if is_path(embed):  # a file beside the timeline: copied and named in `local`, or not found
        url = local.get(embed, "")
    elif embed.startswith("<"):
        url = _embed_source(embed, label, notes)
    else:
        url = _url(embed, label, "media", notes)
    if not url:
        extra["media"] = media if is_path(embed) else _other(media, "url")
        return slide
    extra["media"] = _other(media, "url", "caption", "credit", "alt")
    return replace(slide, media=_drop_blank({
        "url": url,
        "caption": _bounded(_markdown(caption, label, notes), MAX_CAPTION, label,
                            "media caption", notes),
        "credit": _bounded(_markdown(credit, label, notes), MAX_CAPTION, label,
                           "media credit", notes),
        "alt": _bounded(plain(alt) or plain(caption), MAX_CAPTION, label, "media alt text",
                        notes)}))


def _embed_source(embed: str, label: str, notes: list[str]) -> str:
    """An HTML embed's http(s) address (an `<iframe src>`), which the event links to; the
    embed's code itself is never carried over."""
    found = _IFRAME_SOURCE.search(embed)
    url = _url(html.unescape(found.group(2)), label, "media", []) if found else ""
    notes.append(f"{label}: its media, an HTML embed ('{short(embed)}'), "
                 + (f"became a link to {short(url)}" if url else "was left out"))
    return url


def _bounded(text: str, limit: int, label: str, what: str, notes: list[str]) -> str:
    if len(text) <= limit:
        return text
    notes.append(f"{label}: its {what} was left out: it is longer than {limit:,} characters")
    return ""


def _date(raw: object, label: str, notes: list[str]) -> tuple[str, dict]:
    """A TimelineJS date object → event-file text exactly as precise as it was (a year
    before 1 as TimelineJS counts it: -250 is 250 BC), and its other keys."""
    if not isinstance(raw, dict):
        raise Skip("it has no date" if blank(raw) else f"{short(repr(raw))} is not a date")
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
            raise Skip(f"its {part} {short(repr(number))} is not a whole number") from None
    if not values:
        raise Skip("its date has no year")
    others = {k: v for k, v in raw.items() if k not in PARTS}
    if values[0] == 0:
        raise Skip("TimelineJS's year 0 is no year: 1 BC is followed by AD 1")
    if not 1 <= values[0] <= 9998:
        text, kept = _historical(values)
        if left := PARTS[kept:len(values)]:
            # Kept under extra, so that timeline.json gives TimelineJS the same slide back.
            others.update((part, raw[part]) for part in left)
            notes.append(f"{label}: its {' and '.join(left)} {'was' if len(left) == 1 else 'were'}"
                         f" left out: chronoline keeps {_KEPT[kept]} for a year before 1 or "
                         "after 9998")
    else:
        text = f"{values[0]:04d}" + "".join(f"-{value:02d}" for value in values[1:3])
        if len(values) > 3:  # a time: minutes always, seconds when the slide gave them
            clock = (values[3:] + [0])[: max(2, len(values) - 3)]
            text += "T" + ":".join(f"{value:02d}" for value in clock)
    try:
        parse_date(text, dt.UTC)
    except DateError as exc:
        raise Skip(short(str(exc), 200)) from None
    return text, others


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
_KEPT = {1: "the year alone", 2: "the month but no day", 3: "the day but no time"}


def _historical(values: list[int]) -> tuple[str, int]:
    """A year TimelineJS counts as history does, as a build reads it, and how many of the
    date's parts that keeps: a year alone as the number (`-250`, `12000`), a month or a day
    of a year BC in words (`15 March 250 BC`), which a site in any language reads."""
    year = values[0]
    if year > 9998 or len(values) == 1:
        return str(year), 1
    if not 1 <= values[1] <= 12:
        raise Skip(f"its month {values[1]} is not a month")
    month = f"{_MONTHS[values[1] - 1]} {-year} BC"
    return (month, 2) if len(values) == 2 else (f"{values[2]} {month}", 3)


def _name(value: object, label: str, what: str, notes: list[str]) -> str:
    """A group or unique_id as plain text, if it makes a URL; else "" (and a note)."""
    text = plain(scalar(value, label, what, notes))
    slug = slugify(text)
    if text and not slug:
        notes.append(f"{label}: its {what} '{short(text)}' was left out: it has no letters "
                     "or digits")
        return ""
    if max(len(text), len(slug)) > MAX_NAME:
        notes.append(f"{label}: its {what} '{short(text)}' was left out: it is longer than "
                     f"{MAX_NAME} characters, as written or in a URL")
        return ""
    return text


def _fallback_title(text_html: object, caption: object) -> str:
    """A title for a slide without a headline: its text's first sentence, or its caption."""
    text = plain(text_html) or plain(caption) or "Untitled"
    return short(re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0], 80)


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
        notes.append(f"{label}: its {what} '{short(text)}' was left out: not an http(s) link")
    return ""


def _other(data: dict, *known: str) -> dict:
    return {key: value for key, value in data.items() if key not in known}


def _drop_blank(data: dict) -> dict:
    """`data` without empty values, nested mappings included."""
    kept = {k: _drop_blank(v) if isinstance(v, dict) else v for k, v in data.items()}
    return {k: v for k, v in kept.items() if not blank(v)}
