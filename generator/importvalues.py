"""The loose values of a TimelineJS file as text: cleaned of what no event file may hold, HTML
made plain, each kind of value named in words for a note of what was left out and why."""

from __future__ import annotations

import html
import math
import re
from typing import overload

from generator.frontmatter import CONTROL
from generator.importformats import blank

# Tags are `[^<>]*`, not `[^>]*`: a text of many "<" then took time in the square of its length.
_BREAK = re.compile(r"<br\s*/?>|</?(?:p|div|li|ul|ol|h[1-6]|blockquote|tr|td|th)\b[^<>]*>", re.I)
_TAG = re.compile(r"<[^<>]*>")
_SURROGATE = re.compile(r"[\ud800-\udfff]")  # half a UTF-16 pair, as JSON's "\ud800" gives


# What goes in comes out: text stays text, a mapping a mapping, a list a list.
@overload
def clean(value: str) -> tuple[str, set[str], int]: ...
@overload
def clean(value: dict) -> tuple[dict, set[str], int]: ...
@overload
def clean(value: list) -> tuple[list, set[str], int]: ...
@overload
def clean(value: object) -> tuple[object, set[str], int]: ...


def clean(value: object) -> tuple[object, set[str], int]:
    """`value` without what no event file may hold, what was removed, and its characters.
    Control characters go (TimelineJS shows them as nothing, and a build refuses a file with
    them), half surrogate pairs become U+FFFD, and numbers that are not finite become null.
    `value` nests at most importformats.MAX_NESTING deep, so recursion is safe."""
    if isinstance(value, str):
        removed = set(CONTROL.findall(value))
        text = _SURROGATE.sub("\ufffd", CONTROL.sub("", value)) if removed or \
            _SURROGATE.search(value) else value
        return text, removed, len(text)
    if isinstance(value, float) and not math.isfinite(value):
        return None, set(), 0
    if not isinstance(value, (dict, list)):
        return value, set(), 0
    removed, size, items = set(), 0, []
    for key, item in (value.items() if isinstance(value, dict) else enumerate(value)):
        key, gone_key, key_size = clean(key) if isinstance(key, str) else (key, set(), 0)
        item, gone, item_size = clean(item)
        removed |= gone | gone_key
        size += item_size + key_size
        items.append((key, item))
    return (dict(items) if isinstance(value, dict) else [item for _, item in items]), removed, size


def removed_note(characters: set[str]) -> str:
    names = ", ".join(f"U+{ord(c):04X}" for c in sorted(characters))
    return f"control characters ({names}) were removed from it: they show as nothing"


def kind_of(value: object) -> str:
    """What a value of the wrong type is, in words: 'a list', 'the number 5'."""
    if isinstance(value, bool):
        return f"'{str(value).lower()}'"
    if isinstance(value, (int, float)):
        return f"the number {short(str(value), 20)}"
    if isinstance(value, str):
        return f"the text '{short(value, 20)}'"
    kinds: dict[type, str] = {dict: "a mapping", list: "a list"}
    return kinds.get(type(value), "null")


def mapping(raw: dict, key: str, label: str, notes: list[str]) -> dict:
    """`raw[key]` if it is a mapping; anything else that is not blank is noted as left out."""
    value = raw.get(key)
    if isinstance(value, dict):
        return value
    if not blank(value):
        notes.append(f"{label}: its {key} was left out: it is {kind_of(value)}, not a mapping "
                     "of fields")
    return {}


def scalar(value: object, label: str, what: str, notes: list[str]) -> object:
    """`value` if it is text or a number, as TimelineJS shows it; a list or mapping is noted."""
    if isinstance(value, (dict, list)) and not blank(value):
        notes.append(f"{label}: its {what} was left out: it is {kind_of(value)}, not text")
        return None
    return value


def slide_label(raw: object) -> str:
    """`'The Big Bang' (-13800000000)`: a slide named by its headline and its year."""
    if not isinstance(raw, dict):
        return short(repr(raw))
    year = mapping_or_empty(raw.get("start_date")).get("year")
    headline = plain(mapping_or_empty(raw.get("text")).get("headline")) or "untitled"
    year = "" if blank(year) or isinstance(year, (dict, list)) else short(str(year).strip(), 20)
    return f"'{short(headline)}'" + (f" ({year})" if year else "")


def short(text: str, limit: int = 60) -> str:
    """`text` on one line, at most `limit` characters, for a note printed to a terminal."""
    text = " ".join(CONTROL.sub("", text[: limit * 4]).split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"


def plain(value: object) -> str:
    """HTML → one line of plain text: a line break or a paragraph becomes a space; a list or
    a mapping is not text."""
    if blank(value) or isinstance(value, (dict, list)):
        return ""
    return " ".join(html.unescape(_TAG.sub("", _BREAK.sub(" ", str(value)))).split())


def mapping_or_empty(value: object) -> dict:
    return value if isinstance(value, dict) else {}
