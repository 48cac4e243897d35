"""The timeline as data: TimelineJS3 JSON, every event as JSON, and an iCalendar file."""

from __future__ import annotations

import datetime as dt
import json
import re
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from html import escape
from typing import NamedTuple, Protocol
from urllib.parse import urlsplit

from generator.config import SiteConfig
from generator.dateparts import utc_datetime
from generator.dates import PartialDate, Precision
from generator.i18n import translations
from generator.markup import absolute_links, is_safe_url, to_text, url_scheme
from generator.model import Event, Timeline
from generator.pages import event_path, public_url


class Span(NamedTuple):
    """An event's part as the file the last build wrote holds it, to copy from there."""

    start: int
    size: int


Part = bytes | Span


@dataclass(frozen=True)
class Layout:
    """Where each event's part lies in an export file, in the timeline's order."""

    starts: array  # of "q": the byte each part starts at
    sizes: array  # of "q"

    def span(self, position: int) -> Span:
        return Span(self.starts[position], self.sizes[position])


class Parts(Protocol):
    """Where the exports get each event's part: made now, kept from the last render (the dev
    server's memo.PerObject), or copied from the file the last build wrote (exportstaging.Reuse)."""

    def get(self, kind: str, event: Event, make: Callable[[Event], bytes]) -> Part: ...


class _MadeNow:
    """Every part made as it is needed, and none kept."""

    def get(self, kind: str, event: Event, make: Callable[[Event], bytes]) -> Part:
        return make(event)


@dataclass(frozen=True)
class Export:
    """A data file as it is written: its head, then each event's part in the timeline's order,
    one at a time, `between` them, then its tail. At 100,000 events an export is hundreds of
    megabytes: its parts are made as the file is written, and none need be kept. So they can
    be gone through once only: one Export is one file written, or joined."""

    head: bytes
    parts: Iterable[Part]
    tail: bytes
    between: bytes = b""

    def join(self) -> bytes:
        """The whole file, from parts that are all bytes."""
        # One join of every piece: each `+` of hundreds of megabytes would copy them again.
        pieces = [self.head]
        for part in self.parts:
            if not isinstance(part, bytes):
                raise ValueError("a part kept in a file cannot be joined")
            pieces += (part, self.between)
        if len(pieces) > 1:
            pieces.pop()  # nothing between the last part and the tail
        pieces.append(self.tail)
        return b"".join(pieces)


def timelinejs(timeline: Timeline, config: SiteConfig, parts: Parts | None = None) -> Export:
    """TimelineJS3's JSON format, so a newsroom can embed the same content with TimelineJS."""
    made = parts if parts is not None else _MadeNow()
    slides = (made.get("timelinejs", event, lambda e: _dumps(_slide(e, config)).encode())
              for event in timeline.events)
    title = {"text": {"headline": escape(config.title), "text": escape(config.description)}}
    return _json_with_list({"title": title}, "events", slides)


def _slide(event: Event, config: SiteConfig) -> dict:
    tz = config.tzinfo
    text = {"headline": escape(event.title), "text": _slide_text(event, config)}
    slide: dict = {"unique_id": event.slug, "start_date": _tl_date(event.date, tz),
                   "text": text}
    if event.end:
        slide["end_date"] = _tl_date(event.end, tz)
    if event.tags:
        slide["group"] = escape(event.tags[0].name)  # TimelineJS shows a group as HTML
    if event.display_date:
        slide["display_date"] = escape(event.display_date)
    if event.media:
        slide["media"] = _media(event, config)
    if event.background:
        slide["background"] = {k: v for k, v in asdict(event.background).items() if v}
    # What an imported slide carried beyond chronoline's fields goes back where it was,
    # inside chronoline's own mappings too (a media thumbnail, a date's format).
    for key, value in _extra(event).items():
        if isinstance(value, dict) and isinstance(slide.get(key), dict):
            slide[key] = {**value, **slide[key]}
        else:
            slide.setdefault(key, value)
    return slide


_URL_KEY = re.compile(r"(?:url|link|href|src|thumbnail)$", re.IGNORECASE)
_SCRIPT_SCHEMES = ("javascript", "vbscript", "data")
_LEFT_OUT = object()


