"""Write event files: front matter as readable YAML, never over an existing file."""

from __future__ import annotations

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
    """`2018-07-19-uk-board-report.md`: the date as precise as it is known, then the title."""
    slug = slugify(title)
    if len(slug) > 60:  # long titles end at a word, not inside one
        slug = slug[:61].rsplit("-", 1)[0] if "-" in slug[:61] else slug[:60]
    slug = slug or "event"
    return f"{(date.iso() or date.edtf())[:10]}-{slug}.md"


def write_new(path: Path, text: str) -> bool:
    """Create `path` with `text`; False, and nothing written, when the file exists already."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as file:
            file.write(text)
    except FileExistsError:
        return False
    return True
