"""Reading the fields of a document's front matter: text, dates, links and mappings, each
problem collected with its file, line and field before any is raised."""

from __future__ import annotations

import datetime as dt
import difflib
import json
import math
import re
from pathlib import PurePosixPath
from urllib.parse import urlsplit

import yaml

from generator.dates import (
    DATE_FORMS,
    DateError,
    MonthNames,
    PartialDate,
    When,
    circa,
    parse_date,
    parse_when,
)
from generator.errors import ContentError, quoted, shortened
from generator.frontmatter import Document, Value
from generator.model import Background, Source, Tag
from generator.slugs import slugify

PRESENT = ("present", "heden", "now")  # `end:` of a range still going on
NOT_IN_URLS = re.compile(r"[\s<>\"{}|\\^`]")
# The longest text each field may hold: bounds far above any real value, like content's others,
# so that one file cannot fill a page (the README's limits give the same numbers).
MAX_SLUG_LENGTH = 100  # a slug is a folder name; file systems stop at 255 bytes
MAX_TAGS = 100  # each tag is a page listing the event: tags × events is the site's size
MAX_SOURCES = 100  # every listing of the event shows them all
MAX_TAG_LENGTH = 100
BACKGROUND_KEYS = ("url", "color")
SOURCE_KEYS = ("url", "title", "publisher", "date", "archive_url")
MAX_TEXT = {"title": 500, "display_date": 200, "summary": 5_000, "slug": MAX_SLUG_LENGTH,
            "publisher": 500, "caption": 2_000, "credit": 2_000, "alt": 2_000,
            "color": 100, "url": 2_000, "archive_url": 2_000, "lane": 100}


# A background colour: hex, or a colour name (letters only, so it is safe in a style attribute).
COLOR = re.compile(r"#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,20}")


class FieldReader:
    """Checks one document's fields, collecting every problem before raising."""

    def __init__(self, path: str, document: Document, tz: dt.tzinfo, months: MonthNames,
                 shared: dict) -> None:
        self.path = path
        self.doc = document
        self.fields = document.fields
        self.tz = tz
        self.months = months
        self.shared = shared
        self.errors: list[ContentError] = []

    def error(self, field: str, message: str, line: int | None) -> None:
        self.errors.append(ContentError(self.path, message, line, field))

    def line(self, key: str) -> int | None:
        value = self.fields.get(key)
        return value.line if value else None

    def text(self, key: str, required: bool = False, fields: dict | None = None,
             prefix: str = "") -> str:
        value: Value | None = (fields if fields is not None else self.fields).get(key)
        blank = isinstance(value.data, str) and not value.data.strip() if value else True
        if value is None or value.is_null or blank:
            if required:
                line = value.line if value else self.doc.body_line - 1
                self.error(key, f"is missing; add a line '{key}: ...' to the front matter", line)
            return ""
        if not isinstance(value.data, str):
            self.error(key, "must be plain text, not a list or mapping", value.line)
            return ""
        text = value.data.strip()
        if len(text) > MAX_TEXT.get(key, len(text)):
            self.error(prefix + key, f"is {len(text):,} characters long; at most "
                       f"{MAX_TEXT[key]:,}: shorten it", value.line)
            return ""
        return text

    def date(self, key: str, required: bool = False, fields: dict | None = None,
             prefix: str = "") -> PartialDate | None:
        fields = fields if fields is not None else self.fields
        raw = self.text(key, required=required, fields=fields)
        if not raw:
            return None
        try:
            return parse_date(raw, self.tz, self.months)
        except DateError as exc:
            self.error(prefix + key, f"{exc}; write it as {DATE_FORMS}; see docs/dates.md",
                       fields[key].line)
            return None

    def when(self) -> When | None:
        """An event's time: `date:` (a date, or an EDTF interval `1990/1995`, `2020/..`),
        `end:` (a date, or `present` for what is still going on) and `circa: true`."""
        raw = self.text("date", required=True)
        if not raw:
            return None
        try:
            date, end, ongoing = parse_when(raw, self.tz, self.months)
        except DateError as exc:
            self.error("date", f"{exc}; write it as {DATE_FORMS}; see docs/dates.md",
                       self.line("date"))
            return None
        written_end = self.text("end")
        if written_end and (end is not None or ongoing):
            self.error("end", f"the date {quoted(raw)} is a range with its end already; "
                       "remove 'end:', or write one date in 'date:'", self.line("end"))
        elif written_end.casefold() in PRESENT:
            ongoing = True
        elif written_end:
            end = self.date("end")
            if end is not None and end.bound:
                self.error("end", f"{quoted(written_end)} is no end: write the date it ends",
                           self.line("end"))
                end = None
        if self.flag("circa"):
            date, end = circa(date), end and circa(end)
        if end is not None and end.ends_before(date, self.tz):
            self.error("end", f"{end.edtf()} ends before the date {date.edtf()} begins",
                       self.line("end"))
        return When(date, end, ongoing)

    def flag(self, key: str) -> bool:
        """A field that is true or false, such as `draft: true`."""
        value = self.fields.get(key)
        if value is None or value.is_null:
            return False
        if not value.tag.endswith(":bool"):
            self.error(key, f"must be true or false, not {quoted(value.data)}", value.line)
            return False
        return str(value.data).lower() in ("true", "yes", "on")

    def mapping(self, key: str, known: tuple[str, ...]) -> dict[str, Value] | None:
        value = self.fields.get(key)
        if value is None or value.is_null:
            return None
        if not isinstance(value.data, dict):
            self.error(key, f"must be a mapping of {', '.join(known)}", value.line)
            return None
        for name, sub in value.data.items():
            if name not in known:
                self.error(f"{key}.{shortened(name)}", "unknown key"
                           + did_you_mean(name, known), sub.line)
        return value.data

    def url(self, entry: dict[str, Value], key: str, field: str, line: int | None,
            required: bool = False) -> str:
        value = entry.get(key)
        if value is None or value.is_null or not str(value.data).strip():
            if required:
                self.error(f"{field}.{key}", "is missing; add 'url: https://...'", line)
            return ""
        text = str(value.data).strip()
        if len(text) > MAX_TEXT[key]:
            self.error(f"{field}.{key}", f"is {len(text):,} characters long; a link may have at "
                       f"most {MAX_TEXT[key]:,}", value.line)
            return ""
        parts = urlsplit(text)
        if not isinstance(value.data, str) or parts.scheme.lower() not in ("http", "https") \
                or not parts.hostname:
            self.error(f"{field}.{key}", f"{quoted(text)} is not an http(s) link; "
                       "write the full address, starting with https://", value.line)
            return ""
        if bad := NOT_IN_URLS.search(text):
            shown = "a space" if bad.group().isspace() else repr(bad.group())
            self.error(f"{field}.{key}", f"{quoted(text)} holds {shown}, which a link cannot; "
                       f"write it as %{ord(bad.group()):02X}", value.line)
            return ""
        return text


