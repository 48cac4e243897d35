"""One event file → one Event, or every problem found in it."""

from __future__ import annotations

import datetime as dt
import re

import markdown

from generator.dates import ENGLISH, MonthNames, period_of
from generator.errors import ContentError, ContentErrors, quoted, shortened
from generator.fieldreader import COLOR, MAX_TEXT, EntryReader, did_you_mean
from generator.frontmatter import CONTROL, Document, Value, split
from generator.localrefs import LocalFiles, References, is_local, line_naming, site_path
from generator.markdownbounds import slow_markdown
from generator.markup import Refer, render, to_text
from generator.model import Background, Event, Media
from generator.slugs import slugify

EVENT_KEYS = ("title", "date", "end", "summary", "tags", "sources", "slug", "draft",
              "display_date", "media", "background", "extra", "circa", "lane", "type")
# An era (`type: era`) is a span of time events fall in: it has a colour of its own, and none
# of what only an event shows (media, a background, a lane).
ERA_KEYS = ("type", "title", "date", "end", "circa", "color", "summary", "tags", "sources",
            "slug", "draft")
KINDS = ("event", "era")
# An era's colour goes into a style attribute: hex of a length CSS reads, or a colour name.
ERA_COLOR = re.compile(r"#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})|[a-zA-Z]{3,20}")
MEDIA_KEYS = ("url", "caption", "credit", "alt", "width", "height")
MAX_MEDIA_PIXELS = 20_000  # a picture's side; the largest real photographs are some 15,000
_FIRST_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.DOTALL)
_FOOTNOTE_REF = re.compile(r'<sup id="fnref[^"]*">.*?</sup>', re.DOTALL)
_ONE_PARAGRAPH = re.compile(r"<p>((?:(?!</?p>).)*)</p>", re.DOTALL)

# Bounds that no real timeline reaches, each far above the largest real value, so that one
# file cannot stall a build or fill a disk (docs/limits in the README says the same numbers).
# A long-form event with footnotes is some 20 KB; 1 MB is fifty times that, and Markdown of that
# size renders in well under a second once the shapes below are refused.
MAX_FILE_BYTES = 1_000_000


