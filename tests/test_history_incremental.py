"""The history and the build cache: a build reads only the commits since the last one, knows
when there is none, and makes again only what shows an event whose history changed."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_history import Repo, event, new_repo

import generator.githistory as githistory
from generator.build import Builder, BuildOptions, build

from conftest import build_site, read_html, site_files


@pytest.fixture
def repo(make_site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Repo:
    return new_repo(make_site, tmp_path, monkeypatch)


@pytest.fixture
def logs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The revisions of each `git log` of the history that a build runs."""
    asked: list[str] = []
    real = githistory.log_commits

    def spy(root: Path, prefix: str, revisions: str) -> list[githistory.Commit]:
        asked.append(revisions)
        return real(root, prefix, revisions)

    monkeypatch.setattr(githistory, "log_commits", spy)
    return asked


def three_events(repo: Repo) -> str:
    for name in "abc":
        repo.write(f"content/{name}.md", event(name.upper(), f"2018-07-1{'abc'.index(name)}"))
    return repo.commit("Add", "2020-01-01T10:00:00+00:00")


def test_a_build_with_no_new_commit_reads_no_history(repo: Repo, logs: list[str]) -> None:
    head = three_events(repo)
    build_site(repo.root)
    assert logs == [head]  # the whole history, once
    again = build_site(repo.root)
    assert again.written == 0 and logs == [head]


def test_a_new_commit_is_read_alone_and_remakes_what_shows_it(repo: Repo,
                                                              logs: list[str]) -> None:
    head = three_events(repo)
    build_site(repo.root)
    site = repo.root / "site"
    before = site_files(site)
    repo.write("content/b.md", event("B", "2018-07-12"))
    new = repo.commit("Fix B\n\nCorrection: B was on the 12th.", "2020-02-01T10:00:00+00:00")
    build_site(repo.root)
    assert logs == [head, f"{head}..{new}"]
    page = read_html(site / "events" / "b" / "index.html")
    assert page.select_one("ul.corrections li").get_text(" ", strip=True) == (
        "February 1, 2020 : B was on the 12th.")
    repo.git("commit", "-q", "--allow-empty", "-m", "Nothing under content/")
    build_site(repo.root)
    middle = site_files(site)
    repo.write("content/c.md", event("C", "2018-07-12", "More on C."))
    repo.commit("More on C\n\nUpdate: more on C.", "2020-03-01T10:00:00+00:00")
    report = build_site(repo.root)
    after = site_files(site)
    changed = {path for path in after if after[path] != middle.get(path)}
    assert "events/c/index.html" in changed and "corrections/index.html" in changed
    assert "events/a/index.html" not in changed  # nothing it shows changed
    assert report.written > 0
    assert before["events/a/index.html"] == after["events/a/index.html"]


def test_a_rewritten_history_is_read_whole(repo: Repo, logs: list[str]) -> None:
    three_events(repo)
    repo.write("content/a.md", event("A", "2018-07-11"))
    repo.commit("Fix A", "2020-02-01T10:00:00+00:00")
    build_site(repo.root)
    repo.git("commit", "-q", "--amend", "-m", "Fix A\n\nCorrection: A was on the 11th.",
             date="2020-02-02T10:00:00+00:00")
    head = repo.git("rev-parse", "HEAD").strip()
    build_site(repo.root)
    assert logs[-1] == head  # the old HEAD is no ancestor of the new one
    page = read_html(repo.root / "site" / "events" / "a" / "index.html")
    assert page.select_one("ul.corrections li").get_text(" ", strip=True) == (
        "February 2, 2020 : A was on the 11th.")


def test_a_cached_build_after_a_commit_equals_a_clean_one(repo: Repo, tmp_path: Path) -> None:
    three_events(repo)
    build_site(repo.root)
    repo.write("content/a.md", event("A", "2018-07-11", "More."))
    repo.commit("More\n\nUpdate: more on A.", "2020-02-01T10:00:00+00:00")
    repo.git("mv", "content/c.md", "content/see.md")
    repo.commit("Rename\n\nCorrection: C's slug.", "2020-03-01T10:00:00+00:00")
    build_site(repo.root)
    clean = tmp_path / "clean"
    build(BuildOptions(root=repo.root, output=clean, clean=True))
    cached, fresh = repo.root / "site", clean
    files = sorted(p.relative_to(cached).as_posix() for p in cached.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(fresh).as_posix() for p in fresh.rglob("*")
                           if p.is_file())
    for name in files:
        if not name.startswith("pagefind/"):
            assert (cached / name).read_bytes() == (fresh / name).read_bytes(), name


def test_a_long_lived_builder_sees_a_new_commit(repo: Repo, logs: list[str]) -> None:
    head = three_events(repo)
    builder = Builder(BuildOptions(root=repo.root))
    first = builder.render()
    assert b"ul class=\"changes" not in first.files["events/a/index.html"]
    repo.write("content/a.md", event("A", "2018-07-11"))
    new = repo.commit("Fix\n\nCorrection: A's date.", "2020-02-01T10:00:00+00:00")
    # A dev server rebuilds for the file it saw change, and so reads the commit too.
    second = builder.render(changed=["content/a.md"])
    page = second.files["events/a/index.html"]
    assert isinstance(page, bytes) and b"A&#39;s date." in page
    assert logs == [head, f"{head}..{new}"]
    third = builder.render(changed=["content/b.md"])
    assert logs == [head, f"{head}..{new}"]  # HEAD did not move: nothing read
    assert third.files["events/a/index.html"] == page