def did_you_mean(key: str, known: tuple[str, ...]) -> str:
    match = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    if match:
        return f"; did you mean '{match[0]}'?"
    return "; known keys: " + ", ".join(known)


class EntryReader(FieldReader):
    """The fields an event file shares with any entry of a timeline: its tags, sources, slug,
    background, draft mark and extra data."""

    def tags(self) -> tuple[Tag, ...]:
        value = self.fields.get("tags")
        if value is None or value.is_null:
            return ()
        items = [value] if isinstance(value.data, str) else value.data
        if not isinstance(items, list):
            self.error("tags", "must be a list, such as 'tags: [uk, huawei]'", value.line)
            return ()
        if len(items) > MAX_TAGS:
            self.error("tags", f"{len(items):,} tags; an event may have at most {MAX_TAGS}, "
                       "since each tag's page lists the event", value.line)
            return ()
        tags: dict[str, Tag] = {}
        for item in items:
            if not isinstance(item.data, str) or not item.data.strip():
                self.error("tags", "each tag must be a word or words, such as 'uk'", item.line)
                continue
            name = item.data.strip()
            slug = slugify(name)
            if len(name) > MAX_TAG_LENGTH:
                self.error("tags", f"{quoted(name)} is too long for a tag: at most "
                           f"{MAX_TAG_LENGTH} characters", item.line)
                continue
            if len(slug) > MAX_SLUG_LENGTH:  # a letter of some scripts is several in a URL
                self.error("tags", f"{quoted(name)} makes a URL name of {len(slug):,} "
                           f"characters; at most {MAX_SLUG_LENGTH}: shorten it", item.line)
                continue
            if not slug:
                self.error("tags", f"{quoted(name)} has no letters or digits to use in a URL",
                           item.line)
                continue
            if slug in tags and tags[slug].name != name:
                self.error("tags", f"{quoted(name)} and {quoted(tags[slug].name)} would share "
                           f"the page tags/{slug}/; rename one of them", item.line)
            tag = Tag(name, slug)
            tags.setdefault(slug, self.shared.setdefault(tag, tag))
        return tuple(tags.values())

    def sources(self) -> tuple[Source, ...]:
        value = self.fields.get("sources")
        if value is None or value.is_null:
            return ()
        if not isinstance(value.data, list):
            self.error("sources", "must be a list of '- url: ...' entries", value.line)
            return ()
        if len(value.data) > MAX_SOURCES:
            self.error("sources", f"{len(value.data):,} sources; an event may have at most "
                       f"{MAX_SOURCES}", value.line)
            return ()
        sources = []
        for number, item in enumerate(value.data, start=1):
            field = f"sources[{number}]"
            if isinstance(item.data, str):  # a bare URL is a source with only a URL
                item = Value({"url": item}, item.line)
            if not isinstance(item.data, dict):
                self.error(field, "must be a mapping with at least 'url:'", item.line)
                continue
            entry: dict[str, Value] = item.data
            for key, sub in entry.items():
                if key not in SOURCE_KEYS:
                    self.error(f"{field}.{shortened(key)}", "unknown key"
                               + did_you_mean(key, SOURCE_KEYS),
                               sub.line)
            url = self.url(entry, "url", field, item.line, required=True)
            archive = self.url(entry, "archive_url", field, item.line)
            date = self.date("date", fields=entry, prefix=f"{field}.")
            title = self.text("title", fields=entry, prefix=f"{field}.")
            publisher = self.text("publisher", fields=entry, prefix=f"{field}.")
            publisher = self.shared.setdefault(publisher, publisher)
            if url:
                sources.append(Source(url, title, publisher, date, archive, item.line))
        return tuple(sources)

    def background(self) -> Background | None:
        entry = self.mapping("background", BACKGROUND_KEYS)
        if entry is None:
            return None
        url = self.url(entry, "url", "background", self.line("background"))
        color = self.text("color", fields=entry, prefix="background.")
        if color and not COLOR.fullmatch(color):
            self.error("background.color", f"{quoted(color)} is not a colour; write it as "
                       "#1a2b3c or a colour name such as navy", entry["color"].line)
            color = ""
        return Background(url, color) if url or color else None

    def extra(self) -> str:
        value = self.fields.get("extra")
        if value is None or value.is_null:
            return ""
        if not isinstance(value.data, dict):
            self.error("extra", "must be a mapping", value.line)
            return ""
        problems: list[tuple[Value, str]] = []
        plain = _plain(value, problems)
        for bad, why in problems:
            self.error("extra", f"{quoted(bad.data)} {why}; write it as text, in quotes, or "
                       "leave it out", bad.line)
        return json.dumps(plain, ensure_ascii=False, sort_keys=True) if not problems else ""

    def slug(self) -> str:
        value = self.fields.get("slug")
        written = self.text("slug")
        if written and value is not None:
            if "/" in written or "\\" in written or ".." in written:
                self.error("slug", f"{quoted(written)} would leave the output folder; "
                           "use letters, digits and hyphens only", value.line)
                return ""
            slug = slugify(written)
            if len(slug) > MAX_SLUG_LENGTH:
                self.error("slug", f"{quoted(written)} makes a URL name of {len(slug):,} "
                           f"characters; at most {MAX_SLUG_LENGTH}: shorten it", value.line)
                return ""
            if not slug:
                self.error("slug", f"{quoted(written)} has no letters or digits to use in a URL",
                           value.line)
            return slug
        slug = slugify(PurePosixPath(self.path).stem)
        if len(slug) > MAX_SLUG_LENGTH:
            self.error("slug", f"the file name makes a slug of {len(slug):,} characters; at "
                       f"most {MAX_SLUG_LENGTH}: rename the file or add 'slug: ...'", None)
            return ""
        if not slug:
            self.error("slug", "the file name has no letters or digits; rename the file "
                       "or add 'slug: ...'", None)
        return slug

    def draft(self) -> bool:
        value = self.fields.get("draft")
        if value is None or value.is_null:
            return False
        if not value.tag.endswith(":bool"):
            self.error("draft", f"must be true or false, not {quoted(value.data)}", value.line)
            return False
        return str(value.data).lower() in ("true", "yes", "on")



def _plain(value: Value, problems: list[tuple[Value, str]]) -> object:
    """A YAML value as plain JSON-able data, scalars typed as YAML reads them; a number JSON
    cannot hold (NaN, infinity, thousands of digits) is added to `problems`."""
    if isinstance(value.data, dict):
        return {key: _plain(item, problems) for key, item in value.data.items()}
    if isinstance(value.data, list):
        return [_plain(item, problems) for item in value.data]
    kind = value.tag.rsplit(":", 1)[-1]
    if kind == "null":
        return None
    if kind in ("bool", "int", "float"):
        try:
            number = yaml.safe_load(str(value.data))
        except ValueError:  # past Python's limit of digits for a number read from text
            problems.append((value, "is a number too long to carry"))
            return None
        if isinstance(number, float) and not math.isfinite(number):
            problems.append((value, "is not a number JSON can hold"))
            return None
        return number
    return value.data
