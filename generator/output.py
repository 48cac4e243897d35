"""Write the site: only files that changed, each written whole, stale files gone."""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import shutil
import signal
import stat
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from generator.errors import BuildFailed, CommandFailed, ContentError

try:
    import fcntl
except ImportError:  # Windows: builds of one folder are not kept apart
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)


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
# Names a folder holding two FIFOs, `ready` and `go`: after the first file of a write is
# renamed into place, the write says so on `ready` and waits for `go` to be opened and closed.
# For tests alone, which must stop a build at that very moment.
PAUSE_AFTER_RENAME = "CHRONOLINE_TEST_PAUSE_AFTER_RENAME"
_NO_FOLLOW = os.O_NOFOLLOW | os.O_CLOEXEC


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
    if (out.is_dir() and any(out.iterdir()) and not os.path.lexists(out / MANIFEST)
            and not os.path.lexists(out / BUILDING)):  # a first build's, stopped
        raise OutputError(f"{output}: the folder holds files that chronoline did not write; "
                          "empty it, or choose another --output")


class Folders:
    """The folders inside an output folder that a build found to be real folders: nothing is
    written, read or removed through a symbolic link inside the output folder (one that came
    with a clone or an archive could lead anywhere). Each folder is looked at once per build,
    so a site of 30,000 files costs one `lstat` per folder, not one per file and level.

    A link inside the output folder is refused, not replaced: chronoline did not make it, and
    replacing it would leave out the files the site keeps under it. (The output folder itself
    may be a link, to a web server's folder say: it is the user's choice of where to write.)"""

    def __init__(self, output: Path) -> None:
        self._output = str(output)
        self._real = {""}  # relative POSIX paths; "" is the output folder itself

    def check(self, path: str) -> None:
        """Raise OutputError unless every folder on the way to `path` (relative to the output
        folder) is a real folder or missing (then it is made as a real one)."""
        folder = path.rpartition("/")[0]
        if folder in self._real:
            return
        missing = []
        while folder not in self._real:
            missing.append(folder)
            folder = folder.rpartition("/")[0]
        for folder in reversed(missing):
            where = os.path.join(self._output, folder)
            try:
                mode = os.lstat(where).st_mode
            except FileNotFoundError:
                return  # and so are the folders below it; the write makes them
            if stat.S_ISLNK(mode):
                raise OutputError(f"{where}: is a symbolic link, and chronoline writes nothing "
                                  "through a link inside the output folder; remove the link "
                                  "and build again")
            if not stat.S_ISDIR(mode):
                raise OutputError(f"{where}: is a file where chronoline writes the folder "
                                  f"{folder}/; remove it and build again")
            self._real.add(folder)


def unsafe_entry(path: str) -> bool:
    """True when `path` is not a plain relative POSIX path, one that stays inside the folder it
    is taken from: absolute, with `..`, `.` or empty segments, backslashes or NUL."""
    return (not path or path[0] == "/" or "\\" in path or "\0" in path
            or any(part in ("", ".", "..") for part in path.split("/")))


def write_site(files: dict[str, Content], output: Path, tidy: bool = False,
               folders: Folders | None = None) -> WriteReport:
    """Make `output` hold `files` and whatever else the user put there; files chronoline wrote
    before and no longer makes are removed; unchanged files keep their inode and timestamp.

    Only changed files are touched, in two steps: each is first written beside its target under
    a temporary name, and only when all are written are they renamed into place. A failure
    while writing (a full disk, a file to copy that went missing) leaves the folder as it was.
    Once the renames have begun, Ctrl-C or SIGTERM waits for them (and the removal of stale
    files) to finish, a tenth of a second at most; a machine that stops during them leaves old
    and new files side by side, and the mark of `begin_staging` tells the next build to repair.

    `tidy`: no build was stopped while it had files staged in `output` since the last one that
    finished, so no half-written file is left to clear, and every file marked KEEP was found
    there by this build. The folder is then not walked: at 10,000 events the walk is a tenth of
    a second of a build after one edit. (A kept file that someone removes from the folder
    while the build runs is then not reported; the next build finds it missing and makes it.)

    `folders`: the folders this build already found real (see Folders), if any.
    """
    folders = folders if folders is not None else Folders(output)
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
    gone = written_before - set(files)
    _check_manifest(output, gone)
    for path in gone:
        folders.check(path)
    # _same() finds a missing file different; `existing` only spares it trying.
    changed = sorted(p for p, c in files.items() if c is STAGED or (
        existing is not None and p not in existing) or (c is not KEEP and not _same(c, output / p)))
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
            folders.check(path)
            target = output / path
            if not target.parent.is_dir():
                _make_folders(target.parent, made)
            temporary = _temporary(target)
            ready.append((temporary, target))
            _write(files[path], temporary, target)
        _check_targets(ready)
    except BaseException:
        for temporary, _target in ready:
            temporary.unlink(missing_ok=True)
        for folder in [*reversed(made), *((output / path).parent for path in staged)]:
            _remove_empty_parents(folder, output.parent)
        raise
    with _finishing():
        _move_into_place(ready)
        for path in stale:
            _remove_stale(output, path)
    return WriteReport(len([p for p in changed if p != MANIFEST]), len(stale))


