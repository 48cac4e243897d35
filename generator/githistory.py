"""A site's history from git, read in one `git log` pass over its content/ folder: for each
file, the commit that first published it (following renames), the newest that changed it
since, and the corrections and updates its commits announced in `Correction:` and `Update:`
trailers. A history read once is brought up to date by reading only the commits since."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from generator.gitrun import GitFailed, Repository, git, repository
from generator.revisions import CORRECTION, UPDATE

TRAILERS = {"correction": CORRECTION, "update": UPDATE}  # trailer keys, as git reads them
MAX_TEXT = 2000  # characters kept of one trailer's text
_START = b"\x1eC"  # begins each commit in the log: no path or status can be this
# One commit: its hash, its date, its Correction: and Update: trailers (continuation lines
# joined, as `git interpret-trailers --parse` reads them), then the files it changed.
LOG_FORMAT = ("--format=%x00%x1eC%x00%H%x00%cI%x00"
              "%(trailers:key=Correction,key=Update,unfold,separator=%x1f)%x00")
Note = tuple[str, str, str, str]  # kind, commit date (ISO 8601), text, commit
# One file's history: the date (ISO 8601) of the commit that first published it and that
# commit, the date of the newest that changed it after that ("" for none), and the corrections
# and updates announced for it, oldest first. Plain tuples of strings: the build cache holds
# one per file, and pickles them ten times faster than dataclasses of datetimes.
FileRecord = tuple[str, str, str, tuple[Note, ...]]


@dataclass(frozen=True)
class Commit:
    """One commit of the log, and what it did to the files under content/."""

    commit: str
    date: dt.datetime
    notes: tuple[tuple[str, str], ...]  # kind, text
    changes: tuple[tuple[str, str, str], ...]  # status letter, path before, path after


@dataclass
class GitHistory:
    """The history of a site's content/ up to `head`, by path from the site's folder."""

    head: str
    prefix: str  # the site's folder in its repository, "" or ending with "/"
    shallow: bool
    files: dict[str, FileRecord] = field(default_factory=dict)
    read: int = 0  # commits read to bring it to `head` from the history it was made from


def read_history(root: Path, known: GitHistory | None = None) -> GitHistory:
    """The history of the site under `root` at its HEAD: `known` as it is, when it is at HEAD
    already, or with only the commits since when HEAD descends from it; else read whole.
    GitFailed when git is missing or the site is in no repository."""
    repo = repository(root)
    if known is not None and (known.prefix, known.shallow) == (repo.prefix, repo.shallow):
        if known.head == repo.head:
            return replace(known, read=0)
        if known.head and repo.head and _descends(root, known.head, repo.head):
            return _apply(replace(known, files=dict(known.files)), repo,
                          _log(root, repo, f"{known.head}..{repo.head}"))
    start = GitHistory(repo.head, repo.prefix, repo.shallow)
    return _apply(start, repo, _log(root, repo, repo.head) if repo.head else [])


def _descends(root: Path, old: str, new: str) -> bool:
    try:
        git(root, "merge-base", "--is-ancestor", old, new)
    except GitFailed:  # not an ancestor (status 1), or the old commit is gone
        return False
    return True


def _log(root: Path, repo: Repository, revisions: str) -> list[Commit]:
    return log_commits(root, repo.prefix, revisions)


def log_commits(root: Path, prefix: str, revisions: str) -> list[Commit]:
    """The commits of `revisions` that touched the site's content/, oldest first."""
    out = git(root, "log", "-z", "--topo-order", "--reverse", "-M", "--name-status",
              "--no-ext-diff", "--no-textconv", "--no-color", LOG_FORMAT, revisions, "--",
              "content")
    return list(parse_log(out, prefix))


def parse_log(out: bytes, prefix: str) -> Iterator[Commit]:
    """The commits of `git log -z --name-status` run with LOG_FORMAT; paths from the site's
    folder (the repository's, less `prefix`)."""
    tokens = out.split(b"\0")
    at = 0
    while at < len(tokens):
        if tokens[at].lstrip(b"\n") != _START:
            at += 1
            continue
        commit, date, trailers = (token.decode("utf-8", "replace")
                                  for token in tokens[at + 1:at + 4])
        at += 4
        changes = []
        while at < len(tokens) and tokens[at].lstrip(b"\n") != _START:
            status = tokens[at].lstrip(b"\n").decode("ascii", "replace")
            if not status[:1].isalpha():
                at += 1
                continue
            count = 2 if status[0] in "RC" else 1
            paths = [_from_site(token, prefix) for token in tokens[at + 1:at + 1 + count]]
            changes.append((status, paths[0], paths[-1]))
            at += 1 + count
        yield Commit(commit, dt.datetime.fromisoformat(date), tuple(_notes(trailers)),
                     tuple(changes))


def _from_site(token: bytes, prefix: str) -> str:
    path = token.decode("utf-8", "surrogateescape")
    return path.removeprefix(prefix)


def _notes(trailers: str) -> Iterator[tuple[str, str]]:
    for trailer in trailers.split("\x1f"):
        key, colon, text = trailer.partition(":")
        kind = TRAILERS.get(key.strip().lower())
        if colon and kind is not None and text.strip():
            yield kind, " ".join(text.split())[:MAX_TEXT]


def _apply(history: GitHistory, repo: Repository, commits: list[Commit]) -> GitHistory:
    """`history` brought forward by `commits`, oldest first."""
    files = history.files
    for commit in commits:
        touched = []
        for status, before, after in commit.changes:
            touched.append(after)
            _change(files, commit, status[0], before, after, status)
        if commit.notes:
            for path in touched:
                record = files.get(path)
                if record is not None:
                    when = commit.date.isoformat()
                    notes = tuple((kind, when, text, commit.commit)
                                  for kind, text in commit.notes)
                    files[path] = (*record[:3], record[3] + notes)
    history.head, history.read = repo.head, len(commits)
    return history


def _change(files: dict[str, FileRecord], commit: Commit, kind: str, before: str, after: str,
            status: str) -> None:
    """What one line of --name-status does to the records."""
    if kind == "D":
        files.pop(after, None)
        return
    if kind == "R":
        record = files.pop(before, None)
        if record is not None:
            # A file moved as it was is the same text: not an update.
            files[after] = record if status == "R100" else _updated(record, commit.date)
            return
    record = files.get(after)
    if record is None or kind in "AC":
        files[after] = record or (commit.date.isoformat(), commit.commit, "", ())
    else:
        files[after] = _updated(record, commit.date)


def _updated(record: FileRecord, date: dt.datetime) -> FileRecord:
    # Commits of two branches come in the order of the graph, not of their dates.
    published, commit, updated, notes = record
    if updated and dt.datetime.fromisoformat(updated) >= date:
        return record
    if dt.datetime.fromisoformat(published) >= date:
        return record
    return (published, commit, date.isoformat(), notes)
