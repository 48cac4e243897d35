"""Reading the fields of a document's front matter: text, dates, links and mappings, each
problem collected with its file, line and field before any is raised."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from urllib.parse import urlsplit

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

PRESENT = ("present", "heden", "now")  # `end:` of a range still going on
NOT_IN_URLS = re.compile(r"[\s<>\"{}|\\^`]")
# The longest text each field may hold: bounds far above any real value, like content's others,
# so that one file cannot fill a page (the README's limits give the same numbers).
MAX_SLUG_LENGTH = 100  # a slug is a folder name; file systems stop at 255 bytes
MAX_TEXT = {"title": 500, "display_date": 200, "summary": 5_000, "slug": MAX_SLUG_LENGTH,
            "publisher": 500, "caption": 2_000, "credit": 2_000, "alt": 2_000,
            "color": 100, "url": 2_000, "archive_url": 2_000}


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
