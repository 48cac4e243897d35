"""Write the site: only files that changed, each written whole, stale files gone."""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from generator.errors import BuildFailed, ContentError
from generator.outputfiles import (
    holds,
    make_folders,
    read_nofollow,
    remove_empty_parents,
    temporary_path,
    write_new,
)
from generator.outputfolder import MANIFEST, Folders, OutputError, unsafe_entry
from generator.staging import STAGED, Staged, clear_leftovers


class Keep:
    """Stands for a file the output folder already holds as it should be."""

    def __reduce__(self) -> str:
        return "KEEP"  # the one marker, from a worker process too (pickled by name)


KEEP = Keep()


# What a file of the new site is made of: bytes rendered in memory, a file to copy, KEEP or
# STAGED.
Content = bytes | Path | Keep | Staged
# Names a folder holding two FIFOs, `ready` and `go`: after the first file of a write is
# renamed into place, the write says so on `ready` and waits for `go` to be opened and closed.
# For tests alone, which must stop a build at that very moment.
PAUSE_AFTER_RENAME = "CHRONOLINE_TEST_PAUSE_AFTER_RENAME"


@dataclass(frozen=True)
class WriteReport:
    written: int
    removed: int


def write_site(files: dict[str, Content], output: Path, tidy: bool = False,
               folders: Folders | None = None) -> WriteReport:
    """Make `output` hold `files` and whatever else the user put there; files chronoline wrote
    before and no longer makes are removed; unchanged files keep their inode and timestamp.

    Only changed files are touched, in two steps: each is first written beside its target under
    a temporary name, and only when all are written are they renamed into place. A failure
    while writing (a full disk, a file to copy that went missing) leaves the folder as it was.
    Once the renames have begun, Ctrl-C or SIGTERM waits for them (and the removal of stale
    files) to finish, a tenth of a second at most; a machine that stops during them leaves old
    and new files side by side, and the mark of `staging.begin_staging` tells the next build
    to repair.

    `tidy`: no build was stopped while it had files staged in `output` since the last one that
    finished, so no half-written file is left to clear, and every file marked KEEP was found
    there by this build. The folder is then not walked: at 10,000 events the walk is a tenth of
    a second of a build after one edit. (A kept file that someone removes from the folder
    while the build runs is then not reported; the next build finds it missing and makes it.)

    `folders`: the folders this build already found real (see Folders), if any.
    """
    folders = folders if folders is not None else Folders(output)
    staged = {p for p, c in files.items() if c is STAGED}
    existing = None if tidy else clear_leftovers(output, staged)
    written_before = _manifest(output)
    files = {**files, MANIFEST: "".join(f"{p}\n" for p in sorted(files)).encode("utf-8")}
    _check_kept(files, existing, output)
    gone = written_before - set(files)
    _check_manifest(output, gone)
    for path in gone:
        folders.check(path)
    # _differs() finds a missing file different; `existing` only spares it trying.
    changed = sorted(p for p, c in files.items() if c is STAGED or (
        existing is not None and p not in existing) or _differs(c, output / p))
    stale = sorted(gone & existing if existing is not None else
                   {p for p in gone if os.path.lexists(output / p)})
    if not changed and not stale:
        return WriteReport(0, 0)
    ready = _write_aside(files, changed, staged, output, folders)
    with _finishing():
        _move_into_place(ready)
        for path in stale:
            _remove_stale(output, path)
    return WriteReport(len([p for p in changed if p != MANIFEST]), len(stale))


def _check_kept(files: dict[str, Content], existing: set[str] | None, output: Path) -> None:
    """A file the build kept (KEEP) was checked by the build; here it only has to be there
    (`existing`: the files found in `output`, if it was walked)."""
    vanished = [] if existing is None else [
        p for p, c in files.items() if c is KEEP and p not in existing]
    if vanished:
        raise OutputError(f"{output / vanished[0]}: was removed while the site was being built; "
                          "build again")


def _write_aside(files: dict[str, Content], changed: list[str], staged: set[str], output: Path,
                 folders: Folders) -> list[tuple[Path, Path]]:
    """Write each changed file beside its target under the temporary name (a staged one is
    there already); every (temporary, target) pair, to be renamed. On any failure, every
    temporary file and the folders made for them are removed."""
    made: list[Path] = []  # folders this write created, removed again if it fails
    ready = [(temporary_path(output / path), output / path) for path in sorted(staged)]
    try:
        for path in changed:
            if path in staged:
                continue
            folders.check(path)
            target = output / path
            if not target.parent.is_dir():
                make_folders(target.parent, made)
            temporary = temporary_path(target)
            ready.append((temporary, target))
            _write(files[path], temporary, target)
        _check_targets(ready)
    except BaseException:
        for temporary, _target in ready:
            temporary.unlink(missing_ok=True)
        for folder in [*reversed(made), *((output / path).parent for path in staged)]:
            remove_empty_parents(folder, output.parent)
        raise
    return ready


