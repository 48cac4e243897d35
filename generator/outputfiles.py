"""One file in the output folder: read and written without following a link, written under a
temporary name beside its target first; and the folders made for it, removed again when left
empty."""

from __future__ import annotations

import errno
import os
import shutil
import stat
from pathlib import Path
from typing import BinaryIO

TEMPORARY = ".chronoline-new."  # prefix of a file being written, until it is renamed
NO_FOLLOW = os.O_NOFOLLOW | os.O_CLOEXEC


def no_follow(path: str, flags: int) -> int:
    """An opener for `open()` that refuses a link (OSError ELOOP) instead of following it."""
    return os.open(path, flags | NO_FOLLOW, 0o644)


def read_nofollow(path: str) -> bytes:
    """The bytes of the file at `path`, which must not be a link (OSError ELOOP)."""
    with open(path, "rb", opener=no_follow) as file:
        return file.read()


def write_new(temporary: Path, target: str | Path, content: bytes | Path) -> None:
    """Write `content` (bytes, or a file to copy) to `temporary`, replacing whatever is there,
    a link included (never followed). An error names `target`, the file being written: a full
    disk says only "No space left on device"."""
    try:
        with open_new(temporary) as file:
            if isinstance(content, Path):
                with open(content, "rb") as source:
                    shutil.copyfileobj(source, file)
            else:
                file.write(content)
    except OSError as exc:
        if exc.filename is not None and exc.filename != str(temporary):
            raise  # about another file: the one to copy
        raise OSError(exc.errno, exc.strerror or str(exc), str(target)) from exc


def open_new(path: Path) -> BinaryIO:
    """`path` opened for writing, made or emptied; a link there is replaced, not followed."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | NO_FOLLOW
    try:
        descriptor = os.open(path, flags, 0o644)
    except OSError as exc:
        if exc.errno != errno.ELOOP:
            raise
        os.unlink(path)  # a temporary's name is chronoline's own: a link there is no one's
        descriptor = os.open(path, flags | os.O_EXCL, 0o644)
    return open(descriptor, "wb")


def holds(target: str, content: bytes) -> bool:
    """True when the file at `target`, not a link, holds exactly `content`."""
    try:
        descriptor = os.open(target, os.O_RDONLY | NO_FOLLOW)
    except OSError:
        return False  # none, or a link: replaced either way
    try:
        info = os.fstat(descriptor)
        # A folder opens too, and is no file to read.
        if not stat.S_ISREG(info.st_mode) or info.st_size != len(content):
            return False
        with open(descriptor, "rb", closefd=False) as file:
            return file.read() == content
    except OSError:
        return False
    finally:
        os.close(descriptor)


def temporary_path(target: Path) -> Path:
    """Where `target` is written until it is renamed into place."""
    return target.with_name(f"{TEMPORARY}{target.name}")


def make_folders(folder: Path, made: list[Path]) -> None:
    """Make `folder` and the folders missing above it, adding each one made to `made`."""
    missing = []
    while not folder.is_dir():
        missing.append(folder)
        folder = folder.parent
    for folder in reversed(missing):
        try:
            folder.mkdir()
        except FileExistsError:
            if not folder.is_dir():
                raise
            continue  # another build made it at the same moment: it is not this one's
        made.append(folder)


def remove_empty_parents(folder: Path, top: Path) -> None:
    """Remove `folder` and the folders above it, below `top`, while they are empty."""
    while (folder != top and not folder.is_symlink() and folder.is_dir()
           and not any(folder.iterdir())):
        folder.rmdir()
        folder = folder.parent
