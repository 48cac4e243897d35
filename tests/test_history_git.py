"""Reading the history from git: within its limits, through merges, deletions and trailers
as git reads them."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_history import Repo, event, new_repo

from generator.githistory import read_history
from generator.gitrun import GitFailed, git


@pytest.fixture
def repo(make_site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Repo:
    return new_repo(make_site, tmp_path, monkeypatch)


def test_git_is_stopped_at_its_limits(repo: Repo) -> None:
    repo.write("content/a.md", event("A", "2018-07-19"))
    repo.commit("Add", "2020-01-01T10:00:00+00:00")
    with pytest.raises(GitFailed, match="^git printed more than 100 bytes$"):
        git(repo.root, "log", limit=100)
    with pytest.raises(GitFailed, match="^git took longer than 0 seconds$"):
        git(repo.root, "log", timeout=0)
    with pytest.raises(GitFailed, match="unknown revision"):
        git(repo.root, "log", "no-such-branch;touch x")  # an argument, never a shell's
    assert not (repo.root / "x").exists()


def test_merged_branches_give_the_newest_update(repo: Repo) -> None:
    repo.write("content/a.md", event("A", "2018-07-19"))
    repo.write("content/b.md", event("B", "2018-07-20"))
    repo.commit("Add", "2020-01-01T10:00:00+00:00")
    repo.git("checkout", "-q", "-b", "side")
    repo.write("content/a.md", event("A", "2018-07-19", "Side."))
    repo.commit("Side\n\nUpdate: from the side branch.", "2020-03-01T10:00:00+00:00")
    repo.git("checkout", "-q", "main")
    repo.write("content/b.md", event("B", "2018-07-20", "Main."))
    repo.commit("Main", "2020-02-01T10:00:00+00:00")
    repo.git("merge", "-q", "--no-edit", "side", date="2020-04-01T10:00:00+00:00")
    files = read_history(repo.root).files
    assert files["content/a.md"][0] == "2020-01-01T10:00:00+00:00"
    assert files["content/a.md"][2] == "2020-03-01T10:00:00+00:00"
    assert [note[2] for note in files["content/a.md"][3]] == ["from the side branch."]
    assert files["content/b.md"][2] == "2020-02-01T10:00:00+00:00"


def test_a_file_deleted_and_written_again_is_published_again(repo: Repo) -> None:
    repo.write("content/a.md", event("A", "2018-07-19"))
    repo.commit("Add", "2020-01-01T10:00:00+00:00")
    (repo.root / "content" / "a.md").unlink()
    repo.commit("Remove", "2020-02-01T10:00:00+00:00")
    history = read_history(repo.root)
    assert "content/a.md" not in history.files
    repo.write("content/a.md", event("A", "2018-07-19", "Back."))
    repo.commit("Back", "2020-03-01T10:00:00+00:00")
    again = read_history(repo.root, history)
    assert again.read == 1  # only the new commit
    assert again.files["content/a.md"][:3] == ("2020-03-01T10:00:00+00:00",
                                               repo.git("rev-parse", "HEAD").strip(), "")


def test_trailers_are_read_as_git_reads_them(repo: Repo) -> None:
    repo.write("content/a.md", event("A", "2018-07-19"))
    repo.commit("Add", "2020-01-01T10:00:00+00:00")
    repo.write("content/a.md", event("A", "2018-07-20"))
    repo.commit("Fix\n\ncorrection: lower case key,\n   continued here\n"
                "Reviewed-by: Someone\nUPDATE : spaced key\nCorrection:\n",
                "2020-02-01T10:00:00+00:00")
    notes = read_history(repo.root).files["content/a.md"][3]
    # Keys in any case, with space before the colon as git allows; an empty one says nothing.
    assert [(kind, text) for kind, _when, text, _commit in notes] == [
        ("correction", "lower case key, continued here"), ("update", "spaced key")]


def test_a_site_in_a_subfolder_of_its_repository(repo: Repo, make_site) -> None:
    inner = repo.root / "timeline"
    (inner / "content").mkdir(parents=True)
    (inner / "chronoline.toml").write_text('title = "Inner"\n', encoding="utf-8")
    repo.write("timeline/content/a.md", event("A", "2018-07-19"))
    repo.write("content/b.md", event("B", "2018-07-19"))
    repo.commit("Add", "2020-01-01T10:00:00+00:00")
    history = read_history(inner)
    assert history.prefix == "timeline/"
    assert list(history.files) == ["content/a.md"]
