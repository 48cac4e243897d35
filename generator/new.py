"""`chronoline new`: a new event file with its front matter filled in."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from generator.config import SiteConfig
from generator.dates import DateError, MonthNames, parse_date
from generator.errors import CommandFailed
from generator.eventfile import event_text, file_name, write_new

BODY = "What happened, in a paragraph or two. The first paragraph is the summary.\n"


class NewEventError(CommandFailed):
    """The event could not be written; the message says why and which file."""


def new_event(root: Path, config: SiteConfig, title: str, date: str | None = None,
              tags: list[str] | None = None, sources: list[str] | None = None,
              draft: bool = False, today: dt.date | None = None) -> Path:
    """Write `content/events/<date>-<slug>.md` and return its path; never over another file."""
    if not title.strip():
        raise NewEventError("the title is empty; write it in quotes: chronoline new \"Title\"")
    if date is None:
        date = (today or dt.datetime.now(config.tzinfo).date()).isoformat()
    try:
        when = parse_date(date, config.tzinfo, MonthNames(config.language))
    except DateError as exc:
        raise NewEventError(f"--date: {exc}") from None
    fields: dict = {"title": title.strip(), "date": when.iso()}
    if tags:
        fields["tags"] = tags
    fields["sources"] = [{"url": url, "title": "", "publisher": ""} for url in sources or []]
    if not fields["sources"]:
        del fields["sources"]
    if draft:
        fields["draft"] = True
    path = root / "content" / "events" / file_name(when, title)
    if not write_new(path, event_text(fields, BODY)):
        raise NewEventError(f"{path}: exists already; nothing was written. Choose another title "
                            "or date, or edit that file")
    return path
