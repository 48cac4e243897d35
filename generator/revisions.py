"""What the git history says of an event file: when it was first published, when it was last
updated, and the corrections and updates its commits announced. Plain frozen values, no I/O."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from generator.dates import PartialDate

CORRECTION = "correction"
UPDATE = "update"


@dataclass(frozen=True, slots=True)
class Change:
    """A correction or an update of an event, as the trailer of a commit announced it."""

    kind: str  # CORRECTION or UPDATE
    when: dt.datetime  # the commit's date, aware
    day: PartialDate  # that date's day in the site's time zone, as pages show it
    text: str
    commit: str  # the commit's full hash

    def __getstate__(self) -> tuple:
        return (self.kind, self.when, self.day, self.text, self.commit)


@dataclass(frozen=True, slots=True)
class EventHistory:
    """An event file's history: first published, last updated (None when its file did not
    change since), and its corrections and updates, newest first."""

    published: dt.datetime
    published_day: PartialDate
    updated: dt.datetime | None = None
    updated_day: PartialDate | None = None
    changes: tuple[Change, ...] = ()

    def __getstate__(self) -> tuple:
        return (self.published, self.published_day, self.updated, self.updated_day,
                self.changes)

    @property
    def corrections(self) -> tuple[Change, ...]:
        return tuple(change for change in self.changes if change.kind == CORRECTION)

    @property
    def updates(self) -> tuple[Change, ...]:
        return tuple(change for change in self.changes if change.kind == UPDATE)

    @property
    def last_changed(self) -> dt.datetime:
        """The date of the newest commit that published or changed the file."""
        return self.updated or self.published


def day_of(moment: dt.datetime, tz: dt.tzinfo) -> PartialDate:
    """The day a moment falls on in `tz`, as a date of day precision."""
    local = moment.astimezone(tz)
    return PartialDate(local.year, local.month, local.day)


def history_data(history: EventHistory) -> dict:
    """An event's history as plain JSON values, for the data exports."""
    def changes(kind: str) -> list[dict]:
        return [{"date": change.when.isoformat(), "text": change.text, "commit": change.commit}
                for change in history.changes if change.kind == kind]

    return {"first_published": history.published.isoformat(),
            "last_updated": history.updated.isoformat() if history.updated else None,
            "corrections": changes(CORRECTION), "updates": changes(UPDATE)}
