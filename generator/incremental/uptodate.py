"""Whether a build has nothing to do: the output folder holds what the last build made, from
exactly the files, settings and layouts there are now. Then not even the events are read."""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from pathlib import Path

from generator.discover import RECENT_NS, UNSETTLED, Stamp, stamp_of
from generator.incremental.cache import Index
from generator.outputfolder import BUILDING, MANIFEST
from generator.reading import file_digest

# Event files a build with nothing to do compares by content, when their timestamps changed or
# were too recent to trust. Past this many (a checkout, a `touch` of all), the build reads the
# files instead, and notes their new timestamps for the builds after.
COMPARED_AT_MOST = 200


def output_as_recorded(index: Index, output: Path, drafts: bool) -> bool:
    """True when `index` records a finished build of `output`, with drafts as asked."""
    if index.output != str(output.resolve()) or index.drafts != drafts:
        return False
    if MANIFEST not in index.outputs:
        return False
    return not os.path.exists(os.path.join(output, BUILDING))  # files staged by a stopped build


def event_stamps(root: Path, paths: Iterable[str]) -> dict[str, Stamp] | None:
    """The stamps of the event files, or None when one of them is gone."""
    settled = time.time_ns() - RECENT_NS
    prefix = f"{root}/"  # plain strings: os.path.join costs more than stat here
    stamps = {}
    for path in paths:
        try:
            stamps[path] = stamp_of(os.stat(prefix + path), settled)
        except OSError:
            return None
    return stamps


def files_as_recorded(index: Index, root: Path, output: Path, found: dict[str, Stamp]) -> bool:
    """True when the source files `found` (path → stamp) are those `index` records, and each
    output file is the size and time the last build left it."""
    if found.keys() != index.sources.keys():
        return False
    differ = [path for path, stamp in found.items()
              if stamp != index.sources[path] or stamp == UNSETTLED]
    if len(differ) > COMPARED_AT_MOST:
        return False
    folder = f"{output.resolve()}/"
    for path, (_key, size, mtime) in index.outputs.items():
        try:
            info = os.stat(folder + path)
        except OSError:
            return False
        if (info.st_size, info.st_mtime_ns) != (size, mtime):
            return False
    # An event file changed lately, or when the last build read it, may hold what that
    # build read: that is told by its content (after a quick edit and a build, the next).
    return all(_same_file(root, path, index.event_files.get(path)) for path in differ)


def _same_file(root: Path, path: str, digest: bytes | None) -> bool:
    """True when the event file `path` holds what was read as `digest`."""
    if digest is None:  # not an event file, or none was read
        return False
    try:
        data = (root / path).read_bytes()
    except OSError:
        return False
    return file_digest(path, data) == digest
