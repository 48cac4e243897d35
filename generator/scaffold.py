"""`chronoline init`: a new site that builds at once."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from generator.errors import CommandFailed
from generator.eventwriter import event_text, write_new
from generator.frontmatter import CONTROL

WORKFLOW = Path(__file__).parent / "starter" / "pages.yml"
# Half a UTF-16 pair: what Python makes of bytes in a command line that are not UTF-8.
_SURROGATE = re.compile(r"[\ud800-\udfff]")


class InitError(CommandFailed):
    """The folder cannot take a new site; the message says why."""


def init_site(folder: Path, title: str, language: str, force: bool = False,
              today: dt.date | None = None) -> tuple[list[Path], list[Path]]:
    """Write a new site into `folder`: returns the files written and those left as they were.
    A folder with files in it is refused unless `force`; no file is ever overwritten."""
    # A title no page may hold, or that chronoline.toml cannot, is refused before any writing.
    if bad := CONTROL.search(title):
        raise InitError(f"--title holds a control character (U+{ord(bad.group()):04X}); "
                        "remove it")
    if _SURROGATE.search(title):
        raise InitError("--title is not UTF-8 text; check your terminal's encoding")
    if folder.exists() and not folder.is_dir():
        raise InitError(f"{folder}: is a file, not a folder")
    if folder.is_dir() and any(folder.iterdir()) and not force:
        raise InitError(f"{folder}: is not empty; choose a new folder, or add --force to add "
                        "the missing files (existing files are never overwritten)")
    day = (today or dt.date.today()).isoformat()
    files = {
        "chronoline.toml": _config(title, language),
        f"content/events/{day}-welcome.md": event_text(
            {"title": "The timeline begins", "date": day, "tags": ["example"],
             "sources": [{"url": "https://example.org/", "title": "Where the news was",
                          "publisher": "Example"}]},
            "Each event is a Markdown file under content/. This one shows the format: edit "
            "it, or run `chronoline new \"Title\"` for another.\n\nThe rest of the text appears "
            "on the event's own page."),
        "layouts/README.md": "A file here named like a template of the default theme "
                             "(base.html, event.html, ...) replaces it, and can extend it as "
                             "{% extends \"default/base.html\" %}.\n",
        ".gitignore": "site/\n.chronoline-cache/\n",
        ".github/workflows/pages.yml": WORKFLOW.read_text(encoding="utf-8"),
    }
    written: list[Path] = []
    kept: list[Path] = []
    for name, text in files.items():
        path = folder / name
        (written if write_new(path, text) else kept).append(path)
    return written, kept


def _config(title: str, language: str) -> str:
    return (f"# Settings of this timeline; see chronoline's README for all of them.\n"
            f"title = {json.dumps(title, ensure_ascii=False)}\n"
            f"description = \"\"\n"
            f"language = {json.dumps(language)}\n"
            f"timezone = \"UTC\"\n"
            f"# base_url = \"https://USER.github.io/REPO/\"  (the Pages workflow sets it)\n")
