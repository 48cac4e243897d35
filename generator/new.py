"""`chronoline new`: a new event file with its front matter filled in."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from urllib.parse import urlsplit

from generator.config import SiteConfig
from generator.content import parse_event
from generator.dates import DateError, MonthNames, parse_date
from generator.errors import CommandFailed, ContentErrors
from generator.eventwriter import event_text, file_name, write_new
from generator.fieldreader import NOT_IN_URLS
from generator.frontmatter import CONTROL
from generator.markup import make_markdown
from generator.slugs import slugify

# The body of a new event until its author writes one: `chronoline check` warns while it is there.
PLACEHOLDER = "What happened, in a paragraph or two. The first paragraph is the summary."
BODY = f"{PLACEHOLDER}\n"
MAX_TAG_SLUG = 100  # a tag's URL name is a folder name, which a file system bounds
# Half a UTF-16 pair: what Python makes of bytes in a command line that are not UTF-8.
_SURROGATE = re.compile(r"[\ud800-\udfff]")


class NewEventError(CommandFailed):
    """The event could not be written; the message says why and which file."""


def new_event(root: Path, config: SiteConfig, title: str, date: str | None = None,
              tags: list[str] | None = None, sources: list[str] | None = None,
              draft: bool = False, today: dt.date | None = None) -> Path:
    """Write `content/events/<date>-<slug>.md` and return its path; never over another file."""
    # Whatever `new` writes, the next build must read: what a build would refuse is refused
    # here, naming the argument, before anything is written.
    _check_text("the title", title)
    if not title.strip():
        raise NewEventError("the title is empty; write it in quotes: chronoline new \"Title\"")
    _check_tags(tags or [])
    for url in sources or []:
        _check_url(url)
    if date is None:
        date = (today or dt.datetime.now(config.tzinfo).date()).isoformat()
    try:
        when = parse_date(date, config.tzinfo, MonthNames(config.language))
    except DateError as exc:
        raise NewEventError(f"--date: {exc}") from None
    fields: dict = {"title": title.strip(), "date": when.iso() or when.edtf()}
    if tags:
        fields["tags"] = tags
    fields["sources"] = [{"url": url, "title": "", "publisher": ""} for url in sources or []]
    if not fields["sources"]:
        del fields["sources"]
    if draft:
        fields["draft"] = True
    path = root / "content" / "events" / file_name(when, title)
    text = event_text(fields, BODY)
    _check_readable(text, path.name, config)
    if not write_new(path, text):
        raise NewEventError(f"{path}: exists already; nothing was written. Choose another title "
                            "or date, or edit that file")
    return path


def _check_readable(text: str, name: str, config: SiteConfig) -> None:
    """Read the file as the build will, so that any bound of the build is an error here, with
    the argument it comes from named."""
    try:
        parse_event(text.encode("utf-8"), name, make_markdown(False), config.tzinfo,
                    MonthNames(config.language))
    except ContentErrors as exc:
        error = exc.errors[0]
        field = (error.field or "").split(".")[0].split("[")[0]
        what = {"title": "the title", "date": "--date", "tags": "--tag",
                "sources": "--source"}.get(field, field or name)
        raise NewEventError(f"{what}: {error.message}") from None


# YAML reads these as line breaks, so a title holding one would come back with a space there.
_LINE_BREAKS = re.compile("[\x80-\x9f\u2028\u2029]")


def _check_text(what: str, text: str) -> None:
    if bad := CONTROL.search(text) or _LINE_BREAKS.search(text):
        raise NewEventError(f"{what} holds a control character (U+{ord(bad.group()):04X}); "
                            "remove it")
    if _SURROGATE.search(text):
        raise NewEventError(f"{what} is not UTF-8 text; check your terminal's encoding")


def _check_tags(tags: list[str]) -> None:
    spellings: dict[str, str] = {}
    for tag in tags:
        _check_text(f"--tag {tag!r}:", tag)
        slug = slugify(tag)
        if not slug:
            raise NewEventError(f"--tag {tag!r}: has no letters or digits to use in a URL")
        if len(slug) > MAX_TAG_SLUG:
            raise NewEventError(f"--tag {tag[:40]!r}...: is too long for a URL (at most "
                                f"{MAX_TAG_SLUG} letters and digits)")
        first = spellings.setdefault(slug, tag.strip())
        if first != tag.strip():
            raise NewEventError(f"--tag {tag!r}: would share the page tags/{slug}/ with "
                                f"--tag {first!r}; keep one of them")


def _check_url(url: str) -> None:
    _check_text(f"--source {url!r}:", url)
    try:
        parts = urlsplit(url.strip())
        ok = parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
    except ValueError:
        ok = False
    if not ok:
        raise NewEventError(f"--source {url!r}: is not an http(s) link; write the full "
                            "address, starting with https://")
    if bad := NOT_IN_URLS.search(url.strip()):
        shown = "a space" if bad.group().isspace() else repr(bad.group())
        raise NewEventError(f"--source {url!r}: holds {shown}, which a link cannot; write it "
                            f"as %{ord(bad.group()):02X}")
