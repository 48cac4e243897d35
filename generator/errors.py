"""Errors a user can act on: each names the file, the line where known, and the field."""

from __future__ import annotations

from dataclasses import dataclass


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
        return f"{where}: {what}"


class ContentErrors(Exception):
    """Raised by a parsing step that found one or more problems in a file."""

    def __init__(self, errors: list[ContentError]) -> None:
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


class BuildFailed(ContentErrors):
    """The build stopped; `errors` holds every problem found in this run."""


class CommandFailed(Exception):
    """A command cannot go on for a reason the user can fix; the message, one line, says it."""
