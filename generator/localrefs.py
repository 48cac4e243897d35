"""Files kept under content/ that an event shows or links to: its `media.url`, the pictures
and links of its Markdown. Each is found relative to the event file's folder, then to content/
(`/` first: content/ only), and never outside content/; its address is then written as the
event's page reaches it, a picture gets its size, and a link to another event file becomes a
link to that event's page. A reference written as it was before files were found this way,
relative to the event's page (`../../images/map.png`), still finds its file.

An event keeps what it found (`LocalRef`), so that one read before is read again when the
files under content/ would now give another answer (`stale`)."""

from __future__ import annotations

import difflib
import os
import posixpath
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit

from generator.discover import (
    EVENT_SUFFIXES,
    RECENT_NS,
    UNSETTLED,
    SourceFiles,
    Stamp,
    stamp_of,
)
from generator.errors import ContentError, shortened
from generator.imagesize import image_size
from generator.markup import Refer, url_scheme
from generator.model import Event, LocalRef
from generator.slugs import slugify

PICTURES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg")
PAGE_ROOT = "../../"  # from an event's page, events/<slug>/index.html, to the site's root
SUGGEST_AMONG = 2_000  # files of one folder compared for a "did you mean"
# Kept as they are in an address's path (RFC 3986), all but `:`: a file named `javascript:x`
# linked from the site's root would read as a scheme.
_SAFE_IN_PATH = "/!$&'()*+,;=@~"


class LocalFiles:
    """The files under content/ as a build found them: paths from content/, event files too.
    They travel to worker processes as one text, which pickles as fast as a copy: a set of
    ten thousand names took 15 ms each way, for every chunk of files a worker parses."""

    def __init__(self, root: str, listing: str, slugs: Mapping[str, str] | None = None) -> None:
        self.root = root  # the site's folder, where pictures are read for their size
        self.listing = listing  # the paths, each ended by NUL, which no name holds
        self.slugs = slugs or {}  # an event file's slug, when known
        self._files: frozenset[str] | None = None
        self._folders: dict[str, list[str]] | None = None

    @property
    def files(self) -> frozenset[str]:
        """The paths as a set, made when a reference is first looked up."""
        if self._files is None:
            self._files = frozenset(self.listing.split("\0")[:-1])
        return self._files

    def names_in(self, folder: str) -> list[str]:
        """The names of the files in `folder` (from content/), for a "did you mean": made for
        every folder at the first call, since a run with one missing file often has many."""
        if self._folders is None:
            self._folders = {}
            for path in sorted(self.files):
                parent, _, name = path.rpartition("/")
                self._folders.setdefault(parent, []).append(name)
        return self._folders.get(folder, [])

    def with_slugs(self, slugs: Mapping[str, str]) -> LocalFiles:
        return LocalFiles(self.root, self.listing, slugs)

    def __reduce__(self) -> tuple:
        return (LocalFiles, (self.root, self.listing, self.slugs))


@dataclass(frozen=True)
class Found:
    """A reference resolved: its address from the event's page, and a picture's size."""

    url: str
    path: str  # from content/
    size: tuple[int, int] | None = None


def local_files(root: str, sources: SourceFiles) -> LocalFiles:
    """The files a walk of content/ found, for events to name."""
    return LocalFiles(root, "".join(f"{path.removeprefix('content/')}\0" for path in
                                      (*sources.events, *sources.assets)))


def is_local(url: str) -> bool:
    """True for an address with no scheme that does not begin with `//`: a path in the site."""
    cleaned = url.strip()
    return url_scheme(cleaned) is None and not cleaned.startswith(("//", "\\\\", "/\\"))


def site_path(path: str) -> str:
    """A file's path from content/ as its address in the site, from the site's root."""
    return quote(path, safe=_SAFE_IN_PATH)


