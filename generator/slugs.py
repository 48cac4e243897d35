"""URL-safe names: lowercase ASCII letters, digits and hyphens."""

from __future__ import annotations

import re

from anyascii import anyascii

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """`Ansip waarschuwt: "bezorgd"` → `ansip-waarschuwt-bezorgd`; any script becomes ASCII."""
    return _NOT_SLUG.sub("-", anyascii(text).lower()).strip("-")