def decode(data: bytes, path: str) -> str:
    """File bytes → text; anything but UTF-8 is an error naming the line."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        byte = data[exc.start]
        message = f"is not UTF-8 text (byte 0x{byte:02x}); save the file as UTF-8"
        raise ContentErrors([ContentError(path, message, line)]) from None
    if match := CONTROL.search(text):
        line = text.count("\n", 0, match.start()) + 1
        message = f"holds a control character (U+{ord(match.group()):04X}); remove it"
        raise ContentErrors([ContentError(path, message, line)])
    return text


def parse_event(data: bytes, path: str, md: markdown.Markdown, tz: dt.tzinfo,
                months: MonthNames = ENGLISH, shared: dict | None = None,
                local: LocalFiles | None = None) -> Event:
    """Parse one event file (`path`, from the site's folder, names it in messages, gives the
    default slug and the folder its references are found from); written dates may name months
    in English or in the language of `months`. Events parsed with the same `shared` hold one
    object for each tag and each publisher they have alike: a large timeline has tens of
    thousands of events and a few dozen of each. With `local`, the files under content/, each
    file the event names must be one of them (see localrefs); without, none is looked for."""
    if len(data) > MAX_FILE_BYTES:
        message = (f"the file is {len(data):,} bytes; an event file may have at most "
                   f"{MAX_FILE_BYTES:,}: put long documents elsewhere and link them as a source")
        raise ContentErrors([ContentError(path, message)])
    document = split(decode(data, path), path)
    shared = {} if shared is None else shared
    return _Reader(path, document, tz, months, shared, local).event(md)


class _MediaReader(EntryReader):
    """The fields that name other files: the media, and the references of every Markdown
    text to files under content/ (see localrefs), with the checks they share."""

    def __init__(self, path: str, document: Document, tz: dt.tzinfo, months: MonthNames,
                 shared: dict, local: LocalFiles | None) -> None:
        super().__init__(path, document, tz, months, shared)
        self.refs = References(path, "", local, shared.setdefault(_SIZES, {}))

    def refer(self, field: str) -> Refer:
        return self.refs.markdown(field)

    def reference_problems(self) -> None:
        """Each file named that is not under content/, on the line it was written on."""
        lines = self.doc.body.splitlines()
        for field, written, message in self.refs.problems:
            if field == "body":
                line = line_naming(lines, written)
                line = None if line is None else self.doc.body_line + line
            elif field.startswith("media.") and isinstance(media := self.fields["media"].data,
                                                           dict):
                line = media[field.removeprefix("media.")].line
            else:
                line = self.line(field)
            self.error(field, message, line)

    def markdown_shape(self, field: str, text: str, first_line: int | None) -> bool:
        """False, with an error, when `text` has a shape Python-Markdown takes far too long on."""
        problem = slow_markdown(text)
        if problem is None:
            return True
        offset, message = problem
        line = first_line + offset if first_line is not None else None
        self.error(field, message, line)
        return False

    def media(self, md: markdown.Markdown) -> Media | None:
        entry = self.mapping("media", MEDIA_KEYS)
        if entry is None:
            return None
        url, size, local = self.media_url(entry)
        caption = self.text("caption", fields=entry, prefix="media.")
        credit = self.text("credit", fields=entry, prefix="media.")
        for key, text in (("caption", caption), ("credit", credit)):
            if text and not self.markdown_shape(f"media.{key}", text, entry[key].line):
                return None
        width, height = self.media_size(entry)
        if width is None and entry.get("width") is None and size is not None:
            width, height = size
        caption_html = _inline(md, caption, self.refer("media.caption"))
        # As TimelineJS does: a picture without its own alt text is described by its caption;
        # with neither, it is decoration (alt="").
        alt = self.text("alt", fields=entry, prefix="media.") or to_text(caption_html)
        return Media(url, caption_html, _inline(md, credit, self.refer("media.credit")),
                     alt, width, height, local) if url else None

    def media_url(self, entry: dict[str, Value]) -> tuple[str, tuple[int, int] | None, bool]:
        """The media's address: http(s), or a file under content/ (its path in the site and,
        for a picture, its size)."""
        value = entry.get("url")
        written = value.data.strip() if value is not None and isinstance(value.data, str) else ""
        if not written or not is_local(written):
            return self.url(entry, "url", "media", self.line("media"), required=True), None, False
        if len(written) > MAX_TEXT["url"]:
            self.error("media.url", f"is {len(written):,} characters long; a path may have at "
                       f"most {MAX_TEXT['url']:,}", entry["url"].line)
            return "", None, False
        found = self.refs.media("media.url", written)
        if found is None:
            return "", None, False
        return site_path(found.path), found.size, True

    def media_size(self, entry: dict[str, Value]) -> tuple[int | None, int | None]:
        """The picture's `width` and `height` in pixels, which let a page keep its place
        before it loads: both or neither."""
        size: dict[str, int] = {}
        for key in ("width", "height"):
            value = entry.get(key)
            if value is None or value.is_null:
                continue
            text = value.data.strip() if isinstance(value.data, str) else ""
            if not (text.isascii() and text.isdigit() and len(text) <= 6
                    and 1 <= int(text) <= MAX_MEDIA_PIXELS):
                shown = quoted(value.data) if isinstance(value.data, str) else "a list or mapping"
                self.error(f"media.{key}", f"{shown} is not a size in pixels; write a whole "
                           f"number from 1 to {MAX_MEDIA_PIXELS:,}, such as '{key}: 1200'",
                           value.line)
                return None, None
            size[key] = int(text)
        if len(size) == 1:
            (given,) = size
            missing = "height" if given == "width" else "width"
            self.error(f"media.{missing}", f"is missing; give the picture's '{given}' and "
                       f"'{missing}' in pixels together, or neither", entry[given].line)
            return None, None
        return size.get("width"), size.get("height")



class _Reader(_MediaReader):
    """Checks an event file's fields: which it has, and each one's rules."""

    def event(self, md: markdown.Markdown) -> Event:
        kind = self.kind()
        self.known_keys(kind)
        title = self.text("title", required=True)
        date, end, ongoing = self.when() or (None, None, False)
        written = self.fields.get("end")
        if kind == "era" and date is not None and end is None and not ongoing and (
                written is None or written.is_null or not str(written.data).strip()):
            self.error("end", "is missing; an era lasts from its date to its end: add a line "
                       "'end: ...' to the front matter", self.line("date"))
        tags = self.tags()
        sources = self.sources()
        slug = self.slug()
        self.refs.slug = slug
        draft = self.flag("draft")
        summary_html = self.summary(md)
        display_date = self.text("display_date")
        if kind == "era":
            media, background, extra = None, self.era_color(), ""
        else:
            media, background, extra = self.media(md), self.background(), self.extra()
        lane = self.lane()
        body_html = ""
        if self.markdown_shape("body", self.doc.body, self.doc.body_line):
            body_html = render(md, self.doc.body, self.refer("body"))
        self.reference_problems()
        if self.errors:
            raise ContentErrors(sorted(self.errors, key=lambda e: e.line or 0))
        assert date is not None  # a file without a date has an error
        if not summary_html:
            match = _FIRST_PARAGRAPH.search(body_html)
            summary_html = match.group(1) if match else ""
        summary_html = _FOOTNOTE_REF.sub("", summary_html)
        return Event(
            path=self.path, slug=slug, title=title, date=date, end=end,
            summary_html=summary_html, body_html=body_html, tags=tags, sources=sources,
            start=date.earliest(self.tz), year=period_of(date.local(self.tz).year).first,
            draft=draft, ongoing=ongoing,
            slug_line=self.line("slug"), display_date=display_date, media=media,
            background=background, extra=extra, refs=tuple(self.refs.refs.values()),
            kind=kind, lane=lane,
        )

    def kind(self) -> str:
        """What the file holds: an event (the default) or an era."""
        written = self.text("type")
        if written and written not in KINDS:
            self.error("type", f"{quoted(written)} is not a type; write 'type: event' (the "
                       "default) or 'type: era'", self.line("type"))
        return "era" if written == "era" else "event"

    def known_keys(self, kind: str) -> None:
        """An error for each key that `kind` does not have."""
        known = ERA_KEYS if kind == "era" else EVENT_KEYS
        for key, value in self.fields.items():
            if key == "color" and kind == "event":
                self.error("color", "only an era has a colour ('type: era'); an event's is "
                           "'background: {color: ...}'", value.line)
            elif key not in known:
                why = "" if key not in EVENT_KEYS else f"; an era has {', '.join(known)}"
                hint = why or did_you_mean(key, known)
                self.error(shortened(key), f"unknown key{' for an era' if why else ''}{hint}",
                           value.line)

    def era_color(self) -> Background | None:
        color = self.text("color")
        if color and not ERA_COLOR.fullmatch(color):
            self.error("color", f"{quoted(color)} is not a colour; write it as #8b2500, #b20 "
                       "or a colour name such as navy", self.line("color"))
            return None
        return Background(color=color) if color else None

    def lane(self) -> str:
        """The lane written, which must make a URL name for the filter."""
        lane = self.text("lane")
        if lane and not slugify(lane):
            self.error("lane", f"{quoted(lane)} has no letters or digits to name it by",
                       self.line("lane"))
            return ""
        return lane

    def summary(self, md: markdown.Markdown) -> str:
        """The `summary:` as inline HTML: it is shown inside a paragraph, so it must be one."""
        text = self.text("summary")
        if not text or not self.markdown_shape("summary", text, self.line("summary")):
            return ""
        match = _ONE_PARAGRAPH.fullmatch(render(md, text, self.refer("summary")).strip())
        if not match:
            self.error("summary", "must be one paragraph; put lists and further paragraphs "
                       "in the body", self.line("summary"))
            return ""
        return match.group(1)


_SIZES = object()  # in `shared`: the pictures' sizes, read once for all the events of a read
__all__ = ["COLOR", "decode", "parse_event"]  # COLOR, read here before, is fieldreader's now


def _inline(md: markdown.Markdown, text: str, refer: Refer | None = None) -> str:
    """A short Markdown text (a caption, a credit) as inline HTML: its paragraphs joined."""
    if not text:
        return ""
    html = render(md, text, refer).strip()
    return " ".join(p.strip() for p in re.findall(r"<p>(.*?)</p>", html, re.DOTALL)) or html
