"""The timeline as data: TimelineJS3 JSON, every event as JSON, and an iCalendar file."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import asdict
from html import escape
from urllib.parse import urlsplit

from generator.config import SiteConfig
from generator.dateparts import civil_from_days, days_from_civil, utc_datetime
from generator.dates import PartialDate, Precision
from generator.datetext import DateText
from generator.exportparts import Export, Layout, MadeNow, Part, Parts, Span
from generator.i18n import translations
from generator.markup import absolute_links, is_safe_url, to_text, url_scheme
from generator.model import Event, Timeline
from generator.pages import event_path, public_url
from generator.revisions import history_data

# The parts' types live in exportparts; the modules that write the exports find them here.
__all__ = ["Export", "Layout", "Part", "Parts", "Span", "EXPORT_WARNINGS", "calendar_left_out",
           "events_json", "export_warnings", "icalendar", "timelinejs"]


def timelinejs(timeline: Timeline, config: SiteConfig, parts: Parts | None = None) -> Export:
    """TimelineJS3's JSON format, so a newsroom can embed the same content with TimelineJS."""
    made = parts if parts is not None else MadeNow()
    words = DateText(config.language, config.tzinfo)
    slides = (made.get("timelinejs", event,
                       lambda e: _dumps(_slide(e, config, words)).encode())
              for event in timeline.events)
    head: dict = {"title": {"text": {"headline": escape(config.title),
                                     "text": escape(config.description)}}}
    if cosmological(timeline):
        head["scale"] = "cosmological"
    if eras := [_tl_era(era, config) for era in timelinejs_eras(timeline, config.tzinfo)[0]]:
        head["eras"] = eras
    return _json_with_list(head, "events", slides)


def cosmological(timeline: Timeline) -> bool:
    """True when a year lies beyond what a JavaScript date holds, as TimelineJS checks before
    it switches to its cosmological scale (TimelineConfig._ensureValidScale)."""
    years = (_signed(date.year) for event in (*timeline.events, *timeline.eras)
             for date in (event.date, event.end) if date is not None)
    return any(not -271820 <= year <= 275759 for year in years)


def timelinejs_eras(timeline: Timeline, tz: dt.tzinfo,
                    ) -> tuple[list[Event], list[tuple[Event, Event]]]:
    """The eras TimelineJS can draw, and each other one with the kept era it overlaps: none
    may overlap another (TimelineJS3#229). They are compared as TimelineJS compares them, by
    the first instant of each date, so 600–650 and 650–700 touch and both stay."""
    kept: list[Event] = []
    left: list[tuple[Event, Event]] = []
    last: Event | None = None  # the kept era that ends last
    for era in timeline.eras:  # in order of their start
        if last is not None and era.start < _end_start(last, tz):
            left.append((era, last))
            continue
        kept.append(era)
        last = era if last is None or _end_start(era, tz) > _end_start(last, tz) else last
    return kept, left


def _end_start(era: Event, tz: dt.tzinfo) -> int:
    return (era.end or era.date).earliest(tz)


def _tl_era(era: Event, config: SiteConfig) -> dict:
    start = _tl_date(era.date, config.tzinfo)
    end = _tl_date(era.end or era.date, config.tzinfo)
    if end == start:  # TimelineJS drops an era that ends as it starts (TimelineJS3#838)
        end = _next(end)
    return {"start_date": start, "end_date": end,
            "text": {"headline": escape(era.title), "text": _slide_text(era, config)}}


def _slide(event: Event, config: SiteConfig, words: DateText) -> dict:
    tz = config.tzinfo
    text = {"headline": escape(event.title), "text": _slide_text(event, config)}
    slide: dict = {"unique_id": event.slug, "start_date": _tl_date(event.date, tz),
                   "text": text}
    if event.end:
        slide["end_date"] = _tl_date(event.end, tz)
    # A lane is a row, as a group is in TimelineJS; TimelineJS shows a group as HTML.
    if group := event.lane or (event.tags[0].name if event.tags else ""):
        slide["group"] = escape(group)
    if shown := event.display_date or (words.range(event.date, event.end, event.ongoing)
                                       if _beyond_fields(event) else ""):
        slide["display_date"] = escape(shown)
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


_SPANS = {10: "decade", 100: "century", 1000: "millennium"}  # a year-precise date's span
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
    # times go in the site's time zone, as the site shows them. Its years are historical:
    # -250 is 250 BC.
    local = date.local(tz)
    fields = {"year": _signed(local.year)}
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


def _signed(year: int) -> int:
    """An astronomical year as TimelineJS counts years: 0 is 1 BC, which it writes -1."""
    return year if year >= 1 else year - 1


