"""The rule `chronoline check` keeps for the record: a commit since the last published build
that changed an event's date, title or sources says so in a `Correction:` or `Update:`
trailer, so that readers are told."""

from __future__ import annotations

from pathlib import Path

from generator.errors import ContentError, ContentErrors
from generator.frontmatter import Value, split
from generator.githistory import Commit, log_commits
from generator.gitrun import GitFailed, git, repository

WATCHED = ("date", "title", "sources")  # what a reader relies on
EVENT_SUFFIXES = (".md", ".markdown")
Request = tuple[Commit, str, str, str]  # the commit, the path before and after, its status


def unrecorded_changes(root: Path, since: str | None = None) -> list[ContentError]:
    """A warning for each event file whose date, title or sources a commit after `since` (by
    default the newest tag reachable from HEAD) changed, without a Correction: or Update:
    trailer. None outside a git repository, or with no tag and no `since`. ContentErrors
    when `since` names no commit."""
    try:
        repo = repository(root)
    except GitFailed:
        return []
    base = since if since is not None else _last_tag(root)
    if base is None or not repo.head:
        return []
    try:
        git(root, "rev-parse", "--verify", "--quiet", f"{base}^{{commit}}")
    except GitFailed:
        raise ContentErrors([ContentError("--since", f"{base!r} names no commit of this "
                                          "repository; give a tag, branch or commit")]) from None
    requests = [(commit, before, after, status)
                for commit in log_commits(root, repo.prefix, f"{base}..{repo.head}")
                if not commit.notes
                for status, before, after in commit.changes
                if status[0] in "MRT" and status != "R100" and after.endswith(EVENT_SUFFIXES)]
    if not requests:
        return []
    texts = _blobs(root, [(f"{commit.commit}^", repo.prefix + before)
                          for commit, before, _after, _status in requests]
                   + [(commit.commit, repo.prefix + after)
                      for commit, _before, after, _status in requests])
    subjects = _subjects(root, {commit.commit for commit, *_ in requests})
    found = []
    for number, (commit, _before, after, _status) in enumerate(requests):
        old, new = texts[number], texts[number + len(requests)]
        for field in _changed(old, new, after):
            found.append(_warning(after, field, commit.commit, subjects.get(commit.commit, "")))
    return found


def _last_tag(root: Path) -> str | None:
    try:
        return git(root, "describe", "--tags", "--abbrev=0", "HEAD").decode().strip() or None
    except GitFailed:  # no tag yet: nothing published to compare with
        return None


def _blobs(root: Path, wanted: list[tuple[str, str]]) -> list[str | None]:
    """The text of each file at each commit, in one `git cat-file --batch`; None for one
    that is not there."""
    request = "".join(f"{commit}:{path}\n" for commit, path in wanted).encode(
        "utf-8", "surrogateescape")
    try:
        out = git(root, "cat-file", "--batch", given=request)
    except GitFailed as exc:
        raise ContentErrors([ContentError(str(root), f"git cat-file failed: {exc}")]) from None
    texts: list[str | None] = []
    at = 0
    for _ in wanted:
        end = out.index(b"\n", at)
        header = out[at:end].split()
        at = end + 1
        if len(header) != 3 or header[1] != b"blob":
            texts.append(None)
            continue
        size = int(header[2])
        texts.append(out[at:at + size].decode("utf-8-sig", "replace"))
        at += size + 1
    return texts


def _subjects(root: Path, commits: set[str]) -> dict[str, str]:
    out = git(root, "log", "--no-walk=unsorted", "--format=%H%x00%s", *sorted(commits))
    return dict(line.split("\0", 1) for line in out.decode("utf-8", "replace").splitlines()
                if "\0" in line)


def _changed(old: str | None, new: str | None, path: str) -> list[str]:
    """The watched fields whose values differ between two texts of an event file."""
    if old is None or new is None:
        return []
    before, after = _fields(old, path), _fields(new, path)
    if before is None or after is None:  # not an event file then, or not one now
        return []
    return [field for field in WATCHED if before.get(field) != after.get(field)]


def _fields(text: str, path: str) -> dict[str, object] | None:
    try:
        fields = split(text, path).fields
    except ContentErrors:
        return None
    return {name: _plain(value) for name, value in fields.items() if name in WATCHED}


def _plain(value: Value) -> object:
    """A value without the lines it was written on: moving a line is no change."""
    data = value.data
    if isinstance(data, list):
        return [_plain(item) for item in data]
    if isinstance(data, dict):
        return {key: _plain(item) for key, item in data.items()}
    return data


def _warning(path: str, field: str, commit: str, subject: str) -> ContentError:
    told = f' ("{subject}")' if subject else ""
    return ContentError(path, (
        f"changed by commit {commit[:10]}{told} without a Correction: or Update: trailer, so "
        "readers are not told; say what changed in its message, with `git commit --amend "
        "--trailer \"Correction: ...\"` for the last commit (`git rebase -i` for an older "
        "one)"), None, field)
