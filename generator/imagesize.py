"""A picture's width and height in pixels, read from the first bytes of its file.

PNG, GIF and WebP say their size in their first 30 bytes, an SVG in its root element's
attributes, a JPEG in a frame header after its metadata segments. Every read is bounded: a huge
file, or one whose segments never reach a frame header, costs at most READ_AT_MOST bytes."""

from __future__ import annotations

import re
import struct
from typing import BinaryIO

READ_AT_MOST = 256 * 1024  # a JPEG's EXIF and colour profile come before its size: some 100 KB
HEAD = 4096  # an SVG's root element, with a long comment or doctype before it
MAX_SIDE = 1_000_000  # no picture is this large; a bigger number is a damaged file

_SVG_ROOT = re.compile(rb"<svg\b[^>]*>", re.IGNORECASE)
_SVG_LENGTH = rb"""\s%s\s*=\s*["']\s*([0-9]+(?:\.[0-9]+)?)\s*(px)?\s*["']"""
_SVG_VIEWBOX = re.compile(
    rb"""\sviewBox\s*=\s*["']\s*[-0-9.eE]+[\s,]+[-0-9.eE]+[\s,]+([0-9.eE]+)[\s,]+([0-9.eE]+)""")
# JPEG markers that start a frame (SOF0-SOF15, but not DHT, JPG and DAC, which share the range).
_JPEG_FRAMES = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def image_size(path: str) -> tuple[int, int] | None:
    """(width, height) of the picture at `path`, or None when its format is not one known here
    or the file does not say (an SVG sized in ems or percent, a damaged file)."""
    try:
        with open(path, "rb") as file:
            head = file.read(HEAD)
            size = _from_head(head) or (_jpeg(file) if head.startswith(b"\xff\xd8") else None)
    except (OSError, struct.error, OverflowError, ValueError):
        return None  # a file cut short or with a size no picture has: a damaged one
    if size is None or not all(0 < side <= MAX_SIDE for side in size):
        return None
    return size


def _from_head(head: bytes) -> tuple[int, int] | None:
    if head.startswith(b"\x89PNG\r\n\x1a\n") and head[12:16] == b"IHDR":
        return struct.unpack(">II", head[16:24])
    if head[:6] in (b"GIF87a", b"GIF89a") and len(head) >= 10:
        return struct.unpack("<HH", head[6:10])
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return _webp(head)
    if b"<svg" in head or b"<SVG" in head:
        return _svg(head)
    return None


def _webp(head: bytes) -> tuple[int, int] | None:
    kind = head[12:16]
    if kind == b"VP8 " and len(head) >= 30 and head[23:26] == b"\x9d\x01\x2a":
        width, height = struct.unpack("<HH", head[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if kind == b"VP8L" and len(head) >= 25 and head[20] == 0x2F:
        bits = int.from_bytes(head[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if kind == b"VP8X" and len(head) >= 30:
        return (int.from_bytes(head[24:27], "little") + 1,
                int.from_bytes(head[27:30], "little") + 1)
    return None


def _svg(head: bytes) -> tuple[int, int] | None:
    """An SVG's size from its root's `width` and `height` in pixels (or without a unit), else
    from its `viewBox`; as a browser would lay it out with neither set on the image."""
    root = _SVG_ROOT.search(head)
    if root is None:
        return None
    element = root.group()
    width = re.search(_SVG_LENGTH % b"width", element)
    height = re.search(_SVG_LENGTH % b"height", element)
    if width and height:
        return round(float(width.group(1))), round(float(height.group(1)))
    box = _SVG_VIEWBOX.search(element)
    if box and not re.search(rb"\s(?:width|height)\s*=", element):
        try:
            return round(float(box.group(1))), round(float(box.group(2)))
        except ValueError:
            return None
    return None


def _jpeg(file: BinaryIO) -> tuple[int, int] | None:
    """Walk a JPEG's segments, seeking over each, to its first frame header."""
    file.seek(2)
    while file.tell() < READ_AT_MOST:
        marker = file.read(2)
        while marker[:1] == b"\xff" and marker[1:] == b"\xff":  # fill bytes before a marker
            if file.tell() >= READ_AT_MOST:
                return None
            marker = b"\xff" + file.read(1)
        if len(marker) < 2 or marker[0] != 0xFF:
            return None
        kind = marker[1]
        if kind == 0xD8 or 0xD0 <= kind <= 0xD7 or kind == 0x01:
            continue  # markers without a length
        length = file.read(2)
        if len(length) < 2:
            return None
        size = struct.unpack(">H", length)[0]
        if kind in _JPEG_FRAMES:
            frame = file.read(5)
            if len(frame) < 5:
                return None
            height, width = struct.unpack(">HH", frame[1:5])
            return width, height
        if kind in (0xD9, 0xDA) or size < 2:  # the image data began, or a damaged segment
            return None
        file.seek(size - 2, 1)
    return None