def _next(fields: dict) -> dict:
    """The TimelineJS date of the period after `fields` (a year, month or day; a time is
    taken as its day)."""
    year, month, day = fields["year"], fields.get("month"), fields.get("day")
    astronomical = year if year >= 1 else year + 1
    if day is not None:
        after = civil_from_days(days_from_civil(astronomical, month or 1, day) + 1)
        return {"year": _signed(after[0]), "month": after[1], "day": after[2]}
    if month is not None:
        return {"year": _signed(astronomical + month // 12), "month": month % 12 + 1}
    return {"year": _signed(astronomical + 1)}


def _beyond_fields(event: Event) -> bool:
    """True when a TimelineJS date cannot say what the event's dates say: a qualifier, a span
    of years, a bound or a range still going on. (Deep time it says itself: on its
    cosmological scale, -66000000 reads "66 million years ago".)"""
    return event.ongoing or any(not date.plain for date in (event.date, event.end)
                                if date is not None)


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
    made = parts if parts is not None else MadeNow()
    records = (made.get("events", event, lambda e: _dumps(_record(e, config)).encode())
               for event in timeline.events)
    head = {"title": config.title, "description": config.description,
            "home_page_url": config.base_url or None,
            "eras": [_record(era, config) for era in timeline.eras]}
    return _json_with_list(head, "events", records)


def _record(event: Event, config: SiteConfig) -> dict:
    record: dict = {
        "slug": event.slug, "title": event.title, "date": event.date.edtf(),
        "precision": _SPANS.get(event.date.years, event.date.precision.name.lower()),
        "qualifier": event.date.qualifier,
        "end": ".." if event.ongoing else event.end.edtf() if event.end else None,
        "tags": [tag.name for tag in event.tags],
        "summary_html": event.summary_html, "body_html": event.body_html,
        "sources": [{"url": s.url, "title": s.title, "publisher": s.publisher,
                     "date": s.date.edtf() if s.date else None,
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
    if event.history is not None:  # from the git history: see history.py
        record["history"] = history_data(event.history)
    return record


def icalendar(timeline: Timeline, config: SiteConfig, parts: Parts | None = None) -> Export:
    """RFC 5545: each event all-day over its period, or timed; stamped with its own date.
    An event a calendar cannot hold (see `in_calendar`) has an empty part."""
    made = parts if parts is not None else MadeNow()
    name = _ics_text(config.title)
    head = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:-//chronoline//{name}//EN",
            "CALSCALE:GREGORIAN", f"X-WR-CALNAME:{name}"]
    heading = translations(config.language).gettext("Sources")  # once: it compiles a catalog
    words = DateText(config.language, config.tzinfo)
    entries = (made.get("icalendar", event, lambda e: _vevent(e, config, heading, words)
                        .encode() if in_calendar(e, config.tzinfo) else b"")
               for event in timeline.events)
    return Export(_lines(head).encode(), entries, _lines(["END:VCALENDAR"]).encode())


def in_calendar(event: Event, tz: dt.tzinfo) -> bool:
    """True when a calendar can hold the event: it begins and is over within the years 1 to
    9999, and neither is open (a bound, or a range still going on)."""
    date, end = event.date, event.end or event.date
    if event.ongoing or date.bound or end.bound:
        return False
    if date.year >= 2 and end.year + end.years <= 9999:  # no time zone moves these out
        return True
    return utc_datetime(date.earliest(tz)) is not None and utc_datetime(end.until(tz)) is not None


def calendar_left_out(timeline: Timeline, config: SiteConfig) -> int:
    """How many events events.ics leaves out."""
    return sum(not in_calendar(event, config.tzinfo) for event in timeline.events)


# How each warning of export_warnings() begins.
EXPORT_WARNINGS = ("timeline.json leaves out ", "events.ics leaves out ")


def export_warnings(timeline: Timeline, config: SiteConfig) -> tuple[str, ...]:
    """What the exports leave out of the timeline, for the build's warnings."""
    lines = [f"timeline.json leaves out the era '{era.title}' ({era.path}, {era.date.edtf()}/"
             f"{(era.end or era.date).edtf()}): it overlaps '{other.title}', and TimelineJS "
             "cannot draw eras that overlap"
             for era, other in timelinejs_eras(timeline, config.tzinfo)[1]]
    if left := calendar_left_out(timeline, config):
        lines.append(f"events.ics leaves out {left} event{'' if left == 1 else 's'} a calendar "
                     "cannot hold (dates before year 1 or after 9999, open or ongoing ranges)")
    return tuple(lines)


def _vevent(event: Event, config: SiteConfig, heading: str, words: DateText) -> str:
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
    if _beyond_fields(event):  # an all-day span cannot say "c. 1200" or "1990s": the text does
        text = f"{event.display_date or words.range(event.date, event.end)}\n\n{text}"
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
    moment = utc_datetime(instant)
    assert moment is not None, "in_calendar() keeps out what a calendar cannot hold"
    return moment


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
