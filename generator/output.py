"""Write the site: only files that changed, each written whole, stale files gone."""

from __future__ import annotations

import contextlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from generator.errors import CommandFailed


class Keep:
    """Stands for a file the output folder already holds as it should be."""

    def __reduce__(self) -> str:
        return "KEEP"  # the one marker, from a worker process too (pickled by name)


KEEP = Keep()


class Staged:
    """Stands for a file already written beside its target under the temporary name (see
    `stage`), to be renamed into place with the others."""

    def __reduce__(self) -> str:
        return "STAGED"


STAGED = Staged()
# What a file of the new site is made of: bytes rendered in memory, a file to copy, KEEP or
# STAGED.
Content = bytes | Path | Keep | Staged
# The list of files chronoline wrote into an output folder: only those are ever replaced or
# removed, so a file the user put there (a CNAME, say) stays; a folder without it is not ours.
MANIFEST = ".chronoline-files"
TEMPORARY = ".chronoline-new."  # prefix of a file being written, until it is renamed
BUILDING = ".chronoline-building"  # there while a build may have files staged in the folder


@dataclass(frozen=True)
class WriteReport:
    written: int
    removed: int


class OutputError(CommandFailed):
    """The output folder cannot be used; the message says why and what to do."""


def check_output(output: Path, root: Path) -> None:
    """Refuse an output folder whose replacement would destroy the user's own files."""
    out, top = output.resolve(), root.resolve()
    if out == top or out in top.parents:
        raise OutputError(f"{output}: the output folder would replace the site itself; "
                          "choose a folder such as site/")
    for name in ("content", "layouts"):
        if out == top / name or (top / name) in out.parents:
            raise OutputError(f"{output}: the output folder is inside {name}/; choose another")
    if out.is_file():
        raise OutputError(f"{output}: is a file, not a folder; remove it or choose another")
    if (out.is_dir() and any(out.iterdir()) and not (out / MANIFEST).exists()
            and not (out / BUILDING).exists()):  # a first build's, stopped
        raise OutputError(f"{output}: the folder holds files that chronoline did not write; "
                          "empty it, or choose another --output")


def write_site(files: dict[str, Content], output: Path, tidy: bool = False) -> WriteReport:
    """Make `output` hold `files` and whatever else the user put there; files chronoline wrote
    before and no longer makes are removed; unchanged files keep their inode and timestamp.

    Only changed files are touched, in two steps: each is first written beside its target under
    a temporary name, and only when all are written are they renamed into place. A failure
    while writing (a full disk, a file to copy that went missing) leaves the folder as it was.
    The renames are quick but not one step: a reader of the folder meanwhile, or a machine
    that stops during them, can see old and new files side by side.

    `tidy`: no build was stopped while it had files staged in `output` since the last one that
    finished, so no half-written file is left to clear, and every file marked KEEP was found
    there by this build. The folder is then not walked: at 10,000 events the walk is a tenth of
    a second of a build after one edit. (A kept file that someone removes from the folder
    while the build runs is then not reported; the next build finds it missing and makes it.)
    """
    staged = {p for p, c in files.items() if c is STAGED}
    existing = None if tidy else _clear_leftovers(output, staged)
    written_before = _manifest(output)
    files = {**files, MANIFEST: "".join(f"{p}\n" for p in sorted(files)).encode("utf-8")}
    # A file the build kept (KEEP) was checked by the build; here it only has to be there.
    vanished = [] if existing is None else [
        p for p, c in files.items() if c is KEEP and p not in existing]
    if vanished:
        raise OutputError(f"{output / vanished[0]}: was removed while the site was being built; "
                          "build again")
    # _same() finds a missing file different; `existing` only spares it trying.
    changed = sorted(p for p, c in files.items() if c is STAGED or (
        existing is not None and p not in existing) or (c is not KEEP and not _same(c, output / p)))
    gone = written_before - set(files)
    stale = sorted(gone & existing if existing is not None else
                   {p for p in gone if os.path.lexists(output / p)})
    if not changed and not stale:
        return WriteReport(0, 0)
    made: list[Path] = []  # folders this write created, removed again if it fails
    ready = [(_temporary(output / path), output / path) for path in sorted(staged)]
    try:
        for path in changed:
            if path in staged:
                continue
            target = output / path
            if not target.parent.is_dir():
                _make_folders(target.parent, made)
            temporary = _temporary(target)
            ready.append((temporary, target))
            _write(files[path], temporary)
    except BaseException:
        for temporary, _target in ready:
            temporary.unlink(missing_ok=True)
        for folder in [*reversed(made), *((output / path).parent for path in staged)]:
            _remove_empty_parents(folder, output.parent)
        raise
    # The manifest goes last, so that an interruption cannot lose track of a file written here.
    for temporary, target in sorted(ready, key=lambda pair: pair[1].name == MANIFEST):
        os.replace(temporary, target)
    for path in stale:
        (output / path).unlink(missing_ok=True)
        _remove_empty_parents((output / path).parent, output)
    return WriteReport(len([p for p in changed if p != MANIFEST]), len(stale))


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
    _make_folders(output, made)
    marker = output / BUILDING
    fresh = not marker.exists()
    if fresh:
        marker.touch()
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
            _clear_leftovers(staging.output)
        if staging.fresh:
            (staging.output / BUILDING).unlink(missing_ok=True)
        if staging.made is not None:
            _remove_empty_parents(staging.output, staging.made.parent)


