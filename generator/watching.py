"""Which file changes the dev server rebuilds for: those of the content, the layouts and the
settings, as site-relative paths, and whether each ends a save."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path, PurePosixPath

from watchdog.events import FileSystemEvent, FileSystemEventHandler

from generator.config import CONFIG_FILE, PYPROJECT_FILE
from generator.discover import is_ignored


class SiteChanges(FileSystemEventHandler):
    """Collects the site-relative paths of changed files; editors' temporary files are ignored."""

    def __init__(self, root: Path, note: Callable[[str, bool], None]) -> None:
        self.root = root.resolve()
        self.note = note

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        if event.is_directory and event.event_type == "modified":
            return  # the files inside it report their own changes
        for raw, end in ((event.src_path, event.event_type == "closed"),
                         (getattr(event, "dest_path", ""), True)):
            if not raw:
                continue
            path = Path(str(raw))
            try:
                relative = PurePosixPath(path.resolve().relative_to(self.root).as_posix())
            except ValueError:
                relative = PurePosixPath(path.name)
            if any(is_ignored(part) for part in relative.parts):
                continue
            top = relative.parts[0] if relative.parts else ""
            if top in ("content", "layouts") or str(relative) in (CONFIG_FILE, PYPROJECT_FILE):
                # A file closed after writing, or moved into place, ends a save. A file made,
                # written to, removed or moved away may be the start of one: editors move the
                # old file aside or remove it before they write the new one.
                self.note(str(relative), end)