def _check_manifest(output: Path, gone: set[str]) -> None:
    """Refuse the manifest's entries that could lead outside `output`: the manifest may come
    with a clone or an archive, and chronoline removes the files it lists and no longer
    makes. Only those are looked at; the others are files this build makes."""
    unsafe = {path for path in gone if unsafe_entry(path)}
    if not unsafe:
        return
    manifest = output / MANIFEST
    lines = _read_nofollow(str(manifest)).decode("utf-8", "replace").splitlines()
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
    _remove_empty_parents(target.parent, output)


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


@contextlib.contextmanager
def exclusive(output: Path, waiting: Callable[[], None] | None = None,
              wait: bool = True) -> Iterator[None]:
    """Keep other builds out of `output` (made if missing) while the block runs. A second
    build waits for the first (`waiting` is called once, to say so) or, unless `wait`, stops
    with an OutputError.

    The lock is `flock` on the folder itself: no lock file to deploy with the site or to
    leave beside it (where the user may not even be able to write), builds of two sites into
    one folder are kept apart too, and the system releases it when a build dies, even killed.
    """
    made: list[Path] = []
    _make_folders(output, made)
    try:
        descriptor = _locked(output, waiting, wait)
        try:
            yield
        finally:
            if descriptor is not None:
                os.close(descriptor)
    finally:
        if made:  # a first build that failed: the folder it made goes too, if it is empty
            with contextlib.suppress(OSError):
                _remove_empty_parents(output, made[0].parent)


def _locked(output: Path, waiting: Callable[[], None] | None, wait: bool) -> int | None:
    """A descriptor of `output` holding its lock, or None where locks are not to be had."""
    if fcntl is None:
        return None
    told = False
    while True:
        descriptor = os.open(output, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if not wait:
                    raise OutputError(f"{output}: another build is writing this folder; "
                                      "wait for it to finish, or build without --no-wait"
                                      ) from None
                if waiting is not None and not told:
                    waiting()
                    told = True
                fcntl.flock(descriptor, fcntl.LOCK_EX)
        except OSError as exc:
            os.close(descriptor)
            if exc.errno not in (errno.ENOLCK, errno.EOPNOTSUPP, errno.EINVAL):
                raise
            log.warning("%s: the file system does not lock folders; two builds of it at once "
                        "would mix their files", output)
            return None
        except BaseException:
            os.close(descriptor)
            raise
        # The build before may have removed the folder (a first build that failed) and the
        # next made it again: then the lock held is that of a folder no longer there.
        with contextlib.suppress(FileNotFoundError):
            if os.path.samestat(os.fstat(descriptor), os.stat(output)):
                return descriptor
        os.close(descriptor)
        _make_folders(output, [])


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
    fresh = not os.path.lexists(marker)
    if fresh:
        os.close(os.open(marker, os.O_WRONLY | os.O_CREAT | _NO_FOLLOW, 0o644))
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
        return set(_read_nofollow(str(output / MANIFEST)).decode("utf-8").splitlines())
    except (OSError, UnicodeDecodeError):
        # None, or a link (replaced by the new one): nothing listed is removed.
        return set()


def no_follow(path: str, flags: int) -> int:
    """An opener for `open()` that refuses a link (OSError ELOOP) instead of following it."""
    return os.open(path, flags | _NO_FOLLOW, 0o644)


def _read_nofollow(path: str) -> bytes:
    """The bytes of the file at `path`, which must not be a link (OSError ELOOP)."""
    with open(path, "rb", opener=no_follow) as file:
        return file.read()


def stage(content: bytes, output: Path, path: str) -> bool:
    """Write `content` beside `path` in `output` under the temporary name, unless the file
    there holds it already; True when written. Pages and data files are staged this way as
    soon as they are made, by worker processes too: a site of 100,000 events need not be held
    in memory, nor its pages travel back to the process that writes the site. The folders on
    the way were checked by the caller (see Folders); the file itself is never a link
    followed, to read or to write."""
    target = os.path.join(output, path)
    if _holds(target, content):
        return False
    os.makedirs(os.path.dirname(target), exist_ok=True)
    write_new(_temporary(Path(target)), target, content)
    return True


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
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | _NO_FOLLOW
    try:
        descriptor = os.open(path, flags, 0o644)
    except OSError as exc:
        if exc.errno != errno.ELOOP:
            raise
        os.unlink(path)  # a temporary's name is chronoline's own: a link there is no one's
        descriptor = os.open(path, flags | os.O_EXCL, 0o644)
    return open(descriptor, "wb")


def _holds(target: str, content: bytes) -> bool:
    try:
        descriptor = os.open(target, os.O_RDONLY | _NO_FOLLOW)
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


def _same(content: Content, path: Path) -> bool:
    if not isinstance(content, Path):
        return _holds(str(path), content)
    try:
        if content.stat().st_size != os.lstat(path).st_size:
            return False
        return content.read_bytes() == _read_nofollow(str(path))
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
        temporary = _temporary(target)
        _write(content, temporary, target)
        os.replace(temporary, target)
        written.append(path)
    removed = sorted(set(previous) - set(files))
    for path in removed:
        folders.check(path)
        _remove_stale(output, path)
    return written, removed


def _remove_empty_parents(folder: Path, top: Path) -> None:
    while (folder != top and not folder.is_symlink() and folder.is_dir()
           and not any(folder.iterdir())):
        folder.rmdir()
        folder = folder.parent
