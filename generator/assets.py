"""The files a site copies as they are: the theme's static files, a site's layouts/static/
and content/'s files that are not events; where each goes, and any that would take the place of
a generated file."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Collection, Iterator
from pathlib import Path

from generator.discover import (
    RECENT_NS,
    UNSETTLED,
    SourceFiles,
    Stamp,
    readable,
    stamp_of,
    static_files,
)
from generator.errors import ContentError
from generator.layouts import STATIC_DIR
from generator.output import Content

ASSETS = "assets"


def copied_files(root: Path, sources: SourceFiles,
                 ) -> tuple[dict[str, Stamp], list[ContentError]]:
    """The stamp of each file a build copies from the site (content/'s other files and
    layouts/static/), by path from the site's folder, and the files it cannot copy."""
    # Walked at each build (the dev server's watcher may have seen a file come); only
    # files inside layouts/static/: discover() warns of what it leaves out.
    static = static_files(root)
    problems = [ContentError(readable(path), "its name is not UTF-8 text; rename it")
                for path in static.misnamed]
    settled = time.time_ns() - RECENT_NS
    stamps = {}
    for path in [*sources.assets, *static.files]:
        try:
            stamps[path] = stamp_of(os.stat(os.path.join(root, path)), settled)
        except OSError:
            stamps[path] = UNSETTLED
    return stamps, problems


def placed(root: Path, sources: SourceFiles, copied: Collection[str], search: bool = True,
           ) -> tuple[dict[str, Content], dict[str, str]]:
    """Where the copied files go in the output: the theme's (its search script only with
    `search`) and layouts/static/ (output path → file), and content/'s (path from the site's
    folder → output path)."""
    files: dict[str, Content] = {f"{ASSETS}/{asset.name}": asset
                                 for asset in sorted(STATIC_DIR.iterdir())
                                 if search or asset.name != "search.js"}
    for path in copied:
        if path.startswith("layouts/static/"):
            # A site's layouts/static/ adds files to assets/ or replaces the theme's own.
            files[f"{ASSETS}/{path.removeprefix('layouts/static/')}"] = root / path
    return files, {path: path.removeprefix("content/") for path in sources.assets}


IGNORING_CASE = "where letter case is ignored (macOS, Windows)"


def output_clashes(assets: dict[str, str], generated: Callable[[], Collection[str]],
                   ) -> list[ContentError]:
    """The files of content/ (path from the site's folder → output path) that would take the
    place of a generated file or folder, or of each other, also where letter case is ignored;
    each named with what it collides with. `generated` gives the generated paths, only asked
    for when there are files to check: a dev server's rebuild spares gathering ten thousand.
    A generated name ending in `/` is a folder the site fills alone, whatever it holds."""
    if not assets:
        return []
    made = generated()
    owned = {path.rstrip("/").casefold(): path for path in made if path.endswith("/")}
    made = [path for path in made if not path.endswith("/")]
    files = {path.casefold(): path for path in made}
    # Each generated folder, folded → its name and a file in it.
    folders: dict[str, tuple[str, str]] = {}
    for path in sorted(made):  # the same file named in each run
        end = path.rfind("/")
        while end > 0 and (folder := path[:end].casefold()) not in folders:
            folders[folder] = (path[:end], path)
            end = path.rfind("/", 0, end)
    problems: list[ContentError] = []
    seen: dict[str, str] = {}
    for source, path in assets.items():
        folded = path.casefold()
        message = None
        if folded in files:
            message = (f"would overwrite the generated {files[folded]}"
                       + ("" if files[folded] == path else f" {IGNORING_CASE}"))
        elif folded in folders:
            folder, inside = folders[folded]
            message = f"is a file where the site has the folder {folder}/ (for {inside})"
        elif clash := next((files[folded[:end]] for end in _slashes(folded)
                            if folded[:end] in files), None):
            message = f"needs a folder where the site has the file {clash}"
        elif within := next((owned[folded[:end]] for end in _slashes(folded)
                             if folded[:end] in owned), None):
            message = f"would be written inside the generated folder {within}"
        elif folded in seen:
            message = f"would overwrite {seen[folded]} {IGNORING_CASE}"
        seen.setdefault(folded, source)
        if message is not None:
            problems.append(ContentError(source, f"{message}; rename or move it"))
    return problems


def _slashes(path: str) -> Iterator[int]:
    end = path.find("/")
    while end > 0:
        yield end
        end = path.find("/", end + 1)
