"""URL-safe names: lowercase ASCII letters, digits and hyphens."""

from __future__ import annotations

import re

from anyascii import anyascii

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def slugify(text: str) -> str:
    """`Ansip waarschuwt: "bezorgd"` → `ansip-waarschuwt-bezorgd`; any script becomes ASCII."""
    return _NOT_SLUG.sub("-", anyascii(text).lower()).strip("-")


def is_slug(text: str) -> bool:
    """True for a name that is already lowercase ASCII words joined by single hyphens."""
    return bool(SLUG_RE.match(text))
