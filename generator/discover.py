"""What lies under a site's content/ and layouts/static/ folders, and how to tell that a file
changed."""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

EVENT_SUFFIXES = (".md", ".markdown")
STATIC = "layouts/static"  # published under assets/, beside the theme's files
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
    """Walk `content/` in sorted order (see `walk`); the warnings of `layouts/static/` too,
    whose files `static_files` lists at each build."""
    content = walk(root, "content")
    events: list[str] = []
    assets: list[str] = []
    for shown in content.files:
        is_event = shown.lower().endswith(EVENT_SUFFIXES)
        (events if is_event else assets).append(shown)
    return SourceFiles(tuple(events), tuple(assets),
                       content.warnings + static_files(root).warnings)


def static_files(root: Path) -> Walked:
    """The files of `layouts/static/`, published under assets/: none from outside it."""
    folder = root / STATIC
    if not folder.is_dir():
        return Walked((), (), ())
    if leads_out(root, STATIC):
        return Walked((), (f"{STATIC}: skipped: it leads out of the site's folder (through a "
                           "link); put the files in it instead",), ())
    return walk(root, STATIC)


def leads_out(root: Path, folder: str) -> bool:
    """True when `root/folder` is, or lies under, a link that leads out of the site's folder.
    A site that comes with a clone may hold such a link to anywhere (a home folder): what is
    published comes from inside the site's folder."""
    return root.resolve() not in (root / folder).resolve().parents


@dataclass(frozen=True)
class Walked:
    """The files under one folder, as POSIX paths from the site's folder, and what was left out."""

    files: tuple[str, ...]
    warnings: tuple[str, ...]
    misnamed: tuple[str, ...]  # names that are not UTF-8 (each with a warning too)


def walk(root: Path, folder: str) -> Walked:
    """The files under `root/folder`, in sorted order. Only what lies inside it is taken: a
    link is followed only to a file inside it, and every other link (outside, to a folder,
    to nothing, round in a loop), a folder that cannot be read and a name that is not UTF-8
    is left out with a warning naming it. Ignored names (see `is_ignored`) are left out."""
    top = (root / folder).resolve()
    found: list[str] = []
    warnings: list[str] = []
    misnamed: list[str] = []

    def listed(path: str, shown: str) -> Iterator[os.DirEntry]:
        try:
            with os.scandir(path) as entries:
                return iter(sorted(entries, key=lambda e: e.name))
        except OSError as exc:
            warnings.append(f"{readable(shown)}: skipped: the folder cannot be read "
                            f"({exc.strerror}); let chronoline read it or move it out of "
                            f"{folder}/")
            return iter(())

    # Depth first, each folder's entries in sorted order; a stack, not recursion: a folder
    # may hold a thousand folders inside one another.
    stack = [(folder, listed(str(root / folder), folder))]
    while stack:
        shown, entries = stack[-1]
        entry = next(entries, None)
        if entry is None:
            stack.pop()
            continue
        if is_ignored(entry.name):
            continue
        inner = f"{shown}/{entry.name}"
        if not is_text_name(entry.name):  # every path the site is made of is UTF-8 text
            warnings.append(f"{readable(inner)}: skipped: its name is not UTF-8 text; "
                            "rename it")
            misnamed.append(inner)
            continue
        kind, problem = _kind(entry, top, folder)
        if problem:
            warnings.append(f"{inner}: skipped: {problem}")
        elif kind == "folder":
            stack.append((inner, listed(entry.path, inner)))
        elif kind == "file":
            found.append(inner)

    return Walked(tuple(found), tuple(warnings), tuple(misnamed))


def _kind(entry: os.DirEntry, top: Path, folder: str) -> tuple[str, str]:
    """("file" or "folder", "") for what is walked; ("", why) for what is left out with a
    warning; ("", "") for what is silently not content (a socket, a device)."""
    try:
        if not entry.is_symlink():
            if entry.is_dir(follow_symlinks=False):
                return "folder", ""
            if entry.is_file(follow_symlinks=False):
                return "file", ""
            return "", ""
    except OSError as exc:
        return "", f"it cannot be read ({exc.strerror})"
    return _link_kind(Path(entry.path), top, folder)


def _link_kind(link: Path, top: Path, folder: str) -> tuple[str, str]:
    """What a link inside `folder` (resolved: `top`) is taken as; see `_kind`."""
    try:
        target = link.resolve(strict=True)
    except RuntimeError:  # Python before 3.13: "Symlink loop"
        return "", "it is a link in a loop of links; point it at a file or remove it"
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "", "it is a link in a loop of links; point it at a file or remove it"
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            return "", "it is a link to nothing (its target does not exist); fix or remove it"
        return "", f"it is a link that cannot be followed ({exc.strerror})"
    inside = target == top or top in target.parents
    if target.is_dir():
        if not inside:
            return "", f"it is a link to a folder outside {folder}/"
        where = folder if target == top else f"{folder}/{target.relative_to(top).as_posix()}"
        if target == link.parent.resolve() or target in link.parent.resolve().parents:
            return "", f"it is a link to {where}/, a folder that holds it (a cycle); remove it"
        return "", (f"it is a link to the folder {where}/, which is read where it is; links "
                    "to folders are not followed")
    if not inside:
        return "", f"it is a link to a file outside {folder}/"
    return ("file", "") if target.is_file() else ("", "")


def stamp_of(info: os.stat_result, settled: int) -> Stamp:
    """A file's timestamp, size and inode; a file changed lately gets UNSETTLED, because two
    quick saves can share a timestamp (file systems keep time in ticks of milliseconds)."""
    if info.st_mtime_ns >= settled:
        return UNSETTLED
    return (info.st_mtime_ns, info.st_size, info.st_ino)