def _check_manifest(output: Path, gone: set[str]) -> None:
    """Refuse the manifest's entries that could lead outside `output`: the manifest may come
    with a clone or an archive, and chronoline removes the files it lists and no longer
    makes. Only those are looked at; the others are files this build makes."""
    unsafe = {path for path in gone if unsafe_entry(path)}
    if not unsafe:
        return
    manifest = output / MANIFEST
    lines = read_nofollow(str(manifest)).decode("utf-8", "replace").splitlines()
    raise BuildFailed([
        ContentError(str(manifest), f"{line!r} is not a path inside {output}, so it is not a "
                     "file chronoline wrote there; delete this line and build again", number)
        for number, line in enumerate(lines, 1) if line in unsafe])


def _check_targets(ready: list[tuple[Path, Path]]) -> None:
    """Refuse, before the first rename, a folder where a file is to go: a rename would fail
    halfway through the others. A link there is replaced by the file, never followed."""
    clashes = []
    for _temporary_path, target in ready:
        try:
            if stat.S_ISDIR(os.lstat(target).st_mode):
                clashes.append(target)
        except FileNotFoundError:
            pass
    if clashes:
        raise OutputError("; ".join(f"{target}: is a folder where chronoline writes a file"
                                    for target in clashes) + "; remove it and build again")


def _move_into_place(ready: list[tuple[Path, Path]]) -> None:
    # The manifest goes last, so that an interruption cannot lose track of a file written here.
    first = True
    for temporary, target in sorted(ready, key=lambda pair: pair[1].name == MANIFEST):
        os.replace(temporary, target)
        if first:
            first = False
            _pause_for_tests()


def _remove_stale(output: Path, path: str) -> None:
    target = output / path
    try:
        if stat.S_ISDIR(os.lstat(target).st_mode):
            return  # a folder where chronoline wrote a file: not chronoline's, left alone
        target.unlink()
    except FileNotFoundError:
        return
    remove_empty_parents(target.parent, output)


@contextlib.contextmanager
def _finishing() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM until the block is done, then act on them: once files are
    being renamed into place, stopping halfway would leave a site with broken links."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers belong to the main thread; it is the one that is stopped
        return
    caught: list[int] = []
    before = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    for number in before:
        signal.signal(number, lambda number, _frame: caught.append(number))
    try:
        yield
    finally:
        for number, handler in before.items():
            signal.signal(number, handler if handler is not None else signal.SIG_DFL)
        if caught:
            signal.raise_signal(caught[0])


def _pause_for_tests() -> None:
    folder = os.environ.get(PAUSE_AFTER_RENAME)
    if folder:
        with open(os.path.join(folder, "ready"), "wb") as ready:
            ready.write(b"renaming\n")
        with open(os.path.join(folder, "go"), "rb") as go:
            go.read()


def _manifest(output: Path) -> set[str]:
    try:
        return set(read_nofollow(str(output / MANIFEST)).decode("utf-8").splitlines())
    except (OSError, UnicodeDecodeError):
        # None, or a link (replaced by the new one): nothing listed is removed.
        return set()


def _differs(content: Content, path: Path) -> bool:
    """False for KEEP and for what the file at `path` holds already; anything else that is no
    file's content counts as different, so that writing it fails loudly."""
    if content is KEEP:
        return False
    return not isinstance(content, (bytes, Path)) or not _same(content, path)


def _same(content: bytes | Path, path: Path) -> bool:
    if not isinstance(content, Path):
        return holds(str(path), content)
    try:
        if content.stat().st_size != os.lstat(path).st_size:
            return False
        return content.read_bytes() == read_nofollow(str(path))
    except OSError:
        return False


def _write(content: Content, temporary: Path, target: Path) -> None:
    if not isinstance(content, (bytes, Path)):
        raise TypeError(f"{target}: nothing to write ({content!r})")
    write_new(temporary, target, content)


def write_changes(files: dict[str, Content], previous: dict[str, Content], output: Path,
                  ) -> tuple[list[str], list[str]]:
    """Update, in place, a folder that holds `previous` so it holds `files`; for a folder only
    this process writes, such as the dev server's. Returns the paths written and removed.
    Nothing is written or removed through a link inside the folder (see Folders)."""
    folders = Folders(output)
    written = []
    for path, content in files.items():
        old = previous.get(path)
        if old is not None and (old is content or (isinstance(content, bytes) and old == content)):
            continue
        if isinstance(content, Path) and _same(content, output / path):
            continue
        folders.check(path)
        target = output / path
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = temporary_path(target)
        _write(content, temporary, target)
        os.replace(temporary, target)
        written.append(path)
    removed = sorted(previous.keys() - files.keys())
    for path in removed:
        folders.check(path)
        _remove_stale(output, path)
    return written, removed
