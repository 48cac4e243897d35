"""Write the site: only files that changed, stale files gone, swapped in whole."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path


class Keep:
    """Stands for a file the output folder already holds as it should be."""


KEEP = Keep()
# What a file of the new site is made of: bytes rendered in memory, a file to copy, or KEEP.
Content = bytes | Path | Keep
# The list of files chronoline wrote into an output folder: only those are ever replaced or
# removed, so a file the user put there (a CNAME, say) stays; a folder without it is not ours.
MANIFEST = ".chronoline-files"


@dataclass(frozen=True)
class WriteReport:
    written: int
    removed: int


class OutputError(Exception):
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
    if out.is_dir() and any(out.iterdir()) and not (out / MANIFEST).exists():
        raise OutputError(f"{output}: the folder holds files that chronoline did not write; "
                          "empty it, or choose another --output")


def write_site(files: dict[str, Content], output: Path) -> WriteReport:
    """Make `output` hold `files` and whatever else the user put there; files chronoline wrote
    before and no longer makes are removed; unchanged files keep their inode and timestamp."""
    existing = _existing_files(output)
    written_before = _manifest(output)
    files = {**files, MANIFEST: "".join(f"{p}\n" for p in sorted(files)).encode("utf-8")}
    changed = sorted(p for p, c in files.items() if p not in existing or not _same(c, output / p))
    stale = sorted((written_before & set(existing)) - set(files))
    kept = sorted(set(existing) - set(files) - written_before)  # the user's own files
    if not changed and not stale:
        return WriteReport(0, 0)
    staging = output.with_name(f".{output.name}.new-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        changed_set = set(changed)
        for path, content in sorted(files.items()):
            target = staging / path
            target.parent.mkdir(parents=True, exist_ok=True)
            if path in changed_set:
                _write(content, target)
            else:
                _link_or_copy(output / path, target)
        for path in kept:
            (staging / path).parent.mkdir(parents=True, exist_ok=True)
            _link_or_copy(output / path, staging / path)
        _swap(staging, output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return WriteReport(len([p for p in changed if p != MANIFEST]), len(stale))


def _manifest(output: Path) -> set[str]:
    try:
        return set((output / MANIFEST).read_text(encoding="utf-8").splitlines())
    except OSError:
        return set()


def _existing_files(output: Path) -> dict[str, Path]:
    if not output.is_dir():
        return {}
    found = {}
    for folder, _dirs, names in os.walk(output):
        for name in names:
            path = Path(folder, name)
            found[path.relative_to(output).as_posix()] = path
    return found


def _same(content: Content, path: Path) -> bool:
    if content is KEEP:
        return path.is_file()
    try:
        if isinstance(content, Path):
            if content.stat().st_size != path.stat().st_size:
                return False
            return content.read_bytes() == path.read_bytes()
        return path.stat().st_size == len(content) and path.read_bytes() == content
    except OSError:
        return False


def _write(content: Content, target: Path) -> None:
    if isinstance(content, Path):
        shutil.copyfile(content, target)
    else:
        target.write_bytes(content)


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _swap(staging: Path, output: Path) -> None:
    if not output.exists():
        staging.rename(output)
        return
    old = output.with_name(f".{output.name}.old-{os.getpid()}")
    shutil.rmtree(old, ignore_errors=True)
    output.rename(old)
    staging.rename(output)
    shutil.rmtree(old, ignore_errors=True)


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
        temporary = target.with_name(f".{target.name}.tmp")
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
