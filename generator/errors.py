"""Errors a user can act on: each names the file, the line where known, and the field."""

from __future__ import annotations

import re
from dataclasses import dataclass

# What a terminal would act on rather than show: C0 and C1 controls, DEL, line and paragraph
# separators, and the marks that reverse the direction of text. A file name such as
# "\x1b]0;pwned\x07.md" would otherwise set the terminal's title when an error names it.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
QUOTE_LIMIT = 60  # characters of a bad value a message quotes


def printable(text: str) -> str:
    """`text` with every control character written as an escape, such as `\\x1b`."""
    return _UNPRINTABLE.sub(lambda m: _escape(m.group()), text)


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def quoted(value: object, limit: int = QUOTE_LIMIT) -> str:
    """`value` quoted for a message, as repr() does, but only its start when it is long: a bad
    value may be megabytes, and a message is one line."""
    text = value if isinstance(value, str) else str(value)
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit]!r}… ({len(text):,} characters)"


def shortened(text: str, limit: int = QUOTE_LIMIT) -> str:
    """`text` as it is, or its start and an ellipsis: for names written in a file, such as keys."""
    return text if len(text) <= limit else text[:limit] + "…"


@dataclass(frozen=True)
class ContentError:
    """One problem in one input file, shown as `path:line: field: message`."""

    path: str
    message: str
    line: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        what = f"{self.field}: {self.message}" if self.field else self.message
        return printable(f"{where}: {what}")


class ContentErrors(Exception):
    """Raised by a parsing step that found one or more problems in a file."""

    def __init__(self, errors: list[ContentError]) -> None:
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


class BuildFailed(ContentErrors):
    """The build stopped; `errors` holds every problem found in this run."""


class CommandFailed(Exception):
    """A command cannot go on for a reason the user can fix; the message, one line, says it."""
