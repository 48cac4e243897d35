"""Files staged beside their targets in the output folder, to be renamed into place when the
whole site is written; and the build's mark on the folder while any may be there."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from generator.outputfiles import (
    NO_FOLLOW,
    TEMPORARY,
    holds,
    make_folders,
    remove_empty_parents,
    temporary_path,
    write_new,
)
from generator.outputfolder import BUILDING


class Staged:
    """Stands for a file already written beside its target under the temporary name (see
    `stage`), to be renamed into place with the others."""

    def __reduce__(self) -> str:
        return "STAGED"


STAGED = Staged()


@dataclass(frozen=True)
class Staging:
    """A build's mark on its output folder, there while the build may have files staged in it:
    a mark left there tells that a build was stopped (killed, or the machine stopped) with
    files staged, and the next write must walk the folder to clear them."""

    output: Path
    fresh: bool  # the mark was not there: no build was stopped in the folder since one ended
    made: Path | None  # the topmost folder made for the output, if any


def begin_staging(output: Path) -> Staging:
    """Mark `output` (made if missing) as a folder a build stages files in."""
    made: list[Path] = []
    make_folders(output, made)
    marker = output / BUILDING
    fresh = not os.path.lexists(marker)
    if fresh:
        os.close(os.open(marker, os.O_WRONLY | os.O_CREAT | NO_FOLLOW, 0o644))
    return Staging(output, fresh, made[0] if made else None)


def end_staging(staging: Staging) -> None:
    """The site is written: remove the mark."""
    (staging.output / BUILDING).unlink(missing_ok=True)


def abandon_staging(staging: Staging) -> None:
    """Leave the folder as `begin_staging` found it, for a build that failed: every staged file
    still there is removed (a write can stop halfway through renaming them), then the mark,
    unless it was there before. A folder that cannot be cleared keeps its mark."""
    # Never in the way of the error that stopped the build.
    with contextlib.suppress(OSError):
        if staging.output.is_dir():
            clear_leftovers(staging.output)
        if staging.fresh:
            (staging.output / BUILDING).unlink(missing_ok=True)
        if staging.made is not None:
            remove_empty_parents(staging.output, staging.made.parent)


def stage(content: bytes, output: Path, path: str) -> bool:
    """Write `content` beside `path` in `output` under the temporary name, unless the file
    there holds it already; True when written. Pages and data files are staged this way as
    soon as they are made, by worker processes too: a site of 100,000 events need not be held
    in memory, nor its pages travel back to the process that writes the site. The folders on
    the way were checked by the caller (see outputfolder.Folders); the file itself is never a
    link followed, to read or to write."""
    target = os.path.join(output, path)
    if holds(target, content):
        return False
    os.makedirs(os.path.dirname(target), exist_ok=True)
    write_new(temporary_path(Path(target)), target, content)
    return True


def unstage(paths: list[str], output: Path) -> None:
    """Remove what `stage` wrote for a build that failed, and the folders it left empty (the
    output folder itself is `abandon_staging`'s)."""
    for path in paths:
        target = output / path
        temporary_path(target).unlink(missing_ok=True)
        remove_empty_parents(target.parent, output)


def staged_path(output: Path, path: str) -> Path:
    """Where `stage` writes `path` of the output folder until the site is in place."""
    return temporary_path(output / path)


def clear_leftovers(output: Path, staged: Collection[str] = frozenset()) -> set[str]:
    """Remove the files under `output` that a stopped build left half-written (all files under
    the temporary name but those in `staged`), and the folders made for them alone; return
    every other file, as POSIX paths relative to `output` (plain strings: a site has
    thousands of files, and pathlib costs more than the walk itself). Links are not
    followed: one to a folder counts as a file."""
    found: set[str] = set()

    def walk(folder: str, prefix: str) -> None:
        cleared = False
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    walk(entry.path, f"{prefix}{entry.name}/")
                elif entry.name.startswith(TEMPORARY):
                    if prefix + entry.name.removeprefix(TEMPORARY) not in staged:
                        os.unlink(entry.path)  # left by a killed build: never a file
                        cleared = True
                else:
                    found.add(prefix + entry.name)
        if cleared and prefix and not os.listdir(folder):
            os.rmdir(folder)  # made for that build's files alone

    if output.is_dir():
        walk(str(output), "")
    return found
