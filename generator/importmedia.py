"""Media a TimelineJS file names by a path: beside a file on this machine, found, checked to be
a picture, sound, video or PDF, and copied into the site under a name no other file has; in a
file from the web, made absolute against the file's address (media on the web stay there)."""

from __future__ import annotations

import hashlib
import os
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from generator.importformats import MAX_BYTES, ImportFailed

MAX_FILE_BYTES = MAX_BYTES  # one picture or film; TimelineJS's own advice is a few hundred KB
MAX_TOTAL_BYTES = 20 * MAX_BYTES  # all an import copies: far above a real timeline's pictures
_CHUNK = 1024 * 1024
_HEAD = 1024
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")  # a name stays as it was if it is safe in a URL


def _at(offset: int, *marks: bytes) -> Callable[[bytes], bool]:
    return lambda head: any(head[offset:offset + len(mark)] == mark for mark in marks)


# What a file must begin with to be copied: a file named `.png` that is not one (a key, a
# document that a hostile timeline names as `../../.ssh/id_rsa.png`) never enters the site.
_KINDS: dict[str, Callable[[bytes], bool]] = {
    ".png": _at(0, b"\x89PNG\r\n\x1a\n"),
    ".jpg": _at(0, b"\xff\xd8\xff"), ".jpeg": _at(0, b"\xff\xd8\xff"),
    ".gif": _at(0, b"GIF87a", b"GIF89a"),
    ".webp": lambda head: head[:4] == b"RIFF" and head[8:12] == b"WEBP",
    ".avif": _at(4, b"ftypavi"),
    ".svg": lambda head: re.match(rb"(?:\xef\xbb\xbf)?\s*<(?:\?xml|svg|!--|!DOCTYPE svg)", head)
    is not None and b"<svg" in head,
    ".mp3": _at(0, b"ID3", b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"),
    ".m4a": _at(4, b"ftyp"), ".mp4": _at(4, b"ftyp"), ".m4v": _at(4, b"ftyp"),
    ".mov": _at(4, b"ftyp", b"moov", b"wide", b"mdat"),
    ".wav": lambda head: head[:4] == b"RIFF" and head[8:12] == b"WAVE",
    ".ogg": _at(0, b"OggS"), ".oga": _at(0, b"OggS"), ".ogv": _at(0, b"OggS"),
    ".webm": _at(0, b"\x1a\x45\xdf\xa3"),
    ".pdf": _at(0, b"%PDF-"),
}


@dataclass(frozen=True)
class Copy:
    """A file to copy into the site, and what it held when it was checked."""

    source: Path
    target: Path
    digest: str


@dataclass(frozen=True)
class MediaPlan:
    """Where each media path of a timeline goes: `urls` maps an address as the slide wrote it
    to the one its event gets; `copies` maps an event's address to the file still to copy
    there (none when an equal file is there already); `left` says, one line each, what could
    not be placed."""

    urls: dict[str, str]
    copies: dict[str, Copy]
    left: tuple[str, ...]


NO_MEDIA = MediaPlan({}, {}, ())


def is_path(url: str) -> bool:
    """True for a media address that names a file beside the timeline (`media/map.png`,
    `../img/x.jpg`, `/static/x.jpg`): no scheme, no host (`//host/x.jpg` is a web address),
    and not HTML (TimelineJS takes a quotation or an embed as media too)."""
    text = url.strip()
    if not text or text.startswith(("//", "<")):
        return False
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    return not parts.scheme and bool(parts.path)


def media_url(slide: object, key: str = "media") -> str:
    """A slide's media (or background) address as written, or "" when it has none."""
    part = slide.get(key) if isinstance(slide, dict) else None
    url = part.get("url") if isinstance(part, dict) else None
    return url if isinstance(url, str) else ""


def absolute(data: dict, base: str) -> dict:
    """`data` with each slide's media and background paths made absolute against `base`, the
    address the timeline came from."""
    return {**data, "events": [_joined(slide, base) for slide in data["events"]]}


def _joined(slide: object, base: str) -> object:
    if not isinstance(slide, dict):
        return slide
    joined = dict(slide)
    for key in ("media", "background"):
        if is_path(url := media_url(slide, key)):
            joined[key] = {**slide[key], "url": urljoin(base, url.strip())}
    return joined


def plan_media(data: dict, beside: Path, folder: Path, into: Path) -> MediaPlan:
    """Where each media path of `data`, relative to the folder `beside`, goes: into `folder`,
    under its own name unless another file has it, as an address relative to `into`."""
    counts = Counter(url for url in map(media_url, data["events"]) if is_path(url))
    existing = _names_in(folder)
    placed: dict[str, str] = {}  # a name taken by this import (case folded) → its digest
    urls: dict[str, str] = {}
    copies: dict[str, Copy] = {}
    left: list[str] = []
    total = 0
    for url, events in counts.items():
        source = _locate(url, beside)
        if source is None:
            left.append(f"not found beside the file: {url.strip()} ({_events(events)})")
            continue
        problem, digest, size = _check(source) if _inside(source, beside) else (
            "it is outside the imported file's folder; a timeline may name only the files "
            "kept with it (copy it there by hand if it belongs in the site)", "", 0)
        if not problem and total + size > MAX_TOTAL_BYTES:
            problem = (f"the media copied would pass {MAX_TOTAL_BYTES // 1024 // 1024:,} MB; "
                       "copy the rest by hand")
        if problem:
            left.append(f"not copied: {url.strip()} ({_events(events)}): {problem}")
            continue
        target, new = _place(source.name, digest, folder, existing, placed)
        address = _relative(target, into)
        urls[url] = address
        if new:
            copies[address] = Copy(source, target, digest)
            total += size
    return MediaPlan(urls, copies, tuple(left))


def copy_media(plan: MediaPlan, addresses: set[str]) -> tuple[Path, ...]:
    """Copy the files the events at `addresses` use; never over a file (one that appeared
    since the plan was made is left as it is). The files copied."""
    copied = []
    for address in sorted(addresses & plan.copies.keys()):
        if _copy(plan.copies[address]):
            copied.append(plan.copies[address].target)
    return tuple(copied)


def _events(count: int) -> str:
    return f"{count} event{'' if count == 1 else 's'}"


def _locate(url: str, beside: Path) -> Path | None:
    """The file `url` names, relative to `beside`; a path from the root (`/static/x.jpg`) is
    looked for under `beside` too, as if the file's folder were the site it came from, and never
    from the root of this machine."""
    relative = unquote(urlsplit(url.strip()).path).lstrip("/")
    try:
        path = beside / relative
        return path if relative and path.is_file() else None
    except (OSError, ValueError):  # a name too long, or with a NUL in it
        return None


def _inside(source: Path, beside: Path) -> bool:
    """Whether `source`, links followed, is in the folder `beside` or under it: a timeline
    from elsewhere must not bring a private file (`../../.ssh/id_rsa.png`, a link beside it)
    into a site that will be published."""
    try:
        return source.resolve().is_relative_to(beside.resolve())
    except (OSError, RuntimeError):  # a loop of links
        return False


def _check(source: Path) -> tuple[str, str, int]:
    """Why `source` cannot be copied ("" when it can), its digest and its size."""
    kind = _KINDS.get(source.suffix.lower())
    if kind is None:
        return (f"it is not a picture, sound, video or PDF file "
                f"({source.suffix or 'no extension'})"), "", 0
    digest, size, head = hashlib.sha256(), 0, b""
    try:
        with source.open("rb") as file:
            while chunk := file.read(_CHUNK):
                head, size = head or chunk[:_HEAD], size + len(chunk)
                if size > MAX_FILE_BYTES:
                    return (f"it is larger than {MAX_FILE_BYTES // 1024 // 1024} MB; copy it "
                            "by hand if it belongs in the site"), "", 0
                digest.update(chunk)
    except OSError as exc:
        return f"it cannot be read ({exc.strerror or exc})", "", 0
    if not kind(head):
        return f"it does not hold what its name says ({source.suffix})", "", 0
    return "", digest.hexdigest(), size


def _names_in(folder: Path) -> dict[str, Path]:
    """The entries of `folder` by their case-folded names: a site that differs from another
    file only in letter case breaks on macOS and Windows, so such a name counts as taken."""
    try:
        return {entry.name.casefold(): entry for entry in folder.iterdir()}
    except OSError:  # no folder yet: nothing taken
        return {}


def _place(name: str, digest: str, folder: Path, existing: dict[str, Path],
           placed: dict[str, str]) -> tuple[Path, bool]:
    """The file in `folder` that holds the file `name` with `digest`: its own name when free,
    else `name-2`, `name-3`…; an equal file already there is used as it is. (target, whether
    to copy)."""
    stem, suffix = _safe(Path(name).stem), Path(name).suffix
    number = 1
    while True:
        candidate = f"{stem}{suffix}" if number == 1 else f"{stem}-{number}{suffix}"
        key = candidate.casefold()
        if key in placed:
            if placed[key] == digest:
                return folder / candidate, False
        elif key not in existing:
            placed[key] = digest
            return folder / candidate, True
        elif existing[key].name == candidate and _digest(existing[key]) == digest:
            placed[key] = digest
            return folder / candidate, False
        number += 1


def _safe(stem: str) -> str:
    """A file name's stem as it was when it is safe in a URL and on any disk, else made so."""
    return _UNSAFE.sub("-", stem).strip("-.") or "media"


def _digest(path: Path) -> str:
    """The digest of a file already in the site, or "" (never equal) for anything else."""
    problem, digest, _ = _check(path) if path.is_file() else ("not a file", "", 0)
    return "" if problem else digest


def _relative(target: Path, into: Path) -> str:
    """`target`'s address from the folder `into`, with `..` where it climbs out of it."""
    return Path(os.path.relpath(target.absolute(), into.absolute())).as_posix()


def _copy(copy: Copy) -> bool:
    """Copy one file; False when its target exists now (nothing is ever written over)."""
    copy.target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    try:
        with copy.source.open("rb") as source, copy.target.open("xb") as target:
            while chunk := source.read(_CHUNK):
                digest.update(chunk)
                target.write(chunk)
                if target.tell() > MAX_FILE_BYTES:
                    break
    except FileExistsError:
        return False
    if digest.hexdigest() != copy.digest:
        copy.target.unlink()
        raise ImportFailed(f"{copy.source}: changed while it was being imported; import again")
    return True
