"""What lies under a site's content/ folder, and how to tell that a file changed."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

EVENT_SUFFIXES = (".md", ".markdown")
RECENT_NS = 2_000_000_000  # a file changed within 2 s is read again, whatever its timestamp
Stamp = tuple[int, int, int]  # a file's mtime (ns), size and inode
UNSETTLED: Stamp = (0, 0, 0)  # kept for a file that was recent when read: it is read again


@dataclass(frozen=True)
class SourceFiles:
    """What lies under `content/`: event files and other files to copy, as POSIX paths."""

    events: tuple[str, ...]
    assets: tuple[str, ...]
    warnings: tuple[str, ...]


def is_ignored(name: str) -> bool:
    """Hidden files and editors' swap, backup and lock files are not content."""
    return name.startswith((".", "#")) or name.endswith(("~", ".swp", ".swx", ".swo", ".tmp"))


def is_text_name(name: str) -> bool:
    """False for a name that was not valid UTF-8 on disk (Python keeps its bytes as surrogates)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def readable(path: str) -> str:
    """`path` as it can be shown, the bytes of a name that is not UTF-8 written as escapes."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def discover(root: Path) -> SourceFiles:
    """Walk `content/` in sorted order; links that point outside it are skipped."""
    events: list[str] = []
    assets: list[str] = []
    warnings: list[str] = []
    top = (root / "content").resolve()

    def walk(folder: Path, prefix: str) -> None:
        with os.scandir(folder) as found:
            entries = sorted(found, key=lambda e: e.name)
        for entry in entries:
            if is_ignored(entry.name):
                continue
            shown = f"{prefix}/{entry.name}"
            if not is_text_name(entry.name):  # every path the site is made of is UTF-8 text
                message = "skipped: its name is not UTF-8 text; rename it"
                warnings.append(f"{readable(shown)}: {message}")
            elif entry.is_symlink() and top not in Path(entry.path).resolve().parents:
                warnings.append(f"{shown}: skipped: it is a link to a file outside content/")
            elif entry.is_dir(follow_symlinks=False):
                walk(Path(entry.path), shown)
            elif entry.is_file():
                is_event = entry.name.lower().endswith(EVENT_SUFFIXES)
                (events if is_event else assets).append(shown)

    walk(root / "content", "content")
    return SourceFiles(tuple(events), tuple(assets), tuple(warnings))


def stamp_of(info: os.stat_result, settled: int) -> Stamp:
    """A file's timestamp, size and inode; a file changed lately gets UNSETTLED, because two
    quick saves can share a timestamp (file systems keep time in ticks of milliseconds)."""
    if info.st_mtime_ns >= settled:
        return UNSETTLED
    return (info.st_mtime_ns, info.st_size, info.st_ino)