class References:
    """Resolves the references of one event file and keeps what it found and what is wrong."""

    def __init__(self, path: str, slug: str, local: LocalFiles | None,
                 sizes: dict | None = None) -> None:
        self.folder = posixpath.dirname(path.removeprefix("content/"))
        self.slug = slug
        self.local = local
        self.sizes = sizes if sizes is not None else {}  # path → (stamp, size), per read
        self.refs: dict[str, LocalRef] = {}
        self.problems: list[tuple[str, str, str]] = []  # field, written, message

    def media(self, field: str, written: str) -> Found | None:
        """`media.url` naming a file under content/; None, with a problem, when it does not."""
        target = urlsplit(written.strip())
        if not target.path or target.path.endswith("/"):
            self._problem(field, written, f"{shortened(written)} names a folder, not a file; "
                          "name the picture or file itself")
            return None
        found = self._resolve(field, written, target.path, page_relative=False)
        if found is not None and found.path.lower().endswith(EVENT_SUFFIXES):
            self._problem(field, written, f"{shortened(written)} is an event file; media is a "
                          "picture or other file")
            return None
        return found

    def markdown(self, field: str) -> Refer:
        """What Markdown's links and pictures in `field` are rewritten by (see markup.render):
        a relative address → (its address from the event's page, a picture's size)."""

        def refer(url: str, picture: bool) -> tuple[str, tuple[int, int] | None] | None:
            if not is_local(url):
                return None  # another site's address, checked as such (`//[x` included)
            try:
                target = urlsplit(url)
            except ValueError:
                return None
            # A link to a fragment, or to a folder (a page of the site), stays as written.
            if not target.path or target.path.endswith("/"):
                return None
            found = self._resolve(field, url, target.path, page_relative=True)
            if found is None:
                return None
            tail = (f"?{target.query}" if target.query else "") + (
                f"#{target.fragment}" if target.fragment else "")
            return found.url + tail, found.size if picture else None

        return refer

    def _resolve(self, field: str, written: str, path: str, page_relative: bool,
                 ) -> Found | None:
        name = unquote(path)
        if "\\" in name or "\x00" in name:
            self._problem(field, written, f"{shortened(written)} holds a backslash; separate "
                          "folders with /")
            return None
        places = self._places(name, page_relative)
        if not places:
            self._problem(field, written, f"{shortened(written)} leads out of content/; keep "
                          "the file under content/ and name it from the event's folder or "
                          "from content/")
            return None
        files = self.local.files if self.local is not None else None
        at = next((i for i, place in enumerate(places) if files is None or place in files), None)
        if at is None:
            self._problem(field, written, self._missing(name, places))
            return None
        found = places[at]
        if found.lower().endswith(EVENT_SUFFIXES):
            slug = self._slug_of(found)
            self._keep(LocalRef(found, tuple(places[:at]), None, slug))
            return Found(f"../{quote(slug)}/index.html", found)
        stamp, size = self._size(found) if found.lower().endswith(PICTURES) else (None, None)
        self._keep(LocalRef(found, tuple(places[:at]), stamp))
        return Found(PAGE_ROOT + site_path(found), found, size)

    def _places(self, name: str, page_relative: bool) -> list[str]:
        """Where a written path may be, in the order looked at: from the event file's folder,
        from content/, and (as before) from the event's page; none outside content/."""
        if name.startswith("/"):
            bases = [""]
        else:
            bases = [self.folder, ""] + ([f"events/{self.slug}"] if page_relative else [])
        places = []
        for base in bases:
            place = posixpath.normpath(posixpath.join(base, name.lstrip("/")))
            if place != ".." and not place.startswith("../") and place not in places:
                places.append(place)
        return places

    def _missing(self, name: str, places: list[str]) -> str:
        message = f"{shortened(name)} does not exist under content/"
        if self.local is None:
            return message
        content = os.path.join(self.local.root, "content")
        if any(os.path.lexists(os.path.join(content, place)) for place in places):
            return (f"{shortened(name)} is not published: it is a link that leads out of "
                    "content/, or a name chronoline leaves out (hidden, a backup); put the "
                    "file itself there")
        return message + self._suggestion(name, places)

    def _suggestion(self, name: str, places: list[str]) -> str:
        """`; did you mean images/map.png?`, a close name in a folder looked in, written as
        the author wrote the path; else a hint of where files are looked for."""
        assert self.local is not None
        wanted = posixpath.basename(name)
        for place in places:
            names = self.local.names_in(posixpath.dirname(place))
            close = difflib.get_close_matches(wanted, names[:SUGGEST_AMONG], n=1, cutoff=0.6)
            if close:
                return f"; did you mean {posixpath.join(posixpath.dirname(name), close[0])}?"
        if not self.folder:
            return "; put the file there, or write its path from content/"
        return (f"; put the file there, or write its path from content/{self.folder}/ or "
                "from content/")

    def _slug_of(self, path: str) -> str:
        known = self.local.slugs.get(path) if self.local is not None else None
        return known or slugify(posixpath.splitext(posixpath.basename(path))[0])

    def _size(self, path: str) -> tuple[Stamp | None, tuple[int, int] | None]:
        """A picture's stamp and size, read once per read of the site however many events
        show it."""
        if self.local is None:
            return None, None
        kept = self.sizes.get(path)
        if kept is None:
            full = os.path.join(self.local.root, "content", path)
            try:
                stamp = stamp_of(os.stat(full), _settled())
            except OSError:
                stamp = UNSETTLED
            kept = self.sizes[path] = (stamp, image_size(full))
        return kept

    def _keep(self, ref: LocalRef) -> None:
        if self.local is not None:
            self.refs.setdefault(ref.path, ref)

    def _problem(self, field: str, written: str, message: str) -> None:
        if (field, written, message) not in self.problems:  # one error for a file named twice
            self.problems.append((field, written, message))