def _extra(event: Event) -> dict:
    """What an imported slide carried beyond chronoline's fields, with nothing TimelineJS or a
    reader of the data could run: text that would be HTML is escaped, and an address that is
    not http(s), mailto, tel or relative is left out."""
    if not event.extra:
        return {}
    kept = _inert(json.loads(event.extra), "")
    return kept if isinstance(kept, dict) else {}


def _inert(value: object, key: str) -> object:
    if isinstance(value, dict):
        pairs = ((k, _inert(v, k)) for k, v in value.items())
        return {k: v for k, v in pairs if v is not _LEFT_OUT}
    if isinstance(value, list):
        return [v for v in (_inert(item, key) for item in value) if v is not _LEFT_OUT]
    if not isinstance(value, str):
        return value
    if not is_safe_url(value) and (_URL_KEY.search(key) or url_scheme(value) in _SCRIPT_SCHEMES):
        return _LEFT_OUT
    return escape(value, quote=False) if "<" in value else value


def _media(event: Event, config: SiteConfig) -> dict:
    media = event.media
    assert media is not None
    # A file under content/ by its absolute address; without a base URL, by its path from the
    # site's root, where these files are. Links in the caption, written for the event's
    # page, are made absolute as the slide's text is.
    url = config.base_url + media.url if media.local and config.base_url else media.url
    base = public_url(config, event_path(event))
    caption, credit = ((absolute_links(media.caption_html, base),
                        absolute_links(media.credit_html, base)) if base
                       else (media.caption_html, media.credit_html))
    data = {"url": url, "caption": caption, "credit": credit}
    if media.alt:
        data["alt"] = media.alt
    return {key: value for key, value in data.items() if value}


def _tl_date(date: PartialDate, tz: dt.tzinfo) -> dict:
    # TimelineJS shows a date as precise as the fields it is given, in the reader's clock:
    # times go in the site's time zone, as the site shows them.
    local = date.local(tz)
    fields = {"year": local.year}
    if local.month:
        fields["month"] = local.month
    if local.day:
        fields["day"] = local.day
    if local.moment is not None:
        moment = local.moment.astimezone(tz)
        fields.update(hour=moment.hour, minute=moment.minute)
        if moment.second or date.seconds_written:
            fields["second"] = moment.second
    return fields


def _slide_text(event: Event, config: SiteConfig) -> str:
    items = "".join(f'<li><a href="{escape(s.url)}">{escape(s.publisher or s.title or s.url)}'
                    "</a></li>" for s in event.sources)
    # The whole text, which begins with the summary unless the author wrote one apart.
    text = event.body_html.strip() or (f"<p>{event.summary_html}</p>" if event.summary_html
                                        else "")
    text += f'<ul class="sources">{items}</ul>' if items else ""
    base = public_url(config, event_path(event))
    return absolute_links(text, base) if base else text


def events_json(timeline: Timeline, config: SiteConfig, parts: Parts | None = None) -> Export:
    """Every published event with all its fields, for anyone who wants the data."""
    made = parts if parts is not None else _MadeNow()
    records = (made.get("events", event, lambda e: _dumps(_record(e, config)).encode())
               for event in timeline.events)
    head = {"title": config.title, "description": config.description,
            "home_page_url": config.base_url or None}
    return _json_with_list(head, "events", records)


def _record(event: Event, config: SiteConfig) -> dict:
    record: dict = {
        "slug": event.slug, "title": event.title, "date": event.date.iso(),
        "precision": event.date.precision.name.lower(),
        "end": event.end.iso() if event.end else None,
        "tags": [tag.name for tag in event.tags],
        "summary_html": event.summary_html, "body_html": event.body_html,
        "sources": [{"url": s.url, "title": s.title, "publisher": s.publisher,
                     "date": s.date.iso() if s.date else None,
                     "archive_url": s.archive_url} for s in event.sources],
        "source_file": event.path,
        "display_date": event.display_date or None,
        "media": _media(event, config) if event.media else None,
        "background": asdict(event.background) if event.background else None,
        "extra": _extra(event) or None,
    }
    url = public_url(config, event_path(event))
    if url:
        record["url"] = url
    return record


