"""The output folder: which folder may be one, the names chronoline keeps in it, and the folders
inside it that may be written through."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from generator.errors import CommandFailed

# The list of files chronoline wrote into an output folder: only those are ever replaced or
# removed, so a file the user put there (a CNAME, say) stays; a folder without it is not ours.
MANIFEST = ".chronoline-files"
BUILDING = ".chronoline-building"  # there while a build may have files staged in the folder


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
