"""`chronoline check` and the record: a commit since the last tag (or --since REF) that
changed an event's date, title or sources without a Correction: or Update: trailer."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from test_history import Repo, event, new_repo

from generator.build import BuildOptions
from generator.check import check


@pytest.fixture
def repo(make_site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Repo:
    return new_repo(make_site, tmp_path, monkeypatch)


def check_cli(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", "check", "--source", str(root),
                           *args], capture_output=True, text=True, check=False)


def published(repo: Repo) -> None:
    """Two events committed and tagged as published."""
    repo.write("content/a.md", event("A", "2018-07-19"))
    repo.write("content/b.md", event("B", "2018-08-19"))
    repo.commit("Add", "2020-01-01T10:00:00+00:00")
    repo.git("tag", "published-1")


def message_of(path: str, field: str, commit: str, subject: str) -> str:
    return (f"warning: {path}: {field}: changed by commit {commit[:10]} (\"{subject}\") "
            "without a Correction: or Update: trailer, so readers are not told; say what "
            "changed in its message, with `git commit --amend --trailer \"Correction: ...\"` "
            "for the last commit (`git rebase -i` for an older one)")


def test_a_date_changed_without_a_trailer_is_warned_of(repo: Repo) -> None:
    published(repo)
    repo.write("content/a.md", event("A", "2018-07-20"))
    commit = repo.commit("Tidy A", "2020-02-01T10:00:00+00:00")
    done = check_cli(repo.root, "--strict")
    assert done.returncode == 1
    assert done.stderr.splitlines() == [message_of("content/a.md", "date", commit, "Tidy A"),
                                        "Checked 2 events: 0 errors, 1 warning"]
    done = check_cli(repo.root)
    assert done.returncode == 0  # a warning, which only --strict fails on


def test_a_change_with_a_trailer_is_not_warned_of(repo: Repo) -> None:
    published(repo)
    repo.write("content/a.md", event("A", "2018-07-20"))
    repo.commit("Fix A\n\nCorrection: A was on 20 July.", "2020-02-01T10:00:00+00:00")
    repo.write("content/b.md", event("B, renamed", "2018-08-19").replace(
        "title: S", "title: The report"))
    repo.commit("Retitle B\n\nUpdate: a clearer title and the report's name.",
                "2020-03-01T10:00:00+00:00")
    done = check_cli(repo.root, "--strict")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "Checked 2 events: 0 errors, 0 warnings\n"


def test_title_and_sources_are_watched_and_the_body_is_not(repo: Repo) -> None:
    published(repo)
    repo.write("content/a.md", event("A", "2018-07-19", "Body text, rewritten."))
    repo.commit("Rewrite the body", "2020-02-01T10:00:00+00:00")
    repo.write("content/b.md", event("Bee", "2018-08-19").replace("publisher: P",
                                                                   "publisher: Q"))
    commit = repo.commit("Edit B", "2020-03-01T10:00:00+00:00")
    report = check(BuildOptions(root=repo.root))
    assert [(w.path, w.field, w.line) for w in report.warnings] == [
        ("content/b.md", "title", None), ("content/b.md", "sources", None)]
    assert commit[:10] in report.warnings[0].message


def test_since_names_where_to_start(repo: Repo) -> None:
    published(repo)
    repo.write("content/a.md", event("A", "2018-07-20"))
    commit = repo.commit("Tidy A", "2020-02-01T10:00:00+00:00")
    repo.git("tag", "published-2")
    # The last tag is after the change: nothing to say, unless asked from before it.
    assert check_cli(repo.root, "--strict").returncode == 0
    done = check_cli(repo.root, "--strict", "--since", "published-1")
    assert done.stderr.splitlines()[0] == message_of("content/a.md", "date", commit, "Tidy A")
    done = check_cli(repo.root, "--since", "no-such-ref")
    assert done.returncode == 1
    assert done.stderr.splitlines()[0] == (
        "--since: 'no-such-ref' names no commit of this repository; give a tag, branch or "
        "commit")


def test_without_a_tag_nothing_is_compared(repo: Repo) -> None:
    repo.write("content/a.md", event("A", "2018-07-19"))
    repo.commit("Add", "2020-01-01T10:00:00+00:00")
    repo.write("content/a.md", event("A", "2018-07-20"))
    repo.commit("Tidy A", "2020-02-01T10:00:00+00:00")
    assert check_cli(repo.root, "--strict").returncode == 0


def test_a_shallow_clone_is_warned_of_by_check(repo: Repo, tmp_path: Path) -> None:
    published(repo)
    clone = tmp_path / "clone"
    repo.git("clone", "-q", "--depth", "1", f"file://{repo.root}", str(clone))
    done = check_cli(clone, "--strict")
    assert done.returncode == 1
    assert done.stderr.splitlines()[0].startswith(
        "warning: git history: this is a shallow clone (only the last commits)")