def _settled() -> int:
    return time.time_ns() - RECENT_NS


def stale(event: Event, files: frozenset[str], slug_of: Callable[[str], str | None],
          stamp: Callable[[str], Stamp | None]) -> bool:
    """True when `event`'s references would now be found elsewhere, or not at all, or a
    picture it holds the size of changed: then its file must be read again. `slug_of` gives
    an event file's slug (None: not known), `stamp` a picture's stamp now (None: unchanged)."""
    for ref in event.refs:
        if ref.path not in files or any(place in files for place in ref.passed):
            return True
        if ref.slug and slug_of(ref.path) not in (None, ref.slug):
            return True
        if ref.stamp is not None:
            now = stamp(ref.path)
            if ref.stamp == UNSETTLED or (now is not None and now != ref.stamp):
                return True
    return False


def links_to_drafts(events: Iterable[Event]) -> list[ContentError]:
    """The links from events to the files of drafts, for a site built without its drafts:
    the drafts' pages are not made, so such a link would lead nowhere."""
    events = list(events)
    drafts = {event.path for event in events if event.draft}
    if not drafts:
        return []
    return [ContentError(event.path, f"links to {ref.path}, a draft, which is left out of the "
                         "site; link it once it is published, or build with --drafts")
            for event in events if not event.draft and event.refs
            for ref in event.refs if ref.slug and f"content/{ref.path}" in drafts]

def line_naming(lines: list[str], written: str) -> int | None:
    """The number (from 0) of the body's line that names `written` as Markdown writes an
    address, `](x` or `<x>` (or as a reference's definition, `]: x`), before one that only
    mentions it in the text; None when no line holds it as it was read, escapes and all."""
    for marks in ((f"]({written}", f"<{written}>", f"]: {written}", f"]:{written}"),
                  (written,)):
        found = next((number for number, text in enumerate(lines)
                      if any(mark in text for mark in marks)), None)
        if found is not None:
            return found
    return None
