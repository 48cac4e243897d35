"""Output freshness: whether a file in the output folder is still the one a build would make.

The last build recorded, for each file it wrote, the key of all the file was made from, with
its size and timestamp as written. A file whose key is made again the same, and which is still
that size and timestamp, is left as it is (KEEP); the write does not touch it."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from generator.incremental.keys import flat_key, output_key
from generator.model import Event
from generator.output import KEEP, Content
from generator.outputfolder import MANIFEST
from generator.pages import EVENT_PAGE_SHOWS, Page

Recorded = tuple[str, int, int]  # an output's key, its size and its timestamp as written


class Freshness:
    """The outputs one build found as the last one left them, and the keys of all it makes."""

    def __init__(self, site_key: str, digests: dict[int, bytes],
                 recorded: dict[str, Recorded] | None = None, folder: str = "") -> None:
        self.site_key = site_key
        self.digests = digests  # id(event) → hash of its file, which stands for the event
        self.recorded = recorded or {}  # what the last build wrote to `folder`
        self.folder = folder
        self.keys: dict[str, str] = {}  # output path → key, of what this build makes
        self.verified: set[str] = set()  # outputs found as the last build left them

    def unchanged(self, path: str, key: str) -> bool:
        """True when the output folder still holds the file the last build made from `key`."""
        self.keys[path] = key
        recorded = self.recorded.get(path)
        if recorded is None or recorded[0] != key:
            return False
        try:
            info = os.stat(f"{self.folder}/{path}")
        except OSError:
            return False
        if (info.st_size, info.st_mtime_ns) != (recorded[1], recorded[2]):
            return False
        self.verified.add(path)
        return True

    def page_unchanged(self, page: Page) -> bool:
        """`unchanged()` for a page, with the key of all it is made from."""
        context = page.context
        if page.template == "event.html" and context.keys() == EVENT_PAGE_SHOWS:
            # One page per event: worth a key made without walking a dict.
            key = flat_key((self.site_key, page.path, page.title, page.root_override),
                           (context["event"], context["previous"], context["next"]),
                           self.digests)
        else:
            key = output_key((self.site_key, page.template, page.path, page.title,
                              page.root_override, context), self.digests)
        return self.unchanged(page.path, key)

    def data_unchanged(self, names: list[str], events: tuple[Event, ...]) -> bool:
        """`unchanged()` for all the data files: they are made from the events and settings
        alone (the sitemap lists the pages, which are planned from them)."""
        key = flat_key((self.site_key, "data"), events, self.digests)
        self.keys.update(dict.fromkeys(names, key))
        return all(self.unchanged(name, key) for name in names)

    def written(self, files: Iterable[tuple[str, Content]], output: Path,
                ) -> dict[str, Recorded]:
        """The record of the files a build wrote to `output`, for the next build."""
        folder = f"{output}/"
        outputs = {}
        for path, content in [*files, (MANIFEST, None)]:
            if content is KEEP and path in self.verified:
                outputs[path] = self.recorded[path]  # as the build found it, and left it
                continue
            try:
                info = os.stat(folder + path)
            except OSError:
                continue
            outputs[path] = (self.keys.get(path, ""), info.st_size, info.st_mtime_ns)
        return outputs