def _make_folders(folder: Path, made: list[Path]) -> None:
    missing = []
    while not folder.is_dir():
        missing.append(folder)
        folder = folder.parent
    for folder in reversed(missing):
        folder.mkdir()
        made.append(folder)


def _manifest(output: Path) -> set[str]:
    try:
        return set((output / MANIFEST).read_text(encoding="utf-8").splitlines())
    except OSError:
        return set()


def stage(content: bytes, output: Path, path: str) -> bool:
    """Write `content` beside `path` in `output` under the temporary name, unless the file
    there holds it already; True when written. Pages and data files are staged this way as
    soon as they are made, by worker processes too: a site of 100,000 events need not be held
    in memory, nor its pages travel back to the process that writes the site."""
    target = os.path.join(output, path)
    if _holds(target, content):
        return False
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(_temporary(Path(target)), "wb") as file:
        file.write(content)
    return True


def _holds(target: str, content: bytes) -> bool:
    try:
        if os.path.getsize(target) != len(content):
            return False
        with open(target, "rb") as file:
            return file.read() == content
    except OSError:
        return False


def unstage(paths: list[str], output: Path) -> None:
    """Remove what `stage` wrote for a build that failed, and the folders it left empty (the
    output folder itself is `abandon_staging`'s)."""
    for path in paths:
        target = output / path
        _temporary(target).unlink(missing_ok=True)
        _remove_empty_parents(target.parent, output)


def _temporary(target: Path) -> Path:
    return target.with_name(f"{TEMPORARY}{target.name}")


def staged_path(output: Path, path: str) -> Path:
    """Where `stage` writes `path` of the output folder until the site is in place."""
    return _temporary(output / path)


def _clear_leftovers(output: Path, staged: set[str] = frozenset()) -> set[str]:
    """Remove the files under `output` that a stopped build left half-written (all files under
    the temporary name but those in `staged`), and the folders made for them alone; return
    every other file, as POSIX paths relative to `output` (plain strings: a site has
    thousands of files, and pathlib costs more than the walk itself)."""
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


def _same(content: Content, path: Path) -> bool:
    if not isinstance(content, Path):
        return _holds(str(path), content)
    try:
        if content.stat().st_size != path.stat().st_size:
            return False
        return content.read_bytes() == path.read_bytes()
    except OSError:
        return False


def _write(content: Content, target: Path) -> None:
    if isinstance(content, Path):
        shutil.copyfile(content, target)
    else:
        target.write_bytes(content)


def write_changes(files: dict[str, Content], previous: dict[str, Content], output: Path,
                  ) -> tuple[list[str], list[str]]:
    """Update, in place, a folder that holds `previous` so it holds `files`; for a folder only
    this process writes, such as the dev server's. Returns the paths written and removed."""
    written = []
    for path, content in files.items():
        old = previous.get(path)
        if old is not None and (old is content or (isinstance(content, bytes) and old == content)):
            continue
        if isinstance(content, Path) and _same(content, output / path):
            continue
        target = output / path
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = _temporary(target)
        _write(content, temporary)
        os.replace(temporary, target)
        written.append(path)
    removed = sorted(set(previous) - set(files))
    for path in removed:
        (output / path).unlink(missing_ok=True)
        _remove_empty_parents((output / path).parent, output)
    return written, removed


def _remove_empty_parents(folder: Path, top: Path) -> None:
    while folder != top and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
