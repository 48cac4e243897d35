"""What a build reports: how much it made and wrote, its warnings, the drafts it left out."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class BuildReport:
    events: int
    pages: int
    written: int
    removed: int
    milliseconds: int
    warnings: tuple[str, ...] = field(default_factory=tuple)
    drafts: int = 0  # drafts left out

    def summary(self) -> str:
        events, pages = count_of(self.events, "event"), count_of(self.pages, "page")
        return (f"Built {events}, {pages}: {count_of(self.written, 'file')} written, "
                f"{self.removed} removed in {self.milliseconds} ms")


def count_of(number: int, noun: str) -> str:
    """`1 event`, `2 events`."""
    return f"{number} {noun}{'' if number == 1 else 's'}"
