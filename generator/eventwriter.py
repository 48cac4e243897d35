"""Write event files: front matter as readable YAML, never over an existing file."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from generator.dates import PartialDate
from generator.slugs import slugify


def event_text(fields: dict, body: str) -> str:
    """The text of an event file: `fields` as YAML front matter, then the Markdown body."""
    front = yaml.safe_dump(fields, sort_keys=False, allow_unicode=True, width=100,
                           default_flow_style=False)
    return f"---\n{front}---\n{body.strip()}\n"


def file_name(date: PartialDate, title: str) -> str:
    """`2018-07-19-uk-board-report.md`: the date as precise as it is known, then the title;
    `250-bc-….md`, `66000000-bc-….md`, `1990s-….md` where there is no ISO date."""
    slug = slugify(title)
    if len(slug) > 60:  # long titles end at a word, not inside one
        slug = slug[:61].rsplit("-", 1)[0] if "-" in slug[:61] else slug[:60]
    slug = slug or "event"
    return f"{_prefix(date)}-{slug}.md"


def _prefix(date: PartialDate) -> str:
    """The date at the head of a file name, which sorts the folder roughly as the timeline."""
    if (iso := date.iso()) is not None:
        return iso[:10]
    if date.year < 1:
        return f"{1 - date.year}-bc"
    if date.years > 1:  # 1990s; 19xx and 1xxx for a century and a millennium
        return f"{date.year}s" if date.years == 10 else re.sub(r"[^\dx]", "", date.edtf().lower())
    return "-".join([f"{date.year:04d}", *(f"{part:02d}" for part in (date.month, date.day)
                                          if part is not None)])


def write_new(path: Path, text: str) -> bool:
    """Create `path` with `text`; False, and nothing written, when the file exists already."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as file:
            file.write(text)
    except FileExistsError:
        return False
    return True