def icalendar(timeline: Timeline, config: SiteConfig, parts: Parts | None = None) -> Export:
    """RFC 5545: each event all-day over its period, or timed; stamped with its own date."""
    made = parts if parts is not None else _MadeNow()
    name = _ics_text(config.title)
    head = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:-//chronoline//{name}//EN",
            "CALSCALE:GREGORIAN", f"X-WR-CALNAME:{name}"]
    heading = translations(config.language).gettext("Sources")  # once: it compiles a catalog
    entries = (made.get("icalendar", event, lambda e: _vevent(e, config, heading).encode())
               for event in timeline.events if in_calendar(event, config.tzinfo))
    return Export(_lines(head).encode(), entries, _lines(["END:VCALENDAR"]).encode())


def in_calendar(event: Event, tz: dt.tzinfo) -> bool:
    """Whether a calendar can hold the event: its days, in the site's time zone, and the day
    after its last (an all-day event's end), in the years 1 to 9999. Others are left out of
    `events.ics`."""
    first, last = event.date.local(tz), (event.end or event.date).local(tz)
    return first.year >= 1 and (last.year + last.years - 1, last.month or 12,
                                last.day or 31) < (9999, 12, 31)


def _vevent(event: Event, config: SiteConfig, heading: str) -> str:
    tz = config.tzinfo
    host = urlsplit(config.base_url).hostname or "chronoline.invalid"
    lines: list[str] = []
    lines += ["BEGIN:VEVENT", f"UID:{event.slug}@{host}",
              f"DTSTAMP:{_utc(event.date.earliest(tz))}"]
    if event.date.precision is Precision.TIME:
        lines.append(f"DTSTART:{_utc(event.date.earliest(tz))}")
        if event.end:
            lines.append(f"DTEND:{_utc(event.end.until(tz))}")
    else:
        first = _moment(event.date.earliest(tz)).astimezone(tz).date()
        # DTEND is the day after the last day, and never before the day after DTSTART.
        after = _moment((event.end or event.date).until(tz)).astimezone(tz)
        last = after.date() if after.time() == dt.time(0) else after.date() + dt.timedelta(1)
        lines.append(f"DTSTART;VALUE=DATE:{_ics_day(first)}")
        lines.append(f"DTEND;VALUE=DATE:{_ics_day(max(last, first + dt.timedelta(1)))}")
    lines.append(f"SUMMARY:{_ics_text(event.title)}")
    text = to_text(event.summary_html)
    if event.sources:
        text += f"\n\n{heading}:\n" + "\n".join(s.url for s in event.sources)
    lines.append(f"DESCRIPTION:{_ics_text(text.strip())}")
    url = public_url(config, event_path(event))
    if url:
        lines.append(f"URL:{url}")
    if event.tags:
        lines.append("CATEGORIES:" + ",".join(_ics_text(t.name) for t in event.tags))
    lines.append("END:VEVENT")
    return _lines(lines)


def _lines(lines: list[str]) -> str:
    return "".join(_fold(line) + "\r\n" for line in lines)


def _moment(instant: int) -> dt.datetime:
    # A calendar holds the years 1 to 9999; an instant before them counts from the first.
    return utc_datetime(instant) or dt.datetime.min.replace(tzinfo=dt.UTC)


def _utc(instant: int) -> str:
    utc = _moment(instant)
    return f"{_ics_day(utc)}T{utc:%H%M%S}Z"


def _ics_day(day: dt.date) -> str:
    # Not strftime's %Y, which writes the year 1 as "1": a calendar date has four digits.
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def _ics_text(value: str) -> str:
    """TEXT escaping of RFC 5545 3.3.11."""
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on lines that start with a space (RFC 5545 3.1),
    never splitting a UTF-8 character."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    parts, start, limit = [], 0, 75
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:  # inside a character
            end -= 1
        parts.append(data[start:end].decode("utf-8"))
        start, limit = end, 74
    return "\r\n ".join(parts)


def _dumps(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _json_with_list(head: dict, key: str, items: Iterator[Part]) -> Export:
    """A JSON object of `head` and a list under `key` made of items already encoded, one line
    each, so that each item can be kept from the previous build."""
    start = "{" + "".join(f"{_dumps(k)}:{_dumps(v)},\n" for k, v in head.items())
    return Export(f"{start}{_dumps(key)}:[\n".encode(), items, b"\n]}\n", b",\n")
